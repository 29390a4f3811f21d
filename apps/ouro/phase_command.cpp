// `ouro phase CONFIG.toml --real 10,100,1000 --synthetic 100,900 [--bias 1,0.8] --metric NAME`:
// MAD's phase diagram of a loop with real data every generation. Runs the grid [loop.bias,]
// loop.real_samples x loop.synthetic as a sweep (cells, sweep.csv, sweep.json, resume, and a
// report with one heatmap over real x synthetic per bias), then writes phase.csv: per cell and
// metric the limit (mean over the last K generations) with its standard error, the closed-form
// limit and the effective real sample size. ouro/sweep/phase.hpp; docs/phase.md.
#include <algorithm>
#include <cmath>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "cli_numbers.hpp"
#include "commands.hpp"
#include "logging.hpp"
#include "run_flags.hpp"
#include "ouro/core/error.hpp"
#include "ouro/loop/recorder.hpp"
#include "ouro/sweep/phase.hpp"
#include "ouro/sweep/sweep.hpp"

namespace ouro::cli {
namespace {

struct PhaseCommandOptions : RunFolderFlags {
  std::string real, synthetic, bias;
  std::vector<std::string> metrics;
  std::string generations, last;
  std::string shard;
};

std::string optional_text(const std::optional<double>& value) {
  if (!value) return "";
  std::string out;
  append_number(out, *value);
  return out;
}

int run_phase(const PhaseCommandOptions& options) {
  configure_logging(options.log_level, options.quiet);
  const ExistingRun existing = existing_run(options);
  PhaseRequest request;
  request.axes = {options.real, options.synthetic, options.bias};
  request.metrics = options.metrics;
  if (!options.generations.empty()) request.generations = parse_integer_flag("--generations", options.generations);
  if (!options.last.empty()) request.last = parse_integer_flag("--last", options.last);
  PhasePlan plan = plan_phase(load_config(options), request);
  const Config& base = plan.base;
  const SweepGrid& grid = plan.grid;
  const std::size_t last = plan.last;
  const std::int64_t generations = base.integer("run.generations");

  SweepOptions sweep;
  // --shard is read before --checkpoint-every, as `ouro sweep` does, so that a bad one is named first.
  if (!options.shard.empty()) sweep.shard = Shard::parse(options.shard);
  apply_run_folder_flags(sweep, options, base, existing);
  const auto start = std::chrono::steady_clock::now();
  // phase.csv is rebuilt from the cells every time (so --resume on a finished diagram, or another
  // --last, rewrites it without rerunning anything), before the report, which shows its limits.
  std::vector<PhaseRow> rows;
  run_sweep_with_report(base, grid, sweep, options, [&] {
    rows = phase_table(sweep.out_dir, base, grid, options.metrics, last, sweep.shard);
    write_phase_csv(sweep.out_dir / "phase.csv", rows);
  });
  const std::filesystem::path& out = sweep.out_dir;
  for (const PhaseRow& row : rows) {
    // The limit column is the g -> infinity value; the measured one averages generations that the
    // loop may not have reached it by (it converges at a rate of about (synthetic / (real + synthetic))^2).
    if (row.theory_limit && row.theory_window_mean &&
        std::abs(*row.theory_window_mean - *row.theory_limit) > 0.01 * std::abs(*row.theory_limit)) {
      spdlog::warn("real={} synthetic={} bias={} {}: the exact recursion averages {:.6g} over the last {} generations, "
                   "{:.1f}% from its limit {:.6g}: the loop has not converged; raise --generations",
                   row.real, row.synthetic, row.bias, row.metric, *row.theory_window_mean, last,
                   100 * std::abs(*row.theory_window_mean / *row.theory_limit - 1), *row.theory_limit);
    }
  }
  if (sweep.shard) {
    spdlog::info("shard {}/{}: phase.csv holds this shard's cells; `ouro merge` the shards, then rerun this "
                 "command without --shard on the merged folder with --resume for the whole diagram",
                 sweep.shard->index, sweep.shard->count);
  }
  if (options.quiet) return 0;
  fmt::print("{:>8} {:>9} {:>6} {:<12} {:>12} {:>10} {:>12} {:>10}\n", "real", "synthetic", "bias", "metric",
             "limit_mean", "limit_se", "theory_limit", "eff_real");
  for (const PhaseRow& row : rows) {
    fmt::print("{:>8} {:>9} {:>6} {:<12} {:>12.6g} {:>10.3g} {:>12} {:>10}\n", row.real, row.synthetic, row.bias,
               row.metric, row.limit_mean, row.limit_se, optional_text(row.theory_limit).substr(0, 12),
               optional_text(row.effective_real_samples).substr(0, 10));
  }
  fmt::print("limit: mean over generations {}..{}; wrote {}/{{cells/, sweep.csv, sweep.json, phase.csv{}}} in {:.2f}s\n",
             generations + 1 - static_cast<std::int64_t>(last), generations, out.string(),
             options.no_report ? "" : ", report.html",
             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}

}  // namespace

Subcommand add_phase_command(CLI::App& app) {
  auto options = std::make_shared<PhaseCommandOptions>();
  auto* sub = app.add_subcommand("phase", "MAD's phase diagram: the limit of a metric over real x synthetic sizes "
                                          "(and bias) of a fresh-data loop, with theory and effective sample size");
  sub->add_option("config", options->config_path, "Experiment config (TOML) with loop.real = fresh or fixed")
      ->required();
  sub->add_option("--real", options->real, "loop.real_samples values, e.g. 10,100,1000")->required();
  sub->add_option("--synthetic", options->synthetic, "loop.synthetic values, e.g. 100,900")->required();
  sub->add_option("--bias", options->bias, "loop.bias values, e.g. 1,0.8 (default: the config's)");
  sub->add_option("--metric", options->metrics, "A metric of phase.csv (repeatable)")->required();
  sub->add_option("--generations", options->generations, "Override run.generations");
  sub->add_option("--last", options->last, "K: the limit is the mean over the last K generations (default G/4, at "
                                            "least 1)");
  sub->add_option("--out", options->out_dir, "Output folder (default: out/<config name>)");
  sub->add_option("--shard", options->shard, "Run only cells whose index % N == i: --shard i/N (0 <= i < N); "
                                             "combine the shards with `ouro merge`");
  add_override_flags(*sub, *options,
                     {.threads = "Worker threads over all cells' replicates (0 = all cores)",
                      .set = "Override a base config key: --set section.key=value (repeatable)"});
  add_run_folder_flags(*sub, *options,
                       {.noun = "diagram",
                        .resume = "Continue an interrupted diagram (finished cells are skipped)",
                        .quiet = "No progress bar and no table",
                        .checkpoint_every =
                            "Checkpoint a replicate in progress every N generations or N seconds (e.g. 30s)",
                        .no_report = "Do not write report.html"});
  return {sub, [options] { return run_phase(*options); }};
}

}  // namespace ouro::cli
