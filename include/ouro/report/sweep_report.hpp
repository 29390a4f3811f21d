// The report of a sweep: the multi-run report (html_report.hpp) with one line per cell (mean over
// replicates) in each metric's chart, plus, for a grid of two or more swept keys, heatmaps of the
// mean at each cell's last generation over the last two keys (one per metric and combination of the
// leading keys' values). Reads a sweep folder's sweep.json and
// the cells it holds (a shard's report shows the shard's cells).
#pragma once

#include <filesystem>
#include <vector>

#include "ouro/report/html_report.hpp"

namespace ouro::report {

// True when `dir` holds a finished sweep (sweep.json).
bool is_sweep_folder(const std::filesystem::path& dir);

// A sweep's cells as the runs of a report (named by the keys that vary) and the options that add
// its heatmaps and, for a phase diagram, phase.csv's table. Throws as write_sweep_report.
struct SweepPage {
  std::vector<RunData> runs;
  ReportOptions options;
};
SweepPage read_sweep_page(const std::filesystem::path& sweep_dir, const ReportOptions& options);

// Writes the sweep report of `sweep_dir` to `path` atomically. Throws IoError/DataError naming the
// folder or file when the sweep or a cell cannot be read.
void write_sweep_report(const std::filesystem::path& sweep_dir, const std::filesystem::path& path,
                        const ReportOptions& options);

}  // namespace ouro::report
