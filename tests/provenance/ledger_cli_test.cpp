// `ouro ledger add | stats | export` end to end: add records the library's watermark z, verdict and
// detector probability for each document; adding again is a no-op and a second source keeps rows
// of its own; export keeps the estimated synthetic share within its bound, drops exact duplicates
// (first occurrence wins) and writes the ledger's order; bad input (invalid UTF-8, a missing file, a
// detector file of another version, a ledger of another schema, a bound outside [0, 1], flags that
// do not fit) exits with its kind's status, names the file, line or flag, and changes nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ouro/core/rng.hpp"
#include "ouro/hygiene/detector.hpp"
#include "ouro/hygiene/watermark.hpp"
#include "ouro/io/sha256.hpp"
#include "ouro/provenance/sqlite.hpp"
#include "provenance/ledger_fixtures.hpp"
#include "support/cli_runner.hpp"
#include "support/files.hpp"
#include "text/gpt2_fixtures.hpp"

namespace ouro::provenance {
namespace {

using testing::run_cli;

// A folder with GPT-2's byte-level tokenizer files, and the watermark over its ids.
struct Fixture {
  testing::TextDir dir;
  hygiene::Watermark watermark{testing::ledger_watermark_settings()};
  Fixture() {
    testing::write_vocab_json(dir, testing::byte_vocabulary());
    testing::write_merges_txt(dir, {});
  }
  std::string path(const std::string& name) const { return (dir.path() / name).string(); }
  std::string ledger() const { return path("ledger.sqlite"); }
  std::string watermark_flags() const { return testing::ledger_watermark_flags(dir.path()); }
};

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(LedgerCli, AddRecordsTheLibrarysMeasurements) {
  Fixture f;
  Rng rng(3, {Purpose::kUser, 0, 0, 0});
  const std::vector<std::string> texts = {testing::byte_text(f.watermark, true, 120, rng),
                                          testing::byte_text(f.watermark, false, 120, rng), "x"};
  testing::write_lines(f.path("corpus.txt"), texts);
  const auto detector_file = testing::write_detector(f.dir.path());
  const auto outcome = run_cli(fmt::format("ledger add {} {} --source web {} --detector {}", f.ledger(),
                                           f.path("corpus.txt"), f.watermark_flags(), detector_file.string()));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("3 added, 0 already recorded under it, 0 blank skipped"), std::string::npos)
      << outcome.output;
  EXPECT_NE(outcome.output.find("watermark: 1 of 3 flagged"), std::string::npos) << outcome.output;

