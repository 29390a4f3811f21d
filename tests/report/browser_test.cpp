// report.html in a real browser: headless Chromium (Debian's `chromium`) opens the file through
// file:// with no network, and the test reads the rendered DOM back. The page must reach
// data-render="done" with one rendered chart per chart container (each holding SVG marks with
// path data), and Chromium must log no console message at all (the page logs nothing when all is
// well; Vega's warnings and any error would show up here). A screenshot is saved beside the test
// binary (report_single.png, report_compare.png, report_sweep.png, report_text.png); the sweep
// report must also draw its heatmaps (rect marks), and a text run's report its perplexity histogram
// (rect marks) and a column of non-empty generated texts per generation. Skipped with a message when
// chromium is absent.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/cli_runner.hpp"

namespace {

namespace fs = std::filesystem;
using ouro::testing::run_cli;

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    const std::string command = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(command.c_str()) == 0) return name;
  }
  return "";
}

struct Browser {
  int exit_code;
  std::string dom;
  std::string log;
  double seconds;
};

// One headless Chromium process on `page`; `extra` adds e.g. --screenshot. Its own profile folder,
// so parallel tests do not share one.
Browser open_page(const std::string& chromium, const fs::path& page, const fs::path& scratch, const std::string& extra) {
  const fs::path dom = scratch / "dom.html";
  const fs::path log = scratch / "chromium.log";
  const std::string command = "timeout 120 " + chromium +
                              " --headless --disable-gpu --no-sandbox --no-first-run --disable-extensions"
                              " --enable-logging=stderr --v=0 --virtual-time-budget=30000"
                              " --user-data-dir=" + (scratch / "profile").string() + " " + extra + " file://" +
                              fs::absolute(page).string() + " >" + dom.string() + " 2>" + log.string();
  const auto start = std::chrono::steady_clock::now();
  const int status = std::system(command.c_str());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(dom), read_file(log), seconds};
}

std::vector<std::string> console_messages(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find("CONSOLE") != std::string::npos) out.push_back(line);
  }
  return out;
}

