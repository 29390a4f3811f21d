// `ouro sweep`, `ouro merge` and `ouro run --resume` end to end through the real executable: a 2 x 2
// sweep killed part-way (SIGKILL, at a known checkpoint through the OURO_TEST_KILL_AFTER_CHECKPOINTS
// hook, or from outside at whatever moment) and resumed equals the uninterrupted sweep byte for
// byte; so does a killed and resumed run; shards merged equal the whole; a grid over a key of a
// [[filter]] table names the table by its index; bad input ends with a message naming the key,
// value or folder and a non-zero exit, and merge refuses a damaged sweep.json naming it.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ouro/core/error.hpp"
#include "ouro/io/check_word.hpp"
#include "ouro/io/json_file.hpp"
#include "ouro/sweep/sweep.hpp"
#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ouro::testing::Outcome;
using ouro::testing::read_file;
using ouro::testing::run_cli;
using ouro::testing::write_config;

fs::path scratch(const std::string& name) { return ouro::testing::scratch_dir("ouro_sweep_" + name); }

// `ouro ARGS` with the SIGKILL test hook armed after `checkpoints` checkpoints.
Outcome run_killed(const std::string& arguments, int checkpoints) {
  return run_cli(arguments, "OURO_TEST_KILL_AFTER_CHECKPOINTS=" + std::to_string(checkpoints));
}

const char* kBase = R"(
[run]
generations = 12
replicates = 6
seed = 7
[truth]
kind = "gaussian"
mean = [0.0]
cov = [[1.0]]
[loop]
initial = 20
synthetic = 20
keep = "accumulate"
[metrics]
test_samples = 50
)";

const char* kGrid = R"(
[sweep]
"loop.bias" = [1.0, 0.8]
"model.estimator" = ["mle", "unbiased"]
)";

const std::vector<std::string> kCells = {"0-loop.bias=1.0,model.estimator=mle", "1-loop.bias=1.0,model.estimator=unbiased",
                                         "2-loop.bias=0.8,model.estimator=mle", "3-loop.bias=0.8,model.estimator=unbiased"};

void expect_same_sweep(const fs::path& a, const fs::path& b) {
  EXPECT_EQ(read_file(a / "sweep.csv"), read_file(b / "sweep.csv"));
  for (const std::string& cell : kCells) {
    for (const char* file : {"metrics.csv", "theory.csv", "composition.csv"}) {
      EXPECT_EQ(read_file(a / "cells" / cell / file), read_file(b / "cells" / cell / file)) << cell << "/" << file;
    }
    EXPECT_TRUE(fs::exists(b / "cells" / cell / "run.json")) << cell;
    EXPECT_FALSE(fs::exists(b / "cells" / cell / ".partial")) << cell;
  }
}

