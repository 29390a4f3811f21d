// Figures through headless Chromium (see figures.hpp). The page is report.html's own, told by
// data.plot to draw only the chosen metrics at a fixed width and to export them; so the figures
// and the report never disagree on what a chart shows.
#include "ouro/report/figures.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ouro/core/suggestion.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/atomic_file.hpp"
#include "ouro/report/html_report.hpp"
#include "ouro/report/run_data.hpp"
#include "ouro/report/sweep_report.hpp"

namespace ouro::report {
namespace {

namespace fs = std::filesystem;

// Rendering a few charts takes a second or two; a hung browser is stopped after this long.
constexpr int kBrowserTimeoutSeconds = 120;

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string decode_base64(std::string_view text) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    if (c == '=' || c == '\n' || c == ' ') continue;
    const auto at = alphabet.find(c);
    OURO_CHECK(at != std::string::npos, IoError, "the browser returned a figure that is not base64 (byte '{}')", c);
    buffer = (buffer << 6) | static_cast<unsigned>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// A scratch folder of this process, removed on every way out.
struct Scratch {
  fs::path dir;
  Scratch() : dir(fs::temp_directory_path() / fmt::format("ouro_plot_{}", ::getpid())) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Scratch() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
};

// Runs the browser on `page` with `flags`; returns its standard output. IoError with the end of its
// log when it fails.
std::string browse(const std::string& chromium, const fs::path& page, const fs::path& scratch, const std::string& flags) {
  const fs::path out = scratch / "stdout";
  const fs::path log = scratch / "browser.log";
  const std::string command =
      fmt::format("timeout {} {} --headless --disable-gpu --no-sandbox --no-first-run --disable-extensions "
                  "--virtual-time-budget=30000 --user-data-dir={} {} {} >{} 2>{}",
                  kBrowserTimeoutSeconds, quoted(chromium), quoted((scratch / "profile").string()), flags,
                  quoted("file://" + fs::absolute(page).string()), quoted(out.string()), quoted(log.string()));
  const int status = std::system(command.c_str());
  if (status != 0) {
    std::string tail = read_text(log);
    if (tail.size() > 800) tail = "..." + tail.substr(tail.size() - 800);
    throw IoError(fmt::format("{} failed rendering the figures (exit status {}; is it a Chromium?): {}", chromium,
                              WIFEXITED(status) ? WEXITSTATUS(status) : status, tail));
  }
  return read_text(out);
}

// The width and height attributes of an SVG's root element, for the PDF page.
std::pair<std::string, std::string> svg_size(const std::string& svg) {
  std::smatch m;
  const std::string head = svg.substr(0, svg.find('>'));
  std::string width = "640", height = "300";
  if (std::regex_search(head, m, std::regex(R"re(width="([0-9.]+))re"))) width = m[1];
  if (std::regex_search(head, m, std::regex(R"re(height="([0-9.]+))re"))) height = m[1];
  return {width, height};
}

}  // namespace

FigureFormat parse_figure_format(const std::string& name) {
  if (name == "svg") return FigureFormat::kSvg;
  if (name == "png") return FigureFormat::kPng;
  if (name == "pdf") return FigureFormat::kPdf;
  throw ConfigError(fmt::format("--format: '{}' is not a figure format; expected svg, png or pdf", name));
}

std::string figure_extension(FigureFormat format) {
  switch (format) {
    case FigureFormat::kPng: return "png";
    case FigureFormat::kPdf: return "pdf";
    case FigureFormat::kSvg: break;
  }
  return "svg";
}

std::string find_chromium(const std::string& configured) {
  if (!configured.empty()) return configured;
  if (const char* env = std::getenv("OURO_CHROMIUM"); env != nullptr && *env != '\0') return env;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path == nullptr ? "" : path);
  std::vector<fs::path> folders;
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty()) folders.emplace_back(dir);
  }
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    for (const fs::path& dir : folders) {
      if (::access((dir / name).c_str(), X_OK) == 0) return (dir / name).string();
    }
  }
  throw IoError("ouro plot renders with headless Chromium, and none was found (chromium, chromium-browser or "
                "google-chrome on PATH, or $OURO_CHROMIUM): install Debian's `chromium` (scripts/install-deps.sh "
                "does), or open report.html and export a chart from its menu");
}

std::vector<fs::path> write_figures(const FigureRequest& request) {
  // Read and check the folder and the metrics before looking for a browser: bad input is named first.
  std::vector<RunData> runs;
  ReportOptions options;
  if (is_sweep_folder(request.dir)) {
    SweepPage page = read_sweep_page(request.dir, {});
    runs = std::move(page.runs);
    options = std::move(page.options);
  } else {
    runs.push_back(load_run(request.dir));
  }
  std::vector<std::string> available;
  for (const RunData& run : runs) {
    for (const MetricValues& m : run.metrics) {
      if (std::find(available.begin(), available.end(), m.name) == available.end()) available.push_back(m.name);
    }
  }
  std::vector<std::string> metrics = request.metrics.empty() ? available : request.metrics;
  for (const std::string& name : metrics) {
    OURO_CHECK(std::find(available.begin(), available.end(), name) != available.end(), ConfigError,
               "--metric: '{}' is not a metric of {}{}; it has {}", name, request.dir.string(),
               did_you_mean(name, available), fmt::join(available, ", "));
  }
  const std::string chromium = find_chromium(request.chromium);
  const std::string extension = figure_extension(request.format);
  options.plot = {{"metrics", metrics}, {"format", request.format == FigureFormat::kPng ? "png" : "svg"}};

  Scratch scratch;
  const fs::path page = scratch.dir / "figures.html";
  {
    std::ofstream out(page, std::ios::binary);
    out << render_report(runs, options);
  }
  const std::string dom = browse(chromium, page, scratch.dir, "--dump-dom");
  OURO_CHECK(dom.find("data-render=\"done\"") != std::string::npos, IoError,
             "{} did not finish drawing the figures of {}{}", chromium, request.dir.string(),
             dom.find("data-render=\"failed\"") != std::string::npos ? " (a chart failed to render)" : "");
  std::vector<std::pair<std::string, std::string>> figures;  // metric, file contents
  // Scanned by hand: std::regex recurses per character and overflows the stack on a PNG's base64.
  const std::string open_tag = "<pre class=\"plot-image\" data-metric=\"";
  for (std::size_t at = dom.find(open_tag); at != std::string::npos; at = dom.find(open_tag, at)) {
    at += open_tag.size();
    const std::size_t name_end = dom.find("\">", at);
    const std::size_t close = dom.find("</pre>", name_end);
    OURO_CHECK(name_end != std::string::npos && close != std::string::npos, IoError,
               "{} returned a cut-off page for {}", chromium, request.dir.string());
    figures.emplace_back(dom.substr(at, name_end - at), decode_base64(std::string_view(dom).substr(name_end + 2, close - name_end - 2)));
    at = close;
  }
  // One line chart per metric, then a sweep's heatmaps of it (named <metric>-heatmap...).
  for (const std::string& name : metrics) {
    const bool drawn = std::any_of(figures.begin(), figures.end(), [&](const auto& f) { return f.first == name; });
    OURO_CHECK(drawn, IoError, "{} returned no figure of {} (of {} figures)", chromium, name, figures.size());
  }
  if (request.format == FigureFormat::kPdf) {
    // Each SVG printed alone on a page of its own size.
    for (auto& [metric, content] : figures) {
      const auto [width, height] = svg_size(content);
      const fs::path svg_page = scratch.dir / "figure.html";
      std::ofstream(svg_page, std::ios::binary)
          << "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>@page { size: " << width << "px " << height
          << "px; margin: 0 } body { margin: 0 } svg { display: block }</style></head><body>" << content
          << "</body></html>";
      const fs::path pdf = scratch.dir / "figure.pdf";
      browse(chromium, svg_page, scratch.dir, "--no-pdf-header-footer --print-to-pdf=" + quoted(pdf.string()));
      content = read_text(pdf);
      OURO_CHECK(content.starts_with("%PDF"), IoError, "{} wrote no PDF for {}", chromium, metric);
    }
  }

  const fs::path out_dir = request.out.empty() ? request.dir / "figures" : request.out;
  fs::create_directories(out_dir);
  std::vector<fs::path> written;
  for (const auto& [metric, content] : figures) {
    const fs::path path = out_dir / (metric + "." + extension);
    AtomicFile file(path);
    file.stream().write(content.data(), static_cast<std::streamsize>(content.size()));
    file.commit();
    written.push_back(path);
  }
  return written;
}

}  // namespace ouro::report
