// `ouro watermark detect` end to end: on token ids and on texts through GPT-2's tokenizer (a
// byte-level vocabulary written by the test) its rows equal Watermark::score on the same ids, in
// CSV and JSON; bad input (a line that is not JSON, an id outside the vocabulary, invalid UTF-8, a
// missing text field, a missing --vocab-size or tokenizer, an unknown scheme, gamma outside (0, 1))
// exits non-zero naming the file and line (or document) or the flag, and writes no --out file.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ouro/core/rng.hpp"
#include "ouro/hygiene/watermark.hpp"
#include "support/cli_runner.hpp"
#include "support/files.hpp"
#include "text/gpt2_fixtures.hpp"

namespace ouro::hygiene {
namespace {

using testing::run_cli;
using text::TokenId;

// Watermarked documents (simple_1, delta 3) and plain ones over a vocabulary of 300.
std::vector<std::vector<TokenId>> id_documents(const Watermark& w) {
  Rng rng(2, {Purpose::kUser, 0, 0, 0});
  std::vector<std::vector<TokenId>> docs;
  for (int d = 0; d < 8; ++d) {
    std::vector<TokenId> doc = {static_cast<TokenId>(rng.below(300))};
    while (doc.size() < 60) {
      std::vector<float> logits(300, 0.0f);
      if (d % 2 == 0) w.bias_logits(doc, logits);
      double total = 0.0;
      for (const float x : logits) total += std::exp(x);
      double u = rng.uniform() * total;
      TokenId next = 0;
      while (next + 1 < 300 && (u -= std::exp(logits[next])) > 0.0) ++next;
      doc.push_back(next);
    }
    docs.push_back(doc);
  }
  docs.push_back({5});  // too short to score
  return docs;
}

TEST(WatermarkCli, RowsOnTokenIdsEqualTheLibrarysScores) {
  const auto dir = testing::scratch_dir("watermark-cli-ids");
  WatermarkSettings settings;
  settings.scheme = WatermarkScheme::kSimple1;
  settings.vocab_size = 300;
  settings.delta = 3.0;
  const Watermark w(settings);
  const auto docs = id_documents(w);
  {
    std::ofstream out(dir / "ids.txt");
    for (const auto& d : docs) out << nlohmann::json(d).dump() << "\n\n";  // blank lines are skipped
  }
  const auto outcome = run_cli(fmt::format("watermark detect {} --input ids --vocab-size 300 --scheme simple_1 "
                                           "--format json --out {}",
                                           (dir / "ids.txt").string(), (dir / "rows.jsonl").string()));
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("9 documents, 4 flagged"), std::string::npos) << outcome.output;
  std::ifstream rows(dir / "rows.jsonl");
  std::string line;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    ASSERT_TRUE(std::getline(rows, line));
    const auto row = nlohmann::json::parse(line);
    const WatermarkScore s = w.score(docs[d]);
    EXPECT_EQ(row["document"].get<std::size_t>(), d + 1);
    EXPECT_EQ(row["scored"].get<std::size_t>(), s.scored);
    EXPECT_EQ(row["green"].get<std::size_t>(), s.green);
    EXPECT_EQ(row["flagged"].get<bool>(), s.flagged);
    if (s.scored == 0) {
      EXPECT_TRUE(row["z"].is_null());
    } else {
      EXPECT_EQ(row["z"].get<double>(), s.z);
      EXPECT_EQ(row["p_binomial"].get<double>(), s.p_binomial);
    }
  }
  EXPECT_FALSE(std::getline(rows, line));
}

