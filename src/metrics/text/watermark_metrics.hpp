// Private to ouro_metrics: the watermark metrics (watermark_metrics.cpp), registered in metric.cpp.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ouro/metrics/metric.hpp"

namespace ouro {

const std::vector<std::string>& watermark_metric_names();
// The metric called `name`, with [watermark] read from `config`; nullptr for another name.
std::unique_ptr<Metric> make_watermark_metric(std::string_view name, const Config& config);

}  // namespace ouro
