// What a kill or a damaged file leaves, end to end through the real executable.
//
// Kills: the process SIGKILLs itself at every step of writing each output file (opened, each block,
// synced, renamed: the OURO_TEST_KILL_WRITING hook) -- metrics.csv, composition.csv, theory.csv,
// run.json, a part-way checkpoint, report.html, sweep.csv and sweep.json. After each kill, every
// result file under its final name equals the uninterrupted run's byte for byte, a folder without
// run.json still holds .partial, and --resume finishes it to the uninterrupted bytes.
// Damage: a torn finished.log (every cut of its last record, and zeros after a power loss) resumes
// to the same bytes; a changed byte in .partial/config.json, finished.log, a checkpoint or a
// .partial/sweep.json is refused naming the file and what to do, with nothing in the folder changed;
// `ouro report` and `ouro merge` refuse result files changed since the run stamped them.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ouro::testing::Outcome;
using ouro::testing::read_file;
using ouro::testing::run_cli;
using ouro::testing::write_config;

fs::path scratch(const std::string& name) { return ouro::testing::scratch_dir("ouro_durability_" + name); }

const char* kConfig = R"(
[run]
generations = 8
replicates = 3
seed = 5
[truth]
kind = "gaussian"
mean = [0.0, 1.0]
cov = [[1.0, 0.2], [0.2, 1.5]]
[loop]
initial = 30
synthetic = 30
keep = "accumulate"
[metrics]
test_samples = 40
)";

const std::vector<std::string> kResultFiles = {"metrics.csv", "composition.csv", "theory.csv"};

// Every file of a folder (recursively, relative names) and its bytes.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files[fs::relative(entry.path(), dir).string()] = read_file(entry.path());
  }
  return files;
}

// What a killed run may leave: result files under their final names only when complete and equal
// to the uninterrupted run's, all of them once run.json is there, and .partial until then.
void expect_complete_or_clearly_partial(const fs::path& whole, const fs::path& killed, const std::string& moment) {
  for (const std::string& name : kResultFiles) {
    if (fs::exists(killed / name)) {
      EXPECT_EQ(read_file(killed / name), read_file(whole / name)) << name << ", " << moment;
    }
  }
  if (fs::exists(killed / "run.json")) {
    for (const std::string& name : kResultFiles) EXPECT_TRUE(fs::exists(killed / name)) << name << ", " << moment;
  } else {
    EXPECT_TRUE(fs::exists(killed / ".partial")) << moment;
  }
}

class KilledWhileWriting : public ::testing::TestWithParam<std::string> {};

TEST_P(KilledWhileWriting, LeavesCompleteOrClearlyPartialFilesAndResumesToTheSameBytes) {
  const std::string& file = GetParam();
  const bool report = file == "report.html";
  const fs::path dir = scratch("kill_" + file);
  const fs::path config = write_config(dir, kConfig);
  // metrics.csv and composition.csv long enough to be written in many blocks, each a moment to die.
  const bool long_files = file == "metrics.csv" || file == "composition.csv";
  const std::string longer = file == "metrics.csv" ? " --set run.generations=200 --set run.replicates=8"
                             : long_files        ? " --set run.generations=200"
                                                 : "";
  const std::string flags =
      std::string(report ? "" : " --no-report") + " --quiet --threads 1 --checkpoint-every 2" + longer;
  ASSERT_EQ(run_cli("run " + config.string() + flags + " --out " + (dir / "whole").string()).exit_code, 0);
  int kills = 0;
  for (int step = 1;; ++step) {
    const fs::path killed = dir / fmt::format("k{}", step);
    const std::string args = "run " + config.string() + flags + " --out " + killed.string();
    const Outcome outcome = run_cli(args, "OURO_TEST_KILL_WRITING=" + file + ":" + std::to_string(step));
    if (outcome.exit_code == 0) break;  // the run wrote the file in fewer steps: every one was tried
    ++kills;
    const std::string moment = file + " step " + std::to_string(step);
    expect_complete_or_clearly_partial(dir / "whole", killed, moment);
    if (report && fs::exists(killed / "report.html")) {
      EXPECT_EQ(read_file(killed / "report.html").substr(0, 15), "<!DOCTYPE html>") << moment;
    }
    const Outcome resumed = run_cli(args + " --resume");
    ASSERT_EQ(resumed.exit_code, 0) << moment << ": " << resumed.output;
    for (const std::string& name : kResultFiles) {
      EXPECT_EQ(read_file(killed / name), read_file(dir / "whole" / name)) << name << " after " << moment;
    }
    EXPECT_FALSE(fs::exists(killed / ".partial")) << moment;
    if (report) {
      // The page of the resumed folder is the page `ouro report` draws of it.
      ASSERT_EQ(run_cli("report " + killed.string() + " --out " + (dir / "redrawn.html").string()).exit_code, 0);
      EXPECT_EQ(read_file(killed / "report.html"), read_file(dir / "redrawn.html")) << moment;
    }
  }
  // Opened, each block, synced, renamed: four or more moments each, eight or more for the long files.
  EXPECT_GE(kills, long_files ? 8 : 4) << file;
  RecordProperty("kills", kills);
}

