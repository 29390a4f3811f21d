// Closed-form expected test error of ordinary least squares refitted on its own labels
// (docs/theory.md; Gerstgrasser et al. 2024, Dohmatob et al. 2024).
//
// Setting: x ~ N(0, I_d), y = x.w* + eps with eps ~ N(0, sigma^2); OLS without intercept on the n0
// initial rows; synthetic rows carry labels x.w_hat + eps' with eps' ~ N(0, lambda sigma^2), on the
// training design cycled to ns rows (design "fixed") or on fresh x ~ N(0, I_d) ("fresh");
// real = none. test_mse = ||w_hat_g - w*||^2. Every mean is a multiple of
// E[tr (X^T X)^{-1}] = d / (n - d - 1), which is finite only for n > d + 1.
#pragma once

#include <cstdint>
#include <vector>

#include "ouro/theory/loop_sizes.hpp"

namespace ouro::theory {

enum class Design { kFixed, kFresh };

// keep = replace has a closed form when n0 > d + 1 and the later design has a finite mean inverse
// Gram: fresh: ns > d + 1; fixed: the cycled design is the first ns rows of X0 (ns <= n0, ns > d + 1)
// or X0 repeated k times (ns = k n0).
bool regression_replace_has_closed_form(std::int64_t dim, const LoopSizes& sizes, Design design);

// keep = replace: E[test_mse_g] = sigma^2 E tr G0^{-1} + g lambda sigma^2 E tr G1^{-1}, with G0 the Gram
// matrix of the initial design and G1 that of every later design. ns = n0: sigma^2 d/(n0-d-1) (1 + g lambda).
std::vector<double> regression_replace_test_mse(double noise, std::int64_t dim, const LoopSizes& sizes, Design design);

// keep = accumulate has a closed form for the fixed design with ns = k n0 (k = 1, 2, ...) and n0 > d + 1:
// every synthetic set then lies on X0 repeated k times. (Fresh designs stack different X blocks:
// no closed form.)
bool regression_accumulate_has_closed_form(std::int64_t dim, const LoopSizes& sizes, Design design);

// keep = accumulate, fixed design, ns = k n0: with u_g = w_hat_g - w*, (1 + g k) u_g = (1 + g k) u_{g-1} +
// P e_g, so E[test_mse_g] = sigma^2 d/(n0-d-1) (1 + lambda k sum_{i=1}^g 1/(1 + i k)^2); for k = 1 and
// lambda = 1 this is Gerstgrasser et al.'s sigma^2 d/(T-d-1) sum_{i=1}^{g+1} 1/i^2.
std::vector<double> regression_accumulate_test_mse(double noise, std::int64_t dim, const LoopSizes& sizes);

}  // namespace ouro::theory
