// The categorical family: MLE counts and additive smoothing on hand-counted data, temperature
// sampling q ∝ p^(1/lambda) (exact tempered probabilities and sampled frequencies within 5 binomial
// standard errors), outcomes of probability 0 never drawn, log_prob as the log mass, bad input.
#include <cmath>
#include <limits>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model_test_util.hpp"
#include "ouro/core/error.hpp"
#include "ouro/models/categorical.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;
using testing::test_rng;

constexpr double kInf = std::numeric_limits<double>::infinity();

Matrix column(std::initializer_list<double> values) {
  Matrix m(static_cast<Eigen::Index>(values.size()), 1);
  Eigen::Index i = 0;
  for (const double v : values) m(i++, 0) = v;
  return m;
}

// Frequencies of outcomes 0..k-1 in a single-column sample.
Vector frequencies(const Matrix& s, Eigen::Index k) {
  Vector f = Vector::Zero(k);
  for (Eigen::Index i = 0; i < s.rows(); ++i) f(static_cast<Eigen::Index>(s(i, 0))) += 1.0;
  return f / static_cast<double>(s.rows());
}

// Expects sampled frequencies within k binomial standard errors sqrt(q (1 - q) / n) of q, and exactly
// 0 where q is 0.
void expect_frequencies(const Vector& freq, const Vector& q, double n, double k, const std::string& what) {
  ASSERT_EQ(freq.size(), q.size());
  for (Eigen::Index j = 0; j < q.size(); ++j) {
    if (q(j) == 0.0) {
      EXPECT_EQ(freq(j), 0.0) << what << " outcome " << j;
    } else {
      EXPECT_NEAR(freq(j), q(j), k * std::sqrt(q(j) * (1 - q(j)) / n)) << what << " outcome " << j;
    }
  }
}

TEST(Categorical, MleIsTheRelativeFrequency) {
  // Outcomes 0, 2, 2, 3, 2, 0 over K = 5: counts (2, 0, 3, 1, 0) / 6.
  Rng rng = test_rng(0);
  const auto model = CategoricalFamily(5).fit(column({0, 2, 2, 3, 2, 0}), rng);
  const Vector* p = model->probabilities();
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->size(), 5);
  const double expected[] = {2.0 / 6, 0.0, 3.0 / 6, 1.0 / 6, 0.0};
  for (int k = 0; k < 5; ++k) EXPECT_DOUBLE_EQ((*p)(k), expected[k]) << k;
  EXPECT_FALSE(model->moments().has_value());
  EXPECT_EQ(model->dim(), 1);
  EXPECT_EQ(model->family(), "categorical");
}

TEST(Categorical, AdditiveSmoothingAddsAPseudoCountPerOutcome) {
  // alpha = 0.5, K = 4, counts (3, 1, 0, 0), n = 4: (c + 0.5) / (4 + 2) = (3.5, 1.5, 0.5, 0.5) / 6.
  Rng rng = test_rng(0);
  const CategoricalFamily family(4, 0.5);
  EXPECT_EQ(family.smoothing(), 0.5);
  EXPECT_EQ(family.outcomes(), 4);
  const auto model = family.fit(column({0, 0, 1, 0}), rng);
  const Vector& p = *model->probabilities();
  const double expected[] = {3.5 / 6, 1.5 / 6, 0.5 / 6, 0.5 / 6};
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(p(k), expected[k], 1e-15) << k;
  EXPECT_NEAR(p.sum(), 1.0, 1e-15);
  // Smoothing keeps every outcome alive: it can be drawn again.
  Rng draw = test_rng(1);
  const Vector f = frequencies(model->sample(60000, 1.0, draw), 4);
  expect_frequencies(f, p, 60000, 5.0, "smoothed");
}

TEST(Categorical, UnseenOutcomesAreLostForGood) {
  Rng rng = test_rng(2);
  const auto model = CategoricalFamily(4).fit(column({1, 3, 3}), rng);
  const Matrix s = model->sample(20000, 1.0, rng);
  const Vector f = frequencies(s, 4);
  EXPECT_EQ(f(0), 0.0);
  EXPECT_EQ(f(2), 0.0);
  // And with temperature too: a zero stays zero for any lambda.
  const Vector g = frequencies(model->sample(20000, 0.3, rng), 4);
  EXPECT_EQ(g(0), 0.0);
  EXPECT_EQ(g(2), 0.0);
}

