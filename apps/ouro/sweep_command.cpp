// `ouro sweep CONFIG.toml [--grid key=v1,v2,...]... [--zip key=v1,v2,...]...`: runs the cartesian
// grid of settings from the config's [sweep] table and --grid arguments (--zip axes advancing
// together as one dimension of it), each cell a full run (the RunJob of `ouro run`) in
// OUT/cells/, all cells' replicates sharing the threads; then writes sweep.csv, sweep.json and the
// sweep report, and prints a summary of each cell at its last generation (summary_table.hpp).
// --shard i/N runs a deterministic share of the cells; --resume continues a killed sweep; --slurm
// submits the shards as a Slurm job array with a merge job after it (slurm_jobs.hpp). The sweep
// itself is ouro/sweep/sweep.hpp; docs/sweep.md describes the folder.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "logging.hpp"
#include "run_flags.hpp"
#include "slurm_jobs.hpp"
#include "summary_table.hpp"
#include "ouro/core/error.hpp"
#include "ouro/sweep/sweep.hpp"

namespace ouro::cli {
namespace {

struct SweepCommandOptions : RunFolderFlags {
  std::vector<std::string> grid;
  std::vector<std::string> zip;
  std::string shard;
  bool skip_invalid = false;
  bool slurm = false;
  std::size_t array_size = 0;  // 0: one task per cell
  std::string sbatch;          // extra sbatch options, split at whitespace
  bool dry_run = false;
};

// The arguments every task's `ouro sweep` repeats: the grid, the overrides and the run flags that
// shape results or checkpoints (not the folder flags, which the job script sets itself).
std::vector<std::string> task_arguments(const SweepCommandOptions& options) {
  std::vector<std::string> out;
  for (const std::string& g : options.grid) out.insert(out.end(), {"--grid", g});
  for (const std::string& z : options.zip) out.insert(out.end(), {"--zip", z});
  for (const std::string& s : options.sets) out.insert(out.end(), {"--set", s});
  if (options.replicates > 0) out.insert(out.end(), {"--replicates", std::to_string(options.replicates)});
  if (options.generations >= 0) out.insert(out.end(), {"--generations", std::to_string(options.generations)});
  if (options.threads >= 0) out.insert(out.end(), {"--threads", std::to_string(options.threads)});
  if (options.record_every > 0) out.insert(out.end(), {"--record-every", std::to_string(options.record_every)});
  if (options.gzip) out.emplace_back("--gzip");
  if (options.skip_invalid) out.emplace_back("--skip-invalid");
  out.insert(out.end(), {"--checkpoint-every", options.checkpoint_every});
  return out;
}

int submit_to_slurm(const SweepCommandOptions& options, const SweepGrid& grid) {
  OURO_CHECK(options.shard.empty(), ConfigError, "--slurm and --shard cannot be combined: --slurm gives task i "
             "shard i/N itself");
  OURO_CHECK(!options.force && !options.resume, ConfigError, "--slurm's tasks always resume their shard folders; "
             "leave out --force and --resume (remove the --out folder to start over)");
  const std::size_t cells = grid.empty() ? 1 : grid.cell_count();
  const std::size_t tasks = options.array_size == 0 ? cells : options.array_size;
  OURO_CHECK(tasks <= cells, ConfigError, "--array-size {}: the sweep has only {} cells; at most one task per cell",
             tasks, cells);
  SlurmJobSpec spec;
  std::error_code ec;
  spec.ouro = std::filesystem::read_symlink("/proc/self/exe", ec);
  OURO_CHECK(!ec, IoError, "cannot find this executable's path (/proc/self/exe): {}", ec.message());
  spec.config = std::filesystem::absolute(options.config_path);
  spec.sweep_arguments = task_arguments(options);
  const std::string out = options.out_dir.empty()
                              ? (std::filesystem::path("out") / std::filesystem::path(options.config_path).stem()).string()
                              : options.out_dir;
  spec.out_dir = std::filesystem::absolute(out).lexically_normal();
  // #SBATCH lines take a path without quotes.
  OURO_CHECK(spec.out_dir.string().find_first_of(" \t\n") == std::string::npos, ConfigError,
             "--out '{}': --slurm writes the path into #SBATCH lines, which cannot hold whitespace", spec.out_dir.string());
  const std::filesystem::path merged = spec.out_dir / "merged";
  OURO_CHECK(!std::filesystem::exists(merged) || std::filesystem::is_empty(merged), IoError,
             "'{}' already holds a merged sweep; choose another --out", merged.string());
  spec.tasks = tasks;
  std::istringstream words(options.sbatch);
  for (std::string word; words >> word;) spec.sbatch_options.push_back(word);
  write_and_submit_slurm_jobs(spec, !options.dry_run);
  return 0;
}

int run_sweep_command(const SweepCommandOptions& options) {
  configure_logging(options.log_level, options.quiet);
  const ExistingRun existing = existing_run(options);
  const Config base = load_config(options, Config::SweepTable::kIgnore);
  SweepGrid grid = SweepGrid::from_file(options.config_path);
  for (const std::string& argument : options.grid) grid.add_argument(argument);
  for (const std::string& argument : options.zip) grid.add_zip_argument(argument);
  grid.resolve(base);
  if (options.slurm) return submit_to_slurm(options, grid);
  OURO_CHECK(options.array_size == 0 && options.sbatch.empty() && !options.dry_run, ConfigError,
             "--array-size, --sbatch and --dry-run go with --slurm");

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
  sub->add_option("--shard", options->shard,
                  "Run only shard i of N, a share of the cells balanced by estimated cost: --shard i/N (0 <= i < N)");
  sub->add_flag("--slurm", options->slurm,
                "Submit the sweep to Slurm as a job array (task i runs --shard i/N into OUT/shards/i, resuming when "
                "requeued) and a merge job into OUT/merged that waits for it (docs/sweep.md#slurm)");
  sub->add_option("--array-size", options->array_size, "--slurm: tasks in the job array (default: one per cell)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--sbatch", options->sbatch,
                  "--slurm: extra sbatch options for both jobs, e.g. --sbatch \"--partition=long --time=2:00:00\"");
  sub->add_flag("--dry-run", options->dry_run, "--slurm: write OUT/slurm/{array,merge}.sh and print the sbatch "
                "commands instead of submitting");
  add_run_folder_flags(*sub, *options,
                       {.noun = "sweep",
                        .resume = "Continue an interrupted sweep (finished cells are skipped)",
                        .quiet = "No progress bar and no summary"});
  return {sub, [options] { return run_sweep_command(*options); }};
}

}  // namespace ouro::cli