  const hygiene::Detector detector = hygiene::Detector::load(detector_file);
  Database db(f.ledger(), OpenMode::kExisting);
  Statement rows = db.prepare(
      "SELECT position, text, tokens, watermark_z, watermark_flagged, detector_probability, bytes, sha256 "
      "FROM documents ORDER BY id");
  for (std::size_t d = 0; d < texts.size(); ++d) {
    ASSERT_TRUE(rows.step());
    const std::vector<text::TokenId> ids(texts[d].begin(), texts[d].end());  // byte ids
    const hygiene::WatermarkScore score = f.watermark.score(ids);
    EXPECT_EQ(rows.integer(0), static_cast<std::int64_t>(d + 1));
    EXPECT_EQ(rows.text(1), texts[d]);
    EXPECT_EQ(rows.integer(2), static_cast<std::int64_t>(texts[d].size()));
    if (score.scored == 0) {
      EXPECT_TRUE(rows.is_null(3)) << "a document too short to score has no z";
    } else {
      EXPECT_EQ(rows.real(3), score.z);
    }
    EXPECT_EQ(rows.integer(4), score.flagged ? 1 : 0);
    EXPECT_EQ(rows.real(5), detector.probability(detector.features(texts[d])));
    EXPECT_EQ(rows.integer(6), static_cast<std::int64_t>(texts[d].size()));
    EXPECT_EQ(rows.text(7), sha256_hex(texts[d]));
  }
  EXPECT_GT(f.watermark.score(std::vector<text::TokenId>(texts[0].begin(), texts[0].end())).z, 10.0);
  EXPECT_LT(f.watermark.score(std::vector<text::TokenId>(texts[1].begin(), texts[1].end())).z, -3.0);
  Statement addition = db.prepare("SELECT source, input, json_extract(watermark, '$.scheme'), detector_sha256 "
                                  "FROM additions");
  ASSERT_TRUE(addition.step());
  EXPECT_EQ(addition.text(0), "web");
  EXPECT_EQ(addition.text(1), "lines");
  EXPECT_EQ(addition.text(2), "simple_1");
  EXPECT_EQ(addition.text(3), sha256_file(detector_file));
}

TEST(LedgerCli, AddingAgainIsANoOpAndAnotherSourceKeepsItsRows) {
  Fixture f;
  testing::write_lines(f.path("a.txt"), {"first document", "second one", "third", "", "first document"});
  const std::string add = fmt::format("ledger add {} {} --source ", f.ledger(), f.path("a.txt"));
  auto outcome = run_cli(add + "web");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("4 documents of"), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("3 added, 1 already recorded under it, 1 blank skipped"), std::string::npos)
      << outcome.output;
  outcome = run_cli(add + "web");
  EXPECT_NE(outcome.output.find("0 added, 4 already recorded under it"), std::string::npos) << outcome.output;
  outcome = run_cli(add + "crowd");
  EXPECT_NE(outcome.output.find("3 added"), std::string::npos) << outcome.output;

  outcome = run_cli(fmt::format("ledger stats {} --format json", f.ledger()));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const auto stats = nlohmann::json::parse(outcome.output);
  ASSERT_EQ(stats["sources"].size(), 2u);
  EXPECT_EQ(stats["sources"][0]["source"], "crowd");
  EXPECT_EQ(stats["sources"][0]["documents"], 3);
  EXPECT_EQ(stats["sources"][0]["distinct_texts"], 0);
  EXPECT_EQ(stats["sources"][1]["distinct_texts"], 3);
  EXPECT_EQ(stats["total"]["documents"], 6);
  EXPECT_EQ(stats["total"]["distinct_texts"], 3);
  EXPECT_EQ(stats["total"]["bytes"], 2 * (14 + 10 + 5));
  EXPECT_TRUE(stats["total"]["mean_watermark_z"].is_null());

  outcome = run_cli(fmt::format("ledger stats {} --format csv", f.ledger()));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_EQ(outcome.output,
            "source,documents,distinct_texts,bytes,watermark_checked,mean_watermark_z,watermark_flagged_share,"
            "detector_scored,mean_detector_probability,detector_flagged_share\n"
            "crowd,3,0,29,0,,,0,,\n"
            "web,3,3,29,0,,,0,,\n"
            ",6,3,58,0,,,0,,\n");
  outcome = run_cli(fmt::format("ledger stats {}", f.ledger()));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("total"), std::string::npos) << outcome.output;
  EXPECT_EQ(testing::ledger_integer(f.ledger(), "SELECT count(*) FROM additions"), 3);
}

