// detector: a screen that drops the synthetic samples a synthetic-text detector (an `ouro detector
// train` file, hygiene/detector.hpp) gives P(synthetic) > flag_above. Each sample is judged as the
// text the corpus truth renders it to, as a corpus engineer's detector sees documents.
#include <limits>
#include <optional>

#include "filter_kinds.hpp"
#include "ouro/models/ngram_corpus.hpp"
#include "screen_filter.hpp"

namespace ouro {
namespace {

class DetectorFilter final : public ScreenFilter {
 public:
  DetectorFilter(std::shared_ptr<const hygiene::Detector> detector, const CorpusTruth& corpus, double flag_above,
                 double miss_rate)
      : ScreenFilter(flag_above, miss_rate), detector_(std::move(detector)), corpus_(corpus) {}

  std::string_view kind() const override { return "detector"; }
  std::string_view score_name() const override { return "detector_score"; }

 private:
  double score(const Samples& samples, Eigen::Index i) const override {
    // A blank sample (only sentence ends) gives the detector nothing to judge: NaN, not flagged.
    const std::optional<double> p = detector_->probability_of(corpus_.render(samples.tokens(i)));
    return p ? *p : std::numeric_limits<double>::quiet_NaN();
  }

  std::shared_ptr<const hygiene::Detector> detector_;
  const CorpusTruth& corpus_;  // the truth outlives the experiment's filters
};

}  // namespace

std::unique_ptr<Filter> make_detector_filter(std::shared_ptr<const hygiene::Detector> detector,
                                             const CorpusTruth& corpus, double flag_above, double miss_rate) {
  return std::make_unique<DetectorFilter>(std::move(detector), corpus, flag_above, miss_rate);
}

}  // namespace ouro
