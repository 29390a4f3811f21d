// Leveled log messages of the `ouro` commands: one spdlog logger writing to stderr ("ouro: info:
// ...", "ouro: warning: ..."), so that stdout holds only results. --log-level picks the level
// (error, warn, info, debug); --quiet lowers the default to warn.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace ouro::cli {

// Adds --log-level to a subcommand; the chosen level goes to `level`.
void add_log_level_option(CLI::App& command, std::string& level);

// Installs the stderr logger at `level` ("" picks info, or warn when `quiet`).
void configure_logging(const std::string& level, bool quiet);

}  // namespace ouro::cli
