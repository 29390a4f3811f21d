// Band statistics against hand-computed values (NumPy's default linear quantile, sample standard
// deviation with n-1) and the non-finite and tiny-spread cases.
#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "ouro/core/quantile.hpp"
#include "ouro/report/summary.hpp"

namespace {

using ouro::quantile_sorted;
using ouro::report::summarize;

TEST(Quantile, LinearBetweenOrderStatistics) {
  const std::vector<double> v = {1, 2, 3, 4, 5};
  // numpy.quantile([1,2,3,4,5], [0, .1, .5, .9, 1]) = [1, 1.4, 3, 4.6, 5]
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.1), 1.4);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.5), 3.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.9), 4.6);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 1.0), 5.0);
  EXPECT_TRUE(std::isnan(quantile_sorted(std::vector<double>{}, 0.5)));
  EXPECT_DOUBLE_EQ(quantile_sorted(std::vector<double>{7}, 0.9), 7.0);
}

TEST(Summarize, HandComputed) {
  // mean 5; squared deviations 9,1,1,1,0,0,4,16 = 32; s^2 = 32/7; SE = sqrt(32/7/8) = sqrt(4/7).
  // Sorted: 2,4,4,4,5,5,7,9; q10 at position 0.7: 2 + 0.7*2 = 3.4; q90 at 6.3: 7 + 0.3*2 = 7.6.
  const std::vector<double> v = {5, 2, 9, 4, 4, 7, 4, 5};
  const auto s = summarize(v);
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
  EXPECT_NEAR(s.standard_error, std::sqrt(4.0 / 7.0), 1e-15);
  EXPECT_NEAR(s.q10, 3.4, 1e-14);
  EXPECT_NEAR(s.q90, 7.6, 1e-14);
  EXPECT_EQ(s.count, 8u);
  EXPECT_EQ(s.non_finite, 0u);
}

TEST(Summarize, NonFiniteValuesAreCountedAndLeftOut) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const auto s = summarize(std::vector<double>{1.0, nan, 3.0, inf, -inf});
  EXPECT_DOUBLE_EQ(s.mean, 2.0);
  EXPECT_DOUBLE_EQ(s.standard_error, 1.0);  // s = sqrt(2), SE = sqrt(2)/sqrt(2)
  EXPECT_DOUBLE_EQ(s.q10, 1.2);
  EXPECT_DOUBLE_EQ(s.q90, 2.8);
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(s.non_finite, 3u);

  const auto none = summarize(std::vector<double>{nan, inf});
  EXPECT_EQ(none.count, 0u);
  EXPECT_TRUE(std::isnan(none.mean));
  EXPECT_TRUE(std::isnan(none.q90));

  const auto one = summarize(std::vector<double>{4.0});
  EXPECT_DOUBLE_EQ(one.mean, 4.0);
  EXPECT_TRUE(std::isnan(one.standard_error));  // undefined from one replicate
  EXPECT_DOUBLE_EQ(one.q10, 4.0);
}

TEST(Summarize, TinySpreadAroundLargeMeanKeepsPrecision) {
  // A one-pass sum of squares would lose every digit of this spread to cancellation.
  const auto s = summarize(std::vector<double>{1e8 + 0.1, 1e8 + 0.2, 1e8 + 0.3});
  EXPECT_NEAR(s.standard_error, 0.1 / std::sqrt(3.0), 1e-8);
}

}  // namespace
