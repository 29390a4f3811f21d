// The linear-regression family: OLS on a hand-solved design, exact recovery of noiseless weights,
// coefficients(), fixed-design sampling (the training inputs, in order, cycling) vs fresh-design
// sampling (x ~ N(0, I)), label noise of variance lambda sigma^2 (5 standard errors), log_prob as
// the conditional label density, min_samples = d + 2, bad input.
#include <cmath>
#include <limits>
#include <numbers>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model_test_util.hpp"
#include "ouro/core/error.hpp"
#include "ouro/models/linear_regression.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using testing::test_rng;

const double kLog2Pi = std::log(2.0 * std::numbers::pi);

TEST(LinearRegression, OlsOnAHandSolvedDesign) {
  // x = (1,0), (0,1), (1,1), (1,2); y = 1, 2, 4, 5.
  // X^T X = [[3, 3], [3, 6]], X^T y = (10, 16): w = (4/3, 2).
  Matrix data(4, 3);
  data << 1, 0, 1, 0, 1, 2, 1, 1, 4, 1, 2, 5;
  Rng rng = test_rng(0);
  const auto model = LinearRegressionFamily(2, 0.5, RegressionDesign::kFixed).fit(data, rng);
  const Vector* w = model->coefficients();
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(w->size(), 2);
  EXPECT_NEAR((*w)(0), 4.0 / 3, 1e-14);
  EXPECT_NEAR((*w)(1), 2.0, 1e-14);
  EXPECT_EQ(model->dim(), 3);
  EXPECT_EQ(model->family(), "linear-regression");
  EXPECT_FALSE(model->moments().has_value());
  EXPECT_EQ(model->probabilities(), nullptr);
}

TEST(LinearRegression, NoiselessLabelsGiveTheExactWeights) {
  Rng rng = test_rng(1);
  Matrix data(30, 5);
  rng.fill_normal({data.data(), static_cast<std::size_t>(data.size())});
  Vector w(4);
  w << 0.5, -1.25, 2.0, 3.0;
  data.col(4) = data.leftCols(4) * w;
  const auto model = LinearRegressionFamily(4, 1.0, RegressionDesign::kFresh).fit(data, rng);
  EXPECT_LT((*model->coefficients() - w).norm(), 1e-12);
}

TEST(LinearRegression, FixedDesignCyclesTheTrainingInputsInOrder) {
  Matrix data(4, 3);
  data << 1, 0, 1, 0, 1, 2, 1, 1, 4, 1, 2, 5;
  Rng rng = test_rng(2);
  const auto model = LinearRegressionFamily(2, 0.5, RegressionDesign::kFixed).fit(data, rng);
  const Matrix s = model->sample(10, 1.0, rng);
  ASSERT_EQ(s.rows(), 10);
  ASSERT_EQ(s.cols(), 3);
  for (Eigen::Index i = 0; i < 10; ++i) {
    EXPECT_EQ(s(i, 0), data(i % 4, 0)) << i;
    EXPECT_EQ(s(i, 1), data(i % 4, 1)) << i;
  }
  // Rows 0 and 4 share their input but get independent label noise.
  EXPECT_NE(s(0, 2), s(4, 2));
}

TEST(LinearRegression, LabelNoiseHasVarianceLambdaSigmaSquared) {
  // sigma^2 = 2, lambda = 0.3: residuals y - x.w_hat are N(0, 0.6). n = 100000, 5 SE.
  Matrix data(4, 3);
  data << 1, 0, 1, 0, 1, 2, 1, 1, 4, 1, 2, 5;
  for (const RegressionDesign design : {RegressionDesign::kFixed, RegressionDesign::kFresh}) {
    Rng rng = test_rng(3);
    const auto model = LinearRegressionFamily(2, 2.0, design).fit(data, rng);
    const double n = 100000;
    const Matrix s = model->sample(static_cast<std::size_t>(n), 0.3, rng);
    const Vector residual = s.col(2) - s.leftCols(2) * *model->coefficients();
    EXPECT_NEAR(residual.mean(), 0.0, 5.0 * std::sqrt(0.6 / n));
    EXPECT_NEAR(residual.squaredNorm() / n, 0.6, 5.0 * 0.6 * std::sqrt(2.0 / n));
    EXPECT_GT(std::abs(residual.squaredNorm() / n - 2.0), 5.0 * 2.0 * std::sqrt(2.0 / n));  // power
  }
}

