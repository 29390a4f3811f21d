// The printed summaries of `ouro run` and `ouro sweep` (see summary_table.hpp).
#include "summary_table.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/core.h>

#include "ouro/report/summary.hpp"

namespace ouro::cli {
namespace {

// `{:.3g}` of a value, or "-" where there is none (a single replicate has no standard error).
std::string number(double value) { return std::isnan(value) ? "-" : fmt::format("{:.3g}", value); }

std::vector<std::size_t> recorded_generations(const report::MetricValues& metric) {
  std::vector<std::size_t> out;
  for (std::size_t g = 0; g < metric.values.size(); ++g) {
    if (!metric.values[g].empty()) out.push_back(g);
  }
  return out;
}

const report::MetricValues* metric_named(const report::RunData& run, const std::string& name) {
  for (const report::MetricValues& m : run.metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

}  // namespace

std::vector<std::size_t> summary_generations(const std::vector<std::size_t>& recorded) {
  std::vector<std::size_t> out;
  if (recorded.empty()) return out;
  const std::size_t last = recorded.back();
  for (std::size_t quarter = 0; quarter <= 4; ++quarter) {
    const std::size_t target = last * quarter / 4;
    // The last recorded generation at or before the target (generation 0 is always recorded).
    auto it = std::upper_bound(recorded.begin(), recorded.end(), target);
    const std::size_t g = it == recorded.begin() ? recorded.front() : *std::prev(it);
    if (out.empty() || out.back() != g) out.push_back(g);
  }
  return out;
}

std::vector<std::size_t> run_summary_generations(const report::RunData& run) {
  return run.metrics.empty() ? std::vector<std::size_t>{} : summary_generations(recorded_generations(run.metrics.front()));
}

void print_run_summary(const report::RunData& run) {
  fmt::print("{:<16} {:>10} {:>11} {:>10} {:>11} {:>23} {:>11}\n", "metric", "generation", "mean", "± s.e.",
             "median", "q10 – q90", "theory");
  std::size_t heavy_gaps = 0;
  std::size_t other_gaps = 0;
  std::size_t heavy_agreements = 0;
  std::size_t non_finite_rows = 0;
  for (const report::MetricValues& metric : run.metrics) {
    const auto theory = run.theory.find(metric.name);
    for (const std::size_t g : summary_generations(recorded_generations(metric))) {
      const report::BandStat s = report::summarize(metric.values[g]);
      const double expected = theory != run.theory.end() && g < theory->second.size()
                                  ? theory->second[g]
                                  : std::nan("");
      // '*': the mean misses theory and heavy tails explain it; '!': they do not; '~': the mean
      // agrees, but only within an s.e. that heavy tails make unreliable.
      std::string flag;
      if (!std::isnan(expected)) {
        const report::TheoryGap gap = report::theory_gap(s, expected);
        if (gap.disagrees) {
          flag = gap.heavy_tailed ? " *" : " !";
          ++(gap.heavy_tailed ? heavy_gaps : other_gaps);
        } else if (gap.heavy_tailed) {
          flag = " ~";
          ++heavy_agreements;
        }
      }
      if (s.non_finite > 0) {
        flag += fmt::format(" ({} not finite)", s.non_finite);
        ++non_finite_rows;
      }
      const std::string band = s.count > 0 ? fmt::format("{} – {}", number(s.q10), number(s.q90)) : "-";
      fmt::print("{:<16} {:>10} {:>11} {:>10} {:>11} {:>23} {:>11}{}\n", metric.name, g, number(s.mean),
                 number(s.standard_error), number(s.median), band, number(expected), flag);
    }
  }
  if (heavy_gaps > 0) {
    fmt::print("* mean and theory differ by more than {:g} s.e., and the values are heavy-tailed: the mean over {} "
               "replicates rests on a few rare ones and its s.e. understates its error; the median and q10 – q90 show "
               "a typical replicate (docs/metrics.md#heavy-tailed-metrics)\n",
               report::kTheoryGapStandardErrors, run.replicates);
  }
  if (heavy_agreements > 0) {
    fmt::print("~ heavy-tailed: the farthest 5% of replicates carry over half the spread around the median, so the "
               "mean and its s.e. rest on a few of them; the median and q10 – q90 are the steadier figures "
               "(docs/metrics.md#heavy-tailed-metrics)\n");
  }
  if (other_gaps > 0) {
    fmt::print("! mean and theory differ by more than {:g} s.e. and the values are not heavy-tailed: sampling error "
               "does not explain the gap (docs/metrics.md#heavy-tailed-metrics)\n",
               report::kTheoryGapStandardErrors);
  }
  if (non_finite_rows > 0) {
    fmt::print("values that are not finite are left out of the mean, s.e. and quantiles "
               "(docs/metrics.md#values-that-are-not-finite)\n");
  }
}

void print_sweep_summary(const std::filesystem::path& out_dir, const nlohmann::json& plan) {
  const auto shown = [](const nlohmann::json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); };
  std::vector<std::string> keys;
  std::vector<std::size_t> widths;  // each swept key's column: as wide as the key or its widest value
  for (const nlohmann::json& axis : plan.at("grid")) {
    keys.push_back(axis.at("key").get<std::string>());
    widths.push_back(keys.back().size());
    for (const nlohmann::json& cell : plan.at("cells")) {
      widths.back() = std::max(widths.back(), shown(cell.at("values").at(keys.back())).size());
    }
  }
  std::string header = fmt::format("{:>5}", "cell");
  for (std::size_t k = 0; k < keys.size(); ++k) header += fmt::format(" {:>{}}", keys[k], widths[k]);
  fmt::print("{} {:<16} {:>10} {:>11} {:>10} {:>11}\n", header, "metric", "generation", "mean", "± s.e.", "median");
  for (const nlohmann::json& index : plan.at("cells_here")) {
    const nlohmann::json& cell = plan.at("cells").at(index.get<std::size_t>());
    const report::RunData run = report::load_run(out_dir / cell.at("folder").get<std::string>());
    std::string prefix = fmt::format("{:>5}", index.get<std::size_t>());
    for (std::size_t k = 0; k < keys.size(); ++k) prefix += fmt::format(" {:>{}}", shown(cell.at("values").at(keys[k])), widths[k]);
    for (const std::string& name : run.info.value("metrics", std::vector<std::string>())) {
      const report::MetricValues* metric = metric_named(run, name);
      if (!metric) continue;
      const std::vector<std::size_t> recorded = recorded_generations(*metric);
      if (recorded.empty()) continue;
      const report::BandStat s = report::summarize(metric->values[recorded.back()]);
      fmt::print("{} {:<16} {:>10} {:>11} {:>10} {:>11}\n", prefix, name, recorded.back(), number(s.mean),
                 number(s.standard_error), number(s.median));
    }
  }
}

}  // namespace ouro::cli