TEST(LedgerCli, ExportKeepsTheShareBoundDropsDuplicatesAndKeepsTheOrder) {
  Fixture f;
  Rng rng(5, {Purpose::kUser, 0, 0, 0});
  // web: C1 W1 C2 C3 W2 C4 W3 C5 C6 W4 (C clear, W watermarked); crowd: C2 W1 C7.
  std::vector<std::string> clear, marked;
  for (int i = 0; i < 7; ++i) clear.push_back(testing::byte_text(f.watermark, false, 80, rng));
  for (int i = 0; i < 4; ++i) marked.push_back(testing::byte_text(f.watermark, true, 80, rng));
  const std::vector<std::string> web = {clear[0], marked[0], clear[1], clear[2], marked[1],
                                        clear[3], marked[2], clear[4], clear[5], marked[3]};
  testing::write_lines(f.path("web.txt"), web);
  testing::write_lines(f.path("crowd.txt"), {clear[1], marked[0], clear[6]});
  for (const char* source : {"web", "crowd"}) {
    const auto outcome = run_cli(fmt::format("ledger add {} {} --source {} {}", f.ledger(),
                                             f.path(std::string(source) + ".txt"), source, f.watermark_flags()));
    ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  }
  // 7 clear texts (score 0) and 4 watermarked (score 1) after 2 duplicates: under 0.25 two
  // watermarked fit (2 / 9), the first two inserted.
  auto outcome = run_cli(fmt::format("ledger export {} --out {} --max-synthetic-share 0.25", f.ledger(),
                                     f.path("out.txt")));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("kept 9 of 13 (dropped: 2 exact duplicates, 0 flagged by the detector, 2 over the "
                                "share bound); estimated synthetic share 0.2222 (bound 0.25)"),
            std::string::npos)
      << outcome.output;
  EXPECT_NE(outcome.output.find("crowd: kept 1 of 3 (dropped: 2 exact duplicates"), std::string::npos)
      << outcome.output;
  EXPECT_EQ(lines_of(f.path("out.txt")), (std::vector<std::string>{clear[0], marked[0], clear[1], clear[2], marked[1],
                                                                   clear[3], clear[4], clear[5], clear[6]}));

  outcome = run_cli(fmt::format("ledger export {} --out {} --max-synthetic-share 0", f.ledger(), f.path("out.jsonl")));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const auto rows = lines_of(f.path("out.jsonl"));
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(nlohmann::json::parse(rows[0])["text"], clear[0]);
  EXPECT_EQ(nlohmann::json::parse(rows[6])["text"], clear[6]);
  EXPECT_EQ(nlohmann::json::parse(rows[6])["source"], "crowd");
  EXPECT_EQ(nlohmann::json::parse(rows[6])["sha256"], sha256_hex(clear[6]));

  outcome = run_cli(fmt::format("ledger export {} --out {} --max-synthetic-share 1 --format lines", f.ledger(),
                                f.path("all.jsonl")));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_EQ(lines_of(f.path("all.jsonl")).size(), 11u);
}

