// Input checks shared by the distribution metrics (see sample_checks.hpp).
#include "ouro/metrics/distribution/sample_checks.hpp"

#include <cmath>

#include "ouro/core/error.hpp"

namespace ouro {

void check_samples(const Matrix& x, std::string_view label, Eigen::Index min_rows, std::string_view need) {
  OURO_CHECK(x.rows() > 0 && x.cols() > 0, DataError, "{}: no samples ({} rows x {} columns)", label, x.rows(),
             x.cols());
  OURO_CHECK(x.rows() >= min_rows, DataError, "{}: {} rows, but {}", label, x.rows(),
             need.empty() ? fmt::format("at least {} are needed", min_rows) : std::string(need));
  // The common case at vector speed, over the values in memory order; otherwise find the first offender.
  if (Eigen::Map<const Eigen::ArrayXd>(x.data(), x.size()).allFinite()) return;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const double v = x(i, j);
      OURO_CHECK(std::isfinite(v), DataError, "{}: row {}, column {} (counting from 0) is {}; samples must be finite",
                 label, i, j, std::isnan(v) ? "NaN" : (v > 0 ? "inf" : "-inf"));
    }
  }
}

void check_sample_pair(const Matrix& a, std::string_view label_a, const Matrix& b, std::string_view label_b,
                       Eigen::Index min_rows, std::string_view need) {
  check_samples(a, label_a, min_rows, need);
  check_samples(b, label_b, min_rows, need);
  OURO_CHECK(a.cols() == b.cols(), DataError,
             "dimensions differ: {} has {} columns but {} has {}; both sets must hold samples of one space", label_a,
             a.cols(), label_b, b.cols());
}

}  // namespace ouro
