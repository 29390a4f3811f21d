// `ouro report` and the report step of `ouro run`, through the real executable: where the report
// goes, the band flag, comparisons, and bad input (a folder that is not a run, a malformed file)
// ending with a message, a non-zero exit and no report file or temporary left behind; a text run's
// samples.jsonl and ppl_gen0_histogram.csv read into the page, from hand-made files and from a
// real `ouro run` of an n-gram model on a tiny corpus.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <tuple>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ouro/core/error.hpp"
#include "ouro/report/figures.hpp"
#include "support/cli_runner.hpp"
#include "support/run_folder.hpp"

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

// The page's embedded data (the JSON the charts are drawn from).
nlohmann::json page_data(const fs::path& page) {
  const std::string html = read_file(page);
  const std::string open = "<script type=\"application/json\" id=\"ouro-data\">";
  const auto start = html.find(open) + open.size();
  return nlohmann::json::parse(html.substr(start, html.find("</script>", start) - start));
}

TEST_F(ReportCli, RunPassesItsBandToTheReportAndRefusesABadOneBeforeRunning) {
  const fs::path a = run("a", "--band quantile");
  EXPECT_EQ(page_data(a / "report.html")["band"], "quantile");
  const auto bad = run_cli("run " + (dir_ / "config.toml").string() + " --quiet --band median --out " + (dir_ / "b").string());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.output, HasSubstr("--band: 'median' is not a band"));
  EXPECT_FALSE(fs::exists(dir_ / "b"));
}

// `ouro phase` writes phase.csv before its report, whose heatmaps and table show phase.csv's values
// (not the last generation's mean) and whose cells are named by the keys that vary.
TEST_F(ReportCli, PhaseReportShowsPhaseCsvLimits) {
  const auto outcome = run_cli("phase " + (dir_ / "config.toml").string() + " --quiet --real 10,40 --synthetic 20 "
                               "--metric variance --set loop.real=fresh --out " + (dir_ / "phase").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const nlohmann::json data = page_data(dir_ / "phase" / "report.html");
  std::istringstream csv(read_file(dir_ / "phase" / "phase.csv"));
  std::string line;
  std::getline(csv, line);
  std::vector<std::vector<std::string>> rows;
  while (std::getline(csv, line)) {
    std::vector<std::string> fields;
    std::stringstream s(line);
    for (std::string f; std::getline(s, f, ',');) fields.push_back(f);
    if (line.back() == ',') fields.push_back("");
    rows.push_back(fields);
  }
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(data["sweep"]["phase"].size(), 2u);
  for (std::size_t r = 0; r < rows.size(); ++r) EXPECT_EQ(data["sweep"]["phase"][r].get<std::vector<std::string>>(), rows[r]);
  EXPECT_EQ(data["runs"][0]["name"], "real_samples=10");
  EXPECT_EQ(data["runs"][1]["name"], "real_samples=40");
  // One swept key per axis is not two: the grid real x synthetic has one synthetic value, so the
  // heatmap is over real_samples x synthetic with the limit in each cell.
  for (const auto& heatmap : data["sweep"]["heatmaps"]) {
    if (heatmap["metric"] != "variance") continue;
    EXPECT_EQ(heatmap["value"], "phase.csv limit_mean");
    ASSERT_EQ(heatmap["rows"].size(), 2u);
    for (std::size_t r = 0; r < 2; ++r) {
      EXPECT_NEAR(heatmap["rows"][r][2].get<double>(), std::stod(rows[r][4]), 1e-5 * std::abs(std::stod(rows[r][4])));
      EXPECT_NEAR(heatmap["rows"][r][5].get<double>(), std::stod(rows[r][5]), 1e-5 * std::abs(std::stod(rows[r][5])));
    }
  }
}

// A 2 x 2 sweep's heatmaps: each cell's mean and standard error recomputed here from the cell's
// metrics.csv, and "within noise" exactly when the highest and lowest cells differ by at most 2
// standard errors of their difference.
TEST_F(ReportCli, SweepHeatmapsCarryMeanAndStandardErrorAndSayWhenWithinNoise) {
  const auto outcome = run_cli("sweep " + (dir_ / "config.toml").string() + " --quiet --grid loop.bias=1.0,0.8 "
                               "--grid loop.synthetic=20,40 --out " + (dir_ / "sweep").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const nlohmann::json data = page_data(dir_ / "sweep" / "report.html");
  std::vector<std::string> names;
  for (const auto& run : data["runs"]) names.push_back(run["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"bias=1.0, synthetic=20", "bias=1.0, synthetic=40",
                                             "bias=0.8, synthetic=20", "bias=0.8, synthetic=40"}));
  const nlohmann::json plan = nlohmann::json::parse(read_file(dir_ / "sweep" / "sweep.json"));
  std::size_t checked = 0, noisy = 0;
  for (const auto& heatmap : data["sweep"]["heatmaps"]) {
    const std::string metric = heatmap["metric"];
    ASSERT_EQ(heatmap["rows"].size(), 4u);
    double high = -1e300, low = 1e300, se_high = 0, se_low = 0;
    for (std::size_t c = 0; c < 4; ++c) {
      // The cell's values at generation 8 (the last), read straight from its metrics.csv.
      std::istringstream csv(read_file(dir_ / "sweep" / plan["cells"][c]["folder"].get<std::string>() / "metrics.csv"));
      std::vector<double> values;
      for (std::string line; std::getline(csv, line);) {
        std::vector<std::string> f;
        std::stringstream fields(line);
        for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
        if (f.size() == 4 && f[1] == "8" && f[2] == metric) values.push_back(std::stod(f[3]));
      }
      ASSERT_EQ(values.size(), 6u) << metric;
      double mean = 0, squares = 0;
      for (const double v : values) mean += v / 6;
      for (const double v : values) squares += (v - mean) * (v - mean);
      const double se = std::sqrt(squares / 5 / 6);
      const auto& row = heatmap["rows"][c];
      EXPECT_NEAR(row[2].get<double>(), mean, 1e-5 * std::abs(mean) + 1e-12) << metric;
      EXPECT_NEAR(row[5].get<double>(), se, 1e-5 * se + 1e-12) << metric;
      char text[64];
      std::snprintf(text, sizeof text, "%.3g ± %.2g", row[2].get<double>(), row[5].get<double>());
      EXPECT_EQ(row[6], text);
      if (mean > high) std::tie(high, se_high) = std::pair(mean, se);
      if (mean < low) std::tie(low, se_low) = std::pair(mean, se);
    }
    const bool within = high - low <= 2 * std::hypot(se_high, se_low);
    EXPECT_EQ(heatmap["within_noise"].get<bool>(), within) << metric << ": " << high << " ± " << se_high << " vs " << low
                                                           << " ± " << se_low;
    noisy += within;
    ++checked;
  }
  EXPECT_EQ(checked, 8u);
  std::printf("[ report ] %zu of %zu heatmaps within noise\n", noisy, checked);
}

TEST_F(ReportCli, PlotRefusesBadInputWithNoFigureWritten) {
  const fs::path a = run("a");
  auto outcome = run_cli("plot " + a.string() + " --metric varianse");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("--metric: 'varianse' is not a metric of"));
  EXPECT_THAT(outcome.output, HasSubstr("(did you mean 'variance'?)"));
  outcome = run_cli("plot " + a.string() + " --format gif");
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("--format: 'gif' is not a figure format; expected svg, png or pdf"));
  outcome = run_cli("plot " + dir_.string());
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("is not a finished run: it has no run.json"));
  EXPECT_FALSE(fs::exists(a / "figures"));
  EXPECT_FALSE(fs::exists(dir_ / "figures"));
}

