// The watermark in the loop ([watermark], an ngram model of tinyshakespeare at character level):
// with delta = 2 the synthetic samples' mean z at generation 0 lies far above the same run's with
// delta = 0 (no bias, the same green lists: the null for this text, which at character level is not
// 0 because a 68-character alphabet gives few distinct seeds), and it grows over generations as
// each model learns its predecessor's green choices and adds its own; the metrics are the same
// bytes for 1 and 2 threads; settings the run cannot honour are errors naming the key.
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "ouro/report/run_data.hpp"
#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace ouro::hygiene {
namespace {

using testing::run_cli;

std::string config_text(const std::string& scheme, double delta) {
  return fmt::format(R"([run]
generations = 2
replicates = 1
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
[metrics]
test_samples = 50
names = ["watermark_z", "watermark_flagged"]
[watermark]
scheme = "{}"
delta = {}
)",
                     OURO_SHARED_DATA, scheme, delta);
}

// The run's metrics as (generation, metric) -> value of its first replicate, read by the report's
// reader of run folders.
std::map<std::pair<int, std::string>, double> read_metrics(const std::filesystem::path& dir) {
  const report::RunData run = report::load_run(dir);
  std::map<std::pair<int, std::string>, double> out;
  for (const report::MetricValues& metric : run.metrics)
    for (std::size_t g = 0; g < metric.values.size(); ++g)
      out[{static_cast<int>(g), metric.name}] = metric.values[g].at(0);
  return out;
}

std::filesystem::path run(const std::string& name, const std::string& scheme, double delta, int threads = 1,
                          const std::string& extra = "") {
  const auto dir = testing::scratch_dir("watermark-loop-" + name);
  const auto config = testing::write_config(dir, config_text(scheme, delta));
  const auto outcome =
      run_cli(fmt::format("run {} --out {} --threads {} --quiet {}", config.string(), (dir / "out").string(), threads,
                          extra));
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  return dir / "out";
}

TEST(WatermarkLoop, WatermarkedSamplesScoreFarAboveTheUnbiasedOnesAndTheWatermarkCompounds) {
  for (const std::string scheme : {"simple_1", "selfhash"}) {
    const auto marked = read_metrics(run(scheme + "-2", scheme, 2.0));
    const auto unbiased = read_metrics(run(scheme + "-0", scheme, 0.0));
    EXPECT_GT(marked.at({0, "watermark_z"}), unbiased.at({0, "watermark_z"}) + 3.0) << scheme;
    EXPECT_GT(marked.at({0, "watermark_flagged"}), unbiased.at({0, "watermark_flagged"})) << scheme;
    EXPECT_GT(marked.at({2, "watermark_z"}), marked.at({0, "watermark_z"})) << scheme;
    EXPECT_GT(marked.at({2, "watermark_flagged"}), 0.9) << scheme;
    EXPECT_LT(unbiased.at({2, "watermark_flagged"}), 0.05) << scheme;
  }
}

TEST(WatermarkLoop, TheSameBytesForOneAndTwoThreads) {
  const auto one = run("threads-1", "selfhash", 2.0, 1, "--set run.replicates=2");
  const auto two = run("threads-2", "selfhash", 2.0, 2, "--set run.replicates=2");
  EXPECT_EQ(testing::read_file(one / "metrics.csv"), testing::read_file(two / "metrics.csv"));
  EXPECT_EQ(testing::read_file(one / "samples.jsonl"), testing::read_file(two / "samples.jsonl"));
}

TEST(WatermarkLoop, SettingsTheRunCannotHonourAreErrorsNamingTheKey) {
  const auto dir = testing::scratch_dir("watermark-loop-errors");
  struct Case {
    std::string config, expected;
  };
  const std::string text = config_text("selfhash", 2.0);
  const std::vector<Case> cases = {
      // A green list of floor(71 * 0.01) = 0 characters.
      {text + "gamma = 0.01\n", "watermark.gamma"},
      {text + "gamma = 1.0\n", "watermark.gamma"},
      {config_text("lefthash", 2.0), "watermark.scheme"},
      {"[truth]\nkind = \"gaussian\"\n[model]\nfamily = \"gaussian\"\n[watermark]\nscheme = \"simple_1\"\n",
       "the gaussian family does not watermark"},
      {"[truth]\nkind = \"corpus\"\ncorpus = \"text\"\npath = \"" + std::string(OURO_SHARED_DATA) +
           "/tinyshakespeare/input.txt\"\n[model]\nfamily = \"ngram\"\n[metrics]\nnames = [\"watermark_z\"]\n",
       "watermark_z"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto config = testing::write_config(dir, cases[i].config, fmt::format("case{}.toml", i));
    const auto outcome = run_cli(fmt::format("run {} --out {} --quiet", config.string(), (dir / "out").string()));
    EXPECT_NE(outcome.exit_code, 0) << cases[i].config;
    EXPECT_NE(outcome.output.find(cases[i].expected), std::string::npos) << cases[i].config << "\n" << outcome.output;
  }
}

}  // namespace
}  // namespace ouro::hygiene
