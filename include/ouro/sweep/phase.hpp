// Phase diagrams as MAD draws them: the limit of a distance metric of the loop with real data every
// generation, over a grid of real and synthetic sample sizes per generation and sampling bias, with
// the closed-form limit where one exists and the effective real sample size (`ouro phase`,
// docs/phase.md).
//
// A phase diagram is a sweep (sweep.hpp) whose axes are loop.bias (when given), loop.real_samples
// and loop.synthetic, in that order, so it has the sweep's cells, resume, sweep.csv and report (one
// heatmap over real x synthetic per bias). phase.csv is computed from the finished cells:
//   real,synthetic,bias,metric,limit_mean,limit_se,theory_limit,effective_real_samples
// - limit_mean: the mean over replicates of each replicate's mean over the last K generations
//   (G - K + 1 .. G); limit_se its standard error over replicates (replicates are independent, so
//   the autocorrelation between generations does not bias it).
// - theory_limit: the g -> infinity limit of the exact first-moment recursion (gaussian_fresh_limit /
//   gaussian_fixed_limit) for variance (1-D), trace_ratio and mean_shift when the setting has a
//   closed form (gaussian model, gaussian or gmm truth, keep = replace); empty otherwise.
// - effective_real_samples: the n with E[metric of a Gaussian fitted on n real draws] = limit_mean
//   (theory/effective_samples.hpp); `inf` when no number of real samples does better, empty when
//   the metric has no such closed form.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ouro/core/config.hpp"
#include "ouro/sweep/grid.hpp"

namespace ouro {

struct PhaseAxes {
  std::string real;       // "10,100,1000": loop.real_samples values (as --grid takes them)
  std::string synthetic;  // loop.synthetic values
  std::string bias;       // loop.bias values; empty: not swept
};

// What `ouro phase` asks for, as given on its command line.
struct PhaseRequest {
  PhaseAxes axes;
  std::vector<std::string> metrics;         // the metrics of phase.csv (at least one, each once)
  std::optional<std::int64_t> generations;  // overrides run.generations (>= 1)
  std::optional<std::int64_t> last;         // K; default G/4, at least 1
};

// A phase diagram ready to run as a sweep.
struct PhasePlan {
  Config base;     // the config with run.generations and metrics.names set for the diagram
  SweepGrid grid;  // [loop.bias,] loop.real_samples, loop.synthetic, resolved against `base`
  std::size_t last = 1;
};

// Checks the request against the config and plans the diagram. Throws ConfigError naming the flag
// (--real, --synthetic, --metric, --generations, --last) or the config key (loop.real when the
// loop has no real data every generation; metrics.names when it lists its own metrics without
// one of --metric's).
PhasePlan plan_phase(Config base, const PhaseRequest& request);

struct PhaseRow {
  std::int64_t real = 0;
  std::int64_t synthetic = 0;
  std::string bias;  // as the resolved config writes it ("1.0", "0.8")
  std::string metric;
  double limit_mean = 0.0;
  double limit_se = 0.0;
  std::optional<double> theory_limit;
  std::optional<double> effective_real_samples;
  // Not in phase.csv: the exact recursion's mean over the same last K generations. When it differs
  // from theory_limit the loop has not converged by then, and `ouro phase` warns.
  std::optional<double> theory_window_mean;
};

// The rows of phase.csv from the finished cells of the sweep in `sweep_dir` (cells in index order,
// metrics in the given order; only the shard's cells when one is given). `last` = K >= 1
// generations. Throws IoError/DataError naming the file when a cell's metrics.csv is missing or
// malformed, ConfigError when K exceeds G + 1.
std::vector<PhaseRow> phase_table(const std::filesystem::path& sweep_dir, const Config& base, const SweepGrid& grid,
                                  const std::vector<std::string>& metrics, std::size_t last,
                                  const std::optional<Shard>& shard = std::nullopt);

// The closed-form limit and effective sample size for one metric of one cell config (what
// phase_table fills in), exposed for tests.
std::optional<double> phase_theory_limit(const Config& config, const std::string& metric);
std::optional<double> phase_theory_window_mean(const Config& config, const std::string& metric, std::size_t last);
std::optional<double> phase_effective_real_samples(const Config& config, const std::string& metric, double distance);

// Writes phase.csv atomically.
void write_phase_csv(const std::filesystem::path& path, const std::vector<PhaseRow>& rows);

}  // namespace ouro
