// `ouro threshold`: the bisection on the 1-D Gaussian fresh-data loop against the exact first-moment
// recursion (theory::gaussian_fresh), for the smallest real count and the largest synthetic count;
// determinism over thread counts (library and command line); threshold.json; bad input ends with a
// message naming the flag or key and its value, and a non-zero exit.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ouro/core/config.hpp"
#include "ouro/core/error.hpp"
#include "ouro/sweep/threshold.hpp"
#include "ouro/theory/gaussian_theory.hpp"
#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ouro::testing::read_file;
using ouro::testing::run_cli;

// MAD's fresh-data loop, 1-D, unbiased fits (E[variance_0] = 1), lambda = 0.8 so that the variance
// decays unless enough fresh data comes in.
const char* kFresh = R"(
[run]
generations = 10
replicates = 1000
seed = 11
[truth]
kind = "gaussian"
mean = [0.0]
cov = [[1.0]]
[model]
family = "gaussian"
estimator = "unbiased"
[loop]
initial = 200
synthetic = 40
real = "fresh"
real_samples = 10
bias = 0.8
[metrics]
test_samples = 10
)";

constexpr std::int64_t kGenerations = 10;
constexpr double kTolerance = 0.1;

// |E[variance_G] - E[variance_0]| from the exact recursion.
double exact_gap(std::int64_t real, std::int64_t synthetic) {
  ouro::theory::LoopSizes sizes;
  sizes.initial = 200;
  sizes.synthetic = synthetic;
  sizes.real = real;
  sizes.bias = 0.8;
  sizes.generations = kGenerations;
  const auto moments = ouro::theory::gaussian_fresh(1.0, sizes, ouro::theory::Estimator::kUnbiased);
  return std::abs(moments.trace.back() - moments.trace.front());
}

fs::path scratch(const std::string& name) { return ouro::testing::scratch_dir("ouro_threshold_" + name); }

ouro::ThresholdOptions variance_search() {
  ouro::ThresholdOptions options;
  options.metric = "variance";
  options.tolerance = kTolerance;
  options.low = 1;
  options.high = 200;
  options.threads = 2;
  return options;
}

TEST(Threshold, SmallestRealCountAgreesWithTheExactRecursion) {
  const ouro::Config config = ouro::Config::from_string(kFresh);
  const ouro::ThresholdResult result = ouro::find_threshold(config, variance_search());
  // The exact answer: the smallest real count whose expected gap is within the tolerance.
  std::int64_t exact = 1;
  while (exact_gap(exact, 40) > kTolerance) ++exact;
  ASSERT_GT(exact, 5);
  ASSERT_LT(exact, 150);
  EXPECT_TRUE(result.holds_above);
  EXPECT_EQ(result.neighbour, result.threshold - 1);
  EXPECT_LE(result.confident_low, result.threshold);
  EXPECT_GE(result.confident_high, result.threshold);
  EXPECT_LE(result.confident_low, exact) << "threshold " << result.threshold;
  EXPECT_GE(result.confident_high, exact) << "threshold " << result.threshold;
  EXPECT_FALSE(result.open_low);
  EXPECT_FALSE(result.open_high);
  // The bracket is informative: a few dozen real samples wide, not the whole search range.
  EXPECT_LT(result.confident_high - result.confident_low, 60);
  // Each probe's mean at generation 0 is the same (common random numbers: generation 0 never sees
  // the real count), and the probes' decisions agree with their excess.
  for (const auto& p : result.probes) {
    EXPECT_EQ(p.mean_at_0, result.probes.front().mean_at_0);
    EXPECT_EQ(p.holds, p.excess <= 0);
    EXPECT_NEAR(p.real_share, static_cast<double>(p.value) / (p.value + 40), 1e-15);
  }
  // The probes stay few: three bisections over 200 values.
  EXPECT_LE(result.probes.size(), 3u * 8 + 3);
}

TEST(Threshold, LargestSyntheticCountAgreesWithTheExactRecursion) {
  const ouro::Config config = ouro::Config::from_string(std::string(kFresh) + "\n");
  ouro::Config base = config;
  base.set("loop.real_samples=40");
  ouro::ThresholdOptions options = variance_search();
  options.vary = "loop.synthetic";
  const ouro::ThresholdResult result = ouro::find_threshold(base, options);
  // More synthetic data per generation pulls the variance further down: the largest that keeps it.
  std::int64_t exact = 200;
  while (exact_gap(40, exact) > kTolerance) --exact;
  ASSERT_GT(exact, 5);
  ASSERT_LT(exact, 190);
  EXPECT_FALSE(result.holds_above);
  EXPECT_EQ(result.neighbour, result.threshold + 1);
  EXPECT_LE(result.confident_low, exact) << "threshold " << result.threshold;
  EXPECT_GE(result.confident_high, exact) << "threshold " << result.threshold;
  EXPECT_LE(result.confident_low, result.threshold);
  EXPECT_GE(result.confident_high, result.threshold);
}

TEST(Threshold, RelativeToleranceScalesWithGenerationZero) {
  const ouro::Config config = ouro::Config::from_string(kFresh);
  ouro::ThresholdOptions options = variance_search();
  options.relative = true;
  const ouro::ThresholdResult result = ouro::find_threshold(config, options);
  const auto& probes = result.probes;
  for (const auto& p : probes) {
    EXPECT_NEAR(p.excess, std::abs(p.difference) - kTolerance * std::abs(p.mean_at_0), 1e-12);
  }
  std::int64_t exact = 1;
  while (exact_gap(exact, 40) > kTolerance * 1.0) ++exact;  // E[variance_0] = 1 (unbiased)
  EXPECT_LE(result.confident_low, exact);
  EXPECT_GE(result.confident_high, exact);
}

