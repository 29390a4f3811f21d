// Frechet distance between the Gaussians fitted to two sample sets (the FID formula).
//
//   FD = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1^(1/2) S2 S1^(1/2))^(1/2))
//
// which is the squared 2-Wasserstein distance between N(mu1, S1) and N(mu2, S2). The last trace
// equals tr((S1 S2)^(1/2)) of the usual FID formula, but its argument is symmetric positive
// semi-definite, so it is computed from two symmetric eigendecompositions, never with complex
// numbers: S1 = V diag(l) V^T, and tr((...)^(1/2)) = sum_i sqrt(nu_i) over the eigenvalues nu of
// diag(sqrt l) V^T S2 V diag(sqrt l). Eigenvalues below zero (rounding of a semi-definite matrix)
// are clamped to 0. Singular covariances need no special treatment (no eps*I retry as in
// pytorch-fid): the value is the limit of the regularised one as the regularisation goes to 0. A
// result below 0 (rounding when the two Gaussians nearly coincide) is reported as 0.
//
// Covariances are unbiased (divide by n - 1), as numpy.cov and pytorch-fid compute them. FID is
// biased upwards at finite n, which is why every FID should be reported with its sample sizes: for
// two samples of one Gaussian the mean term alone contributes tr(S) (1/n1 + 1/n2) in expectation. See docs/metrics-distribution.md.
#pragma once

#include "ouro/core/matrix.hpp"

namespace ouro {

// Mean and unbiased covariance of the rows of a sample set.
struct GaussianStats {
  Vector mean;
  Matrix cov;
  Eigen::Index n = 0;  // rows it was computed from
};

// Column means and the unbiased (n - 1) covariance. Needs at least 2 finite rows (DataError).
// The scatter matrix is accumulated in fixed tiles over `threads` threads (same bytes for any count).
GaussianStats gaussian_stats(const Matrix& x, int threads = 1);

// Frechet distance between N(mean1, cov1) and N(mean2, cov2). Covariances must be symmetric
// positive semi-definite of matching size (DataError on a size mismatch).
double frechet_distance(const Vector& mean1, const Matrix& cov1, const Vector& mean2, const Matrix& cov2);

// Frechet distance between the Gaussians fitted to the rows of `a` and of `b`.
double frechet_distance(const Matrix& a, const Matrix& b, int threads = 1);

}  // namespace ouro
