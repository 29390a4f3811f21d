// Model metrics against hand-computed values on tiny fits, independent formulas (2-Wasserstein of
// diagonal Gaussians), and the registry's defaults and errors.
#include <cmath>
#include <limits>
#include <numbers>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/metrics/metric.hpp"
#include "ouro/models/truth.hpp"
#include "ouro/metrics/model_metrics.hpp"

namespace ouro {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A run's truth, family and metrics from a TOML snippet, fitted on `data`.
struct Fixture {
  Config config;
  std::unique_ptr<Truth> truth;
  std::unique_ptr<ModelFamily> family;
  std::unique_ptr<GenerativeModel> model;

  Fixture(const std::string& toml, const Matrix& data) : config(Config::from_string(toml, "test.toml")) {
    truth = make_truth(config, 3);
    family = make_family(config, *truth);
    Rng rng(11, {});
    model = family->fit(data, rng);
  }

  // Every default metric's value, with the test set `test` (the truth's own when empty).
  std::map<std::string, double> values(const Matrix& test_x = Matrix()) const {
    Rng rng(5, {});
    const TestSet test = TestSet::from(test_x.size() ? test_x : truth->test_set(200, rng));
    const Samples samples = model->draw(50, 1.0, rng);
    std::map<std::string, double> out;
    for (const auto& metric : make_metrics(config, *family, *truth)) {
      Rng metric_rng(9, {});
      const MetricContext context{*truth, test, samples, metric_rng};
      out[std::string(metric->name())] = metric->compute(*model, context);
    }
    return out;
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& metric : make_metrics(config, *family, *truth)) out.emplace_back(metric->name());
    return out;
  }
};

Matrix column(std::initializer_list<double> values) {
  Matrix m(static_cast<Eigen::Index>(values.size()), 1);
  Eigen::Index i = 0;
  for (double v : values) m(i++, 0) = v;
  return m;
}

TEST(ModelMetrics, OneDimensionalGaussianByHand) {
  // Truth N(1, 4); MLE fit on {0, 2, 4}: mean 2, variance 8/3.
  const Fixture f(R"(
[truth]
mean = [1.0]
cov = [[4.0]]
)", column({0.0, 2.0, 4.0}));
  const double var = 8.0 / 3.0;
  const auto v = f.values(column({1.0, 3.0}));
  EXPECT_NEAR(v.at("mean"), 2.0, 1e-12);
  EXPECT_NEAR(v.at("variance"), var, 1e-12);
  EXPECT_NEAR(v.at("std"), std::sqrt(var), 1e-12);
  EXPECT_NEAR(v.at("mean_shift"), 1.0, 1e-12);
  EXPECT_NEAR(v.at("trace_ratio"), var / 4.0, 1e-12);
  EXPECT_NEAR(v.at("logdet_ratio"), std::log(var) - std::log(4.0), 1e-12);
  EXPECT_NEAR(v.at("w2"), 1.0 + std::pow(std::sqrt(var) - 2.0, 2), 1e-12);
  // Test points 1 and 3 are both 1 away from the fitted mean.
  EXPECT_NEAR(v.at("nll_real"), 0.5 * std::log(2 * std::numbers::pi * var) + 1.0 / (2 * var), 1e-12);
}

TEST(ModelMetrics, W2OfDiagonalGaussiansIsTheSumOfPerAxisTerms) {
  // Points on the axes give a diagonal MLE covariance; W2 between commuting covariances is
  // |dmu|^2 + sum_i (sqrt a_i - sqrt b_i)^2.
  Matrix data(4, 2);
  data << 1, 0, -1, 0, 0, 3, 0, -3;
  const Fixture f(R"(
[truth]
mean = [0.5, -1.0]
cov = [[2.0, 0.0], [0.0, 0.5]]
)", data);
  const auto v = f.values();
  const double a0 = 0.5, a1 = 4.5;  // fitted variances
  const double expected = 0.25 + 1.0 + std::pow(std::sqrt(a0) - std::sqrt(2.0), 2) +
                          std::pow(std::sqrt(a1) - std::sqrt(0.5), 2);
  EXPECT_NEAR(v.at("w2"), expected, 1e-10);
  EXPECT_NEAR(v.at("trace_ratio"), (a0 + a1) / 2.5, 1e-12);
  EXPECT_NEAR(v.at("logdet_ratio"), std::log(a0 * a1) - std::log(1.0), 1e-12);
  EXPECT_EQ(v.count("variance"), 0u) << "variance is a 1-D metric";
}

TEST(ModelMetrics, CollapsedGaussianHasMinusInfiniteLogdet) {
  Matrix data(3, 2);
  data << 1, 1, 1, 1, 1, 1;
  const Fixture f("[truth]\nmean = [0.0, 0.0]\ncov = [[1.0, 0.0], [0.0, 1.0]]\n", data);
  const auto v = f.values();
  EXPECT_EQ(v.at("logdet_ratio"), -std::numeric_limits<double>::infinity());
  EXPECT_NEAR(v.at("trace_ratio"), 0.0, 1e-15);
  EXPECT_NEAR(v.at("w2"), 2.0 + 2.0, 1e-12);  // |(1,1)|^2 + tr(I)
}

