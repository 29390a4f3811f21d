// The run ledger `ouro run` writes with [provenance] ledger = true, end to end through the real
// executable: its sample counts per (replicate, generation, origin, producing generation) are
// composition.csv's, its candidates' verdicts are the filters' counts there, every synthetic sample
// of a training set is a kept candidate, every generation's settings are the config's [model]; the
// file is the same bytes for 1 and 2 threads and after a kill and --resume; the run's other files
// do not change with it; a ledger removed from an interrupted folder stops the resume by name.
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <tuple>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ouro/provenance/sqlite.hpp"
#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace ouro::provenance {
namespace {

namespace fs = std::filesystem;
using testing::Outcome;
using testing::read_file;
using testing::run_cli;

// A Gaussian loop whose training sets differ between replicates (a random subsample of all data),
// screened by a curate and a threshold filter, so that every table has rows worth checking.
constexpr const char* kFilteredLoop = R"([run]
generations = 5
replicates = 3
seed = 11
[truth]
kind = "gaussian"
mean = [0.0]
cov = [[1.0]]
[loop]
initial = 60
synthetic = 40
real = "fresh"
real_samples = 10
keep = "accumulate-subsample"
[metrics]
names = ["variance"]
test_samples = 20
[provenance]
ledger = true
[[filter]]
kind = "curate"
candidates = 2
reward.linear = [1.0]
[[filter]]
kind = "threshold"
reward.linear = [1.0]
min_reward = -0.3
)";

fs::path scratch(const std::string& name) { return testing::scratch_dir("run-ledger-loop-" + name); }

Outcome run_loop(const fs::path& config, const fs::path& out, const std::string& flags = "",
                 const std::string& environment = "") {
  return run_cli(fmt::format("run {} --out {} --quiet --no-report {}", config.string(), out.string(), flags),
                 environment);
}

// The rows a query returns, each as its columns' texts joined by ','.
std::vector<std::string> query_rows(const fs::path& ledger, const std::string& sql) {
  Database db(ledger, OpenMode::kExisting);
  Statement query = db.prepare(sql);
  std::vector<std::string> rows;
  while (query.step()) {
    std::string row;
    for (int c = 0; c < query.column_count(); ++c) {
      if (c > 0) row += ',';
      row += query.text(c);
    }
    rows.push_back(row);
  }
  return rows;
}

std::int64_t query_integer(const fs::path& ledger, const std::string& sql) {
  Database db(ledger, OpenMode::kExisting);
  Statement query = db.prepare(sql);
  EXPECT_TRUE(query.step()) << sql;
  return query.integer(0);
}

// composition.csv as (replicate, generation, origin, origin_generation) -> the row's remaining cells.
using CompositionKey = std::tuple<std::string, int, std::string, int>;
std::map<CompositionKey, std::vector<std::string>> composition(const fs::path& dir) {
  std::map<CompositionKey, std::vector<std::string>> out;
  std::istringstream in(read_file(dir / "composition.csv"));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream cell(line);
    for (std::string c; std::getline(cell, c, ',');) cells.push_back(c);
    if (line.back() == ',') cells.emplace_back();
    out[{cells[0], std::stoi(cells[1]), cells[2], std::stoi(cells[3])}] =
        std::vector<std::string>(cells.begin() + 4, cells.end());
  }
  return out;
}

