// The summary tables that `ouro run` and `ouro sweep` print on stdout once their files are written.
// Both read the finished folder back (report::load_run, as the report does) rather than keeping
// every replicate's values in memory during the run: the median and the 10%/90% quantiles need all
// of them, a resumed run's earlier replicates are only on disk, and a run with --quiet (the
// benchmarks) pays nothing. Only generations that metrics.csv holds are printed.
//
// The run table puts the median and the q10–q90 band beside mean ± s.e., and flags a row whose mean
// misses the closed form by more than kTheoryGapStandardErrors standard errors, with a line saying
// whether heavy tails explain it (docs/metrics.md#heavy-tailed-metrics).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ouro/report/run_data.hpp"

namespace ouro::cli {

// Generations 0, G/4, G/2, 3G/4 and G of a run with `generations` + 1 generations, each moved down
// to the nearest generation in `recorded` (ascending), without repeats.
std::vector<std::size_t> summary_generations(const std::vector<std::size_t>& recorded);

// The generations print_run_summary shows: summary_generations of those the run recorded.
std::vector<std::size_t> run_summary_generations(const report::RunData& run);

// The table of `ouro run` for a finished run folder.
void print_run_summary(const report::RunData& run);

// The table of `ouro sweep`: one row per cell of `plan` (sweep.json) held in `out_dir`, with its
// swept values and, for each metric, mean ± s.e. and median at the cell's last recorded generation.
void print_sweep_summary(const std::filesystem::path& out_dir, const nlohmann::json& plan);

}  // namespace ouro::cli
