// The flags that the experiment-running commands share (see run_flags.hpp).
#include "run_flags.hpp"

#include <filesystem>
#include <memory>

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include "logging.hpp"
#include "progress_bar.hpp"
#include "test_hooks.hpp"
#include "ouro/core/error.hpp"
#include "ouro/core/parallel.hpp"
#include "ouro/report/sweep_report.hpp"

namespace ouro::cli {
namespace {

template <typename JobOptions>
void fill_run_folder(JobOptions& job, const RunFolderFlags& flags, const Config& config, ExistingRun existing) {
  job.out_dir = flags.out_dir;
  if (job.out_dir.empty()) job.out_dir = std::filesystem::path("out") / std::filesystem::path(flags.config_path).stem();
  job.config_file = flags.config_path;
  job.threads = resolve_threads(static_cast<int>(config.integer("run.threads")));
  job.existing = existing;
  job.checkpoint = CheckpointInterval::parse(flags.checkpoint_every);
  job.on_checkpoint = test_kill_hook();
}

}  // namespace

void add_override_flags(CLI::App& command, RunFlags& flags, const OverrideHelp& help) {
  command.add_option("--replicates", flags.replicates, help.replicates)->check(CLI::PositiveNumber);
  command.add_option("--threads", flags.threads, help.threads)->check(CLI::NonNegativeNumber);
  command.add_option("--set", flags.sets, help.set);
}

void add_generations_flag(CLI::App& command, RunFlags& flags, const std::string& help) {
  command.add_option("--generations", flags.generations, help)->check(CLI::NonNegativeNumber);
}

void add_run_folder_flags(CLI::App& command, RunFolderFlags& flags, const RunFolderHelp& help) {
  command.add_flag("--force", flags.force,
                   fmt::format("Overwrite a finished or interrupted {} in the output folder", help.noun));
  command.add_flag("--resume", flags.resume, help.resume);
  command.add_option("--checkpoint-every", flags.checkpoint_every, help.checkpoint_every)->capture_default_str();
  command.add_option("--record-every", flags.record_every,
                     "Override run.record_every: write generations 0, K, 2K, ... and the last only")
      ->check(CLI::PositiveNumber);
  command.add_flag("--gzip", flags.gzip, "Write metrics.csv gzipped, as metrics.csv.gz (run.gzip_metrics = true)");
  command.add_flag("--quiet", flags.quiet, help.quiet);
  command.add_flag("--no-report", flags.no_report, help.no_report);
  add_log_level_option(command, flags.log_level);
}

Config load_config(const RunFlags& flags, Config::SweepTable sweep_table) {
  Config config = Config::from_file(flags.config_path, sweep_table);
  for (const std::string& assignment : flags.sets) config.set(assignment);
  if (flags.replicates > 0) config.set(fmt::format("run.replicates={}", flags.replicates));
  if (flags.generations >= 0) config.set(fmt::format("run.generations={}", flags.generations));
  if (flags.threads >= 0) config.set(fmt::format("run.threads={}", flags.threads));
  if (flags.record_every > 0) config.set(fmt::format("run.record_every={}", flags.record_every));
  if (flags.gzip) config.set("run.gzip_metrics=true");
  return config;
}

ExistingRun existing_run(const RunFolderFlags& flags) {
  OURO_CHECK(!(flags.force && flags.resume), ConfigError,
             "--force and --resume contradict each other: --force starts over, --resume continues");
  return flags.force ? ExistingRun::kForce : flags.resume ? ExistingRun::kResume : ExistingRun::kRefuse;
}

void apply_run_folder_flags(RunJobOptions& job, const RunFolderFlags& flags, const Config& config,
                            ExistingRun existing) {
  fill_run_folder(job, flags, config, existing);
}

void apply_run_folder_flags(SweepOptions& sweep, const RunFolderFlags& flags, const Config& config,
                            ExistingRun existing) {
  fill_run_folder(sweep, flags, config, existing);
}

SweepOutcome run_sweep_with_report(const Config& base, const SweepGrid& grid, SweepOptions sweep,
                                   const RunFolderFlags& flags, const std::function<void()>& before_report) {
  std::unique_ptr<ProgressBar> progress;
  sweep.on_start = [&](std::size_t total, std::size_t done) {
    progress = std::make_unique<ProgressBar>(total, done, "replicates", progress_wanted(flags.quiet));
  };
  sweep.on_replicate_done = [&] { progress->tick(); };
  const SweepOutcome outcome = run_sweep(base, grid, sweep);
  progress.reset();
  if (before_report) before_report();
  // A finished sweep resumed writes its report only when a kill while it was written left none.
  const bool report_wanted = !flags.no_report && (!outcome.already_finished || before_report ||
                                                  !std::filesystem::exists(sweep.out_dir / "report.html"));
  if (report_wanted) {
    try {
      report::write_sweep_report(sweep.out_dir, sweep.out_dir / "report.html", {});
    } catch (const Error& e) {
      // The sweep's results are complete and stay so; only the page is missing.
      spdlog::warn("report.html not written: {}", e.what());
    }
  }
  return outcome;
}

}  // namespace ouro::cli
