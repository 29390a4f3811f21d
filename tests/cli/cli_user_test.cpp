// What a new user meets on the command line, end to end through the real executable: the summary
// tables of `ouro run` and `ouro sweep` (median, quantile band, the heavy-tail marks, checked against
// values recomputed from metrics.csv), progress per generation, --generations, the timings'
// wording, the messages of common mistakes, `ouro help` / `ouro version`, and the exit status of
// each kind of failure (apps/ouro/exit_codes.hpp).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using ouro::testing::Outcome;
using ouro::testing::read_file;
using ouro::testing::run_cli;
using ouro::testing::write_config;

fs::path scratch(const std::string& name) { return ouro::testing::scratch_dir("ouro_cli_user_" + name); }

// A fully synthetic loop on 10 samples a generation: after 100 generations the variance is
// log-normal-like across replicates (its log has a spread of about 4.5), so its mean over 200
// replicates misses E = 0.9^101 by many standard errors, while logdet_ratio agrees with theory.
const char* kHeavyTailed = R"(
[run]
generations = 100
replicates = 200
seed = 5
[truth]
kind = "gaussian"
mean = [0.0]
cov = [[1.0]]
[model]
family = "gaussian"
[loop]
initial = 10
synthetic = 10
[metrics]
names = ["variance", "logdet_ratio"]
test_samples = 10
)";

const char* kSmall = R"(
[run]
generations = 10
replicates = 2
seed = 3
[truth]
kind = "gaussian"
mean = [0.0]
cov = [[1.0]]
[model]
family = "gaussian"
[loop]
initial = 20
synthetic = 20
[metrics]
test_samples = 20
)";

// The printed line of `metric` at `generation` in a run's summary table, or "".
std::string summary_line(const std::string& output, const std::string& metric, std::size_t generation) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string name, g;
    fields >> name >> g;
    if (name == metric && g == std::to_string(generation)) return line;
  }
  return "";
}

// Every replicate's value of `metric` at `generation`, read from metrics.csv.
std::vector<double> values_at(const fs::path& metrics_csv, const std::string& metric, std::size_t generation) {
  std::istringstream lines(read_file(metrics_csv));
  std::string line;
  std::getline(lines, line);  // header
  std::vector<double> out;
  while (std::getline(lines, line)) {
    std::vector<std::string> f;
    std::istringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) f.push_back(cell);
    if (f.size() == 4 && f[2] == metric && std::stoul(f[1]) == generation) out.push_back(std::stod(f[3]));
  }
  return out;
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

TEST(CliSummary, PrintsTheMedianAndBandAndMarksAHeavyTailedGapWithItsReason) {
  const fs::path dir = scratch("heavy");
  const fs::path config = write_config(dir, kHeavyTailed);
  const Outcome outcome = run_cli("run " + config.string() + " --no-report --out " + (dir / "o").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("median"));
  EXPECT_THAT(outcome.output, HasSubstr("q10 – q90"));

  const std::vector<double> variance = values_at(dir / "o/metrics.csv", "variance", 100);
  ASSERT_EQ(variance.size(), 200u);
  const std::string line = summary_line(outcome.output, "variance", 100);
  // The median column, recomputed from metrics.csv: far below the mean, which is far below theory.
  EXPECT_THAT(line, HasSubstr(fmt::format(" {:.3g} ", median_of(variance)))) << line;
  EXPECT_THAT(line, ::testing::EndsWith(" *")) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("heavy-tailed: the mean over 200 replicates rests on a few rare ones"));
  EXPECT_THAT(outcome.output, HasSubstr("docs/metrics.md#heavy-tailed-metrics"));
  // The log of the same quantity is close to normal and agrees with theory: no mark.
  const std::string logdet = summary_line(outcome.output, "logdet_ratio", 100);
  EXPECT_THAT(logdet, Not(::testing::EndsWith("*")));
  EXPECT_THAT(logdet, Not(::testing::EndsWith("!")));
  EXPECT_THAT(logdet, Not(::testing::EndsWith("~")));
  // Only generations 0, 25, 50, 75 and 100 are printed.
  EXPECT_NE(summary_line(outcome.output, "variance", 25), "");
  EXPECT_EQ(summary_line(outcome.output, "variance", 24), "");
  // The docs section the line links to exists.
  EXPECT_THAT(read_file(fs::path(OURO_SOURCE_DIR) / "docs/metrics.md"), HasSubstr("\n## Heavy-tailed metrics\n"));
}

