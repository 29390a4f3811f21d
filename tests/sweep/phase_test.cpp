// `ouro phase` and the effective real sample size: the closed-form curves f(n) against the
// generation-0 laws of gaussian_theory and hand-computed values; a small phase diagram end to end
// (phase.csv's columns, its limits against the exact fresh-data limit, the effective sample size
// against its hand inversion, the same bytes for any thread count, the sweep files and the per-bias
// heatmaps); bad input naming the flag or key.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/core/config.hpp"
#include "ouro/sweep/phase.hpp"
#include "ouro/theory/effective_samples.hpp"
#include "ouro/theory/gaussian_theory.hpp"
#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ouro::testing::read_file;
using ouro::testing::run_cli;
using ouro::theory::Estimator;
using ouro::theory::GaussianFitSetting;

std::vector<std::vector<std::string>> read_csv(const fs::path& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream cells(line);
    while (std::getline(cells, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    rows.push_back(fields);
  }
  return rows;
}

fs::path scratch(const std::string& name) { return ouro::testing::scratch_dir("ouro_phase_" + name); }

TEST(EffectiveSamples, InvertsTheFirstMomentLawsByHand) {
  const GaussianFitSetting mle{2.0, 1, Estimator::kMle, true};
  // E[mean_shift_0] = s / n: a distance of 0.04 with s = 2 is what 50 real samples give.
  EXPECT_DOUBLE_EQ(*ouro::theory::gaussian_effective_real_samples("mean_shift", 0.04, mle), 50.0);
  // E[trace_ratio_0] = (n - 1) / n under the MLE: 0.9 is n = 10; E[variance_0] = s (n - 1) / n: 1.5 is n = 4.
  EXPECT_NEAR(*ouro::theory::gaussian_effective_real_samples("trace_ratio", 0.9, mle), 10.0, 1e-12);
  EXPECT_NEAR(*ouro::theory::gaussian_effective_real_samples("variance", 1.5, mle), 4.0, 1e-12);
  // At or past what infinitely many real samples reach: inf; worse than one sample: none.
  EXPECT_TRUE(std::isinf(*ouro::theory::gaussian_effective_real_samples("trace_ratio", 1.0, mle)));
  EXPECT_TRUE(std::isinf(*ouro::theory::gaussian_effective_real_samples("mean_shift", 0.0, mle)));
  EXPECT_FALSE(ouro::theory::gaussian_effective_real_samples("mean_shift", 3.0, mle).has_value());
  // The unbiased fit's expected variance does not depend on n: no curve to read.
  const GaussianFitSetting unbiased{1.0, 1, Estimator::kUnbiased, true};
  EXPECT_FALSE(ouro::theory::gaussian_effective_real_samples("trace_ratio", 0.9, unbiased).has_value());
  EXPECT_FALSE(ouro::theory::gaussian_effective_real_samples("frechet", 0.1, mle).has_value());
  // w2 needs a Gaussian truth in one dimension.
  EXPECT_FALSE(ouro::theory::has_effective_sample_curve("w2", {1.0, 1, Estimator::kMle, false}));
  EXPECT_FALSE(ouro::theory::has_effective_sample_curve("w2", {2.0, 2, Estimator::kMle, true}));
}

TEST(EffectiveSamples, W2CurveIsTheGenerationZeroLawAndInvertsBack) {
  for (const Estimator estimator : {Estimator::kMle, Estimator::kUnbiased}) {
    const GaussianFitSetting setting{1.7, 1, estimator, true};
    for (const std::int64_t n : {2, 3, 10, 57, 300, 5000}) {
      ouro::theory::LoopSizes sizes;
      sizes.initial = n;
      sizes.synthetic = 1;
      const double law = ouro::theory::gaussian_replace_w2(1.7, sizes, estimator)[0];
      const double curve = ouro::theory::gaussian_fit_expectation("w2", static_cast<double>(n), setting);
      // The reference subtracts terms of order s (and lgamma(n/2) carries ~1e-12 absolute error at
      // n = 5000), so agreement is to ~1e-8 relative; the curve itself avoids the cancellation.
      EXPECT_NEAR(curve, law, 1e-7 * law) << n;
      EXPECT_NEAR(*ouro::theory::gaussian_effective_real_samples("w2", law, setting), static_cast<double>(n),
                  1e-6 * static_cast<double>(n))
          << n;
    }
    // Far out the series keeps the curve smooth and ~ (1/n + 1/(2n)) s for the MLE.
    EXPECT_NEAR(*ouro::theory::gaussian_effective_real_samples(
                    "w2", ouro::theory::gaussian_fit_expectation("w2", 1e9, setting), setting),
                1e9, 1e3);
  }
}

const char* kFresh = R"(
[run]
generations = 80
replicates = 300
seed = 5
[truth]
kind = "gaussian"
mean = [0.0]
cov = [[1.0]]
[model]
family = "gaussian"
estimator = "mle"
[loop]
initial = 20
synthetic = 20
real = "fresh"
real_samples = 10
[metrics]
test_samples = 10
)";

