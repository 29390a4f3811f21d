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
#include <set>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ouro/io/png.hpp"
#include "support/cli_runner.hpp"
#include "support/run_folder.hpp"

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


// The rendered chart container <div class="chart KIND" data-metric="NAME"> up to the next chart.
std::string chart_dom(const std::string& dom, const std::string& kind, const std::string& metric) {
  // vega-embed adds its own class after ours, so the tag is matched by its start and data-metric.
  const std::string open = "<div class=\"chart " + kind;
  for (std::size_t start = dom.find(open); start != std::string::npos; start = dom.find(open, start + 1)) {
    const std::string tag = dom.substr(start, dom.find('>', start) - start);
    if (tag.find("data-metric=\"" + metric + "\"") == std::string::npos) continue;
    const std::size_t end = dom.find("<div class=\"chart ", start + 1);
    return dom.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }
  return "";
}

// The first group of each match of `pattern` in `text`.
std::vector<std::string> captures(const std::string& text, const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) out.push_back((*it)[1]);
  return out;
}

// WCAG relative luminance of an SVG colour: rgb(r, g, b), #rrggbb, #rgb, black or white.
double luminance(const std::string& colour) {
  double rgb[3] = {0, 0, 0};
  std::smatch m;
  if (colour == "white") {
    rgb[0] = rgb[1] = rgb[2] = 255;
  } else if (std::regex_match(colour, m, std::regex(R"(rgb\((\d+), ?(\d+), ?(\d+)\))"))) {
    for (int i = 0; i < 3; ++i) rgb[i] = std::stod(m[i + 1]);
  } else if (colour.size() == 7 && colour[0] == '#') {
    for (int i = 0; i < 3; ++i) rgb[i] = std::stoi(colour.substr(1 + 2 * i, 2), nullptr, 16);
  } else if (colour.size() == 4 && colour[0] == '#') {
    for (int i = 0; i < 3; ++i) rgb[i] = 17 * std::stoi(colour.substr(1 + i, 1), nullptr, 16);
  } else {
    EXPECT_EQ(colour, "black") << "unexpected colour";
  }
  double l[3];
  for (int i = 0; i < 3; ++i) {
    const double c = rgb[i] / 255.0;
    l[i] = c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  }
  return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
}

double contrast(const std::string& a, const std::string& b) {
  const double x = luminance(a), y = luminance(b);
  return (std::max(x, y) + 0.05) / (std::min(x, y) + 0.05);
}

// Legend labels of a rendered chart.
std::vector<std::string> legend_labels(const std::string& chart) {
  return captures(chart, R"re(role-legend-label"[^>]*><text[^>]*>([^<]*)</text>)re");
}

void expect_distinct_whole(const std::vector<std::string>& labels, std::size_t count) {
  EXPECT_EQ(labels.size(), count) << ::testing::PrintToString(labels);
  EXPECT_EQ(std::set<std::string>(labels.begin(), labels.end()).size(), labels.size()) << ::testing::PrintToString(labels);
  for (const std::string& label : labels) EXPECT_EQ(label.find("…"), std::string::npos) << label;
}

