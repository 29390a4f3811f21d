// Sample metrics: distribution metrics between a generation's synthetic samples and the held-out
// real test set (Frechet distance, precision/recall, density/coverage, KID, Wasserstein), offered
// to the loop engine as ordinary Metrics.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/metrics/metric.hpp"

namespace ouro {

// Names of every sample metric, in output order (e.g. "frechet", "precision", "recall", ...).
std::vector<std::string> sample_metric_names();

// The sample metric called `name`, configured from [metrics] (k, kid subsets, projections);
// nullptr when `name` is not a sample metric.
std::unique_ptr<Metric> make_sample_metric(std::string_view name, const Config& config);

}  // namespace ouro