TEST(Sweep, WritesCellsTidyCsvPlanAndReport) {
  const fs::path dir = scratch("whole");
  const fs::path config = write_config(dir, std::string(kBase) + kGrid);
  const Outcome outcome = run_cli("sweep " + config.string() + " --quiet --out " + (dir / "s").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const std::string csv = read_file(dir / "s/sweep.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "cell,loop.bias,model.estimator,replicate,generation,metric,value");
  EXPECT_THAT(csv, HasSubstr("\n3,0.8,unbiased,5,12,"));
  // 4 cells x 6 replicates x 13 generations x 8 metrics + header.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4 * 6 * 13 * 8 + 1);
  const auto plan = nlohmann::json::parse(read_file(dir / "s/sweep.json"));
  EXPECT_EQ(plan["cells"].size(), 4u);
  EXPECT_EQ(plan["grid"][0]["key"], "loop.bias");
  EXPECT_TRUE(plan["shard"].is_null());
  const auto run = nlohmann::json::parse(read_file(dir / "s/cells" / kCells[2] / "run.json"));
  EXPECT_EQ(run["config"]["loop"]["bias"], 0.8);
  EXPECT_EQ(run["sweep_cell"]["index"], 2);
  EXPECT_TRUE(fs::exists(dir / "s/report.html"));
  EXPECT_THAT(read_file(dir / "s/report.html"), HasSubstr("heatmaps"));
  EXPECT_FALSE(fs::exists(dir / "s/.partial"));

  // The same grid from --grid, on a config without [sweep], and any thread count: the same bytes.
  const fs::path base = write_config(dir, kBase, "base.toml");
  ASSERT_EQ(run_cli("sweep " + base.string() + " --quiet --threads 1 --no-report --grid loop.bias=1.0,0.8 --grid "
                    "model.estimator=mle,unbiased --out " + (dir / "g").string()).exit_code, 0);
  expect_same_sweep(dir / "s", dir / "g");
  // A finished sweep is refused, resumed as nothing to do, and the report rebuilt from it.
  EXPECT_THAT(run_cli("sweep " + config.string() + " --quiet --out " + (dir / "s").string()).output,
              HasSubstr("already holds a finished sweep"));
  EXPECT_EQ(run_cli("sweep " + config.string() + " --quiet --resume --out " + (dir / "s").string()).exit_code, 0);
  const Outcome report = run_cli("report " + (dir / "g").string() + " --quiet");
  EXPECT_EQ(report.exit_code, 0) << report.output;
  EXPECT_TRUE(fs::exists(dir / "g/report.html"));
}

TEST(Sweep, AGridOverAFilterKeyNamesTheTableByItsIndex) {
  const fs::path dir = scratch("filter_grid");
  const fs::path config =
      write_config(dir, std::string(kBase) + "\n[[filter]]\nkind = \"curate\"\nreward = { linear = [1.0] }\n");
  const Outcome outcome = run_cli("sweep " + config.string() + " --quiet --no-report --grid filter.0.candidates=2,5 --out " +
                                  (dir / "s").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const std::string csv = read_file(dir / "s/sweep.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "cell,filter.0.candidates,replicate,generation,metric,value");
  const auto plan = nlohmann::json::parse(read_file(dir / "s/sweep.json"));
  EXPECT_EQ(plan["grid"][0]["key"], "filter.0.candidates");
  EXPECT_EQ(plan["grid"][0]["values"], nlohmann::json::parse("[2, 5]"));
  for (const auto& [cell, candidates] : {std::pair{"0-filter.0.candidates=2", 2}, std::pair{"1-filter.0.candidates=5", 5}}) {
    const auto run = nlohmann::json::parse(read_file(dir / "s/cells" / cell / "run.json"));
    EXPECT_EQ(run["config"]["filter"][0]["candidates"], candidates) << cell;
    EXPECT_EQ(run["config"]["filter"][0]["reward"]["linear"], nlohmann::json::parse("[1.0]")) << cell;
  }
}

TEST(Sweep, KilledAndResumedEqualsUninterrupted) {
  const fs::path dir = scratch("resume");
  const fs::path config = write_config(dir, std::string(kBase) + kGrid);
  ASSERT_EQ(run_cli("sweep " + config.string() + " --quiet --no-report --out " + (dir / "whole").string()).exit_code, 0);

  const std::string args = "sweep " + config.string() + " --quiet --no-report --checkpoint-every 4 --out " + (dir / "k").string();
  // Killed three times at different points (part-way through replicates, between cells), then finished.
  for (const int after : {5, 9, 14}) {
    const Outcome killed = run_killed(args + " --resume --threads 2", after);
    ASSERT_NE(killed.exit_code, 0) << "not killed after " << after << " checkpoints: " << killed.output;
    EXPECT_FALSE(fs::exists(dir / "k/sweep.json"));
    EXPECT_FALSE(fs::exists(dir / "k/sweep.csv"));
  }
  const Outcome refused = run_cli(args);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.output, HasSubstr("--resume"));
  const Outcome resumed = run_cli(args + " --resume --threads 1");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  expect_same_sweep(dir / "whole", dir / "k");
  EXPECT_FALSE(fs::exists(dir / "k/.partial"));
}

TEST(Sweep, CellsAreBuiltWhenReachedAndAFailingOneKeepsTheFinishedCells) {
  // Cell 1's family cannot take the gaussian truth: that is found when the workers reach the cell
  // (the sweep does not build every cell before it starts), and cell 0, finished by then, stays.
  const fs::path dir = scratch("lazy_cells");
  const fs::path config = write_config(dir, kBase);
  const std::string args = "sweep " + config.string() + " --quiet --threads 1 --out " + (dir / "s").string() +
                           " --grid model.family=gaussian,linear-regression";
  const Outcome failed = run_cli(args);
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_THAT(failed.output, HasSubstr("sweep cell 1 (model.family=linear-regression)"));
  EXPECT_THAT(failed.output, HasSubstr("needs a regression truth"));
  EXPECT_TRUE(fs::exists(dir / "s/cells/0-model.family=gaussian/run.json"));
  EXPECT_FALSE(fs::exists(dir / "s/sweep.json"));
}

// --slurm --dry-run writes the job array's and the merge job's scripts; run by hand as Slurm would
// (task i with SLURM_ARRAY_TASK_ID=i, then the merge), they give the whole sweep. (The same against a
// real Slurm: tests/slurm/slurm_sweep_test.sh.) Flags that cannot go together are refused by name.
TEST(Sweep, SlurmScriptsRunByHandGiveTheWholeSweep) {
  const fs::path dir = scratch("slurm");
  const fs::path config = write_config(dir, std::string(kBase) + kGrid);
  ASSERT_EQ(run_cli("sweep " + config.string() + " --quiet --no-report --out " + (dir / "whole").string()).exit_code, 0);
  const std::string slurm = "sweep " + config.string() + " --slurm --set run.seed=7 --array-size 3 --out ";
  const Outcome dry = run_cli(slurm + (dir / "jobs").string() + " --dry-run --sbatch \"--partition=long  --time=1:00:00\"");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  // --sbatch's words reach both sbatch commands, each quoted.
  EXPECT_THAT(dry.output, HasSubstr("sbatch --parsable '--partition=long' '--time=1:00:00' '"));
  EXPECT_THAT(dry.output, HasSubstr("--dependency=afterok:$ARRAY_JOB '--partition=long' '--time=1:00:00' '"));
  const std::string array = read_file(dir / "jobs/slurm/array.sh");
  EXPECT_THAT(array, HasSubstr("#SBATCH --array=0-2\n"));
  EXPECT_THAT(array, HasSubstr("#SBATCH --requeue\n"));
  EXPECT_THAT(array, HasSubstr("'--set' 'run.seed=7'"));
  EXPECT_THAT(array, HasSubstr("--shard \"${SLURM_ARRAY_TASK_ID}/3\" --resume"));
  for (const char* task : {"0", "1", "2"}) {
    const std::string command = std::string("SLURM_ARRAY_TASK_ID=") + task + " bash " + (dir / "jobs/slurm/array.sh").string();
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  ASSERT_EQ(std::system(("bash " + (dir / "jobs/slurm/merge.sh").string()).c_str()), 0);
  // run.seed=7 is the base config's seed in every cell, so the merged sweep is the whole one.
  EXPECT_EQ(read_file(dir / "jobs/merged/sweep.csv"), read_file(dir / "whole/sweep.csv"));

  struct Bad {
    std::string flags, expected;
  };
  for (const Bad& bad : {Bad{"--slurm --shard 0/2", "--slurm and --shard cannot be combined"},
                         Bad{"--slurm --array-size 5", "--array-size 5: the sweep has only 4 cells"},
                         Bad{"--slurm --resume", "always resume"},
                         Bad{"--dry-run", "go with --slurm"}}) {
    const Outcome outcome = run_cli("sweep " + config.string() + " " + bad.flags + " --out " + (dir / "bad").string());
    EXPECT_NE(outcome.exit_code, 0) << bad.flags;
    EXPECT_THAT(outcome.output, HasSubstr(bad.expected)) << bad.flags;
  }
  const Outcome no_sbatch = run_cli(slurm + (dir / "nosbatch").string(), "PATH=/nonexistent");
  EXPECT_NE(no_sbatch.exit_code, 0);
  EXPECT_THAT(no_sbatch.output, HasSubstr("sbatch: not found"));
}

TEST(Sweep, ShardsMergedEqualTheWhole) {
  const fs::path dir = scratch("shards");
  const fs::path config = write_config(dir, std::string(kBase) + kGrid);
  const std::string sweep = "sweep " + config.string() + " --quiet --no-report --out ";
  ASSERT_EQ(run_cli(sweep + (dir / "whole").string()).exit_code, 0);
  ASSERT_EQ(run_cli(sweep + (dir / "s0").string() + " --shard 0/2").exit_code, 0);
  ASSERT_EQ(run_cli(sweep + (dir / "s1").string() + " --shard 1/2").exit_code, 0);
  const auto shard = nlohmann::json::parse(read_file(dir / "s1/sweep.json"));
  EXPECT_EQ(shard["shard"]["index"], 1);
  EXPECT_EQ(shard["cells_here"], nlohmann::json({1, 3}));
  EXPECT_THAT(read_file(dir / "s1/sweep.csv"), ::testing::Not(HasSubstr("\n0,")));
  const Outcome merged = run_cli("merge " + (dir / "m").string() + " " + (dir / "s1").string() + " " + (dir / "s0").string());
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  expect_same_sweep(dir / "whole", dir / "m");
  EXPECT_TRUE(fs::exists(dir / "m/report.html"));
  EXPECT_TRUE(nlohmann::json::parse(read_file(dir / "m/sweep.json"))["shard"].is_null());

  // Overlapping, missing and mismatched shards, and folders that are not sweeps.
  Outcome bad = run_cli("merge " + (dir / "m2").string() + " " + (dir / "s0").string() + " " + (dir / "whole").string());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.output, HasSubstr("is in both"));
  bad = run_cli("merge " + (dir / "m3").string() + " " + (dir / "s0").string());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.output, HasSubstr("in no shard given: 1 (loop.bias=1.0,model.estimator=unbiased)"));
  ASSERT_EQ(run_cli(sweep + (dir / "other").string() + " --shard 1/2 --set loop.synthetic=21").exit_code, 0);
  bad = run_cli("merge " + (dir / "m4").string() + " " + (dir / "s0").string() + " " + (dir / "other").string());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.output, HasSubstr("loop.synthetic"));
  EXPECT_THAT(bad.output, HasSubstr((dir / "other").string()));
  bad = run_cli("merge " + (dir / "m5").string() + " " + (dir / "s0").string() + " " + (dir / "whole/cells" / kCells[0]).string());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.output, HasSubstr("is a run folder, not a sweep"));
  bad = run_cli("merge " + (dir / "m6").string() + " " + dir.string());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.output, HasSubstr("not a sweep folder"));
  EXPECT_FALSE(fs::exists(dir / "m6/sweep.json"));
}

