// The hygiene screens in the loop ([[filter]] kinds watermark and detector) and the contamination
// metrics, end to end through `ouro run`.
//
// Watermark screen (an order-4 character model of tinyshakespeare, simple_1, delta 2): every
// generation the screen drops exactly the samples the metric watermark_flagged counts (both read S_g
// as drawn), S_g shrinks by that many and nothing is redrawn; miss_rate 1 drops nothing, 0.5 about
// half of the flagged (within 4 binomial SD); the same bytes for 1 and 2 threads.
// Detector screen (an order-3 word model of wikitext-2, a detector trained here by `ouro detector
// train` on generation-0 samples): what survives the screen is what `ouro detector score` gives
// P(synthetic) <= flag_above, sample for sample; synthetic_share equals the composition's share;
// the contamination estimate lies within its interval, and is NaN when the detector flags nothing;
// synthetic_share of any run is its composition. Both screens' scores reach the run's provenance
// ledger: the watermark's z of every candidate (their mean is watermark_z), the detector's
// probability of every kept one (the CLI's, sample for sample). A training set screened empty and bad settings are
// errors naming the generation or the key.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ouro/provenance/sqlite.hpp"
#include "ouro/report/run_data.hpp"
#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace ouro::hygiene {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;

// (generation, metric) -> value of replicate `replicate`.
std::map<std::pair<int, std::string>, double> read_metrics(const fs::path& dir, std::size_t replicate = 0) {
  const report::RunData run = report::load_run(dir);
  std::map<std::pair<int, std::string>, double> out;
  for (const report::MetricValues& metric : run.metrics)
    for (std::size_t g = 0; g < metric.values.size(); ++g)
      out[{static_cast<int>(g), metric.name}] = metric.values[g].at(replicate);
  return out;
}

// composition.csv's synthetic rows of replicate 0: generation -> {count, drawn, rejected}.
struct SyntheticRow {
  long count = 0, drawn = 0, rejected = 0;
};
std::map<int, SyntheticRow> synthetic_rows(const fs::path& dir) {
  std::istringstream in(testing::read_file(dir / "composition.csv"));
  std::string line;
  std::getline(in, line);  // header: replicate,generation,origin,origin_generation,count,f_drawn,f_rejected
  std::map<int, SyntheticRow> out;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream cell(line);
    for (std::string c; std::getline(cell, c, ',');) cells.push_back(c);
    if (cells.size() < 7 || cells[0] != "0" || cells[2] != "synthetic") continue;
    out[std::stoi(cells[1])] = {std::stol(cells[4]), std::stol(cells[5]), std::stol(cells[6])};
  }
  return out;
}

fs::path run(const fs::path& dir, const std::string& name, const std::string& config, const std::string& flags = "") {
  const auto file = testing::write_config(dir, config, name + ".toml");
  const auto outcome =
      run_cli(fmt::format("run {} --out {} --quiet --no-report {}", file.string(), (dir / name).string(), flags));
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  return dir / name;
}

std::string watermark_config(double miss_rate) {
  return fmt::format(R"([run]
generations = 3
replicates = 2
seed = 3
[truth]
kind = "corpus"
corpus = "text"
path = "{}/tinyshakespeare/input.txt"
tokenizer = "char"
block_tokens = 64
[model]
family = "ngram"
order = 4
[loop]
initial = 1000
synthetic = 300
real = "fixed"
real_samples = 100
[metrics]
test_samples = 50
names = ["watermark_z", "watermark_flagged"]
[watermark]
scheme = "simple_1"
[[filter]]
kind = "watermark"
miss_rate = {}
)",
                     OURO_SHARED_DATA, miss_rate);
}

// The screen's scores of the candidates of S_g in replicate 0, in draw order, and whether each was kept.
struct LedgerCandidate {
  double score = 0.0;
  bool kept = false;
};
std::vector<LedgerCandidate> ledger_candidates(const fs::path& dir, int generation, const char* column) {
  provenance::Database db(dir / "provenance.sqlite", provenance::OpenMode::kExisting);
  provenance::Statement query = db.prepare(fmt::format(
      "SELECT {}, kept FROM candidates WHERE replicate = 0 AND generation = ?1 ORDER BY candidate", column));
  query.bind(1, generation);
  std::vector<LedgerCandidate> out;
  while (query.step()) out.push_back({query.real(0), query.integer(1) == 1});
  return out;
}

