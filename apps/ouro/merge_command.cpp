// `ouro merge OUT SHARD_DIR...`: combines the shard folders of one sweep (`ouro sweep --shard i/N`)
// into OUT, as if the sweep had run unsharded: the same sweep.csv, byte for byte, the cells linked
// (or copied), sweep.json without a shard, and the sweep report. Shards of different configs or
// grids, overlapping or missing cells and folders that are not sweeps are refused, by name.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "logging.hpp"
#include "ouro/core/error.hpp"
#include "ouro/report/sweep_report.hpp"
#include "ouro/sweep/sweep.hpp"

namespace ouro::cli {
namespace {

struct MergeOptions {
  std::string out_dir;
  std::vector<std::string> shards;
  bool quiet = false;
  bool no_report = false;
  std::string log_level;
};

int run_merge(const MergeOptions& options) {
  configure_logging(options.log_level, options.quiet);
  std::vector<std::filesystem::path> shards(options.shards.begin(), options.shards.end());
  const nlohmann::json plan = merge_sweeps(options.out_dir, shards);
  if (!options.no_report) {
    try {
      report::write_sweep_report(options.out_dir, std::filesystem::path(options.out_dir) / "report.html", {});
    } catch (const Error& e) {
      spdlog::warn("report.html not written: {}", e.what());
    }
  }
  if (!options.quiet) {
    fmt::print("merged {} shards ({} cells) into {}/{{cells/, sweep.csv, sweep.json{}}}\n", shards.size(),
               plan["cells"].size(), options.out_dir, options.no_report ? "" : ", report.html");
  }
  return 0;
}

}  // namespace

Subcommand add_merge_command(CLI::App& app) {
  auto options = std::make_shared<MergeOptions>();
  auto* sub = app.add_subcommand("merge", "Combine the shard folders of one sweep into one sweep folder");
  sub->add_option("out", options->out_dir, "The merged sweep folder (new or empty)")->required();
  sub->add_option("shards", options->shards, "Shard folders written by `ouro sweep --shard i/N`")->required();
  sub->add_flag("--quiet", options->quiet, "Print nothing on success");
  sub->add_flag("--no-report", options->no_report, "Do not write report.html");
  add_log_level_option(*sub, options->log_level);
  return {sub, [options] { return run_merge(*options); }};
}

}  // namespace ouro::cli