TEST(RunResume, KilledAndResumedEqualsUninterrupted) {
  const fs::path dir = scratch("run");
  const fs::path config = write_config(dir, kBase);
  ASSERT_EQ(run_cli("run " + config.string() + " --quiet --no-report --out " + (dir / "whole").string()).exit_code, 0);
  const std::string args = "run " + config.string() + " --quiet --no-report --checkpoint-every 5 --out " + (dir / "k").string();
  ASSERT_NE(run_killed(args + " --threads 2", 4).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir / "k/.partial"));
  EXPECT_FALSE(fs::exists(dir / "k/run.json"));
  Outcome refused = run_cli(args);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.output, HasSubstr("continue it with --resume, or start over with --force"));
  refused = run_cli(args + " --resume --set loop.synthetic=21");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.output, HasSubstr("loop.synthetic = 20, this config has loop.synthetic = 21"));
  ASSERT_NE(run_killed(args + " --resume --threads 1", 6).exit_code, 0);
  // As if the kill had struck in the middle of appending a finished replicate's record: the torn
  // record is ignored and that replicate runs again.
  const fs::path log = dir / "k/.partial/finished.log";
  ASSERT_GT(fs::file_size(log), 24u) << "no replicate finished before the second kill";
  fs::resize_file(log, fs::file_size(log) - 7);
  const Outcome resumed = run_cli(args + " --resume --threads 3");  // threads never change results
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  for (const char* file : {"metrics.csv", "theory.csv", "composition.csv"}) {
    EXPECT_EQ(read_file(dir / "whole" / file), read_file(dir / "k" / file)) << file;
  }
  EXPECT_FALSE(fs::exists(dir / "k/.partial"));
  for (const auto& entry : fs::directory_iterator(dir / "k")) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
  }
}

