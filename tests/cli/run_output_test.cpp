// `ouro run`'s outputs for long runs and real-data loops, end to end through the real executable:
// the real share of the training sets under the summary, output thinning (--record-every: the
// same values as the full run at the kept generations, and a killed thinned run resumed to the same
// bytes), gzipped metrics (read back by GNU gzip, resume, report and sweep), and the warning about
// a subword vocabulary too large for its corpus.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/cli_runner.hpp"
#include "support/files.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using ouro::testing::Outcome;
using ouro::testing::read_file;
using ouro::testing::run_cli;
using ouro::testing::write_config;

fs::path scratch(const std::string& name) { return ouro::testing::scratch_dir("ouro_cli_output_" + name); }

// The loop of the accumulate + fresh report: n0 = 100, 10 fresh and 90 synthetic per generation.
const char* kAccumulateFresh = R"(
[run]
generations = 20
replicates = 2
seed = 5
[truth]
kind = "gaussian"
mean = [0.0]
cov = [[1.0]]
[model]
family = "gaussian"
[loop]
initial = 100
synthetic = 90
real = "fresh"
real_samples = 10
keep = "accumulate"
[metrics]
names = ["variance"]
test_samples = 50
)";

// Hand count at generation 20: fresh 20 x 10 = 200, original 100, synthetic 20 x 90 = 1800 of
// 2100 rows (9.5%, 4.8%, 85.7%); with only the current fresh draws, 10 of 1910 rows (0.5%).
TEST(CliRunSummary, PrintsTheRealShareOfTheTrainingSets) {
  const fs::path dir = scratch("share");
  const fs::path config = write_config(dir, kAccumulateFresh);
  const Outcome all = run_cli("run " + config.string() + " --out " + (dir / "all").string());
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_THAT(all.output, HasSubstr("training set     generation       rows   original      fresh  synthetic\n"));
  EXPECT_THAT(all.output, HasSubstr("                          0        100     100.0%       0.0%       0.0%\n"));
  EXPECT_THAT(all.output, HasSubstr("                         20       2100       4.8%       9.5%      85.7%\n"));
  EXPECT_THAT(read_file(dir / "all/composition.csv"), HasSubstr("all,20,fresh,1,10\n"));

  const Outcome current = run_cli("run " + config.string() + " --set loop.accumulate_fresh=false --out " +
                                  (dir / "current").string());
  ASSERT_EQ(current.exit_code, 0) << current.output;
  EXPECT_THAT(current.output, HasSubstr("                         20       1910       5.2%       0.5%      94.2%\n"));
  EXPECT_THAT(read_file(dir / "current/composition.csv"), ::testing::Not(HasSubstr("all,20,fresh,1,")));
}

// A corpus of 400 lines of 12 words drawn from 300 three-syllable words: the training split (the
// first 360 lines) holds all 300, so the bound is 150 pieces.
TEST(CliRunText, WarnsWhenTheSubwordVocabularyIsTooLargeForTheCorpus) {
  const fs::path dir = scratch("vocab");
  const char* syllables[] = {"ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "de", "gu"};
  std::vector<std::string> words;
  for (const char* a : syllables)
    for (const char* b : syllables)
      for (int c = 0; c < 3; ++c) words.push_back(std::string(a) + b + syllables[c]);
  {
    std::ofstream corpus(dir / "corpus.txt");
    for (std::size_t line = 0; line < 400; ++line) {
      for (std::size_t w = 0; w < 12; ++w) corpus << (w ? " " : "") << words[(line * 12 + w) * 7 % words.size()];
      corpus << '\n';
    }
  }
  const fs::path config = write_config(dir, "[run]\ngenerations = 0\nreplicates = 1\n[truth]\nkind = \"corpus\"\n"
                                            "corpus = \"text\"\npath = \"" + (dir / "corpus.txt").string() +
                                            "\"\ntokenizer = \"bpe\"\nblock_tokens = 16\n[model]\nfamily = "
                                            "\"ngram\"\norder = 2\n[loop]\ninitial = 20\nsynthetic = 20\n"
                                            "[metrics]\nnames = [\"oov_rate\"]\ntest_samples = 5\n");
  const Outcome large = run_cli("run " + config.string() + " --set truth.vocab_size=400 --out " + (dir / "a").string());
  ASSERT_EQ(large.exit_code, 0) << large.output;
  EXPECT_THAT(large.output, HasSubstr("truth.vocab_size = 400: the bpe tokenizer's training text holds 300 distinct "
                                      "words"));
  EXPECT_THAT(large.output, HasSubstr("set truth.vocab_size to at most 150"));
  const Outcome fitting = run_cli("run " + config.string() + " --set truth.vocab_size=150 --out " + (dir / "b").string());
  ASSERT_EQ(fitting.exit_code, 0) << fitting.output;
  EXPECT_THAT(fitting.output, ::testing::Not(HasSubstr("truth.vocab_size =")));
}

// The header and the lines of a CSV file whose column `column` (the generation) is in `kept`.
std::string lines_at(const std::string& csv, std::size_t column, const std::set<std::string>& kept) {
  std::istringstream in(csv);
  std::string line, out;
  std::getline(in, line);
  out = line + '\n';
  while (std::getline(in, line)) {
    std::size_t start = 0;
    for (std::size_t c = 0; c < column; ++c) start = line.find(',', start) + 1;
    if (kept.count(line.substr(start, line.find(',', start) - start))) out += line + '\n';
  }
  return out;
}

const char* kLongRun = R"(
[run]
generations = 20
replicates = 6
seed = 11
[truth]
kind = "gaussian"
mean = [0.0]
cov = [[1.0]]
[model]
family = "gaussian"
[loop]
initial = 30
synthetic = 30
[metrics]
test_samples = 50
)";