TEST(CliSummary, AResumedRunSummarisesEveryReplicate) {
  const fs::path dir = scratch("resumed");
  const fs::path config = write_config(dir, kHeavyTailed);
  const std::string args = "run " + config.string() + " --no-report --threads 1 --checkpoint-every 0 --out " +
                           (dir / "o").string();
  ASSERT_NE(run_cli(args, "OURO_TEST_KILL_AFTER_CHECKPOINTS=50").exit_code, 0);
  const Outcome resumed = run_cli(args + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const Outcome whole = run_cli("run " + config.string() + " --no-report --out " + (dir / "whole").string());
  ASSERT_EQ(whole.exit_code, 0) << whole.output;
  // The replicates finished before the kill are in the table too: it equals the uninterrupted one.
  for (const char* metric : {"variance", "logdet_ratio"}) {
    EXPECT_EQ(summary_line(resumed.output, metric, 100), summary_line(whole.output, metric, 100));
    EXPECT_NE(summary_line(resumed.output, metric, 100), "");
  }
}

TEST(CliSummary, SweepPrintsEachCellAtTheLastGenerationUnlessQuiet) {
  const fs::path dir = scratch("sweep");
  const fs::path config = write_config(dir, kSmall);
  const std::string args = "sweep " + config.string() + " --grid model.estimator=mle,unbiased --no-report --out " +
                           (dir / "s").string();
  const Outcome outcome = run_cli(args);
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("model.estimator"));
  EXPECT_THAT(outcome.output, HasSubstr("median"));
  // Cell 1 (unbiased): its variance at generation 10, mean and median from its own metrics.csv.
  const auto plan = nlohmann::json::parse(read_file(dir / "s/sweep.json"));
  const std::vector<double> v =
      values_at(dir / "s" / plan["cells"][1]["folder"].get<std::string>() / "metrics.csv", "variance", 10);
  ASSERT_EQ(v.size(), 2u);
  const std::string expected = fmt::format("    1 {:>15} {:<16} {:>10} {:>11}", "unbiased", "variance", 10,
                                           fmt::format("{:.3g}", (v[0] + v[1]) / 2));
  EXPECT_THAT(outcome.output, HasSubstr(expected)) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr(fmt::format("{:.3g}\n", median_of(v))));

  const Outcome quiet = run_cli(args + " --force --quiet");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_EQ(quiet.output, "");
}

