// KID: unbiased cubic-kernel MMD^2 over random subsets (see kid.hpp).
#include "ouro/metrics/distribution/kid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "dense.hpp"
#include "ouro/core/error.hpp"
#include "ouro/core/parallel.hpp"
#include "ouro/metrics/distribution/sample_checks.hpp"

namespace ouro {
namespace {

using Index = Eigen::Index;

double cube_kernel(double dot, double inv_d) {
  const double t = dot * inv_d + 1.0;
  return t * t * t;
}

// Sum of k(x_i, y_j) over all pairs, or over i != j when `skip_diagonal` (x and y are then the
// same rows). Row-major m x d inputs.
double kernel_sum(const Matrix& x, const Matrix& y, bool skip_diagonal) {
  Matrix dots(x.rows(), y.rows());
  dense::gemm_abt(x.rows(), y.rows(), x.cols(), x.data(), x.cols(), y.data(), y.cols(), dots.data(), dots.cols());
  const double inv_d = 1.0 / static_cast<double>(x.cols());
  double sum = 0;
  for (Index i = 0; i < dots.rows(); ++i) {
    double row = 0;
    for (Index j = 0; j < dots.cols(); ++j) {
      if (skip_diagonal && i == j) continue;
      row += cube_kernel(dots(i, j), inv_d);
    }
    sum += row;
  }
  return sum;
}

double mmd2_from_rows(const Matrix& x, const Matrix& y) {
  const auto m = static_cast<double>(x.rows());
  const auto n = static_cast<double>(y.rows());
  return kernel_sum(x, x, true) / (m * (m - 1)) + kernel_sum(y, y, true) / (n * (n - 1)) -
         2.0 * kernel_sum(x, y, false) / (m * n);
}

// m distinct row indices of [0, n), by a partial Fisher-Yates shuffle driven by rng.
std::vector<Index> draw_subset(Index n, Index m, Rng& rng) {
  std::vector<Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Index{0});
  for (Index i = 0; i < m; ++i) {
    const auto j = i + static_cast<Index>(rng.below(static_cast<std::uint64_t>(n - i)));
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
  }
  order.resize(static_cast<std::size_t>(m));
  return order;
}

Matrix gather(const Matrix& x, const std::vector<Index>& rows) {
  Matrix out(static_cast<Index>(rows.size()), x.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Index>(i)) = x.row(rows[i]);
  return out;
}

}  // namespace

double mmd2_unbiased(const Matrix& x, const Matrix& y) {
  check_sample_pair(x, "first sample set", y, "second sample set", 2, "the unbiased MMD^2 needs at least 2 rows");
  return mmd2_from_rows(x, y);
}

KidResult kid(const Matrix& a, const Matrix& b, int subsets, Index subset_size, Rng& rng, int threads) {
  check_sample_pair(a, "first sample set", b, "second sample set", 2, "kid needs at least 2 rows");
  OURO_CHECK(subsets >= 1, DataError, "kid: {} subsets requested; at least 1 is needed", subsets);
  OURO_CHECK(subset_size >= 2, DataError, "kid: subset size {} requested; at least 2 is needed", subset_size);
  KidResult result;
  result.subsets = subsets;
  result.subset_size = std::min({subset_size, a.rows(), b.rows()});
  const Index m = result.subset_size;

  std::vector<std::vector<Index>> rows_a;
  std::vector<std::vector<Index>> rows_b;
  for (int s = 0; s < subsets; ++s) {
    rows_a.push_back(draw_subset(a.rows(), m, rng));
    rows_b.push_back(draw_subset(b.rows(), m, rng));
  }
  std::vector<double> values(static_cast<std::size_t>(subsets));
  parallel_for(values.size(), threads, [&](std::size_t s) {
    values[s] = mmd2_from_rows(gather(a, rows_a[s]), gather(b, rows_b[s]));
  });

  double sum = 0;
  for (const double v : values) sum += v;
  result.value = sum / subsets;
  if (subsets > 1) {
    double squares = 0;
    for (const double v : values) squares += (v - result.value) * (v - result.value);
    result.standard_error = std::sqrt(squares / (subsets - 1) / subsets);
  } else {
    result.standard_error = std::numeric_limits<double>::quiet_NaN();
  }
  return result;
}

}  // namespace ouro
