// Closed-form covariance trace of the fully synthetic KDE loop.
#include "ouro/theory/kde_theory.hpp"

#include "ouro/core/error.hpp"

namespace ouro::theory {
namespace {

void check_kde(const char* function, std::int64_t dim, double bandwidth, const LoopSizes& sizes) {
  OURO_CHECK(dim >= 1 && bandwidth > 0 && sizes.initial >= 1 && sizes.synthetic >= 1 && sizes.generations >= 0 &&
                 sizes.bias > 0 && sizes.bias <= 1,
             ConfigError,
             "{}: needs dim >= 1, bandwidth > 0, initial >= 1, synthetic >= 1, generations >= 0 and bias in (0, 1] "
             "(got {}, {}, {}, {}, {}, {})",
             function, dim, bandwidth, sizes.initial, sizes.synthetic, sizes.generations, sizes.bias);
}

}  // namespace

std::vector<double> kde_replace_trace(double trace_sigma, std::int64_t dim, double bandwidth, const LoopSizes& sizes) {
  check_kde("kde_replace_trace", dim, bandwidth, sizes);
  const double kernel = static_cast<double>(dim) * bandwidth * bandwidth;  // tr(h^2 I)
  const double keep = 1.0 - 1.0 / static_cast<double>(sizes.synthetic);
  double points = trace_sigma * (1.0 - 1.0 / static_cast<double>(sizes.initial));  // E[tr V_0]
  std::vector<double> out{points + kernel};
  for (std::int64_t g = 1; g <= sizes.generations; ++g) {
    // ns draws from a law with covariance V + lambda h^2 I have population covariance of mean
    // (1 - 1/ns)(V + lambda h^2 I).
    points = keep * (points + sizes.bias * kernel);
    out.push_back(points + kernel);
  }
  return out;
}

double kde_replace_limit(std::int64_t dim, double bandwidth, const LoopSizes& sizes) {
  check_kde("kde_replace_limit", dim, bandwidth, sizes);
  const double kernel = static_cast<double>(dim) * bandwidth * bandwidth;
  return kernel * (static_cast<double>(sizes.synthetic - 1) * sizes.bias + 1.0);
}

}  // namespace ouro::theory