TEST(RunLedgerLoop, CountsVerdictsAndSettingsAreTheRunsOwn) {
  const fs::path dir = scratch("counts");
  const fs::path config = testing::write_config(dir, kFilteredLoop);
  const Outcome outcome = run_loop(config, dir / "out");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const fs::path ledger = dir / "out" / "provenance.sqlite";
  ASSERT_TRUE(fs::exists(ledger));
  EXPECT_NE(read_file(dir / "out" / "run.json").find("\"provenance_ledger\": \"provenance.sqlite\""),
            std::string::npos);

  // Sample counts: one ledger row per training sample, grouped as composition.csv groups them.
  const auto expected = composition(dir / "out");
  std::size_t groups = 0;
  for (const std::string& row :
       query_rows(ledger, "SELECT replicate, generation, origin, produced_by, count(*) FROM samples "
                          "GROUP BY replicate, generation, origin, produced_by")) {
    std::vector<std::string> cells;
    std::stringstream cell(row);
    for (std::string c; std::getline(cell, c, ',');) cells.push_back(c);
    const CompositionKey key{cells[0], std::stoi(cells[1]), cells[2], std::stoi(cells[3])};
    ASSERT_EQ(expected.count(key), 1u) << row;
    EXPECT_EQ(expected.at(key).at(0), cells[4]) << row;
    ++groups;
  }
  EXPECT_EQ(groups, expected.size());

  // Filter counts: for each synthetic set S_h, filter f judged the candidates whose verdicts name it
  // and rejected those it judged false.
  const std::vector<std::string> labels = {"filter1_curate", "filter2_threshold"};
  long rejected_in_all = 0;
  for (const auto& [key, cells] : expected) {
    const auto& [replicate, generation, origin, produced_by] = key;
    if (origin != "synthetic") continue;
    for (std::size_t f = 0; f < labels.size(); ++f) {
      const std::string judged = fmt::format(
          "SELECT count(*) FROM candidates WHERE replicate = {} AND generation = {} AND "
          "json_extract(verdicts, '$.{}') IS NOT NULL",
          replicate, produced_by, labels[f]);
      EXPECT_EQ(std::to_string(query_integer(ledger, judged)), cells.at(1 + 2 * f)) << labels[f] << " S_" << produced_by;
      const std::string rejected = fmt::format(
          "SELECT count(*) FROM candidates WHERE replicate = {} AND generation = {} AND "
          "json_extract(verdicts, '$.{}') = 0",
          replicate, produced_by, labels[f]);
      const std::int64_t count = query_integer(ledger, rejected);
      EXPECT_EQ(std::to_string(count), cells.at(2 + 2 * f)) << labels[f] << " S_" << produced_by;
      rejected_in_all += count;
    }
  }
  EXPECT_GT(rejected_in_all, 0);
  // Every synthetic training sample is a candidate its set kept, with every filter's verdict true.
  EXPECT_EQ(query_integer(ledger,
                          "SELECT count(*) FROM training_samples AS t JOIN candidates AS c ON t.replicate = "
                          "c.replicate AND t.produced_by = c.generation AND t.candidate = c.candidate "
                          "WHERE t.origin = 'synthetic' AND c.kept = 1 AND t.verdicts = "
                          "'{\"filter1_curate\":true,\"filter2_threshold\":true}'"),
            query_integer(ledger, "SELECT count(*) FROM samples WHERE origin = 'synthetic'"));
  EXPECT_GT(query_integer(ledger, "SELECT count(*) FROM samples WHERE origin = 'synthetic'"), 0);
  // A kept candidate passed both filters; a rejected one failed exactly its last judge.
  EXPECT_EQ(query_integer(ledger, "SELECT count(*) FROM candidates WHERE kept = 1 AND verdicts != "
                                  "'{\"filter1_curate\":true,\"filter2_threshold\":true}'"),
            0);

  // Generations: every replicate's 0 .. 5, each with the family, the [model] table and its size.
  EXPECT_EQ(query_integer(ledger, "SELECT count(*) FROM generations"), 3 * 6);
  EXPECT_EQ(query_integer(ledger, "SELECT count(*) FROM generations AS g WHERE training_size != (SELECT count(*) "
                                  "FROM samples AS s WHERE s.replicate = g.replicate AND s.generation = g.generation)"),
            0);
  const nlohmann::json resolved = nlohmann::json::parse(read_file(dir / "out" / "run.json"));
  for (const std::string& row : query_rows(ledger, "SELECT DISTINCT family, settings FROM generations")) {
    const std::size_t comma = row.find(',');
    EXPECT_EQ(row.substr(0, comma), "gaussian");
    EXPECT_EQ(nlohmann::json::parse(row.substr(comma + 1)), resolved.at("config").at("model")) << row;
  }
}

