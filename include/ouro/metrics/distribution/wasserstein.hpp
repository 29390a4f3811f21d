// Wasserstein distances between empirical distributions: exact W1 and W2 in one dimension, and the
// sliced W2 in d dimensions.
//
// In one dimension W_p(P, Q)^p = integral_0^1 |F^-1(u) - G^-1(u)|^p du, where F^-1 and G^-1 are the
// quantile functions (step functions) of the two samples. Walking the merged breakpoints i/n and
// j/m computes the integral exactly for any sizes n and m (no resampling to a common size); for W1
// it equals integral |F(t) - G(t)| dt, which is what scipy.stats.wasserstein_distance computes.
//
// The sliced W2 averages the squared 1-D W2 over `projections` random unit directions theta drawn
// from the caller's Rng (normalised Gaussian vectors, so uniform on the sphere):
//   SW2 = sqrt( (1/L) sum_l W2(theta_l . X, theta_l . Y)^2 ).
// All three are reported as distances (not squared). For two Gaussians the Frechet distance is the
// squared W2 between the fitted Gaussians, so in one dimension frechet ~ w2_empirical^2 for large
// Gaussian samples.
#pragma once

#include "ouro/core/matrix.hpp"
#include "ouro/core/rng.hpp"

namespace ouro {

// W1 between two one-column sample sets (DataError for more columns, no rows or non-finite values).
double wasserstein1(const Matrix& a, const Matrix& b);

// W2 between two one-column sample sets.
double wasserstein2(const Matrix& a, const Matrix& b);

// Sliced W2 between sample sets of equal column count, over `projections` directions.
double sliced_wasserstein2(const Matrix& a, const Matrix& b, int projections, Rng& rng, int threads = 1);

}  // namespace ouro
