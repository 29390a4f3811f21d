// KID and the Wasserstein distances: hand-computed tiny cases, the closed-form population MMD^2 of
// the cubic kernel between two 1-D Gaussians (Monte Carlo over seeded data sets, 4 standard
// errors), exact 1-D W1/W2 for unequal sizes against the equal-size formula on replicated samples,
// sliced W2 against its 1-D special case and a closed form, thread-count determinism, bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "distribution_test_util.hpp"
#include "ouro/core/error.hpp"
#include "ouro/metrics/distribution/kid.hpp"
#include "ouro/metrics/distribution/wasserstein.hpp"

namespace ouro {
namespace {

using testing::dist_rng;
using testing::gaussian_rows;

Matrix column(std::initializer_list<double> values) {
  Matrix x(static_cast<Eigen::Index>(values.size()), 1);
  Eigen::Index i = 0;
  for (const double v : values) x(i++, 0) = v;
  return x;
}

TEST(Kid, TinyCaseByHand) {
  // k(x, y) = (x y + 1)^3 in 1-D. XX off-diagonal: k(0,1) = 1 twice -> 2/2; YY: k(1,2) = 27 twice
  // -> 54/2; XY: 1 + 1 + 8 + 27 = 37 -> 2 * 37/4. MMD^2_u = 1 + 27 - 18.5.
  EXPECT_DOUBLE_EQ(mmd2_unbiased(column({0, 1}), column({1, 2})), 9.5);
}

TEST(Kid, WholeSetSubsetsGiveTheFullEstimate) {
  Rng data = dist_rng(20);
  const Matrix a = gaussian_rows(50, 3, data);
  const Matrix b = gaussian_rows(50, 3, data, 0.3);
  Rng rng = dist_rng(21);
  const KidResult k = kid(a, b, 5, 1000, rng);
  EXPECT_EQ(k.subset_size, 50);
  const double full = mmd2_unbiased(a, b);
  EXPECT_NEAR(k.value, full, 1e-12 * std::abs(full));
  EXPECT_LT(k.standard_error, 1e-12 * std::abs(full));
}

double raw_moment(double mean, int order) {
  // Raw moments of N(mean, 1).
  if (order == 1) return mean;
  if (order == 2) return mean * mean + 1;
  return mean * mean * mean + 3 * mean;
}

// For x ~ N(a, 1), y ~ N(b, 1) independent: E (x y + 1)^3 = m3(a) m3(b) + 3 m2(a) m2(b) + 3 a b + 1,
// hence MMD^2 = (m3(a) - m3(b))^2 + 3 (m2(a) - m2(b))^2 + 3 (a - b)^2.
TEST(Kid, MatchesThePopulationMmdOfTwoGaussians) {
  for (const double b : {0.0, 0.5}) {
    const double expected = std::pow(raw_moment(0, 3) - raw_moment(b, 3), 2) +
                            3 * std::pow(raw_moment(0, 2) - raw_moment(b, 2), 2) + 3 * b * b;
    std::vector<double> values;
    for (std::uint64_t r = 0; r < 60; ++r) {
      Rng rng = dist_rng(300 + r);
      const Matrix x = gaussian_rows(400, 1, rng);
      const Matrix y = gaussian_rows(300, 1, rng, b);
      Rng subsets = dist_rng(900 + r);
      values.push_back(kid(x, y, 4, 200, subsets).value);
    }
    const auto s = testing::summarise(values);
    EXPECT_NEAR(s.mean, expected, 4 * s.se) << "b = " << b << ", se " << s.se;
    if (b > 0) {
      EXPECT_GT(s.mean, 10 * s.se);
    }
  }
}

TEST(Kid, SameBytesForAnyThreadCountAndSeededSubsets) {
  Rng data = dist_rng(22);
  const Matrix a = gaussian_rows(300, 6, data);
  const Matrix b = gaussian_rows(250, 6, data, 0.1);
  Rng r1 = dist_rng(23);
  Rng r3 = dist_rng(23);
  Rng other = dist_rng(24);
  const KidResult one = kid(a, b, 20, 100, r1, 1);
  const KidResult three = kid(a, b, 20, 100, r3, 3);
  EXPECT_EQ(one.value, three.value);
  EXPECT_EQ(one.standard_error, three.standard_error);
  EXPECT_NE(kid(a, b, 20, 100, other).value, one.value);
  EXPECT_GT(one.standard_error, 0);
}

TEST(Kid, BadInput) {
  Rng rng = dist_rng(25);
  EXPECT_THROW(kid(column({1}), column({1, 2}), 10, 10, rng), DataError);
  EXPECT_THROW(kid(column({1, 2}), column({1, 2}), 0, 10, rng), DataError);
  EXPECT_THROW(kid(column({1, 2}), gaussian_rows(3, 2, rng), 1, 10, rng), DataError);
}

TEST(Wasserstein, TinyCasesByHand) {
  EXPECT_DOUBLE_EQ(wasserstein1(column({0, 1}), column({0.5})), 0.5);
  EXPECT_DOUBLE_EQ(wasserstein2(column({0, 1}), column({0.5})), 0.5);
  // Quantiles of {0,1,2} and {0,3}: on [0,1/3) 0 vs 0, [1/3,1/2) 1 vs 0, [1/2,2/3) 1 vs 3,
  // [2/3,1) 2 vs 3: W1 = 1/6 + 2/6 + 1/3, W2^2 = 1/6 + 4/6 + 1/3.
  EXPECT_NEAR(wasserstein1(column({2, 0, 1}), column({3, 0})), 5.0 / 6.0, 1e-15);
  EXPECT_NEAR(wasserstein2(column({2, 0, 1}), column({3, 0})), std::sqrt(7.0 / 6.0), 1e-15);
  EXPECT_NEAR(wasserstein1(column({3, 0}), column({2, 0, 1})), 5.0 / 6.0, 1e-15);
  EXPECT_EQ(wasserstein1(column({1, 2, 3}), column({3, 2, 1})), 0.0);
  EXPECT_DOUBLE_EQ(wasserstein1(column({0, 0}), column({5, 5})), 5.0);
}

// Replicating each sample of a (n rows) m/g times and of b n/g times gives two equal-size samples
// with the same empirical laws, for which W_p^p is the mean of |sorted a - sorted b|^p.
TEST(Wasserstein, UnequalSizesMatchReplicatedEqualSizes) {
  Rng rng = dist_rng(30);
  const Matrix a = gaussian_rows(30, 1, rng);
  const Matrix b = gaussian_rows(45, 1, rng, 0.4, 2.0);
  std::vector<double> ra;
  std::vector<double> rb;
  for (int t = 0; t < 3; ++t) ra.insert(ra.end(), a.data(), a.data() + 30);
  for (int t = 0; t < 2; ++t) rb.insert(rb.end(), b.data(), b.data() + 45);
  std::sort(ra.begin(), ra.end());
  std::sort(rb.begin(), rb.end());
  double w1 = 0;
  double w2 = 0;
  for (std::size_t i = 0; i < 90; ++i) {
    w1 += std::abs(ra[i] - rb[i]) / 90;
    w2 += (ra[i] - rb[i]) * (ra[i] - rb[i]) / 90;
  }
  EXPECT_NEAR(wasserstein1(a, b), w1, 1e-13);
  EXPECT_NEAR(wasserstein2(a, b), std::sqrt(w2), 1e-13);
}

TEST(Wasserstein, SlicedEqualsTheExactOneInOneDimension) {
  Rng rng = dist_rng(31);
  const Matrix a = gaussian_rows(200, 1, rng);
  const Matrix b = gaussian_rows(170, 1, rng, 1.0, 0.5);
  Rng directions = dist_rng(32);
  EXPECT_NEAR(sliced_wasserstein2(a, b, 7, directions), wasserstein2(a, b), 1e-13);
}

// N(0, I_2) vs N(mu, I_2): every projection has W2^2 = (theta . mu)^2 in the population, whose mean
// over uniform directions is |mu|^2 / 2 (variance |mu|^4 / 8 per direction).
TEST(Wasserstein, SlicedMatchesTheGaussianShiftClosedForm) {
  Rng rng = dist_rng(33);
  const Matrix a = gaussian_rows(5000, 2, rng);
  Matrix b = gaussian_rows(5000, 2, rng);
  b.col(0).array() += 3.0;
  Rng directions = dist_rng(34);
  const int projections = 2000;
  const double sw2 = sliced_wasserstein2(a, b, projections, directions, 2);
  const double se = std::sqrt(81.0 / 8.0 / projections);
  EXPECT_NEAR(sw2 * sw2, 4.5, 4 * se + 0.05);
}

TEST(Wasserstein, SlicedIsTheSameForAnyThreadCountAndInvariantToTranslation) {
  Rng rng = dist_rng(35);
  const Matrix a = gaussian_rows(2100, 5, rng);
  const Matrix b = gaussian_rows(1900, 5, rng, 0.2);
  Rng d1 = dist_rng(36);
  Rng d3 = dist_rng(36);
  Rng d4 = dist_rng(36);
  const double one = sliced_wasserstein2(a, b, 64, d1, 1);
  EXPECT_EQ(sliced_wasserstein2(a, b, 64, d3, 3), one);
  const Eigen::RowVectorXd offset = Eigen::RowVectorXd::Constant(5, 7.0);
  EXPECT_NEAR(sliced_wasserstein2(a.rowwise() + offset, b.rowwise() + offset, 64, d4, 2), one, 1e-10);
}

TEST(Wasserstein, BadInput) {
  Rng rng = dist_rng(37);
  try {
    wasserstein1(gaussian_rows(5, 2, rng), gaussian_rows(5, 2, rng));
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("one-dimensional"));
  }
  EXPECT_THROW(wasserstein2(column({1}), Matrix(0, 1)), DataError);
  EXPECT_THROW(sliced_wasserstein2(column({1}), column({2}), 0, rng), DataError);
  EXPECT_THROW(sliced_wasserstein2(column({1}), gaussian_rows(2, 2, rng), 3, rng), DataError);
}

}  // namespace
}  // namespace ouro
