// Placeholder until the distribution metrics land: no sample metrics yet.
#include "ouro/metrics/sample_metrics.hpp"

namespace ouro {

std::vector<std::string> sample_metric_names() { return {}; }

std::unique_ptr<Metric> make_sample_metric(std::string_view, const Config&) { return nullptr; }

}  // namespace ouro
