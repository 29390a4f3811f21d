// Private to ouro_metrics: the contamination metrics (contamination_metrics.cpp), registered in
// metric.cpp.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/metrics/metric.hpp"

namespace ouro {

const std::vector<std::string>& contamination_metric_names();
// The metric called `name`, with metrics.detector read from `config` (the detector file loaded
// once and shared by the four metrics); nullptr for another name.
std::unique_ptr<Metric> make_contamination_metric(std::string_view name, const Config& config);

}  // namespace ouro