TEST(Categorical, SamplesFollowTheFittedProbabilities) {
  Vector p(5);
  p << 0.4, 0.25, 0.2, 0.1, 0.05;
  const auto model = make_categorical_model(p);
  Rng rng = test_rng(3);
  const double n = 200000;
  const Matrix s = model->sample(static_cast<std::size_t>(n), 1.0, rng);
  ASSERT_EQ(s.cols(), 1);
  expect_frequencies(frequencies(s, 5), p, n, 5.0, "lambda = 1");
}

TEST(Categorical, TemperatureSamplesPToThePowerOneOverLambda) {
  Vector p(4);
  p << 0.5, 0.3, 0.15, 0.05;
  const auto model = make_categorical_model(p * 3.0);  // normalised by the constructor
  EXPECT_NEAR((*model->probabilities())(0), 0.5, 1e-15);
  for (const double lambda : {0.8, 0.5, 0.2}) {
    // Exact tempered law, computed directly.
    Vector q = p.array().pow(1.0 / lambda).matrix();
    q /= q.sum();
    Rng rng = test_rng(4 + static_cast<std::uint64_t>(lambda * 10));
    const double n = 200000;
    const Vector f = frequencies(model->sample(static_cast<std::size_t>(n), lambda, rng), 4);
    expect_frequencies(f, q, n, 5.0, "lambda = " + std::to_string(lambda));
    // The check has power: the untempered p is rejected at these sample sizes.
    EXPECT_GT(std::abs(f(0) - p(0)), 5.0 * std::sqrt(p(0) * (1 - p(0)) / n)) << lambda;
  }
  // A tiny lambda must not underflow every weight: the mode is drawn (almost) always.
  Rng rng = test_rng(9);
  const Vector f = frequencies(model->sample(1000, 0.001, rng), 4);
  EXPECT_EQ(f(0), 1.0);
  // log_prob does not depend on lambda: it is the fitted p.
  EXPECT_NEAR(model->log_prob(column({1}))(0), std::log(0.3), 1e-14);
}

TEST(Categorical, LogProbIsTheLogMass) {
  Rng rng = test_rng(0);
  const auto model = CategoricalFamily(3).fit(column({0, 0, 0, 1}), rng);
  const Vector lp = model->log_prob(column({0, 1, 2, 0}));
  EXPECT_NEAR(lp(0), std::log(0.75), 1e-15);
  EXPECT_NEAR(lp(1), std::log(0.25), 1e-15);
  EXPECT_EQ(lp(2), -kInf);
  EXPECT_NEAR(lp(3), std::log(0.75), 1e-15);
  // mean_log_prob is the average (here -inf because one test row has no mass).
  EXPECT_EQ(model->mean_log_prob(TestSet::from(column({0, 2}))), -kInf);
  EXPECT_NEAR(model->mean_log_prob(TestSet::from(column({0, 1}))), 0.5 * (std::log(0.75) + std::log(0.25)), 1e-15);
}

TEST(Categorical, MinSamplesIsOne) { EXPECT_EQ(CategoricalFamily(7).min_samples(1), 1u); }

TEST(Categorical, BadInputIsADataErrorNamingTheRowAndValue) {
  Rng rng = test_rng(0);
  const CategoricalFamily family(3);
  for (const double bad : {2.5, -1.0, 3.0, std::numeric_limits<double>::quiet_NaN()}) {
    try {
      family.fit(column({0, 1, bad}), rng);
      FAIL() << "expected a DataError for " << bad;
    } catch (const DataError& e) {
      EXPECT_THAT(e.what(), HasSubstr("row 2")) << bad;
    }
  }
  try {
    family.fit(column({0, 4}), rng);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("row 1 holds 4"));
    EXPECT_THAT(e.what(), HasSubstr("[0, 3)"));
  }
  EXPECT_THROW(family.fit(Matrix(0, 1), rng), DataError);
  EXPECT_THROW(family.fit(Matrix::Zero(3, 2), rng), DataError);
  const auto model = family.fit(column({0, 1, 2}), rng);
  try {
    model->log_prob(column({1, 7}));
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("categorical log_prob: row 1 holds 7"));
  }
  EXPECT_THROW(model->log_prob(Matrix::Zero(2, 2)), DataError);
  EXPECT_THROW(model->sample(3, 0.0, rng), DataError);
  EXPECT_THROW(model->sample(3, 1.01, rng), DataError);
  EXPECT_THROW(CategoricalFamily(0), DataError);
  EXPECT_THROW(CategoricalFamily(3, -0.1), DataError);
  Vector negative(2);
  negative << 0.5, -0.1;
  EXPECT_THROW(make_categorical_model(negative), DataError);
  EXPECT_THROW(make_categorical_model(Vector::Zero(3)), DataError);
}

}  // namespace
}  // namespace ouro
