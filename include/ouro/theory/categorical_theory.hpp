// Closed-form expectations for a categorical model refitted on its own samples (docs/theory.md).
//
// Setting: truth probabilities p; generation 0 fits the empirical frequencies (MLE, no smoothing)
// of n0 draws; generation g >= 1 fits those of ns draws from the previous fit, sampled as is
// (lambda = 1); keep = replace, real = none.
#pragma once

#include <cstdint>
#include <vector>

namespace ouro::theory {

// E[gini_simpson_g] = (1 - sum p^2)(1 - 1/n0)(1 - 1/ns)^g, from E[sum q_hat^2] = sum q^2 + (1 - sum q^2)/n
// for the frequencies q_hat of n multinomial draws from q. `truth_gini` is 1 - sum p^2.
std::vector<double> categorical_replace_gini_simpson(double truth_gini, std::int64_t initial,
                                                     std::int64_t synthetic, std::int64_t generations);

}  // namespace ouro::theory
