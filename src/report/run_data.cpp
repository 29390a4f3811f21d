// Reading a run folder back (see run_data.hpp). The CSV files are the recorder's own simple
// format (no quoting, one record per line), so a strict splitter (csv_reader.hpp) is enough and any
// deviation is reported with its line rather than guessed around. A text run's side outputs are read
// by text_samples.cpp.
#include "ouro/report/run_data.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <regex>
#include <set>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "ouro/core/error.hpp"
#include "ouro/io/check_word.hpp"
#include "ouro/io/gzip.hpp"
#include "ouro/io/json_file.hpp"
#include "csv_reader.hpp"

namespace ouro::report {
namespace {

namespace fs = std::filesystem;

using detail::CsvReader;

std::string layer_of(std::string_view origin, std::size_t generation, std::size_t origin_generation) {
  if (origin == "synthetic") {
    return generation >= 1 && origin_generation + 1 == generation ? "synthetic, previous generation"
                                                                    : "synthetic, older generations";
  }
  if (origin == "original") return "original";
  if (origin == "fresh") return "fresh";
  return "";
}

// A report must not draw a damaged or changed file: its numbers would look like the run's.
constexpr std::string_view kRerunRemedy = "rerun the run (ouro run ... --force) to have its results again";

// run.json, after checking every result file it stamps.
nlohmann::json read_info(const fs::path& dir) {
  const fs::path path = dir / "run.json";
  OURO_CHECK(fs::is_directory(dir), IoError, "'{}' is not a folder", dir.string());
  OURO_CHECK(fs::exists(path), IoError,
             "'{}' is not a finished run: it has no run.json (written last by `ouro run`)", dir.string());
  nlohmann::json info = read_json_file(path, kRunFileFormat, kRerunRemedy);
  OURO_CHECK(info.contains("config") && info["config"].is_object(), DataError,
             "{}: has no \"config\" object; not written by `ouro run`", path.string());
  check_stamped_files(dir, info.value("files", nlohmann::json()), kRerunRemedy);
  return info;
}

void read_metrics(RunData& run) {
  CsvReader csv(metrics_file_in(run.dir), "replicate,generation,metric,value");
  std::unordered_map<std::string, std::size_t> index;
  if (run.info.contains("metrics") && run.info["metrics"].is_array()) {
    for (const auto& name : run.info["metrics"]) {
      if (!name.is_string() || index.count(name.get<std::string>())) continue;
      index.emplace(name.get<std::string>(), run.metrics.size());
      run.metrics.push_back({name.get<std::string>(), {}});
    }
  }
  std::set<std::size_t> replicates;
  std::vector<std::string_view> f;
  std::string name;
  std::size_t rows = 0;
  while (csv.next(f)) {
    const std::size_t replicate = csv.index(f[0], "replicate");
    const std::size_t generation = csv.index(f[1], "generation");
    const double value = csv.number(f[3], "value");
    name.assign(f[2]);
    auto it = index.find(name);
    if (it == index.end()) {
      it = index.emplace(name, run.metrics.size()).first;
      run.metrics.push_back({name, {}});
    }
    auto& values = run.metrics[it->second].values;
    if (values.size() <= generation) values.resize(generation + 1);
    values[generation].push_back(value);
    replicates.insert(replicate);
    run.generations = std::max(run.generations, generation + 1);
    ++rows;
  }
  OURO_CHECK(rows > 0, DataError, "{}: no rows", metrics_file_in(run.dir).string());
  for (auto& metric : run.metrics) metric.values.resize(run.generations);
  std::erase_if(run.metrics, [](const MetricValues& m) {
    for (const auto& v : m.values) {
      if (!v.empty()) return false;
    }
    return true;
  });
  run.replicates = replicates.size();
}

void read_theory(RunData& run) {
  CsvReader csv(run.dir / "theory.csv", "generation,metric,expected");
  std::vector<std::string_view> f;
  while (csv.next(f)) {
    const std::size_t generation = csv.index(f[0], "generation");
    const double expected = csv.number(f[2], "expected");
    auto& curve = run.theory[std::string(f[1])];
    if (curve.size() <= generation) curve.resize(generation + 1, std::numeric_limits<double>::quiet_NaN());
    curve[generation] = expected;
  }
}

// composition.csv's header: the five columns, then two per filter of a filtered run
// (docs/filters.md), which the report does not draw. Anything else is left for CsvReader to refuse.
std::string composition_header(const fs::path& path) {
  static const std::string base = "replicate,generation,origin,origin_generation,count";
  static const std::regex filter_columns("(,filter[0-9]+_[a-z]+_drawn,filter[0-9]+_[a-z]+_rejected)*\r?");
  std::ifstream in(path);
  std::string header;
  if (!std::getline(in, header) || !header.starts_with(base)) return base;
  const std::string rest = header.substr(base.size());
  if (!std::regex_match(rest, filter_columns)) return base;
  if (!header.empty() && header.back() == '\r') header.pop_back();
  return header;
}

void read_composition(RunData& run) {
  const fs::path path = run.dir / "composition.csv";
  CsvReader csv(path, composition_header(path));
  std::map<std::pair<std::size_t, std::string>, double> sums;
  std::set<std::string> replicates;
  std::vector<std::string_view> f;
  while (csv.next(f)) {
    if (f[0] != "all") csv.index(f[0], "replicate");
    const std::size_t generation = csv.index(f[1], "generation");
    const std::size_t origin_generation = csv.index(f[3], "origin_generation");
    const double count = static_cast<double>(csv.index(f[4], "count"));
    const std::string layer = layer_of(f[2], generation, origin_generation);
    OURO_CHECK(!layer.empty(), DataError, "{}: unknown origin '{}' (expected original, fresh or synthetic)",
               path.string(), f[2]);
    replicates.emplace(f[0]);
    sums[{generation, layer}] += count;
  }
  const double divisor = replicates.empty() ? 1.0 : static_cast<double>(replicates.size());
  const auto& layers = composition_layers();
  for (const auto& [key, sum] : sums) run.composition.push_back({key.first, key.second, sum / divisor});
  std::stable_sort(run.composition.begin(), run.composition.end(), [&](const auto& a, const auto& b) {
    if (a.generation != b.generation) return a.generation < b.generation;
    return std::find(layers.begin(), layers.end(), a.layer) < std::find(layers.begin(), layers.end(), b.layer);
  });
}

}  // namespace

SampleGrids read_sample_grids(const fs::path& dir, const nlohmann::json& files, const GridLimits& limits) {
  static const std::regex grid_name("samples/gen-([0-9]{1,9})-rep-([0-9]{1,9})\\.png");
  std::map<std::size_t, std::set<std::size_t>> by_replicate;  // replicate -> generations
  if (files.is_object()) {
    for (const auto& [name, stamp] : files.items()) {
      std::smatch m;
      if (!std::regex_match(name, m, grid_name)) continue;
      by_replicate[std::stoul(m[2].str())].insert(std::stoul(m[1].str()));
    }
  }
  SampleGrids out;
  out.replicates_in_run = by_replicate.size();
  if (by_replicate.empty()) return out;
  out.generations_in_run = by_replicate.begin()->second.size();
  std::size_t shown = 0;
  for (const auto& [replicate, generation_set] : by_replicate) {
    if (shown++ == limits.replicates) break;
    const std::vector<std::size_t> generations(generation_set.begin(), generation_set.end());
    for (const std::size_t k : spread_generations(generations.size(), limits.generations)) {
      SampleGridImage grid{replicate, generations[k], {}};
      const fs::path path = dir / fmt::format("samples/gen-{:03}-rep-{}.png", grid.generation, replicate);
      std::ifstream in(path, std::ios::binary);
      OURO_CHECK(in, IoError, "cannot read sample grid '{}'", path.string());
      grid.png.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      OURO_CHECK(!in.bad(), IoError, "cannot read sample grid '{}'", path.string());
      out.grids.push_back(std::move(grid));
    }
  }
  return out;
}

const std::vector<std::string>& composition_layers() {
  static const std::vector<std::string> kLayers = {"original", "fresh", "synthetic, older generations",
                                                   "synthetic, previous generation"};
  return kLayers;
}

RunData load_run(const fs::path& dir) {
  RunData run;
  run.dir = dir;
  run.info = read_info(dir);
  fs::path name = dir;
  if (name.filename().empty()) name = name.parent_path();
  run.name = name.filename().string();
  if (run.name.empty() || run.name == ".") run.name = fs::absolute(dir).lexically_normal().filename().string();
  read_metrics(run);
  read_theory(run);
  read_composition(run);
  // Only text runs write these (run.json stamps what the run wrote); the generation count from
  // metrics.csv picks the texts shown.
  const auto wrote = [&](const char* name) { return run.info["files"].contains(name); };
  if (wrote("samples.jsonl")) run.texts = read_sample_texts(dir / "samples.jsonl", run.generations);
  if (wrote("ppl_gen0_histogram.csv")) run.ppl_histogram = read_ppl_histogram(dir / "ppl_gen0_histogram.csv");
  SampleGrids grids = read_sample_grids(dir, run.info["files"]);
  if (!grids.grids.empty()) run.grids = std::move(grids);
  return run;
}

}  // namespace ouro::report
