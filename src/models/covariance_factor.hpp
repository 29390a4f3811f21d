// CovarianceFactor: a symmetric eigendecomposition of a covariance matrix that stays usable when the
// matrix is singular or numerically indefinite (a collapsed model, data lying on a subspace).
//
// Sigma = V D V^T. Eigenvalues at or below kRelativeRankTolerance times the largest one (negative
// rounding noise included) are treated as exactly 0; the remaining r of them span the support.
// The factor then gives:
//   - root(): V sqrt(D) (d x d), so that mean + root * z ~ N(mean, Sigma) for z ~ N(0, I): never NaN,
//     and a zero covariance maps every z to exactly 0;
//   - whitener(): the r x d matrix D_+^{-1/2} V_+^T, so ||whitener * delta||^2 is the Mahalanobis
//     distance along the support;
//   - null_basis(): the (d - r) x d matrix V_0^T of directions in which the law has no spread;
//   - log_pdet(): the log pseudo-determinant, sum of log D_i over the support.
//
// Density convention (used by the gaussian and kde families and documented in gaussian.hpp): a point
// whose null-direction offset from the mean is 0 (up to kSupportTolerance relative rounding) gets the
// density with respect to Lebesgue measure on the r-dimensional support,
//   -0.5 (r log 2pi + log_pdet + ||whitener delta||^2),
// and every other point gets -inf. With r = d this is the ordinary Gaussian log density; with r = 0
// (Sigma = 0) the law is a point mass and its log mass at the mean is 0.
#pragma once

#include <cmath>
#include <numbers>

#include "ouro/core/matrix.hpp"

namespace ouro::detail {

// Eigenvalues below this fraction of the largest are zero: Eigen's symmetric solver is accurate to a
// few ulps of the largest eigenvalue, so anything this small is rounding, not spread.
inline constexpr double kRelativeRankTolerance = 1e-12;
// A null-direction offset no larger than this fraction of ||x|| + ||mean|| is rounding in x - mean.
inline constexpr double kSupportTolerance = 1e-9;
inline constexpr double kLog2Pi = 1.8378770664093454836;  // log(2 pi)

class CovarianceFactor {
 public:
  CovarianceFactor() = default;
  // `cov` must be square and finite; it is symmetrised before the decomposition.
  explicit CovarianceFactor(const Matrix& cov);

  Eigen::Index dim() const { return root_.rows(); }
  Eigen::Index rank() const { return whitener_.rows(); }
  bool singular() const { return rank() < dim(); }
  double log_pdet() const { return log_pdet_; }
  // -0.5 (r log 2pi + log_pdet): the log density at the mean.
  double log_norm() const { return -0.5 * (static_cast<double>(rank()) * kLog2Pi + log_pdet_); }

  const Matrix& root() const { return root_; }
  const Matrix& whitener() const { return whitener_; }
  const Matrix& null_basis() const { return null_basis_; }

  // Log density of N(mean, Sigma) at each row of x, with the support convention above.
  Vector log_density(const Matrix& x, const Vector& mean) const;

 private:
  Matrix root_;
  Matrix whitener_;
  Matrix null_basis_;
  double log_pdet_ = 0.0;
};

// log(sum exp(values)) without overflow; -inf when every value is -inf.
template <typename Values>
double log_sum_exp(const Values& values) {
  const double top = values.maxCoeff();
  if (!std::isfinite(top)) return top;
  return top + std::log((values.array() - top).exp().sum());
}

}  // namespace ouro::detail
