// The kde family: Scott's and Silverman's factors and the kernel covariance against their hand
// formulas, moments() = population covariance + kernel (hand-computed), samples of a biased kde
// have covariance V + lambda K (5 standard errors), log_prob against the mixture formula written
// out, a collapsed data set (singular kernel) samples without NaN, bad input.
#include <cmath>
#include <limits>
#include <numbers>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model_test_util.hpp"
#include "ouro/core/error.hpp"
#include "ouro/models/kde.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using testing::test_rng;

const double kLog2Pi = std::log(2.0 * std::numbers::pi);

Matrix standard_normal(Eigen::Index n, Eigen::Index d, Rng& rng) {
  Matrix x(n, d);
  rng.fill_normal({x.data(), static_cast<std::size_t>(x.size())});
  return x;
}

TEST(Kde, BandwidthFactorsAreScipys) {
  // scott n^(-1/(d+4)); silverman (n (d+2)/4)^(-1/(d+4)).
  EXPECT_NEAR(bandwidth_factor(BandwidthRule::kScott, 100, 1), std::pow(100.0, -0.2), 1e-15);
  EXPECT_NEAR(bandwidth_factor(BandwidthRule::kScott, 32, 2), std::pow(32.0, -1.0 / 6), 1e-15);
  EXPECT_NEAR(bandwidth_factor(BandwidthRule::kSilverman, 100, 1), std::pow(75.0, -0.2), 1e-15);
  EXPECT_NEAR(bandwidth_factor(BandwidthRule::kSilverman, 50, 3), std::pow(62.5, -1.0 / 7), 1e-15);
  // d = 2: Silverman's (n (d + 2)/4) = n, the same as Scott's.
  EXPECT_DOUBLE_EQ(bandwidth_factor(BandwidthRule::kSilverman, 40, 2), bandwidth_factor(BandwidthRule::kScott, 40, 2));
  EXPECT_THROW(bandwidth_factor(BandwidthRule::kFixed, 10, 1), DataError);
}

TEST(Kde, KernelCovarianceByHand) {
  // x = 1, 2, 4: unbiased variance (divisor n - 1) 7/3; scott factor 3^(-1/5).
  Matrix x(3, 1);
  x << 1.0, 2.0, 4.0;
  const double scott = std::pow(3.0, -0.2);
  EXPECT_NEAR(kde_kernel_covariance(x, {BandwidthRule::kScott})(0, 0), scott * scott * 7.0 / 3.0, 1e-14);
  const double silverman = std::pow(3.0 * 3.0 / 4.0, -0.2);
  EXPECT_NEAR(kde_kernel_covariance(x, {BandwidthRule::kSilverman})(0, 0), silverman * silverman * 7.0 / 3.0, 1e-14);
  // Fixed: h^2 I whatever the data.
  const Matrix fixed = kde_kernel_covariance(Matrix::Zero(5, 3), {BandwidthRule::kFixed, 0.5});
  EXPECT_EQ(fixed, Matrix::Identity(3, 3) * 0.25);
  // 2-D rule: factor^2 times the full unbiased covariance (off-diagonals included).
  Matrix y(4, 2);
  y << 0, 0, 1, 2, 2, 1, 3, 5;  // scatter [[5, 7], [7, 14]]
  const double f2 = std::pow(4.0, -2.0 / 6);
  Matrix expected(2, 2);
  expected << 5.0 / 3, 7.0 / 3, 7.0 / 3, 14.0 / 3;
  EXPECT_LT((kde_kernel_covariance(y, {BandwidthRule::kScott}) - f2 * expected).norm(), 1e-14);
}

TEST(Kde, VarianceIsPopulationVariancePlusKernel) {
  // x = 1, 2, 4 with h = 0.5: population variance 14/9 plus h^2 = 0.25; mean 7/3.
  Matrix x(3, 1);
  x << 1.0, 2.0, 4.0;
  Rng rng = test_rng(0);
  const auto model = KdeFamily(1, {BandwidthRule::kFixed, 0.5}).fit(x, rng);
  const auto m = model->moments();
  ASSERT_TRUE(m.has_value());
  EXPECT_NEAR(m->mean(0), 7.0 / 3, 1e-15);
  EXPECT_NEAR(m->cov(0, 0), 14.0 / 9 + 0.25, 1e-14);
  // With a rule: V + factor^2 C.
  const auto scott = KdeFamily(1, {BandwidthRule::kScott}).fit(x, rng)->moments();
  EXPECT_NEAR(scott->cov(0, 0), 14.0 / 9 + std::pow(3.0, -0.4) * 7.0 / 3, 1e-14);
}

TEST(Kde, BiasedSamplesHaveCovarianceVPlusLambdaK) {
  // 2-D, 20 training points, Scott kernel. Samples: a uniform training point plus N(0, lambda K),
  // so their covariance is V + lambda K (V the points' population covariance) and their mean the
  // points' mean. n = 200000; 5 standard errors estimated from the samples.
  Rng rng = test_rng(1);
  Matrix train = standard_normal(20, 2, rng);
  train.col(1) += 0.5 * train.col(0);
  const auto model = KdeFamily(2, {BandwidthRule::kScott}).fit(train, rng);
  const Matrix kernel = kde_kernel_covariance(train, {BandwidthRule::kScott});
  const Matrix v = testing::population_cov(train);
  for (const double lambda : {1.0, 0.3}) {
    Rng draw = test_rng(2 + static_cast<std::uint64_t>(lambda * 10));
    const Matrix s = model->sample(200000, lambda, draw);
    ASSERT_TRUE(s.allFinite());
    const Matrix se = testing::cov_standard_errors(s);
    testing::expect_within(testing::population_cov(s), v + lambda * kernel, se, 5.0,
                           "covariance at lambda " + std::to_string(lambda));
    Matrix mean_se(1, 2);
    mean_se << std::sqrt(v(0, 0) + lambda * kernel(0, 0)) / std::sqrt(2e5), std::sqrt(v(1, 1) + lambda * kernel(1, 1)) / std::sqrt(2e5);
    testing::expect_within(s.colwise().mean(), train.colwise().mean(), mean_se, 5.0, "mean");
    if (lambda < 1) {
      // Power: the unscaled kernel is rejected.
      EXPECT_GT(std::abs(testing::population_cov(s)(0, 0) - (v + kernel)(0, 0)), 5.0 * se(0, 0));
    }
  }
}

