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

// The real-versus-real floor of sample metric `name`, recorded as "<name>_floor": the metric
// between the replicate's held-out test set (the reference every generation is compared with) and
// an independent real set of the generation's synthetic sample size, drawn from the truth
// (Truth::draw: a fresh draw from a statistical law; for image truths, images of the training
// split, disjoint from the held-out test split). It is the value a perfect generator would get at
// that sample size: the noise floor to read the metric against. It does not depend on the
// generation: the draw and the metric's own randomness come from generation 0's metric stream of
// the floor's name (context.streams), so every generation records the same value, computed once
// per replicate (MetricScratch) and again to the same value after a resume. nullptr when `name`
// is not a sample metric.
std::unique_ptr<Metric> make_sample_metric_floor(std::string_view name, const Config& config);

// "<name>_floor".
std::string floor_metric_name(std::string_view name);

}  // namespace ouro