TEST(CliSweep, ZippedAxesAdvanceTogether) {
  const fs::path dir = scratch("zip");
  const fs::path config = write_config(dir, kSmall);
  const Outcome outcome = run_cli("sweep " + config.string() +
                                  " --quiet --no-report --generations 2 --grid model.estimator=mle,unbiased "
                                  "--zip loop.initial=20,40 --zip loop.synthetic=10,30 --out " + (dir / "s").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  // 2 estimators x 2 zipped pairs: (20, 10) and (40, 30), never (20, 30).
  const auto plan = nlohmann::json::parse(read_file(dir / "s/sweep.json"));
  ASSERT_EQ(plan["cells"].size(), 4u);
  const std::vector<std::pair<int, int>> pairs = {{20, 10}, {40, 30}, {20, 10}, {40, 30}};
  for (std::size_t c = 0; c < 4; ++c) {
    const auto& values = plan["cells"][c]["values"];
    EXPECT_EQ(values["model.estimator"], c < 2 ? "mle" : "unbiased");
    EXPECT_EQ(values["loop.initial"], pairs[c].first);
    EXPECT_EQ(values["loop.synthetic"], pairs[c].second);
    // And the cell ran with them.
    const auto run = nlohmann::json::parse(read_file(dir / "s" / plan["cells"][c]["folder"].get<std::string>() / "run.json"));
    EXPECT_EQ(run["config"]["loop"]["initial"], pairs[c].first);
    EXPECT_EQ(run["config"]["loop"]["synthetic"], pairs[c].second);
  }
  EXPECT_EQ(plan["grid"][1]["zipped"], true);

  const Outcome uneven = run_cli("sweep " + config.string() + " --quiet --zip loop.initial=20,40 --zip loop.synthetic=10 "
                                 "--out " + (dir / "u").string());
  EXPECT_EQ(uneven.exit_code, 3);
  EXPECT_THAT(uneven.output, HasSubstr("--zip loop.synthetic=10: sweep grid: loop.synthetic has 1 values and "
                                       "loop.initial (--zip loop.initial=20,40) has 2; zipped axes advance together"));
  // A sweep started with --zip resumes only with it.
  const Outcome crossed = run_cli("sweep " + config.string() + " --quiet --no-report --generations 2 --grid "
                                  "model.estimator=mle,unbiased --grid loop.initial=20,40 --grid loop.synthetic=10,30 "
                                  "--resume --out " + (dir / "s").string());
  EXPECT_EQ(crossed.exit_code, 3);
  EXPECT_THAT(crossed.output, HasSubstr("loop.initial is zipped (--zip)"));
}

TEST(CliSweep, SkipInvalidRunsTheValidCellsAndNamesTheOthers) {
  const fs::path dir = scratch("skip");
  const fs::path config = write_config(dir, kSmall);
  // Cell 0 (loop.initial = 1) cannot fit a Gaussian (found when its experiment is built); cells 1
  // and 3 ask for real samples in a loop without real data (found when its values are applied).
  const std::string grid = " --grid loop.initial=1,20 --grid loop.real_samples=0,5 --no-report --out ";
  const Outcome stopped = run_cli("sweep " + config.string() + " --quiet" + grid + (dir / "a").string());
  EXPECT_EQ(stopped.exit_code, 3) << stopped.output;  // without --skip-invalid the first stops the sweep

  const Outcome outcome = run_cli("sweep " + config.string() + " --skip-invalid" + grid + (dir / "s").string());
  EXPECT_EQ(outcome.exit_code, 6) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("3 of 4 cells skipped as invalid"));
  EXPECT_THAT(outcome.output, HasSubstr("sweep cell 0 (loop.initial=1,loop.real_samples=0): loop.initial = 1: a "
                                        "gaussian model in 1 columns needs at least 2 training samples"));
  EXPECT_THAT(outcome.output, HasSubstr("sweep cell 3 (loop.initial=20,loop.real_samples=5): loop.real_samples = 5"));
  const auto plan = nlohmann::json::parse(read_file(dir / "s/sweep.json"));
  EXPECT_EQ(plan["cells_here"], nlohmann::json::array({2}));
  ASSERT_EQ(plan["cells_invalid"].size(), 3u);
  EXPECT_EQ(plan["cells_invalid"][1]["index"], 1);
  EXPECT_THAT(plan["cells_invalid"][1]["error"].get<std::string>(), HasSubstr("loop.real_samples = 5"));
  // sweep.csv holds the valid cell's rows only: 2 replicates x 11 generations x 8 metrics.
  const std::string csv = read_file(dir / "s/sweep.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 2 * 11 * 8 + 1);
  EXPECT_EQ(csv.find("\n0,"), std::string::npos);
  EXPECT_NE(csv.find("\n2,20,0,"), std::string::npos);
  // The report counts the skipped cells.
  ASSERT_EQ(run_cli("report " + (dir / "s").string() + " --quiet").exit_code, 0);
  EXPECT_THAT(read_file(dir / "s/report.html"), HasSubstr("1 cells, 3 skipped as invalid"));

  // Shards that skipped cells merge into the unsharded sweep's sweep.csv and cells_invalid.
  for (const char* shard : {"0/2", "1/2"}) {
    EXPECT_EQ(run_cli("sweep " + config.string() + " --quiet --skip-invalid --shard " + shard + grid +
                      (dir / (std::string("shard") + shard[0])).string())
                  .exit_code,
              6);
  }
  const Outcome merged = run_cli("merge " + (dir / "m").string() + " " + (dir / "shard0").string() + " " +
                                 (dir / "shard1").string() + " --quiet --no-report");
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  EXPECT_EQ(read_file(dir / "m/sweep.csv"), csv);
  const auto merged_plan = nlohmann::json::parse(read_file(dir / "m/sweep.json"));
  EXPECT_EQ(merged_plan["cells_invalid"], plan["cells_invalid"]);
  EXPECT_EQ(merged_plan["cells_here"], nlohmann::json::array({2}));
}

// Runs `ouro ARGS` on a pseudo-terminal (script(1)), where the progress bar is drawn.
std::string run_on_terminal(const std::string& arguments, const std::string& environment = "") {
  const std::string command = "script -qec '" + environment + " " + std::string(OURO_CLI) + " " + arguments +
                              "' /dev/null 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  pclose(pipe);
  return output;
}

TEST(CliProgress, CountsGenerationsAndReachesTheTotalWhenResumedPartWay) {
  if (std::system("script -qec true /dev/null > /dev/null 2>&1") != 0) GTEST_SKIP() << "script(1) is not available";
  const fs::path dir = scratch("progress");
  const fs::path config = write_config(dir, kSmall);
  const std::string args = "run " + config.string() + " --no-report --threads 1 --out " + (dir / "o").string();
  // 2 replicates x 11 generations.
  EXPECT_THAT(run_on_terminal(args), HasSubstr("22/22 generations"));
  // Killed after replicate 0's checkpoint at generation 5 (6 generations done), then resumed: the
  // generations done before count towards the bar, which ends at the same total.
  const std::string part = args + " --force --checkpoint-every 6";
  run_on_terminal(part, "OURO_TEST_KILL_AFTER_CHECKPOINTS=1");
  ASSERT_TRUE(fs::exists(dir / "o/.partial"));
  EXPECT_THAT(run_on_terminal(args + " --resume --checkpoint-every 6"), HasSubstr("22/22 generations"));
}

TEST(CliRun, GenerationsFlagIsTheSameAsSettingRunGenerations) {
  const fs::path dir = scratch("generations");
  const fs::path config = write_config(dir, kSmall);
  ASSERT_EQ(run_cli("run " + config.string() + " --quiet --generations 3 --out " + (dir / "a").string()).exit_code, 0);
  ASSERT_EQ(run_cli("run " + config.string() + " --quiet --set run.generations=3 --out " + (dir / "b").string()).exit_code,
            0);
  const std::string a = read_file(dir / "a/metrics.csv");
  EXPECT_EQ(a, read_file(dir / "b/metrics.csv"));
  EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), 2 * 4 * 8 + 1);
  // And on sweep, in every cell.
  ASSERT_EQ(run_cli("sweep " + config.string() + " --quiet --no-report --generations 2 --grid loop.bias=1.0,0.5 --out " +
                    (dir / "s").string())
                .exit_code,
            0);
  const auto plan = nlohmann::json::parse(read_file(dir / "s/sweep.json"));
  EXPECT_EQ(plan["base_config"]["run"]["generations"], 2);
}