INSTANTIATE_TEST_SUITE_P(EachOutputFile, KilledWhileWriting,
                         ::testing::Values("metrics.csv", "composition.csv", "theory.csv", "run.json",
                                           "replicate-0.ckpt", "report.html"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

const char* kGrid = R"(
[sweep]
"loop.bias" = [1.0, 0.8]
)";

TEST(KilledWhileWriting, SweepCsvAndSweepJsonResumeToTheSameBytes) {
  const fs::path dir = scratch("kill_sweep");
  const fs::path config = write_config(dir, std::string(kConfig) + kGrid);
  const std::string flags = " --quiet --no-report --threads 1";
  ASSERT_EQ(run_cli("sweep " + config.string() + flags + " --out " + (dir / "whole").string()).exit_code, 0);
  for (const std::string file : {"sweep.csv", "sweep.json"}) {
    int kills = 0;
    for (int step = 1;; ++step) {
      const fs::path killed = dir / fmt::format("{}{}", file, step);
      const std::string args = "sweep " + config.string() + flags + " --out " + killed.string();
      if (run_cli(args, "OURO_TEST_KILL_WRITING=" + file + ":" + std::to_string(step)).exit_code == 0) break;
      ++kills;
      if (fs::exists(killed / "sweep.csv")) {
        EXPECT_EQ(read_file(killed / "sweep.csv"), read_file(dir / "whole/sweep.csv")) << file << " step " << step;
      }
      if (!fs::exists(killed / "sweep.json")) {
        EXPECT_TRUE(fs::exists(killed / ".partial")) << file << " step " << step;
      }
      const Outcome resumed = run_cli(args + " --resume");
      ASSERT_EQ(resumed.exit_code, 0) << file << " step " << step << ": " << resumed.output;
      EXPECT_EQ(read_file(killed / "sweep.csv"), read_file(dir / "whole/sweep.csv")) << file << " step " << step;
    }
    // .partial/sweep.json is written at the start too: its steps are among those of sweep.json.
    EXPECT_GE(kills, 4) << file;
  }
}

// A run killed after two of its three replicates finished (no part-way checkpoints), its log then
// torn at a given number of bytes from the end.
struct TornRun {
  fs::path dir;
  std::string args;
};

TornRun killed_after_two_replicates(const fs::path& dir, const fs::path& config) {
  const std::string args = "run " + config.string() + " --quiet --no-report --threads 1 --checkpoint-every 0 --out " +
                           (dir / "k").string();
  EXPECT_NE(run_cli(args, "OURO_TEST_KILL_AFTER_CHECKPOINTS=2").exit_code, 0);
  return {dir / "k", args};
}

TEST(DamagedState, ATornFinishedLogResumesToTheSameBytes) {
  const fs::path dir = scratch("torn_log");
  const fs::path config = write_config(dir, kConfig);
  ASSERT_EQ(run_cli("run " + config.string() + " --quiet --no-report --out " + (dir / "whole").string()).exit_code, 0);
  const TornRun run = killed_after_two_replicates(dir, config);
  const fs::path log = run.dir / ".partial/finished.log";
  const std::string whole_log = read_file(log);
  ASSERT_GT(whole_log.size(), 100u);
  const fs::path saved = dir / "saved";
  fs::copy(run.dir, saved, fs::copy_options::recursive);
  // Cuts through the last record's every part, and its bytes zeroed as a power loss leaves them.
  std::vector<std::string> torn;
  for (const std::size_t cut : {1, 4, 5, 12, 13, 40, 200}) torn.push_back(whole_log.substr(0, whole_log.size() - cut));
  std::string zeroed = whole_log;
  std::fill(zeroed.end() - 30, zeroed.end(), '\0');
  torn.push_back(zeroed);
  for (std::size_t i = 0; i < torn.size(); ++i) {
    fs::remove_all(run.dir);
    fs::copy(saved, run.dir, fs::copy_options::recursive);
    std::ofstream(log, std::ios::binary | std::ios::trunc) << torn[i];
    const Outcome resumed = run_cli(run.args + " --resume");
    ASSERT_EQ(resumed.exit_code, 0) << "tear " << i << ": " << resumed.output;
    for (const std::string& name : kResultFiles) {
      EXPECT_EQ(read_file(run.dir / name), read_file(dir / "whole" / name)) << name << ", tear " << i;
    }
  }
}

// Flips one byte in the middle of `file`, resumes, and expects a refusal naming it and `remedy`,
// with every file of the folder as it was.
void expect_damage_refused(const std::string& args, const fs::path& folder, const fs::path& file,
                           const std::string& remedy) {
  std::string bytes = read_file(file);
  ASSERT_FALSE(bytes.empty()) << file;
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x04);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  const auto before = snapshot(folder);
  const Outcome refused = run_cli(args + " --resume");
  EXPECT_NE(refused.exit_code, 0) << file;
  EXPECT_THAT(refused.output, HasSubstr(file.string()));
  EXPECT_THAT(refused.output, HasSubstr("damaged"));
  EXPECT_THAT(refused.output, HasSubstr(remedy));
  EXPECT_EQ(snapshot(folder), before) << "the refused resume changed the folder";
}

