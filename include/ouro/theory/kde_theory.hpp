// Closed-form expectations for a Gaussian kernel density estimate refitted on its own samples
// (docs/theory.md).
//
// Setting: a fixed numeric bandwidth h (kernel covariance h^2 I); the fitted distribution is the
// training points convolved with the kernel, so its covariance is the population covariance V of
// the points (divided by n) plus h^2 I. Sampling with bias lambda draws a training point and adds
// N(0, lambda h^2 I). keep = replace, real = none; the truth is any law sampled i.i.d. with
// covariance Sigma (tr Sigma = s).
#pragma once

#include <cstdint>
#include <vector>

#include "ouro/theory/loop_sizes.hpp"

namespace ouro::theory {

// E[tr cov_g] = E[tr V_g] + d h^2 with E[tr V_0] = s (1 - 1/n0) and
// E[tr V_{g+1}] = (1 - 1/ns)(E[tr V_g] + lambda d h^2). In 1-D this is E[variance_g].
std::vector<double> kde_replace_trace(double trace_sigma, std::int64_t dim, double bandwidth, const LoopSizes& sizes);

// lim_{g -> inf} E[tr cov_g] = d h^2 ((ns - 1) lambda + 1): the truth is forgotten and the spread
// settles where the kernel's inflation balances the 1 - 1/ns shrinkage of each refit.
double kde_replace_limit(std::int64_t dim, double bandwidth, const LoopSizes& sizes);

}  // namespace ouro::theory
