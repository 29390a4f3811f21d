// Quantiles of sorted samples: see quantile.hpp.
#include "ouro/core/quantile.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace ouro {

double quantile_sorted(std::span<const double> sorted, double p) {
  assert(p >= 0.0 && p <= 1.0);
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double position = p * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  if (fraction == 0.0) return sorted[below];
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

}  // namespace ouro
