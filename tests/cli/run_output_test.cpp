// `ouro run`'s outputs for long runs and real-data loops, end to end through the real executable:
// the real share of the training sets under the summary.
#include <filesystem>
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

}  // namespace
