// `ouro run CONFIG.toml`: runs an experiment and writes metrics.csv, theory.csv, composition.csv
// and run.json to the output folder, then prints a summary table (mean ± standard error over
// replicates at a few generations, beside theory where there is one). The run itself is a RunJob
// (include/ouro/loop/run_job.hpp), the same one `ouro sweep` runs for each cell; --resume continues
// a killed run from its checkpoints.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "logging.hpp"
#include "progress_bar.hpp"
#include "test_hooks.hpp"
#include "ouro/core/error.hpp"
#include "ouro/core/parallel.hpp"
#include "ouro/loop/run_job.hpp"

namespace ouro::cli {
namespace {

struct RunOptions {
  std::string config_path;
  std::string out_dir;
  int replicates = 0;
  int threads = -1;
  std::vector<std::string> sets;
  bool force = false;
  bool resume = false;
  std::string checkpoint_every = "30s";
  bool quiet = false;
  bool no_report = false;
  std::string log_level;
};

Config load_config(const RunOptions& options) {
  Config config = Config::from_file(options.config_path);
  for (const std::string& assignment : options.sets) config.set(assignment);
  if (options.replicates > 0) config.set(fmt::format("run.replicates={}", options.replicates));
  if (options.threads >= 0) config.set(fmt::format("run.threads={}", options.threads));
  return config;
}

std::vector<std::size_t> summary_generations(std::size_t generations) {
  std::vector<std::size_t> out;
  for (std::size_t quarter = 0; quarter <= 4; ++quarter) out.push_back(generations * quarter / 4);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void print_summary(const Experiment& experiment, const Recorder& recorder) {
  fmt::print("{:<16} {:>10} {:>14} {:>12} {:>14}\n", "metric", "generation", "mean", "± s.e.", "theory");
  const auto& names = recorder.metric_names();
  for (std::size_t m = 0; m < names.size(); ++m) {
    const TheoryCurve* curve = nullptr;
    for (const TheoryCurve& c : experiment.theory()) {
      if (c.metric == names[m]) curve = &c;
    }
    for (const std::size_t g : summary_generations(experiment.generations())) {
      const MetricStat s = recorder.stat(g, m);
      const std::string theory = curve && g < curve->expected.size() ? fmt::format("{:.6g}", curve->expected[g]) : "";
      fmt::print("{:<16} {:>10} {:>14.6g} {:>12.3g} {:>14}\n", names[m], g, s.mean, s.standard_error, theory);
    }
  }
}

int run(const RunOptions& options) {
  configure_logging(options.log_level, options.quiet);
  OURO_CHECK(!(options.force && options.resume), ConfigError,
             "--force and --resume contradict each other: --force starts over, --resume continues");
  Config config = load_config(options);
  const int threads = resolve_threads(static_cast<int>(config.integer("run.threads")));

  RunJobOptions job_options;
  job_options.out_dir = options.out_dir;
  if (job_options.out_dir.empty()) {
    job_options.out_dir = std::filesystem::path("out") / std::filesystem::path(options.config_path).stem();
  }
  job_options.config_file = options.config_path;
  job_options.threads = threads;
  job_options.existing = options.force ? ExistingRun::kForce : options.resume ? ExistingRun::kResume : ExistingRun::kRefuse;
  job_options.checkpoint = CheckpointInterval::parse(options.checkpoint_every);
  job_options.on_checkpoint = test_kill_hook();
  RunJob job(std::move(config), std::move(job_options));
  job.open();
  const std::filesystem::path& out = job.out_dir();
  if (job.already_finished()) {
    if (!options.quiet) fmt::print("'{}' already holds this finished run; nothing to do\n", out.string());
    return 0;
  }

  nlohmann::json info;
  {
    ProgressBar progress(job.replicates(), job.replicates() - job.pending().size(), "replicates",
                         progress_wanted(options.quiet));
    const auto& pending = job.pending();
    parallel_for(pending.size(), threads, [&](std::size_t i) {
      job.run_replicate(pending[i]);
      progress.tick();
    });
    info = job.finish();
  }
  if (!options.no_report) write_run_report(out, /*quiet=*/true);
  if (!options.quiet) {
    print_summary(job.experiment(), job.recorder());
    fmt::print("wrote {}/{{metrics.csv, theory.csv, composition.csv, run.json{}}} in {:.2f}s\n", out.string(),
               options.no_report ? "" : ", report.html", info["timings_seconds"]["wall"].get<double>());
  }
  return 0;
}

}  // namespace

Subcommand add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  auto* sub = app.add_subcommand("run", "Run a self-consuming loop experiment from a TOML config");
  sub->add_option("config", options->config_path, "Experiment config (TOML)")->required();
  sub->add_option("--out", options->out_dir, "Output folder (default: out/<config name>)");
  sub->add_option("--replicates", options->replicates, "Override run.replicates")->check(CLI::PositiveNumber);
  sub->add_option("--threads", options->threads, "Worker threads (0 = all cores); never changes results")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--set", options->sets, "Override a config key: --set section.key=value (repeatable)");
  sub->add_flag("--force", options->force, "Overwrite a finished or interrupted run in the output folder");
  sub->add_flag("--resume", options->resume,
                "Continue an interrupted run in the output folder from its checkpoints (same config required)");
  sub->add_option("--checkpoint-every", options->checkpoint_every,
                  "Checkpoint a replicate in progress every N generations (e.g. 10) or N seconds of its work (e.g. "
                  "30s); 0: finished replicates only")
      ->capture_default_str();
  sub->add_flag("--quiet", options->quiet, "No progress bar and no summary table");
  sub->add_flag("--no-report", options->no_report, "Do not write report.html (rebuild it later with `ouro report`)");
  add_log_level_option(*sub, options->log_level);
  return {sub, [options] { return run(*options); }};
}

}  // namespace ouro::cli
