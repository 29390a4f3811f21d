// `ouro report DIR... [--out FILE] [--band se|quantile]`: rebuilds report.html from one finished
// run folder or sweep folder, or compares several runs in one report. Also the report step at the end of `ouro run`.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "ouro/core/error.hpp"
#include "ouro/report/html_report.hpp"
#include "ouro/report/run_data.hpp"
#include "ouro/report/sweep_report.hpp"

namespace ouro::cli {
namespace {

struct ReportCommandOptions {
  std::vector<std::string> dirs;
  std::string out;
  std::string band = "se";
  std::string title;
  bool quiet = false;
};

int run_report(const ReportCommandOptions& options) {
  const report::Band band = report::parse_band(options.band);
  OURO_CHECK(options.dirs.size() == 1 || !options.out.empty(), ConfigError,
             "--out: a report of {} runs needs --out FILE (a single run's report goes to DIR/report.html)",
             options.dirs.size());
  if (options.dirs.size() == 1 && report::is_sweep_folder(options.dirs.front())) {
    const std::filesystem::path out = options.out.empty() ? std::filesystem::path(options.dirs.front()) / "report.html"
                                                          : std::filesystem::path(options.out);
    report::write_sweep_report(options.dirs.front(), out, {band, options.title, {}});
    if (!options.quiet) fmt::print("wrote {} ({:.0f} KiB)\n", out.string(), std::filesystem::file_size(out) / 1024.0);
    return 0;
  }
  // Every folder is read and checked before anything is written.
  std::vector<report::RunData> runs;
  for (const std::string& dir : options.dirs) runs.push_back(report::load_run(dir));
  const std::filesystem::path out =
      options.out.empty() ? std::filesystem::path(options.dirs.front()) / "report.html" : std::filesystem::path(options.out);
  report::write_report(runs, out, {band, options.title, {}});
  if (!options.quiet) fmt::print("wrote {} ({:.0f} KiB)\n", out.string(), std::filesystem::file_size(out) / 1024.0);
  return 0;
}

}  // namespace

void write_run_report(const std::filesystem::path& run_dir, bool quiet, const std::string& band) {
  try {
    report::write_report({report::load_run(run_dir)}, run_dir / "report.html", {report::parse_band(band), "", {}});
    if (!quiet) fmt::print("wrote {}\n", (run_dir / "report.html").string());
  } catch (const Error& e) {
    // The run's results are complete and stay so; only the page is missing.
    spdlog::warn("report.html not written: {}", e.what());
  }
}

Subcommand add_report_command(CLI::App& app) {
  auto options = std::make_shared<ReportCommandOptions>();
  auto* sub = app.add_subcommand("report", "Write a self-contained report.html from one or more run folders");
  sub->add_option("dirs", options->dirs, "Run folders written by `ouro run` (several: compared in one report)")
      ->required();
  sub->add_option("--out", options->out, "Report file (default DIR/report.html; required for several runs)");
  sub->add_option("--band", options->band, "Band around the mean: se (± 1 standard error) or quantile (10%-90%)");
  sub->add_option("--title", options->title, "Report title (default: the run names)");
  sub->add_flag("--quiet", options->quiet, "Print nothing on success");
  return {sub, [options] { return run_report(*options); }};
}

}  // namespace ouro::cli
