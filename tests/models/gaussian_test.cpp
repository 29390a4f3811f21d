// The gaussian family: exact fits on hand-computed data (both estimators), the moments of
// N(mu, lambda Sigma) samples within 5 standard errors, singular and zero covariances (no NaN, exact
// mean, the support rule of log_prob), log_prob against the textbook formula, the closed-form
// mean_log_prob against the average of log_prob, and bad input.
#include <cmath>
#include <limits>
#include <numbers>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model_test_util.hpp"
#include "ouro/core/error.hpp"
#include "ouro/models/gaussian.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using testing::test_rng;

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kLog2Pi = std::log(2.0 * std::numbers::pi);

Matrix rows(std::initializer_list<std::initializer_list<double>> values) {
  Matrix m(static_cast<Eigen::Index>(values.size()), static_cast<Eigen::Index>(values.begin()->size()));
  Eigen::Index i = 0;
  for (const auto& row : values) {
    Eigen::Index j = 0;
    for (const double v : row) m(i, j++) = v;
    ++i;
  }
  return m;
}

TEST(Gaussian, FitsHandComputedOneDimensionalData) {
  // x = 1, 2, 4: mean 7/3, scatter (16 + 1 + 25) / 9 = 14/3.
  const Matrix x = rows({{1}, {2}, {4}});
  Rng rng = test_rng(0);
  const auto mle = GaussianFamily(1, GaussianEstimator::kMle).fit(x, rng)->moments();
  const auto unbiased = GaussianFamily(1, GaussianEstimator::kUnbiased).fit(x, rng)->moments();
  ASSERT_TRUE(mle && unbiased);
  EXPECT_DOUBLE_EQ(mle->mean(0), 7.0 / 3.0);
  EXPECT_DOUBLE_EQ(mle->cov(0, 0), 14.0 / 9.0);
  EXPECT_DOUBLE_EQ(unbiased->mean(0), 7.0 / 3.0);
  EXPECT_DOUBLE_EQ(unbiased->cov(0, 0), 7.0 / 3.0);
}

TEST(Gaussian, FitsHandComputedTwoDimensionalData) {
  // Rows (0,0), (1,2), (2,1), (3,5): mean (1.5, 2); scatter [[5, 7], [7, 14]].
  const Matrix x = rows({{0, 0}, {1, 2}, {2, 1}, {3, 5}});
  Rng rng = test_rng(0);
  const auto mle = GaussianFamily(2, GaussianEstimator::kMle).fit(x, rng)->moments();
  const auto unbiased = GaussianFamily(2, GaussianEstimator::kUnbiased).fit(x, rng)->moments();
  ASSERT_TRUE(mle && unbiased);
  EXPECT_DOUBLE_EQ(mle->mean(0), 1.5);
  EXPECT_DOUBLE_EQ(mle->mean(1), 2.0);
  const Matrix expected_mle = rows({{1.25, 1.75}, {1.75, 3.5}});
  const Matrix expected_unbiased = rows({{5.0 / 3, 7.0 / 3}, {7.0 / 3, 14.0 / 3}});
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 2; ++j) {
      EXPECT_NEAR(mle->cov(i, j), expected_mle(i, j), 1e-15);
      EXPECT_NEAR(unbiased->cov(i, j), expected_unbiased(i, j), 1e-14);
    }
  }
}

TEST(Gaussian, OneDimensionalSamplesHaveMomentsOfBiasedLaw) {
  // N(1.5, lambda * 2) with lambda = 0.5: variance 1. n = 200000; SE(mean) = 1/sqrt(n),
  // SE(variance) = sqrt(2/n) * variance. Tolerance 5 SE.
  const auto model = make_gaussian_model(Vector::Constant(1, 1.5), Matrix::Constant(1, 1, 2.0));
  Rng rng = test_rng(1);
  const std::size_t n = 200000;
  const Matrix s = model->sample(n, 0.5, rng);
  ASSERT_EQ(s.rows(), static_cast<Eigen::Index>(n));
  ASSERT_EQ(s.cols(), 1);
  EXPECT_NEAR(s.mean(), 1.5, 5.0 / std::sqrt(n));
  EXPECT_NEAR(testing::population_cov(s)(0, 0), 1.0, 5.0 * std::sqrt(2.0 / n));
}