TEST(ScreenLoop, TheWatermarkScreenDropsExactlyTheFlaggedSamplesWithoutRedrawing) {
  const auto dir = testing::scratch_dir("screen-watermark");
  const auto screened = run(dir, "screened", watermark_config(0.0), "--set provenance.ledger=true");
  const auto metrics = read_metrics(screened);
  const auto rows = synthetic_rows(screened);
  ASSERT_EQ(rows.size(), 3u);  // S_0, S_1, S_2 joined the training sets of generations 1..3
  long dropped = 0;
  for (const auto& [g, row] : rows) {
    EXPECT_EQ(row.drawn, 300) << g;  // the screen judged the whole S_{g-1}, and nothing more was drawn
    EXPECT_EQ(row.count, row.drawn - row.rejected) << g;
    EXPECT_EQ(row.rejected, std::lround(300 * metrics.at({g - 1, "watermark_flagged"}))) << g;
    dropped += row.rejected;

    // The ledger holds each candidate's z: their mean is the metric's, and exactly those above the
    // threshold were dropped.
    const auto candidates = ledger_candidates(screened, g - 1, "watermark_z");
    ASSERT_EQ(candidates.size(), 300u) << g;
    double z_sum = 0.0;
    long kept = 0;
    for (const LedgerCandidate& c : candidates) {
      z_sum += c.score;
      EXPECT_EQ(c.kept, c.score <= 4.0) << g << " z " << c.score;
      kept += c.kept ? 1 : 0;
    }
    EXPECT_NEAR(z_sum / 300, metrics.at({g - 1, "watermark_z"}), 1e-9) << g;
    EXPECT_EQ(kept, row.count) << g;
  }
  EXPECT_GT(dropped, 300);  // the watermark is strong enough to be screened at all

  // A screen that misses every flagged sample drops nothing; one that misses half drops about half.
  for (const auto& [g, row] : synthetic_rows(run(dir, "blind", watermark_config(1.0)))) {
    EXPECT_EQ(row.rejected, 0) << g;
    EXPECT_EQ(row.count, 300) << g;
  }
  const auto half_dir = run(dir, "half", watermark_config(0.5));
  const auto half_metrics = read_metrics(half_dir);
  for (const auto& [g, row] : synthetic_rows(half_dir)) {
    const double flagged = 300 * half_metrics.at({g - 1, "watermark_flagged"});
    EXPECT_NEAR(static_cast<double>(row.rejected), flagged / 2, 4 * std::sqrt(flagged / 4) + 1) << g;
  }
}

TEST(ScreenLoop, TheSameBytesForOneAndTwoThreads) {
  const auto dir = testing::scratch_dir("screen-threads");
  const auto one = run(dir, "one", watermark_config(0.5), "--threads 1");
  const auto two = run(dir, "two", watermark_config(0.5), "--threads 2");
  for (const char* file : {"metrics.csv", "composition.csv", "samples.jsonl"})
    EXPECT_EQ(testing::read_file(one / file), testing::read_file(two / file)) << file;
}

// A detector for wikitext-2 blocks: reference models on 3,000 training paragraphs, fitted on 150
// validation paragraphs (their first 64 words) against 150 generation-0 samples of `generator`.
struct DetectorFixture {
  fs::path dir, detector;
};

std::string wikitext_config(std::size_t generations, const std::string& extra) {
  return fmt::format(R"([run]
generations = {}
replicates = 1
seed = 5
[truth]
kind = "corpus"
corpus = "wikitext-2"
path = "{}/wikitext-2"
tokenizer = "word"
block_tokens = 64
[model]
family = "ngram"
order = 3
[loop]
initial = 400
synthetic = 150
real = "fixed"
real_samples = 150
[metrics]
test_samples = 100
text_samples = 150
{})",
                     generations, OURO_SHARED_DATA, extra);
}

