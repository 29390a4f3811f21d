// `ouro run` end to end through the real executable: output files and their headers, the same
// bytes for any --threads, overrides, and bad input ending with a message that names the problem,
// a non-zero exit and no finished-looking output.
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using ouro::testing::Outcome;
using ouro::testing::read_file;
using ouro::testing::run_cli;
using ouro::testing::write_config;

fs::path scratch(const std::string& name) { return ouro::testing::scratch_dir("ouro_cli_" + name); }

const char* kSmallGaussian = R"(
[run]
generations = 20
replicates = 30
seed = 3
[truth]
kind = "gaussian"
mean = [0.0]
cov = [[1.0]]
[model]
family = "gaussian"
[loop]
initial = 50
synthetic = 50
[metrics]
test_samples = 100
)";

TEST(CliRun, WritesTheFourFilesWithTheirHeaders) {
  const fs::path dir = scratch("files");
  const fs::path config = write_config(dir, kSmallGaussian);
  const Outcome outcome = run_cli("run " + config.string() + " --out " + (dir / "out").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const std::string metrics = read_file(dir / "out/metrics.csv");
  EXPECT_EQ(metrics.substr(0, metrics.find('\n')), "replicate,generation,metric,value");
  // 30 replicates x 21 generations x 8 metrics + header.
  EXPECT_EQ(std::count(metrics.begin(), metrics.end(), '\n'), 30 * 21 * 8 + 1);
  const std::string theory = read_file(dir / "out/theory.csv");
  EXPECT_EQ(theory.substr(0, theory.find('\n')), "generation,metric,expected");
  EXPECT_THAT(theory, HasSubstr("20,variance,"));
  EXPECT_THAT(read_file(dir / "out/composition.csv"), HasSubstr("all,20,synthetic,19,50\n"));
  const auto run = nlohmann::json::parse(read_file(dir / "out/run.json"));
  EXPECT_EQ(run["config"]["run"]["replicates"], 30);
  EXPECT_EQ(run["config"]["model"]["estimator"], "mle");  // defaults are filled in
  EXPECT_EQ(run["seed"], 3);
  EXPECT_TRUE(run["timings_seconds"].contains("worker_stages_summed_over_replicates"));
  EXPECT_THAT(outcome.output, HasSubstr("variance"));  // the summary table
}

TEST(CliRun, SameBytesForAnyThreadCount) {
  const fs::path dir = scratch("threads");
  const fs::path config = write_config(dir, kSmallGaussian);
  ASSERT_EQ(run_cli("run " + config.string() + " --quiet --threads 1 --out " + (dir / "a").string()).exit_code, 0);
  ASSERT_EQ(run_cli("run " + config.string() + " --quiet --threads 2 --out " + (dir / "b").string()).exit_code, 0);
  ASSERT_EQ(run_cli("run " + config.string() + " --quiet --threads 7 --out " + (dir / "c").string()).exit_code, 0);
  const std::string a = read_file(dir / "a/metrics.csv");
  EXPECT_EQ(a, read_file(dir / "b/metrics.csv"));
  EXPECT_EQ(a, read_file(dir / "c/metrics.csv"));
  EXPECT_EQ(read_file(dir / "a/composition.csv"), read_file(dir / "c/composition.csv"));
}

TEST(CliRun, OverridesApply) {
  const fs::path dir = scratch("overrides");
  const fs::path config = write_config(dir, kSmallGaussian);
  const Outcome outcome = run_cli("run " + config.string() + " --quiet --replicates 4 --set loop.bias=0.5 --set "
                                  "run.generations=3 --out " + (dir / "o").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const auto run = nlohmann::json::parse(read_file(dir / "o/run.json"));
  EXPECT_EQ(run["config"]["run"]["replicates"], 4);
  EXPECT_EQ(run["config"]["loop"]["bias"], 0.5);
  const std::string metrics = read_file(dir / "o/metrics.csv");
  EXPECT_EQ(std::count(metrics.begin(), metrics.end(), '\n'), 4 * 4 * 8 + 1);
}

TEST(CliRun, RefusesToOverwriteAFinishedRunWithoutForce) {
  const fs::path dir = scratch("overwrite");
  const fs::path config = write_config(dir, kSmallGaussian);
  const std::string args = "run " + config.string() + " --quiet --out " + (dir / "o").string();
  ASSERT_EQ(run_cli(args).exit_code, 0);
  const Outcome again = run_cli(args);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.output, HasSubstr("already holds a finished run"));
  EXPECT_EQ(run_cli(args + " --force").exit_code, 0);
}

struct BadInput {
  std::string name;
  std::string config;        // replaces a line or adds one
  std::string expected;      // in the message
};

// ctest lists the case by its name instead of the struct's bytes.
void PrintTo(const BadInput& input, std::ostream* os) { *os << input.name; }

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInput, ClearErrorNonZeroExitNoFinishedRun) {
  const BadInput& bad = GetParam();
  const fs::path dir = scratch("bad_" + bad.name);
  const fs::path config = write_config(dir, bad.config);
  const Outcome outcome = run_cli("run " + config.string() + " --quiet --out " + (dir / "o").string());
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr(bad.expected)) << outcome.output;
  EXPECT_FALSE(fs::exists(dir / "o/run.json"));
  EXPECT_FALSE(fs::exists(dir / "o/metrics.csv"));
}