TEST(LedgerCli, BadInputExitsWithItsKindNamesItAndChangesNothing) {
  Fixture f;
  testing::write_lines(f.path("good.txt"), {"a good document", "another good one"});
  ASSERT_EQ(run_cli(fmt::format("ledger add {} {} --source web", f.ledger(), f.path("good.txt"))).exit_code, 0);
  f.dir.write("bad.txt", "fine\nbroken \xC3\x28 text\n");
  f.dir.write("field.jsonl", "{\"text\": \"a\"}\n{\"content\": \"b\"}\n");
  f.dir.write("old_detector.json", R"({"format": "ouro.detector/0", "check": "0"})");
  const std::string good = f.path("good.txt");
  struct Case {
    std::string arguments, expected;
    int exit_code;
  };
  const std::vector<Case> cases = {
      {"ledger add LEDGER " + f.path("bad.txt") + " --source web", "bad.txt:2: invalid UTF-8", 4},
      {"ledger add LEDGER " + f.path("missing.txt") + " --source web", "missing.txt", 5},
      {"ledger add LEDGER " + f.path("field.jsonl") + " --source web", "field.jsonl:2", 4},
      {"ledger add LEDGER " + good + " --source web --detector " + f.path("old_detector.json"), "old_detector.json", 4},
      {"ledger add LEDGER " + good + " --source web --watermark", "--gpt2 DIR", 3},
      {"ledger add LEDGER " + good + " --source web --scheme simple_1", "--watermark", 2},
      {"ledger add LEDGER " + good + " --source web " + f.watermark_flags() + " --gamma 1.5", "gamma 1.5", 3},
      {"ledger add LEDGER " + good + " --source web --watermark --scheme lefthash --gpt2 " + f.dir.path().string(),
       "--scheme lefthash", 3},
      {"ledger add LEDGER " + good + " --source ''", "--source", 3},
      {"ledger add LEDGER " + good + " --source web --input ids", "--input ids", 3},
      {"ledger stats LEDGER --format xml", "--format xml", 3},
      {"ledger stats LEDGER --threshold 0", "--threshold 0", 3},
      {"ledger stats " + f.path("none.sqlite"), "none.sqlite' does not exist", 5},
      {"ledger stats " + good, "good.txt", 4},
      {"ledger export LEDGER --out OUT --max-synthetic-share 1.5", "--max-synthetic-share 1.5", 3},
      {"ledger export LEDGER --out OUT --max-synthetic-share half", "--max-synthetic-share half", 3},
      {"ledger export LEDGER --out OUT --max-synthetic-share 0.5 --format csv", "--format csv", 3},
      {"ledger export LEDGER --out OUT", "--max-synthetic-share", 2},
  };
  const auto documents = [&] { return testing::ledger_integer(f.ledger(), "SELECT count(*) FROM documents"); };
  const auto additions = [&] { return testing::ledger_integer(f.ledger(), "SELECT count(*) FROM additions"); };
  for (Case c : cases) {
    for (const auto& [name, value] : {std::pair{std::string("LEDGER"), f.ledger()}, std::pair{std::string("OUT"), f.path("out.txt")}}) {
      if (const auto at = c.arguments.find(name); at != std::string::npos) c.arguments.replace(at, name.size(), value);
    }
    const auto outcome = run_cli(c.arguments);
    EXPECT_EQ(outcome.exit_code, c.exit_code) << c.arguments << "\n" << outcome.output;
    EXPECT_NE(outcome.output.find(c.expected), std::string::npos) << c.arguments << "\n" << outcome.output;
    EXPECT_EQ(documents(), 2) << c.arguments;
    EXPECT_EQ(additions(), 1) << c.arguments;
    EXPECT_FALSE(std::filesystem::exists(f.path("out.txt"))) << c.arguments;
  }
  // A failed first add leaves no ledger behind.
  const auto outcome = run_cli(fmt::format("ledger add {} {} --source web", f.path("new.sqlite"), f.path("bad.txt")));
  EXPECT_EQ(outcome.exit_code, 4) << outcome.output;
  EXPECT_FALSE(std::filesystem::exists(f.path("new.sqlite")));
}

TEST(LedgerCli, ALedgerOfAnotherSchemaIsRefusedNamingBothVersions) {
  Fixture f;
  testing::write_lines(f.path("good.txt"), {"a good document"});
  ASSERT_EQ(run_cli(fmt::format("ledger add {} {} --source web", f.ledger(), f.path("good.txt"))).exit_code, 0);
  {
    Database raw(f.ledger(), OpenMode::kExisting);
    raw.execute("PRAGMA user_version = 1; UPDATE meta SET value = 'ouro.ledger/1' WHERE key = 'schema'");
  }
  const std::vector<std::string> commands = {
      "ledger stats {}", "ledger add {} " + f.path("good.txt") + " --source other",
      "ledger export {} --out " + f.path("out.txt") + " --max-synthetic-share 0.5"};
  for (const std::string& command : commands) {
    const auto outcome = run_cli(fmt::format(fmt::runtime(command), f.ledger()));
    EXPECT_EQ(outcome.exit_code, 4) << command << "\n" << outcome.output;
    EXPECT_NE(outcome.output.find("ledger.sqlite' is a ledger of schema ouro.ledger/1 (user_version 1); this build "
                                  "reads schema ouro.ledger/2 (user_version 2)"),
              std::string::npos)
        << command << "\n" << outcome.output;
  }
  EXPECT_FALSE(std::filesystem::exists(f.path("out.txt")));
}

}  // namespace
}  // namespace ouro::provenance