TEST(FindChromium, NoneFoundSaysHowToInstallIt) {
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  const char* configured = std::getenv("OURO_CHROMIUM");
  const std::string saved = configured ? configured : "";
  ::setenv("PATH", "/nonexistent", 1);
  ::unsetenv("OURO_CHROMIUM");
  try {
    ouro::report::find_chromium("");
    ADD_FAILURE() << "no error";
  } catch (const ouro::IoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("none was found (chromium, chromium-browser or google-chrome on PATH, or $OURO_CHROMIUM)"));
    EXPECT_THAT(e.what(), HasSubstr("install Debian's `chromium`"));
  }
  ::setenv("PATH", path.c_str(), 1);
  if (configured) ::setenv("OURO_CHROMIUM", saved.c_str(), 1);
  EXPECT_EQ(ouro::report::find_chromium("/opt/my-chrome"), "/opt/my-chrome");
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
  EXPECT_THAT(run_cli("report " + a.string()).output, HasSubstr("metrics.csv: damaged or changed since the run"));
  // Restamped as if the run had written the line: the reader's own error.
  ouro::testing::reseal_run_folder(a);
  const auto outcome = run_cli("report " + a.string());
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("metrics.csv:"));
  EXPECT_THAT(outcome.output, HasSubstr("expected 4 fields, found 3"));
  EXPECT_FALSE(fs::exists(a / "report.html"));
  EXPECT_FALSE(leftover_temporaries());
}

