// RunLedger: generations written as batches read back row for row (origin, producing generation,
// sample id, scores, verdicts as a JSON object); writing a generation twice is refused; truncating
// a replicate after generation g removes its later rows only, and the generation can be written
// again (resume); two threads writing different replicates lose nothing.
#include "ouro/provenance/run_ledger.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "ouro/core/error.hpp"
#include "provenance/ledger_fixtures.hpp"
#include "support/files.hpp"

namespace ouro::provenance {
namespace {

GenerationRow generation_row(std::int32_t replicate, std::int32_t generation, std::int64_t size) {
  GenerationRow g;
  g.replicate = replicate;
  g.generation = generation;
  g.family = "gaussian";
  g.settings = {{"estimator", "mle"}, {"generation", generation}};
  g.training_size = size;
  return g;
}

// Generation g's training set: `real` original samples, then synthetic ones from generation g - 1
// (scored, with a filter's verdicts).
std::vector<SampleRow> training_set(std::int32_t generation, std::uint32_t real, std::uint32_t synthetic) {
  std::vector<SampleRow> rows;
  for (std::uint32_t i = 0; i < real + synthetic; ++i) {
    SampleRow s;
    s.position = i;
    const bool is_real = i < real || generation == 0;
    s.provenance.origin = is_real ? Origin::kOriginal : Origin::kSynthetic;
    s.provenance.generation = is_real ? 0 : generation - 1;
    s.provenance.index = is_real ? i : i - real;
    s.provenance.candidate = is_real ? i : 2 * (i - real);
    s.provenance.watermarked = !is_real;
    if (!is_real) {
      s.watermark_z = 0.5 * i;
      s.detector_score = 1.0 / (1.0 + i);
      s.verdicts = {{"filter.0.dedup", true}, {"filter.1.threshold", i % 3 != 0}};
    }
    rows.push_back(s);
  }
  return rows;
}

TEST(RunLedger, GenerationsReadBackRowForRow) {
  const auto dir = testing::scratch_dir("run-ledger-rows");
  const auto file = dir / "provenance.sqlite";
  {
    RunLedger ledger(file);
    for (std::int32_t g = 0; g < 3; ++g) {
      const auto rows = training_set(g, 4, 6);
      ledger.write_generation(generation_row(0, g, static_cast<std::int64_t>(rows.size())), rows);
    }
    EXPECT_EQ(ledger.last_generation(0), 2);
    EXPECT_EQ(ledger.last_generation(1), std::nullopt);
    EXPECT_EQ(ledger.sample_count(0, 1), 10);
  }
  Database db(file, OpenMode::kExisting);
  Statement query = db.prepare(
      "SELECT origin, produced_by, sample, candidate, watermarked, watermark_z, detector_score, verdicts "
      "FROM samples WHERE replicate = 0 AND generation = 2 AND position = 6");
  ASSERT_TRUE(query.step());
  EXPECT_EQ(query.text(0), "synthetic");
  EXPECT_EQ(query.integer(1), 1);
  EXPECT_EQ(query.integer(2), 2);
  EXPECT_EQ(query.integer(3), 4);
  EXPECT_EQ(query.integer(4), 1);
  EXPECT_EQ(query.real(5), 3.0);
  EXPECT_EQ(query.real(6), 1.0 / 7.0);
  EXPECT_EQ(nlohmann::json::parse(query.text(7)),
            (nlohmann::json{{"filter.0.dedup", true}, {"filter.1.threshold", false}}));
  Statement original = db.prepare(
      "SELECT count(*), count(watermark_z), min(verdicts) FROM samples WHERE origin = 'original'");
  ASSERT_TRUE(original.step());
  EXPECT_EQ(original.integer(0), 10 + 4 + 4);
  EXPECT_EQ(original.integer(1), 0);
  EXPECT_EQ(original.text(2), "{}");
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
    for (std::int32_t g = 0; g < 4; ++g) ledger.write_generation(generation_row(r, g, 5), training_set(g, 2, 3));
  try {
    ledger.write_generation(generation_row(0, 2, 5), training_set(2, 2, 3));
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
  ledger.write_generation(generation_row(0, 2, 7), training_set(2, 3, 4));
  EXPECT_EQ(ledger.sample_count(0, 2), 7);
  ledger.truncate_after(1, -1);
  EXPECT_EQ(ledger.last_generation(1), std::nullopt);
  EXPECT_EQ(testing::ledger_integer(dir / "provenance.sqlite", "SELECT count(*) FROM samples WHERE replicate = 1"), 0);
}

TEST(RunLedger, ReplicatesWrittenFromTwoThreadsAreAllThere) {
  const auto dir = testing::scratch_dir("run-ledger-threads");
  RunLedger ledger(dir / "provenance.sqlite");
  std::vector<std::thread> threads;
  for (std::int32_t r = 0; r < 2; ++r) {
    threads.emplace_back([&ledger, r] {
      for (std::int32_t g = 0; g < 20; ++g) ledger.write_generation(generation_row(r, g, 50), training_set(g, 20, 30));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(testing::ledger_integer(dir / "provenance.sqlite", "SELECT count(*) FROM samples"), 2 * 20 * 50);
  EXPECT_EQ(testing::ledger_integer(dir / "provenance.sqlite", "SELECT count(*) FROM generations"), 40);
}

}  // namespace
}  // namespace ouro::provenance
