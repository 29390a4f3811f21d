// `ouro lm train | score | convert` end to end. Independent reference: an ARPA scorer written in
// Python (the backoff recursion over dictionaries, as the ARPA format defines it, with KenLM's OOV
// convention) reads the ARPA file ouroboros wrote from a slice of wikitext-2 and scores a slice of
// its test split; `ouro lm score` must give the same log10 probability (1e-9 relative), tokens and
// OOVs from the ARPA file and from the binary one. Bad input ends with a message naming it.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/temp_dir.hpp"
#include "ouro/text/corpus.hpp"
#include "support/cli_runner.hpp"
#include "support/files.hpp"
#include "support/python.hpp"

namespace ouro::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kReferenceScorer = R"PY(
import json, math, sys
folder = sys.argv[1]
grams, order = {}, 0
with open(folder + "/m.arpa") as f:
    section = 0
    for line in f:
        line = line.strip()
        if not line:
            continue
        if line.startswith("\\") and line.endswith("-grams:"):
            section = int(line[1:line.index("-")])
            order = max(order, section)
            continue
        if line.startswith("\\") or line.startswith("ngram ") or section == 0:
            continue
        fields = line.split()
        words = tuple(fields[1:1 + section])
        backoff = float(fields[1 + section]) if len(fields) > 1 + section else 0.0
        grams[words] = (float(fields[0]), backoff)

def log10_prob(context, word):
    if context + (word,) in grams:
        return grams[context + (word,)][0]
    back = grams[context][1] if context in grams else 0.0
    return back + log10_prob(context[1:], word)

total, tokens, oov = 0.0, 0, 0
with open(folder + "/test.txt") as f:
    for line in f:
        history = ("<s>",)
        for word in line.split() + ["</s>"]:
            if (word,) not in grams or word == "<unk>":
                word = "<unk>"
                oov += 1
            total += log10_prob(history[-(order - 1):], word)
            tokens += 1
            history = history + (word,)
json.dump({"log10_prob": total, "tokens": tokens, "oov": oov}, open(folder + "/reference.json", "w"))
)PY";

void write_lines(const std::filesystem::path& path, const std::vector<std::string>& lines, std::size_t count) {
  std::ofstream out(path);
  for (std::size_t i = 0; i < std::min(count, lines.size()); ++i) out << lines[i] << '\n';
}

TEST(LmCli, ScoresEqualAnIndependentArpaScorerFromArpaAndBinary) {
  if (!python_imports("json")) GTEST_SKIP() << "needs " << OURO_PYTHON;
  const auto corpus = text::read_wikitext2(std::filesystem::path(OURO_SHARED_DATA) / "wikitext-2");
  TempDir dir;
  write_lines(dir / "train.txt", corpus.train, 4000);
  write_lines(dir / "test.txt", corpus.test, 600);
  const auto train = run_cli(fmt::format("lm train {} --order 3 --out {}", (dir / "train.txt").string(),
                                         (dir / "m.arpa").string()));
  ASSERT_EQ(train.exit_code, 0) << train.output;
  EXPECT_THAT(train.output, HasSubstr("order 3 over 4000 sentences"));
  const auto convert = run_cli(fmt::format("lm convert {} {}", (dir / "m.arpa").string(), (dir / "m.bin").string()));
  ASSERT_EQ(convert.exit_code, 0) << convert.output;
  ASSERT_TRUE(run_python(dir, kReferenceScorer));
  const auto reference = nlohmann::json::parse(read_file(dir / "reference.json"));
  for (const char* model : {"m.arpa", "m.bin"}) {
    SCOPED_TRACE(model);
    const auto score = run_cli(
        fmt::format("lm score {} {} --format json", (dir / model).string(), (dir / "test.txt").string()));
    ASSERT_EQ(score.exit_code, 0) << score.output;
    const auto result = nlohmann::json::parse(score.output);
    const double expected = reference["log10_prob"].get<double>();
    EXPECT_NEAR(result["log10_prob"].get<double>(), expected, 1e-9 * std::abs(expected));
    EXPECT_EQ(result["tokens"], reference["tokens"]);
    EXPECT_EQ(result["oov"], reference["oov"]);
    EXPECT_GT(result["oov"].get<int>(), 0);
    EXPECT_NEAR(result["perplexity"].get<double>(),
                std::pow(10.0, -expected / reference["tokens"].get<double>()), 1e-6);
  }
  // Per document: the rows add up to the total.
  const auto rows = run_cli(fmt::format("lm score {} {} --per-document --out {}", (dir / "m.bin").string(),
                                        (dir / "test.txt").string(), (dir / "rows.csv").string()));
  ASSERT_EQ(rows.exit_code, 0) << rows.output;
  std::ifstream in(dir / "rows.csv");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "document,tokens,oov,log10_prob,perplexity");
  double sum = 0.0;
  std::size_t documents = 0;
  while (std::getline(in, line)) {
    sum += std::stod(line.substr(line.find(',', line.find(',', line.find(',') + 1) + 1) + 1));
    ++documents;
  }
  EXPECT_EQ(documents, 600u);
  EXPECT_NEAR(sum, reference["log10_prob"].get<double>(), 1e-6);
}

TEST(LmCli, BadInputIsNamed) {
  TempDir dir;
  std::ofstream(dir / "train.txt") << "a b c\nb c <s> d\n";
  std::ofstream(dir / "ok.txt") << "a b\n";
  const auto t = (dir / "train.txt").string(), ok = (dir / "ok.txt").string();
  const struct {
    std::string arguments;
    std::string message;
  } cases[] = {
      {fmt::format("lm train {} --order 7 --out {}", ok, (dir / "m.arpa").string()), "--order 7: expected 2 to 6"},
      {fmt::format("lm train {} --order x --out {}", ok, (dir / "m.arpa").string()), "--order x: expected an integer"},
      {fmt::format("lm train {} --out {}", t, (dir / "m.arpa").string()), "train.txt: document 2 holds '<s>'"},
      {fmt::format("lm train {} --out {}", (dir / "absent.txt").string(), (dir / "m.arpa").string()), "absent.txt"},
      {fmt::format("lm score {} {}", (dir / "absent.arpa").string(), ok), "cannot read the language model"},
      {fmt::format("lm score {} {}", ok, ok), "ok.txt:1: no \\data\\ header"},
      {fmt::format("lm score {} {} --per-document", ok, ok), "--per-document: give --out"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.arguments);
    const auto outcome = run_cli(c.arguments);
    EXPECT_NE(outcome.exit_code, 0);
    EXPECT_THAT(outcome.output, HasSubstr(c.message));
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "m.arpa"));  // nothing written by a refused train
}

}  // namespace
}  // namespace ouro::testing