TEST(Kde, FixedBandwidthScalesBySqrtLambda) {
  // One training point at 3 with h = 2: samples are N(3, lambda 4) exactly.
  Rng rng = test_rng(3);
  const auto model = KdeFamily(1, {BandwidthRule::kFixed, 2.0}).fit(Matrix::Constant(1, 1, 3.0), rng);
  const double n = 200000;
  const Matrix s = model->sample(static_cast<std::size_t>(n), 0.25, rng);
  EXPECT_NEAR(s.mean(), 3.0, 5.0 * 1.0 / std::sqrt(n));
  EXPECT_NEAR(testing::population_cov(s)(0, 0), 1.0, 5.0 * std::sqrt(2.0 / n));
}

TEST(Kde, LogProbIsTheMixtureFormula) {
  Rng rng = test_rng(4);
  const Matrix train = standard_normal(15, 2, rng);
  for (const KdeBandwidth bw : {KdeBandwidth{BandwidthRule::kFixed, 0.7}, KdeBandwidth{BandwidthRule::kSilverman}}) {
    const auto model = KdeFamily(2, bw).fit(train, rng);
    const Eigen::MatrixXd k = kde_kernel_covariance(train, bw);
    const Eigen::MatrixXd inverse = k.inverse();
    const double log_det = std::log(k.determinant());
    Matrix x = standard_normal(10, 2, rng) * 1.5;
    x.row(0) = train.row(3);  // on a training point
    const Vector lp = model->log_prob(x);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      double density = 0.0;
      for (Eigen::Index j = 0; j < train.rows(); ++j) {
        const Eigen::VectorXd delta = (x.row(i) - train.row(j)).transpose();
        density += std::exp(-0.5 * (2 * kLog2Pi + log_det + delta.dot(inverse * delta))) / 15.0;
      }
      EXPECT_NEAR(lp(i), std::log(density), 1e-12 * (1 + std::abs(lp(i)))) << "row " << i;
    }
    EXPECT_NEAR(model->mean_log_prob(TestSet::from(x)), lp.mean(), 1e-12);
  }
}

TEST(Kde, CollapsedDataSamplesWithoutNan) {
  // Identical rows: a rule bandwidth gives a zero kernel, the model is a point mass at the row.
  Rng rng = test_rng(5);
  Matrix x = Matrix::Constant(6, 2, 1.25);
  const auto model = KdeFamily(2, {BandwidthRule::kScott}).fit(x, rng);
  const Matrix s = model->sample(500, 1.0, rng);
  for (Eigen::Index i = 0; i < s.rows(); ++i) {
    ASSERT_EQ(s(i, 0), 1.25);
    ASSERT_EQ(s(i, 1), 1.25);
  }
  Matrix probe = x.topRows(2);
  probe(1, 0) = 2.0;
  const Vector lp = model->log_prob(probe);
  EXPECT_EQ(lp(0), 0.0);
  EXPECT_EQ(lp(1), -std::numeric_limits<double>::infinity());
}

TEST(Kde, MinSamplesDependsOnTheRule) {
  EXPECT_EQ(KdeFamily(1, {BandwidthRule::kFixed, 1.0}).min_samples(1), 1u);
  EXPECT_EQ(KdeFamily(1, {BandwidthRule::kScott}).min_samples(1), 2u);
  EXPECT_EQ(KdeFamily(3, {BandwidthRule::kSilverman}).min_samples(3), 2u);
}

TEST(Kde, BadInputIsADataErrorThatSaysWhy) {
  Rng rng = test_rng(0);
  try {
    KdeFamily(1, {BandwidthRule::kScott}).fit(Matrix::Ones(1, 1), rng);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("needs at least 2 samples, got 1"));
  }
  EXPECT_THROW(KdeFamily(2, {BandwidthRule::kScott}).fit(Matrix::Ones(4, 3), rng), DataError);
  Matrix inf = Matrix::Ones(4, 1);
  inf(3, 0) = std::numeric_limits<double>::infinity();
  try {
    KdeFamily(1, {BandwidthRule::kFixed, 1.0}).fit(inf, rng);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("row 3"));
  }
  EXPECT_THROW(KdeFamily(1, KdeBandwidth{BandwidthRule::kFixed, 0.0}), DataError);
  EXPECT_THROW(KdeFamily(1, KdeBandwidth{BandwidthRule::kFixed, -1.0}), DataError);
  EXPECT_THROW(KdeFamily(0, KdeBandwidth{}), DataError);
  const auto model = KdeFamily(1, {BandwidthRule::kFixed, 1.0}).fit(Matrix::Ones(3, 1), rng);
  EXPECT_THROW(model->log_prob(Matrix::Zero(2, 2)), DataError);
  EXPECT_THROW(model->sample(2, 0.0, rng), DataError);
}

}  // namespace
}  // namespace ouro