TEST(LinearRegression, FreshDesignDrawsStandardNormalInputs) {
  Matrix data(4, 3);
  data << 1, 0, 1, 0, 1, 2, 1, 1, 4, 1, 2, 5;
  Rng rng = test_rng(4);
  const auto model = LinearRegressionFamily(2, 0.5, RegressionDesign::kFresh).fit(data, rng);
  const double n = 100000;
  const Matrix s = model->sample(static_cast<std::size_t>(n), 1.0, rng);
  const Matrix x = s.leftCols(2);
  // Mean 0 (SE 1/sqrt(n)), covariance I (normal-law SE sqrt((1 + delta_ij)/n)); 5 SE.
  Matrix mean_se = Matrix::Constant(1, 2, 1.0 / std::sqrt(n));
  testing::expect_within(x.colwise().mean(), Matrix::Zero(1, 2), mean_se, 5.0, "input mean");
  Matrix cov_se(2, 2);
  cov_se << std::sqrt(2 / n), std::sqrt(1 / n), std::sqrt(1 / n), std::sqrt(2 / n);
  testing::expect_within(testing::population_cov(x), Matrix::Identity(2, 2), cov_se, 5.0, "input covariance");
  // Not the training design.
  EXPECT_FALSE(s(0, 0) == data(0, 0) && s(0, 1) == data(0, 1));
}

TEST(LinearRegression, LogProbIsTheConditionalLabelDensity) {
  Matrix data(4, 3);
  data << 1, 0, 1, 0, 1, 2, 1, 1, 4, 1, 2, 5;
  Rng rng = test_rng(5);
  const auto model = LinearRegressionFamily(2, 0.5, RegressionDesign::kFixed).fit(data, rng);
  Matrix x(2, 3);
  x << 1, 1, 3, -2, 0.5, 0;  // fitted means 10/3 and -8/3 + 1 = -5/3
  const Vector lp = model->log_prob(x);
  const double r0 = 3 - 10.0 / 3, r1 = 0 + 5.0 / 3;
  EXPECT_NEAR(lp(0), -0.5 * (kLog2Pi + std::log(0.5) + r0 * r0 / 0.5), 1e-13);
  EXPECT_NEAR(lp(1), -0.5 * (kLog2Pi + std::log(0.5) + r1 * r1 / 0.5), 1e-13);
}

TEST(LinearRegression, MinSamplesIsDPlusTwo) {
  const LinearRegressionFamily family(3, 1.0, RegressionDesign::kFixed);
  EXPECT_EQ(family.min_samples(4), 5u);  // dim = d + 1 columns
  EXPECT_EQ(family.inputs(), 3);
  EXPECT_EQ(family.noise_variance(), 1.0);
  EXPECT_EQ(family.design(), RegressionDesign::kFixed);
  Rng rng = test_rng(6);
  Matrix data(5, 4);
  rng.fill_normal({data.data(), static_cast<std::size_t>(data.size())});
  EXPECT_NO_THROW(family.fit(data, rng));
  try {
    family.fit(data.topRows(4), rng);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("linear-regression fit needs at least d+2 = 5 samples, got 4"));
  }
}

TEST(LinearRegression, BadInputIsADataErrorThatSaysWhy) {
  Rng rng = test_rng(7);
  const LinearRegressionFamily family(2, 1.0, RegressionDesign::kFixed);
  // A rank-deficient design: the second input is twice the first.
  Matrix collinear(5, 3);
  collinear << 1, 2, 0, 2, 4, 1, 3, 6, 0, 4, 8, 1, 5, 10, 2;
  try {
    family.fit(collinear, rng);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("rank 1"));
  }
  EXPECT_THROW(family.fit(Matrix::Ones(6, 2), rng), DataError);
  Matrix nan(6, 3);
  rng.fill_normal({nan.data(), static_cast<std::size_t>(nan.size())});
  nan(5, 2) = std::numeric_limits<double>::quiet_NaN();
  try {
    family.fit(nan, rng);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("row 5"));
  }
  EXPECT_THROW(LinearRegressionFamily(0, 1.0, RegressionDesign::kFixed), DataError);
  EXPECT_THROW(LinearRegressionFamily(2, 0.0, RegressionDesign::kFixed), DataError);
  EXPECT_THROW(LinearRegressionFamily(2, std::numeric_limits<double>::infinity(), RegressionDesign::kFresh), DataError);
  nan(5, 2) = 0.0;
  const auto model = family.fit(nan, rng);
  EXPECT_THROW(model->log_prob(Matrix::Zero(2, 2)), DataError);
  EXPECT_THROW(model->sample(2, 0.0, rng), DataError);
  EXPECT_THROW(model->sample(2, 1.5, rng), DataError);
}

}  // namespace
}  // namespace ouro
