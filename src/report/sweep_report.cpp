// The sweep report: cells as the runs of a comparison report, plus heatmaps over two swept keys.
// See sweep_report.hpp.
#include "ouro/report/sweep_report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "ouro/core/error.hpp"
#include "ouro/io/json_file.hpp"
#include "ouro/report/run_data.hpp"
#include "ouro/report/summary.hpp"

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

}  // namespace

bool is_sweep_folder(const fs::path& dir) { return fs::exists(dir / "sweep.json"); }

void write_sweep_report(const fs::path& sweep_dir, const fs::path& path, const ReportOptions& options) {
  const json plan = read_plan(sweep_dir);
  const json& grid = plan.at("grid");
  std::vector<RunData> runs;
  std::vector<json> cells;
  for (const json& index : plan.at("cells_here")) {
    const json& cell = plan.at("cells").at(index.get<std::size_t>());
    RunData run = load_run(sweep_dir / cell.at("folder").get<std::string>());
    run.name = cell.at("label").get<std::string>();
    runs.push_back(std::move(run));
    cells.push_back(cell);
  }
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
            const double mean = std::isfinite(stat.mean) ? std::stod(fmt::format("{:.6g}", stat.mean)) : NAN;
            rows.push_back({axis_label(grid[lead], cells[r]["values"][x_key]),
                            axis_label(grid[lead + 1], cells[r]["values"][y_key]),
                            std::isfinite(mean) ? json(mean) : json(), last, runs[r].name});
          }
        }
        const std::string title = group.empty() ? name : fmt::format("{} ({})", name, group);
        sweep["heatmaps"].push_back({{"metric", title}, {"x", x_key}, {"y", y_key}, {"rows", rows}});
      }
    }
  }
  ReportOptions with_sweep = options;
  if (with_sweep.title.empty()) {
    // Cells skipped as invalid (ouro sweep --skip-invalid) have no run to draw; the title counts them.
    const std::size_t invalid = plan.value("cells_invalid", json::array()).size();
    with_sweep.title = fmt::format("ouroboros sweep: {} ({} cells{})", sweep_dir.filename().string(), runs.size(),
                                   invalid > 0 ? fmt::format(", {} skipped as invalid", invalid) : "");
  }
  with_sweep.sweep = std::move(sweep);
  write_report(runs, path, with_sweep);
}

}  // namespace ouro::report