const DetectorFixture& detector_fixture() {
  static const DetectorFixture fixture = [] {
    DetectorFixture f;
    // A folder per test: ctest runs each test in its own process, possibly at the same time.
    f.dir = testing::scratch_dir(std::string("screen-detector-") +
                                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    const auto generator = run(f.dir, "generator", wikitext_config(0, "names = [\"ppl_real\"]\n"));
    std::ifstream train(fs::path(OURO_SHARED_DATA) / "wikitext-2" / "train.txt");
    std::ifstream valid(fs::path(OURO_SHARED_DATA) / "wikitext-2" / "valid.txt");
    std::ofstream reference(f.dir / "reference.txt"), real(f.dir / "real.txt");
    const auto words = [](const std::string& line) { return std::count(line.begin(), line.end(), ' '); };
    std::size_t kept = 0;
    for (std::string line; kept < 3000 && std::getline(train, line);)
      if (words(line) >= 20 && line.find(" = ") == std::string::npos) reference << line << '\n', ++kept;
    kept = 0;
    for (std::string line; kept < 150 && std::getline(valid, line);) {
      if (words(line) < 66 || line.find(" = ") != std::string::npos) continue;
      std::istringstream in(line);
      std::string word, first;
      for (int i = 0; i < 64 && in >> word; ++i) first += (i ? " " : "") + word;
      real << first << '\n', ++kept;
    }
    reference.close();
    real.close();
    f.detector = f.dir / "detector.json";
    const auto outcome = run_cli(fmt::format("detector train --reference {} --real {} --synthetic {} --out {}",
                                             (f.dir / "reference.txt").string(), (f.dir / "real.txt").string(),
                                             (generator / "samples.jsonl").string(), f.detector.string()));
    EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
    return f;
  }();
  return fixture;
}

TEST(ScreenLoop, TheDetectorScreenKeepsExactlyWhatTheDetectorPassesAndContaminationIsMeasured) {
  const DetectorFixture& f = detector_fixture();
  const std::string metrics = fmt::format(
      "names = [\"synthetic_share\", \"contamination\", \"contamination_low\", \"contamination_high\"]\n"
      "detector = \"{}\"\n[[filter]]\nkind = \"detector\"\ndetector = \"{}\"\n",
      f.detector.string(), f.detector.string());
  const auto out = run(f.dir, "screened", wikitext_config(1, metrics), "--set provenance.ledger=true");
  const auto rows = synthetic_rows(out);
  ASSERT_EQ(rows.count(1), 1u);
  const SyntheticRow row = rows.at(1);
  EXPECT_EQ(row.drawn, 150);
  EXPECT_GT(row.rejected, 0);
  EXPECT_EQ(row.count, row.drawn - row.rejected);

  // samples.jsonl holds generation 0's S_0 after the screen: every one passes the CLI's detector.
  const auto scored = run_cli(fmt::format("detector score {} {} --format json", f.detector.string(),
                                          (out / "samples.jsonl").string()));
  ASSERT_EQ(scored.exit_code, 0) << scored.output;
  std::istringstream lines(scored.output);
  long documents = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;
    EXPECT_LE(nlohmann::json::parse(line).at("probability").get<double>(), 0.5) << line;
    ++documents;
  }
  long generation0 = 0;
  std::istringstream samples(testing::read_file(out / "samples.jsonl"));
  for (std::string line; std::getline(samples, line);)
    generation0 += line.find("\"generation\":0,") != std::string::npos;
  EXPECT_EQ(generation0, row.count);

  // The ledger's detector scores: the kept candidates of S_0, in order, are samples.jsonl's first
  // lines (generation 0's), each scored as the CLI scores it; the dropped ones scored above
  // flag_above.
  std::vector<double> cli_scores;
  std::istringstream again(scored.output);
  for (std::string line; std::getline(again, line);)
    if (!line.empty() && line[0] == '{') cli_scores.push_back(nlohmann::json::parse(line).at("probability").get<double>());
  std::size_t next = 0;
  for (const LedgerCandidate& c : ledger_candidates(out, 0, "detector_score")) {
    if (!c.kept) {
      EXPECT_GT(c.score, 0.5);
      continue;
    }
    ASSERT_LT(next, cli_scores.size());
    EXPECT_NEAR(c.score, cli_scores[next++], 1e-12);
  }
  EXPECT_EQ(static_cast<long>(next), generation0);

  const auto m = read_metrics(out);
  EXPECT_EQ(m.at({0, "synthetic_share"}), 0.0);
  EXPECT_DOUBLE_EQ(m.at({1, "synthetic_share"}), static_cast<double>(row.count) / static_cast<double>(row.count + 150));
  for (int g = 0; g <= 1; ++g) {
    EXPECT_LE(m.at({g, "contamination_low"}), m.at({g, "contamination"})) << g;
    EXPECT_LE(m.at({g, "contamination"}), m.at({g, "contamination_high"})) << g;
  }
}

TEST(ScreenLoop, AnEstimateTheDetectorCannotMakeIsNaN) {
  // At flag_above 0.999999 the detector flags nothing, real or synthetic: TPR = FPR = 0, and the
  // estimate and its interval are undefined rather than a number.
  const DetectorFixture& f = detector_fixture();
  const std::string metrics = fmt::format(
      "names = [\"contamination\", \"contamination_low\", \"contamination_high\"]\ndetector = \"{}\"\n"
      "detector_flag_above = 0.999999\n",
      f.detector.string());
  const auto m = read_metrics(run(f.dir, "blind", wikitext_config(1, metrics)));
  for (const char* name : {"contamination", "contamination_low", "contamination_high"})
    for (int g = 0; g <= 1; ++g) EXPECT_TRUE(std::isnan(m.at({g, name}))) << name << " " << g;
}

