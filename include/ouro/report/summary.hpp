// Per-generation summaries of a metric over replicates: the numbers the report's bands are drawn
// from. Computed here, not in the browser, so the report embeds a few numbers per generation rather
// than every replicate's row.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace ouro::report {

struct BandStat {
  double mean = 0.0;            // NaN when no finite value
  double standard_error = 0.0;  // sample standard deviation (n-1) / sqrt(n); NaN when n < 2
  double q10 = 0.0;             // 10% and 90% quantiles (NaN when no finite value)
  double q90 = 0.0;
  std::size_t count = 0;        // finite values summarised
  std::size_t non_finite = 0;   // NaN/Inf values left out
};

// Mean, standard error and 10%/90% quantiles of the finite entries of `values`.
BandStat summarize(std::span<const double> values);

}  // namespace ouro::report
