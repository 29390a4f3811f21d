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
#include "run_flags.hpp"
#include "ouro/loop/run_job.hpp"
#include "ouro/loop/training_share.hpp"

namespace ouro::cli {
namespace {

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

int run(const RunFolderFlags& options) {
  configure_logging(options.log_level, options.quiet);
  const ExistingRun existing = existing_run(options);
  Config config = load_config(options);

  RunJobOptions job_options;
  apply_run_folder_flags(job_options, options, config, existing);
  const int threads = job_options.threads;
  RunJob job(std::move(config), std::move(job_options));
  job.open();
  const std::filesystem::path& out = job.out_dir();
  if (job.already_finished()) {
    // A run killed while its report was written: the results are complete, the page is not.
    const bool report_missing = !options.no_report && !std::filesystem::exists(out / "report.html");
    if (report_missing) write_run_report(out, /*quiet=*/true);
    if (!options.quiet) {
      fmt::print("'{}' already holds this finished run; {}\n", out.string(),
                 report_missing ? "wrote its missing report.html" : "nothing to do");
    }
    return 0;
  }

  nlohmann::json info;
  {
    ProgressBar progress(job.replicates(), job.replicates() - job.pending().size(), "replicates",
                         progress_wanted(options.quiet));
    info = job.run(threads, [&progress] { progress.tick(); });
  }
  if (!options.no_report) write_run_report(out, /*quiet=*/true);
  if (!options.quiet) {
    print_summary(job.experiment(), job.recorder());
    fmt::print("{}", training_share_table(job.recorder(), summary_generations(job.experiment().generations())));
    fmt::print("wrote {}/{{metrics.csv, theory.csv, composition.csv, run.json{}}} in {:.2f}s\n", out.string(),
               options.no_report ? "" : ", report.html", info["timings_seconds"]["wall"].get<double>());
  }
  return 0;
}

}  // namespace

Subcommand add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunFolderFlags>();
  auto* sub = app.add_subcommand("run", "Run a self-consuming loop experiment from a TOML config");
  sub->add_option("config", options->config_path, "Experiment config (TOML)")->required();
  sub->add_option("--out", options->out_dir, "Output folder (default: out/<config name>)");
  add_override_flags(*sub, *options);
  add_run_folder_flags(
      *sub, *options,
      {.noun = "run",
       .resume = "Continue an interrupted run in the output folder from its checkpoints (same config required)",
       .quiet = "No progress bar and no summary table",
       .checkpoint_every = "Checkpoint a replicate in progress every N generations (e.g. 10) or N seconds of its "
                           "work (e.g. 30s); 0: finished replicates only"});
  return {sub, [options] { return run(*options); }};
}

}  // namespace ouro::cli
