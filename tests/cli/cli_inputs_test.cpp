// Inputs read as meant, end to end through the real executable: a data file's header and chosen
// columns (run.json's "data" record, the id-like column warning, `ouro metric --columns`), paths
// relative to the config file that names them, an image truth's wrong folder or a family that cannot
// take images, and a run or sweep that fails during set-up leaving nothing that refuses the
// corrected config.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
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

fs::path scratch(const std::string& name) { return ouro::testing::scratch_dir("ouro_cli_inputs_" + name); }

// Old Faithful as R writes it (row names first), copied beside the configs so that the test can
// move it around. 272 rows.
fs::path faithful_copy(const fs::path& folder) {
  fs::create_directories(folder);
  fs::copy_file(fs::path(OURO_SHARED_DATA) / "old-faithful" / "faithful.csv", folder / "faithful.csv");
  return folder / "faithful.csv";
}

// A file truth whose path is written relative to the config's folder (configs/ -> ../data/).
std::string faithful_config(const std::string& columns_line) {
  return "[run]\ngenerations = 2\nreplicates = 3\n[truth]\nkind = \"file\"\npath = \"../data/faithful.csv\"\n" +
         columns_line + "[model]\nfamily = \"gaussian\"\n[metrics]\ntest_samples = 72\n";
}

