// The corpus ledger: adding the same documents under the same source twice adds nothing; the same
// text under another source is a row of its own (not a distinct text); stats equal a hand
// computation over NULLs and a threshold; an add that fails part-way leaves no row behind.
#include "ouro/provenance/corpus_ledger.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "ouro/core/error.hpp"
#include "ouro/io/sha256.hpp"
#include "provenance/ledger_fixtures.hpp"
#include "support/files.hpp"

namespace ouro::provenance {
namespace {

DocumentRecord record(std::int64_t position, std::string text, std::optional<double> z = std::nullopt,
                      std::optional<bool> flagged = std::nullopt, std::optional<double> p = std::nullopt) {
  DocumentRecord r;
  r.position = position;
  r.text = std::move(text);
  r.watermark_z = z;
  r.watermark_flagged = flagged;
  r.detector_probability = p;
  return r;
}

Addition addition(const std::string& source) {
  Addition a;
  a.source = source;
  a.corpus = "/corpora/" + source + ".txt";
  a.corpus_sha256 = sha256_hex(source);
  a.input = "lines";
  return a;
}

TEST(CorpusLedger, AddingTheSameTextsUnderTheSameSourceAgainAddsNothing) {
  const auto dir = testing::scratch_dir("corpus-ledger-idempotent");
  CorpusLedger ledger(dir / "l.sqlite", OpenMode::kCreateIfMissing);
  const std::vector<DocumentRecord> docs = {record(1, "one two"), record(2, "three"), record(3, "one two")};
  AddResult r = ledger.add(addition("web"), docs);
  EXPECT_EQ(r.added, 2);
  EXPECT_EQ(r.present, 1);  // the batch repeats its first text
  r = ledger.add(addition("web"), docs);
  EXPECT_EQ(r.added, 0);
  EXPECT_EQ(r.present, 3);
  r = ledger.add(addition("crowd"), std::vector<DocumentRecord>{record(1, "three"), record(2, "four")});
  EXPECT_EQ(r.added, 2);
  const LedgerStats s = ledger.stats(0.5);
  ASSERT_EQ(s.sources.size(), 2u);
  EXPECT_EQ(s.sources[0].source, "crowd");
  EXPECT_EQ(s.sources[0].documents, 2);
  EXPECT_EQ(s.sources[0].distinct_texts, 1);  // "three" came first under web
  EXPECT_EQ(s.sources[1].documents, 2);
  EXPECT_EQ(s.sources[1].distinct_texts, 2);
  EXPECT_EQ(s.total.documents, 4);
  EXPECT_EQ(s.total.distinct_texts, 3);
  EXPECT_EQ(s.total.bytes, 7 + 5 + 5 + 4);
  EXPECT_EQ(testing::ledger_integer(dir / "l.sqlite", "SELECT count(*) FROM additions"), 3);
  EXPECT_EQ(testing::ledger_integer(dir / "l.sqlite", "SELECT sum(new_documents) FROM additions"), 4);
  EXPECT_EQ(testing::ledger_integer(dir / "l.sqlite", "SELECT words FROM documents WHERE text = 'one two'"), 2);
}

TEST(CorpusLedger, StatsEqualAHandComputation) {
  const auto dir = testing::scratch_dir("corpus-ledger-stats");
  CorpusLedger ledger(dir / "l.sqlite", OpenMode::kCreateIfMissing);
  // web: z for three of four (the fourth too short to score, still checked), flags 1 of 4;
  // probabilities 0.2, 0.6, 0.9, 0.5. books: nothing measured.
  ledger.add(addition("web"), std::vector<DocumentRecord>{record(1, "aa", 1.0, false, 0.2), record(2, "bbb", 5.0, true, 0.6),
                                                          record(3, "c", 3.0, false, 0.9),
                                                          record(4, "dddd", std::nullopt, false, 0.5)});
  ledger.add(addition("books"), std::vector<DocumentRecord>{record(1, "aa"), record(2, "eeeee")});
  const LedgerStats s = ledger.stats(0.6);
  ASSERT_EQ(s.sources.size(), 2u);
  const SourceStats& books = s.sources[0];
  EXPECT_EQ(books.documents, 2);
  EXPECT_EQ(books.distinct_texts, 1);
  EXPECT_EQ(books.bytes, 7);
  EXPECT_EQ(books.watermark_checked, 0);
  EXPECT_EQ(books.mean_watermark_z, std::nullopt);
  EXPECT_EQ(books.watermark_flagged_share, std::nullopt);
  EXPECT_EQ(books.detector_scored, 0);
  EXPECT_EQ(books.detector_flagged_share, std::nullopt);
  const SourceStats& web = s.sources[1];
  EXPECT_EQ(web.documents, 4);
  EXPECT_EQ(web.distinct_texts, 4);
  EXPECT_EQ(web.bytes, 10);
  EXPECT_EQ(web.watermark_checked, 4);
  EXPECT_DOUBLE_EQ(*web.mean_watermark_z, 3.0);
  EXPECT_DOUBLE_EQ(*web.watermark_flagged_share, 0.25);
  EXPECT_EQ(web.detector_scored, 4);
  EXPECT_DOUBLE_EQ(*web.mean_detector_probability, 0.55);
  EXPECT_DOUBLE_EQ(*web.detector_flagged_share, 0.5);  // 0.6 and 0.9 reach 0.6
  EXPECT_EQ(s.total.documents, 6);
  EXPECT_EQ(s.total.distinct_texts, 5);
  EXPECT_EQ(s.total.bytes, 17);
  EXPECT_EQ(s.total.watermark_checked, 4);
  EXPECT_DOUBLE_EQ(*s.total.watermark_flagged_share, 0.25);
  EXPECT_DOUBLE_EQ(*s.total.mean_detector_probability, 0.55);
}

TEST(CorpusLedger, AnAddThatFailsPartWayLeavesNothing) {
  const auto dir = testing::scratch_dir("corpus-ledger-rollback");
  CorpusLedger ledger(dir / "l.sqlite", OpenMode::kCreateIfMissing);
  ledger.add(addition("web"), std::vector<DocumentRecord>{record(1, "kept")});
  // The schema refuses a probability above 1: the third record fails after two were inserted.
  const std::vector<DocumentRecord> bad = {record(1, "x"), record(2, "y"), record(3, "z", std::nullopt, std::nullopt, 1.5)};
  EXPECT_THROW(ledger.add(addition("web"), bad), DataError);
  EXPECT_THROW(ledger.add(Addition{}, bad), ConfigError);  // no source name
  EXPECT_EQ(ledger.stats(0.5).total.documents, 1);
  EXPECT_EQ(testing::ledger_integer(dir / "l.sqlite", "SELECT count(*) FROM additions"), 1);
  EXPECT_EQ(ledger.add(addition("web"), std::vector<DocumentRecord>{record(1, "x")}).added, 1);
}

}  // namespace
}  // namespace ouro::provenance