TEST(DamagedState, PartialFilesAreRefusedNamingThemAndNothingChanges) {
  const fs::path dir = scratch("damaged_partial");
  const fs::path config = write_config(dir, kConfig);
  ASSERT_EQ(run_cli("run " + config.string() + " --quiet --no-report --out " + (dir / "whole").string()).exit_code, 0);
  const std::string args = "run " + config.string() + " --quiet --no-report --threads 1 --checkpoint-every 1 --out " +
                           (dir / "k").string();
  // Replicate 0 finished (9 checkpoints and its log record), replicate 1 part-way.
  ASSERT_NE(run_cli(args, "OURO_TEST_KILL_AFTER_CHECKPOINTS=13").exit_code, 0);
  const fs::path partial = dir / "k/.partial";
  ASSERT_TRUE(fs::exists(partial / "replicate-1.ckpt"));
  const fs::path saved = dir / "saved";
  fs::copy(dir / "k", saved, fs::copy_options::recursive);
  const auto restore = [&] {
    fs::remove_all(dir / "k");
    fs::copy(saved, dir / "k", fs::copy_options::recursive);
  };
  expect_damage_refused(args, dir / "k", partial / "config.json", "start over with --force");
  restore();
  expect_damage_refused(args, dir / "k", partial / "finished.log", "--force");
  restore();
  expect_damage_refused(args, dir / "k", partial / "replicate-1.ckpt", "remove that file");
  // Doing what the message says: without the checkpoint, replicate 1 reruns to the same bytes.
  fs::remove(partial / "replicate-1.ckpt");
  const Outcome resumed = run_cli(args + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  for (const std::string& name : kResultFiles) EXPECT_EQ(read_file(dir / "k" / name), read_file(dir / "whole" / name)) << name;
}

TEST(DamagedState, ReportAndMergeRefuseResultFilesChangedSinceTheRun) {
  const fs::path dir = scratch("damaged_results");
  const fs::path config = write_config(dir, std::string(kConfig) + kGrid);
  const std::string sweep = "sweep " + config.string() + " --quiet --no-report --threads 1";
  ASSERT_EQ(run_cli(sweep + " --shard 0/2 --out " + (dir / "a").string()).exit_code, 0);
  ASSERT_EQ(run_cli(sweep + " --shard 1/2 --out " + (dir / "b").string()).exit_code, 0);
  const fs::path cell = dir / "b/cells" / fs::directory_iterator(dir / "b/cells")->path().filename();
  std::string metrics = read_file(cell / "metrics.csv");
  const auto at = metrics.rfind('.') + 1;  // a digit of the last value
  metrics[at] = metrics[at] == '1' ? '2' : '1';
  std::ofstream(cell / "metrics.csv", std::ios::binary | std::ios::trunc) << metrics;

  const Outcome report = run_cli("report " + cell.string() + " --out " + (dir / "r.html").string());
  EXPECT_NE(report.exit_code, 0);
  EXPECT_THAT(report.output, HasSubstr((cell / "metrics.csv").string() + ": damaged or changed since the run wrote it"));
  EXPECT_FALSE(fs::exists(dir / "r.html"));
  const Outcome merge = run_cli("merge " + (dir / "m").string() + " " + (dir / "a").string() + " " +
                                (dir / "b").string() + " --quiet");
  EXPECT_NE(merge.exit_code, 0);
  EXPECT_THAT(merge.output, HasSubstr("metrics.csv: damaged or changed since the run wrote it"));
  EXPECT_FALSE(fs::exists(dir / "m/sweep.json"));
}

TEST(DamagedState, AResumedSweepRefusesAFinishedCellChangedSinceItRan) {
  const fs::path dir = scratch("damaged_cell");
  const fs::path config = write_config(dir, std::string(kConfig) + kGrid);
  const std::string args = "sweep " + config.string() + " --quiet --no-report --threads 1 --checkpoint-every 0 --out " +
                           (dir / "k").string();
  // Cell 0's three replicates and one of cell 1's: cell 0 is finished.
  ASSERT_NE(run_cli(args, "OURO_TEST_KILL_AFTER_CHECKPOINTS=4").exit_code, 0);
  const fs::path cell = dir / "k/cells" / "0-loop.bias=1.0";
  ASSERT_TRUE(fs::exists(cell / "run.json"));
  std::ofstream(cell / "theory.csv", std::ios::app) << "9,variance,1\n";
  const Outcome refused = run_cli(args + " --resume");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.output, HasSubstr((cell / "theory.csv").string() + ": damaged or changed since the run wrote it"));
  EXPECT_FALSE(fs::exists(dir / "k/sweep.json"));
}

TEST(DamagedState, ADamagedSweepPlanIsRefusedNamingIt) {
  const fs::path dir = scratch("damaged_sweep");
  const fs::path config = write_config(dir, std::string(kConfig) + kGrid);
  const std::string args = "sweep " + config.string() + " --quiet --no-report --threads 1 --checkpoint-every 2 --out " +
                           (dir / "k").string();
  ASSERT_NE(run_cli(args, "OURO_TEST_KILL_AFTER_CHECKPOINTS=5").exit_code, 0);
  expect_damage_refused(args, dir / "k", dir / "k/.partial/sweep.json", "start over with --force");
}

}  // namespace
