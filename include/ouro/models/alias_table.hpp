// AliasTable: draws from a discrete distribution in O(1) per draw, by Walker's alias method with
// Vose's construction, over the outcomes with positive weight only, so an outcome of weight 0 can
// never be drawn, whatever the rounding in the construction. Used by the categorical family and by
// the neural families that draw class labels.
#pragma once

#include <cstddef>
#include <vector>

#include "ouro/core/matrix.hpp"
#include "ouro/core/rng.hpp"

namespace ouro {

class AliasTable {
 public:
  // Weights >= 0 with a positive sum (not normalised).
  explicit AliasTable(const Vector& weights);

  // An outcome index 0 .. weights.size() - 1, as the double a categorical sample holds; two draws
  // from `rng` each.
  double draw(Rng& rng) const {
    const std::size_t j = rng.below(outcome_.size());
    return rng.uniform() < keep_[j] ? outcome_[j] : outcome_[alias_[j]];
  }

 private:
  std::vector<double> outcome_;  // the outcome index of each slot, as the double a sample holds
  std::vector<double> keep_;     // probability of keeping the slot's own outcome
  std::vector<std::size_t> alias_;
};

}  // namespace ouro