TEST(WatermarkCli, TextsAreTokenizedByGpt2AsTheLibraryTokenizesThem) {
  testing::TextDir dir;
  testing::write_vocab_json(dir, testing::byte_vocabulary());
  testing::write_merges_txt(dir, {});
  const std::vector<std::string> texts = {"The watermark is a statistical signal in the choice of words.",
                                          "Ein zweiter Satz, mit Umlauten: äöü."};
  {
    std::ofstream lines(dir.path() / "texts.txt");
    std::ofstream jsonl(dir.path() / "texts.jsonl");
    for (const auto& t : texts) {
      lines << t << "\n";
      jsonl << nlohmann::json{{"text", t}, {"generation", 1}}.dump() << "\n";
    }
  }
  const auto tokenizer = text::Gpt2Tokenizer::load(dir.path() / "vocab.json", dir.path() / "merges.txt");
  WatermarkSettings settings;
  settings.vocab_size = 256;
  const Watermark w(settings);
  for (const char* file : {"texts.txt", "texts.jsonl"}) {
    const auto outcome = run_cli(fmt::format("watermark detect {} --gpt2 {}", (dir.path() / file).string(),
                                             dir.path().string()));
    ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
    std::istringstream csv(outcome.output);
    std::string line;
    std::getline(csv, line);
    EXPECT_EQ(line, "document,tokens,scored,green,green_fraction,z,p_normal,p_binomial,flagged");
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const auto ids32 = tokenizer.ids(tokenizer.tokenize(texts[i]));
      const WatermarkScore s = w.score(std::vector<TokenId>(ids32.begin(), ids32.end()));
      std::getline(csv, line);
      EXPECT_EQ(line, fmt::format("{},{},{},{},{},{},{},{},0", i + 1, s.tokens, s.scored, s.green, s.green_fraction(),
                                  s.z, s.p_normal, s.p_binomial))
          << file;
    }
  }
}

TEST(WatermarkCli, BadInputIsAnErrorNamingTheFileAndLineAndWritesNothing) {
  testing::TextDir dir;
  testing::write_vocab_json(dir, testing::byte_vocabulary());
  testing::write_merges_txt(dir, {});
  const auto write = [&](const std::string& name, const std::string& content) {
    std::ofstream(dir.path() / name, std::ios::binary) << content;
    return (dir.path() / name).string();
  };
  const std::string ids = write("ids.txt", "[1, 2, 3]\n[4, 5, oops]\n");
  const std::string range = write("range.txt", "[1, 2, 3]\n[4, 5, 300]\n");
  const std::string negative = write("negative.txt", "[1, -2, 3]\n");
  const std::string utf8 = write("bad.txt", "fine\nbroken \xC3\x28 text\n");
  const std::string field = write("field.jsonl", "{\"text\": \"a\"}\n{\"content\": \"b\"}\n");
  const std::string out = (dir.path() / "out.csv").string();
  struct Case {
    std::string arguments, expected;
  };
  const std::vector<Case> cases = {
      {ids + " --input ids --vocab-size 300", "ids.txt:2: not JSON"},
      {range + " --input ids --vocab-size 300", "range.txt: document 2: token 300 (position 2)"},
      {negative + " --input ids --vocab-size 300", "negative.txt:1: element 1 (-2)"},
      {utf8 + " --gpt2 " + dir.path().string(), "bad.txt:2: invalid UTF-8"},
      {field + " --gpt2 " + dir.path().string(), "field.jsonl:2: the record has no field \"text\""},
      {ids + " --input ids", "--vocab-size"},
      {utf8, "--gpt2 DIR"},
      {range + " --input ids --vocab-size 300 --scheme lefthash", "--scheme lefthash"},
      {range + " --input ids --vocab-size 300 --gamma 1.5", "gamma 1.5"},
      {range + " --input tokens --vocab-size 300", "--input tokens"},
  };
  for (const Case& c : cases) {
    const auto outcome = run_cli("watermark detect " + c.arguments + " --out " + out);
    EXPECT_NE(outcome.exit_code, 0) << c.arguments;
    EXPECT_NE(outcome.output.find(c.expected), std::string::npos) << c.arguments << "\n" << outcome.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << c.arguments;
  }
}

}  // namespace
}  // namespace ouro::hygiene
