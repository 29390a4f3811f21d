// Threshold search: the smallest real-data share (or largest synthetic share) for which a metric
// after G generations stays within a tolerance of generation 0, found by bisection over an integer
// size key, every probe a full run of the loop in memory (`ouro threshold`, docs/phase.md).
//
// Criterion. For a probe value v of the varied key, each replicate r gives x_r(G) and x_r(0), the
// metric at generations G and 0, and d_r = x_r(G) - x_r(0). With means D = mean_r d_r and
// X0 = mean_r x_r(0), the criterion holds when
//   |D| <= T            (absolute tolerance), or
//   |D| <= T |X0|       (--relative).
// Its statistic is the excess e = |D| - T (or |D| - T |X0|): the criterion holds iff e <= 0. The
// excess is the mean of the per-replicate terms u_r = sign(D) d_r - T (or - T sign(X0) x_r(0)),
// so its standard error is theirs, sd(u) / sqrt(R), paired over replicates; z = -e / se, and
// P(holds) = Phi(z) is the normal approximation to the chance the criterion holds in expectation.
//
// Search. The criterion must hold at one end of [low, high] and fail at the other (checked first;
// otherwise a ConfigError names --low/--high with both ends' figures). It is assumed monotone in
// between; every probe uses the same master seed (common random numbers), which keeps the measured
// excess close to monotone too. Three integer bisections over the cached probes find, on the side
// where the criterion holds, the boundary value of z >= 0 (the threshold), of z >= 2 (the first value
// from which it holds by 2 standard errors) and of z > -2 (the last value before which it fails by 2
// standard errors): the last two are the uncertainty bracket. Results are a pure function of the
// config, the seed and the search options, for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ouro/core/config.hpp"

namespace ouro {

struct ThresholdOptions {
  std::string metric;
  std::string vary = "loop.real_samples";  // an integer size key (threshold_varied_keys())
  std::optional<std::int64_t> generation;  // G; default run.generations
  double tolerance = 0.0;
  bool relative = false;
  std::optional<std::int64_t> low, high;   // default 1 and 10 x the config's value (at least 10)
  int threads = 1;                         // resolved
  double z = 2.0;                          // standard errors that decide the uncertainty bracket
  std::function<void(std::size_t probes)> on_probe;  // after every probe (progress)
};

struct ThresholdProbe {
  std::int64_t value = 0;
  double real_share = 0.0;  // real_samples / (real_samples + synthetic) of the probe's later training sets
  double mean_at_g = 0.0;   // mean_r x_r(G)
  double mean_at_0 = 0.0;   // mean_r x_r(0)
  double difference = 0.0; // D
  double difference_se = 0.0;
  double excess = 0.0;      // e = |D| - tolerance (absolute): holds iff <= 0
  double excess_se = 0.0;
  double z = 0.0;           // -e / se (+-inf when se = 0)
  double p_holds = 0.0;     // Phi(z)
  bool holds = false;       // e <= 0
  std::size_t order = 0;    // evaluation order, from 0
};

struct ThresholdResult {
  std::string metric, vary;
  std::int64_t generation = 0;
  double tolerance = 0.0;
  bool relative = false;
  std::int64_t low = 0, high = 0;
  std::size_t replicates = 0;
  bool holds_above = true;  // the criterion holds for values >= threshold (false: <= threshold)
  std::int64_t threshold = 0;                 // the boundary value on the side where it holds
  std::int64_t neighbour = 0;                 // the adjacent value on the failing side
  std::int64_t confident_low = 0, confident_high = 0;  // the uncertainty bracket (see above)
  bool open_low = false, open_high = false;   // the bracket reached --low/--high undecided at z SE
  double z = 2.0;
  std::vector<ThresholdProbe> probes;         // ascending by value
  nlohmann::json to_json() const;
};

// The integer keys --vary accepts.
const std::vector<std::string>& threshold_varied_keys();

// Runs the search on `base` (the resolved config with every --set applied). Throws ConfigError
// naming the flag (--metric, --vary, --low, --high, --generation, --tolerance) or key at fault, and
// DataError when the metric has no finite value at generation 0 or G.
ThresholdResult find_threshold(const Config& base, const ThresholdOptions& options);

}  // namespace ouro
