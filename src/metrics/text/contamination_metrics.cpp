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
#include <limits>
#include <optional>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/hygiene/contamination.hpp"
#include "ouro/hygiene/detector.hpp"
#include "ouro/models/ngram_corpus.hpp"

namespace ouro {
namespace {

using hygiene::FlagCount;

// The detector of metrics.detector and the threshold its flags use.
struct FlaggingDetector {
  std::shared_ptr<const hygiene::Detector> detector;
  double flag_above = 0.5;

  // Whether the detector flags `text` (a blank text is never flagged: nothing to judge).
  bool flags(const std::string& text) const {
    const std::optional<double> p = detector->probability_of(text);
    return p && *p > flag_above;
  }
};

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

FlagCount count_flags(const FlaggingDetector& detector, const CorpusTruth& corpus, const Samples& samples) {
  FlagCount count;
  for (Eigen::Index i = 0; i < samples.size(); ++i) count.flagged += detector.flags(corpus.render(samples.tokens(i)));
  count.total = static_cast<std::uint64_t>(samples.size());
  return count;
}

FlagCount count_test_flags(const FlaggingDetector& detector, const CorpusTruth& corpus, const Matrix& rows) {
  FlagCount count;
  for (Eigen::Index i = 0; i < rows.rows(); ++i) count.flagged += detector.flags(corpus.render(rows.row(i)));
  count.total = static_cast<std::uint64_t>(rows.rows());
  return count;
}

class ContaminationMetric final : public Metric {
 public:
  ContaminationMetric(std::string name, std::optional<FlaggingDetector> detector)
      : name_(std::move(name)), detector_(std::move(detector)) {}
  std::string_view name() const override { return name_; }
  bool applies(const Capabilities& family, const Truth& truth) const override {
    if (name_ == "synthetic_share") return true;
    return detector_.has_value() && truth.corpus() != nullptr && family.samples == SampleKind::kTokens;
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
  std::optional<FlaggingDetector> detector_;  // nullopt: metrics.detector is not set
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
  std::optional<FlaggingDetector> detector;
  if (config.has("metrics.detector")) {
    // Loaded once for the four metrics and a detector screen of the same file.
    try {
      detector = FlaggingDetector{hygiene::Detector::load_shared(config.text("metrics.detector")),
                                  config.real("metrics.detector_flag_above")};
    } catch (const Error& e) {
      config.fail("metrics.detector", e.what());
    }
  }
  return std::make_unique<ContaminationMetric>(std::string(name), std::move(detector));
}

}  // namespace ouro
