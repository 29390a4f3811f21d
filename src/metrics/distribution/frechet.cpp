// Frechet distance between fitted Gaussians (see frechet.hpp and docs/metrics-distribution.md).
#include "ouro/metrics/distribution/frechet.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "dense.hpp"
#include "ouro/core/error.hpp"
#include "ouro/core/parallel.hpp"
#include "ouro/metrics/distribution/sample_checks.hpp"

namespace ouro {
namespace {

// The scatter matrix is tiled over its columns (kTile x kTile blocks of the upper triangle), and
// every tile sums the centred rows in chunks of kRows, always in the same order: the result does
// not depend on the thread count, and no centred copy of the whole data set is made.
constexpr Eigen::Index kTile = 512;
constexpr Eigen::Index kRows = 1024;

Matrix scatter_matrix(const Matrix& x, const Vector& mean, int threads) {
  const Eigen::Index n = x.rows();
  const Eigen::Index d = x.cols();
  const Eigen::Index blocks = (d + kTile - 1) / kTile;
  std::vector<std::pair<Eigen::Index, Eigen::Index>> tiles;
  for (Eigen::Index bi = 0; bi < blocks; ++bi) {
    for (Eigen::Index bj = bi; bj < blocks; ++bj) tiles.emplace_back(bi, bj);
  }
  Matrix scatter = Matrix::Zero(d, d);
  parallel_for(tiles.size(), threads, [&](std::size_t t) {
    const Eigen::Index i0 = tiles[t].first * kTile;
    const Eigen::Index j0 = tiles[t].second * kTile;
    const Eigen::Index wi = std::min(kTile, d - i0);
    const Eigen::Index wj = std::min(kTile, d - j0);
    Matrix left(std::min(kRows, n), wi);
    Matrix right(std::min(kRows, n), wj);
    for (Eigen::Index r0 = 0; r0 < n; r0 += kRows) {
      const Eigen::Index rows = std::min(kRows, n - r0);
      left.topRows(rows) = x.block(r0, i0, rows, wi).rowwise() - mean.segment(i0, wi).transpose();
      right.topRows(rows) = x.block(r0, j0, rows, wj).rowwise() - mean.segment(j0, wj).transpose();
      dense::gemm_atb_accumulate(wi, wj, rows, left.data(), wi, right.data(), wj, &scatter(i0, j0), d);
    }
  });
  scatter.triangularView<Eigen::StrictlyLower>() = scatter.transpose();
  return scatter;
}

}  // namespace

GaussianStats gaussian_stats(const Matrix& x, int threads) {
  check_samples(x, "sample set", 2, "a covariance needs at least 2 rows");
  GaussianStats stats;
  stats.n = x.rows();
  stats.mean = x.colwise().mean().transpose();
  stats.cov = scatter_matrix(x, stats.mean, threads) / static_cast<double>(x.rows() - 1);
  return stats;
}

double frechet_distance(const Vector& mean1, const Matrix& cov1, const Vector& mean2, const Matrix& cov2) {
  const Eigen::Index d = mean1.size();
  OURO_CHECK(mean2.size() == d && cov1.rows() == d && cov1.cols() == d && cov2.rows() == d && cov2.cols() == d,
             DataError, "frechet distance: sizes differ (means {} and {}, covariances {}x{} and {}x{})", d,
             mean2.size(), cov1.rows(), cov1.cols(), cov2.rows(), cov2.cols());
  const double mean_term = (mean1 - mean2).squaredNorm();

  // S1 = V diag(l) V^T; the eigenvalues of S1^(1/2) S2 S1^(1/2) are those of
  // diag(sqrt l) (V^T S2 V) diag(sqrt l), which needs no matrix square root of S1 to be formed.
  const dense::SymmetricEigen first = dense::symmetric_eigen(Eigen::MatrixXd(cov1), true);
  const Eigen::VectorXd root = first.values.cwiseMax(0.0).cwiseSqrt();
  const Eigen::MatrixXd rotated = dense::multiply_at_b(first.vectors, dense::multiply(Eigen::MatrixXd(cov2),
                                                                                      first.vectors));
  Eigen::MatrixXd product = root.asDiagonal() * rotated * root.asDiagonal();
  product = 0.5 * (product + product.transpose()).eval();
  const Eigen::VectorXd nu = dense::symmetric_eigen(product, false).values;
  double trace_root = 0;
  for (Eigen::Index i = 0; i < nu.size(); ++i) trace_root += std::sqrt(std::max(0.0, nu(i)));

  const double value = mean_term + cov1.trace() + cov2.trace() - 2.0 * trace_root;
  return std::max(0.0, value);
}

double frechet_distance(const Matrix& a, const Matrix& b, int threads) {
  check_sample_pair(a, "first sample set", b, "second sample set", 2, "a covariance needs at least 2 rows");
  const GaussianStats first = gaussian_stats(a, threads);
  const GaussianStats second = gaussian_stats(b, threads);
  return frechet_distance(first.mean, first.cov, second.mean, second.cov);
}

}  // namespace ouro