TEST(PhaseCli, DiagramMatchesTheExactLimitsAndIsThreadIndependent) {
  const fs::path dir = scratch("diagram");
  std::ofstream(dir / "fresh.toml") << kFresh;
  const std::string args = "phase " + (dir / "fresh.toml").string() +
                           " --real 5,50 --synthetic 20,60 --bias 1,0.8 --metric mean_shift --metric variance "
                           "--metric w2 --last 20 --quiet --out ";
  const auto a = run_cli(args + (dir / "a").string() + " --threads 1 --no-report");
  ASSERT_EQ(a.exit_code, 0) << a.output;
  const auto b = run_cli(args + (dir / "b").string() + " --threads 2");
  ASSERT_EQ(b.exit_code, 0) << b.output;
  EXPECT_EQ(read_file(dir / "a/phase.csv"), read_file(dir / "b/phase.csv"));
  EXPECT_EQ(read_file(dir / "a/sweep.csv"), read_file(dir / "b/sweep.csv"));

  const auto rows = read_csv(dir / "a/phase.csv");
  ASSERT_EQ(rows.size(), 1u + 2 * 2 * 2 * 3);
  EXPECT_EQ(read_file(dir / "a/phase.csv").substr(0, read_file(dir / "a/phase.csv").find('\n')),
            "real,synthetic,bias,metric,limit_mean,limit_se,theory_limit,effective_real_samples");
  // Cells in sweep order: bias slowest, then real, then synthetic.
  EXPECT_EQ(rows[1][0], "5");
  EXPECT_EQ(rows[1][1], "20");
  EXPECT_EQ(rows[1][2], "1.0");
  EXPECT_EQ(rows.back()[2], "0.8");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    ASSERT_EQ(row.size(), 8u) << i;
    const double mean = std::stod(row[4]);
    const double se = std::stod(row[5]);
    if (row[3] == "w2") {
      EXPECT_EQ(row[6], "") << "no closed-form limit for w2 with real data";
      EXPECT_FALSE(row[7].empty());
      continue;
    }
    // The closed-form limit (the recursion is within 1e-6 of it from generation 61 on for these sizes).
    ouro::theory::LoopSizes sizes{20, std::stoll(row[1]), std::stoll(row[0]), std::stod(row[2]), 80};
    const auto limit = ouro::theory::gaussian_fresh_limit(1.0, sizes, Estimator::kMle);
    const double expected = row[3] == "mean_shift" ? limit.mean_shift : limit.trace;
    EXPECT_NEAR(std::stod(row[6]), expected, 1e-12 * expected);
    EXPECT_NEAR(mean, expected, 4 * se) << row[0] << "," << row[1] << "," << row[2] << "," << row[3];
    // The effective sample size inverts generation 0's law by hand: s / m for the mean shift,
    // 1 / (1 - v / s) for the MLE variance.
    const double effective = row[3] == "mean_shift" ? 1.0 / mean : 1.0 / (1.0 - mean);
    if (effective >= 1) {
      EXPECT_NEAR(std::stod(row[7]), effective, 1e-9 * effective);
    }
  }
  // The sweep machinery's files, and one heatmap over real x synthetic per bias.
  EXPECT_TRUE(fs::exists(dir / "a/sweep.json"));
  EXPECT_TRUE(fs::exists(dir / "a/cells/0-loop.bias=1.0,loop.real_samples=5,loop.synthetic=20/metrics.csv"));
  const std::string report = read_file(dir / "b/report.html");
  EXPECT_THAT(report, HasSubstr("mean_shift (loop.bias=0.8)"));
  EXPECT_THAT(report, HasSubstr("variance (loop.bias=1.0)"));

  // --resume on the finished diagram reruns nothing and rewrites phase.csv (here with another K).
  const auto again = run_cli("phase " + (dir / "fresh.toml").string() +
                             " --real 5,50 --synthetic 20,60 --bias 1,0.8 --metric mean_shift --metric variance "
                             "--metric w2 --last 1 --quiet --resume --out " + (dir / "a").string());
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(read_file(dir / "a/phase.csv"), read_file(dir / "b/phase.csv"));
}

