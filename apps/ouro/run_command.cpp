// `ouro run CONFIG.toml`: runs an experiment and writes metrics.csv, theory.csv, composition.csv
// and run.json to the output folder, then prints a summary table (mean ± standard error, median and
// the 10%-90% band over replicates at a few generations, beside theory where there is one, read
// back from the folder: summary_table.hpp). The run itself is a RunJob
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
#include "summary_table.hpp"
#include "ouro/loop/run_job.hpp"
#include "ouro/loop/training_share.hpp"
#include "ouro/report/html_report.hpp"
#include "ouro/report/run_data.hpp"

namespace ouro::cli {
namespace {

struct RunCommandOptions : RunFolderFlags {
  std::string band = "se";
};

int run(const RunCommandOptions& options) {
  configure_logging(options.log_level, options.quiet);
  report::parse_band(options.band);  // a bad --band is refused before the run, not after it
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
    if (report_missing) write_run_report(out, /*quiet=*/true, options.band);
    if (!options.quiet) {
      fmt::print("'{}' already holds this finished run; {}\n", out.string(),
                 report_missing ? "wrote its missing report.html" : "nothing to do");
    }
    return 0;
  }

  nlohmann::json info;
  {
    // Progress counts generations, so that it moves even when a few long replicates run at once.
    const std::size_t per_replicate = job.experiment().generations() + 1;
    const bool shown = progress_wanted(options.quiet);
    ProgressBar progress(job.replicates() * per_replicate, (job.replicates() - job.pending().size()) * per_replicate,
                         "generations", shown);
    // Without a bar the workers are not called back at all: a shared counter bumped every
    // generation by every thread costs a few percent of a fast loop.
    RunJob::Progress on_generation;
    if (shown) {
      on_generation = [&progress](std::size_t generations, bool from_checkpoint) {
        progress.advance(generations, from_checkpoint);
      };
    }
    info = job.run(threads, on_generation);
  }
  if (!options.no_report) write_run_report(out, /*quiet=*/true, options.band);
  if (!options.quiet) {
    const report::RunData run = report::load_run(out);
    print_run_summary(run);
    fmt::print("{}", training_share_table(job.recorder(), run_summary_generations(run)));
    const bool gzipped = std::filesystem::exists(out / "metrics.csv.gz");
    fmt::print("wrote {}/{{{}, theory.csv, composition.csv, run.json{}}} in {:.2f}s\n", out.string(),
               gzipped ? "metrics.csv.gz" : "metrics.csv", options.no_report ? "" : ", report.html",
               info["timings_seconds"]["wall"].get<double>());
    const nlohmann::json& stages = info["timings_seconds"]["worker_stages_summed_over_replicates"];
    fmt::print("worker stages, summed over the {} replicates run on {} thread{}: fit {:.2f}s, sample {:.2f}s, "
               "metrics {:.2f}s, compose {:.2f}s, setup {:.2f}s\n",
               job.pending().size(), threads, threads == 1 ? "" : "s", stages["fit"].get<double>(), stages["sample"].get<double>(),
               stages["metrics"].get<double>(), stages["compose"].get<double>(), stages["setup"].get<double>());
  }
  return 0;
}

}  // namespace

Subcommand add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunCommandOptions>();
  auto* sub = app.add_subcommand("run", "Run a self-consuming loop experiment from a TOML config");
  sub->add_option("config", options->config_path, "Experiment config (TOML)")->required();
  sub->add_option("--out", options->out_dir, "Output folder (default: out/<config name>)");
  add_override_flags(*sub, *options);
  add_generations_flag(*sub, *options);
  add_run_folder_flags(
      *sub, *options,
      {.noun = "run",
       .resume = "Continue an interrupted run in the output folder from its checkpoints (same config required)",
       .quiet = "No progress bar and no summary table",
       .checkpoint_every = "Checkpoint a replicate in progress every N generations (e.g. 10) or N seconds of its "
                           "work (e.g. 30s); 0: finished replicates only"});
  sub->add_option("--band", options->band,
                  "Band of the report's charts: se (mean ± 1 standard error) or quantile (10%-90% of the replicates)")
      ->capture_default_str();
  return {sub, [options] { return run(*options); }};
}

}  // namespace ouro::cli
