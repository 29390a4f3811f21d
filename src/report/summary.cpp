// Per-generation band statistics (see summary.hpp).
#include "ouro/report/summary.hpp"

#include "ouro/core/quantile.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace ouro::report {

BandStat summarize(std::span<const double> values) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  BandStat s;
  std::vector<double> finite;
  finite.reserve(values.size());
  for (const double v : values) {
    if (std::isfinite(v)) {
      finite.push_back(v);
    } else {
      ++s.non_finite;
    }
  }
  s.count = finite.size();
  if (finite.empty()) {
    s.mean = s.standard_error = s.q10 = s.q90 = kNaN;
    return s;
  }
  // Two passes: the centred sum of squares keeps its precision when the spread is tiny next to the
  // mean (a collapsed variance near 0 around a mean of order 1).
  double sum = 0.0;
  for (const double v : finite) sum += v;
  const double n = static_cast<double>(finite.size());
  s.mean = sum / n;
  if (finite.size() >= 2) {
    double squares = 0.0;
    for (const double v : finite) squares += (v - s.mean) * (v - s.mean);
    s.standard_error = std::sqrt(squares / (n - 1.0) / n);
  } else {
    s.standard_error = kNaN;
  }
  std::sort(finite.begin(), finite.end());
  s.q10 = quantile_sorted(finite, 0.1);
  s.q90 = quantile_sorted(finite, 0.9);
  return s;
}

}  // namespace ouro::report
