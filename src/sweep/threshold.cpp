// Threshold search by bisection over an integer size key, every probe a full in-memory run of the
// loop: see threshold.hpp (criterion, statistic, bracket) and docs/phase.md.
#include "ouro/sweep/threshold.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ouro/core/error.hpp"
#include "ouro/loop/run_job.hpp"
#include "ouro/metrics/metric.hpp"

namespace ouro {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

double real_share(const LoopSettings& loop) {
  const double real = loop.real == RealPolicy::kNone ? 0.0 : static_cast<double>(loop.real_samples);
  return real / (real + static_cast<double>(loop.synthetic));
}

// The probe's config: the base with the varied value, only the searched metric (the others would
// cost time and change nothing: every metric draws from its own stream) and no generation past G.
Config probe_config(const Config& base, const ThresholdOptions& options, std::int64_t generation, std::int64_t value) {
  Config config = base;
  config.set(fmt::format("run.generations={}", generation));
  config.set(fmt::format("metrics.names=[\"{}\"]", options.metric));
  config.set(fmt::format("{}={}", options.vary, value));
  return config;
}

class Search {
 public:
  Search(const Config& base, const ThresholdOptions& options, std::int64_t generation, double tolerance,
         std::int64_t low, std::int64_t high)
      : base_(base), options_(options), generation_(generation), tolerance_(tolerance), low_(low), high_(high) {}

  const ThresholdProbe& probe(std::int64_t value) {
    if (const auto it = probes_.find(value); it != probes_.end()) return it->second;
    ThresholdProbe probe = run(value);
    probe.order = probes_.size();
    const auto& stored = probes_.emplace(value, probe).first->second;
    if (options_.on_probe) options_.on_probe(probes_.size());
    return stored;
  }

  const std::map<std::int64_t, ThresholdProbe>& probes() const { return probes_; }

 private:
  ThresholdProbe run(std::int64_t value) const {
    std::unique_ptr<RunJob> job;
    // Filled from each replicate's results as it finishes: the metric at generations 0 and G.
    std::vector<double> at_g, at_0;
    std::size_t m = 0, metrics = 0;
    RunJobOptions job_options;  // in memory: a probe writes no files
    job_options.threads = options_.threads;
    job_options.on_result = [&](const ReplicateResult& result) {
      at_0[result.replicate] = result.values[m];
      at_g[result.replicate] = result.values[static_cast<std::size_t>(generation_) * metrics + m];
    };
    try {
      job = std::make_unique<RunJob>(probe_config(base_, options_, generation_, value), job_options);
    } catch (const ConfigError& e) {
      // The metric list is ours, set from --metric: say so rather than name metrics.names.
      const std::string message = e.what();
      const auto at = message.find("metrics.names = ");
      if (at != std::string::npos) {
        const auto colon = message.find(": ", at);
        throw ConfigError(fmt::format("--metric {}: {}", options_.metric, message.substr(colon + 2)));
      }
      throw ConfigError(fmt::format("probe {}: {}", probe_name(value), message));
    } catch (const DataError& e) {
      throw DataError(fmt::format("probe {}: {}", probe_name(value), e.what()));
    }
    const Experiment& experiment = job->experiment();
    const auto& names = experiment.metric_names();
    m = static_cast<std::size_t>(std::find(names.begin(), names.end(), options_.metric) - names.begin());
    metrics = names.size();
    const std::size_t replicates = experiment.replicates();
    at_g.assign(replicates, 0.0);
    at_0.assign(replicates, 0.0);
    job->run(options_.threads);

    ThresholdProbe p;
    p.value = value;
    p.real_share = real_share(experiment.loop_settings());
    const double count = static_cast<double>(replicates);
    for (std::size_t r = 0; r < replicates; ++r) {
      for (const auto& [x, generation] : {std::pair{at_0[r], std::int64_t{0}}, std::pair{at_g[r], generation_}}) {
        OURO_CHECK(std::isfinite(x), DataError,
                   "--metric {}: replicate {} has {} = {} at generation {} (probe {} = {}); the criterion needs a "
                   "finite value at generations 0 and {} in every replicate: choose another metric or --generation",
                   options_.metric, r, options_.metric, x, generation, options_.vary, value, generation_);
      }
      p.mean_at_0 += at_0[r] / count;
      p.mean_at_g += at_g[r] / count;
    }
    p.difference = p.mean_at_g - p.mean_at_0;
    // u_r = sign(D) d_r - T (or - T sign(X0) x_r(0)): its mean is the excess, its spread the excess's.
    const double sign = p.difference >= 0 ? 1.0 : -1.0;
    const double sign0 = p.mean_at_0 >= 0 ? 1.0 : -1.0;
    std::vector<double> d(replicates), u(replicates);
    for (std::size_t r = 0; r < replicates; ++r) {
      d[r] = at_g[r] - at_0[r];
      u[r] = sign * d[r] - (options_.relative ? tolerance_ * sign0 * at_0[r] : tolerance_);
    }
    const auto mean_se = [&](const std::vector<double>& x) {
      double mean = 0;
      for (const double v : x) mean += v / count;
      double squares = 0;
      for (const double v : x) squares += (v - mean) * (v - mean);
      return std::pair{mean, std::sqrt(squares / (count - 1) / count)};
    };
    p.difference_se = mean_se(d).second;
    std::tie(p.excess, p.excess_se) = mean_se(u);
    p.holds = p.excess <= 0;
    p.z = p.excess_se > 0 ? -p.excess / p.excess_se : (p.holds ? kInfinity : -kInfinity);
    p.p_holds = 0.5 * std::erfc(-p.z / std::sqrt(2.0));
    return p;
  }

