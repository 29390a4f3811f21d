// `ouro plot`: publication figures of a run, sweep or phase folder, one file per metric (and, for a
// sweep over two or more keys, one per heatmap of it: <metric>-heatmap[-<leading values>]; a phase
// folder's are its phase diagrams), drawn from the same Vega-Lite specs as report.html (report_page.js) and rendered by headless Chromium, which
// the browser tests already use: Vega exports SVG (view.toSVG) or PNG (view.toImageURL, 2x scale)
// into the page, which Chromium hands back through --dump-dom; a PDF is Chromium's --print-to-pdf of
// the SVG on a page of its size. Every figure is rendered before any file is written, and each is
// written through AtomicFile, so a failure leaves no figure half-written.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ouro::report {

enum class FigureFormat { kSvg, kPng, kPdf };

// "svg", "png" or "pdf"; ConfigError naming --format otherwise.
FigureFormat parse_figure_format(const std::string& name);
std::string figure_extension(FigureFormat format);

struct FigureRequest {
  std::filesystem::path dir;         // a run folder or a sweep folder (a phase diagram is one)
  std::vector<std::string> metrics;  // empty: every metric of the folder
  FigureFormat format = FigureFormat::kSvg;
  std::filesystem::path out;         // folder for the figures; empty: DIR/figures
  std::string chromium;              // the browser; empty: $OURO_CHROMIUM, else chromium on PATH
};

// The headless browser: `configured` when given, else $OURO_CHROMIUM, else the first of chromium,
// chromium-browser, google-chrome on PATH. IoError saying how to install it when none is found.
std::string find_chromium(const std::string& configured);

// Renders and writes OUT/<metric>.<format> for each metric; returns the files written. Throws
// IoError/DataError for a folder that is not a run or sweep, ConfigError for an unknown metric
// (with the closest name), IoError when Chromium is missing or fails.
std::vector<std::filesystem::path> write_figures(const FigureRequest& request);

}  // namespace ouro::report