TEST(ScreenLoop, SyntheticShareIsTheTrainingSetsCompositionInAnyRun) {
  // A Gaussian loop keeping 50 original points beside 100 synthetic ones: 100 / 150 from generation 1.
  const auto dir = testing::scratch_dir("screen-synthetic-share");
  const auto m = read_metrics(run(dir, "gaussian", R"([run]
generations = 2
replicates = 1
[loop]
initial = 100
synthetic = 100
real = "fixed"
real_samples = 50
[metrics]
names = ["synthetic_share"]
)"));
  EXPECT_EQ(m.at({0, "synthetic_share"}), 0.0);
  EXPECT_DOUBLE_EQ(m.at({1, "synthetic_share"}), 100.0 / 150.0);
  EXPECT_DOUBLE_EQ(m.at({2, "synthetic_share"}), 100.0 / 150.0);
}

TEST(ScreenLoop, ATrainingSetScreenedBelowTheFamilysMinimumStopsTheRunNamingTheGeneration) {
  // No real data in later training sets, and a threshold every scored sample exceeds: the screen
  // drops all of S_0, and generation 1 has nothing to train on.
  const auto dir = testing::scratch_dir("screen-empty");
  std::string config = watermark_config(0.0);
  config.replace(config.find("real = \"fixed\""), std::string("real = \"fixed\"").size(), "real = \"none\"");
  config.replace(config.find("real_samples = 100"), std::string("real_samples = 100").size(), "real_samples = 0");
  config.replace(config.find("[watermark]\n"), std::string("[watermark]\n").size(), "[watermark]\nz_threshold = -100.0\n");
  const auto file = testing::write_config(dir, config);
  const auto outcome = run_cli(fmt::format("run {} --out {} --quiet", file.string(), (dir / "out").string()));
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_NE(outcome.output.find("generation 1 of replicate 0: the training set holds 0 samples"), std::string::npos)
      << outcome.output;
  EXPECT_FALSE(fs::exists(dir / "out"));  // nothing half-written stays behind
}

TEST(ScreenLoop, SettingsTheScreensCannotHonourAreErrorsNamingTheKey) {
  const DetectorFixture& f = detector_fixture();
  const auto dir = testing::scratch_dir("screen-errors");
  struct Case {
    std::string config, expected;
  };
  const std::string wm = watermark_config(0.0);
  const std::string no_table = wm.substr(0, wm.find("[watermark]")) + "[[filter]]\nkind = \"watermark\"\n";
  const std::vector<Case> cases = {
      {no_table, "watermark.scheme is \"none\""},
      {wm + "max_draws = 5\n", "filter.0.max_draws"},
      {wm + "[[filter]]\nkind = \"dedup\"\n", "must come before the screens"},
      {wm + "detector = \"x.json\"\n", "filter.0.detector"},
      {fmt::format(R"([truth]
kind = "gaussian"
[[filter]]
kind = "watermark"
)"),
       "needs a corpus truth"},
      {wikitext_config(1, "[[filter]]\nkind = \"detector\"\n"), "needs detector"},
      {wikitext_config(1, "[[filter]]\nkind = \"detector\"\ndetector = \"/no/such/detector.json\"\n"),
       "filter.0.detector"},
      {wikitext_config(1, fmt::format("[[filter]]\nkind = \"detector\"\ndetector = \"{}\"\nflag_above = 1.0\n",
                                      f.detector.string())),
       "filter.0.flag_above"},
      {wikitext_config(1, "detector = \"/no/such/detector.json\"\n"), "metrics.detector"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto config = testing::write_config(dir, cases[i].config, fmt::format("case{}.toml", i));
    const auto outcome = run_cli(fmt::format("run {} --out {} --quiet", config.string(), (dir / "out").string()));
    EXPECT_NE(outcome.exit_code, 0) << cases[i].config;
    EXPECT_NE(outcome.output.find(cases[i].expected), std::string::npos) << cases[i].config << "\n" << outcome.output;
    EXPECT_FALSE(fs::exists(dir / "out" / "metrics.csv")) << i;
  }
}

}  // namespace
}  // namespace ouro::hygiene