TEST(CliRunRecordEvery, KeepsTheFullRunsValuesAtGenerationsZeroKTwoKAndTheLast) {
  const fs::path dir = scratch("every");
  const fs::path config = write_config(dir, kLongRun);
  const std::string run = "run " + config.string() + " --quiet --no-report --out ";
  ASSERT_EQ(run_cli(run + (dir / "full").string()).exit_code, 0);
  const Outcome thinned = run_cli(run + (dir / "thin").string() + " --record-every 6");
  ASSERT_EQ(thinned.exit_code, 0) << thinned.output;
  const std::set<std::string> kept = {"0", "6", "12", "18", "20"};
  const std::string metrics = read_file(dir / "thin/metrics.csv");
  EXPECT_EQ(metrics, lines_at(read_file(dir / "full/metrics.csv"), 1, kept));
  EXPECT_EQ(std::count(metrics.begin(), metrics.end(), '\n'), 1 + 6 * 5 * 8);  // replicates x kept x metrics
  EXPECT_EQ(read_file(dir / "thin/composition.csv"), lines_at(read_file(dir / "full/composition.csv"), 1, kept));
  const std::string theory = read_file(dir / "thin/theory.csv");
  EXPECT_THAT(theory, HasSubstr("\n20,variance,"));
  EXPECT_EQ(theory, lines_at(read_file(dir / "full/theory.csv"), 0, kept));
  EXPECT_THAT(read_file(dir / "thin/run.json"), HasSubstr("\"record_every\": 6"));

  // Killed after its third checkpoint and resumed: the same bytes as the uninterrupted thinned run.
  const std::string killed = run + (dir / "resumed").string() + " --record-every 6 --checkpoint-every 4 --threads 1";
  EXPECT_NE(run_cli(killed, "OURO_TEST_KILL_AFTER_CHECKPOINTS=3").exit_code, 0);
  ASSERT_FALSE(fs::exists(dir / "resumed/run.json"));
  const Outcome resumed = run_cli(killed + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  for (const char* file : {"metrics.csv", "theory.csv", "composition.csv"}) {
    EXPECT_EQ(read_file(dir / "resumed" / file), read_file(dir / "thin" / file)) << file;
  }
}

// The text GNU gzip decompresses from `path`.
std::string gunzipped(const fs::path& path) {
  const fs::path plain = path.parent_path() / (path.filename().string() + ".plain");
  const std::string command = "gzip -dc '" + path.string() + "' > '" + plain.string() + "'";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return read_file(plain);
}

// A gzipped run holds the plain run's metrics.csv, gzipped; a killed gzipped run resumes to the same
// bytes; `ouro report` reads it; a sweep's sweep.csv from gzipped cells equals the plain sweep's.
TEST(CliRunGzip, WritesThePlainRunsMetricsGzippedAndEveryReaderTakesThem) {
  const fs::path dir = scratch("gzip");
  const fs::path config = write_config(dir, kLongRun);
  const std::string run = "run " + config.string() + " --quiet --no-report --out ";
  ASSERT_EQ(run_cli(run + (dir / "plain").string()).exit_code, 0);
  const Outcome gzipped = run_cli(run + (dir / "gz").string() + " --gzip --record-every 6");
  ASSERT_EQ(gzipped.exit_code, 0) << gzipped.output;
  EXPECT_FALSE(fs::exists(dir / "gz/metrics.csv"));
  EXPECT_EQ(gunzipped(dir / "gz/metrics.csv.gz"),
            lines_at(read_file(dir / "plain/metrics.csv"), 1, {"0", "6", "12", "18", "20"}));
  EXPECT_THAT(read_file(dir / "gz/run.json"), HasSubstr("\"metrics.csv.gz\""));

  const std::string killed = run + (dir / "resumed").string() + " --gzip --record-every 6 --checkpoint-every 4 --threads 1";
  EXPECT_NE(run_cli(killed, "OURO_TEST_KILL_AFTER_CHECKPOINTS=3").exit_code, 0);
  const Outcome resumed = run_cli(killed + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(read_file(dir / "resumed/metrics.csv.gz"), read_file(dir / "gz/metrics.csv.gz"));

  const Outcome report = run_cli("report " + (dir / "gz").string());
  ASSERT_EQ(report.exit_code, 0) << report.output;
  EXPECT_TRUE(fs::exists(dir / "gz/report.html"));

  const std::string sweep = "sweep " + config.string() + " --grid loop.bias=1.0,0.8 --quiet --no-report --out ";
  ASSERT_EQ(run_cli(sweep + (dir / "sweep_plain").string()).exit_code, 0);
  const Outcome sweep_gz = run_cli(sweep + (dir / "sweep_gz").string() + " --gzip");
  ASSERT_EQ(sweep_gz.exit_code, 0) << sweep_gz.output;
  EXPECT_EQ(read_file(dir / "sweep_gz/sweep.csv"), read_file(dir / "sweep_plain/sweep.csv"));
  EXPECT_TRUE(fs::exists(dir / "sweep_gz/cells"));
}

}  // namespace