class Browser_ : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = find_chromium();
    if (chromium_.empty()) GTEST_SKIP() << "chromium is not installed (Debian package `chromium`; scripts/install-deps.sh installs it): the report is not checked in a browser";
    dir_ = fs::temp_directory_path() / ("ouro_report_browser_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "config.toml") << R"(
[run]
generations = 60
replicates = 20
seed = 5
[truth]
kind = "gaussian"
mean = [0.0]
cov = [[1.0]]
[model]
family = "gaussian"
estimator = "mle"
[loop]
initial = 20
synthetic = 20
[metrics]
test_samples = 100
)";
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  fs::path run(const std::string& name, const std::string& extra) {
    const auto outcome = run_cli("run " + (dir_ / "config.toml").string() + " --quiet --out " + (dir_ / name).string() + " " + extra);
    EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
    return dir_ / name;
  }

  // Loads `page`, checks the rendered DOM and the console, saves a screenshot as `png` (`height`
  // pixels tall). Returns the rendered DOM.
  std::string check_renders(const fs::path& page, const std::string& png, int height = 2600) {
    const Browser b = open_page(chromium_, page, dir_, "--dump-dom");
    EXPECT_EQ(b.exit_code, 0) << b.log;
    if (b.exit_code != 0) return "";
    std::printf("[ report ] %s: %.0f KiB, rendered by Chromium in %.2f s\n", page.filename().c_str(),
                static_cast<double>(fs::file_size(page)) / 1024.0, b.seconds);
    EXPECT_THAT(b.dom, ::testing::HasSubstr("data-render=\"done\"")) << b.dom.substr(b.dom.find("<body"), 2000);
    const std::vector<std::string> messages = console_messages(b.log);
    EXPECT_TRUE(messages.empty()) << "console: " << ::testing::PrintToString(messages);

    // Split the DOM at each chart container; each piece must hold drawn marks.
    std::vector<std::size_t> starts;
    for (std::size_t at = b.dom.find("<div class=\"chart "); at != std::string::npos;
         at = b.dom.find("<div class=\"chart ", at + 1)) starts.push_back(at);
    const std::regex charts_attr(R"re(data-charts="(\d+)")re");
    std::smatch m;
    EXPECT_TRUE(std::regex_search(b.dom, m, charts_attr));
    if (m.empty()) return b.dom;
    EXPECT_EQ(std::stoul(m[1]), starts.size());
    EXPECT_FALSE(starts.empty());
    for (std::size_t i = 0; i < starts.size(); ++i) {
      const std::string piece = b.dom.substr(starts[i], (i + 1 < starts.size() ? starts[i + 1] : b.dom.size()) - starts[i]);
      const std::string head = piece.substr(0, piece.find('>') + 1);
      EXPECT_THAT(piece, ::testing::HasSubstr("<svg")) << head;
      EXPECT_TRUE(std::regex_search(piece, std::regex(R"re(class="mark-(line|area|rect) role-mark[^"]*"[^>]*>\s*<path[^>]* d="M[-0-9.]+)re")))
          << head << " has no drawn line, area or heatmap cell";
    }
    last_charts_ = starts.size();

    const fs::path shot = fs::path(OURO_REPORT_ARTIFACTS) / png;
    fs::remove(shot);
    const Browser s = open_page(chromium_, page, dir_, "--hide-scrollbars --window-size=1200," + std::to_string(height) +
                                " --screenshot=" + shot.string());
    EXPECT_EQ(s.exit_code, 0) << s.log;
    EXPECT_TRUE(fs::exists(shot)) << s.log;
    if (fs::exists(shot)) {
      EXPECT_GT(fs::file_size(shot), 20'000u);
    }
    std::printf("[ report ] screenshot %s\n", shot.c_str());
    return b.dom;
  }

  std::string chromium_;
  fs::path dir_;
  std::size_t last_charts_ = 0;
};

TEST_F(Browser_, SingleRunRenders) {
  const fs::path a = run("single", "");
  check_renders(a / "report.html", "report_single.png");
  EXPECT_GE(last_charts_, 3u);  // at least two metrics and the composition
}

TEST_F(Browser_, ComparisonWithQuantileBandsRenders) {
  const fs::path a = run("replace", "--no-report");
  const fs::path b = run("accumulate", "--no-report --set loop.keep=accumulate");
  const auto outcome = run_cli("report " + a.string() + " " + b.string() + " --band quantile --out " +
                               (dir_ / "compare.html").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  check_renders(dir_ / "compare.html", "report_compare.png");
}

TEST_F(Browser_, SweepReportWithHeatmapsRenders) {
  const auto outcome = run_cli("sweep " + (dir_ / "config.toml").string() + " --quiet --grid loop.bias=1.0,0.8 --grid "
                               "model.estimator=mle,unbiased --out " + (dir_ / "sweep").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const std::string page = read_file(dir_ / "sweep/report.html");
  EXPECT_THAT(page, ::testing::HasSubstr("heatmap"));
  check_renders(dir_ / "sweep/report.html", "report_sweep.png");
  EXPECT_GE(last_charts_, 2u * 8u + 4u);  // a line chart and a heatmap per metric, a composition per cell
}

// Occurrences of `pattern` in `text`.
std::size_t count_matches(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<std::size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

// A text run (n-gram model on a tiny corpus): 4 generations (0..3) x 2 replicates x 5 saved samples.
TEST_F(Browser_, TextRunShowsGenerationsSideBySide) {
  std::string corpus;
  const char* sentences[] = {"the cat sat on the mat", "a dog ran in the park", "the bird sang a song",
                             "my cat and the dog play", "rain fell on the old park"};
  for (int i = 0; i < 60; ++i) corpus += std::string(sentences[i % 5]) + "\n";
  std::ofstream(dir_ / "corpus.txt") << corpus;
  std::ofstream(dir_ / "text.toml") << "[run]\ngenerations = 3\nreplicates = 2\nseed = 2\n"
                                       "[truth]\nkind = \"corpus\"\ncorpus = \"text\"\npath = \"" + (dir_ / "corpus.txt").string() +
                                           "\"\nblock_tokens = 8\n[model]\nfamily = \"ngram\"\norder = 2\n"
                                           "[loop]\ninitial = 40\nsynthetic = 40\n[metrics]\ntest_samples = 5\n"
                                           "names = [\"ppl_real\", \"ppl_gen0\"]\n";
  const auto outcome = run_cli("run " + (dir_ / "text.toml").string() + " --quiet --out " + (dir_ / "text").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const std::string dom = check_renders(dir_ / "text" / "report.html", "report_text.png", 3400);
  EXPECT_THAT(dom, ::testing::HasSubstr("<div class=\"chart histogram-chart "));  // its marks checked above
  // Replicate 0 and all samples by default: one column per generation, five texts in each.
  EXPECT_EQ(count_matches(dom, R"(<div class="text-column" data-generation="\d+">)"), 4u);
  EXPECT_EQ(count_matches(dom, R"(<div class="text-cell" data-sample="\d+">)"), 4u * 5u);
  // None blank (a text may begin with a sentence end, a line break).
  EXPECT_EQ(count_matches(dom, R"(<div class="text-body">[^<]*[^<\s])"), 4u * 5u);
  EXPECT_THAT(dom, ::testing::HasSubstr("generation 3 (last)"));

  // The selectors: a copy of the page that picks replicate 1 and sample 2 once it is built shows
  // one text per generation, without the per-sample labels.
  std::string page = read_file(dir_ / "text" / "report.html");
  page.replace(page.rfind("</body>"), 7,
               "<script>for (const [n, v] of [['text-replicate', '1'], ['text-sample', '2']]) {"
               " const s = document.querySelector('select[name=' + n + ']'); s.value = v;"
               " s.dispatchEvent(new Event('change')); }</script></body>");
  std::ofstream(dir_ / "text" / "selected.html") << page;
  const Browser b = open_page(chromium_, dir_ / "text" / "selected.html", dir_, "--dump-dom");
  ASSERT_EQ(b.exit_code, 0) << b.log;
  EXPECT_EQ(count_matches(b.dom, R"(<div class="text-cell" data-sample="2">)"), 4u);
  EXPECT_EQ(count_matches(b.dom, R"(<div class="text-cell")"), 4u);
  EXPECT_EQ(count_matches(b.dom, R"(<div class="text-label">)"), 0u);
  EXPECT_THAT(b.dom, ::testing::HasSubstr("<option value=\"1\">1</option>"));
}

}  // namespace
