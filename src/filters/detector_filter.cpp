// detector: a screen that drops the synthetic samples a synthetic-text detector (an `ouro detector
// train` file, hygiene/detector.hpp) gives P(synthetic) > flag_above. Each sample is judged as the
// text the corpus truth renders it to, as a corpus engineer's detector sees documents.
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
      : ScreenFilter(miss_rate), detector_(std::move(detector)), corpus_(corpus), flag_above_(flag_above) {}

  std::string_view kind() const override { return "detector"; }

 private:
  bool flags(const Samples& samples, Eigen::Index i) const override {
    // A blank sample (only sentence ends) gives the detector nothing to judge: not flagged.
    const std::optional<double> p = detector_->probability_of(corpus_.render(samples.tokens(i)));
    return p && *p > flag_above_;
  }

  std::shared_ptr<const hygiene::Detector> detector_;
  const CorpusTruth& corpus_;  // the truth outlives the experiment's filters
  double flag_above_;
};

}  // namespace

std::unique_ptr<Filter> make_detector_filter(std::shared_ptr<const hygiene::Detector> detector,
                                             const CorpusTruth& corpus, double flag_above, double miss_rate) {
  return std::make_unique<DetectorFilter>(std::move(detector), corpus, flag_above, miss_rate);
}

}  // namespace ouro
