// The sweep report: cells as the runs of a comparison report, plus heatmaps over two swept keys.
// See sweep_report.hpp.
#include "ouro/report/sweep_report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "ouro/core/error.hpp"
#include "ouro/io/json_file.hpp"
#include "ouro/report/run_data.hpp"
#include "ouro/report/summary.hpp"
#include "csv_reader.hpp"

namespace ouro::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json read_plan(const fs::path& dir) {
  const fs::path path = dir / "sweep.json";
  OURO_CHECK(fs::exists(path), IoError, "'{}' is not a sweep folder: it has no sweep.json", dir.string());
  json plan = read_json_file(path, kSweepFileFormat, "rerun the sweep (ouro sweep ... --force)");
  for (const char* field : {"grid", "cells", "cells_here"}) {
    OURO_CHECK(plan.contains(field), DataError, "{}: not a sweep.json written by ouro (no \"{}\")", path.string(), field);
  }
  return plan;
}

// The label of `value` on a grid axis (as sweep.csv writes it).
std::string axis_label(const json& axis, const json& value) {
  for (std::size_t v = 0; v < axis.at("values").size(); ++v) {
    if (axis["values"][v] == value) return axis.at("labels").at(v).get<std::string>();
  }
  return value.dump();
}

// Two cells whose means differ by less than this many standard errors of the difference are not told
// apart by the heatmap's colours (about 95% under normal means).
constexpr double kNoiseStandardErrors = 2.0;

// phase.csv (written by `ouro phase` beside sweep.json), when the folder has one: its rows as the
// page shows them (its text, checked as numbers), and per (real, synthetic, bias, metric) the limit and its standard error.
struct PhaseLimits {
  json rows = json::array();
  std::map<std::tuple<double, double, double, std::string>, std::pair<double, double>> limits;
};

PhaseLimits read_phase(const fs::path& dir) {
  PhaseLimits out;
  const fs::path path = dir / "phase.csv";
  if (!fs::exists(path)) return out;
  detail::CsvReader csv(path, "real,synthetic,bias,metric,limit_mean,limit_se,theory_limit,effective_real_samples");
  std::vector<std::string_view> f;
  while (csv.next(f)) {
    const double real = csv.number(f[0], "real");
    const double synthetic = csv.number(f[1], "synthetic");
    const double bias = csv.number(f[2], "bias");
    const double mean = csv.number(f[4], "limit_mean");
    const double se = csv.number(f[5], "limit_se");
    if (!f[6].empty()) csv.number(f[6], "theory_limit");
    if (!f[7].empty()) csv.number(f[7], "effective_real_samples");
    // The page shows each field as phase.csv writes it.
    json row = json::array();
    for (const std::string_view field : f) row.push_back(std::string(field));
    out.rows.push_back(row);
    out.limits[{real, synthetic, bias, std::string(f[3])}] = {mean, se};
  }
  return out;
}

// The phase.csv limit of `metric` for a cell, by the cell's resolved loop settings.
const std::pair<double, double>* phase_limit(const PhaseLimits& phase, const RunData& run, const std::string& metric) {
  const json& loop = run.info["config"].value("loop", json::object());
  if (!loop.contains("real_samples") || !loop.contains("synthetic") || !loop.contains("bias")) return nullptr;
  const auto it = phase.limits.find({loop["real_samples"].get<double>(), loop["synthetic"].get<double>(),
                                     loop["bias"].get<double>(), metric});
  return it == phase.limits.end() ? nullptr : &it->second;
}

std::string mean_text(double mean, double se) {
  if (!std::isfinite(mean)) return "";
  return std::isfinite(se) ? fmt::format("{:.3g} ± {:.2g}", mean, se) : fmt::format("{:.3g}", mean);
}

}  // namespace

bool is_sweep_folder(const fs::path& dir) { return fs::exists(dir / "sweep.json"); }

