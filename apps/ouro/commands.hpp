// The `ouro` subcommands. Each registers itself on the CLI11 app and returns the callback that runs
// it; main() parses, dispatches, and turns library exceptions into a message and an exit status
// that names their kind (exit_codes.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <functional>

#include <CLI/CLI.hpp>

namespace ouro::cli {

using Command = std::function<int()>;

struct Subcommand {
  CLI::App* app;
  Command run;
};

Subcommand add_run_command(CLI::App& app);
Subcommand add_options_command(CLI::App& app);
Subcommand add_metric_command(CLI::App& app);
Subcommand add_report_command(CLI::App& app);
Subcommand add_plot_command(CLI::App& app);
Subcommand add_sweep_command(CLI::App& app);
Subcommand add_merge_command(CLI::App& app);
Subcommand add_threshold_command(CLI::App& app);
Subcommand add_phase_command(CLI::App& app);
Subcommand add_features_command(CLI::App& app);
Subcommand add_watermark_command(CLI::App& app);
Subcommand add_detector_command(CLI::App& app);
Subcommand add_contamination_command(CLI::App& app);
Subcommand add_ledger_command(CLI::App& app);
Subcommand add_lm_command(CLI::App& app);
Subcommand add_help_command(CLI::App& app);
Subcommand add_version_command(CLI::App& app);

// Writes run_dir/report.html at the end of `ouro run`; a failure is a warning on stderr, never an
// error, because the run's results are already complete.
// `band` is --band's value, already checked (report::parse_band).
void write_run_report(const std::filesystem::path& run_dir, bool quiet, const std::string& band = "se");

}  // namespace ouro::cli
