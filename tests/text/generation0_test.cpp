// ppl_gen0 and the text side outputs. Oracles: NumPy's linear quantile on hand values; the
// per-sequence perplexity against exp(-log p / tokens) from the model's own log_prob; the metric
// judging a generation by the generation-0 model handed in its context (not by the model it is
// given); and, end to end through `ouro run`, samples.jsonl and ppl_gen0_histogram.csv: their
// shapes, the histogram's counts summing to every synthetic sample, the texts rendering the
// samples, byte-identical files for 1 and 2 threads, and bad input for metrics.text_samples.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "metrics/text/text_metrics.hpp"
#include "ouro/core/quantile.hpp"
#include "ouro/models/ngram.hpp"
#include "ouro/models/ngram_corpus.hpp"
#include "support/cli_runner.hpp"
#include "text/temp_files.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using text::kEos;

TEST(Generation0Perplexity, QuantilesInterpolateLinearlyAsNumPy) {
  const std::vector<double> v{1, 2, 3, 4};
  // numpy.quantile([1, 2, 3, 4], [0.5, 0.05, 0.95, 0, 1]) = 2.5, 1.15, 3.85, 1, 4.
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.5), 2.5);
  EXPECT_NEAR(quantile_sorted(v, 0.05), 1.15, 1e-12);
  EXPECT_NEAR(quantile_sorted(v, 0.95), 3.85, 1e-12);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(std::vector<double>{7.0}, 0.95), 7.0);
  EXPECT_TRUE(std::isnan(quantile_sorted(std::vector<double>{}, 0.5)));
  // An infinite value above an exact order statistic does not leak into it.
  EXPECT_DOUBLE_EQ(quantile_sorted(std::vector<double>{1, 2, HUGE_VAL}, 0.5), 2.0);
}

struct TwoModels {
  std::unique_ptr<CorpusTruth> truth;
  std::unique_ptr<GenerativeModel> a, b;
  Matrix rows;        // three sequences as rows padded with -1
  Samples sequences;  // the same sequences
};

// Two order-2 models of one vocabulary fitted on different text ("a b c d" and "c c c c"), and
// three rows to judge.
TwoModels two_models() {
  TwoModels m;
  m.truth = std::make_unique<CorpusTruth>("<test>", std::vector<std::string>{"a b c d", "d c b a"},
                                          std::vector<std::string>{}, std::vector<std::string>{"a b"},
                                          std::make_unique<text::WordTokenizer>(), 5, 0);
  NgramSettings settings;
  settings.order = 2;
  settings.vocab_size = m.truth->vocabulary().size();
  Rng rng(1, {});
  Matrix forward(2, 5), repeated(2, 5);
  forward << 3, 4, 5, 6, kEos, 3, 4, 5, 6, kEos;
  repeated << 5, 5, 5, 5, kEos, 5, 5, 5, 5, kEos;
  m.a = NgramFamily(5, settings).fit(forward, rng);
  m.b = NgramFamily(5, settings).fit(repeated, rng);
  m.rows.resize(3, 5);
  m.rows << 3, 4, 5, -1, -1,  //
      6, 5, kEos, 3, 4,       //
      -1, -1, -1, -1, -1;     // no tokens: skipped
  m.sequences = Samples::tokens_from_padded_rows(m.rows);
  return m;
}

TEST(Generation0Perplexity, PerSequenceIsExpOfMinusMeanLogProb) {
  const TwoModels m = two_models();
  const Vector log_p = m.a->log_prob(m.rows);
  const auto ppl = text_stats::sequence_perplexities(*m.a, m.sequences);
  ASSERT_EQ(ppl.size(), 2u);
  EXPECT_NEAR(ppl[0], std::exp(-log_p[0] / 3.0), 1e-12);
  EXPECT_NEAR(ppl[1], std::exp(-log_p[1] / 5.0), 1e-12);
}

TEST(Generation0Perplexity, MetricJudgesByTheGenerationZeroModel) {
  const TwoModels m = two_models();
  auto under_a = text_stats::sequence_perplexities(*m.a, m.sequences);
  auto under_b = text_stats::sequence_perplexities(*m.b, m.sequences);
  std::sort(under_a.begin(), under_a.end());
  ASSERT_GT(std::abs(under_a[0] - under_b[0]) + std::abs(under_a[1] - under_b[1]), 1.0);  // the models differ
  const TestSet test = TestSet::from(Matrix::Zero(1, 5));
  Rng rng(1, {});
  MetricScratch scratch;
  const MetricContext with_gen0{*m.truth, test, m.sequences, rng, nullptr, nullptr, &scratch, m.a.get()};
  const MetricContext at_gen0{*m.truth, test, m.sequences, rng, nullptr, nullptr, nullptr, nullptr};
  const auto mean = make_text_metric("ppl_gen0");
  ASSERT_TRUE(mean->needs_generation0());
  // Model b is the generation's model; the context's generation-0 model a is the judge.
  EXPECT_NEAR(mean->compute(*m.b, with_gen0), (under_a[0] + under_a[1]) / 2, 1e-12);
  // Without a separate generation-0 model (generation 0 itself), the model judges its own samples.
  EXPECT_NEAR(mean->compute(*m.a, at_gen0), (under_a[0] + under_a[1]) / 2, 1e-12);
  EXPECT_NEAR(make_text_metric("ppl_gen0_median")->compute(*m.b, with_gen0), (under_a[0] + under_a[1]) / 2, 1e-12);
  EXPECT_NEAR(make_text_metric("ppl_gen0_p05")->compute(*m.b, with_gen0), under_a[0] + 0.05 * (under_a[1] - under_a[0]), 1e-9);
  EXPECT_NEAR(make_text_metric("ppl_gen0_p95")->compute(*m.b, with_gen0), under_a[0] + 0.95 * (under_a[1] - under_a[0]), 1e-9);
}

