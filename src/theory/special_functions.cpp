// Special functions for the closed-form theory: digamma and chi-square / Wishart moments.
#include "ouro/theory/special_functions.hpp"

#include <cmath>
#include <numbers>

#include "ouro/core/error.hpp"

namespace ouro::theory {

double digamma(double x) {
  OURO_CHECK(x > 0 && std::isfinite(x), ConfigError, "digamma: argument must be finite and > 0 (got {})", x);
  // Shift to x >= 10 with psi(x) = psi(x + 1) - 1/x, where the asymptotic series truncated after
  // the x^-12 term is accurate to ~1e-15.
  double shift = 0.0;
  while (x < 10.0) {
    shift -= 1.0 / x;
    x += 1.0;
  }
  const double f = 1.0 / (x * x);
  const double series =
      f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132 - f * 691.0 / 32760)))));
  return shift + std::log(x) - 0.5 / x - series;
}

double expected_sqrt_chi_square(std::int64_t k) {
  OURO_CHECK(k >= 0, ConfigError, "expected_sqrt_chi_square: degrees of freedom must be >= 0 (got {})", k);
  if (k == 0) return 0.0;
  const double half = 0.5 * static_cast<double>(k);
  return std::numbers::sqrt2 * std::exp(std::lgamma(half + 0.5) - std::lgamma(half));
}

double expected_log_det_wishart(std::int64_t dim, std::int64_t k) {
  OURO_CHECK(dim >= 1 && k >= dim, ConfigError,
             "expected_log_det_wishart: needs dim >= 1 and degrees of freedom k >= dim (got dim = {}, k = {}); "
             "with k < dim the matrix is singular and E[log det] = -inf",
             dim, k);
  double sum = static_cast<double>(dim) * std::numbers::ln2;
  for (std::int64_t i = 1; i <= dim; ++i) sum += digamma(0.5 * static_cast<double>(k - i + 1));
  return sum;
}

double expected_trace_inverse_wishart(std::int64_t dim, std::int64_t n) {
  OURO_CHECK(dim >= 1 && n > dim + 1, ConfigError,
             "expected_trace_inverse_wishart: needs n > dim + 1 (got dim = {}, n = {}); otherwise the mean is infinite",
             dim, n);
  return static_cast<double>(dim) / static_cast<double>(n - dim - 1);
}

}  // namespace ouro::theory
