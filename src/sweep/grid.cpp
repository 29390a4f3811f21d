// The sweep grid: axes from [sweep] and --grid, their checks, and the cells: see grid.hpp.
#include "ouro/sweep/grid.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "ouro/core/error.hpp"
#include "ouro/loop/run_job.hpp"

namespace ouro {
namespace {

std::string where_of(const toml::source_region& region, const std::filesystem::path& file) {
  return fmt::format("{}:{}:{}", file.string(), region.begin.line, region.begin.column);
}

std::string literal_of(const toml::node& node) {
  std::ostringstream out;
  if (const auto* a = node.as_array()) out << *a;
  else if (const auto* t = node.as_table()) out << *t;
  else node.visit([&](auto&& v) { out << v; });
  return out.str();
}

// Splits "v1,v2" at commas outside brackets and quotes.
std::vector<std::string> split_values(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  char quote = 0;
  for (const char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  out.push_back(current);
  for (std::string& value : out) {
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of(' ') + 1);
  }
  return out;
}

std::string label_of(const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  return render_value(value);
}

// The value at a dotted key of resolved JSON; a part that meets an array is its index, as in the
// element keys of a repeated section ("filter.0.candidates").
nlohmann::json json_at(const nlohmann::json& root, std::string_view key) {
  const nlohmann::json* node = &root;
  while (!key.empty()) {
    const auto dot = key.find('.');
    const std::string part(key.substr(0, dot));
    node = node->is_array() ? &node->at(std::stoul(part)) : &node->at(part);
    key = dot == std::string_view::npos ? std::string_view() : key.substr(dot + 1);
  }
  return *node;
}

// A key of a repeated section must name its element (`filter.0.candidates`); whether the base
// config has that element is checked by resolve(), through Config::set.
void check_key(std::string_view key, std::string_view where) {
  const Option* option = find_option(key);
  if (option && option->repeated) {
    const std::string_view section = key.substr(0, key.find('.'));
    throw ConfigError(fmt::format(
        "{}: sweep grid: {}: {} is an array of tables: give the index of the [[{}]] table (from 0), e.g. {}", where,
        key, section, section, Config::table_key(section, 0, key.substr(section.size() + 1))));
  }
  if (!option && !split_table_key(key)) {
    // Config::set's message carries the "did you mean" suggestion; it is reused here.
    try {
      Config().set(std::string(key) + "=0");
    } catch (const ConfigError& e) {
      const std::string message = e.what();
      const auto at = message.find("unknown key");
      throw ConfigError(fmt::format("{}: sweep grid: {}", where, at == std::string::npos ? message : message.substr(at)));
    }
  }
  OURO_CHECK(!is_execution_key(key), ConfigError,
             "{}: sweep grid: {} never changes results, so it cannot be swept; set the threads with --threads", where,
             key);
}

}  // namespace

SweepGrid SweepGrid::from_file(const std::filesystem::path& config_file) {
  std::ifstream in(config_file, std::ios::binary);
  OURO_CHECK(in.good(), IoError, "cannot open config file '{}'", config_file.string());
  std::ostringstream text;
  text << in.rdbuf();
  toml::table table;
  try {
    table = toml::parse(text.str(), config_file.string());
  } catch (const toml::parse_error& e) {
    throw ConfigError(fmt::format("{}:{}:{}: TOML syntax error: {}", config_file.string(), e.source().begin.line,
                                  e.source().begin.column, e.description()));
  }
  SweepGrid grid;
  const toml::node* node = table.get("sweep");
  if (!node) return grid;
  const toml::table* sweep = node->as_table();
  OURO_CHECK(sweep, ConfigError, "{}: sweep must be a table of \"section.key\" = [values...]",
             where_of(node->source(), config_file));
  // toml++ keeps keys sorted; the axes follow the file's order instead.
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (auto&& [key, value] : *sweep) entries.emplace_back(&key, &value);
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const auto& pa = a.first->source().begin;
    const auto& pb = b.first->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  for (const auto& [key, value] : entries) {
    const std::string where = where_of(key->source(), config_file);
    const std::string name(key->str());
    OURO_CHECK(!value->is_table(), ConfigError,
               "{}: sweep grid: '{}' is a table; write a swept key in quotes with its section, e.g. "
               "\"loop.bias\" = [1.0, 0.8]", where, name);
    check_key(name, where);
    const auto* array = value->as_array();
    OURO_CHECK(array, ConfigError, "{}: sweep grid: {} = {}: expected a list of values, e.g. [1.0, 0.8]", where, name,
               literal_of(*value));
    GridAxis axis{name, where, {}, {}, {}};
    // A path in the file is relative to the file's folder, as in the rest of the config
    // (Config::resolved_path); the axis then carries it absolute, as --set would take it.
    const std::filesystem::path folder = std::filesystem::absolute(config_file).parent_path();
    for (const toml::node& element : *array) {
      const auto* text = element.as_string();
      if (!text) {
        axis.literals.push_back(literal_of(element));
        continue;
      }
      const Value resolved = Config::resolved_path(name, std::string(text->get()), folder);
      axis.literals.push_back(literal_of(toml::value<std::string>(std::get<std::string>(resolved))));
    }
    grid.axes_.push_back(std::move(axis));
  }
  return grid;
}

void SweepGrid::add_argument(std::string_view argument, std::string_view where_given) {
  const auto eq = argument.find('=');
  OURO_CHECK(eq != std::string_view::npos && eq > 0, ConfigError,
             "--grid {}: expected key=v1,v2,..., e.g. --grid loop.bias=1.0,0.8", argument);
  std::string key(argument.substr(0, eq));
  key.erase(key.find_last_not_of(' ') + 1);
  const std::string where = where_given.empty() ? fmt::format("--grid {}", argument) : std::string(where_given);
  check_key(key, where);
  GridAxis axis{key, where, split_values(argument.substr(eq + 1)), {}, {}};
  resolved_ = false;
  for (GridAxis& existing : axes_) {
    if (existing.key == key) {
      existing = std::move(axis);
      return;
    }
  }
  axes_.push_back(std::move(axis));
}

void SweepGrid::add_zip_argument(std::string_view argument) {
  add_argument(argument, fmt::format("--zip {}", argument));
  const std::string key(argument.substr(0, argument.find('=')));
  for (GridAxis& axis : axes_) {
    if (axis.key == key.substr(0, key.find_last_not_of(' ') + 1)) axis.zipped = true;
  }
}

std::vector<std::vector<std::size_t>> SweepGrid::dimensions() const {
  std::vector<std::vector<std::size_t>> out;
  std::size_t zipped_dimension = axes_.size();  // none yet
  for (std::size_t a = 0; a < axes_.size(); ++a) {
    if (!axes_[a].zipped) {
      out.push_back({a});
    } else if (zipped_dimension == axes_.size()) {
      zipped_dimension = out.size();
      out.push_back({a});
    } else {
      out[zipped_dimension].push_back(a);
    }
  }
  return out;
}

void SweepGrid::resolve(const Config& base) {
  // Zipped axes advance together: each needs as many values as the first.
  const GridAxis* first_zipped = nullptr;
  for (const GridAxis& axis : axes_) {
    if (!axis.zipped) continue;
    if (!first_zipped) {
      first_zipped = &axis;
      continue;
    }
    OURO_CHECK(axis.literals.size() == first_zipped->literals.size(), ConfigError,
               "{}: sweep grid: {} has {} values and {} ({}) has {}; zipped axes advance together, so each needs as "
               "many values",
               axis.where, axis.key, axis.literals.size(), first_zipped->key, first_zipped->where,
               first_zipped->literals.size());
  }
  for (GridAxis& axis : axes_) {
    OURO_CHECK(!axis.literals.empty(), ConfigError, "{}: sweep grid: {} has no values", axis.where, axis.key);
    axis.labels.clear();
    axis.values.clear();
    for (const std::string& literal : axis.literals) {
      OURO_CHECK(!literal.empty(), ConfigError, "{}: sweep grid: {} has an empty value", axis.where, axis.key);
      Config config = base;
      try {
        config.set(axis.key + "=" + literal);
      } catch (const ConfigError& e) {
        // Config::set names the key and value; the message says where the grid came from.
        std::string message = e.what();
        if (message.starts_with("--set: ")) message = message.substr(7);
        const std::string assignment = fmt::format("--set {}={}: ", axis.key, literal);
        if (message.starts_with(assignment)) message = message.substr(assignment.size());
        throw ConfigError(fmt::format("{}: sweep grid: {}", axis.where, message));
      }
      const std::string label = label_of(config.value(axis.key));
      OURO_CHECK(std::find(axis.labels.begin(), axis.labels.end(), label) == axis.labels.end(), ConfigError,
                 "{}: sweep grid: {} lists the value {} twice", axis.where, axis.key, label);
      axis.labels.push_back(label);
      axis.values.push_back(json_at(config.to_json(), axis.key));
    }
  }
  resolved_ = true;
}

std::size_t SweepGrid::cell_count() const {
  std::size_t count = 1;
  for (const auto& dimension : dimensions()) count *= axes_[dimension.front()].literals.size();
  return count;
}

std::vector<std::size_t> SweepGrid::choices(std::size_t cell) const {
  std::vector<std::size_t> out(axes_.size());
  const auto dims = dimensions();
  for (std::size_t d = dims.size(); d-- > 0;) {
    const std::size_t size = axes_[dims[d].front()].literals.size();
    for (const std::size_t a : dims[d]) out[a] = cell % size;
    cell /= size;
  }
  return out;
}

Config SweepGrid::cell_config(const Config& base, std::size_t cell) const {
  OURO_CHECK(resolved_, Error, "internal: sweep grid used before resolve()");
  Config config = base;
  const auto choice = choices(cell);
  for (std::size_t a = 0; a < axes_.size(); ++a) config.set(axes_[a].key + "=" + axes_[a].literals[choice[a]]);
  return config;
}

std::string SweepGrid::cell_label(std::size_t cell) const {
  std::string out;
  const auto choice = choices(cell);
  for (std::size_t a = 0; a < axes_.size(); ++a) {
    if (!out.empty()) out += ',';
    out += axes_[a].key + "=" + axes_[a].labels[choice[a]];
  }
  return out;
}

std::string SweepGrid::cell_folder(std::size_t cell) const {
  const std::size_t width = std::to_string(cell_count() - 1).size();
  std::string index = std::to_string(cell);
  index.insert(0, width - index.size(), '0');
  std::string label = cell_label(cell);
  for (char& c : label) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '=' || c == ',' || c == '+' || c == '-';
    if (!safe) c = '_';
  }
  if (label.size() > 96) label.resize(96);
  return label.empty() ? index : index + "-" + label;
}