// Heatmap cells: their fill and their text's fill and content, in data order.
struct HeatCell {
  std::string fill, text_fill, text;
};
std::vector<HeatCell> heat_cells(const std::string& chart) {
  const auto fills = captures(chart, R"re(aria-roledescription="rect mark" d="[^"]*" fill="([^"]*)")re");
  const auto text_fills = captures(chart, R"re(aria-roledescription="text mark"[^>]* fill="([^"]*)")re");
  const auto texts = captures(chart, R"re(aria-roledescription="text mark"[^>]*>([^<]*)</text>)re");
  EXPECT_EQ(fills.size(), texts.size());
  EXPECT_EQ(text_fills.size(), texts.size());
  std::vector<HeatCell> out;
  for (std::size_t i = 0; i < std::min({fills.size(), texts.size(), text_fills.size()}); ++i) {
    out.push_back({fills[i], text_fills[i], texts[i]});
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
  const std::string dom = check_renders(a / "report.html", "report_single.png");
  EXPECT_GE(last_charts_, 3u);  // at least two metrics and the composition
  // The runs table: 20 replicates and the configured 60 generations (generations 0..60 recorded).
  EXPECT_THAT(dom, ::testing::HasSubstr("<td class=\"num\">20</td><td class=\"num\">60</td>"));
  // Each chart says what its metric is, its unit and which way is better.
  const std::string nll = chart_dom(dom, "metric-chart", "nll_real");
  EXPECT_THAT(nll, ::testing::HasSubstr(">nll_real (nats per sample)</text>"));
  EXPECT_THAT(nll, ::testing::HasSubstr("negative log-likelihood of held-out real data under the model; lower is better"));
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
  const std::string dom = check_renders(dir_ / "sweep/report.html", "report_sweep.png", 6000);
  EXPECT_GE(last_charts_, 2u * 8u + 4u);  // a line chart and a heatmap per metric, a composition per cell
  // The 2 x 2 cells are told apart in every legend, by the short names of the keys that vary.
  for (const char* metric : {"nll_real", "variance"}) {
    const std::vector<std::string> labels = legend_labels(chart_dom(dom, "metric-chart", metric));
    expect_distinct_whole(labels, 4);
    EXPECT_THAT(labels, ::testing::Contains("bias=0.8, estimator=unbiased"));
  }
  // Heatmaps: every cell shows mean ± s.e. in a colour that reads on its fill; where the cells
  // differ within noise the page says so and paints them alike.
  std::size_t heatmaps = 0, noisy = 0;
  for (const char* metric : {"nll_real", "mean_shift", "trace_ratio", "logdet_ratio", "w2", "mean", "variance", "std"}) {
    const std::string chart = chart_dom(dom, "heatmap-chart", metric);
    ASSERT_FALSE(chart.empty()) << metric;
    ++heatmaps;
    const std::vector<HeatCell> cells = heat_cells(chart);
    ASSERT_EQ(cells.size(), 4u) << metric;
    std::set<std::string> fills;
    for (const HeatCell& cell : cells) {
      EXPECT_THAT(cell.text, ::testing::MatchesRegex(R"([-0-9.e+]+ ± [0-9.e+-]+)")) << metric;
      EXPECT_GE(contrast(cell.fill, cell.text_fill), 3.0) << metric << ": " << cell.text_fill << " on " << cell.fill;
      fills.insert(cell.fill);
    }
    const bool said_noise = dom.find("<p class=\"note heatmap-noise\" data-metric=\"" + std::string(metric) + "\"") != std::string::npos;
    if (said_noise) {
      ++noisy;
      EXPECT_EQ(fills.size(), 1u) << metric;
    } else {
      EXPECT_GT(fills.size(), 1u) << metric;
    }
  }
  EXPECT_EQ(heatmaps, 8u);
  std::printf("[ report ] %zu of %zu heatmaps within noise\n", noisy, heatmaps);
}

// A phase diagram's report: four cells told apart in the legends, the table equal to phase.csv.
TEST_F(Browser_, PhaseReportLegendsAndTableReadRight) {
  const auto outcome = run_cli("phase " + (dir_ / "config.toml").string() + " --quiet --real 10,40 --synthetic 20,40 "
                               "--metric variance --set loop.real=fresh --generations 20 --out " + (dir_ / "phase").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const std::string dom = check_renders(dir_ / "phase/report.html", "report_phase.png", 6000);
  expect_distinct_whole(legend_labels(chart_dom(dom, "metric-chart", "variance")), 4);
  // Table cells as phase.csv writes them, row by row.
  const std::string table = dom.substr(dom.find("<table class=\"phase-table\">"));
  std::vector<std::string> shown = captures(table.substr(0, table.find("</table>")), R"re(<td[^>]*>([^<]*)</td>)re");
  std::istringstream csv(read_file(dir_ / "phase/phase.csv"));
  std::string line;
  std::getline(csv, line);
  std::vector<std::string> expected;
  while (std::getline(csv, line)) {
    std::stringstream fields(line + ",");
    for (std::string f; std::getline(fields, f, ',');) expected.push_back(f);
  }
  EXPECT_EQ(shown, expected);
  // The heatmap shows the limit (limit_mean ± limit_se to 3 and 2 digits).
  const std::vector<HeatCell> cells = heat_cells(chart_dom(dom, "heatmap-chart", "variance"));
  ASSERT_EQ(cells.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    char text[64];
    std::snprintf(text, sizeof text, "%.3g ± %.2g", std::stod(expected[8 * i + 4]), std::stod(expected[8 * i + 5]));
    EXPECT_EQ(cells[i].text, text);
  }
}

// `ouro plot` of a phase folder: the metric's line chart and its phase diagram, a heatmap whose
// cells read phase.csv's limit_mean ± limit_se, as the report's does.
TEST_F(Browser_, PlotWritesAPhaseDiagramBesideTheLineChart) {
  const auto outcome = run_cli("phase " + (dir_ / "config.toml").string() + " --quiet --real 10,40 --synthetic 20,40 "
                               "--metric variance --set loop.real=fresh --generations 20 --no-report --out " +
                               (dir_ / "phase").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const auto plot = run_cli("plot " + (dir_ / "phase").string() + " --metric variance --out " + (dir_ / "figures").string());
  ASSERT_EQ(plot.exit_code, 0) << plot.output;
  EXPECT_TRUE(fs::exists(dir_ / "figures/variance.svg"));
  const std::string svg = read_file(dir_ / "figures/variance-heatmap.svg");
  ASSERT_FALSE(svg.empty()) << plot.output;
  EXPECT_THAT(svg, ::testing::HasSubstr("limit_mean ± limit_se per cell"));
  std::istringstream csv(read_file(dir_ / "phase/phase.csv"));
  std::string line;
  std::getline(csv, line);
  std::size_t rows = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::stringstream fields(line + ",");
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    char text[64];
    std::snprintf(text, sizeof text, "%.3g ± %.2g", std::stod(f[4]), std::stod(f[5]));
    EXPECT_THAT(svg, ::testing::HasSubstr(std::string(">") + text + "</text>")) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 4u);
}

// `ouro plot` end to end: one SVG, PNG or PDF per metric, each a real file of its kind.
TEST_F(Browser_, PlotWritesFiguresInEachFormat) {
  const fs::path a = run("single", "--no-report --set 'metrics.names=[\"nll_real\",\"variance\"]'");
  for (const char* format : {"svg", "png", "pdf"}) {
    const auto outcome = run_cli("plot " + a.string() + " --format " + format + " --out " + (dir_ / format).string());
    ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
    for (const char* metric : {"nll_real", "variance"}) {
      const fs::path file = dir_ / format / (std::string(metric) + "." + format);
      ASSERT_TRUE(fs::exists(file)) << outcome.output;
      const std::string content = read_file(file);
      if (std::string(format) == "png") {
        EXPECT_EQ(content.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
        EXPECT_GT(content.size(), 30'000u);
      } else if (std::string(format) == "pdf") {
        EXPECT_EQ(content.substr(0, 5), "%PDF-");
        EXPECT_NE(content.find("%%EOF"), std::string::npos);
        EXPECT_GT(content.size(), 10'000u);
      }
    }
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / format), fs::directory_iterator()), 2);
  }
  // The SVG is well-formed (every element closed in order) and carries the title, axis label and unit.
  const std::string svg = read_file(dir_ / "svg" / "variance.svg");
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  std::vector<std::string> open;
  const std::regex tag(R"re(<(/?)([a-zA-Z]+)[^>]*?(/?)>)re");
  bool balanced = true;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), tag); it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    if (m[3] == "/") continue;
    if (m[1] == "/") {
      if (open.empty() || open.back() != m[2]) balanced = false;
      if (!open.empty()) open.pop_back();
    } else {
      open.push_back(m[2]);
    }
  }
  EXPECT_TRUE(balanced && open.empty()) << "unbalanced SVG";
  EXPECT_THAT(svg, ::testing::HasSubstr(">variance</text>"));
  EXPECT_THAT(svg, ::testing::HasSubstr(">variance (squared data units)</text>"));
  EXPECT_THAT(svg, ::testing::HasSubstr(">generation</text>"));
  EXPECT_THAT(svg, ::testing::HasSubstr("closer to the truth's variance is better"));
  // A figure has no page around it: its subtitle says what each line is (this run has theory).
  EXPECT_THAT(svg, ::testing::HasSubstr("solid: mean over replicates, band: "));
  EXPECT_THAT(svg, ::testing::HasSubstr("; dotted: median; dashed: closed-form theory"));
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
  corpus += "zebra quokka sat\n";  // in the test split only: oov_rate > 0
  std::ofstream(dir_ / "corpus.txt") << corpus;
  std::ofstream(dir_ / "text.toml") << "[run]\ngenerations = 3\nreplicates = 2\nseed = 2\n"
                                       "[truth]\nkind = \"corpus\"\ncorpus = \"text\"\npath = \"" + (dir_ / "corpus.txt").string() +
                                           "\"\nblock_tokens = 8\n[model]\nfamily = \"ngram\"\norder = 2\n"
                                           "[loop]\ninitial = 40\nsynthetic = 40\n[metrics]\ntest_samples = 5\n"
                                           "names = [\"ppl_real\", \"ppl_gen0\", \"oov_rate\"]\n";
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
  // oov_rate is the same in every row: the page says so, and its axis spans the value with ticks
  // that read as numbers around it (not a single "0").
  const std::vector<std::string> constant = captures(dom, R"re(class="note metric-constant" data-metric="oov_rate">Constant: the mean is ([-0-9.e]+) at every generation)re");
  ASSERT_EQ(constant.size(), 1u);
  const double value = std::stod(constant[0]);
  const std::string oov = chart_dom(dom, "metric-chart", "oov_rate");
  EXPECT_THAT(oov, ::testing::HasSubstr(">oov_rate (constant)</text>"));
  const std::vector<std::string> ticks = captures(oov, R"re(role-axis-label"[^>]*>((?:<text[^>]*>[^<]*</text>)+))re");
  ASSERT_EQ(ticks.size(), 2u);  // x axis, then y axis
  const std::vector<std::string> y_ticks = captures(ticks[1], R"re(<text[^>]*>([^<]*)</text>)re");
  EXPECT_GE(y_ticks.size(), 3u) << ticks[1];
  EXPECT_GT(value, 0.0);
  for (std::string tick : y_ticks) {
    if (tick.rfind("\u2212", 0) == 0) tick = "-" + tick.substr(3);  // Vega writes a minus sign
    EXPECT_NEAR(std::stod(tick), value, 0.06 * value) << tick;
  }

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

// An image run's folder, written by hand: three generations' sample grids (gray PNGs whose digits
// fade) and frechet with its real-versus-real floor. The page shows replicate 0's grids in one strip,
// generation 0 first, each an embedded PNG, and draws the floor on frechet's chart (its own colour)
// with no chart of its own.
TEST_F(Browser_, ImageRunShowsSampleGridsAndTheFloor) {
  const fs::path run = dir_ / "images";
  fs::create_directories(run / "samples");
  for (int g = 0; g < 3; ++g) {
    // 8 x 2 cells of 28 x 28 with a 1-px gap: a bright square per cell that dims each generation.
    const std::uint32_t width = 8 * 28 + 7, height = 2 * 28 + 1;
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) * height, 128);
    for (std::uint32_t y = 0; y < height; ++y)
      for (std::uint32_t x = 0; x < width; ++x)
        if (x % 29 < 28 && y % 29 < 28) pixels[y * width + x] = (x % 29 > 8 && x % 29 < 20 && y % 29 > 6) ? 250 - 80 * g : 0;
    std::ofstream(run / "samples" / ("gen-00" + std::to_string(g) + "-rep-0.png"), std::ios::binary)
        << ouro::encode_png(width, height, 1, pixels);
  }
  std::ofstream(run / "metrics.csv") << "replicate,generation,metric,value\n"
                                        "0,0,frechet,3.5\n0,0,frechet_floor,1.5\n0,1,frechet,9\n0,1,frechet_floor,1.5\n"
                                        "0,2,frechet,20\n0,2,frechet_floor,1.5\n"
                                        "1,0,frechet,4.5\n1,0,frechet_floor,2.5\n1,1,frechet,8\n1,1,frechet_floor,2.5\n"
                                        "1,2,frechet,24\n1,2,frechet_floor,2.5\n";
  std::ofstream(run / "theory.csv") << "generation,metric,expected\n";
  std::ofstream(run / "composition.csv") << "replicate,generation,origin,origin_generation,count\n"
                                            "all,0,original,0,100\nall,1,synthetic,0,100\nall,2,synthetic,1,100\n";
  ouro::testing::seal_run_folder(run, {{"version", "0.1.0"}, {"seed", 1}, {"threads", 1},
                                       {"metrics", {"frechet", "frechet_floor"}},
                                       {"config", {{"run", {{"generations", 2}}}}}});
  const auto outcome = run_cli("report " + run.string() + " --out " + (dir_ / "images.html").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const std::string dom = check_renders(dir_ / "images.html", "report_images.png", 1400);
  EXPECT_EQ(last_charts_, 2u) << "frechet and the composition; the floor has no chart";
  EXPECT_EQ(count_matches(dom, R"re(<figure class="grid-cell" data-generation="\d"><img src="data:image/png;base64,iVBOR)re"), 3u);
  EXPECT_THAT(dom, ::testing::HasSubstr("<figcaption>generation 2</figcaption>"));
  EXPECT_THAT(chart_dom(dom, "metric-chart", "frechet"), ::testing::HasSubstr("#c0392b"));
}

}  // namespace
