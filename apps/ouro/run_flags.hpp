// The flags that the commands running experiments from a config share, and what they turn into.
// `ouro run`, `sweep`, `phase` and `threshold` all read a config file and override it with
// --replicates, --threads and --set (RunFlags); `run`, `sweep` and `phase` also write a run folder
// that --force overwrites, --resume continues and --checkpoint-every checkpoints, with a report
// that --no-report leaves out (RunFolderFlags). Each command registers the groups it takes, in its
// own help words where they differ, and reads them through the functions here, so that the flags
// mean the same in every command. The sweeps (`sweep`, `phase`) also share how they run: with a
// progress bar and a report page at the end (run_sweep_with_report).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "ouro/core/config.hpp"
#include "ouro/loop/run_job.hpp"
#include "ouro/sweep/sweep.hpp"

namespace ouro::cli {

// The config file and its overrides, with --quiet and --log-level, which every such command takes.
struct RunFlags {
  std::string config_path;
  std::string out_dir;
  int replicates = 0;
  int generations = -1;  // --generations, on the commands that take it; -1: the config's
  int threads = -1;
  int record_every = 0;  // 0: the config's run.record_every
  bool gzip = false;     // --gzip: run.gzip_metrics = true
  std::vector<std::string> sets;
  bool quiet = false;
  std::string log_level;
};

// RunFlags plus those of a command that writes a resumable run folder.
struct RunFolderFlags : RunFlags {
  bool force = false;
  bool resume = false;
  std::string checkpoint_every = "30s";
  bool no_report = false;
};

// Help texts of add_override_flags; a command replaces those that it words differently.
struct OverrideHelp {
  std::string replicates = "Override run.replicates";
  std::string threads = "Worker threads (0 = all cores); never changes results";
  std::string set = "Override a config key: --set section.key=value (repeatable)";
};

// Help texts of add_run_folder_flags; `force` is "Overwrite a finished or interrupted <noun> in the
// output folder".
struct RunFolderHelp {
  std::string noun;
  std::string resume;
  std::string quiet;
  std::string checkpoint_every =
      "Checkpoint a replicate in progress every N generations or N seconds (e.g. 30s); 0: finished replicates only";
  std::string no_report = "Do not write report.html (rebuild it later with `ouro report`)";
};

// Adds --replicates, --threads and --set, in that order.
void add_override_flags(CLI::App& command, RunFlags& flags, const OverrideHelp& help = {});

// Adds --generations N, the same as --set run.generations=N (`run` and `sweep`; `threshold` has
// its own --generation).
void add_generations_flag(CLI::App& command, RunFlags& flags, const std::string& help = "Override run.generations");

// Adds --force, --resume, --checkpoint-every, --record-every, --gzip, --quiet, --no-report and
// --log-level, in that order.
void add_run_folder_flags(CLI::App& command, RunFolderFlags& flags, const RunFolderHelp& help);

// The config file with the --set assignments, then --replicates, --generations, --threads,
// --record-every and --gzip, applied.
Config load_config(const RunFlags& flags, Config::SweepTable sweep_table = Config::SweepTable::kRefuse);

// What to do with a run already in the output folder; --force with --resume is a ConfigError.
ExistingRun existing_run(const RunFolderFlags& flags);

// Fills the run-folder settings of a run or a sweep from the flags: --out (default
// out/<config name>), the config file, the threads (config's run.threads, resolved), `existing`,
// --checkpoint-every and the test kill hook.
void apply_run_folder_flags(RunJobOptions& job, const RunFolderFlags& flags, const Config& config,
                            ExistingRun existing);
void apply_run_folder_flags(SweepOptions& sweep, const RunFolderFlags& flags, const Config& config,
                            ExistingRun existing);

// Runs the sweep with a progress bar over all its replicates (none with --quiet), then calls
// `before_report` (`ouro phase` writes phase.csv there, which the report shows), then writes
// report.html into its folder unless --no-report or the folder already held the finished sweep and
// its report (with a `before_report`, whose output may have changed, the report is always rewritten);
// a failed page is a warning, never an error, since the results are complete.
SweepOutcome run_sweep_with_report(const Config& base, const SweepGrid& grid, SweepOptions sweep,
                                   const RunFolderFlags& flags, const std::function<void()>& before_report = {});

}  // namespace ouro::cli
