// The distribution metrics by name: one entry point that the command line (`ouro metric`) and the
// loop engine's sample metrics share, so both compute the same values with the same checks.
//
// Every metric compares a *real* (reference) set with a *generated* one; the order matters for
// precision/recall/density/coverage (see manifold.hpp) and nowhere else. Names, in output order:
//   frechet, precision, recall, density, coverage, kid, w1, w2_empirical, sliced_w2
// w1 and w2_empirical need one-dimensional samples. kid also carries a standard error.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/core/matrix.hpp"
#include "ouro/core/rng.hpp"

namespace ouro {

struct DistributionSettings {
  int k = 5;                            // metrics.k
  int kid_subsets = 100;                // metrics.kid_subsets
  Eigen::Index kid_subset_size = 1000;  // metrics.kid_subset_size
  int projections = 128;                // metrics.projections
  int threads = 1;                      // never changes the values
};

struct DistributionValue {
  std::string name;
  double value = 0;
  double standard_error;  // kid: over subsets; NaN for the others
};

// Every distribution metric name, in output order.
const std::vector<std::string>& distribution_metric_names();

// True when `name` is a distribution metric.
bool is_distribution_metric(std::string_view name);

// True when the metric is defined for samples with `dim` columns (w1, w2_empirical: only dim 1).
bool distribution_metric_applies(std::string_view name, Eigen::Index dim);

// DataError naming the set (by its label: a file, "synthetic samples", ...) when the two sets
// cannot support every metric in `names`: no rows, NaN/Inf, different dimensions, too few rows (for
// k, for a covariance), or more than one column for w1/w2_empirical.
void check_distribution_inputs(std::span<const std::string> names, const Matrix& real, std::string_view real_label,
                               const Matrix& generated, std::string_view generated_label,
                               const DistributionSettings& settings);

// The named metrics between `real` and `generated`, in the order asked. kid and sliced_w2 each draw
// from their own stream Rng(seed, {Purpose::kMetric, 0, 0, block of the name}), so a value never
// depends on which other metrics were asked for. The four k-NN metrics share one pass.
std::vector<DistributionValue> compute_distribution_metrics(std::span<const std::string> names, const Matrix& real,
                                                            const Matrix& generated,
                                                            const DistributionSettings& settings, std::uint64_t seed);

// One metric, drawing any randomness from `rng`.
DistributionValue compute_distribution_metric(std::string_view name, const Matrix& real, const Matrix& generated,
                                              const DistributionSettings& settings, Rng& rng);

}  // namespace ouro
