// `ouro threshold CONFIG.toml --metric NAME --tolerance T`: finds, by bisection with replicates,
// the smallest real-data count per generation (or, with --vary loop.synthetic, the largest
// synthetic count) for which the metric after G generations stays within the tolerance of
// generation 0, with the uncertainty of that answer; prints it as text or JSON and, with --out,
// writes threshold.json. The search is ouro/sweep/threshold.hpp; docs/phase.md explains it.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "cli_numbers.hpp"
#include "commands.hpp"
#include "logging.hpp"
#include "run_flags.hpp"
#include "ouro/core/error.hpp"
#include "ouro/core/parallel.hpp"
#include "ouro/io/atomic_file.hpp"
#include "ouro/sweep/threshold.hpp"

namespace ouro::cli {
namespace {

struct ThresholdCommandOptions : RunFlags {
  std::string metric;
  std::string vary = "loop.real_samples";
  std::string generation, tolerance, low, high;
  bool relative = false;
  std::string format = "text";
};

void print_text(const ThresholdResult& r) {
  const auto probe_at = [&](std::int64_t value) -> const ThresholdProbe& {
    for (const ThresholdProbe& p : r.probes) {
      if (p.value == value) return p;
    }
    throw Error("internal: threshold probe missing");
  };
  const ThresholdProbe& at = probe_at(r.threshold);
  const ThresholdProbe& next = probe_at(r.neighbour);
  const std::string tolerance =
      r.relative ? fmt::format("{:g} x |mean at 0|", r.tolerance) : fmt::format("{:g}", r.tolerance);
  fmt::print("threshold: {} = {} (real share {:.4g}), the {} value in [{}, {}] at which |mean {} at generation {} - "
             "at generation 0| <= {} ({} replicates)\n",
             r.vary, r.threshold, at.real_share, r.holds_above ? "smallest" : "largest", r.low, r.high, r.metric,
             r.generation, tolerance, r.replicates);
  for (const ThresholdProbe* p : {&next, &at}) {
    fmt::print("  at {:>8}: mean at G - at 0 = {:<11.5g} excess {:<11.4g} ± {:<9.3g} P(holds) = {:.3f}: {}\n", p->value,
               p->difference, p->excess, p->excess_se, p->p_holds, p->holds ? "holds" : "fails");
  }
  fmt::print("uncertainty: outside [{}, {}] the criterion is decided by {:g} standard errors{}{}\n", r.confident_low,
             r.confident_high, r.z, r.open_low ? fmt::format("; undecided down to --low {}", r.low) : "",
             r.open_high ? fmt::format("; undecided up to --high {}", r.high) : "");
  fmt::print("\n{:>10} {:>10} {:>12} {:>12} {:>12} {:>10} {:>11} {:>10} {:>9} {}\n", "value", "real_share",
             "mean_at_G", "mean_at_0", "difference", "s.e.", "excess", "z", "P(holds)", "decision");
  for (const ThresholdProbe& p : r.probes) {
    fmt::print("{:>10} {:>10.4g} {:>12.6g} {:>12.6g} {:>12.5g} {:>10.3g} {:>11.4g} {:>10.3g} {:>9.3f} {}\n", p.value,
               p.real_share, p.mean_at_g, p.mean_at_0, p.difference, p.difference_se, p.excess, p.z, p.p_holds,
               p.holds ? "holds" : "fails");
  }
}

int run_threshold(const ThresholdCommandOptions& options) {
  configure_logging(options.log_level, options.quiet);
  OURO_CHECK(options.format == "text" || options.format == "json", ConfigError,
             "--format {}: expected text or json", options.format);
  const Config base = load_config(options);

  ThresholdOptions search;
  search.metric = options.metric;
  search.vary = options.vary;
  OURO_CHECK(!options.tolerance.empty(), ConfigError,
             "--tolerance: give the tolerance, e.g. --tolerance 0.05 (absolute) or --tolerance 0.1 --relative");
  search.tolerance = parse_real_flag("--tolerance", options.tolerance);
  search.relative = options.relative;
  if (!options.generation.empty()) search.generation = parse_integer_flag("--generation", options.generation);
  if (!options.low.empty()) search.low = parse_integer_flag("--low", options.low);
  if (!options.high.empty()) search.high = parse_integer_flag("--high", options.high);
  search.threads = resolve_threads(static_cast<int>(base.integer("run.threads")));
  search.on_probe = [](std::size_t probes) { spdlog::debug("threshold: probe {} done", probes); };

  const ThresholdResult result = find_threshold(base, search);
  nlohmann::json json = result.to_json();
  json["version"] = OURO_VERSION;
  json["config_file"] = options.config_path;
  json["seed"] = base.integer("run.seed");
  json["config"] = base.to_json();
  if (!options.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.out_dir, ec);
    OURO_CHECK(!ec, IoError, "cannot create output folder '{}': {}", options.out_dir, ec.message());
    AtomicFile file(std::filesystem::path(options.out_dir) / "threshold.json");
    file.stream() << json.dump(2) << '\n';
    file.commit();
  }
  if (options.quiet) return 0;
  if (options.format == "json") {
    // The same object as threshold.json, without the resolved config (which is long).
    json.erase("config");
    fmt::print("{}\n", json.dump(2));
  } else {
    print_text(result);
  }
  return 0;
}

}  // namespace

Subcommand add_threshold_command(CLI::App& app) {
  auto options = std::make_shared<ThresholdCommandOptions>();
  auto* sub = app.add_subcommand(
      "threshold", "Find by bisection the least real data (or most synthetic data) that keeps a metric after G "
                   "generations within a tolerance of generation 0");
  sub->add_option("config", options->config_path, "Experiment config (TOML)")->required();
  sub->add_option("--metric", options->metric, "The metric the criterion is on (e.g. variance, mean_shift, w2)")
      ->required();
  sub->add_option("--tolerance", options->tolerance,
                  "Criterion: |mean at G - mean at 0| <= T (with --relative: <= T x |mean at 0|)");
  sub->add_flag("--relative", options->relative, "The tolerance is relative to |mean at generation 0|");
  sub->add_option("--generation", options->generation, "G (default run.generations); probes run G generations");
  sub->add_option("--vary", options->vary,
                  "The integer size searched: loop.real_samples (default), loop.synthetic, loop.initial or "
                  "loop.train_size")
      ->capture_default_str();
  sub->add_option("--low", options->low, "Bracket start (default 1)");
  sub->add_option("--high", options->high, "Bracket end (default 10 x the config's value, at least 10)");
  add_override_flags(*sub, *options, {.replicates = "Override run.replicates (per probe)"});
  sub->add_option("--out", options->out_dir, "Write threshold.json into this folder");
  sub->add_option("--format", options->format, "Output on stdout: text or json")->capture_default_str();
  sub->add_flag("--quiet", options->quiet, "Print nothing on success");
  add_log_level_option(*sub, options->log_level);
  return {sub, [options] { return run_threshold(*options); }};
}

}  // namespace ouro::cli
