// `ouro report` and the report step of `ouro run`, through the real executable: where the report
// goes, the band flag, comparisons, and bad input (a folder that is not a run, a malformed file)
// ending with a message, a non-zero exit and no report file or temporary left behind.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/cli_runner.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ouro::testing::run_cli;

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ReportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ouro_report_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "config.toml") << R"(
[run]
generations = 8
replicates = 6
seed = 3
[truth]
kind = "gaussian"
mean = [0.0]
cov = [[1.0]]
[model]
family = "gaussian"
[loop]
initial = 20
synthetic = 20
[metrics]
test_samples = 50
)";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path run(const std::string& name, const std::string& extra = "") {
    const auto outcome = run_cli("run " + (dir_ / "config.toml").string() + " --quiet --out " + (dir_ / name).string() + " " + extra);
    EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
    return dir_ / name;
  }
  bool leftover_temporaries() const {
    for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
      if (entry.path().filename().string().find(".tmp-") != std::string::npos) return true;
    }
    return false;
  }
  fs::path dir_;
};

TEST_F(ReportCli, RunWritesReportUnlessToldNot) {
  const fs::path a = run("a");
  ASSERT_TRUE(fs::exists(a / "report.html"));
  const std::string html = read_file(a / "report.html");
  EXPECT_THAT(html, HasSubstr("ouroboros report: a"));
  EXPECT_THAT(html, HasSubstr("\"band\":\"se\""));
  const fs::path b = run("b", "--no-report");
  EXPECT_TRUE(fs::exists(b / "metrics.csv"));
  EXPECT_FALSE(fs::exists(b / "report.html"));
}

TEST_F(ReportCli, RebuildsWithQuantileBandAndCompares) {
  const fs::path a = run("a", "--no-report");
  const fs::path b = run("b", "--no-report --set loop.keep=accumulate");
  auto outcome = run_cli("report " + a.string() + " --band quantile");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_THAT(outcome.output, HasSubstr("report.html"));
  EXPECT_THAT(read_file(a / "report.html"), HasSubstr("\"band\":\"quantile\""));

  outcome = run_cli("report " + a.string() + " " + b.string() + " --out " + (dir_ / "both.html").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const std::string html = read_file(dir_ / "both.html");
  EXPECT_THAT(html, HasSubstr("ouroboros report: a, b"));
  EXPECT_THAT(html, HasSubstr("\"key\":\"loop.keep\""));
  EXPECT_FALSE(leftover_temporaries());
}

TEST_F(ReportCli, SeveralRunsNeedOut) {
  const fs::path a = run("a", "--no-report");
  const auto outcome = run_cli("report " + a.string() + " " + a.string());
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("--out"));
}

TEST_F(ReportCli, BadBand) {
  const fs::path a = run("a", "--no-report");
  const auto outcome = run_cli("report " + a.string() + " --band sd");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("--band: 'sd'"));
  EXPECT_FALSE(fs::exists(a / "report.html"));
}

TEST_F(ReportCli, FolderThatIsNotARun) {
  const fs::path a = run("a", "--no-report");
  fs::create_directories(dir_ / "empty");
  const auto outcome = run_cli("report " + a.string() + " " + (dir_ / "empty").string() + " --out " +
                               (dir_ / "both.html").string());
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("is not a finished run"));
  EXPECT_THAT(outcome.output, HasSubstr("empty"));
  EXPECT_FALSE(fs::exists(dir_ / "both.html"));
  EXPECT_FALSE(leftover_temporaries());
}

TEST_F(ReportCli, MalformedCsv) {
  const fs::path a = run("a");
  fs::remove(a / "report.html");
  std::ofstream(a / "metrics.csv", std::ios::app) << "0,1,w2\n";
  const auto outcome = run_cli("report " + a.string());
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("metrics.csv:"));
  EXPECT_THAT(outcome.output, HasSubstr("expected 4 fields, found 3"));
  EXPECT_FALSE(fs::exists(a / "report.html"));
  EXPECT_FALSE(leftover_temporaries());
}

}  // namespace
