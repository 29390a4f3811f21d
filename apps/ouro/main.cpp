// Entry point of the `ouro` command line: subcommand dispatch and the single place where library
// errors become a message on stderr and an exit status naming their kind (exit_codes.hpp).
#include <cstdio>
#include <exception>
#include <vector>
#include <string>

#include <fmt/core.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "test_hooks.hpp"
#include "version.hpp"
#include "ouro/core/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ouroboros: self-consuming generative training loops and model collapse"};
  app.require_subcommand(1);
  app.set_version_flag("--version", ouro::cli::version_text());

  const std::vector<ouro::cli::Subcommand> commands = {
      ouro::cli::add_run_command(app),
      ouro::cli::add_sweep_command(app),
      ouro::cli::add_merge_command(app),
      ouro::cli::add_threshold_command(app),
      ouro::cli::add_features_command(app),
      ouro::cli::add_watermark_command(app),
      ouro::cli::add_detector_command(app),
      ouro::cli::add_contamination_command(app),
      ouro::cli::add_ledger_command(app),
      ouro::cli::add_lm_command(app),
      ouro::cli::add_phase_command(app),
      ouro::cli::add_options_command(app),
      ouro::cli::add_metric_command(app),
      ouro::cli::add_report_command(app),
      ouro::cli::add_plot_command(app),
      ouro::cli::add_help_command(app),
      ouro::cli::add_version_command(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here too, with status 0; any other parse error is a usage error.
    const int status = app.exit(e);
    return status == 0 ? ouro::cli::kExitSuccess : ouro::cli::kExitUsage;
  }
  ouro::cli::arm_test_write_kill();
  try {
    for (const auto& command : commands) {
      if (command.app->parsed()) return command.run();
    }
    return ouro::cli::kExitUsage;
  } catch (const ouro::ConfigError& e) {
    fmt::print(stderr, "ouro: config error: {}\n", e.what());
    return ouro::cli::kExitConfig;
  } catch (const ouro::DataError& e) {
    fmt::print(stderr, "ouro: data error: {}\n", e.what());
    return ouro::cli::kExitData;
  } catch (const ouro::IoError& e) {
    fmt::print(stderr, "ouro: i/o error: {}\n", e.what());
    return ouro::cli::kExitIo;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ouro: error: {}\n", e.what());
  }
  return ouro::cli::kExitOther;
}
