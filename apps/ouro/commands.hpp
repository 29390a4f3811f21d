// The `ouro` subcommands. Each registers itself on the CLI11 app and returns the callback that runs
// it; main() parses, dispatches, and turns library exceptions into a message and a non-zero exit.
#pragma once

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

}  // namespace ouro::cli