// A small corpus with enough repetition that the model generates real sentences.
fs::path write_corpus(const ouro::testing::TextDir& dir) {
  std::string text;
  const char* sentences[] = {"the cat sat on the mat", "a dog ran in the park", "the bird sang a song",
                             "my cat and the dog play", "rain fell on the old park"};
  for (int i = 0; i < 60; ++i) text += std::string(sentences[i % 5]) + "\n";
  return dir.write("corpus.txt", text);
}

std::string config_text(const fs::path& corpus, const std::string& extra) {
  return R"([run]
generations = 3
replicates = 3
seed = 2
[truth]
kind = "corpus"
corpus = "text"
path = ")" + corpus.string() + R"("
block_tokens = 8
[model]
family = "ngram"
order = 2
prompt_tokens = 2
[loop]
initial = 40
synthetic = 40
[metrics]
test_samples = 5
names = ["ppl_real", "ppl_gen0", "ppl_gen0_p95"]
)" + extra;
}

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(TextSideOutputs, SamplesAndHistogramEndToEnd) {
  ouro::testing::TextDir dir;
  const auto config = dir.write("run.toml", config_text(write_corpus(dir), "text_samples = 4\n"));
  const auto one = ouro::testing::run_cli("run " + config.string() + " --out " + (dir.path() / "one").string() + " --threads 1 --no-report");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const auto two = ouro::testing::run_cli("run " + config.string() + " --out " + (dir.path() / "two").string() + " --threads 2 --no-report");
  ASSERT_EQ(two.exit_code, 0) << two.output;
  for (const char* file : {"samples.jsonl", "ppl_gen0_histogram.csv", "metrics.csv"}) {
    EXPECT_EQ(read(dir.path() / "one" / file), read(dir.path() / "two" / file)) << file;
  }

  // 3 replicates x 4 generations x 4 samples, in replicate, generation, sample order.
  std::ifstream samples(dir.path() / "one" / "samples.jsonl");
  std::string line;
  int lines = 0;
  while (std::getline(samples, line)) {
    const auto row = nlohmann::json::parse(line);
    EXPECT_EQ(row["replicate"], lines / 16);
    EXPECT_EQ(row["generation"], lines / 4 % 4);
    EXPECT_EQ(row["sample"], lines % 4);
    const std::string text = row["text"];
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(text.find("-1"), std::string::npos);
    ++lines;
  }
  EXPECT_EQ(lines, 48);

  // Every synthetic sample of every (replicate, generation) lands in exactly one bin; bins are
  // increasing and 20 per decade.
  std::ifstream histogram(dir.path() / "one" / "ppl_gen0_histogram.csv");
  std::getline(histogram, line);
  EXPECT_EQ(line, "replicate,generation,bin_low,bin_high,count");
  std::map<std::pair<int, int>, int> counts;
  while (std::getline(histogram, line)) {
    std::stringstream row(line);
    std::string r, g, low, high, count;
    std::getline(row, r, ',');
    std::getline(row, g, ',');
    std::getline(row, low, ',');
    std::getline(row, high, ',');
    std::getline(row, count, ',');
    EXPECT_NEAR(std::log10(std::stod(high)) - std::log10(std::stod(low)), 0.05, 1e-9) << line;
    counts[{std::stoi(r), std::stoi(g)}] += std::stoi(count);
  }
  EXPECT_EQ(counts.size(), 12u);
  for (const auto& [key, count] : counts) EXPECT_EQ(count, 40) << key.first << "," << key.second;
}

TEST(TextSideOutputs, OnlyWhereTheyApply) {
  ouro::testing::TextDir dir;
  const auto corpus = write_corpus(dir);
  // No sample texts when metrics.text_samples = 0; no histogram without a ppl_gen0 metric.
  const auto config = dir.write("run.toml", config_text(corpus, "text_samples = 0\n"));
  ASSERT_EQ(ouro::testing::run_cli("run " + config.string() + " --out " + (dir.path() / "a").string() + " --no-report --quiet --set 'metrics.names=[\"ppl_real\"]'").exit_code, 0);
  EXPECT_FALSE(fs::exists(dir.path() / "a" / "samples.jsonl"));
  EXPECT_FALSE(fs::exists(dir.path() / "a" / "ppl_gen0_histogram.csv"));
  const auto bad = ouro::testing::run_cli("run " + config.string() + " --out " + (dir.path() / "b").string() + " --set metrics.text_samples=-1");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.output, HasSubstr("metrics.text_samples"));
}

}  // namespace
}  // namespace ouro
