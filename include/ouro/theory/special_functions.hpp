// Special functions and distribution moments that the closed-form theory is built from.
//
// The laws of model collapse in Gaussian and regression loops reduce to moments of chi-square,
// Wishart and inverse-Wishart variables; these are the exact expressions (via lgamma and digamma),
// kept apart from any setting so that each is checked against its textbook value.
#pragma once

#include <cstdint>

namespace ouro::theory {

// The digamma function psi(x) = d/dx log Gamma(x) for x > 0 (absolute error below 1e-13).
double digamma(double x);

// E[sqrt(X)] for X ~ chi-square with k degrees of freedom: sqrt(2) Gamma((k+1)/2) / Gamma(k/2)
// (0 for k = 0).
double expected_sqrt_chi_square(std::int64_t k);

// E[log det W] for W ~ Wishart_d(k, I), k >= d: sum_{i=1}^d psi((k - i + 1)/2) + d log 2.
double expected_log_det_wishart(std::int64_t dim, std::int64_t k);

// E[tr (X^T X)^{-1}] for X an n x d matrix of independent N(0, 1) entries, n > d + 1:
// d / (n - d - 1) (the mean of an inverse Wishart_d(n, I) is I / (n - d - 1)).
double expected_trace_inverse_wishart(std::int64_t dim, std::int64_t n);

}  // namespace ouro::theory