std::string with(const std::string& section_line) { return std::string(kSmallGaussian) + section_line; }

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadInput,
    ::testing::Values(
        BadInput{"unknown_key", with("[extra]\nfoo = 1\n"), "unknown key 'extra'"},
        BadInput{"typo_key", "[loop]\nintial = 5\n", "did you mean 'loop.initial'"},
        BadInput{"wrong_type", "[run]\nreplicates = \"many\"\n", "run.replicates"},
        BadInput{"bias_zero", "[loop]\nbias = 0.0\n", "loop.bias"},
        BadInput{"syntax", "[loop\ninitial = 5\n", "TOML syntax error"},
        BadInput{"too_few_points", "[truth]\nmean = [0.0, 0.0]\ncov = [[1.0, 0.0], [0.0, 1.0]]\n[loop]\ninitial = 2\n", "loop.initial"},
        BadInput{"ols_too_few", "[truth]\nkind = \"regression\"\ndim = 5\n[model]\nfamily = \"linear-regression\"\n[loop]\ninitial = 6\nsynthetic = 6\n", "loop.initial"},
        BadInput{"missing_file", "[truth]\nkind = \"file\"\npath = \"/nonexistent/data.csv\"\n", "/nonexistent/data.csv"},
        BadInput{"family_mismatch", "[truth]\nkind = \"categorical\"\nprobs = [0.5, 0.5]\n", "model.family"},
        BadInput{"contradiction", "[loop]\nreal_samples = 5\n", "loop.real_samples"}),
    [](const auto& info) { return info.param.name; });

TEST(CliRun, MissingConfigFileIsAnError) {
  const Outcome outcome = run_cli("run /nonexistent/config.toml --quiet --out /tmp/ouro_cli_never");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("/nonexistent/config.toml"));
}

TEST(CliRun, NanInDataFileIsNamed) {
  const fs::path dir = scratch("nan");
  std::ofstream(dir / "data.csv") << "x\n1.0\n2.0\nnan\n";
  const fs::path config = write_config(dir, "[truth]\nkind = \"file\"\npath = \"" + (dir / "data.csv").string() + "\"\n");
  const Outcome outcome = run_cli("run " + config.string() + " --quiet --out " + (dir / "o").string());
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("data.csv"));
}

TEST(CliOptions, MarkdownMatchesDocs) {
  const Outcome outcome = run_cli("options --markdown");
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.output, read_file(fs::path(OURO_SOURCE_DIR) / "docs/config.md"));
}

TEST(Cli, UnknownSubcommandFails) {
  EXPECT_NE(run_cli("frobnicate").exit_code, 0);
}

}  // namespace