TEST(RunResume, FilteredRunKilledAndResumedEqualsUninterrupted) {
  // Curation and dedup: the filters' streams, their counts in composition.csv and dedup's pool
  // all continue exactly; the report reads the filter columns.
  const fs::path dir = scratch("run_filtered");
  const fs::path config = write_config(dir, std::string(kBase) + R"(
[[filter]]
kind = "curate"
candidates = 4
reward = { center = [0.5], scale = 1.0 }
[[filter]]
kind = "dedup"
)");
  const Outcome whole = run_cli("run " + config.string() + " --quiet --out " + (dir / "whole").string());
  ASSERT_EQ(whole.exit_code, 0) << whole.output;
  EXPECT_TRUE(fs::exists(dir / "whole/report.html"));
  EXPECT_THAT(read_file(dir / "whole/composition.csv"),
              ::testing::StartsWith("replicate,generation,origin,origin_generation,count,filter1_curate_drawn,"
                                    "filter1_curate_rejected,filter2_dedup_drawn,filter2_dedup_rejected\n"));
  const std::string args = "run " + config.string() + " --quiet --no-report --checkpoint-every 3 --out " + (dir / "k").string();
  ASSERT_NE(run_killed(args + " --threads 2", 5).exit_code, 0);
  ASSERT_NE(run_killed(args + " --resume --threads 1", 4).exit_code, 0);
  const Outcome resumed = run_cli(args + " --resume --threads 2");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  for (const char* file : {"metrics.csv", "theory.csv", "composition.csv"}) {
    EXPECT_EQ(read_file(dir / "whole" / file), read_file(dir / "k" / file)) << file;
  }
}

