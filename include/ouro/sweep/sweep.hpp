// Sweeps: a grid of runs (SweepGrid cells), each a full run in its own folder, run in parallel,
// resumable, and shardable across machines; `ouro sweep` and `ouro merge` below the command line.
//
// A sweep folder OUT holds
//   cells/<folder>/          one run folder per cell (RunJob: metrics.csv, theory.csv, ..., run.json)
//   sweep.csv                cell,<swept keys...>,replicate,generation,metric,value (cells in index order)
//   sweep.json               the plan (version, config file, base config, grid, every cell) and, for
//                            a shard, which shard; written last, so its presence marks a finished sweep
//   report.html              written by the command line (ouro/report/sweep_report.hpp)
//   .partial/sweep.json      the plan while the sweep runs; removed when it finishes
// A cell whose run.json exists is finished and skipped on resume; a cell stopped part-way continues
// from its own checkpoints. Results are byte-identical for any thread count, any shard split and
// any number of interruptions.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ouro/core/config.hpp"
#include "ouro/io/check_word.hpp"
#include "ouro/loop/run_job.hpp"
#include "ouro/sweep/grid.hpp"

namespace ouro {

struct SweepOptions {
  std::filesystem::path out_dir;
  std::string config_file;  // echoed in sweep.json and every cell's run.json
  int threads = 1;          // resolved; spread over cells x replicates
  std::optional<Shard> shard;
  ExistingRun existing = ExistingRun::kRefuse;
  CheckpointInterval checkpoint{0, 30.0};
  std::function<void(std::size_t replicate, bool finished)> on_checkpoint;
  // Called once before the work starts with (replicates in this shard, replicates already done),
  // then after every replicate (any thread).
  std::function<void(std::size_t total, std::size_t done)> on_start;
  std::function<void()> on_replicate_done;
  // Skip a cell whose config is invalid (a ConfigError or DataError while its values are applied
  // or its experiment is built: a combination the family or loop cannot run) instead of stopping
  // the sweep; the skipped cells are listed in SweepOutcome::invalid and sweep.json's
  // "cells_invalid", and left out of cells_here, sweep.csv and the report.
  bool skip_invalid = false;
};

// A cell left out by SweepOptions::skip_invalid, with the error that ruled it out.
struct InvalidCell {
  std::size_t index = 0;
  std::string label;
  std::string error;
};

struct SweepOutcome {
  bool already_finished = false;  // OUT held this finished sweep (with --resume): nothing was run
  std::size_t cells = 0;          // cells of this shard
  std::size_t cells_skipped = 0;  // finished before this call
  nlohmann::json plan;            // sweep.json as written
  std::vector<InvalidCell> invalid;  // cells skipped as invalid (skip_invalid), ascending
};

// Runs the grid's cells (those of the shard) into options.out_dir. `grid` must be resolved
// against `base`. Every cell's values and loop settings are checked before any cell starts; a
// cell's experiment (its truth, family, filters and metrics) is built when the workers reach it,
// so the sweep starts at once. Errors name the cell; a cell that fails to build stops the sweep
// with the finished cells kept for --resume.
SweepOutcome run_sweep(const Config& base, const SweepGrid& grid, const SweepOptions& options);

// Combines shard folders of one sweep into `out_dir` (which must not hold anything): checks that
// they share the base config and grid, that no cell is in two shards and every cell in one, links
// (or copies) the cells and writes sweep.csv and sweep.json as the unsharded sweep would.
nlohmann::json merge_sweeps(const std::filesystem::path& out_dir, const std::vector<std::filesystem::path>& shards);

// Reads a finished sweep's sweep.json; throws IoError/DataError naming the folder when it is not one.
nlohmann::json load_sweep_plan(const std::filesystem::path& dir);

// Writes OUT/sweep.csv from the folders of `cells` (ascending) under OUT/cells, atomically; returns
// the stamp sweep.json records. The cells' files are checked where they enter the sweep (a resumed
// sweep's finished cells, a merge's shards), not here.
FileStamp write_sweep_csv(const std::filesystem::path& out_dir, const nlohmann::json& plan, const std::vector<std::size_t>& cells);

}  // namespace ouro