SweepPage read_sweep_page(const fs::path& sweep_dir, const ReportOptions& options) {
  const json plan = read_plan(sweep_dir);
  const json& grid = plan.at("grid");
  std::vector<RunData> runs;
  std::vector<json> cells;
  // Cells are named by the keys that take more than one value, each by its short name, so legends
  // stay short enough to read whole (loop.bias=1.0,loop.real_samples=100 becomes bias=1.0,
  // real_samples=100).
  std::vector<std::string> varying;
  for (const json& axis : grid) {
    if (axis.at("values").size() > 1) varying.push_back(axis.at("key"));
  }
  for (const json& index : plan.at("cells_here")) {
    const json& cell = plan.at("cells").at(index.get<std::size_t>());
    RunData run = load_run(sweep_dir / cell.at("folder").get<std::string>());
    std::string name;
    for (const json& axis : grid) {
      const std::string key = axis.at("key");
      if (std::find(varying.begin(), varying.end(), key) == varying.end()) continue;
      name += fmt::format("{}{}={}", name.empty() ? "" : ", ", short_key(key, varying), axis_label(axis, cell["values"][key]));
    }
    run.name = name.empty() ? cell.at("label").get<std::string>() : name;
    runs.push_back(std::move(run));
    cells.push_back(cell);
  }
  const PhaseLimits phase = read_phase(sweep_dir);
  OURO_CHECK(!runs.empty(), DataError, "{}: the sweep holds no cells", (sweep_dir / "sweep.json").string());

  json sweep = {{"keys", json::array()}, {"heatmaps", json::array()}};
  for (const json& axis : grid) sweep["keys"].push_back({{"key", axis.at("key")}, {"labels", axis.at("labels")}});
  if (grid.size() >= 2) {
    // Over the last two keys (the second-to-last across, the last down); with more keys, one
    // heatmap per combination of the leading keys' values (a phase diagram's real x synthetic per
    // bias), titled with that combination.
    const std::size_t lead = grid.size() - 2;
    const std::string x_key = grid[lead].at("key");
    const std::string y_key = grid[lead + 1].at("key");
    std::vector<std::string> metric_names;
    for (const RunData& run : runs) {
      for (const MetricValues& m : run.metrics) {
        if (std::find(metric_names.begin(), metric_names.end(), m.name) == metric_names.end()) metric_names.push_back(m.name);
      }
    }
    const auto leading_label = [&](std::size_t r) {
      std::string label;
      for (std::size_t a = 0; a < lead; ++a) {
        const std::string key = grid[a].at("key");
        label += fmt::format("{}{}={}", label.empty() ? "" : ",", key, axis_label(grid[a], cells[r]["values"][key]));
      }
      return label;
    };
    std::vector<std::string> groups;
    for (std::size_t r = 0; r < runs.size(); ++r) {
      if (std::find(groups.begin(), groups.end(), leading_label(r)) == groups.end()) groups.push_back(leading_label(r));
    }
    for (const std::string& name : metric_names) {
      for (const std::string& group : groups) {
        json rows = json::array();
        for (std::size_t r = 0; r < runs.size(); ++r) {
          if (leading_label(r) != group) continue;
          for (const MetricValues& m : runs[r].metrics) {
            if (m.name != name || m.values.empty()) continue;
            const std::size_t last = m.values.size() - 1;
            const BandStat stat = summarize(m.values[last]);
            double mean = stat.mean, se = stat.standard_error;
            // A phase diagram's cell shows phase.csv's limit (the mean over the last K generations).
            if (const auto* limit = phase_limit(phase, runs[r], name)) std::tie(mean, se) = *limit;
            const auto number = [](double v) { return std::isfinite(v) ? json(std::stod(fmt::format("{:.6g}", v))) : json(); };
            rows.push_back({axis_label(grid[lead], cells[r]["values"][x_key]),
                            axis_label(grid[lead + 1], cells[r]["values"][y_key]), number(mean), last, runs[r].name,
                            number(se), mean_text(mean, se)});
          }
        }
        // Colours that stretch over differences within the noise would paint noise as contrast:
        // when the highest and lowest cells differ by less than kNoiseStandardErrors standard errors
        // of their difference, the page draws every cell alike and says so.
        const json* high = nullptr;
        const json* low = nullptr;
        for (const json& row : rows) {
          if (row[2].is_null()) continue;
          if (high == nullptr || row[2].get<double>() > (*high)[2].get<double>()) high = &row;
          if (low == nullptr || row[2].get<double>() < (*low)[2].get<double>()) low = &row;
        }
        json heatmap = {{"metric", group.empty() ? name : fmt::format("{} ({})", name, group)}, {"x", x_key},
                        {"y", y_key}, {"rows", rows}, {"within_noise", false},
                        {"value", phase.rows.empty() ? "mean at the last generation" : "phase.csv limit_mean"}};
        if (high != nullptr && high != low && (*high)[5].is_number() && (*low)[5].is_number()) {
          const double spread = (*high)[2].get<double>() - (*low)[2].get<double>();
          const double noise = std::hypot((*high)[5].get<double>(), (*low)[5].get<double>());
          heatmap["spread"] = std::stod(fmt::format("{:.3g}", spread));
          heatmap["noise"] = std::stod(fmt::format("{:.3g}", noise));
          heatmap["within_noise"] = spread <= kNoiseStandardErrors * noise;
        }
        sweep["heatmaps"].push_back(heatmap);
      }
    }
  }
  if (!phase.rows.empty()) sweep["phase"] = phase.rows;
  ReportOptions with_sweep = options;
  if (with_sweep.title.empty()) {
    // Cells skipped as invalid (ouro sweep --skip-invalid) have no run to draw; the title counts them.
    const std::size_t invalid = plan.value("cells_invalid", json::array()).size();
    with_sweep.title = fmt::format("ouroboros sweep: {} ({} cells{})", sweep_dir.filename().string(), runs.size(),
                                   invalid > 0 ? fmt::format(", {} skipped as invalid", invalid) : "");
  }
  with_sweep.sweep = std::move(sweep);
  return {std::move(runs), std::move(with_sweep)};
}

void write_sweep_report(const fs::path& sweep_dir, const fs::path& path, const ReportOptions& options) {
  const SweepPage page = read_sweep_page(sweep_dir, options);
  write_report(page.runs, path, page.options);
}

}  // namespace ouro::report