TEST(CliRun, SaysThatWorkerStageTimesAreSummedOverReplicates) {
  const fs::path dir = scratch("timings");
  const fs::path config = write_config(dir, kSmall);
  const Outcome outcome = run_cli("run " + config.string() + " --no-report --threads 2 --out " + (dir / "o").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("worker stages, summed over the 2 replicates run on 2 threads: fit "));
  const auto run = nlohmann::json::parse(read_file(dir / "o/run.json"));
  EXPECT_TRUE(run["timings_seconds"]["worker_stages_summed_over_replicates"].contains("fit"));
  EXPECT_FALSE(run["timings_seconds"].contains("worker_stages"));
}

struct Mistake {
  std::string name;
  std::string config;     // appended to kSmall
  std::string arguments;  // after `run CONFIG --quiet --out DIR`
  std::string expected;   // in the message
};

void PrintTo(const Mistake& mistake, std::ostream* os) { *os << mistake.name; }

class CliMistake : public ::testing::TestWithParam<Mistake> {};

TEST_P(CliMistake, MessageSaysWhatWouldWorkAndExitsWithTheConfigStatus) {
  const Mistake& m = GetParam();
  const fs::path dir = scratch("mistake_" + m.name);
  const fs::path config = write_config(dir, std::string(kSmall) + m.config);
  const Outcome outcome = run_cli("run " + config.string() + " --quiet --out " + (dir / "o").string() + " " + m.arguments);
  EXPECT_EQ(outcome.exit_code, 3) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr(m.expected)) << outcome.output;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliMistake,
    ::testing::Values(
        Mistake{"bandwidth", "", "--set model.family=kde --set model.bandwidth=0.3x",
                "model.bandwidth = '0.3x': expected a number in (0, inf) or one of scott|silverman"},
        // The suggestion and the list are of the metrics a Gaussian model of a Gaussian truth has:
        // no text metric (oov_rate) and no categorical one (kl_to_truth) is offered.
        Mistake{"metric", "names = [\"varaince\"]\n", "",
                "unknown metric 'varaince' (did you mean 'variance'?); the metrics of a gaussian model of a gaussian "
                "truth are "},
        Mistake{"table", "[loops]\nbias = 0.5\n", "", "unknown key 'loops' (a table; did you mean [loop]?)"}),
    [](const auto& info) { return info.param.name; });