TEST(CliInputs, ColumnsByNameAreTheDataAndRunJsonSaysWhatWasRead) {
  const fs::path dir = scratch("columns");
  faithful_copy(dir / "data");
  fs::create_directories(dir / "configs");
  const fs::path config = write_config(dir / "configs", faithful_config("columns = [\"eruptions\", \"waiting\"]\n"));
  // Run from another folder than the config's: the path is the config file's.
  const Outcome outcome = run_cli("run " + config.string() + " --quiet --out " + (dir / "o").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_THAT(outcome.output, Not(HasSubstr("row number")));
  const auto run = nlohmann::json::parse(read_file(dir / "o/run.json"));
  const std::string file = fs::canonical(dir / "data" / "faithful.csv").string();
  EXPECT_EQ(run["data"], nlohmann::json::parse(R"({"file": ")" + file + R"(", "rows": 272, "test_rows": 72, "dim": 2,
      "columns": [{"index": 1, "name": "eruptions"}, {"index": 2, "name": "waiting"}]})"));
  // The path echoed is the one opened; no dimension the run did not use.
  EXPECT_EQ(run["config"]["truth"]["path"], file);
  EXPECT_FALSE(run["config"]["truth"].contains("dim"));
  // The data are eruptions (1.6 to 5.1 minutes) and waits (43 to 96): generation 0's mean shift
  // is small against the 58 the row-name column gave.
  const std::string metrics = read_file(dir / "o/metrics.csv");
  EXPECT_THAT(metrics, HasSubstr("0,0,mean_shift,"));
  const auto at = metrics.find("0,0,mean_shift,") + 15;
  EXPECT_LT(std::stod(metrics.substr(at, metrics.find('\n', at) - at)), 5.0);
  // The same run resumes as finished (its config is unchanged).
  const Outcome resumed = run_cli("run " + config.string() + " --quiet --resume --out " + (dir / "o").string());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
}

TEST(CliInputs, AnInterruptedRunResumesFromAnotherFolderWithTheSameConfig) {
  const fs::path dir = scratch("resume");
  faithful_copy(dir / "data");
  fs::create_directories(dir / "configs");
  write_config(dir / "configs", faithful_config("columns = [\"eruptions\", \"waiting\"]\n"));
  const std::string out = " --quiet --threads 1 --out " + (dir / "o").string();
  // Started from dir as configs/config.toml and killed after its first replicate...
  const Outcome killed =
      run_cli("run configs/config.toml" + out, "cd " + dir.string() + " && OURO_TEST_KILL_AFTER_CHECKPOINTS=1");
  ASSERT_NE(killed.exit_code, 0);
  ASSERT_TRUE(fs::exists(dir / "o/.partial")) << killed.output;
  // ... it resumes from the config's own folder: truth.path resolves to the same file.
  const Outcome resumed = run_cli("run config.toml --resume" + out, "cd " + (dir / "configs").string() + " &&");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  ASSERT_EQ(run_cli("run " + (dir / "configs/config.toml").string() + " --quiet --out " + (dir / "whole").string())
                .exit_code,
            0);
  EXPECT_EQ(read_file(dir / "o/metrics.csv"), read_file(dir / "whole/metrics.csv"));
}

TEST(CliInputs, SweptPathsInTheFileAreRelativeToItToo) {
  const fs::path dir = scratch("sweep_paths");
  faithful_copy(dir / "data");
  {
    std::ifstream in(dir / "data" / "faithful.csv");
    std::ofstream head(dir / "data" / "head.csv");
    std::string line;
    for (int i = 0; i < 201 && std::getline(in, line); ++i) head << line << "\n";  // header + 200 rows
  }
  fs::create_directories(dir / "configs");
  const fs::path config = write_config(
      dir / "configs", faithful_config("columns = [\"eruptions\", \"waiting\"]\n") +
                           "[sweep]\n\"truth.path\" = [\"../data/faithful.csv\", \"../data/head.csv\"]\n");
  const Outcome outcome = run_cli("sweep " + config.string() + " --quiet --out " + (dir / "s").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  std::vector<std::pair<std::string, int>> read;
  for (const auto& cell : fs::directory_iterator(dir / "s" / "cells")) {
    const auto run = nlohmann::json::parse(read_file(cell.path() / "run.json"));
    read.emplace_back(run["data"]["file"].get<std::string>(), run["data"]["rows"].get<int>());
  }
  std::sort(read.begin(), read.end());
  const fs::path data = fs::canonical(dir / "data");
  EXPECT_EQ(read, (std::vector<std::pair<std::string, int>>{{(data / "faithful.csv").string(), 272},
                                                            {(data / "head.csv").string(), 200}}));
}

TEST(CliInputs, AFileReadWholeWarnsAboutItsRowNameColumn) {
  const fs::path dir = scratch("warn");
  faithful_copy(dir / "data");
  fs::create_directories(dir / "configs");
  const fs::path config = write_config(dir / "configs", faithful_config(""));
  const Outcome outcome = run_cli("run " + config.string() + " --quiet --out " + (dir / "o").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("faithful.csv: column 0 'rownames' (counting from 0) is named like a row "
                                        "number and is read as data; choose the data columns with truth.columns = "
                                        "[\"eruptions\", \"waiting\"]"));
  const auto run = nlohmann::json::parse(read_file(dir / "o/run.json"));
  EXPECT_EQ(run["data"]["dim"], 3);
  EXPECT_EQ(run["data"]["columns"][0], nlohmann::json::parse(R"({"index": 0, "name": "rownames"})"));
}

TEST(CliInputs, AMissingFileNamesTheKeyAndTheAbsolutePath) {
  const fs::path dir = scratch("missing");
  fs::create_directories(dir / "configs");
  const fs::path config = write_config(dir / "configs", faithful_config(""));
  const Outcome outcome = run_cli("run " + config.string() + " --quiet --out " + (dir / "o").string());
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("truth.path: " + (fs::canonical(dir) / "data" / "faithful.csv").string() +
                                        ": no such file"));
  EXPECT_FALSE(fs::exists(dir / "o"));
}

TEST(CliInputs, AnImageTruthWithAWrongFolderOrAFamilyThatCannotTakeImagesIsRefused) {
  const fs::path dir = scratch("image_truth");
  fs::create_directories(dir / "empty");
  const std::string image_config = "[run]\ngenerations = 1\nreplicates = 1\n[truth]\nkind = \"mnist\"\npath = \"{}\"\n"
                                   "pool = 200\n[model]\nfamily = \"gaussian\"\n[metrics]\ntest_samples = 50\n";
  // A folder without the idx files: the missing file is named, with the key that pointed at it.
  const fs::path wrong = write_config(dir, fmt::format(fmt::runtime(image_config), (dir / "empty").string()));
  const Outcome missing = run_cli("run " + wrong.string() + " --quiet --out " + (dir / "o").string());
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_THAT(missing.output, HasSubstr("truth.path"));
  EXPECT_THAT(missing.output, HasSubstr((dir / "empty" / "train-images-idx3-ubyte.gz").string()));
  EXPECT_FALSE(fs::exists(dir / "o"));
  // The real files, but a family that models real vectors.
  const fs::path gaussian =
      write_config(dir, fmt::format(fmt::runtime(image_config), (fs::path(OURO_SHARED_DATA) / "mnist").string()));
  const Outcome refused = run_cli("run " + gaussian.string() + " --quiet --out " + (dir / "o").string());
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.output, HasSubstr("model.family"));
  EXPECT_THAT(refused.output, HasSubstr("truth.kind \"mnist\" gives 1 x 28 x 28 images"));
  EXPECT_FALSE(fs::exists(dir / "o"));
}

