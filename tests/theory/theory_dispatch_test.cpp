// theory_curves: which curves a configuration gets (exactly the settings derived in
// docs/theory.md, none otherwise), and that their values are the pure closed forms. The truth is a
// small fake with known summaries, so these tests do not depend on the truth implementations.
#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "ouro/core/config.hpp"
#include "ouro/models/truth.hpp"
#include "ouro/theory/categorical_theory.hpp"
#include "ouro/theory/gaussian_theory.hpp"
#include "ouro/theory/kde_theory.hpp"
#include "ouro/theory/regression_theory.hpp"
#include "ouro/theory/theory.hpp"

namespace ouro {
namespace {

class FakeTruth : public Truth {
 public:
  std::string kind_ = "gaussian";
  Eigen::Index dim_ = 1;
  std::optional<Moments> moments_;
  Vector probs_;
  Vector weights_;
  double noise_ = 0.0;

  std::string_view kind() const override { return kind_; }
  Eigen::Index dim() const override { return dim_; }
  Matrix sample(std::size_t n, Rng&) const override { return Matrix::Zero(static_cast<Eigen::Index>(n), dim_); }
  std::optional<Moments> moments() const override { return moments_; }
  const Vector* probabilities() const override { return probs_.size() ? &probs_ : nullptr; }
  const Vector* coefficients() const override { return weights_.size() ? &weights_ : nullptr; }
  double noise_variance() const override { return noise_; }
};

FakeTruth gaussian_truth(const Vector& mean, const Matrix& cov, std::string kind = "gaussian") {
  FakeTruth t;
  t.kind_ = std::move(kind);
  t.dim_ = mean.size();
  t.moments_ = Moments{mean, cov};
  return t;
}

FakeTruth gaussian_1d(double mu = 1.0, double variance = 2.0) {
  return gaussian_truth(Vector::Constant(1, mu), Matrix::Constant(1, 1, variance));
}

Config config_of(const std::string& toml) { return Config::from_string(toml, "test.toml"); }

std::set<std::string> names(const std::vector<TheoryCurve>& curves) {
  std::set<std::string> out;
  for (const auto& c : curves) out.insert(c.metric);
  return out;
}

const TheoryCurve& curve(const std::vector<TheoryCurve>& curves, const std::string& metric) {
  const auto it = std::find_if(curves.begin(), curves.end(), [&](const TheoryCurve& c) { return c.metric == metric; });
  if (it == curves.end()) throw std::runtime_error("no curve " + metric);
  return *it;
}

void expect_equal(const std::vector<double>& a, const std::vector<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_DOUBLE_EQ(a[i], b[i]) << i;
}

const std::string kGaussian = R"(
[run]
generations = 7
[truth]
kind = "gaussian"
[loop]
initial = 12
synthetic = 9
bias = 0.8
)";

theory::LoopSizes sizes(std::int64_t n0, std::int64_t ns, double lambda, std::int64_t g, std::int64_t nr = 0) {
  theory::LoopSizes z;
  z.initial = n0;
  z.synthetic = ns;
  z.real = nr;
  z.bias = lambda;
  z.generations = g;
  return z;
}

TEST(TheoryCurves, GaussianFullySyntheticOneDimension) {
  const auto curves = theory_curves(config_of(kGaussian + "[model]\nestimator = \"unbiased\"\n"), gaussian_1d());
  EXPECT_EQ(names(curves),
            (std::set<std::string>{"mean", "variance", "std", "mean_shift", "trace_ratio", "logdet_ratio", "w2"}));
  for (const auto& c : curves) EXPECT_EQ(c.expected.size(), 8u) << c.metric;
  const auto z = sizes(12, 9, 0.8, 7);
  const auto e = theory::Estimator::kUnbiased;
  expect_equal(curve(curves, "variance").expected, theory::gaussian_replace_trace(2.0, z, e));
  expect_equal(curve(curves, "trace_ratio").expected, theory::gaussian_replace_trace(1.0, z, e));
  expect_equal(curve(curves, "std").expected, theory::gaussian_replace_std(std::sqrt(2.0), z, e));
  expect_equal(curve(curves, "mean_shift").expected, theory::gaussian_replace_mean_shift(2.0, z, e));
  expect_equal(curve(curves, "w2").expected, theory::gaussian_replace_w2(2.0, z, e));
  expect_equal(curve(curves, "logdet_ratio").expected, theory::gaussian_replace_logdet_ratio(1, z, e));
  for (double m : curve(curves, "mean").expected) EXPECT_EQ(m, 1.0);
  // The default estimator is the MLE.
  expect_equal(curve(theory_curves(config_of(kGaussian), gaussian_1d()), "variance").expected,
               theory::gaussian_replace_trace(2.0, z, theory::Estimator::kMle));
}

TEST(TheoryCurves, GaussianSeveralDimensionsHasNoOneDimensionalOrW2Curves) {
  Matrix cov(2, 2);
  cov << 2.0, 0.5, 0.5, 1.0;
  const auto curves = theory_curves(config_of(kGaussian), gaussian_truth(Vector::Zero(2), cov));
  EXPECT_EQ(names(curves), (std::set<std::string>{"mean_shift", "trace_ratio", "logdet_ratio"}));
  expect_equal(curve(curves, "mean_shift").expected,
               theory::gaussian_replace_mean_shift(3.0, sizes(12, 9, 0.8, 7), theory::Estimator::kMle));
  // A singular truth covariance has log det = -inf: no log-det curve.
  Matrix singular(2, 2);
  singular << 1.0, 1.0, 1.0, 1.0;
  EXPECT_EQ(names(theory_curves(config_of(kGaussian), gaussian_truth(Vector::Zero(2), singular))),
            (std::set<std::string>{"mean_shift", "trace_ratio"}));
  // Too few synthetic points for a non-singular 3-D fit: no log-det curve.
  Config few = config_of(kGaussian);
  few.set("loop.synthetic=3");
  EXPECT_EQ(names(theory_curves(few, gaussian_truth(Vector::Zero(3), Matrix::Identity(3, 3)))),
            (std::set<std::string>{"mean_shift", "trace_ratio"}));
}

TEST(TheoryCurves, GaussianFreshAndFixedGiveFirstMomentsOnly) {
  for (const std::string real : {"fresh", "fixed"}) {
    Config config = config_of(kGaussian);
    config.set("loop.real=" + real);
    config.set("loop.real_samples=4");
    const auto curves = theory_curves(config, gaussian_1d());
    EXPECT_EQ(names(curves), (std::set<std::string>{"mean", "variance", "mean_shift", "trace_ratio"})) << real;
    const auto z = sizes(12, 9, 0.8, 7, 4);
    const theory::FirstMoments expected = real == "fresh" ? theory::gaussian_fresh(2.0, z, theory::Estimator::kMle)
                                                          : theory::gaussian_fixed(2.0, z, theory::Estimator::kMle);
    expect_equal(curve(curves, "variance").expected, expected.trace);
    expect_equal(curve(curves, "mean_shift").expected, expected.mean_shift);
  }
}

TEST(TheoryCurves, GmmTruthGetsTheFirstMomentCurvesOnly) {
  FakeTruth truth = gaussian_1d(0.5, 3.0);
  truth.kind_ = "gmm";
  Config config = config_of(kGaussian);
  config.set("truth.kind=gmm");
  EXPECT_EQ(names(theory_curves(config, truth)),
            (std::set<std::string>{"mean", "variance", "mean_shift", "trace_ratio"}));
  config.set("truth.kind=file");
  EXPECT_TRUE(theory_curves(config, truth).empty());
}

TEST(TheoryCurves, PoliciesWithoutAClosedFormGiveNoCurves) {
  for (const std::string change :
       {"loop.keep=accumulate", "loop.keep=accumulate-subsample", "loop.keep=window", "loop.real=resample"}) {
    Config config = config_of(kGaussian);
    config.set(change);
    if (change == "loop.real=resample") config.set("loop.real_samples=4");
    EXPECT_TRUE(theory_curves(config, gaussian_1d()).empty()) << change;
  }
  // Accumulate with fresh real data has no closed form, whether the fresh draws accumulate or not
  // (gaussian_fresh describes the replace loop only).
  for (const std::string accumulate_fresh : {"true", "false"}) {
    Config config = config_of(kGaussian);
    config.set("loop.keep=accumulate");
    config.set("loop.real=fresh");
    config.set("loop.real_samples=4");
    config.set("loop.accumulate_fresh=" + accumulate_fresh);
    EXPECT_TRUE(theory_curves(config, gaussian_1d()).empty()) << accumulate_fresh;
  }
  // A window of one set is the replace loop.
  Config window = config_of(kGaussian);
  window.set("loop.keep=window");
  window.set("loop.window=1");
  EXPECT_EQ(names(theory_curves(window, gaussian_1d())), names(theory_curves(config_of(kGaussian), gaussian_1d())));
  // With no generation after 0 every policy is the same loop.
  Config only_first = config_of(kGaussian);
  only_first.set("loop.keep=accumulate");
  only_first.set("run.generations=0");
  const auto curves = theory_curves(only_first, gaussian_1d());
  ASSERT_FALSE(curves.empty());
  EXPECT_EQ(curve(curves, "variance").expected.size(), 1u);
  EXPECT_DOUBLE_EQ(curve(curves, "variance").expected[0], 2.0 * 11 / 12);
  // Model families without theory.
  Config gmm_model = config_of(kGaussian);
  gmm_model.set("model.family=gmm");
  EXPECT_TRUE(theory_curves(gmm_model, gaussian_1d()).empty());
}

TEST(TheoryCurves, ImpossibleSizesGiveNoCurveInsteadOfThrowing) {
  Config config = config_of(kGaussian);
  config.set("model.estimator=unbiased");
  config.set("loop.synthetic=1");
  EXPECT_TRUE(theory_curves(config, gaussian_1d()).empty());
  config.set("loop.synthetic=5");
  config.set("loop.initial=1");
  EXPECT_TRUE(theory_curves(config, gaussian_1d()).empty());
  Config fixed = config_of(kGaussian);
  fixed.set("loop.real=fixed");
  fixed.set("loop.real_samples=20");  // more than the 12 initial rows
  EXPECT_TRUE(theory_curves(fixed, gaussian_1d()).empty());
}

const std::string kCategorical = R"(
[run]
generations = 5
[truth]
kind = "categorical"
probs = [0.5, 0.3, 0.2]
[model]
family = "categorical"
[loop]
initial = 10
synthetic = 8
)";