TEST(Gaussian, ThreeDimensionalSamplesHaveMomentsOfBiasedLaw) {
  Vector mu(3);
  mu << 1.0, -2.0, 0.5;
  Matrix sigma(3, 3);
  sigma << 2.0, 0.6, -0.4, 0.6, 1.0, 0.3, -0.4, 0.3, 0.5;
  const double lambda = 0.7;
  const auto model = make_gaussian_model(mu, sigma);
  Rng rng = test_rng(2);
  const std::size_t n = 200000;
  const Matrix s = model->sample(n, lambda, rng);
  const Matrix target = lambda * sigma;
  // Mean: SE_i = sqrt(target_ii / n). Covariance: SE_ij = sqrt((T_ii T_jj + T_ij^2) / n) (normal law).
  Matrix mean_se(1, 3), cov_se(3, 3);
  for (int i = 0; i < 3; ++i) {
    mean_se(0, i) = std::sqrt(target(i, i) / n);
    for (int j = 0; j < 3; ++j) cov_se(i, j) = std::sqrt((target(i, i) * target(j, j) + target(i, j) * target(i, j)) / n);
  }
  testing::expect_within(s.colwise().mean(), mu.transpose(), mean_se, 5.0, "mean");
  testing::expect_within(testing::population_cov(s), target, cov_se, 5.0, "covariance");
}

TEST(Gaussian, RankOneCovarianceSamplesOnItsLineWithoutNan) {
  // Sigma = v v^T (rank 1 in 3-D): samples are mu + t v with t ~ N(0, lambda).
  Vector mu(3), v(3);
  mu << 1.0, 2.0, 3.0;
  v << 1.0, 2.0, -1.0;
  const double lambda = 0.6;
  const auto model = make_gaussian_model(mu, v * v.transpose());
  Rng rng = test_rng(3);
  const std::size_t n = 100000;
  const Matrix s = model->sample(n, lambda, rng);
  ASSERT_TRUE(s.allFinite());
  Vector t(static_cast<Eigen::Index>(n));
  for (Eigen::Index i = 0; i < s.rows(); ++i) {
    const Vector offset = s.row(i).transpose() - mu;
    t(i) = offset.dot(v) / v.squaredNorm();
    ASSERT_LT((offset - t(i) * v).norm(), 1e-12 * (1.0 + offset.norm())) << "row " << i << " left the line";
  }
  // Var(t) = lambda within 5 SE (SE = sqrt(2/n) lambda).
  EXPECT_NEAR((t.array() - t.mean()).square().mean(), lambda, 5.0 * std::sqrt(2.0 / n) * lambda);

  // On the line: density on the support, -0.5 (log 2pi + log pdet + t^2) with pdet = |v|^2.
  Matrix on(2, 3);
  on.row(0) = (mu + 0.7 * v).transpose();
  on.row(1) = mu.transpose();
  const Vector lp = model->log_prob(on);
  EXPECT_NEAR(lp(0), -0.5 * (kLog2Pi + std::log(v.squaredNorm()) + 0.49), 1e-12);
  EXPECT_NEAR(lp(1), -0.5 * (kLog2Pi + std::log(v.squaredNorm())), 1e-12);
  // Off the line: no density.
  Matrix off = on;
  off(0, 0) += 1e-3;
  EXPECT_EQ(model->log_prob(off)(0), -kInf);
  // Its own samples are on the support.
  EXPECT_TRUE(model->log_prob(s.topRows(100)).allFinite());
}

TEST(Gaussian, DataOnALineFitsASingularModel) {
  // Four points on the line (1,1,1) t in 3-D: rank-1 covariance; the fit is fine, the support rule
  // makes an off-line test set score -inf, both through log_prob and mean_log_prob.
  const Matrix x = rows({{0, 0, 0}, {1, 1, 1}, {2, 2, 2}, {4, 4, 4}});
  Rng rng = test_rng(0);
  const auto model = GaussianFamily(3).fit(x, rng);
  EXPECT_TRUE(model->log_prob(x).allFinite());
  const TestSet off = TestSet::from(rows({{0, 0, 1}, {1, 1, 1}}));
  EXPECT_EQ(model->log_prob(off.x)(0), -kInf);
  EXPECT_EQ(model->mean_log_prob(off), -kInf);
  const TestSet on = TestSet::from(x);
  EXPECT_NEAR(model->mean_log_prob(on), model->log_prob(x).mean(), 1e-12);
}

TEST(Gaussian, CollapsedModelSamplesItsMeanExactly) {
  Rng rng = test_rng(4);
  for (const Eigen::Index d : {1, 3}) {
    Matrix x = Matrix::Constant(5, d, 0.0);
    for (Eigen::Index j = 0; j < d; ++j) x.col(j).setConstant(0.1 * static_cast<double>(j + 1) + 1.0 / 3.0);
    const auto model = GaussianFamily(d).fit(x, rng);
    const Matrix s = model->sample(1000, 1.0, rng);
    for (Eigen::Index i = 0; i < s.rows(); ++i) {
      for (Eigen::Index j = 0; j < d; ++j) ASSERT_EQ(s(i, j), x(0, j)) << "d = " << d;
    }
    // A point mass: log mass 0 at the mean, -inf elsewhere.
    Matrix probe = x.topRows(2);
    probe(1, 0) += 0.25;
    const Vector lp = model->log_prob(probe);
    EXPECT_EQ(lp(0), 0.0) << "d = " << d;
    EXPECT_EQ(lp(1), -kInf) << "d = " << d;
    EXPECT_EQ(model->mean_log_prob(TestSet::from(probe)), -kInf) << "d = " << d;
    EXPECT_EQ(model->mean_log_prob(TestSet::from(x)), 0.0) << "d = " << d;
  }
}