TEST(RunResume, IntervalInSecondsOfWorkCheckpointsPartWay) {
  const fs::path dir = scratch("seconds");
  const fs::path config = write_config(dir, kBase);
  ASSERT_EQ(run_cli("run " + config.string() + " --quiet --no-report --out " + (dir / "whole").string()).exit_code, 0);
  // Every generation outlasts a microsecond of work, so each one is checkpointed: on one thread,
  // three checkpoints are replicate 0 after generations 0, 1 and 2.
  const std::string args = "run " + config.string() + " --quiet --no-report --threads 1 --checkpoint-every 0.000001s --out " +
                           (dir / "k").string();
  ASSERT_NE(run_killed(args, 3).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir / "k/.partial/replicate-0.ckpt"));
  const Outcome resumed = run_cli(args + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  for (const char* file : {"metrics.csv", "theory.csv", "composition.csv"}) {
    EXPECT_EQ(read_file(dir / "whole" / file), read_file(dir / "k" / file)) << file;
  }
}

TEST(RunResume, KilledFromOutsideAtAnyMomentResumesToTheSameBytes) {
  const fs::path dir = scratch("outside");
  const fs::path config = write_config(dir, kBase);
  const std::string common = config.string() + " --quiet --no-report --set run.generations=400 --set run.replicates=8 ";
  ASSERT_EQ(run_cli("run " + common + "--out " + (dir / "whole").string()).exit_code, 0);
  // `timeout -s KILL` stops it after 0.3 s, wherever it is (it may also have finished by then).
  const std::string killed = "timeout -s KILL 0.3 " + std::string(OURO_CLI) + " run " + common +
                             "--checkpoint-every 25 --threads 1 --out " + (dir / "k").string() + " >/dev/null 2>&1";
  (void)std::system(killed.c_str());
  const Outcome resumed = run_cli("run " + common + "--resume --out " + (dir / "k").string());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(read_file(dir / "whole/metrics.csv"), read_file(dir / "k/metrics.csv"));
  EXPECT_EQ(read_file(dir / "whole/composition.csv"), read_file(dir / "k/composition.csv"));
}