TEST(Threshold, SameResultForAnyThreadCount) {
  ouro::Config config = ouro::Config::from_string(kFresh);
  config.set("run.replicates=200");
  ouro::ThresholdOptions one = variance_search();
  one.threads = 1;
  ouro::ThresholdOptions three = variance_search();
  three.threads = 3;
  EXPECT_EQ(ouro::find_threshold(config, one).to_json().dump(), ouro::find_threshold(config, three).to_json().dump());
}

TEST(ThresholdCli, JsonIsTheSameForAnyThreadCountAndWrittenWithOut) {
  const fs::path dir = scratch("cli");
  std::ofstream(dir / "fresh.toml") << kFresh;
  const std::string args = "threshold " + (dir / "fresh.toml").string() +
                           " --metric variance --tolerance 0.1 --low 1 --high 200 --format json --replicates 200";
  const auto one = run_cli(args + " --threads 1");
  const auto two = run_cli(args + " --threads 2 --out " + (dir / "out").string());
  ASSERT_EQ(one.exit_code, 0) << one.output;
  ASSERT_EQ(two.exit_code, 0) << two.output;
  EXPECT_EQ(one.output, two.output);
  const auto printed = nlohmann::json::parse(one.output);
  const auto written = nlohmann::json::parse(read_file(dir / "out/threshold.json"));
  EXPECT_EQ(written["threshold"], printed["threshold"]);
  EXPECT_EQ(written["probes"], printed["probes"]);
  EXPECT_EQ(written["config"]["loop"]["real"], "fresh");
  EXPECT_EQ(printed["vary"], "loop.real_samples");
  EXPECT_EQ(printed["bracket"][1].get<int>() - printed["bracket"][0].get<int>(), 1);
  // Text output names the threshold and the uncertainty bracket.
  const auto text = run_cli("threshold " + (dir / "fresh.toml").string() +
                            " --metric variance --tolerance 0.1 --low 1 --high 200 --replicates 200");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_THAT(text.output, HasSubstr("threshold: loop.real_samples = " + printed["threshold"].dump()));
  EXPECT_THAT(text.output, HasSubstr("uncertainty: outside ["));
}

struct BadCase {
  std::string arguments;  // after the config path
  std::string message;
};

TEST(ThresholdCli, BadInputNamesTheFlagAndValue) {
  const fs::path dir = scratch("bad");
  std::ofstream(dir / "fresh.toml") << kFresh;
  std::ofstream(dir / "none.toml") << std::string(kFresh).replace(std::string(kFresh).find("real = \"fresh\"\nreal_samples = 10"),
                                                                  std::string("real = \"fresh\"\nreal_samples = 10").size(),
                                                                  "real = \"none\"");
  std::ofstream(dir / "categorical.toml") << R"(
[run]
generations = 3
replicates = 20
[truth]
kind = "categorical"
zipf = { outcomes = 200, exponent = 1.0 }
[model]
family = "categorical"
[loop]
initial = 5
synthetic = 5
real = "fresh"
real_samples = 5
[metrics]
test_samples = 200
)";
  const std::string fresh = (dir / "fresh.toml").string();
  const std::vector<std::pair<std::string, BadCase>> cases = {
      {fresh, {"--metric nonsense --tolerance 0.1", "--metric nonsense: unknown metric"}},
      {fresh, {"--metric gini_simpson --tolerance 0.1", "--metric gini_simpson: metric 'gini_simpson' does not apply"}},
      {(dir / "categorical.toml").string(),
       {"--metric nll_real --tolerance 0.1 --low 1 --high 50", "--metric nll_real: replicate"}},
      {fresh, {"--metric variance --tolerance 0.1 --generation 0", "--generation 0"}},
      {fresh, {"--metric variance --tolerance 0.1 --low 150 --high 200", "holds at both ends"}},
      {fresh, {"--metric variance --tolerance 0.0001 --low 1 --high 3", "fails at both ends"}},
      {fresh, {"--metric variance --tolerance 0.1 --low 50 --high 10", "--low 50 --high 10"}},
      {fresh, {"--metric variance --tolerance 0.1 --low abc", "--low abc: expected an integer"}},
      {fresh, {"--metric variance --tolerance 0.1 --high 1e3", "--high 1e3: expected an integer"}},
      {fresh, {"--metric variance --tolerance x", "--tolerance x: expected a finite number"}},
      {fresh, {"--metric variance --tolerance -1", "--tolerance -1: expected a positive number"}},
      {fresh, {"--metric variance", "--tolerance: give the tolerance"}},
      {fresh, {"--metric variance --tolerance 0.1 --vary loop.bias", "--vary loop.bias: not an integer size"}},
      {fresh, {"--metric variance --tolerance 0.1 --vary run.seed", "--vary run.seed: not an integer size"}},
      {fresh, {"--metric variance --tolerance 0.1 --vary loop.train_size", "loop.keep"}},
      {fresh, {"--metric variance --tolerance 0.1 --format xml", "--format xml: expected text or json"}},
      {fresh, {"--metric variance --tolerance 0.1 --replicates 1", "at least 2 replicates"}},
      {(dir / "none.toml").string(), {"--metric variance --tolerance 0.1", "loop.real = \"none\""}},
  };
  for (const auto& [config, c] : cases) {
    const auto outcome = run_cli("threshold " + config + " " + c.arguments + " --threads 2");
    EXPECT_NE(outcome.exit_code, 0) << c.arguments;
    EXPECT_THAT(outcome.output, HasSubstr(c.message)) << c.arguments;
    EXPECT_THAT(outcome.output, HasSubstr("ouro: ")) << c.arguments;
  }
}

}  // namespace
