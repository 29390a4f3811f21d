// Every metric the engine records has the words the report and `ouro plot` print beside it.
#include <gtest/gtest.h>

#include "ouro/metrics/metric.hpp"
#include "ouro/metrics/metric_info.hpp"

namespace ouro {
namespace {

TEST(MetricInfo, EveryRegisteredMetricHasADescriptionUnitAndDirection) {
  ASSERT_GT(metric_names().size(), 30u);
  for (const std::string& name : metric_names()) {
    const MetricInfo* info = metric_info(name);
    ASSERT_NE(info, nullptr) << name << " has no entry in src/metrics/metric_info.cpp";
    EXPECT_EQ(info->name, name);
    EXPECT_GE(info->description.size(), 20u) << name;
    EXPECT_FALSE(info->unit.empty()) << name;
    EXPECT_EQ(info->better == Better::kCloserToTruth, !info->target.empty()) << name;
  }
}

TEST(MetricInfo, UnknownNamesHaveNoEntryAndDirectionsReadAsWords) {
  EXPECT_EQ(metric_info("no_such_metric"), nullptr);
  EXPECT_EQ(better_text(*metric_info("nll_real")), "lower is better");
  EXPECT_EQ(better_text(*metric_info("recall")), "higher is better");
  EXPECT_EQ(better_text(*metric_info("trace_ratio")), "closer to 1 is better");
  EXPECT_EQ(metric_info("oov_rate")->unit, "share");
}

}  // namespace
}  // namespace ouro
