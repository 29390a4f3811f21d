// `ouro plot DIR [--metric M ...] [--format svg|png|pdf] [--out FOLDER]`: publication figures of a
// run, sweep or phase folder, one file per metric, the report's own charts rendered by headless
// Chromium (ouro/report/figures.hpp; docs/report.md).
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "commands.hpp"
#include "ouro/report/figures.hpp"

namespace ouro::cli {
namespace {

struct PlotCommandOptions {
  std::string dir;
  std::vector<std::string> metrics;
  std::string format = "svg";
  std::string out;
  bool quiet = false;
};

int run_plot(const PlotCommandOptions& options) {
  report::FigureRequest request;
  request.format = report::parse_figure_format(options.format);
  request.dir = options.dir;
  request.metrics = options.metrics;
  request.out = options.out;
  const std::vector<std::filesystem::path> written = report::write_figures(request);
  if (!options.quiet) {
    for (const auto& path : written) fmt::print("wrote {}\n", path.string());
  }
  return 0;
}

}  // namespace

Subcommand add_plot_command(CLI::App& app) {
  auto options = std::make_shared<PlotCommandOptions>();
  auto* sub = app.add_subcommand("plot", "Write a figure per metric (SVG, PNG or PDF) of a run, sweep or phase "
                                         "folder: the report's charts, rendered by headless Chromium");
  sub->add_option("dir", options->dir, "A run folder (ouro run) or a sweep or phase folder")->required();
  sub->add_option("--metric", options->metrics, "A metric to draw (repeatable; default: every metric)");
  sub->add_option("--format", options->format, "svg, png (2x resolution) or pdf")->capture_default_str();
  sub->add_option("--out", options->out, "Folder for the figures, named <metric>.<format> (default DIR/figures)");
  sub->add_flag("--quiet", options->quiet, "Print nothing on success");
  return {sub, [options] { return run_plot(*options); }};
}

}  // namespace ouro::cli
