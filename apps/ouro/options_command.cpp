// `ouro options`: lists every configuration key with its type, default and meaning, or prints the
// Markdown reference that docs/config.md is generated from.
#include <fmt/core.h>

#include "commands.hpp"
#include "ouro/core/config.hpp"

namespace ouro::cli {

Subcommand add_options_command(CLI::App& app) {
  auto* sub = app.add_subcommand("options", "List every configuration key, its default and meaning");
  auto markdown = std::make_shared<bool>(false);
  sub->add_flag("--markdown", *markdown, "Print the Markdown config reference (docs/config.md)");
  return {sub, [markdown] {
    if (*markdown) {
      fmt::print("{}", options_markdown());
      return 0;
    }
    for (const Option& option : option_table()) {
      fmt::print("{:<24} {:<10} {}\n", option.key,
                 option.default_value.empty() ? "(none)" : option.default_value, option.help);
    }
    return 0;
  }};
}

}  // namespace ouro::cli
