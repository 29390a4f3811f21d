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
using ouro::report::BandStat;
using ouro::report::summarize;
using ouro::report::theory_gap;
using ouro::report::TheoryGap;

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

TEST(Summarize, QuantilesAreOfTheValuesNotOfTheirDistancesToTheMedian) {
  // 1..10: q10 at position 0.9 = 1.9, median 5.5, q90 at 8.1 = 9.1. The tail share, computed from
  // the distances |v - 5.5|, must not leave them in place of the values (q90 would be about 4).
  const auto s = summarize(std::vector<double>{4, 9, 1, 10, 7, 2, 8, 3, 6, 5});
  EXPECT_NEAR(s.q10, 1.9, 1e-14);
  EXPECT_DOUBLE_EQ(s.median, 5.5);
  EXPECT_NEAR(s.q90, 9.1, 1e-14);
  // The farthest 5% (one value, 4.5 from the median) of a total distance 2 x (0.5+1.5+2.5+3.5+4.5) = 25.
  EXPECT_DOUBLE_EQ(s.tail_share, 4.5 / 25.0);
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

// The standard normal quantile by bisection on the CDF (to 1e-15; the test needs no speed).
double normal_quantile(double p) {
  double low = -40.0, high = 40.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (low + high);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

TEST(TheoryGap, FlagsAMeanBeyondThreeStandardErrors) {
  // 1..9 and 1000: mean 104.5, median 5.5.
  const std::vector<double> values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1000};
  const BandStat s = summarize(values);
  EXPECT_DOUBLE_EQ(s.median, 5.5);
  double squares = 0.0;
  for (const double v : values) squares += (v - 104.5) * (v - 104.5);
  const double se = std::sqrt(squares / 9.0 / 10.0);
  const TheoryGap far = theory_gap(s, 104.5 - 3.5 * se);
  EXPECT_NEAR(far.standard_errors, 3.5, 1e-12);
  EXPECT_TRUE(far.disagrees);
  EXPECT_FALSE(far.heavy_tailed);  // too few values to say
  EXPECT_FALSE(theory_gap(s, 104.5 + 2.5 * se).disagrees);
  EXPECT_TRUE(std::isnan(theory_gap(s, std::numeric_limits<double>::quiet_NaN()).standard_errors));
  // Tail share: the farthest value (|1000 - 5.5| = 994.5) of sum |v - 5.5| = 20.5 + 994.5.
  EXPECT_NEAR(s.tail_share, 994.5 / 1015.0, 1e-14);
}

TEST(TheoryGap, CallsALognormalSampleLikeTheDemosVarianceHeavyTailed) {
  // exp(-20 + 4.5 z) at 200 normal quantiles: the law of the demo's variance after 1000
  // generations. Mean 4.5e-6 ± 3.2e-6 against E = 5.1e-5, median 2.1e-9: NumPy/SciPy give these
  // figures for the same points.
  std::vector<double> values;
  for (int i = 0; i < 200; ++i) {
    const double z = normal_quantile((i + 0.5) / 200.0);
    values.push_back(std::exp(-20.0 + 4.5 * z));
  }
  const BandStat s = summarize(values);
  EXPECT_NEAR(s.mean, 4.4917e-6, 1e-9);
  EXPECT_NEAR(s.standard_error, 3.2153e-6, 1e-9);
  const TheoryGap gap = theory_gap(s, std::exp(-20.0 + 4.5 * 4.5 / 2.0));
  EXPECT_TRUE(gap.disagrees);
  EXPECT_TRUE(gap.heavy_tailed);
  EXPECT_GT(s.tail_share, 0.9);
  // A symmetric sample of the same size is neither.
  std::vector<double> symmetric;
  for (int i = 0; i < 200; ++i) symmetric.push_back(normal_quantile((i + 0.5) / 200.0));
  const BandStat n = summarize(symmetric);
  EXPECT_LT(n.tail_share, 0.2);
  EXPECT_FALSE(theory_gap(n, 0.0).heavy_tailed);
  EXPECT_FALSE(theory_gap(n, 0.0).disagrees);
}
