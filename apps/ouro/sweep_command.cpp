// `ouro sweep CONFIG.toml [--grid key=v1,v2,...]... [--zip key=v1,v2,...]...`: runs the cartesian
// grid of settings from the config's [sweep] table and --grid arguments (--zip axes advancing
// together as one dimension of it), each cell a full run (the RunJob of `ouro run`) in
// OUT/cells/, all cells' replicates sharing the threads; then writes sweep.csv, sweep.json and the
// sweep report, and prints a summary of each cell at its last generation (summary_table.hpp).
// --shard i/N runs a deterministic share of the cells; --resume continues a killed sweep. The sweep
// itself is ouro/sweep/sweep.hpp; docs/sweep.md describes the folder.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "logging.hpp"
#include "run_flags.hpp"
#include "summary_table.hpp"
#include "ouro/sweep/sweep.hpp"

namespace ouro::cli {
namespace {

struct SweepCommandOptions : RunFolderFlags {
  std::vector<std::string> grid;
  std::vector<std::string> zip;
  std::string shard;
  bool skip_invalid = false;
};

int run_sweep_command(const SweepCommandOptions& options) {
  configure_logging(options.log_level, options.quiet);
  const ExistingRun existing = existing_run(options);
  const Config base = load_config(options, Config::SweepTable::kIgnore);
  SweepGrid grid = SweepGrid::from_file(options.config_path);
  for (const std::string& argument : options.grid) grid.add_argument(argument);
  for (const std::string& argument : options.zip) grid.add_zip_argument(argument);
  grid.resolve(base);

  // --shard is read before --checkpoint-every, so that a bad one is the error named first.
  std::optional<Shard> shard;
  if (!options.shard.empty()) shard = Shard::parse(options.shard);
  SweepOptions sweep;
  apply_run_folder_flags(sweep, options, base, existing);
  sweep.shard = shard;
  sweep.skip_invalid = options.skip_invalid;

  const auto start = std::chrono::steady_clock::now();
  const SweepOutcome outcome = run_sweep_with_report(base, grid, sweep, options);
  const std::filesystem::path& out = sweep.out_dir;
  if (outcome.already_finished) {
    if (!options.quiet) fmt::print("'{}' already holds this finished sweep; nothing to do\n", out.string());
    return 0;
  }
  if (!options.quiet) {
    print_sweep_summary(out, outcome.plan);
    fmt::print("{} cells{} ({} finished before{}), {} settings each: {}\n", outcome.cells,
               sweep.shard ? fmt::format(" of shard {}/{}", sweep.shard->index, sweep.shard->count) : "",
               outcome.cells_skipped,
               outcome.invalid.empty() ? "" : fmt::format(", {} skipped as invalid", outcome.invalid.size()),
               grid.axes().size(), out.string());
    fmt::print("wrote {}/{{cells/, sweep.csv, sweep.json{}}} in {:.2f}s\n", out.string(),
               options.no_report ? "" : ", report.html",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (!outcome.invalid.empty()) {
    // Said even with --quiet: the exit status alone does not say which cells.
    fmt::print(stderr, "ouro: {} of {} cells skipped as invalid (sweep.json lists them under \"cells_invalid\"):\n",
               outcome.invalid.size(), outcome.cells);
    for (const InvalidCell& cell : outcome.invalid) fmt::print(stderr, "  {}\n", cell.error);
    return kExitCellsSkipped;
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
  sub->add_option("--zip", options->zip,
                  "A swept key whose values advance together with every other --zip key's (as many values each): "
                  "--zip loop.initial=50,100 --zip loop.synthetic=50,100 makes 2 cells, not 4 (repeatable)");
  sub->add_option("--out", options->out_dir, "Sweep folder (default: out/<config name>)");
  add_override_flags(*sub, *options,
                     {.threads = "Worker threads over all cells' replicates (0 = all cores); never changes results",
                      .set = "Override a base config key: --set section.key=value (repeatable)"});
  add_generations_flag(*sub, *options, "Override run.generations in every cell");
  sub->add_flag("--skip-invalid", options->skip_invalid,
                "Skip cells whose combination of settings is invalid (naming each and its error; exit status 6) "
                "instead of stopping the sweep at the first");
  sub->add_option("--shard", options->shard, "Run only cells whose index % N == i: --shard i/N (0 <= i < N)");
  add_run_folder_flags(*sub, *options,
                       {.noun = "sweep",
                        .resume = "Continue an interrupted sweep (finished cells are skipped)",
                        .quiet = "No progress bar and no summary"});
  return {sub, [options] { return run_sweep_command(*options); }};
}

}  // namespace ouro::cli
