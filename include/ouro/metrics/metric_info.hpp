// What each metric is, for people: a one-line description, its unit and which direction is
// better. Kept once, beside the metric registry (metric.hpp), so the report's charts and `ouro plot`
// read the same words; tests check that every registered metric has them.
#pragma once

#include <string>
#include <string_view>

namespace ouro {

enum class Better { kLower, kHigher, kCloserToTruth };

struct MetricInfo {
  std::string_view name;
  std::string_view description;  // one sentence, no trailing period
  std::string_view unit;         // e.g. "nats per sample"; "ratio" or "share" for dimensionless ones
  Better better = Better::kLower;
  // For kCloserToTruth: what the truth's value is, in words ("1", "the truth's mean").
  std::string_view target;
};

// The entry for `name`, or nullptr for a name the engine does not record.
const MetricInfo* metric_info(std::string_view name);

// "lower is better", "higher is better" or "closer to <target> is better".
std::string better_text(const MetricInfo& info);

}  // namespace ouro