TEST(PhaseCli, ShardsMergedThenResumedGiveTheWholeDiagram) {
  const fs::path dir = scratch("shards");
  std::ofstream(dir / "fresh.toml") << kFresh;
  const std::string args = "phase " + (dir / "fresh.toml").string() +
                           " --real 5,50 --synthetic 20,60 --metric mean_shift --metric w2 --last 20 --set "
                           "run.replicates=40 --quiet --no-report --out ";
  ASSERT_EQ(run_cli(args + (dir / "whole").string()).exit_code, 0);
  for (const auto& [shard, folder] : {std::pair{"0/2", "s0"}, std::pair{"1/2", "s1"}}) {
    const auto part = run_cli(args + (dir / folder).string() + " --shard " + shard);
    ASSERT_EQ(part.exit_code, 0) << part.output;
  }
  // A shard's phase.csv holds its own cells. Shards balance estimated cost: the two synthetic-60
  // cells (1 and 3) cost most and go to shards 0 and 1, then the synthetic-20 cells 0 and 2 do
  // the same, so shard 0 holds real 5 at synthetic 20 and 60.
  const auto rows = read_csv(dir / "s0/phase.csv");
  ASSERT_EQ(rows.size(), 1u + 2 * 2);
  for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_EQ(rows[i][0], "5") << i;
  EXPECT_EQ(rows[1][1], "20");
  EXPECT_EQ(rows[3][1], "60");

  const auto merged = run_cli("merge " + (dir / "m").string() + " " + (dir / "s1").string() + " " +
                              (dir / "s0").string());
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  const auto whole = run_cli(args + (dir / "m").string() + " --resume");
  ASSERT_EQ(whole.exit_code, 0) << whole.output;
  EXPECT_EQ(read_file(dir / "m/phase.csv"), read_file(dir / "whole/phase.csv"));
  EXPECT_EQ(read_file(dir / "m/sweep.csv"), read_file(dir / "whole/sweep.csv"));

  const auto bad = run_cli(args + (dir / "bad").string() + " --shard 2/2");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.output, HasSubstr("--shard 2/2"));
}

TEST(PhaseCli, BadInputNamesTheFlagOrKey) {
  const fs::path dir = scratch("bad");
  std::ofstream(dir / "fresh.toml") << kFresh;
  std::string none = kFresh;
  none.replace(none.find("real = \"fresh\"\nreal_samples = 10"), std::string("real = \"fresh\"\nreal_samples = 10").size(),
               "real = \"none\"");
  std::ofstream(dir / "none.toml") << none;
  const std::string fresh = (dir / "fresh.toml").string();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"phase " + (dir / "none.toml").string() + " --real 5 --synthetic 20 --metric w2", "loop.real = \"none\""},
      {"phase " + fresh + " --real 5 --synthetic 20 --metric nonsense", "--metric nonsense: unknown metric"},
      {"phase " + fresh + " --real 5 --synthetic 20 --metric w2 --metric w2", "--metric w2: given twice"},
      {"phase " + fresh + " --real 5,abc --synthetic 20 --metric w2", "--real 5,abc"},
      {"phase " + fresh + " --real 5 --synthetic 0 --metric w2", "--synthetic 0"},
      {"phase " + fresh + " --real 5 --synthetic 20 --bias 1.5 --metric w2", "--bias 1.5"},
      {"phase " + fresh + " --real 5 --synthetic 20 --metric w2 --last 0", "--last 0"},
      {"phase " + fresh + " --real 5 --synthetic 20 --metric w2 --record-every 2",
       "run.record_every = 2: a phase diagram averages every one of the last K generations"},
      {"phase " + fresh + " --real 5 --synthetic 20 --metric w2 --gzip",
       "run.gzip_metrics = true: a phase diagram reads the cells' plain metrics.csv"},
      {"phase " + fresh + " --real 5 --synthetic 20 --metric w2 --last 99", "--last 99"},
      {"phase " + fresh + " --real 5 --synthetic 20 --metric w2 --generations x", "--generations x: expected an integer"},
      {"phase " + fresh + " --real 5 --synthetic 20 --metric gini_simpson", "gini_simpson"},
  };
  for (const auto& [arguments, message] : cases) {
    const auto outcome = run_cli(arguments + " --quiet --out " + (dir / "out").string());
    EXPECT_NE(outcome.exit_code, 0) << arguments;
    EXPECT_THAT(outcome.output, HasSubstr(message)) << arguments;
  }
}

}  // namespace
