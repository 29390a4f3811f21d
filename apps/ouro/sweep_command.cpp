// `ouro sweep CONFIG.toml [--grid key=v1,v2,...]...`: runs the cartesian grid of settings from the
// config's [sweep] table and --grid arguments, each cell a full run (the RunJob of `ouro run`) in
// OUT/cells/, all cells' replicates sharing the threads; then writes sweep.csv, sweep.json and the
// sweep report. --shard i/N runs a deterministic share of the cells; --resume continues a killed
// sweep. The sweep itself is ouro/sweep/sweep.hpp; docs/sweep.md describes the folder.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "logging.hpp"
#include "progress_bar.hpp"
#include "test_hooks.hpp"
#include "ouro/core/error.hpp"
#include "ouro/core/parallel.hpp"
#include "ouro/report/sweep_report.hpp"
#include "ouro/sweep/sweep.hpp"

namespace ouro::cli {
namespace {

struct SweepCommandOptions {
  std::string config_path;
  std::vector<std::string> grid;
  std::string out_dir;
  int replicates = 0;
  int threads = -1;
  std::vector<std::string> sets;
  std::string shard;
  bool force = false;
  bool resume = false;
  std::string checkpoint_every = "30s";
  bool quiet = false;
  bool no_report = false;
  std::string log_level;
};

int run_sweep_command(const SweepCommandOptions& options) {
  configure_logging(options.log_level, options.quiet);
  OURO_CHECK(!(options.force && options.resume), ConfigError,
             "--force and --resume contradict each other: --force starts over, --resume continues");
  Config base = Config::from_file(options.config_path, Config::SweepTable::kIgnore);
  for (const std::string& assignment : options.sets) base.set(assignment);
  if (options.replicates > 0) base.set(fmt::format("run.replicates={}", options.replicates));
  if (options.threads >= 0) base.set(fmt::format("run.threads={}", options.threads));
  SweepGrid grid = SweepGrid::from_file(options.config_path);
  for (const std::string& argument : options.grid) grid.add_argument(argument);
  grid.resolve(base);

  SweepOptions sweep;
  sweep.out_dir = options.out_dir;
  if (sweep.out_dir.empty()) sweep.out_dir = std::filesystem::path("out") / std::filesystem::path(options.config_path).stem();
  sweep.config_file = options.config_path;
  sweep.threads = resolve_threads(static_cast<int>(base.integer("run.threads")));
  if (!options.shard.empty()) sweep.shard = Shard::parse(options.shard);
  sweep.existing = options.force ? ExistingRun::kForce : options.resume ? ExistingRun::kResume : ExistingRun::kRefuse;
  sweep.checkpoint = CheckpointInterval::parse(options.checkpoint_every);
  sweep.on_checkpoint = test_kill_hook();
  std::unique_ptr<ProgressBar> progress;
  sweep.on_start = [&](std::size_t total, std::size_t done) {
    progress = std::make_unique<ProgressBar>(total, done, "replicates", progress_wanted(options.quiet));
  };
  sweep.on_replicate_done = [&] { progress->tick(); };

  const auto start = std::chrono::steady_clock::now();
  const SweepOutcome outcome = run_sweep(base, grid, sweep);
  progress.reset();
  const std::filesystem::path& out = sweep.out_dir;
  if (outcome.already_finished) {
    if (!options.quiet) fmt::print("'{}' already holds this finished sweep; nothing to do\n", out.string());
    return 0;
  }
  if (!options.no_report) {
    try {
      report::write_sweep_report(out, out / "report.html", {});
    } catch (const Error& e) {
      // The sweep's results are complete and stay so; only the page is missing.
      spdlog::warn("report.html not written: {}", e.what());
    }
  }
  if (!options.quiet) {
    fmt::print("{} cells{} ({} finished before), {} settings each: {}\n", outcome.cells,
               sweep.shard ? fmt::format(" of shard {}/{}", sweep.shard->index, sweep.shard->count) : "",
               outcome.cells_skipped, grid.axes().size(), out.string());
    fmt::print("wrote {}/{{cells/, sweep.csv, sweep.json{}}} in {:.2f}s\n", out.string(),
               options.no_report ? "" : ", report.html",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return 0;
}

}  // namespace

Subcommand add_sweep_command(CLI::App& app) {
  auto options = std::make_shared<SweepCommandOptions>();
  auto* sub = app.add_subcommand("sweep", "Run a grid of experiments (a [sweep] table or --grid), cells in parallel");
  sub->add_option("config", options->config_path, "Base experiment config (TOML), optionally with a [sweep] table")
      ->required();
  sub->add_option("--grid", options->grid,
                  "A swept key and its values: --grid section.key=v1,v2,... (repeatable; replaces the key's [sweep] "
                  "entry)");
  sub->add_option("--out", options->out_dir, "Sweep folder (default: out/<config name>)");
  sub->add_option("--replicates", options->replicates, "Override run.replicates")->check(CLI::PositiveNumber);
  sub->add_option("--threads", options->threads, "Worker threads over all cells' replicates (0 = all cores); never "
                  "changes results")->check(CLI::NonNegativeNumber);
  sub->add_option("--set", options->sets, "Override a base config key: --set section.key=value (repeatable)");
  sub->add_option("--shard", options->shard, "Run only cells whose index % N == i: --shard i/N (0 <= i < N)");
  sub->add_flag("--force", options->force, "Overwrite a finished or interrupted sweep in the output folder");
  sub->add_flag("--resume", options->resume, "Continue an interrupted sweep (finished cells are skipped)");
  sub->add_option("--checkpoint-every", options->checkpoint_every,
                  "Checkpoint a replicate in progress every N generations or N seconds (e.g. 30s); 0: finished "
                  "replicates only")
      ->capture_default_str();
  sub->add_flag("--quiet", options->quiet, "No progress bar and no summary");
  sub->add_flag("--no-report", options->no_report, "Do not write report.html (rebuild it later with `ouro report`)");
  add_log_level_option(*sub, options->log_level);
  return {sub, [options] { return run_sweep_command(*options); }};
}

}  // namespace ouro::cli
