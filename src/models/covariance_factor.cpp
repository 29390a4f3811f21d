// CovarianceFactor: eigendecomposition-based square root, whitener and support of a covariance.
#include "covariance_factor.hpp"

#include <limits>

#include "ouro/core/error.hpp"

namespace ouro::detail {

CovarianceFactor::CovarianceFactor(const Matrix& cov) {
  const Eigen::Index d = cov.rows();
  // A column-major copy for the solver; symmetrising absorbs asymmetric rounding in scatter sums.
  const Eigen::MatrixXd sym = 0.5 * (cov + cov.transpose());
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(sym);
  OURO_CHECK(solver.info() == Eigen::Success, DataError,
             "covariance eigendecomposition did not converge ({} x {} matrix)", d, d);
  const Vector& values = solver.eigenvalues();
  const Eigen::MatrixXd& vectors = solver.eigenvectors();
  const double top = d > 0 ? values.maxCoeff() : 0.0;
  const double threshold = top > 0.0 ? kRelativeRankTolerance * top : 0.0;

  Eigen::Index rank = 0;
  for (Eigen::Index i = 0; i < d; ++i) rank += values(i) > threshold ? 1 : 0;
  root_ = Matrix::Zero(d, d);
  whitener_.resize(rank, d);
  null_basis_.resize(d - rank, d);
  log_pdet_ = 0.0;
  Eigen::Index on = 0, off = 0;
  for (Eigen::Index i = 0; i < d; ++i) {
    if (values(i) > threshold) {
      const double s = std::sqrt(values(i));
      root_.col(i) = vectors.col(i) * s;
      whitener_.row(on++) = vectors.col(i).transpose() / s;
      log_pdet_ += std::log(values(i));
    } else {
      null_basis_.row(off++) = vectors.col(i).transpose();
    }
  }
}

Vector CovarianceFactor::log_density(const Matrix& x, const Vector& mean) const {
  const Matrix delta = x.rowwise() - mean.transpose();
  Vector out = Vector::Constant(x.rows(), log_norm());
  // A point mass has rank 0: its whitened coordinates are an n x 0 matrix, whose row-wise reduction
  // Eigen 3.4 computes by offsetting a null data pointer (undefined behaviour). Its norms are 0.
  if (whitener_.rows() > 0) out -= 0.5 * (delta * whitener_.transpose()).rowwise().squaredNorm();
  if (singular()) {
    const Matrix off = delta * null_basis_.transpose();
    const double mean_norm = mean.norm();
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      if (off.row(i).norm() > kSupportTolerance * (x.row(i).norm() + mean_norm)) {
        out(i) = -std::numeric_limits<double>::infinity();
      }
    }
  }
  return out;
}

}  // namespace ouro::detail
