// Exact 1-D Wasserstein distances and the sliced W2 (see wasserstein.hpp).
#include "ouro/metrics/distribution/wasserstein.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "dense.hpp"
#include "ouro/core/error.hpp"
#include "ouro/core/parallel.hpp"
#include "ouro/metrics/distribution/sample_checks.hpp"

namespace ouro {
namespace {

using Index = Eigen::Index;
constexpr Index kProjectionRows = 1024;

// integral_0^1 |F^-1(u) - G^-1(u)|^p du for sorted samples x (n) and y (m). The breakpoints are
// compared as integers (i m vs j n), so the intervals are exact; their widths are (step)/(n m).
// n m must fit in 63 bits (sets of up to ~3e9 rows).
double quantile_integral(const std::vector<double>& x, const std::vector<double>& y, int p) {
  const auto n = static_cast<std::int64_t>(x.size());
  const auto m = static_cast<std::int64_t>(y.size());
  std::size_t i = 0;
  std::size_t j = 0;
  std::int64_t at = 0;  // current u, in units of 1 / (n m)
  double sum = 0;
  while (i < x.size() && j < y.size()) {
    const std::int64_t next_x = static_cast<std::int64_t>(i + 1) * m;
    const std::int64_t next_y = static_cast<std::int64_t>(j + 1) * n;
    const std::int64_t next = std::min(next_x, next_y);
    const double gap = std::abs(x[i] - y[j]);
    sum += static_cast<double>(next - at) * (p == 1 ? gap : gap * gap);
    at = next;
    if (next_x == next) ++i;
    if (next_y == next) ++j;
  }
  return sum / (static_cast<double>(x.size()) * static_cast<double>(y.size()));
}

std::vector<double> sorted_column(const Matrix& x) {
  std::vector<double> out(x.data(), x.data() + x.rows());
  std::sort(out.begin(), out.end());
  return out;
}

void check_one_dimensional(const Matrix& a, const Matrix& b, const char* name) {
  check_sample_pair(a, "first sample set", b, "second sample set", 1);
  OURO_CHECK(a.cols() == 1, DataError, "{} is defined for one-dimensional samples; these have {} columns (use sliced_w2)",
             name, a.cols());
}

}  // namespace

double wasserstein1(const Matrix& a, const Matrix& b) {
  check_one_dimensional(a, b, "w1");
  return quantile_integral(sorted_column(a), sorted_column(b), 1);
}

double wasserstein2(const Matrix& a, const Matrix& b) {
  check_one_dimensional(a, b, "w2_empirical");
  return std::sqrt(quantile_integral(sorted_column(a), sorted_column(b), 2));
}

double sliced_wasserstein2(const Matrix& a, const Matrix& b, int projections, Rng& rng, int threads) {
  check_sample_pair(a, "first sample set", b, "second sample set", 1);
  OURO_CHECK(projections >= 1, DataError, "sliced_w2: {} projections requested; at least 1 is needed", projections);
  const Index d = a.cols();
  Matrix directions(projections, d);
  for (Index l = 0; l < projections; ++l) {
    double norm = 0;
    do {
      for (Index k = 0; k < d; ++k) directions(l, k) = rng.normal();
      norm = directions.row(l).norm();
    } while (norm == 0);
    directions.row(l) /= norm;
  }

  // Projections in fixed row blocks (the GEMM shape of a block never depends on the thread count);
  // stored direction-major so that each direction's values are contiguous for sorting.
  auto project = [&](const Matrix& x) {
    Eigen::MatrixXd out(x.rows(), projections);  // column-major: one column per direction
    const auto blocks = static_cast<std::size_t>((x.rows() + kProjectionRows - 1) / kProjectionRows);
    parallel_for(blocks, threads, [&](std::size_t blk) {
      const Index r0 = static_cast<Index>(blk) * kProjectionRows;
      const Index rows = std::min(kProjectionRows, x.rows() - r0);
      Matrix tile(rows, projections);
      dense::gemm_abt(rows, projections, d, x.row(r0).data(), d, directions.data(), d, tile.data(), projections);
      out.middleRows(r0, rows) = tile;
    });
    return out;
  };
  const Eigen::MatrixXd pa = project(a);
  const Eigen::MatrixXd pb = project(b);

  std::vector<double> squared(static_cast<std::size_t>(projections));
  parallel_for(squared.size(), threads, [&](std::size_t l) {
    const auto col = static_cast<Index>(l);
    std::vector<double> x(pa.col(col).data(), pa.col(col).data() + pa.rows());
    std::vector<double> y(pb.col(col).data(), pb.col(col).data() + pb.rows());
    std::sort(x.begin(), x.end());
    std::sort(y.begin(), y.end());
    squared[l] = quantile_integral(x, y, 2);
  });
  double sum = 0;
  for (const double s : squared) sum += s;
  return std::sqrt(sum / projections);
}

}  // namespace ouro
