// Quantiles of sorted samples, shared by the metrics (ppl_gen0's percentiles) and the report's
// bands, so that both read a percentile the same way.
#pragma once

#include <span>

namespace ouro {

// The p-quantile (0 <= p <= 1) of ascending `sorted` values by linear interpolation between order
// statistics: position p*(n-1), as NumPy's default ("linear", Hyndman-Fan type 7). NaN when empty;
// an exact order statistic is returned as it is, so an infinite neighbour with weight 0 does not
// turn it into NaN.
double quantile_sorted(std::span<const double> sorted, double p);

}  // namespace ouro