struct BadSweep {
  std::string name;
  std::string config;  // appended to kBase
  std::string flags;
  std::string expected;
};

void PrintTo(const BadSweep& input, std::ostream* os) { *os << input.name; }

class SweepBadInput : public ::testing::TestWithParam<BadSweep> {};

TEST_P(SweepBadInput, ClearErrorNonZeroExitNothingStarted) {
  const BadSweep& bad = GetParam();
  const fs::path dir = scratch("bad_" + bad.name);
  const fs::path config = write_config(dir, std::string(kBase) + bad.config);
  const Outcome outcome = run_cli("sweep " + config.string() + " --quiet --out " + (dir / "s").string() + " " + bad.flags);
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr(bad.expected)) << outcome.output;
  EXPECT_FALSE(fs::exists(dir / "s/sweep.json"));
  EXPECT_FALSE(fs::exists(dir / "s/cells"));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SweepBadInput,
    ::testing::Values(
        BadSweep{"unknown_key", "[sweep]\n\"loop.bais\" = [1.0, 0.8]\n", "", "unknown key 'loop.bais' (did you mean 'loop.bias'?)"},
        BadSweep{"unknown_grid_key", "", "--grid model.estimater=mle,unbiased", "unknown key 'model.estimater'"},
        BadSweep{"wrong_type", "[sweep]\n\"loop.bias\" = [1.0, \"high\"]\n", "", "loop.bias = 'high': expected a number"},
        BadSweep{"out_of_range", "", "--grid loop.bias=1.0,1.5", "loop.bias = 1.5"},
        BadSweep{"bad_choice", "", "--grid model.estimator=mle,median", "one of mle|unbiased"},
        BadSweep{"not_a_list", "[sweep]\n\"loop.bias\" = 0.8\n", "", "expected a list of values"},
        BadSweep{"duplicate", "", "--grid loop.bias=0.8,0.8", "lists the value 0.8 twice"},
        BadSweep{"threads", "", "--grid run.threads=1,2", "run.threads never changes results"},
        BadSweep{"no_grid", "", "", "nothing to sweep"},
        BadSweep{"bad_cell", "", "--grid loop.real_samples=0,10", "sweep cell 1 (loop.real_samples=10)"},
        BadSweep{"shard_too_big", "", "--grid loop.bias=1.0,0.8 --shard 2/2", "--shard 2/2"},
        BadSweep{"shard_malformed", "", "--grid loop.bias=1.0,0.8 --shard 1of2", "expected i/N"},
        BadSweep{"checkpoint_malformed", "", "--grid loop.bias=1.0,0.8 --checkpoint-every 5m", "--checkpoint-every 5m"},
        BadSweep{"filter_without_index", "[[filter]]\nkind = \"dedup\"\n", "--grid filter.candidates=2,3",
                 "give the index of the [[filter]] table (from 0), e.g. filter.0.candidates"},
        BadSweep{"filter_beyond_the_tables", "[[filter]]\nkind = \"dedup\"\n", "--grid filter.1.candidates=2,3",
                 "sweep grid: the config has 1 [[filter]] table (filter.0), so filter.1 names none"},
        BadSweep{"filter_unknown_key", "[[filter]]\nkind = \"dedup\"\n", "--grid filter.0.candidats=2,3",
                 "unknown key 'filter.0.candidats' (did you mean 'filter.0.candidates'?)"},
        BadSweep{"filter_out_of_range", "[sweep]\n\"filter.0.candidates\" = [2, 1]\n[[filter]]\nkind = \"dedup\"\n", "",
                 "sweep grid: filter.0.candidates = 1: expected a number in [2, inf)"}),
    [](const auto& info) { return info.param.name; });

