// The detector's logistic regression: coefficients and probabilities against scikit-learn's
// LogisticRegression(C, tol=1e-10, max_iter=10000, solver='newton-cholesky') on StandardScaler's
// features (run through OURO_PYTHON; skipped, naming the module, without numpy or sklearn). The
// default solver, lbfgs, is no reference at 1e-6: it stops when the averaged loss improves by less
// than 64 machine epsilons (its ftol), which here leaves a summed gradient near 1e-3 and
// coefficients 1e-5 from the optimum whatever tol says; Newton-Cholesky reaches the optimum, and the
// script checks that it did. Also: the optimum's defining
// equations (a zero penalised gradient), a one-feature case whose unpenalised fit reproduces the
// two groups' frequencies, a constant feature, separable data, and each refused input.
#include "ouro/hygiene/logistic_regression.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "ouro/core/error.hpp"
#include "ouro/core/rng.hpp"
#include "support/error_of.hpp"
#include "support/python.hpp"

namespace ouro::hygiene {
namespace {

using testing::error_of;

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

struct Labelled {
  Matrix x;
  std::vector<int> y;
};

// Four features on different scales, one of them constant, one correlated with another; labels
// drawn from a logistic law of the others, so neither class is separable.
Labelled detector_like_data(Eigen::Index n, std::uint64_t seed) {
  Rng rng(seed, {Purpose::kUser, 0, 0, 0});
  Labelled out{Matrix(n, 4), std::vector<int>(static_cast<std::size_t>(n))};
  for (Eigen::Index i = 0; i < n; ++i) {
    const double a = rng.normal(), b = rng.normal(), c = rng.normal();
    out.x.row(i) << a, 10.0 + 3.0 * b, 2.5, 0.6 * a + 0.8 * c;
    const double eta = 0.4 + 1.2 * a - 0.5 * b + 0.7 * c;
    out.y[static_cast<std::size_t>(i)] = rng.uniform() < sigmoid(eta) ? 1 : 0;
  }
  return out;
}

// The penalised gradient at the fitted coefficients: sum_i (p_i - y_i) [1, z_i] + [0, w / C].
Vector penalised_gradient(const LogisticRegression& model, const Labelled& data, double c) {
  const Eigen::Index d = data.x.cols();
  Vector g = Vector::Zero(d + 1);
  for (Eigen::Index i = 0; i < data.x.rows(); ++i) {
    const Vector row = data.x.row(i).transpose();
    const double r = model.probability(std::span<const double>(row.data(), static_cast<std::size_t>(d))) -
                     data.y[static_cast<std::size_t>(i)];
    g[0] += r;
    for (Eigen::Index j = 0; j < d; ++j) g[j + 1] += r * (row[j] - model.mean()[j]) / model.scale()[j];
  }
  g.tail(d) += model.weights() / c;
  return g;
}

std::span<const double> row_of(const Matrix& m, Eigen::Index i) {
  return {m.data() + i * m.cols(), static_cast<std::size_t>(m.cols())};
}

TEST(LogisticRegressionVsSklearn, SameCoefficientsAndProbabilitiesOnStandardisedFeatures) {
  for (const char* module : {"numpy", "sklearn"})
    if (!testing::python_imports(module))
      GTEST_SKIP() << OURO_PYTHON << " cannot import " << module << " (Debian: python3-" << module << ")";
  const Labelled data = detector_like_data(400, 11);
  const Labelled probe = detector_like_data(50, 12);
  const std::vector<double> cs{1.0, 0.05, 20.0};

  testing::TempDir dir;
  testing::write_matrix(dir / "x.txt", data.x);
  testing::write_matrix(dir / "probe.txt", probe.x);
  Matrix y(data.x.rows(), 1), c(static_cast<Eigen::Index>(cs.size()), 1);
  for (Eigen::Index i = 0; i < y.rows(); ++i) y(i, 0) = data.y[static_cast<std::size_t>(i)];
  for (std::size_t k = 0; k < cs.size(); ++k) c(static_cast<Eigen::Index>(k), 0) = cs[k];
  testing::write_matrix(dir / "y.txt", y);
  testing::write_matrix(dir / "c.txt", c);
  ASSERT_TRUE(testing::run_python(dir, R"(
import sys
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
d = sys.argv[1]
x = np.loadtxt(f'{d}/x.txt', ndmin=2)
y = np.loadtxt(f'{d}/y.txt').astype(int)
probe = np.loadtxt(f'{d}/probe.txt', ndmin=2)
scaler = StandardScaler().fit(x)
np.savetxt(f'{d}/scaler.txt', np.concatenate([scaler.mean_, scaler.scale_]), fmt='%.17g')
for k, c in enumerate(np.loadtxt(f'{d}/c.txt', ndmin=1)):
    z = scaler.transform(x)
    m = LogisticRegression(C=c, tol=1e-10, max_iter=10000, solver='newton-cholesky').fit(z, y)
    # The reference must sit at the optimum: its penalised gradient vanishes.
    r = m.predict_proba(z)[:, 1] - y
    gradient = np.concatenate([[r.sum()], z.T @ r + m.coef_[0] / c])
    assert np.abs(gradient).max() < 1e-8, (c, gradient)
    np.savetxt(f'{d}/coef{k}.txt', np.concatenate([m.intercept_, m.coef_[0]]), fmt='%.17g')
    np.savetxt(f'{d}/prob{k}.txt', m.predict_proba(scaler.transform(probe))[:, 1], fmt='%.17g')
)")) << "the scikit-learn script failed";

  const std::vector<double> scaler = testing::read_numbers(dir / "scaler.txt");
  ASSERT_EQ(scaler.size(), 8u);
  for (std::size_t k = 0; k < cs.size(); ++k) {
    const auto model = LogisticRegression::fit(data.x, data.y, {.c = cs[k]});
    for (Eigen::Index j = 0; j < 4; ++j) {
      EXPECT_NEAR(model.mean()[j], scaler[static_cast<std::size_t>(j)], 1e-12) << "feature " << j;
      EXPECT_NEAR(model.scale()[j], scaler[static_cast<std::size_t>(4 + j)], 1e-12) << "feature " << j;
    }
    const std::vector<double> coef = testing::read_numbers(dir / ("coef" + std::to_string(k) + ".txt"));
    ASSERT_EQ(coef.size(), 5u);
    EXPECT_NEAR(model.intercept(), coef[0], 1e-6) << "C = " << cs[k];
    for (Eigen::Index j = 0; j < 4; ++j)
      EXPECT_NEAR(model.weights()[j], coef[static_cast<std::size_t>(j + 1)], 1e-6) << "C = " << cs[k] << ", w" << j;
    const std::vector<double> prob = testing::read_numbers(dir / ("prob" + std::to_string(k) + ".txt"));
    ASSERT_EQ(prob.size(), 50u);
    for (Eigen::Index i = 0; i < 50; ++i)
      EXPECT_NEAR(model.probability(row_of(probe.x, i)), prob[static_cast<std::size_t>(i)], 1e-6)
          << "C = " << cs[k] << ", probe row " << i;
  }
}

TEST(LogisticRegression, StopsWhereThePenalisedGradientVanishes) {
  const Labelled data = detector_like_data(300, 13);
  for (const double c : {0.01, 1.0, 100.0}) {
    const auto model = LogisticRegression::fit(data.x, data.y, {.c = c});
    EXPECT_LT(penalised_gradient(model, data, c).cwiseAbs().maxCoeff(), 1e-8) << "C = " << c;
    EXPECT_LT(model.iterations(), 20) << "C = " << c;
    // decision is the log-odds of probability.
    const double p = model.probability(row_of(data.x, 0));
    EXPECT_NEAR(model.decision(row_of(data.x, 0)), std::log(p / (1 - p)), 1e-12);
  }
  // A stronger penalty shrinks the weights (not the intercept).
  const auto loose = LogisticRegression::fit(data.x, data.y, {.c = 100.0});
  const auto tight = LogisticRegression::fit(data.x, data.y, {.c = 0.01});
  EXPECT_LT(tight.weights().norm(), 0.5 * loose.weights().norm());
}

TEST(LogisticRegression, OneBinaryFeatureReproducesTheGroupsFrequencies) {
  // x = 0: 3 of 10 synthetic; x = 1: 8 of 10. Without penalty (C huge) the maximum-likelihood
  // probabilities are the frequencies 0.3 and 0.8 whatever the standardisation.
  Matrix x(20, 1);
  std::vector<int> y(20);
  for (int i = 0; i < 20; ++i) {
    x(i, 0) = i < 10 ? 0.0 : 1.0;
    y[static_cast<std::size_t>(i)] = i < 10 ? (i < 3 ? 1 : 0) : (i < 18 ? 1 : 0);
  }
  const auto model = LogisticRegression::fit(x, y, {.c = 1e12});
  EXPECT_EQ(model.mean()[0], 0.5);
  EXPECT_EQ(model.scale()[0], 0.5);
  const std::vector<double> zero{0.0}, one{1.0};
  EXPECT_NEAR(model.probability(zero), 0.3, 1e-9);
  EXPECT_NEAR(model.probability(one), 0.8, 1e-9);
  // In standardised units z = +-1: b + w = logit(0.8), b - w = logit(0.3).
  const double l8 = std::log(0.8 / 0.2), l3 = std::log(0.3 / 0.7);
  EXPECT_NEAR(model.intercept(), (l8 + l3) / 2, 1e-9);
  EXPECT_NEAR(model.weights()[0], (l8 - l3) / 2, 1e-9);
}

TEST(LogisticRegression, AConstantFeatureGetsScaleOneAndWeightZero) {
  Labelled data = detector_like_data(200, 14);
  data.x.col(2).setConstant(0.1);  // 0.1 * 200 / 200 may round away from 0.1; the mean must not
  const auto model = LogisticRegression::fit(data.x, data.y);
  EXPECT_EQ(model.mean()[2], 0.1);
  EXPECT_EQ(model.scale()[2], 1.0);
  EXPECT_EQ(model.weights()[2], 0.0);
  // A new row's value of that feature does not move the decision.
  std::vector<double> row(row_of(data.x, 0).begin(), row_of(data.x, 0).end());
  const double before = model.decision(row);
  row[2] = 1e6;
  EXPECT_EQ(model.decision(row), before);
}

TEST(LogisticRegression, SeparableDataStayFiniteUnderThePenalty) {
  Matrix x(6, 1);
  x << -3, -2, -1, 1, 2, 3;
  const std::vector<int> y{0, 0, 0, 1, 1, 1};
  const auto model = LogisticRegression::fit(x, y, {.c = 1.0});
  EXPECT_TRUE(std::isfinite(model.weights()[0]));
  EXPECT_GT(model.weights()[0], 0.0);
  EXPECT_NEAR(model.intercept(), 0.0, 1e-12);  // symmetric data
  Labelled data{x, y};
  EXPECT_LT(penalised_gradient(model, data, 1.0).cwiseAbs().maxCoeff(), 1e-10);
}

TEST(LogisticRegression, RefusesEmptyOneClassNonFiniteAndMismatchedInput) {
  const Labelled data = detector_like_data(20, 15);
  EXPECT_NE(error_of([] { LogisticRegression::fit(Matrix(0, 3), std::vector<int>{}); }).find("empty"),
            std::string::npos);
  EXPECT_NE(error_of([&] { LogisticRegression::fit(data.x, std::vector<int>(19, 0)); }).find("20 feature rows but 19 labels"),
            std::string::npos);
  EXPECT_NE(error_of([&] { LogisticRegression::fit(data.x, std::vector<int>(20, 1)); }).find("one class only"),
            std::string::npos);
  std::vector<int> bad_label = data.y;
  bad_label[7] = 2;
  EXPECT_NE(error_of([&] { LogisticRegression::fit(data.x, bad_label); }).find("label 2 of row 7"), std::string::npos);
  for (const double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    Matrix x = data.x;
    x(5, 3) = bad;
    EXPECT_NE(error_of([&] { LogisticRegression::fit(x, data.y); }).find("feature 3 of row 5"), std::string::npos);
  }
  EXPECT_THROW(LogisticRegression::fit(data.x, data.y, {.c = 0.0}), ConfigError);
  EXPECT_THROW(LogisticRegression::fit(data.x, data.y, {.c = std::numeric_limits<double>::infinity()}), ConfigError);
  EXPECT_THROW(LogisticRegression::fit(data.x, data.y, {.c = 1.0, .tolerance = 0.0}), ConfigError);
  EXPECT_THROW(LogisticRegression::fit(data.x, data.y, {.c = 1.0, .tolerance = 1e-10, .max_iterations = 0}),
               ConfigError);

  const auto model = LogisticRegression::fit(data.x, data.y);
  EXPECT_NE(error_of([&] { model.decision(std::vector<double>{1.0, 2.0}); }).find("a row of 2 features"),
            std::string::npos);
  EXPECT_THROW(model.probability(std::vector<double>{0.0, std::numeric_limits<double>::quiet_NaN(), 0.0, 0.0}),
               DataError);
}

}  // namespace
}  // namespace ouro::hygiene