  // "loop.initial = 1 (from --low; choose a --low the config accepts)": a probe that
  // cannot run says which flag put the value there, --low, --high (their defaults included) or
  // the bisection between them.
  std::string probe_name(std::int64_t value) const {
    const std::string flag = value == low_ ? "--low" : value == high_ ? "--high" : "";
    if (flag.empty()) {
      return fmt::format("{} = {} (bisecting between --low {} and --high {}; narrow the bracket to values the config "
                         "accepts)", options_.vary, value, low_, high_);
    }
    return fmt::format("{} = {} (from {}{}; choose a {} the config accepts)", options_.vary, value, flag,
                       (flag == "--low" ? options_.low : options_.high) ? "" : " by default", flag);
  }

  const Config& base_;
  const ThresholdOptions& options_;
  std::int64_t generation_;
  double tolerance_;
  std::int64_t low_, high_;
  std::map<std::int64_t, ThresholdProbe> probes_;
};

std::string describe(const ThresholdProbe& p, const std::string& vary, const std::string& metric) {
  return fmt::format("at {} = {}: mean {} at G - at 0 = {:.6g} ± {:.3g} (s.e.), excess over the tolerance {:.6g}",
                     vary, p.value, metric, p.difference, p.difference_se, p.excess);
}

nlohmann::json number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr); }

}  // namespace

const std::vector<std::string>& threshold_varied_keys() {
  static const std::vector<std::string> keys = {"loop.real_samples", "loop.synthetic", "loop.initial",
                                                "loop.train_size"};
  return keys;
}

