// The loop-engine seam: sample_metric_names / make_sample_metric give Metrics that compare the
// generation's samples (generated) with the held-out test set (real), read their settings from
// [metrics], apply to point-cloud models only (w1/w2_empirical only in one dimension), give the same
// values as the library functions, and name the role of a set that cannot be used.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "distribution_test_util.hpp"
#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/metrics/distribution/distribution_metrics.hpp"
#include "ouro/metrics/distribution/manifold.hpp"
#include "ouro/metrics/sample_metrics.hpp"

namespace ouro {
namespace {

using testing::dist_rng;
using testing::gaussian_rows;

// A model the metrics are computed with (sample metrics read the samples, not the model).
class StubModel final : public GenerativeModel {
 public:
  StubModel(std::string family, Eigen::Index dim, bool has_moments)
      : family_(std::move(family)), dim_(dim), has_moments_(has_moments) {}
  std::string_view family() const override { return family_; }
  Eigen::Index dim() const override { return dim_; }
  Matrix sample(std::size_t, double, Rng&) const override { return {}; }
  Vector log_prob(const Matrix& x) const override { return Vector::Zero(x.rows()); }
  std::optional<Moments> moments() const override {
    if (!has_moments_) return std::nullopt;
    return Moments{Vector::Zero(dim_), Matrix::Identity(dim_, dim_)};
  }

 private:
  std::string family_;
  Eigen::Index dim_;
  bool has_moments_;
};

class StubTruth final : public Truth {
 public:
  explicit StubTruth(Eigen::Index dim) : dim_(dim) {}
  std::string_view kind() const override { return "gaussian"; }
  Eigen::Index dim() const override { return dim_; }
  Matrix sample(std::size_t, Rng&) const override { return {}; }

 private:
  Eigen::Index dim_;
};

TEST(SampleMetrics, NamesIncludeKidAndEveryMetricIsMade) {
  const auto names = sample_metric_names();
  EXPECT_EQ(names, (std::vector<std::string>{"frechet", "precision", "recall", "density", "coverage", "kid", "w1",
                                             "w2_empirical", "sliced_w2"}));
  const Config config;
  for (const auto& name : names) {
    const auto metric = make_sample_metric(name, config);
    ASSERT_NE(metric, nullptr) << name;
    EXPECT_EQ(metric->name(), name);
  }
  EXPECT_EQ(make_sample_metric("variance", config), nullptr);
}

TEST(SampleMetrics, ApplyToPointCloudModelsOnly) {
  const Config config;
  const StubTruth truth2(2);
  const StubTruth truth1(1);
  // What each family declares (capabilities.hpp): only point clouds have a feature space.
  const Capabilities gmm{.samples = SampleKind::kRealVector, .moments = true, .feature_embedding = true};
  const Capabilities gaussian1{.samples = SampleKind::kRealVector, .moments = true, .gaussian_law = true,
                               .feature_embedding = true};
  const Capabilities categorical{.samples = SampleKind::kCategorical, .probabilities = true};
  const Capabilities regression{.samples = SampleKind::kRegression, .coefficients = true};
  for (const auto& name : sample_metric_names()) {
    const auto metric = make_sample_metric(name, config);
    const bool one_d_only = name == "w1" || name == "w2_empirical";
    EXPECT_EQ(metric->applies(gmm, truth2), !one_d_only) << name;
    EXPECT_TRUE(metric->applies(gaussian1, truth1)) << name;
    EXPECT_FALSE(metric->applies(categorical, truth1)) << name;
    EXPECT_FALSE(metric->applies(regression, truth2)) << name;
  }
}

TEST(SampleMetrics, ComputeBetweenTestSetAndSamplesWithConfiguredSettings) {
  Config config;
  config.set("metrics.k=2");
  config.set("metrics.kid_subsets=7");
  config.set("metrics.kid_subset_size=40");
  config.set("metrics.projections=9");
  Rng data = dist_rng(60);
  const TestSet test = TestSet::from(gaussian_rows(150, 3, data));
  const Matrix samples = gaussian_rows(120, 3, data, 0.4);
  const StubTruth truth(3);
  const StubModel model("kde", 3, true);

  // Precision with k = 2, generated = the samples, real = the test set.
  Rng rng = dist_rng(61);
  const Samples generated(samples);
  const MetricContext context{truth, test, generated, rng};
  EXPECT_EQ(make_sample_metric("precision", config)->compute(model, context),
            manifold_metrics(test.x, samples, 2).precision);
  EXPECT_NE(make_sample_metric("precision", config)->compute(model, context),
            manifold_metrics(samples, test.x, 2).precision);

  DistributionSettings settings;
  settings.k = 2;
  settings.kid_subsets = 7;
  settings.kid_subset_size = 40;
  settings.projections = 9;
  for (const char* name : {"kid", "sliced_w2", "frechet", "density"}) {
    Rng a = dist_rng(62);
    Rng b = dist_rng(62);
    const MetricContext c{truth, test, generated, a};
    EXPECT_EQ(make_sample_metric(name, config)->compute(model, c),
              compute_distribution_metric(name, test.x, samples, settings, b).value)
        << name;
  }
}

// With the engine's per-replicate scratch (one k-NN pass per generation, the test set's radii
// kept across generations) every manifold metric has exactly the value it has without it, in
// every generation, including after the generated set changes.
TEST(SampleMetrics, SharedScratchGivesTheSameValuesAcrossGenerations) {
  Config config;
  config.set("metrics.k=3");
  Rng data = dist_rng(64);
  const TestSet test = TestSet::from(gaussian_rows(120, 2, data));
  const StubTruth truth(2);
  const StubModel model("gmm", 2, true);
  MetricScratch scratch;
  for (int generation = 0; generation < 3; ++generation) {
    const Samples samples(gaussian_rows(90, 2, data, 1.0 - 0.3 * generation));
    scratch.next_generation();
    for (const char* name : {"precision", "recall", "density", "coverage"}) {
      Rng a = dist_rng(65);
      Rng b = dist_rng(65);
      const MetricContext shared{truth, test, samples, a, nullptr, nullptr, &scratch};
      const MetricContext alone{truth, test, samples, b};
      const auto metric = make_sample_metric(name, config);
      EXPECT_EQ(metric->compute(model, shared), metric->compute(model, alone)) << name << " generation " << generation;
    }
  }
}

TEST(SampleMetrics, BadSamplesNameTheirRole) {
  const Config config;
  Rng data = dist_rng(63);
  const TestSet test = TestSet::from(gaussian_rows(50, 2, data));
  const Matrix few = gaussian_rows(3, 2, data);
  const StubTruth truth(2);
  const StubModel model("gmm", 2, true);
  Rng rng = dist_rng(64);
  const Samples few_samples(few);
  const MetricContext context{truth, test, few_samples, rng};
  try {
    make_sample_metric("recall", config)->compute(model, context);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("synthetic samples: 3 rows"));
  }
  Matrix nan = gaussian_rows(50, 2, data);
  nan(7, 1) = std::nan("");
  const Samples nan_samples(nan);
  const MetricContext bad{truth, test, nan_samples, rng};
  EXPECT_THROW(make_sample_metric("frechet", config)->compute(model, bad), DataError);
}

}  // namespace
}  // namespace ouro
