// `ouro help [command]` and `ouro version`: the help of the whole tool or of one command (the same
// text as `ouro COMMAND --help`), and the version with the commit it was built from (version.hpp).
#include <string>

#include <fmt/core.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "version.hpp"

namespace ouro::cli {

Subcommand add_help_command(CLI::App& app) {
  auto command = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("help", "Show the help of ouro or of one command: ouro help [command]");
  sub->add_option("command", *command, "The command to describe (e.g. run)");
  return {sub, [&app, command] {
    // Formatted as `ouro --help` and `ouro COMMAND --help` are (app.help() would describe `help`
    // itself, the command selected now).
    if (command->empty()) {
      fmt::print("{}", app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal));
      return int{kExitSuccess};
    }
    for (const CLI::App* sub_command : app.get_subcommands({})) {
      if (sub_command->get_name() == *command) {
        fmt::print("{}", sub_command->help(app.get_name()));
        return int{kExitSuccess};
      }
    }
    std::string names;
    for (const CLI::App* sub_command : app.get_subcommands({})) {
      names += (names.empty() ? "" : ", ") + sub_command->get_name();
    }
    fmt::print(stderr, "ouro help: no command '{}'; the commands are {}\n", *command, names);
    return int{kExitUsage};
  }};
}

Subcommand add_version_command(CLI::App& app) {
  auto* sub = app.add_subcommand("version", "Print the version and the git commit ouro was built from");
  return {sub, [] {
    fmt::print("{}\n", version_text());
    return int{kExitSuccess};
  }};
}

}  // namespace ouro::cli
