// Per-generation band statistics (see summary.hpp).
#include "ouro/report/summary.hpp"

#include "ouro/core/quantile.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <functional>
#include <limits>

namespace ouro::report {

namespace {

// See BandStat::tail_share. `values` is consumed (reordered).
double tail_share(std::vector<double>& values, double median) {
  double total = 0.0;
  for (double& v : values) {
    v = std::abs(v - median);
    total += v;
  }
  if (!(total > 0.0)) return 0.0;
  const std::size_t tail = std::max<std::size_t>(1, (values.size() + 19) / 20);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(tail - 1), values.end(),
                   std::greater<>());
  double carried = 0.0;
  for (std::size_t i = 0; i < tail; ++i) carried += values[i];
  return carried / total;
}

}  // namespace

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
    s.mean = s.standard_error = s.q10 = s.median = s.q90 = s.tail_share = kNaN;
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
  s.median = quantile_sorted(finite, 0.5);
  s.q90 = quantile_sorted(finite, 0.9);
  s.tail_share = tail_share(finite, s.median);  // last: it reorders `finite`
  return s;
}

TheoryGap theory_gap(const BandStat& stat, double expected) {
  TheoryGap gap;
  if (!std::isfinite(expected) || !std::isfinite(stat.mean) || !(stat.standard_error >= 0.0)) {
    gap.standard_errors = std::numeric_limits<double>::quiet_NaN();
    return gap;
  }
  const double difference = std::abs(stat.mean - expected);
  // A zero standard error (every replicate equal) disagrees with any other expectation.
  gap.standard_errors = stat.standard_error > 0.0 ? difference / stat.standard_error
                        : difference > 0.0        ? std::numeric_limits<double>::infinity()
                                                  : 0.0;
  gap.disagrees = gap.standard_errors > kTheoryGapStandardErrors;
  gap.heavy_tailed = stat.count >= kHeavyTailMinCount && stat.tail_share > kHeavyTailShare;
  return gap;
}

}  // namespace ouro::report
