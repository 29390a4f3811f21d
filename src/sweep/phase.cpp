// Phase diagrams: the phase grid, the limits read from the finished cells, the closed-form limits
// and effective sample sizes, and phase.csv. See phase.hpp and docs/phase.md.
#include "ouro/sweep/phase.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "ouro/core/error.hpp"
#include "ouro/io/atomic_file.hpp"
#include "ouro/loop/recorder.hpp"
#include "ouro/metrics/metric.hpp"
#include "ouro/models/truth.hpp"
#include "ouro/theory/effective_samples.hpp"
#include "ouro/theory/gaussian_theory.hpp"

namespace ouro {
namespace {

namespace fs = std::filesystem;

// The Gaussian setting whose closed forms apply to a cell: a gaussian model of a gaussian or gmm
// law refitted with keep = replace; nullopt otherwise.
struct GaussianCell {
  theory::GaussianFitSetting fit;
  theory::LoopSizes sizes;
  RealPolicy real = RealPolicy::kNone;
};

std::optional<GaussianCell> gaussian_cell(const Config& config) {
  // The closed forms describe the unfiltered loop.
  if (config.text("model.family") != "gaussian" || config.table_count("filter") > 0) return std::nullopt;
  const std::string& kind = config.text("truth.kind");
  if (kind != "gaussian" && kind != "gmm") return std::nullopt;
  const LoopSettings loop = LoopSettings::from(config);
  if (loop.keep != KeepPolicy::kReplace && !(loop.keep == KeepPolicy::kWindow && loop.window == 1)) return std::nullopt;
  const std::optional<Moments> moments = make_truth(config, static_cast<std::uint64_t>(config.integer("run.seed")))->moments();
  if (!moments) return std::nullopt;
  GaussianCell cell;
  cell.fit.trace_sigma = moments->cov.trace();
  cell.fit.dim = static_cast<std::int64_t>(moments->mean.size());
  cell.fit.estimator = config.text("model.estimator") == "unbiased" ? theory::Estimator::kUnbiased : theory::Estimator::kMle;
  cell.fit.gaussian_truth = kind == "gaussian";
  cell.sizes = theory::loop_sizes(loop, config.integer("run.generations"));
  cell.real = loop.real;
  return cell;
}

std::int64_t parse_integer(const std::string& text, const fs::path& file, std::size_t line) {
  std::size_t end = 0;
  long long value = -1;
  try {
    value = std::stoll(text, &end);
  } catch (const std::exception&) {
  }
  OURO_CHECK(end == text.size() && value >= 0, DataError, "{}:{}: '{}' is not a replicate or generation number",
             file.string(), line, text);
  return value;
}

double parse_value(const std::string& text, const fs::path& file, std::size_t line) {
  if (text == "inf") return INFINITY;
  if (text == "-inf") return -INFINITY;
  if (text == "nan") return NAN;
  std::size_t end = 0;
  double value = NAN;
  try {
    value = std::stod(text, &end);
  } catch (const std::exception&) {
  }
  OURO_CHECK(end == text.size() && !text.empty(), DataError, "{}:{}: '{}' is not a number", file.string(), line, text);
  return value;
}

// Per metric, per replicate: the sum of the values over generations >= first (and how many).
struct Tally {
  std::vector<double> sum;
  std::vector<std::size_t> count;
};

std::map<std::string, Tally> read_tail(const fs::path& file, const std::vector<std::string>& metrics,
                                       std::int64_t first) {
  std::ifstream in(file, std::ios::binary);
  OURO_CHECK(in.is_open(), IoError, "phase: cannot read '{}'", file.string());
  std::string line;
  std::getline(in, line);
  OURO_CHECK(line == "replicate,generation,metric,value", DataError, "{}: not a metrics.csv written by ouro (wrong header)",
             file.string());
  std::map<std::string, Tally> tallies;
  for (const std::string& m : metrics) tallies[m];
  std::size_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    std::size_t a = line.find(','), b = a == std::string::npos ? a : line.find(',', a + 1),
                c = b == std::string::npos ? b : line.find(',', b + 1);
    OURO_CHECK(c != std::string::npos, DataError, "{}:{}: expected replicate,generation,metric,value", file.string(), number);
    const auto it = tallies.find(line.substr(b + 1, c - b - 1));
    if (it == tallies.end()) continue;
    const std::int64_t generation = parse_integer(line.substr(a + 1, b - a - 1), file, number);
    if (generation < first) continue;
    const auto replicate = static_cast<std::size_t>(parse_integer(line.substr(0, a), file, number));
    Tally& t = it->second;
    if (t.sum.size() <= replicate) {
      t.sum.resize(replicate + 1, 0.0);
      t.count.resize(replicate + 1, 0);
    }
    t.sum[replicate] += parse_value(line.substr(c + 1), file, number);
    ++t.count[replicate];
  }
  return tallies;
}

void append_optional(std::string& out, const std::optional<double>& value) {
  if (value) append_number(out, *value);
}

}  // namespace

