// Reading a run folder back (see run_data.hpp). The CSV files are the recorder's own simple
// format (no quoting, one record per line), so a strict splitter is enough and any deviation is
// reported with its line rather than guessed around.
#include "ouro/report/run_data.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "ouro/core/error.hpp"

namespace ouro::report {
namespace {

namespace fs = std::filesystem;

// Generations beyond this are refused as a corrupt field rather than allocated.
constexpr std::size_t kMaxGeneration = 10'000'000;

class CsvReader {
 public:
  CsvReader(const fs::path& path, std::string_view expected_header) : path_(path), in_(path) {
    OURO_CHECK(in_.is_open(), IoError, "{}: cannot open (is '{}' a folder written by `ouro run`?)", path.string(),
               path.parent_path().string());
    std::string header;
    OURO_CHECK(static_cast<bool>(std::getline(in_, header)), DataError, "{}: empty file, expected the header '{}'",
               path.string(), expected_header);
    if (!header.empty() && header.back() == '\r') header.pop_back();
    OURO_CHECK(header == expected_header, DataError, "{}:1: header is '{}', expected '{}'", path.string(), header,
               expected_header);
    columns_ = 1 + static_cast<std::size_t>(std::count(expected_header.begin(), expected_header.end(), ','));
  }

  // Next record split into fields; false at the end of the file.
  bool next(std::vector<std::string_view>& fields) {
    while (std::getline(in_, line_)) {
      ++line_number_;
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      if (line_.empty()) continue;
      fields.clear();
      std::size_t start = 0;
      while (true) {
        const std::size_t comma = line_.find(',', start);
        fields.emplace_back(std::string_view(line_).substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      OURO_CHECK(fields.size() == columns_, DataError, "{}:{}: expected {} fields, found {} in '{}'", path_.string(),
                 line_number_ + 1, columns_, fields.size(), line_);
      return true;
    }
    OURO_CHECK(!in_.bad(), IoError, "{}: read error", path_.string());
    return false;
  }

  std::size_t index(std::string_view field, std::string_view column) const {
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
    OURO_CHECK(ec == std::errc() && end == field.data() + field.size() && !field.empty() && value <= kMaxGeneration,
               DataError, "{}:{}: {} '{}' is not a non-negative integer", path_.string(), line_number_ + 1, column,
               field);
    return value;
  }

  double number(std::string_view field, std::string_view column) const {
    double value = 0.0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
    // Out-of-range literals (1e999) parse as errors; the recorder writes them as inf instead.
    OURO_CHECK(ec == std::errc() && end == field.data() + field.size() && !field.empty(), DataError,
               "{}:{}: {} '{}' is not a number", path_.string(), line_number_ + 1, column, field);
    return value;
  }

 private:
  fs::path path_;
  std::ifstream in_;
  std::string line_;
  std::size_t line_number_ = 0;
  std::size_t columns_ = 0;
};

std::string layer_of(std::string_view origin, std::size_t generation, std::size_t origin_generation) {
  if (origin == "synthetic") {
    return generation >= 1 && origin_generation + 1 == generation ? "synthetic, previous generation"
                                                                    : "synthetic, older generations";
  }
  if (origin == "original") return "original";
  if (origin == "fresh") return "fresh";
  return "";
}

nlohmann::json read_info(const fs::path& dir) {
  const fs::path path = dir / "run.json";
  OURO_CHECK(fs::is_directory(dir), IoError, "'{}' is not a folder", dir.string());
  OURO_CHECK(fs::exists(path), IoError,
             "'{}' is not a finished run: it has no run.json (written last by `ouro run`)", dir.string());
  std::ifstream in(path);
  OURO_CHECK(in.is_open(), IoError, "{}: cannot open", path.string());
  nlohmann::json info;
  try {
    info = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
  }
  OURO_CHECK(info.is_object(), DataError, "{}: expected a JSON object", path.string());
  OURO_CHECK(info.contains("config") && info["config"].is_object(), DataError,
             "{}: has no \"config\" object; not written by `ouro run`", path.string());
  return info;
}

void read_metrics(RunData& run) {
  CsvReader csv(run.dir / "metrics.csv", "replicate,generation,metric,value");
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
  OURO_CHECK(rows > 0, DataError, "{}: no rows", (run.dir / "metrics.csv").string());
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

void read_composition(RunData& run) {
  const fs::path path = run.dir / "composition.csv";
  CsvReader csv(path, "replicate,generation,origin,origin_generation,count");
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
  return run;
}

}  // namespace ouro::report