// The JSON the page draws from, as embedded in report.html.
nlohmann::json page_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"ouro-data\">";
  const std::size_t start = html.find(open);
  if (start == std::string::npos) return nullptr;
  const std::size_t from = start + open.size();
  return nlohmann::json::parse(html.substr(from, html.find("</script>", from) - from));
}

TEST_F(ReportCli, ShowsTextsAndHistogramOfATextRunFolder) {
  const fs::path a = run("a", "--no-report");  // 9 generations
  std::string samples;
  for (int r = 0; r < 2; ++r) {
    for (int g = 0; g < 9; ++g) {
      for (int s = 0; s < 2; ++s) {
        samples += nlohmann::json{{"replicate", r}, {"generation", g}, {"sample", s},
                                  {"text", "<b>" + std::to_string(g) + "</b>\nline two"}}.dump() + "\n";
      }
    }
  }
  std::ofstream(a / "samples.jsonl") << samples;
  std::ofstream(a / "ppl_gen0_histogram.csv") << "replicate,generation,bin_low,bin_high,count\n"
                                                 "0,0,10,12.2,4\n1,0,10,12.2,4\n0,4,2,2.24,8\n1,8,1,1.12,8\n";
  ouro::testing::reseal_run_folder(a);  // as if the run had written them
  const auto outcome = run_cli("report " + a.string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const std::string html = read_file(a / "report.html");
  EXPECT_EQ(html.find("<b>"), std::string::npos);  // texts only inside the data, escaped
  const nlohmann::json data = page_data(html);
  ASSERT_EQ(data["texts"].size(), 1u);
  const auto& texts = data["texts"][0];
  EXPECT_EQ(texts["generations"].size(), 8u);  // 9 generations: 8 spread from 0 to 8
  EXPECT_EQ(texts["generations"].back(), 8);
  EXPECT_EQ(texts["cells"].size(), 2u * 8u * 2u);
  EXPECT_EQ(texts["cells"][0][3], "<b>0</b>\nline two");
  ASSERT_EQ(data["histograms"].size(), 1u);
  EXPECT_EQ(data["histograms"][0]["generations"], nlohmann::json::parse("[0, 4, 8]"));
  EXPECT_EQ(data["histograms"][0]["rows"][0], nlohmann::json::parse("[0, 10.0, 12.2, 1.0, 8.0]"));
}

TEST_F(ReportCli, MalformedSamplesJsonl) {
  const fs::path a = run("a", "--no-report");
  std::ofstream(a / "samples.jsonl") << R"({"replicate":0,"generation":0,"sample":0,"text":"ok"})" "\n"
                                     << R"({"replicate":0,"generation":1,"text":"no sample"})" "\n";
  ouro::testing::reseal_run_folder(a);  // as if the run had written it
  const auto outcome = run_cli("report " + a.string());
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_THAT(outcome.output, HasSubstr("samples.jsonl:2: missing field \"sample\""));
  EXPECT_FALSE(fs::exists(a / "report.html"));
  EXPECT_FALSE(leftover_temporaries());
}

TEST_F(ReportCli, TextRunEndToEnd) {
  std::string corpus;
  for (int i = 0; i < 120; ++i) corpus += i % 2 ? "the cat sat on the mat\n" : "a dog ran in the park\n";
  std::ofstream(dir_ / "corpus.txt") << corpus;
  std::ofstream(dir_ / "text.toml") << "[run]\ngenerations = 3\nreplicates = 2\nseed = 1\n"
                                       "[truth]\nkind = \"corpus\"\ncorpus = \"text\"\npath = \"" + (dir_ / "corpus.txt").string() +
                                           "\"\nblock_tokens = 8\n[model]\nfamily = \"ngram\"\norder = 2\n"
                                           "[loop]\ninitial = 20\nsynthetic = 20\n[metrics]\ntest_samples = 5\n"
                                           "names = [\"ppl_real\", \"ppl_gen0\"]\n";
  const auto outcome = run_cli("run " + (dir_ / "text.toml").string() + " --quiet --out " + (dir_ / "t").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const nlohmann::json data = page_data(read_file(dir_ / "t" / "report.html"));
  ASSERT_EQ(data["texts"].size(), 1u);
  EXPECT_EQ(data["texts"][0]["generations"], nlohmann::json::parse("[0, 1, 2, 3]"));
  EXPECT_EQ(data["texts"][0]["replicates"], nlohmann::json::parse("[0, 1]"));
  EXPECT_EQ(data["texts"][0]["cells"].size(), 2u * 4u * 5u);  // metrics.text_samples = 5 by default
  ASSERT_EQ(data["histograms"].size(), 1u);
  EXPECT_FALSE(data["histograms"][0]["rows"].empty());
}

}  // namespace