FakeTruth categorical_truth() {
  FakeTruth t;
  t.kind_ = "categorical";
  t.probs_ = Vector(3);
  t.probs_ << 0.5, 0.3, 0.2;
  return t;
}

TEST(TheoryCurves, CategoricalOnlyWithoutTemperatureOrSmoothing) {
  const auto curves = theory_curves(config_of(kCategorical), categorical_truth());
  EXPECT_EQ(names(curves), (std::set<std::string>{"gini_simpson"}));
  const double gini = 1 - (0.25 + 0.09 + 0.04);
  EXPECT_NEAR(curve(curves, "gini_simpson").expected[0], gini * 0.9, 1e-15);
  EXPECT_NEAR(curve(curves, "gini_simpson").expected[5], gini * 0.9 * std::pow(7.0 / 8, 5), 1e-15);
  for (const std::string change : {"loop.bias=0.5", "model.smoothing=0.5", "loop.keep=accumulate"}) {
    Config config = config_of(kCategorical);
    config.set(change);
    EXPECT_TRUE(theory_curves(config, categorical_truth()).empty()) << change;
  }
}

const std::string kKde = R"(
[run]
generations = 6
[truth]
kind = "gaussian"
[model]
family = "kde"
bandwidth = 0.3
[loop]
initial = 10
synthetic = 7
bias = 0.5
)";