TEST(CliMistakes, UnknownMetricListsOnlyTheMetricsThatApply) {
  const fs::path dir = scratch("metric_list");
  const fs::path config = write_config(dir, std::string(kSmall) + "names = [\"varaince\"]\n");
  const Outcome outcome = run_cli("run " + config.string() + " --quiet --out " + (dir / "o").string());
  EXPECT_THAT(outcome.output, HasSubstr("variance"));
  EXPECT_THAT(outcome.output, Not(HasSubstr("oov_rate")));
  EXPECT_THAT(outcome.output, Not(HasSubstr("self_bleu")));
}

TEST(CliMistakes, ThresholdNamesTheProbeAndTheFlagThatPutItThere) {
  const fs::path dir = scratch("threshold");
  const fs::path config = write_config(dir, kSmall);
  // A Gaussian needs at least 2 samples to fit: loop.initial = 1, the bracket's low end, cannot run.
  const Outcome outcome = run_cli("threshold " + config.string() +
                                  " --metric variance --vary loop.initial --tolerance 0.1 --low 1 --high 40");
  EXPECT_EQ(outcome.exit_code, 3) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("probe loop.initial = 1 (from --low; choose a --low the config accepts)"));
}

TEST(CliHelp, HelpAndVersionWork) {
  const Outcome help = run_cli("help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.output, HasSubstr("sweep"));
  EXPECT_EQ(help.output, run_cli("--help").output);
  const Outcome help_run = run_cli("help run");
  EXPECT_EQ(help_run.exit_code, 0);
  EXPECT_EQ(help_run.output, run_cli("run --help").output);
  EXPECT_THAT(help_run.output, HasSubstr("--generations"));
  const Outcome unknown = run_cli("help frobnicate");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.output, HasSubstr("no command 'frobnicate'; the commands are run, sweep"));

  const Outcome version = run_cli("version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.output,
              ::testing::MatchesRegex("ouro [0-9]+\\.[0-9]+\\.[0-9]+ \\(commit ([0-9a-f]{12}(\\+modified)?|unknown)\\)\n"));
  EXPECT_EQ(run_cli("--version").output, version.output);
  // The commit is read at build time, so it is one of this checkout's: HEAD, or an ancestor of it
  // when commits came after the last build (a configure-time read could name one the binary was
  // not built from, or none of this history at all).
  const std::size_t at = version.output.find("(commit ");
  ASSERT_NE(at, std::string::npos);
  const std::string commit = version.output.substr(at + 8, 12);
  if (commit.rfind("unknown", 0) != 0 &&
      std::system(("git -C '" + std::string(OURO_SOURCE_DIR) + "' rev-parse --git-dir >/dev/null 2>&1").c_str()) == 0) {
    EXPECT_EQ(std::system(("git -C '" + std::string(OURO_SOURCE_DIR) + "' merge-base --is-ancestor " + commit +
                           " HEAD").c_str()),
              0)
        << commit << " is not a commit of this checkout's history";
  }
}

// One case per documented exit status (README's "Exit status").
TEST(CliExitStatus, EachKindOfFailureHasItsOwnStatus) {
  const fs::path dir = scratch("exit");
  const fs::path config = write_config(dir, kSmall);
  const std::string out = " --quiet --out " + (dir / "o").string();
  EXPECT_EQ(run_cli("run " + config.string() + " --quiet --no-such-flag").exit_code, 2);  // usage
  EXPECT_EQ(run_cli("frobnicate").exit_code, 2);
  EXPECT_EQ(run_cli("run").exit_code, 2);
  EXPECT_EQ(run_cli("run " + config.string() + out + " --set loop.bias=0").exit_code, 3);  // config
  std::ofstream(dir / "data.csv") << "x\n1.0\n2.0\nnan\n";
  const fs::path data_config =
      write_config(dir, "[truth]\nkind = \"file\"\npath = \"" + (dir / "data.csv").string() + "\"\n", "data.toml");
  EXPECT_EQ(run_cli("run " + data_config.string() + out).exit_code, 4);  // data
  EXPECT_EQ(run_cli("run /nonexistent/config.toml" + out).exit_code, 5);  // i/o
  EXPECT_EQ(run_cli("run " + config.string() + out).exit_code, 0);
}

}  // namespace