namespace {

SweepGrid phase_grid(const PhaseAxes& axes) {
  OURO_CHECK(!axes.real.empty(), ConfigError, "--real: list the real samples per generation, e.g. --real 10,100,1000");
  OURO_CHECK(!axes.synthetic.empty(), ConfigError, "--synthetic: list the synthetic samples per generation, e.g. "
                                                   "--synthetic 100,900");
  SweepGrid grid;
  // Bias first (slowest), so that each bias's cells are contiguous and its heatmap is real x synthetic.
  const auto add = [&](const char* flag, const char* key, const std::string& values) {
    grid.add_argument(fmt::format("{}={}", key, values), fmt::format("{} {}", flag, values));
  };
  if (!axes.bias.empty()) add("--bias", "loop.bias", axes.bias);
  add("--real", "loop.real_samples", axes.real);
  add("--synthetic", "loop.synthetic", axes.synthetic);
  return grid;
}

void check_phase_config(const Config& base) {
  const std::string& real = base.text("loop.real");
  if (real != "fresh" && real != "fixed") {
    base.fail("loop.real", "a phase diagram is drawn for a loop with real data every generation: set loop.real to "
                           "\"fresh\" (MAD's fresh-data loop) or \"fixed\" (synthetic augmentation), e.g. --set "
                           "loop.real=fresh");
  }
  if (base.integer("run.record_every") != 1) {
    base.fail("run.record_every", "a phase diagram averages every one of the last K generations from the cells' "
                                  "metrics.csv; record every generation (1)");
  }
  if (base.boolean("run.gzip_metrics")) {
    base.fail("run.gzip_metrics", "a phase diagram reads the cells' plain metrics.csv; set it to false");
  }
}

// The metrics: known names, each once; the cells record exactly them unless the config names its
// own list, which must then hold them.
void set_phase_metrics(Config& base, const std::vector<std::string>& metrics) {
  OURO_CHECK(!metrics.empty(), ConfigError, "--metric: name at least one metric (e.g. --metric mean_shift)");
  const std::vector<std::string> known = metric_names();
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    const std::string& m = metrics[i];
    OURO_CHECK(std::find(known.begin(), known.end(), m) != known.end(), ConfigError,
               "--metric {}: unknown metric; known: {}", m, fmt::join(known, ", "));
    OURO_CHECK(std::find(metrics.begin(), metrics.begin() + static_cast<std::ptrdiff_t>(i), m) ==
                   metrics.begin() + static_cast<std::ptrdiff_t>(i),
               ConfigError, "--metric {}: given twice", m);
  }
  const std::vector<std::string>& listed = base.texts("metrics.names");
  if (listed.empty()) {
    std::string list;
    for (const std::string& m : metrics) list += fmt::format("{}\"{}\"", list.empty() ? "" : ",", m);
    base.set(fmt::format("metrics.names=[{}]", list));
    return;
  }
  for (const std::string& m : metrics) {
    if (std::find(listed.begin(), listed.end(), m) == listed.end()) {
      base.fail("metrics.names", fmt::format("--metric {} is not among the metrics the config records; add it or "
                                             "leave metrics.names empty", m));
    }
  }
}

}  // namespace

PhasePlan plan_phase(Config base, const PhaseRequest& request) {
  if (request.generations) {
    OURO_CHECK(*request.generations >= 1, ConfigError,
               "--generations {}: a limit needs at least one generation after 0", *request.generations);
    base.set(fmt::format("run.generations={}", *request.generations));
  }
  check_phase_config(base);
  set_phase_metrics(base, request.metrics);
  const std::int64_t generations = base.integer("run.generations");
  const std::int64_t last = request.last.value_or(std::max<std::int64_t>(1, generations / 4));
  OURO_CHECK(last >= 1 && last <= generations + 1, ConfigError,
             "--last {}: the limit averages the last K generations, 1 <= K <= run.generations + 1 = {}", last,
             generations + 1);
  SweepGrid grid = phase_grid(request.axes);
  grid.resolve(base);
  return PhasePlan{std::move(base), std::move(grid), static_cast<std::size_t>(last)};
}

std::optional<double> phase_theory_limit(const Config& config, const std::string& metric) {
  const std::optional<GaussianCell> cell = gaussian_cell(config);
  if (!cell || (cell->real != RealPolicy::kFresh && cell->real != RealPolicy::kFixed)) return std::nullopt;
  if (metric != "mean_shift" && metric != "trace_ratio" && !(metric == "variance" && cell->fit.dim == 1)) {
    return std::nullopt;
  }
  theory::FirstMomentLimit limit;
  try {
    limit = cell->real == RealPolicy::kFresh ? theory::gaussian_fresh_limit(cell->fit.trace_sigma, cell->sizes, cell->fit.estimator)
                                  : theory::gaussian_fixed_limit(cell->fit.trace_sigma, cell->sizes, cell->fit.estimator);
  } catch (const ConfigError&) {
    return std::nullopt;  // sizes the closed form does not cover (e.g. the unbiased estimator on 1 point)
  }
  if (metric == "mean_shift") return limit.mean_shift;
  if (metric == "variance") return limit.trace;
  return cell->fit.trace_sigma > 0 ? std::optional<double>(limit.trace / cell->fit.trace_sigma) : std::nullopt;
}

