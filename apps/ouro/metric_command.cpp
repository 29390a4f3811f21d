// Placeholder for `ouro metric` until the distribution metrics land.
#include "commands.hpp"

namespace ouro::cli {

Subcommand add_metric_command(CLI::App& app) {
  auto* sub = app.add_subcommand("metric", "Distribution metrics between two sample files (not yet available)");
  return {sub, [] { return 1; }};
}

}  // namespace ouro::cli