TEST(Gaussian, NumericallyIndefiniteCovarianceSamplesWithoutNan) {
  // Eigenvalues 2 and about -5e-16: the negative one is rounding and is clamped to 0.
  Matrix sigma(2, 2);
  sigma << 1.0, 1.0, 1.0, 1.0 - 1e-15;
  const auto model = make_gaussian_model(Vector::Zero(2), sigma);
  Rng rng = test_rng(5);
  const Matrix s = model->sample(10000, 1.0, rng);
  EXPECT_TRUE(s.allFinite());
  EXPECT_LT((s.col(0) - s.col(1)).cwiseAbs().maxCoeff(), 1e-6);
}

TEST(Gaussian, LogProbMatchesTheFormula) {
  Vector mu(3);
  mu << 0.5, -1.0, 2.0;
  Matrix sigma(3, 3);
  sigma << 1.5, 0.2, 0.1, 0.2, 0.8, -0.3, 0.1, -0.3, 2.5;
  const auto model = make_gaussian_model(mu, sigma);
  Rng rng = test_rng(6);
  const Matrix x = model->sample(50, 1.0, rng) * 1.3;
  const Vector lp = model->log_prob(x);
  const Eigen::MatrixXd inverse = Eigen::MatrixXd(sigma).inverse();
  const double log_det = std::log(Eigen::MatrixXd(sigma).determinant());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const Vector delta = x.row(i).transpose() - mu;
    const double expected = -0.5 * (3 * kLog2Pi + log_det + delta.dot(inverse * delta));
    EXPECT_NEAR(lp(i), expected, 1e-12 * std::abs(expected)) << "row " << i;
  }
  // 1-D against the scalar formula.
  const auto scalar = make_gaussian_model(Vector::Constant(1, 0.3), Matrix::Constant(1, 1, 0.7));
  const Vector one = scalar->log_prob(Matrix::Constant(1, 1, -1.1));
  EXPECT_NEAR(one(0), -0.5 * (kLog2Pi + std::log(0.7) + 1.4 * 1.4 / 0.7), 1e-14);
}

TEST(Gaussian, ClosedFormMeanLogProbEqualsAverageLogProb) {
  for (const Eigen::Index d : {1, 3}) {
    Rng rng = test_rng(7 + static_cast<std::uint64_t>(d));
    Matrix train(40, d);
    rng.fill_normal({train.data(), static_cast<std::size_t>(train.size())});
    const auto model = GaussianFamily(d, GaussianEstimator::kUnbiased).fit(train, rng);
    Matrix test(500, d);
    rng.fill_normal({test.data(), static_cast<std::size_t>(test.size())});
    test = test * 1.7;
    test.col(0).array() += 0.4;
    const TestSet set = TestSet::from(test);
    const double average = model->log_prob(set.x).mean();
    EXPECT_NEAR(model->mean_log_prob(set), average, 1e-10 * std::abs(average)) << "d = " << d;
  }
}

TEST(Gaussian, MinSamplesIsDPlusOne) {
  EXPECT_EQ(GaussianFamily(1).min_samples(1), 2u);
  EXPECT_EQ(GaussianFamily(3, GaussianEstimator::kUnbiased).min_samples(3), 4u);
}

TEST(Gaussian, BadInputIsADataErrorThatSaysWhy) {
  Rng rng = test_rng(0);
  try {
    GaussianFamily(2).fit(rows({{1, 2}, {3, 4}}), rng);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("gaussian fit needs at least d+1 = 3 samples, got 2"));
  }
  try {
    GaussianFamily(2).fit(rows({{1, 2, 3}, {3, 4, 5}, {5, 6, 7}}), rng);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("expected 2 columns per sample, got 3"));
  }
  for (const Eigen::Index d : {1, 2}) {
    Matrix x = Matrix::Ones(4, d);
    x(2, d - 1) = std::numeric_limits<double>::quiet_NaN();
    try {
      GaussianFamily(d).fit(x, rng);
      FAIL() << "expected a DataError";
    } catch (const DataError& e) {
      EXPECT_THAT(e.what(), HasSubstr("row 2"));
    }
    x(2, d - 1) = kInf;
    EXPECT_THROW(GaussianFamily(d).fit(x, rng), DataError);
  }
  EXPECT_THROW(GaussianFamily(1).fit(Matrix::Ones(1, 1), rng), DataError);
  const auto model = make_gaussian_model(Vector::Zero(2), Matrix::Identity(2, 2));
  EXPECT_THROW(model->log_prob(Matrix::Zero(3, 3)), DataError);
  EXPECT_THROW(model->sample(3, 0.0, rng), DataError);
  EXPECT_THROW(model->sample(3, 1.5, rng), DataError);
}

}  // namespace
}  // namespace ouro
