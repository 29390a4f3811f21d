// RunLedger: generations written as batches read back row for row (origin, producing generation,
// sample id; the scores and verdicts of its candidate row, joined by the view training_samples); writing a generation twice is refused; truncating
// a replicate after generation g removes its later rows only, and the generation can be written
// again (resume); two threads writing different replicates lose nothing.
#include "ouro/provenance/run_ledger.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "ouro/core/error.hpp"
#include "provenance/ledger_fixtures.hpp"
#include "support/files.hpp"

namespace ouro::provenance {
namespace {

namespace fs = std::filesystem;

GenerationRow generation_row(std::int32_t replicate, std::int32_t generation, std::int64_t size) {
  GenerationRow g;
  g.replicate = replicate;
  g.generation = generation;
  g.family = "gaussian";
  g.settings = {{"estimator", "mle"}, {"generation", generation}};
  g.training_size = size;
  return g;
}

// Generation g's training set: `real` original samples, then `synthetic` ones from generation g - 1
// (watermarked, candidates 0, 2, 4, ...), as provenance runs.
Dataset training_set(std::int32_t generation, std::uint32_t real, std::uint32_t synthetic) {
  std::vector<Provenance> rows;
  for (std::uint32_t i = 0; i < real + synthetic; ++i) {
    Provenance p;
    const bool is_real = i < real || generation == 0;
    p.origin = is_real ? Origin::kOriginal : Origin::kSynthetic;
    p.generation = is_real ? 0 : generation - 1;
    p.index = is_real ? i : i - real;
    p.candidate = is_real ? i : 2 * (i - real);
    p.watermarked = !is_real;
    rows.push_back(p);
  }
  return Dataset(Matrix::Zero(static_cast<Eigen::Index>(rows.size()), 1), rows);
}

// The candidates S_g was drawn from: even ones kept, odd ones rejected by a threshold filter, all
// scored by a watermark screen.
std::vector<CandidateRow> candidates(std::uint32_t count) {
  static const std::string kept = R"({"filter1_threshold":true,"filter2_watermark":true})";
  static const std::string rejected = R"({"filter1_threshold":false})";
  std::vector<CandidateRow> rows;
  for (std::uint32_t c = 0; c < count; ++c) {
    rows.push_back({.candidate = c, .kept = c % 2 == 0, .verdicts = c % 2 == 0 ? kept : rejected,
                    .watermark_z = c % 2 == 0 ? std::optional<double>(0.5 * c) : std::nullopt,
                    .detector_score = std::nullopt});
  }
  return rows;
}

TEST(RunLedger, GenerationsReadBackRowForRow) {
  const auto dir = testing::scratch_dir("run-ledger-rows");
  const auto file = dir / "provenance.sqlite";
  {
    RunLedger ledger(file);
    for (std::int32_t g = 0; g < 3; ++g) {
      const Dataset rows = training_set(g, 4, 6);
      ledger.write_generation(generation_row(0, g, rows.size()), rows, candidates(12));
    }
    EXPECT_EQ(ledger.last_generation(0), 2);
    EXPECT_EQ(ledger.last_generation(1), std::nullopt);
    EXPECT_EQ(ledger.sample_count(0, 1), 10);
  }
  Database db(file, OpenMode::kExisting);
  Statement query = db.prepare(
      "SELECT origin, produced_by, sample, candidate, watermarked, watermark_z, detector_score, verdicts "
      "FROM training_samples WHERE replicate = 0 AND generation = 2 AND position = 6");
  ASSERT_TRUE(query.step());
  EXPECT_EQ(query.text(0), "synthetic");
  EXPECT_EQ(query.integer(1), 1);
  EXPECT_EQ(query.integer(2), 2);
  EXPECT_EQ(query.integer(3), 4);
  EXPECT_EQ(query.integer(4), 1);
  EXPECT_EQ(query.real(5), 2.0);  // candidate 4's score, from generation 1's candidates
  EXPECT_TRUE(query.is_null(6));
  EXPECT_EQ(nlohmann::json::parse(query.text(7)),
            (nlohmann::json{{"filter1_threshold", true}, {"filter2_watermark", true}}));
  Statement original = db.prepare(
      "SELECT count(*), count(watermark_z), min(verdicts), max(verdicts) FROM training_samples "
      "WHERE origin = 'original'");
  ASSERT_TRUE(original.step());
  EXPECT_EQ(original.integer(0), 10 + 4 + 4);
  EXPECT_EQ(original.integer(1), 0);
  EXPECT_EQ(original.text(2), "{}");
  EXPECT_EQ(original.text(3), "{}");
  Statement rejected = db.prepare(
      "SELECT count(*), sum(kept), count(watermark_z) FROM candidates WHERE replicate = 0 AND generation = 1 "
      "AND json_extract(verdicts, '$.filter1_threshold') = 0");
  ASSERT_TRUE(rejected.step());
  EXPECT_EQ(rejected.integer(0), 6);
  EXPECT_EQ(rejected.integer(1), 0);
  EXPECT_EQ(rejected.integer(2), 0);
  Statement settings = db.prepare("SELECT json_extract(settings, '$.estimator'), training_size FROM generations "
                                  "WHERE replicate = 0 AND generation = 1");
  ASSERT_TRUE(settings.step());
  EXPECT_EQ(settings.text(0), "mle");
  EXPECT_EQ(settings.integer(1), 10);
}

TEST(RunLedger, TruncationAfterAGenerationLetsResumeWriteItAgain) {
  const auto dir = testing::scratch_dir("run-ledger-resume");
  RunLedger ledger(dir / "provenance.sqlite");
  for (std::int32_t r = 0; r < 2; ++r)
    for (std::int32_t g = 0; g < 4; ++g) ledger.write_generation(generation_row(r, g, 5), training_set(g, 2, 3), candidates(6));
  try {
    ledger.write_generation(generation_row(0, 2, 5), training_set(2, 2, 3), candidates(6));
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("provenance.sqlite"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("generations.replicate, generations.generation"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(ledger.sample_count(0, 2), 5);  // the refused write left the generation as it was

  ledger.truncate_after(0, 1);
  EXPECT_EQ(ledger.last_generation(0), 1);
  EXPECT_EQ(ledger.sample_count(0, 2), 0);
  EXPECT_EQ(ledger.sample_count(0, 1), 5);
  EXPECT_EQ(ledger.last_generation(1), 3);  // another replicate is untouched
  EXPECT_EQ(ledger.sample_count(1, 3), 5);
  ledger.write_generation(generation_row(0, 2, 7), training_set(2, 3, 4), candidates(8));
  EXPECT_EQ(ledger.sample_count(0, 2), 7);
  ledger.truncate_after(1, -1);
  EXPECT_EQ(ledger.last_generation(1), std::nullopt);
  EXPECT_EQ(testing::ledger_integer(dir / "provenance.sqlite", "SELECT count(*) FROM samples WHERE replicate = 1"), 0);
  EXPECT_EQ(testing::ledger_integer(dir / "provenance.sqlite", "SELECT count(*) FROM candidates WHERE replicate = 1"),
            0);
  EXPECT_EQ(testing::ledger_integer(dir / "provenance.sqlite", "SELECT count(*) FROM candidates WHERE replicate = 0"),
            6 + 6 + 8);
}

TEST(RunLedger, ReplicatesWrittenFromTwoThreadsAreAllThere) {
  const auto dir = testing::scratch_dir("run-ledger-threads");
  RunLedger ledger(dir / "provenance.sqlite");
  std::vector<std::thread> threads;
  for (std::int32_t r = 0; r < 2; ++r) {
    threads.emplace_back([&ledger, r] {
      for (std::int32_t g = 0; g < 20; ++g) {
        ledger.write_generation(generation_row(r, g, 50), training_set(g, 20, 30), candidates(60));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(testing::ledger_integer(dir / "provenance.sqlite", "SELECT count(*) FROM samples"), 2 * 20 * 50);
  EXPECT_EQ(testing::ledger_integer(dir / "provenance.sqlite", "SELECT count(*) FROM generations"), 40);
}

TEST(RunLedger, CompactionMakesTheBytesIndependentOfTheOrderOfWritesAndOfReopening) {
  const auto dir = testing::scratch_dir("run-ledger-compact");
  // The same rows, replicate after replicate in one file and interleaved the other way round in the
  // other (as threads may write them), with the second closed, reopened and a truncated generation
  // written again (as a resume does).
  {
    RunLedger in_order(dir / "a.sqlite");
    for (std::int32_t r = 0; r < 3; ++r)
      for (std::int32_t g = 0; g < 4; ++g) in_order.write_generation(generation_row(r, g, 9), training_set(g, 4, 5), candidates(10));
  }
  {
    RunLedger interleaved(dir / "b.sqlite");
    for (std::int32_t g = 0; g < 4; ++g)
      for (std::int32_t r = 2; r >= 0; --r) interleaved.write_generation(generation_row(r, g, 9), training_set(g, 4, 5), candidates(10));
  }
  {
    RunLedger reopened(dir / "b.sqlite");
    reopened.truncate_after(1, 1);
    for (std::int32_t g = 2; g < 4; ++g) reopened.write_generation(generation_row(1, g, 9), training_set(g, 4, 5), candidates(10));
  }
  compact_ledger(dir / "a.sqlite");
  compact_ledger(dir / "b.sqlite");
  const std::string a = testing::read_file(dir / "a.sqlite");
  EXPECT_TRUE(a == testing::read_file(dir / "b.sqlite"));  // (not EXPECT_EQ: its message would print the files)
  for (const char* left : {"b.sqlite-wal", "b.sqlite-shm", "b.sqlite.compact-tmp"}) EXPECT_FALSE(fs::exists(dir / left)) << left;
  // The compacted file is a ledger like any other.
  RunLedger again(dir / "b.sqlite");
  EXPECT_EQ(again.last_generation(1), 3);
  EXPECT_EQ(again.sample_count(2, 3), 9);
}

}  // namespace
}  // namespace ouro::provenance
