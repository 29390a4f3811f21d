// The screens' common part (private to the filters module): a screen scores each sample of the
// complete S_g on its own (the watermark's z, the detector's P(synthetic)) and drops what scores
// above its threshold, without replacement (filter.hpp); the scores go to the provenance ledger. A
// deliberately weakened screen (filter.miss_rate) lets each flagged sample through with that
// probability, one uniform draw per flagged sample in order, so its true-positive rate is scaled
// by 1 - miss_rate: the knob a sweep turns to ask how good detection must be.
#pragma once

#include "ouro/filters/filter.hpp"

namespace ouro {

class ScreenFilter : public Filter {
 public:
  ScreenFilter(double threshold, double miss_rate) : Filter(1.0), threshold_(threshold), miss_rate_(miss_rate) {}

  bool refills() const final { return false; }
  void apply(const Samples& candidates, Rng& rng, FilterState* state, std::vector<std::size_t>& passed) const final;
  void screen(const Samples& samples, Rng& rng, std::vector<std::size_t>& passed,
              std::vector<double>& scores) const final;

 protected:
  // Sample i's score; NaN when it has none (never flagged).
  virtual double score(const Samples& samples, Eigen::Index i) const = 0;

 private:
  double threshold_;  // flagged: score > threshold
  double miss_rate_;
};

}  // namespace ouro