TEST(SweepBadInput, RunRefusesASweepTableAndResumeRefusesAnotherGrid) {
  const fs::path dir = scratch("bad_mixed");
  const fs::path config = write_config(dir, std::string(kBase) + kGrid);
  Outcome outcome = run_cli("run " + config.string() + " --quiet --out " + (dir / "r").string());
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("`ouro sweep"));
  EXPECT_FALSE(fs::exists(dir / "r"));

  const std::string args = "sweep " + config.string() + " --quiet --no-report --checkpoint-every 4 --out " + (dir / "s").string();
  ASSERT_NE(run_killed(args, 6).exit_code, 0);
  outcome = run_cli(args + " --resume --grid loop.bias=1.0,0.7");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("loop.bias = [1.0,0.8]"));
  outcome = run_cli(args + " --resume --set loop.initial=21");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("loop.initial"));
  outcome = run_cli(args + " --resume --shard 0/2");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("shard"));
}

// Found by fuzz_json_state (fuzz/corpus/fuzz_json_state/cell_without_values): merge trusted every
// field of a shard's sweep.json once the five top-level keys were there, so a cell without
// "values" (or a cells_here beyond the cells, a label that is not a string) escaped as nlohmann's
// out_of_range or type_error, and a cell folder such as "../x" reached outside the shard.
TEST(SweepBadInput, MergeRefusesADamagedPlanNamingIt) {
  const fs::path dir = scratch("bad_plan");
  const std::string good = R"({"version": "0.1.0", "base_config": {}, "shard": null,
    "grid": [{"key": "loop.bias", "values": [1.0], "labels": ["1.0"]}], "cells_here": [0],
    "cells": [{"index": 0, "folder": "cells/0-loop.bias=1.0", "label": "loop.bias=1.0", "values": {"loop.bias": 1.0}}]})";
  fs::create_directories(dir / "shard" / "cells" / "0-loop.bias=1.0");
  const fs::path cell = dir / "shard" / "cells" / "0-loop.bias=1.0";
  ouro::testing::write_config(cell, "replicate,generation,metric,value\n", "metrics.csv");
  ouro::write_json_file(cell / "run.json", {{"files", {{"metrics.csv", ouro::stamp_of_file(cell / "metrics.csv").to_json()}}}},
                        ouro::kRunFileFormat);
  const auto damaged = [&](const std::string& from, const std::string& to) {
    std::string plan = good;
    const std::size_t at = plan.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return plan.replace(at, from.size(), to);
  };
  for (const std::string& plan : {damaged(R"("values": {"loop.bias": 1.0})", R"("valeus": {"loop.bias": 1.0})"),
                                  damaged(R"("cells_here": [0])", R"("cells_here": [3])"),
                                  damaged(R"("label": "loop.bias=1.0")", R"("label": 1)"),
                                  damaged(R"("labels": ["1.0"])", R"("labels": [])"),
                                  damaged(R"("cells/0-loop.bias=1.0")", R"("../../elsewhere")")}) {
    ouro::write_json_file(dir / "shard" / "sweep.json", nlohmann::json::parse(plan), ouro::kSweepFileFormat);
    try {
      ouro::merge_sweeps(dir / "merged", {dir / "shard"});
      ADD_FAILURE() << "merged " << plan;
    } catch (const ouro::DataError& e) {
      EXPECT_THAT(e.what(), HasSubstr((dir / "shard" / "sweep.json").string() + ": not a sweep.json written by ouro"));
    }
    EXPECT_FALSE(fs::exists(dir / "merged"));
  }
  ouro::write_json_file(dir / "shard" / "sweep.json", nlohmann::json::parse(good), ouro::kSweepFileFormat);
  EXPECT_EQ(ouro::merge_sweeps(dir / "merged", {dir / "shard"})["cells_here"], nlohmann::json::parse("[0]"));
}

}  // namespace
