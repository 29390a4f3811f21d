// `ouro ledger stats` against an independent computation: Python's sqlite3 reads the ledger's rows
// and sums them in plain Python loops (no SQL aggregates), over three sources measured differently
// (watermark and detector; detector only; nothing), with texts shared between sources and
// a threshold other than the default. Every number of the JSON output must agree to 1e-12.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ouro/core/rng.hpp"
#include "ouro/hygiene/watermark.hpp"
#include "provenance/ledger_fixtures.hpp"
#include "support/cli_runner.hpp"
#include "support/python.hpp"
#include "text/gpt2_fixtures.hpp"

namespace ouro::provenance {
namespace {

constexpr const char* kScript = R"py(
import json, sqlite3, sys
folder = sys.argv[1]
threshold = 0.6
rows = sqlite3.connect(folder + "/ledger.sqlite").execute(
    "SELECT id, source, sha256, bytes, watermark_z, watermark_flagged, detector_probability FROM documents").fetchall()
first = {}
for id_, _, sha, *_ in sorted(rows):
    first.setdefault(sha, id_)

def summary(docs):
    z = [d[4] for d in docs if d[4] is not None]
    flags = [d[5] for d in docs if d[5] is not None]
    p = [d[6] for d in docs if d[6] is not None]
    mean = lambda xs: sum(xs) / len(xs) if xs else None
    return {"documents": len(docs), "distinct_texts": sum(1 for d in docs if first[d[2]] == d[0]),
            "bytes": sum(d[3] for d in docs), "watermark_checked": len(flags), "mean_watermark_z": mean(z),
            "watermark_flagged_share": mean(flags), "detector_scored": len(p),
            "mean_detector_probability": mean(p),
            "detector_flagged_share": mean([1 if x >= threshold else 0 for x in p])}

sources = sorted({r[1] for r in rows})
out = {"sources": [dict(source=s, **summary([r for r in rows if r[1] == s])) for s in sources],
       "total": summary(rows)}
json.dump(out, open(folder + "/expected.json", "w"))
)py";

void expect_same(const nlohmann::json& actual, const nlohmann::json& expected, const std::string& where) {
  for (const auto& [key, value] : expected.items()) {
    ASSERT_TRUE(actual.contains(key)) << where << "." << key;
    if (value.is_null()) {
      EXPECT_TRUE(actual[key].is_null()) << where << "." << key << " = " << actual[key];
    } else if (value.is_number_float()) {
      EXPECT_NEAR(actual[key].get<double>(), value.get<double>(), 1e-12) << where << "." << key;
    } else {
      EXPECT_EQ(actual[key], value) << where << "." << key;
    }
  }
}

TEST(LedgerStatsPython, EqualPythonsSumsOverTheRows) {
  if (!testing::python_imports("sqlite3")) GTEST_SKIP() << "python3 cannot import sqlite3";
  testing::TempDir dir;
  testing::TextDir gpt2;
  testing::write_vocab_json(gpt2, testing::byte_vocabulary());
  testing::write_merges_txt(gpt2, {});
  const hygiene::Watermark watermark(testing::ledger_watermark_settings());
  Rng rng(11, {Purpose::kUser, 0, 0, 0});
  std::vector<std::string> web, crowd, books;
  for (int i = 0; i < 12; ++i) web.push_back(testing::byte_text(watermark, i % 3 == 0, 60 + 10 * i, rng));
  web.push_back("ab");  // too short to score: checked, no z
  crowd = testing::word_texts(8, false, rng);
  const auto repetitive = testing::word_texts(4, true, rng);
  crowd.insert(crowd.end(), repetitive.begin(), repetitive.end());
  crowd.push_back(web[1]);
  books = {web[0], crowd[0], "a book's own line"};
  testing::write_lines(dir / "web.txt", web);
  testing::write_lines(dir / "crowd.txt", crowd);
  testing::write_lines(dir / "books.txt", books);
  const auto detector = testing::write_detector(dir.path());
  const std::string ledger = (dir / "ledger.sqlite").string();
  const std::vector<std::string> adds = {
      fmt::format("web.txt --source web {} --detector {}", testing::ledger_watermark_flags(gpt2.path()),
                  detector.string()),
      fmt::format("crowd.txt --source crowd --detector {}", detector.string()), "books.txt --source books"};
  for (const auto& add : adds) {
    const auto outcome = testing::run_cli(fmt::format("ledger add {} {}/{}", ledger, dir.path().string(), add));
    ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  }
  const auto outcome = testing::run_cli(fmt::format("ledger stats {} --format json --threshold 0.6", ledger));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const auto actual = nlohmann::json::parse(outcome.output);
  ASSERT_TRUE(testing::run_python(dir, kScript));
  const auto expected = nlohmann::json::parse(std::ifstream(dir / "expected.json"));
  ASSERT_EQ(actual["sources"].size(), 3u);
  for (std::size_t s = 0; s < 3; ++s)
    expect_same(actual["sources"][s], expected["sources"][s], expected["sources"][s]["source"].get<std::string>());
  expect_same(actual["total"], expected["total"], "total");
  EXPECT_EQ(actual["detector_threshold"], 0.6);
  // The case is not degenerate: the watermark flagged some of web, the detector some at 0.6, and
  // texts repeat across sources.
  EXPECT_GT(actual["sources"][2]["watermark_flagged_share"].get<double>(), 0.0);
  EXPECT_GT(actual["total"]["detector_flagged_share"].get<double>(), 0.0);
  EXPECT_LT(actual["total"]["distinct_texts"].get<int>(), actual["total"]["documents"].get<int>());
}

}  // namespace
}  // namespace ouro::provenance
