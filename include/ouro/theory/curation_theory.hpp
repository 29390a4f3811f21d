// The exact law of curated samples (Ferbach et al. 2024), for categorical models.
//
// A curate filter draws K candidates from p and keeps candidate i with probability
// e^{r_i} / sum_j e^{r_j}. By symmetry over which candidate is kept, one kept sample has the law
//   q(x) = p(x) * E_{X_1..X_{K-1} ~ p} [ K e^{r(x)} / (e^{r(x)} + sum_j e^{r(X_j)}) ],
// which for a categorical p depends on the K - 1 others only through their outcome counts, so the
// expectation is a finite sum over the multinomial compositions of K - 1 (docs/filters.md).
// As K -> infinity the sum concentrates at (K - 1) E_p[e^r] and q tends to the reward tilt
// p e^r / E_p[e^r]; for finite K it is not the tilt.
#pragma once

#include <cstddef>

#include "ouro/core/matrix.hpp"

namespace ouro::theory {

// q for outcome probabilities `p` (summing to 1), rewards `r` (one per outcome) and K >= 1
// candidates. Exact up to rounding; the work grows as C(K + n - 2, n - 1) for the n outcomes
// with p > 0 (a few million terms at n = 3, K = 2000).
Vector curated_probabilities(const Vector& p, const Vector& r, std::size_t candidates);

// The K -> infinity limit p_k e^{r_k} / sum_j p_j e^{r_j}.
Vector reward_tilt(const Vector& p, const Vector& r);

}  // namespace ouro::theory