std::optional<double> phase_theory_window_mean(const Config& config, const std::string& metric, std::size_t last) {
  if (!phase_theory_limit(config, metric)) return std::nullopt;
  const std::optional<GaussianCell> cell = gaussian_cell(config);
  theory::FirstMoments curve;
  try {
    curve = cell->real == RealPolicy::kFresh ? theory::gaussian_fresh(cell->fit.trace_sigma, cell->sizes, cell->fit.estimator)
                                  : theory::gaussian_fixed(cell->fit.trace_sigma, cell->sizes, cell->fit.estimator);
  } catch (const ConfigError&) {
    return std::nullopt;
  }
  const std::vector<double>& values = metric == "mean_shift" ? curve.mean_shift : curve.trace;
  const double scale = metric == "trace_ratio" ? cell->fit.trace_sigma : 1.0;
  double sum = 0;
  for (std::size_t g = values.size() - last; g < values.size(); ++g) sum += values[g] / scale;
  return sum / static_cast<double>(last);
}

std::optional<double> phase_effective_real_samples(const Config& config, const std::string& metric, double distance) {
  const std::optional<GaussianCell> cell = gaussian_cell(config);
  if (!cell) return std::nullopt;
  return theory::gaussian_effective_real_samples(metric, distance, cell->fit);
}

std::vector<PhaseRow> phase_table(const fs::path& sweep_dir, const Config& base, const SweepGrid& grid,
                                  const std::vector<std::string>& metrics, std::size_t last,
                                  const std::optional<Shard>& shard) {
  const std::int64_t generations = base.integer("run.generations");
  OURO_CHECK(last >= 1 && static_cast<std::int64_t>(last) <= generations + 1, ConfigError,
             "--last {}: the limit averages the last K generations, 1 <= K <= run.generations + 1 = {}", last,
             generations + 1);
  const std::int64_t first = generations + 1 - static_cast<std::int64_t>(last);
  std::vector<PhaseRow> rows;
  std::vector<std::size_t> cells(grid.cell_count());
  std::iota(cells.begin(), cells.end(), std::size_t{0});
  if (shard) cells = shard_cells(grid, base, *shard);
  for (const std::size_t c : cells) {
    const Config config = grid.cell_config(base, c);
    const fs::path file = sweep_dir / "cells" / grid.cell_folder(c) / "metrics.csv";
    const std::map<std::string, Tally> tallies = read_tail(file, metrics, first);
    for (const std::string& metric : metrics) {
      const Tally& t = tallies.at(metric);
      const std::size_t replicates = t.sum.size();
      OURO_CHECK(replicates > 0, DataError, "{}: no values of metric '{}' at generations {}..{}", file.string(), metric,
                 first, generations);
      // Each replicate's mean over the last K generations, then mean and standard error over replicates.
      std::vector<double> per_replicate(replicates);
      for (std::size_t r = 0; r < replicates; ++r) {
        OURO_CHECK(t.count[r] == last, DataError, "{}: replicate {} has {} values of '{}' at generations {}..{}, not {}",
                   file.string(), r, t.count[r], metric, first, generations, last);
        per_replicate[r] = t.sum[r] / static_cast<double>(last);
      }
      const double n = static_cast<double>(replicates);
      double mean = 0;
      for (const double v : per_replicate) mean += v / n;
      double squares = 0;
      for (const double v : per_replicate) squares += (v - mean) * (v - mean);
      PhaseRow row;
      row.real = config.integer("loop.real_samples");
      row.synthetic = config.integer("loop.synthetic");
      row.bias = nlohmann::json(config.real("loop.bias")).dump();
      row.metric = metric;
      row.limit_mean = mean;
      row.limit_se = replicates > 1 ? std::sqrt(squares / (n - 1) / n) : NAN;
      row.theory_limit = phase_theory_limit(config, metric);
      row.theory_window_mean = phase_theory_window_mean(config, metric, last);
      row.effective_real_samples = phase_effective_real_samples(config, metric, mean);
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

void write_phase_csv(const fs::path& path, const std::vector<PhaseRow>& rows) {
  AtomicFile file(path);
  std::string out = "real,synthetic,bias,metric,limit_mean,limit_se,theory_limit,effective_real_samples\n";
  for (const PhaseRow& row : rows) {
    out += fmt::format("{},{},{},{},", row.real, row.synthetic, row.bias, row.metric);
    append_number(out, row.limit_mean);
    out += ',';
    append_number(out, row.limit_se);
    out += ',';
    append_optional(out, row.theory_limit);
    out += ',';
    append_optional(out, row.effective_real_samples);
    out += '\n';
  }
  file.stream() << out;
  file.commit();
}

}  // namespace ouro
