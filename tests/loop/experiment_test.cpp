// Experiment: the engine end to end in-process — determinism across thread counts, up-front
// validation errors naming the key, composition bookkeeping, and the engine's measurements
// matching the closed-form theory it writes (Monte Carlo, tolerance 5 standard errors).
#include <cmath>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/error.hpp"
#include "ouro/loop/experiment.hpp"
#include "ouro/loop/run_job.hpp"
#include "support/files.hpp"

namespace ouro {
namespace {

using ::testing::HasSubstr;

using ouro::testing::read_file;

// Runs the experiment into a fresh folder and returns metrics.csv.
std::string run_to_folder(const Config& config, int threads, const std::string& name) {
  const auto dir = ouro::testing::scratch_dir("ouro_experiment_" + name);
  RunJobOptions options;
  options.out_dir = dir;
  options.threads = threads;
  options.existing = ExistingRun::kForce;
  RunJob job(config, options);
  job.run(threads);
  return read_file(dir / "metrics.csv");
}

// Mean and standard error over replicates of one metric at one generation.
MetricStat stat_of(const Experiment& experiment, const Recorder& recorder, std::string_view metric, std::size_t g) {
  const auto& names = experiment.metric_names();
  const auto it = std::find(names.begin(), names.end(), metric);
  EXPECT_NE(it, names.end()) << metric;
  return recorder.stat(g, static_cast<std::size_t>(it - names.begin()));
}

// Runs without files and checks each theory curve at several generations within k standard errors.
void expect_matches_theory(const Config& config, double k = 5.0) {
  RunJob job(config, RunJobOptions{});  // in memory
  const Experiment& experiment = job.experiment();
  ASSERT_FALSE(experiment.theory().empty()) << "no theory for this setting";
  job.run(2);
  const Recorder& recorder = job.recorder();
  for (const TheoryCurve& curve : experiment.theory()) {
    for (std::size_t g = 0; g < curve.expected.size(); g += std::max<std::size_t>(1, curve.expected.size() / 5)) {
      const MetricStat s = stat_of(experiment, recorder, curve.metric, g);
      EXPECT_NEAR(s.mean, curve.expected[g], k * s.standard_error + 1e-12)
          << curve.metric << " at generation " << g << " (" << config.text("loop.keep") << ", real "
          << config.text("loop.real") << ")";
    }
  }
}

Config gaussian_config(std::string_view extra = "") {
  return Config::from_string(std::string(R"(
[run]
generations = 12
replicates = 3000
seed = 5
[truth]
kind = "gaussian"
mean = [1.0]
cov = [[2.0]]
[loop]
initial = 20
synthetic = 10
[metrics]
test_samples = 50
)") + std::string(extra));
}

TEST(Experiment, MetricsAreByteIdenticalForAnyThreadCount) {
  Config config = gaussian_config();
  config.set("run.replicates=40");
  config.set("loop.keep=accumulate-subsample");
  config.set("loop.real=resample");
  config.set("loop.real_samples=5");
  const std::string one = run_to_folder(config, 1, "t1");
  EXPECT_EQ(one, run_to_folder(config, 2, "t2"));
  EXPECT_EQ(one, run_to_folder(config, 5, "t5"));
  EXPECT_GT(one.size(), 1000u);
}

TEST(Experiment, DifferentSeedsGiveDifferentResults) {
  Config a = gaussian_config();
  a.set("run.replicates=4");
  Config b = a;
  b.set("run.seed=6");
  EXPECT_NE(run_to_folder(a, 1, "sa"), run_to_folder(b, 1, "sb"));
}

TEST(Experiment, ReplicatesDoNotDependOnHowManyThereAre) {
  // Replicate r's stream is keyed by r alone, so the first replicates of a larger run are the same.
  Config small = gaussian_config();
  small.set("run.replicates=2");
  Config large = small;
  large.set("run.replicates=6");
  const std::string a = run_to_folder(small, 1, "small");
  const std::string b = run_to_folder(large, 2, "large");
  EXPECT_EQ(b.substr(0, a.size()), a);
}

TEST(Experiment, TooFewSamplesForTheFamilyNamesTheKey) {
  Config config = gaussian_config();
  config.set("truth.mean=[0.0, 0.0, 0.0]");
  config.set("truth.cov=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]");
  config.set("loop.initial=3");
  try {
    Experiment experiment(config);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("loop.initial"));
    EXPECT_THAT(e.what(), HasSubstr("at least 4"));
  }
  config.set("loop.initial=10");
  config.set("loop.synthetic=2");
  EXPECT_THROW(Experiment{config}, ConfigError);
}

TEST(Experiment, CompositionFollowsThePolicy) {
  Config config = gaussian_config();
  config.set("run.replicates=1");
  config.set("run.generations=2");
  config.set("loop.real=fresh");
  config.set("loop.real_samples=4");
  const Experiment experiment(config);
  const ReplicateResult result = experiment.run_replicate(0);
  // generation 0: 20 original; 1: 4 fresh + 10 synthetic(0); 2: 4 fresh + 10 synthetic(1).
  ASSERT_EQ(result.composition.size(), 5u);
  EXPECT_EQ(result.composition[0].count, 20u);
  EXPECT_EQ(result.composition[1].origin, Origin::kFresh);
  EXPECT_EQ(result.composition[1].count, 4u);
  EXPECT_EQ(result.composition[2].origin, Origin::kSynthetic);
  EXPECT_EQ(result.composition[2].origin_generation, 0);
  EXPECT_EQ(result.composition[4].origin_generation, 1);
}

TEST(ExperimentTheory, GaussianFullySyntheticMle) { expect_matches_theory(gaussian_config()); }

TEST(ExperimentTheory, GaussianFullySyntheticUnbiasedWithBias) {
  expect_matches_theory(gaussian_config("[model]\nestimator = \"unbiased\"\n"));
  Config biased = gaussian_config();
  biased.set("loop.bias=0.8");
  expect_matches_theory(biased);
}

TEST(ExperimentTheory, GaussianFreshDataLoop) {
  Config config = gaussian_config();
  config.set("loop.real=fresh");
  config.set("loop.real_samples=5");
  config.set("loop.bias=0.8");
  expect_matches_theory(config);
}

TEST(ExperimentTheory, GaussianSyntheticAugmentation) {
  Config config = gaussian_config();
  config.set("loop.real=fixed");
  config.set("loop.real_samples=5");
  expect_matches_theory(config);
}

TEST(ExperimentTheory, CategoricalGiniSimpson) {
  expect_matches_theory(Config::from_string(R"(
[run]
generations = 10
replicates = 3000
[truth]
kind = "categorical"
zipf = { outcomes = 20, exponent = 1.1 }
[model]
family = "categorical"
[loop]
initial = 30
synthetic = 25
[metrics]
test_samples = 50
)"));
}

TEST(ExperimentTheory, KdeVarianceInflation) {
  expect_matches_theory(Config::from_string(R"(
[run]
generations = 15
replicates = 2000
[truth]
kind = "gaussian"
[model]
family = "kde"
bandwidth = 0.3
[loop]
initial = 10
synthetic = 10
[metrics]
test_samples = 20
)"));
}

TEST(ExperimentTheory, LinearRegressionReplaceAndAccumulate) {
  const std::string base = R"(
[run]
generations = 8
replicates = 3000
[truth]
kind = "regression"
dim = 4
noise = 0.5
[model]
family = "linear-regression"
[loop]
initial = 12
synthetic = 12
[metrics]
test_samples = 20
)";
  expect_matches_theory(Config::from_string(base));
  Config accumulate = Config::from_string(base);
  accumulate.set("loop.keep=accumulate");
  expect_matches_theory(accumulate);
}

}  // namespace
}  // namespace ouro