TEST(TheoryCurves, KdeNeedsANumericBandwidth) {
  const auto curves = theory_curves(config_of(kKde), gaussian_1d(0.0, 2.0));
  EXPECT_EQ(names(curves), (std::set<std::string>{"variance", "trace_ratio"}));
  expect_equal(curve(curves, "variance").expected, theory::kde_replace_trace(2.0, 1, 0.3, sizes(10, 7, 0.5, 6)));
  const auto two_d = theory_curves(config_of(kKde), gaussian_truth(Vector::Zero(2), Matrix::Identity(2, 2)));
  EXPECT_EQ(names(two_d), (std::set<std::string>{"trace_ratio"}));
  Config scott = config_of(kKde);
  scott.set("model.bandwidth=\"scott\"");
  EXPECT_TRUE(theory_curves(scott, gaussian_1d()).empty());
}

const std::string kRegression = R"(
[run]
generations = 4
[truth]
kind = "regression"
dim = 3
noise = 0.5
[model]
family = "linear-regression"
[loop]
initial = 12
synthetic = 12
)";

FakeTruth regression_truth() {
  FakeTruth t;
  t.kind_ = "regression";
  t.dim_ = 4;
  t.weights_ = Vector::Ones(3);
  t.noise_ = 0.5;
  return t;
}

TEST(TheoryCurves, RegressionReplaceAndFixedDesignAccumulate) {
  const auto replace = theory_curves(config_of(kRegression), regression_truth());
  EXPECT_EQ(names(replace), (std::set<std::string>{"test_mse"}));
  expect_equal(curve(replace, "test_mse").expected,
               theory::regression_replace_test_mse(0.5, 3, sizes(12, 12, 1.0, 4), theory::Design::kFixed));
  Config accumulate = config_of(kRegression);
  accumulate.set("loop.keep=accumulate");
  expect_equal(curve(theory_curves(accumulate, regression_truth()), "test_mse").expected,
               theory::regression_accumulate_test_mse(0.5, 3, sizes(12, 12, 1.0, 4)));
  accumulate.set("model.design=fresh");
  EXPECT_TRUE(theory_curves(accumulate, regression_truth()).empty());
  Config uneven = config_of(kRegression);
  uneven.set("loop.keep=accumulate");
  uneven.set("loop.synthetic=18");
  EXPECT_TRUE(theory_curves(uneven, regression_truth()).empty());
  Config too_small = config_of(kRegression);
  too_small.set("loop.initial=4");  // d + 1 rows: E tr (X^T X)^{-1} is infinite
  EXPECT_TRUE(theory_curves(too_small, regression_truth()).empty());
}

}  // namespace
}  // namespace ouro
