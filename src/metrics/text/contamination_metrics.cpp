// The contamination metrics (docs/hygiene.md#contamination-in-the-loop): how well a detector
// recovers the synthetic share of each generation's training set, which the loop knows exactly.
// A corpus engineer's estimate, made inside the loop:
//   synthetic_share     the training set's true synthetic share (from its provenance; applies to
//                       every run, recorded by default with the estimate)
//   contamination       the Rogan-Gladen estimate of that share from the detector's flags
//                       (hygiene/contamination.hpp), corrected by the error rates it shows on
//   contamination_low   calibration sets: FPR on the held-out real test blocks, TPR on the
//   contamination_high  generation's synthetic samples as drawn; low/high bound the 95% Wald
//                       (delta-method) interval, clipped to [0, 1]
// The estimate is NaN when the detector flags no larger share of the synthetic calibration set
// than of the real one (TPR <= FPR: nothing can be said). Every set is judged as the text the
// corpus truth renders it to; flagged means P(synthetic) > metrics.detector_flag_above.
#include "contamination_metrics.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <utility>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/hygiene/contamination.hpp"
#include "ouro/hygiene/detector.hpp"
#include "ouro/models/ngram_corpus.hpp"

namespace ouro {
namespace {

using hygiene::FlagCount;

// The detector of metrics.detector and the threshold its flags use.
class SharedDetector {
 public:
  SharedDetector(hygiene::Detector detector, double flag_above) : detector_(std::move(detector)), flag_above_(flag_above) {}

  // Whether the detector flags `text` (a text with no word is never flagged: nothing to judge).
  bool flags(const std::string& text) const {
    if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); })) return false;
    return detector_.probability(detector_.features(text)) > flag_above_;
  }

 private:
  hygiene::Detector detector_;
  double flag_above_;
};

// Loading a detector retrains its reference models (seconds), so the four metrics of a run share
// one load: the process keeps each (file, threshold) while a metric holds it.
std::shared_ptr<const SharedDetector> shared_detector(const Config& config) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, double>, std::weak_ptr<const SharedDetector>> loaded;
  const std::pair<std::string, double> key{config.text("metrics.detector"), config.real("metrics.detector_flag_above")};
  const std::lock_guard lock(mutex);
  if (auto held = loaded[key].lock()) return held;
  std::shared_ptr<const SharedDetector> detector;
  try {
    detector = std::make_shared<const SharedDetector>(hygiene::Detector::load(key.first), key.second);
  } catch (const Error& e) {
    config.fail("metrics.detector", e.what());
  }
  loaded[key] = detector;
  return detector;
}

// One generation's counts, shared by the three estimate metrics through the scratch.
struct Tally {
  FlagCount corpus, real, synthetic;
};

// The share of `training`'s samples whose provenance says synthetic.
double synthetic_share(const Dataset& training) {
  std::uint64_t synthetic = 0;
  for (const ProvenanceRun& run : training.provenance_runs())
    if (run.first.origin == Origin::kSynthetic) synthetic += run.rows;
  return training.empty() ? 0.0 : static_cast<double>(synthetic) / static_cast<double>(training.size());
}

FlagCount count_flags(const SharedDetector& detector, const CorpusTruth& corpus, const Samples& samples) {
  FlagCount count;
  for (Eigen::Index i = 0; i < samples.size(); ++i) count.flagged += detector.flags(corpus.render(samples.tokens(i)));
  count.total = static_cast<std::uint64_t>(samples.size());
  return count;
}

FlagCount count_test_flags(const SharedDetector& detector, const CorpusTruth& corpus, const Matrix& rows) {
  FlagCount count;
  for (Eigen::Index i = 0; i < rows.rows(); ++i) count.flagged += detector.flags(corpus.render(rows.row(i)));
  count.total = static_cast<std::uint64_t>(rows.rows());
  return count;
}

class ContaminationMetric final : public Metric {
 public:
  ContaminationMetric(std::string name, std::shared_ptr<const SharedDetector> detector)
      : name_(std::move(name)), detector_(std::move(detector)) {}
  std::string_view name() const override { return name_; }
  bool applies(const Capabilities& family, const Truth& truth) const override {
    if (name_ == "synthetic_share") return true;
    return detector_ != nullptr && truth.corpus() != nullptr && family.samples == SampleKind::kTokens;
  }
  double compute(const GenerativeModel& /*model*/, const MetricContext& context) const override {
    OURO_CHECK(context.training != nullptr, Error, "internal: {} needs the generation's training set", name_);
    if (name_ == "synthetic_share") return synthetic_share(*context.training);
    const auto make = [&] { return tally(context); };
    const Tally t = context.scratch != nullptr ? context.scratch->generation_entry<Tally>("contamination", make) : make();
    if (!(t.synthetic.share() > t.real.share()) || t.corpus.total == 0) return std::numeric_limits<double>::quiet_NaN();
    const hygiene::ContaminationEstimate e =
        hygiene::estimate_contamination(t.corpus, t.real, t.synthetic, {.bootstrap = 0});
    if (name_ == "contamination") return e.estimate;
    return name_ == "contamination_low" ? e.wald.low : e.wald.high;
  }

 private:
  Tally tally(const MetricContext& context) const {
    const CorpusTruth& corpus = *context.truth.corpus();
    const Dataset& training = *context.training;
    Tally t;
    t.corpus = count_flags(*detector_, corpus, training.samples());
    // The test blocks are the same in every generation of a replicate: counted once.
    const auto real = [&] { return count_test_flags(*detector_, corpus, context.test.x); };
    t.real = context.scratch != nullptr ? context.scratch->replicate_entry<FlagCount>("contamination.real", real) : real();
    t.synthetic = count_flags(*detector_, corpus, context.generated());
    return t;
  }

  std::string name_;
  std::shared_ptr<const SharedDetector> detector_;  // nullptr: metrics.detector is not set
};

}  // namespace

const std::vector<std::string>& contamination_metric_names() {
  static const std::vector<std::string> names{"synthetic_share", "contamination", "contamination_low",
                                              "contamination_high"};
  return names;
}

std::unique_ptr<Metric> make_contamination_metric(std::string_view name, const Config& config) {
  const auto& names = contamination_metric_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) return nullptr;
  std::shared_ptr<const SharedDetector> detector;
  if (config.has("metrics.detector")) detector = shared_detector(config);
  return std::make_unique<ContaminationMetric>(std::string(name), std::move(detector));
}

}  // namespace ouro