TEST(CliInputs, MetricColumnsApplyToBothFilesAndJsonSaysWhichWereUsed) {
  const fs::path dir = scratch("metric");
  const fs::path file = faithful_copy(dir);
  const std::string files = fmt::format(" {} {}", file.string(), file.string());
  const Outcome whole = run_cli("metric frechet" + files + " --format json");
  ASSERT_EQ(whole.exit_code, 0) << whole.output;
  EXPECT_THAT(whole.output, HasSubstr("choose the data columns with --columns eruptions,waiting"));
  const Outcome chosen = run_cli("metric frechet" + files + " --format json --columns eruptions,waiting");
  ASSERT_EQ(chosen.exit_code, 0) << chosen.output;
  const auto json = nlohmann::json::parse(chosen.output);
  EXPECT_EQ(json["dim"], 2);
  const auto columns = nlohmann::json::parse(R"([{"index": 1, "name": "eruptions"}, {"index": 2, "name": "waiting"}])");
  EXPECT_EQ(json["real"]["columns"], columns);
  EXPECT_EQ(json["generated"]["columns"], columns);
  EXPECT_EQ(json["real"]["rows"], 272);
  const Outcome indexed = run_cli("metric frechet" + files + " --format json --columns 1,2");
  ASSERT_EQ(indexed.exit_code, 0) << indexed.output;
  EXPECT_EQ(nlohmann::json::parse(indexed.output)["real"]["columns"], columns);
  const Outcome unknown = run_cli("metric frechet" + files + " --columns eruption");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.output, HasSubstr("--columns: 'eruption' is not a column of " + file.string() +
                                        "; its header names \"rownames\", \"eruptions\", \"waiting\""));
}

// A text corpus of 40 lines; its test split (the last 4 lines, 52 tokens with their </s>) holds 13
// blocks of 4 tokens, fewer than the 50 test samples asked for: the run fails in set-up, as its
// first replicate builds the test set.
std::string corpus_config(const fs::path& dir) {
  std::ofstream text(dir / "corpus.txt");
  for (int line = 0; line < 40; ++line) {
    for (int word = 0; word < 12; ++word) text << (word ? " " : "") << static_cast<char>('a' + (line * 7 + word * 3) % 8);
    text << "\n";
  }
  return "[run]\ngenerations = 2\nreplicates = 2\n[truth]\nkind = \"corpus\"\ncorpus = \"text\"\n"
         "path = \"corpus.txt\"\nblock_tokens = 4\n[model]\nfamily = \"ngram\"\n[metrics]\ntest_samples = 50\n";
}

TEST(CliInputs, AFailedStartLeavesNothingThatBlocksTheCorrectedConfig) {
  const fs::path dir = scratch("failed_start");
  const fs::path config = write_config(dir, corpus_config(dir));
  const std::string out = " --quiet --out " + (dir / "o").string();
  const Outcome failed = run_cli("run " + config.string() + out);
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_THAT(failed.output, HasSubstr("metrics.test_samples = 50 but the test split holds 13 blocks"));
  EXPECT_FALSE(fs::exists(dir / "o")) << "the folder the run made stays behind";
  // An output folder that was there before stays, empty.
  fs::create_directories(dir / "mine");
  EXPECT_NE(run_cli("run " + config.string() + " --quiet --out " + (dir / "mine").string()).exit_code, 0);
  EXPECT_TRUE(fs::is_empty(dir / "mine"));
  // The corrected config runs, without --resume or --force.
  const Outcome fixed = run_cli("run " + config.string() + out + " --set metrics.test_samples=5");
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_TRUE(fs::exists(dir / "o/run.json"));
}

TEST(CliInputs, AFailedSweepStartLeavesNothingThatBlocksTheCorrectedConfig) {
  const fs::path dir = scratch("failed_sweep");
  const fs::path config = write_config(dir, corpus_config(dir));
  const std::string sweep = "sweep " + config.string() + " --quiet --grid model.order=2,3 --out " + (dir / "s").string();
  const Outcome failed = run_cli(sweep);
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_THAT(failed.output, HasSubstr("but the test split holds 13 blocks"));
  EXPECT_FALSE(fs::exists(dir / "s"));
  const Outcome fixed = run_cli(sweep + " --set metrics.test_samples=5");
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_TRUE(fs::exists(dir / "s/sweep.json"));
}

}  // namespace
