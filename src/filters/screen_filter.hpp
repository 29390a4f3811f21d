// The screens' common part (private to the filters module): a screen judges each sample of the
// complete S_g on its own and drops what it flags, without replacement (filter.hpp). A deliberately
// weakened screen (filter.miss_rate) lets each flagged sample through with that probability, one
// uniform draw per flagged sample in order, so its true-positive rate is scaled by 1 - miss_rate:
// the knob a sweep turns to ask how good detection must be.
#pragma once

#include "ouro/filters/filter.hpp"

namespace ouro {

class ScreenFilter : public Filter {
 public:
  explicit ScreenFilter(double miss_rate) : Filter(1.0), miss_rate_(miss_rate) {}

  bool refills() const final { return false; }
  void apply(const Samples& candidates, Rng& rng, FilterState* state, std::vector<std::size_t>& passed) const final;

 protected:
  // Whether sample i of `samples` is flagged as synthetic.
  virtual bool flags(const Samples& samples, Eigen::Index i) const = 0;

 private:
  double miss_rate_;
};

}  // namespace ouro