TEST(ModelMetrics, CategoricalByHand) {
  // Truth [0.5, 0.3, 0.15, 0.05]; fit on outcomes {0, 0, 1, 3}: q = [0.5, 0.25, 0, 0.25].
  const Fixture f(R"(
[truth]
kind = "categorical"
probs = [0.5, 0.3, 0.15, 0.05]
[model]
family = "categorical"
)", column({0, 0, 1, 3}));
  const auto v = f.values(column({0, 1}));
  EXPECT_EQ(v.at("support"), 3.0);
  EXPECT_NEAR(v.at("entropy"), -(0.5 * std::log(0.5) + 2 * 0.25 * std::log(0.25)), 1e-12);
  EXPECT_NEAR(v.at("gini_simpson"), 1.0 - (0.25 + 0.0625 + 0.0625), 1e-12);
  EXPECT_NEAR(v.at("tv"), 0.5 * (0.0 + 0.05 + 0.15 + 0.20), 1e-12);
  // The truth's tail within 10% of its mass is outcome 3 alone (adding outcome 2 would reach 20%).
  EXPECT_NEAR(v.at("tail_mass"), 0.25, 1e-12);
  EXPECT_NEAR(v.at("nll_real"), -0.5 * (std::log(0.5) + std::log(0.25)), 1e-12);
  EXPECT_THAT(f.names(), ElementsAre("nll_real", "support", "entropy", "gini_simpson", "tv", "tail_mass"));
}

TEST(ModelMetrics, UnseenTestOutcomeGivesInfiniteNll) {
  const Fixture f("[truth]\nkind = \"categorical\"\nprobs = [0.5, 0.5]\n[model]\nfamily = \"categorical\"\n",
                  column({0, 0}));
  EXPECT_EQ(f.values(column({0, 1})).at("nll_real"), std::numeric_limits<double>::infinity());
}

TEST(TailOutcomes, LeastLikelyWithinTheShareTiesByIndex) {
  Vector p(5);
  p << 0.4, 0.04, 0.3, 0.04, 0.22;
  EXPECT_THAT(tail_outcomes(p), ElementsAre(1, 3));
  Vector heavy(2);
  heavy << 0.5, 0.5;  // no outcome fits in 10%: the single least likely one is the tail
  EXPECT_THAT(tail_outcomes(heavy), ElementsAre(0));
}

TEST(ModelMetrics, TestMseIsTheSquaredWeightError) {
  // Noiseless labels from w* + delta: OLS recovers w* + delta exactly, so test_mse = |delta|^2.
  const Config config = Config::from_string("[truth]\nkind = \"regression\"\ndim = 3\n", "t.toml");
  const auto truth = make_truth(config, 3);
  const Vector w = *truth->coefficients();
  Vector delta(3);
  delta << 0.5, -1.0, 0.25;
  Rng rng(1, {});
  Matrix data = truth->sample(20, rng);
  data.col(3) = data.leftCols(3) * (w + delta);
  const Fixture f("[truth]\nkind = \"regression\"\ndim = 3\n[model]\nfamily = \"linear-regression\"\n", data);
  EXPECT_NEAR(f.values().at("test_mse"), delta.squaredNorm(), 1e-10);
  EXPECT_THAT(f.names(), ElementsAre("nll_real", "test_mse"));
}

TEST(ModelMetrics, KdeVarianceIsPointVariancePlusBandwidthSquared) {
  const Fixture f("[model]\nfamily = \"kde\"\nbandwidth = 0.5\n", column({0.0, 2.0}));
  const auto v = f.values();
  EXPECT_NEAR(v.at("variance"), 1.0 + 0.25, 1e-12);
  EXPECT_NEAR(v.at("mean"), 1.0, 1e-12);
}

TEST(MetricRegistry, GaussianDefaultsAreTheModelMetrics) {
  const Fixture f("", column({0.0, 1.0, 3.0}));
  EXPECT_THAT(f.names(), ElementsAre("nll_real", "mean_shift", "trace_ratio", "logdet_ratio", "w2", "mean",
                                     "variance", "std"));
}

TEST(MetricRegistry, NamesSelectAndOrder) {
  const Fixture f("[metrics]\nnames = [\"w2\", \"nll_real\"]\n", column({0.0, 1.0, 3.0}));
  EXPECT_THAT(f.names(), ElementsAre("w2", "nll_real"));
}

std::string registry_error(const std::string& toml) {
  try {
    Fixture f(toml, column({0, 1, 1}));
    (void)f.names();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(MetricRegistry, UnknownInapplicableAndDuplicateNamesAreConfigErrors) {
  EXPECT_THAT(registry_error("[metrics]\nnames = [\"w3\"]\n"),
              AllOf(HasSubstr("test.toml:2:9"), HasSubstr("metrics.names"), HasSubstr("unknown metric 'w3'")));
  EXPECT_THAT(registry_error("[truth]\nkind = \"categorical\"\nprobs = [0.5, 0.5]\n[model]\nfamily = \"categorical\"\n"
                             "[metrics]\nnames = [\"w2\"]\n"),
              HasSubstr("metric 'w2' does not apply to a categorical model"));
  EXPECT_THAT(registry_error("[metrics]\nnames = [\"mean\", \"mean\"]\n"), HasSubstr("listed twice"));
}

}  // namespace
}  // namespace ouro
