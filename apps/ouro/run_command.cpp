// `ouro run CONFIG.toml`: runs an experiment and writes metrics.csv, theory.csv, composition.csv
// and run.json to the output folder, then prints a summary table (mean ± standard error over
// replicates at a few generations, beside theory where there is one).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "ouro/core/error.hpp"
#include "ouro/core/parallel.hpp"
#include "ouro/loop/experiment.hpp"

namespace ouro::cli {
namespace {

struct RunOptions {
  std::string config_path;
  std::string out_dir;
  int replicates = 0;
  int threads = -1;
  std::vector<std::string> sets;
  bool force = false;
  bool quiet = false;
  bool no_report = false;
};

// Progress on stderr: replicates done, elapsed and estimated time left. Redrawn at most ten times
// a second, only when stderr is a terminal.
class ProgressBar {
 public:
  ProgressBar(std::size_t total, bool enabled) : total_(total), enabled_(enabled), start_(Clock::now()) {}
  ~ProgressBar() {
    if (enabled_ && drawn_) fmt::print(stderr, "\n");
  }

  void tick() {
    const std::size_t done = ++done_;
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    drawn_ = true;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double eta = elapsed / static_cast<double>(done) * static_cast<double>(total_ - done);
    const std::size_t width = 30;
    const std::size_t filled = width * done / total_;
    fmt::print(stderr, "\r[{}{}] {}/{} replicates  {:.1f}s elapsed  ETA {:.1f}s ", std::string(filled, '='),
               std::string(width - filled, ' '), done, total_, elapsed, eta);
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::size_t total_;
  bool enabled_;
  Clock::time_point start_;
  Clock::time_point last_draw_{};
  std::atomic<std::size_t> done_{0};
  std::mutex mutex_;
  bool drawn_ = false;
};

Config load_config(const RunOptions& options) {
  Config config = Config::from_file(options.config_path);
  for (const std::string& assignment : options.sets) config.set(assignment);
  if (options.replicates > 0) config.set(fmt::format("run.replicates={}", options.replicates));
  if (options.threads >= 0) config.set(fmt::format("run.threads={}", options.threads));
  return config;
}

std::filesystem::path prepare_out_dir(const RunOptions& options) {
  std::filesystem::path out = options.out_dir;
  if (out.empty()) out = std::filesystem::path("out") / std::filesystem::path(options.config_path).stem();
  if (std::filesystem::exists(out / "run.json") && !options.force) {
    throw IoError(fmt::format("'{}' already holds a finished run; choose another --out or pass --force "
                              "to overwrite it", out.string()));
  }
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  OURO_CHECK(!ec, IoError, "cannot create output folder '{}': {}", out.string(), ec.message());
  // A forced rerun must not leave the old run.json standing beside half-written new files.
  std::filesystem::remove(out / "run.json", ec);
  std::filesystem::remove(out / "report.html", ec);  // nor a report of the previous results
  return out;
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
  const auto wall_start = std::chrono::steady_clock::now();
  const Config config = load_config(options);
  const auto setup_start = std::chrono::steady_clock::now();
  const Experiment experiment(config);
  const double setup_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count();
  const std::filesystem::path out = prepare_out_dir(options);

  RunContext context;
  context.seed = static_cast<std::uint64_t>(config.integer("run.seed"));
  context.threads = resolve_threads(static_cast<int>(config.integer("run.threads")));
  context.out_dir = out;
  context.progress = !options.quiet && isatty(STDERR_FILENO);

  Recorder recorder(out, experiment.metric_names(), experiment.generations(), experiment.replicates(),
                    LoopPolicy(LoopSettings::from(config)).composition_is_shared());
  StageTimes stages;
  double loop_seconds = 0;
  {
    ProgressBar progress(experiment.replicates(), context.progress);
    const auto loop_start = std::chrono::steady_clock::now();
    stages = experiment.run(context, recorder, [&] { progress.tick(); });
    loop_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - loop_start).count();
  }

  nlohmann::json info;
  info["version"] = OURO_VERSION;
  info["config_file"] = options.config_path;
  info["config"] = config.to_json();
  info["seed"] = context.seed;
  info["threads"] = context.threads;
  info["metrics"] = experiment.metric_names();
  info["timings_seconds"] = {{"wall", std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count()},
                             {"experiment_setup", setup_seconds},
                             {"loop_wall", loop_seconds},
                             {"worker_stages", stages.to_json()}};
  recorder.finish(experiment.theory(), info);
  if (!options.no_report) write_run_report(out, /*quiet=*/true);
  if (!options.quiet) {
    print_summary(experiment, recorder);
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
  sub->add_flag("--force", options->force, "Overwrite a finished run in the output folder");
  sub->add_flag("--quiet", options->quiet, "No progress bar and no summary table");
  sub->add_flag("--no-report", options->no_report, "Do not write report.html (rebuild it later with `ouro report`)");
  return {sub, [options] { return run(*options); }};
}

}  // namespace ouro::cli