nlohmann::json SweepGrid::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const GridAxis& axis : axes_) {
    out.push_back({{"key", axis.key}, {"values", axis.values}, {"labels", axis.labels}});
    // Written only when set, so that the plans of sweeps without --zip are unchanged.
    if (axis.zipped) out.back()["zipped"] = true;
  }
  return out;
}

Shard Shard::parse(std::string_view text) {
  const auto slash = text.find('/');
  Shard shard;
  bool ok = slash != std::string_view::npos;
  if (ok) {
    const std::string_view i = text.substr(0, slash);
    const std::string_view n = text.substr(slash + 1);
    const auto a = std::from_chars(i.data(), i.data() + i.size(), shard.index);
    const auto b = std::from_chars(n.data(), n.data() + n.size(), shard.count);
    ok = !i.empty() && !n.empty() && a.ec == std::errc() && a.ptr == i.data() + i.size() && b.ec == std::errc() &&
         b.ptr == n.data() + n.size();
  }
  OURO_CHECK(ok, ConfigError, "--shard {}: expected i/N, e.g. --shard 0/4 (shards are numbered from 0)", text);
  OURO_CHECK(shard.count >= 1 && shard.index < shard.count, ConfigError,
             "--shard {}: the shard index must be below the shard count (0 to {} for {} shards)", text,
             shard.count == 0 ? 0 : shard.count - 1, shard.count);
  return shard;
}

double estimated_cell_cost(const Config& cell) {
  const auto replicates = static_cast<double>(cell.integer("run.replicates"));
  const auto generations = static_cast<double>(cell.integer("run.generations"));
  const auto samples = static_cast<double>(cell.integer("loop.initial") + cell.integer("loop.synthetic"));
  return replicates * (generations + 1.0) * std::max(samples, 1.0);
}

std::vector<std::size_t> shard_cells(const SweepGrid& grid, const Config& base, const Shard& shard) {
  const std::size_t cells = grid.cell_count();
  std::vector<double> cost(cells, 0.0);
  for (std::size_t c = 0; c < cells; ++c) {
    try {
      cost[c] = estimated_cell_cost(grid.cell_config(base, c));
    } catch (const ConfigError&) {
      // Left at 0: the sweep refuses the cell, or skips it with --skip-invalid.
    } catch (const DataError&) {
    }
  }
  std::vector<std::size_t> order(cells);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  std::vector<double> load(shard.count, 0.0);
  std::vector<std::size_t> mine;
  for (const std::size_t c : order) {
    const auto least = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[least] += cost[c];
    if (least == shard.index) mine.push_back(c);
  }
  std::sort(mine.begin(), mine.end());
  return mine;
}

}  // namespace ouro