TEST(RunLedgerLoop, TheSameBytesForAnyThreadCountAndAfterAKillAndResume) {
  const fs::path dir = scratch("bytes");
  const fs::path config = testing::write_config(dir, kFilteredLoop);
  ASSERT_EQ(run_loop(config, dir / "one", "--threads 1").exit_code, 0);
  const Outcome two = run_loop(config, dir / "two", "--threads 2");
  ASSERT_EQ(two.exit_code, 0) << two.output;
  const std::string bytes = read_file(dir / "one" / "provenance.sqlite");
  // (EXPECT_TRUE, not EXPECT_EQ: a failure would print the files.)
  EXPECT_TRUE(read_file(dir / "two" / "provenance.sqlite") == bytes);

  // Killed after its third checkpoint (part-way through a replicate, rows of later generations
  // possibly written) and resumed.
  const std::string flags = "--checkpoint-every 2 --threads 1";
  EXPECT_NE(run_loop(config, dir / "killed", flags, "OURO_TEST_KILL_AFTER_CHECKPOINTS=3").exit_code, 0);
  ASSERT_TRUE(fs::exists(dir / "killed" / "provenance.sqlite"));
  ASSERT_FALSE(fs::exists(dir / "killed" / "run.json"));
  const Outcome resumed = run_loop(config, dir / "killed", flags + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_TRUE(read_file(dir / "killed" / "provenance.sqlite") == bytes);
  EXPECT_FALSE(fs::exists(dir / "killed" / "provenance.sqlite-wal"));

  // A sweep keeps one per cell: the cell with the run's own settings holds the same file.
  const Outcome sweep = run_cli(fmt::format("sweep {} --grid run.seed=11,12 --threads 2 --out {} --quiet --no-report",
                                            config.string(), (dir / "sweep").string()));
  ASSERT_EQ(sweep.exit_code, 0) << sweep.output;
  EXPECT_TRUE(read_file(dir / "sweep" / "cells" / "0-run.seed=11" / "provenance.sqlite") == bytes);
  EXPECT_TRUE(fs::exists(dir / "sweep" / "cells" / "1-run.seed=12" / "provenance.sqlite"));

  // The run's other files are those of a run without a ledger.
  std::string plain = kFilteredLoop;
  plain.replace(plain.find("ledger = true"), std::string("ledger = true").size(), "ledger = false");
  ASSERT_EQ(run_loop(testing::write_config(dir, plain, "plain.toml"), dir / "plain").exit_code, 0);
  EXPECT_FALSE(fs::exists(dir / "plain" / "provenance.sqlite"));
  for (const char* file : {"metrics.csv", "composition.csv", "theory.csv"})
    EXPECT_EQ(read_file(dir / "plain" / file), read_file(dir / "one" / file)) << file;
}

TEST(RunLedgerLoop, AResumeWhoseLedgerWasRemovedIsRefusedNamingTheFile) {
  const fs::path dir = scratch("removed");
  const fs::path config = testing::write_config(dir, kFilteredLoop);
  const std::string flags = "--checkpoint-every 2 --threads 1";
  EXPECT_NE(run_loop(config, dir / "out", flags, "OURO_TEST_KILL_AFTER_CHECKPOINTS=4").exit_code, 0);
  ASSERT_TRUE(fs::exists(dir / "out" / ".partial"));
  fs::remove(dir / "out" / "provenance.sqlite");
  const Outcome resumed = run_loop(config, dir / "out", flags + " --resume");
  EXPECT_NE(resumed.exit_code, 0);
  EXPECT_NE(resumed.output.find("provenance.sqlite"), std::string::npos) << resumed.output;
  EXPECT_NE(resumed.output.find("--force"), std::string::npos) << resumed.output;
  EXPECT_TRUE(fs::exists(dir / "out" / ".partial"));  // the checkpoints are kept

  // Started over, the run completes.
  const Outcome forced = run_loop(config, dir / "out", flags + " --force");
  ASSERT_EQ(forced.exit_code, 0) << forced.output;
  EXPECT_EQ(query_integer(dir / "out" / "provenance.sqlite", "SELECT count(*) FROM generations"), 3 * 6);
}

}  // namespace
}  // namespace ouro::provenance
