// The watermark metrics of a run with [watermark] (docs/hygiene.md#watermark-in-the-loop): the
// detector's view of each generation's synthetic samples as the model generated them (before any
// screen dropped what it flagged), each sample a document scored on its own tokens (its prompt is
// not part of it).
//   watermark_z        mean z over the samples (samples too short to score are left out)
//   watermark_flagged  share of all samples with z > watermark.z_threshold
// Both need a corpus truth and token samples, and apply only when watermark.scheme is not "none".
#include "watermark_metrics.hpp"

#include <cmath>
#include <limits>
#include <optional>

#include "ouro/core/config.hpp"
#include "ouro/hygiene/watermark_config.hpp"
#include "ouro/models/ngram_corpus.hpp"

namespace ouro {
namespace {

class WatermarkMetric final : public Metric {
 public:
  WatermarkMetric(std::string name, const Config& config)
      : name_(std::move(name)), settings_(hygiene::watermark_table(config)) {}
  std::string_view name() const override { return name_; }
  bool applies(const Capabilities& family, const Truth& truth) const override {
    return truth.corpus() != nullptr && family.samples == SampleKind::kTokens && settings_.has_value();
  }
  double compute(const GenerativeModel& /*model*/, const MetricContext& context) const override {
    // Both metrics read one scoring pass of the generation's samples, shared through the scratch.
    const auto tally = [&] { return score_samples(context); };
    const Tally t = context.scratch != nullptr ? context.scratch->generation_entry<Tally>("watermark", tally) : tally();
    if (name_ == "watermark_z")
      return t.scored == 0 ? std::numeric_limits<double>::quiet_NaN() : t.z_sum / static_cast<double>(t.scored);
    return static_cast<double>(t.flagged) / static_cast<double>(context.generated().size());
  }

 private:
  struct Tally {
    double z_sum = 0.0;       // over the samples long enough to score
    std::size_t scored = 0;   // such samples
    std::size_t flagged = 0;  // samples with z > z_threshold
  };

  Tally score_samples(const MetricContext& context) const {
    hygiene::WatermarkSettings settings = *settings_;
    settings.vocab_size = static_cast<std::int64_t>(context.truth.corpus()->vocabulary().size());
    const hygiene::Watermark watermark(settings);
    Tally t;
    std::vector<text::TokenId> ids;
    const Samples& samples = context.generated();
    for (Eigen::Index i = 0; i < samples.size(); ++i) {
      const auto tokens = samples.tokens(i);
      ids.assign(tokens.begin(), tokens.end());
      const hygiene::WatermarkScore s = watermark.score(ids);
      if (s.scored == 0) continue;
      t.z_sum += s.z;
      ++t.scored;
      t.flagged += s.flagged ? 1 : 0;
    }
    return t;
  }

  std::string name_;
  std::optional<hygiene::WatermarkSettings> settings_;  // nullopt: the run does not watermark
};

}  // namespace

const std::vector<std::string>& watermark_metric_names() {
  static const std::vector<std::string> names{"watermark_z", "watermark_flagged"};
  return names;
}

std::unique_ptr<Metric> make_watermark_metric(std::string_view name, const Config& config) {
  for (const auto& known : watermark_metric_names())
    if (name == known) return std::make_unique<WatermarkMetric>(known, config);
  return nullptr;
}

}  // namespace ouro