ThresholdResult find_threshold(const Config& base, const ThresholdOptions& options) {
  // The flags first, each error naming its flag and value.
  OURO_CHECK(!options.metric.empty(), ConfigError, "--metric: name the metric to search on (e.g. --metric variance)");
  const std::vector<std::string> known = metric_names();
  OURO_CHECK(std::find(known.begin(), known.end(), options.metric) != known.end(), ConfigError,
             "--metric {}: unknown metric; known: {}", options.metric, fmt::join(known, ", "));
  const auto& keys = threshold_varied_keys();
  OURO_CHECK(std::find(keys.begin(), keys.end(), options.vary) != keys.end(), ConfigError,
             "--vary {}: not an integer size of the loop; vary one of {}", options.vary, fmt::join(keys, ", "));
  if (options.vary == "loop.real_samples" && base.text("loop.real") == "none") {
    base.fail("loop.real", "--vary loop.real_samples needs real data after generation 0: set loop.real to fresh, "
                           "fixed or resample (e.g. --set loop.real=fresh)");
  }
  if (options.vary == "loop.train_size" && base.text("loop.keep") != "accumulate-subsample") {
    base.fail("loop.keep", "--vary loop.train_size needs loop.keep = \"accumulate-subsample\"");
  }
  OURO_CHECK(std::isfinite(options.tolerance) && options.tolerance > 0, ConfigError,
             "--tolerance {}: expected a positive number", options.tolerance);
  const std::int64_t generation = options.generation.value_or(base.integer("run.generations"));
  OURO_CHECK(generation >= 1, ConfigError,
             "--generation {}: the criterion compares generation G with generation 0, so G must be >= 1{}", generation,
             options.generation ? "" : " (it defaults to run.generations)");
  const std::int64_t current = base.integer(options.vary);
  const std::int64_t low = options.low.value_or(1);
  const std::int64_t high = options.high.value_or(std::max<std::int64_t>(10, 10 * current));
  OURO_CHECK(low >= 1, ConfigError, "--low {}: {} must be >= 1", low, options.vary);
  OURO_CHECK(low < high, ConfigError, "--low {} --high {}: the bracket must have --low < --high", low, high);
  const auto replicates = base.integer("run.replicates");
  OURO_CHECK(replicates >= 2, ConfigError,
             "run.replicates = {}: the criterion's standard error needs at least 2 replicates (--replicates)",
             replicates);
  OURO_CHECK(options.z > 0, ConfigError, "internal: z must be > 0");

  Search search(base, options, generation, options.tolerance, low, high);
  const ThresholdProbe at_low = search.probe(low);
  const ThresholdProbe at_high = search.probe(high);
  if (at_low.holds == at_high.holds) {
    const bool both = at_low.holds;
    throw ConfigError(fmt::format(
        "--low {} --high {}: the criterion (|mean {} at generation {} - at generation 0| <= {}{}) {} at both ends "
        "({}; {}), so the bracket does not straddle the threshold; {}",
        low, high, options.metric, generation, options.tolerance, options.relative ? " x |mean at 0|" : "",
        both ? "holds" : "fails", describe(at_low, options.vary, options.metric),
        describe(at_high, options.vary, options.metric),
        both ? "move the bracket towards values where it fails, or lower --tolerance"
             : "move the bracket towards values where it holds, or raise --tolerance"));
  }
  const bool holds_above = at_high.holds;

  // On the side where the criterion holds, the boundary of `pred` (assumed monotone): the smallest
  // value with pred when it holds above, the largest when it holds below; nullopt when none has it.
  const auto boundary = [&](const std::function<bool(const ThresholdProbe&)>& pred) -> std::optional<std::int64_t> {
    std::int64_t fail = holds_above ? low : high;
    std::int64_t pass = holds_above ? high : low;
    if (!pred(search.probe(pass))) return std::nullopt;
    if (pred(search.probe(fail))) return fail;
    while (std::abs(pass - fail) > 1) {
      const std::int64_t mid = fail + (pass - fail) / 2;
      (pred(search.probe(mid)) ? pass : fail) = mid;
    }
    return pass;
  };
  const double z = options.z;
  const std::int64_t threshold = *boundary([](const ThresholdProbe& p) { return p.holds; });
  const std::optional<std::int64_t> sure = boundary([&](const ThresholdProbe& p) { return p.z >= z; });
  const std::int64_t unsure = *boundary([&](const ThresholdProbe& p) { return p.z > -z; });

  ThresholdResult result;
  result.metric = options.metric;
  result.vary = options.vary;
  result.generation = generation;
  result.tolerance = options.tolerance;
  result.relative = options.relative;
  result.low = low;
  result.high = high;
  result.replicates = static_cast<std::size_t>(replicates);
  result.holds_above = holds_above;
  result.threshold = threshold;
  result.neighbour = holds_above ? threshold - 1 : threshold + 1;
  search.probe(result.neighbour);
  result.z = z;
  // Holding above: values below `unsure` fail by z SE, values from `sure` on hold by z SE.
  const std::int64_t sure_end = sure.value_or(holds_above ? high : low);
  result.confident_low = holds_above ? unsure : sure_end;
  result.confident_high = holds_above ? sure_end : unsure;
  result.open_low = holds_above ? (unsure == low) : !sure.has_value();
  result.open_high = holds_above ? !sure.has_value() : (unsure == high);
  for (const auto& [value, probe] : search.probes()) result.probes.push_back(probe);
  return result;
}

nlohmann::json ThresholdResult::to_json() const {
  nlohmann::json probes_json = nlohmann::json::array();
  for (const ThresholdProbe& p : probes) {
    probes_json.push_back({{"value", p.value},
                           {"real_share", number(p.real_share)},
                           {"mean_at_g", number(p.mean_at_g)},
                           {"mean_at_0", number(p.mean_at_0)},
                           {"difference", number(p.difference)},
                           {"difference_se", number(p.difference_se)},
                           {"excess", number(p.excess)},
                           {"excess_se", number(p.excess_se)},
                           {"z", number(p.z)},
                           {"p_holds", number(p.p_holds)},
                           {"holds", p.holds},
                           {"order", p.order}});
  }
  const auto share_of = [&](std::int64_t value) {
    for (const ThresholdProbe& p : probes) {
      if (p.value == value) return number(p.real_share);
    }
    return nlohmann::json(nullptr);
  };
  return {{"metric", metric},
          {"vary", vary},
          {"generation", generation},
          {"tolerance", tolerance},
          {"relative", relative},
          {"criterion", relative ? "|mean at G - mean at 0| <= tolerance x |mean at 0|"
                                 : "|mean at G - mean at 0| <= tolerance"},
          {"bracket_searched", {low, high}},
          {"replicates", replicates},
          {"holds", holds_above ? "above" : "below"},
          {"threshold", threshold},
          {"threshold_real_share", share_of(threshold)},
          {"neighbour", neighbour},
          {"bracket", {std::min(threshold, neighbour), std::max(threshold, neighbour)}},
          {"uncertainty", {{"z", z},
                           {"bracket", {confident_low, confident_high}},
                           {"open_low", open_low},
                           {"open_high", open_high}}},
          {"probes", probes_json}};
}

}  // namespace ouro
