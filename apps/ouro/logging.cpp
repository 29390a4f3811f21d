// The stderr logger of the `ouro` commands: see logging.hpp.
#include "logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace ouro::cli {

void add_log_level_option(CLI::App& command, std::string& level) {
  command.add_option("--log-level", level, "Messages on stderr from this level up (default info; warn with --quiet)")
      ->check(CLI::IsMember({"error", "warn", "info", "debug"}));
}

void configure_logging(const std::string& level, bool quiet) {
  std::shared_ptr<spdlog::logger> logger = spdlog::get("ouro");
  if (!logger) logger = spdlog::stderr_logger_mt("ouro");
  logger->set_pattern("ouro: %l: %v");
  const std::string name = level.empty() ? (quiet ? "warn" : "info") : level;
  logger->set_level(spdlog::level::from_str(name));
  spdlog::set_default_logger(logger);
}

}  // namespace ouro::cli
