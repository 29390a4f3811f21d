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
  double median = 0.0;
  double q90 = 0.0;
  // The share of the total distance from the median, sum |v - median|, that the 5% of values
  // farthest from it carry (at least one value): about 0.14 for a normal sample, 0.2 for an
  // exponential one, near 1 when a few replicates carry the mean. NaN when no finite value.
  double tail_share = 0.0;
  std::size_t count = 0;        // finite values summarised
  std::size_t non_finite = 0;   // NaN/Inf values left out
};

// Mean, standard error, median and 10%/90% quantiles of the finite entries of `values`.
BandStat summarize(std::span<const double> values);

// Where the mean over replicates and the closed-form expectation disagree by more than sampling
// error explains. A metric whose replicates are heavy-tailed (the collapsed variance, the mean
// shift of a long fully synthetic run) can miss its exact expectation by many standard errors: the
// expectation is carried by rare replicates that a few hundred replicates seldom contain, and the
// standard error estimated from those replicates understates the mean's real error. The check says
// so rather than letting a reader take the gap for a bug or the agreement for a proof.
struct TheoryGap {
  double standard_errors = 0.0;  // |mean - expected| / standard_error; NaN when either is missing
  bool disagrees = false;        // more than kTheoryGapStandardErrors
  // At least kHeavyTailMinCount values and a tail_share above kHeavyTailShare: the mean rests on a
  // few replicates.
  bool heavy_tailed = false;
};

// Beyond this many standard errors a gap is flagged (two-sided p < 0.003 under a normal mean).
inline constexpr double kTheoryGapStandardErrors = 3.0;

inline constexpr double kHeavyTailShare = 0.5;
inline constexpr std::size_t kHeavyTailMinCount = 20;

TheoryGap theory_gap(const BandStat& stat, double expected);

}  // namespace ouro::report
