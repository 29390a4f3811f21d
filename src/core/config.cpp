// The experiment configuration: parsing TOML through the option table, validation, typed access
// and the resolved echo. See config.hpp.
#include "ouro/core/config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "ouro/core/error.hpp"
#include "ouro/core/suggestion.hpp"

namespace ouro {
namespace {

std::string origin_of(const toml::source_region& region, std::string_view fallback) {
  if (region.path) {
    return fmt::format("{}:{}:{}", *region.path, region.begin.line, region.begin.column);
  }
  return std::string(fallback);
}

std::string node_text(const toml::node& node) {
  std::ostringstream out;
  if (auto* t = node.as_table()) {
    out << *t;
  } else if (auto* a = node.as_array()) {
    out << *a;
  } else {
    node.visit([&](auto&& v) { out << v; });
  }
  return out.str();
}

std::string_view section_of(std::string_view key) { return key.substr(0, key.find('.')); }

// A row's key within its section: "filter.reward.linear" -> "reward.linear".
std::string_view name_in_section(std::string_view key) {
  const auto dot = key.find('.');
  return dot == std::string_view::npos ? std::string_view() : key.substr(dot + 1);
}

// A key shaped like an element key of a repeated section, "filter.1.min_reward", in its three parts;
// the index is all digits but otherwise unchecked, and the name may be no row at all.
struct ElementParts {
  std::string_view section;
  std::string_view index;
  std::string_view name;
};

std::optional<ElementParts> element_parts(std::string_view key) {
  const auto first = key.find('.');
  if (first == std::string_view::npos || !is_repeated_section(key.substr(0, first))) return std::nullopt;
  const auto second = key.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const std::string_view index = key.substr(first + 1, second - first - 1);
  if (index.empty() || !std::all_of(index.begin(), index.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return ElementParts{key.substr(0, first), index, key.substr(second + 1)};
}

// " (did you mean '...'?)" for an unknown key, or "". An element key ("filter.0.kidn") is matched
// against its section's rows and answered with its own index; any other key against every row, a
// repeated one shown as element 0, since a row key alone (`filter.kind`) is not a key one can set.
std::string suggestion_for(std::string_view key) {
  const std::optional<ElementParts> element = element_parts(key);
  const std::string typed = element ? fmt::format("{}.{}", element->section, element->name) : std::string(key);
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const Option& option : option_table()) {
    if (element && (!option.repeated || section_of(option.key) != element->section)) continue;
    const std::size_t d = edit_distance(typed, option.key);
    if (d < best_distance) {
      best_distance = d;
      if (!option.repeated) {
        best = option.key;
      } else {
        best = fmt::format("{}.{}.{}", section_of(option.key), element ? element->index : "0",
                           name_in_section(option.key));
      }
    }
  }
  if (close_enough(best_distance, typed)) return fmt::format(" (did you mean '{}'?)", best);
  return "";
}

// " (a table; did you mean [...]?)" for an unknown table such as [loops]: matched against the tables
// the option table has (every dotted prefix of a key: "loop", "truth.zipf"), or "".
std::string table_suggestion_for(std::string_view key) {
  std::vector<std::string> tables;
  for (const Option& option : option_table()) {
    for (auto dot = option.key.find('.'); dot != std::string_view::npos; dot = option.key.find('.', dot + 1)) {
      std::string table(option.key.substr(0, dot));
      if (std::find(tables.begin(), tables.end(), table) == tables.end()) tables.push_back(std::move(table));
    }
  }
  const std::string best = closest_name(key, tables);
  return best.empty() ? " (a table; no table of that name)" : fmt::format(" (a table; did you mean [{}]?)", best);
}

// True when some row lives under `prefix` + ".": a section, or a sub-table such as filter.reward.
bool has_rows_under(std::string_view prefix) {
  return std::any_of(option_table().begin(), option_table().end(), [&](const Option& o) {
    return o.key.size() > prefix.size() && o.key.starts_with(prefix) && o.key[prefix.size()] == '.';
  });
}

const RepeatedSection& repeated_section(std::string_view name) {
  for (const RepeatedSection& section : repeated_sections()) {
    if (section.name == name) return section;
  }
  throw ConfigError(fmt::format("internal: '{}' is not a repeated section", name));
}

struct Range {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool low_open = true;
  bool high_open = true;
};

double parse_bound(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text == "inf") return std::numeric_limits<double>::infinity();
  if (text == "-inf") return -std::numeric_limits<double>::infinity();
  return std::stod(std::string(text));
}

Range parse_range(std::string_view spec) {
  Range r;
  if (spec.empty()) return r;
  const auto comma = spec.find(',');
  r.low_open = spec.front() == '(';
  r.high_open = spec.back() == ')';
  r.low = parse_bound(spec.substr(1, comma - 1));
  r.high = parse_bound(spec.substr(comma + 1, spec.size() - comma - 2));
  return r;
}

bool in_range(double x, const Range& r) {
  if (std::isnan(x)) return false;
  const bool above_low = r.low_open ? x > r.low : x >= r.low;
  const bool below_high = r.high_open ? x < r.high : x <= r.high;
  return above_low && below_high;
}

std::vector<std::string_view> split_choices(std::string_view choices) {
  std::vector<std::string_view> out;
  while (!choices.empty()) {
    const auto bar = choices.find('|');
    out.push_back(choices.substr(0, bar));
    if (bar == std::string_view::npos) break;
    choices.remove_prefix(bar + 1);
  }
  return out;
}

bool is_choice(std::string_view value, std::string_view choices) {
  const auto list = split_choices(choices);
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

// Converts TOML nodes into typed Values, checking type, range and choices against an option.
// Messages name `key`: the option's own key, or the element key ("filter.1.min_reward") of a row
// of a repeated section.
class ConfigParser {
 public:
  ConfigParser(const Option& option, std::string origin, std::string_view key = {})
      : option_(option), origin_(std::move(origin)), key_(key.empty() ? option.key : key) {}

  Value convert(const toml::node& node) const {
    switch (option_.type) {
      case OptionType::kInteger: {
        const auto* v = node.as_integer();
        if (!v) fail_type(node);
        check_range(static_cast<double>(v->get()), node);
        return static_cast<std::int64_t>(v->get());
      }
      case OptionType::kReal:
        return check_range(real(node), node);
      case OptionType::kBoolean: {
        const auto* v = node.as_boolean();
        if (!v) fail_type(node);
        return v->get();
      }
      case OptionType::kString: {
        const auto* v = node.as_string();
        if (!v) fail_type(node);
        check_choice(v->get(), node);
        return std::string(v->get());
      }
      case OptionType::kRealOrString: {
        if (const auto* s = node.as_string()) {
          check_choice(s->get(), node);
          return std::string(s->get());
        }
        if (!node.is_number()) fail_type(node);
        return check_range(real(node), node);
      }
      case OptionType::kRealList:
        return real_list(node);
      case OptionType::kRealMatrix:
        return real_matrix(node);
      case OptionType::kRealMatrixList: {
        const auto* a = node.as_array();
        if (!a) fail_type(node);
        std::vector<Matrix> out;
        for (const toml::node& element : *a) out.push_back(real_matrix(element));
        return out;
      }
      case OptionType::kStringList:
      case OptionType::kNameOrIndexList: {
        const auto* a = node.as_array();
        if (!a) fail_type(node);
        std::vector<std::string> out;
        for (const toml::node& element : *a) {
          if (const auto* i = element.as_integer(); i && option_.type == OptionType::kNameOrIndexList) {
            out.push_back(std::to_string(i->get()));
            continue;
          }
          const auto* s = element.as_string();
          if (!s) fail_type(node);
          if (!option_.choices.empty()) check_choice(s->get(), node);
          out.emplace_back(s->get());
        }
        return out;
      }
    }
    fail_type(node);
  }

 private:
  [[noreturn]] void fail(const toml::node& node, std::string_view expected) const {
    throw ConfigError(fmt::format("{}: {} = {}: expected {}", origin_, key_, node_text(node), expected));
  }
  [[noreturn]] void fail_type(const toml::node& node) const {
    std::string expected(type_name(option_.type));
    if (!option_.choices.empty()) {
      expected += fmt::format(" (one of {})", option_.choices);
    }
    fail(node, expected);
  }

  double real(const toml::node& node) const {
    if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
    if (const auto* f = node.as_floating_point()) return f->get();
    fail_type(node);
  }

  double check_range(double x, const toml::node& node) const {
    if (!std::isfinite(x) && option_.range.empty()) fail(node, "a finite number");
    if (!in_range(x, parse_range(option_.range))) {
      fail(node, fmt::format("a number in {}", option_.range.empty() ? "(-inf, inf)" : option_.range));
    }
    return x;
  }

  void check_choice(std::string_view value, const toml::node& node) const {
    if (!option_.choices.empty() && !is_choice(value, option_.choices)) {
      // A key that takes a name or a number says both, so that "0.3x" is not taken to need a name.
      if (option_.type == OptionType::kRealOrString) {
        fail(node, fmt::format("a number in {} or one of {}", option_.range.empty() ? "(-inf, inf)" : option_.range,
                               option_.choices));
      }
      fail(node, fmt::format("one of {}", option_.choices));
    }
  }

  std::vector<double> real_list(const toml::node& node) const {
    const auto* a = node.as_array();
    if (!a) fail(node, "a list of numbers");
    std::vector<double> out;
    out.reserve(a->size());
    for (const toml::node& element : *a) {
      if (!element.is_number()) fail(node, "a list of numbers");
      out.push_back(check_range(real(element), node));
    }
    return out;
  }

  Matrix real_matrix(const toml::node& node) const {
    const auto* a = node.as_array();
    if (!a || a->empty()) fail(node, "a non-empty list of rows of numbers, e.g. [[1.0, 0.0], [0.0, 1.0]]");
    std::vector<std::vector<double>> rows;
    for (const toml::node& row : *a) {
      if (!row.is_array()) fail(node, "a list of rows of numbers, e.g. [[1.0, 0.0], [0.0, 1.0]]");
      rows.push_back(real_list(row));
      if (rows.back().size() != rows.front().size() || rows.back().empty()) {
        fail(node, "rows of equal, non-zero length");
      }
    }
    Matrix m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.front().size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      for (std::size_t j = 0; j < rows[i].size(); ++j) m(i, j) = rows[i][j];
    }
    return m;
  }

  const Option& option_;
  std::string origin_;
  std::string key_;
};

namespace {

std::string joined(const std::string& prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

// Walks a TOML table, flattening nested tables into dotted keys and assigning each leaf as
// assign(option, node, origin, key). `prefix` is the option-table key of the table walked and
// `key_prefix` the key its entries are stored and reported under: the same, except in an element
// of a repeated section ("filter" and "filter.1").
template <typename Assign>
void flatten(const toml::table& table, const std::string& prefix, const std::string& key_prefix,
             std::string_view source, Assign&& assign) {
  for (auto&& [key, node] : table) {
    const std::string dotted = joined(prefix, key.str());
    const std::string shown = joined(key_prefix, key.str());
    // A section is known when some option lives under it. A list row may share a sub-table's name
    // (filter.reward and filter.reward.linear): a table value is then the sub-table.
    if (const auto* sub = node.as_table(); sub && has_rows_under(dotted)) {
      flatten(*sub, dotted, shown, source, assign);
      continue;
    }
    const Option* option = find_option(dotted);
    if (!option) {
      throw ConfigError(fmt::format("{}: unknown key '{}'{}", origin_of(key.source(), source), shown,
                                    node.is_table() ? table_suggestion_for(shown) : suggestion_for(shown)));
    }
    assign(*option, node, origin_of(node.source(), source), shown);
  }
}

toml::table parse_toml(std::string_view text, std::string_view source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source();
    throw ConfigError(fmt::format("{}:{}:{}: TOML syntax error: {}", source, where.begin.line,
                                  where.begin.column, e.description()));
  }
}

Value default_value(const Option& option) {
  if (option.default_value.empty()) return std::monostate{};
  const toml::table parsed = toml::parse(fmt::format("v = {}", option.default_value));
  return ConfigParser(option, "default").convert(*parsed.get("v"));
}

}  // namespace

bool is_repeated_section(std::string_view section) {
  return std::any_of(repeated_sections().begin(), repeated_sections().end(),
                     [&](const RepeatedSection& s) { return s.name == section; });
}

std::optional<TableKey> split_table_key(std::string_view key) {
  const std::optional<ElementParts> parts = element_parts(key);
  // One spelling per element, so that "filter.01.kind" cannot name an entry beside "filter.1.kind".
  if (!parts || (parts->index.size() > 1 && parts->index.front() == '0')) return std::nullopt;
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(parts->index.data(), parts->index.data() + parts->index.size(), index);
  if (ec != std::errc() || end != parts->index.data() + parts->index.size()) return std::nullopt;
  const Option* option = find_option(fmt::format("{}.{}", parts->section, parts->name));
  if (!option || !option->repeated) return std::nullopt;
  return TableKey{option, index};
}

std::string_view type_name(OptionType type) {
  switch (type) {
    case OptionType::kInteger: return "an integer";
    case OptionType::kReal: return "a number";
    case OptionType::kBoolean: return "true or false";
    case OptionType::kString: return "a string";
    case OptionType::kRealList: return "a list of numbers";
    case OptionType::kRealMatrix: return "a matrix (list of rows of numbers)";
    case OptionType::kRealMatrixList: return "a list of matrices";
    case OptionType::kStringList: return "a list of strings";
    case OptionType::kNameOrIndexList: return "a list of names or indices";
    case OptionType::kRealOrString: return "a number or a string";
  }
  return "a value";
}

const Option* find_option(std::string_view key) {
  for (const Option& option : option_table()) {
    if (option.key == key) return &option;
  }
  return nullptr;
}

Config::Config() {
  for (const Option& option : option_table()) {
    if (option.repeated) continue;  // filled in per element, by add_table
    entries_[std::string(option.key)] = Entry{default_value(option), "default"};
  }
}

std::string Config::table_key(std::string_view section, std::size_t index, std::string_view name) {
  return fmt::format("{}.{}.{}", section, index, name);
}

std::size_t Config::table_count(std::string_view section) const {
  const auto it = tables_.find(section);
  return it == tables_.end() ? 0 : it->second.size();
}

std::size_t Config::add_table(std::string_view section, std::string origin) {
  std::vector<std::string>& origins = tables_[std::string(section)];
  const std::size_t index = origins.size();
  origins.push_back(std::move(origin));
  for (const Option& option : option_table()) {
    if (option.repeated && section_of(option.key) == section) {
      entries_[table_key(section, index, name_in_section(option.key))] = Entry{default_value(option), "default"};
    }
  }
  return index;
}

bool Config::sub_table_in_use(std::string_view section, std::size_t index, std::string_view prefix) const {
  return std::any_of(option_table().begin(), option_table().end(), [&](const Option& o) {
    if (!o.repeated || section_of(o.key) != section) return false;
    const std::string_view name = name_in_section(o.key);
    return name.size() > prefix.size() && name.starts_with(prefix) && name[prefix.size()] == '.' &&
           user_set(table_key(section, index, name));
  });
}

void Config::check_table(std::string_view section, std::size_t index, std::string_view assignment) const {
  const std::string& where = tables_.find(section)->second[index];
  // While parsing, messages begin with the table's place in the file; after --set, with the --set.
  const std::string lead = assignment.empty() ? where : fmt::format("--set {}", assignment);
  const std::string table = assignment.empty() ? fmt::format("[[{}]] table {}", section, index)
                                               : fmt::format("[[{}]] table {} ({})", section, index, where);
  if (assignment.empty()) {
    const RepeatedSection& repeated = repeated_section(section);
    if (!repeated.required.empty()) {
      const std::string key = table_key(section, index, repeated.required);
      const Option* option = find_option(fmt::format("{}.{}", section, repeated.required));
      OURO_CHECK(has(key), ConfigError, "{}: {} is missing: every [[{}]] table sets {}{}", where, key, section,
                 repeated.required,
                 option && !option->choices.empty() ? fmt::format(" (one of {})", option->choices) : "");
    }
  }
  // A list row and the sub-table of the same name cannot both be written into the resolved JSON.
  for (const Option& list : option_table()) {
    if (!list.repeated || section_of(list.key) != section) continue;
    const std::string_view name = name_in_section(list.key);
    const std::string list_key = table_key(section, index, name);
    if (!has(list_key) || !sub_table_in_use(section, index, name)) continue;
    std::string used;
    std::vector<std::string_view> alternatives;
    for (const Option& sub : option_table()) {
      const std::string_view sub_name = name_in_section(sub.key);
      if (!sub.repeated || section_of(sub.key) != section || !sub_name.starts_with(fmt::format("{}.", name))) continue;
      if (used.empty() && user_set(table_key(section, index, sub_name))) used = table_key(section, index, sub_name);
      // The keys that choose the sub-table's form; those with defaults only qualify it.
      if (sub.default_value.empty()) alternatives.push_back(sub_name.substr(name.size() + 1));
    }
    std::string choices;
    for (std::size_t i = 0; i < alternatives.size(); ++i) {
      choices += fmt::format("{}{}", i == 0 ? "" : (i + 1 == alternatives.size() ? " or " : ", "), alternatives[i]);
    }
    throw ConfigError(fmt::format("{}: {} sets both {} and {}: {} is either {} or a table ({}), not both", lead,
                                  table, list_key, used, name, type_name(list.type), choices));
  }
}

Config Config::from_string(std::string_view toml_text, std::string_view source, SweepTable sweep) {
  Config config;
  toml::table table = parse_toml(toml_text, source);
  if (const toml::node* grid = table.get("sweep")) {
    if (sweep == SweepTable::kRefuse) {
      throw ConfigError(fmt::format("{}: a [sweep] table describes a grid of runs, which `ouro sweep` runs; run it "
                                    "with `ouro sweep {}`, or remove the table to run the base config alone",
                                    origin_of(grid->source(), source), source));
    }
    table.erase("sweep");
  }
  const auto assign = [&](const Option& option, const toml::node& node, std::string origin, const std::string& key) {
    config.assign(key, ConfigParser(option, origin, key).convert(node), origin);
  };
  // Each element of a repeated section is walked under its own index; then the section leaves the
  // table, so that the plain sections are walked as before.
  for (const RepeatedSection& section : repeated_sections()) {
    const auto it = table.find(section.name);
    if (it == table.end()) continue;
    const toml::array* elements = it->second.as_array();
    // An empty array (`filter = []`) is a config without the section.
    OURO_CHECK(elements && (elements->empty() || elements->is_array_of_tables()), ConfigError,
               "{}: {} is an array of tables: write [[{}]] above each of its tables, not [{}] or {} = ...",
               origin_of(it->first.source(), source), section.name, section.name, section.name, section.name);
    for (const toml::node& element : *elements) {
      const std::size_t index = config.add_table(section.name, origin_of(element.source(), source));
      flatten(*element.as_table(), std::string(section.name), fmt::format("{}.{}", section.name, index), source,
              assign);
      config.check_table(section.name, index, {});
    }
    table.erase(it);
  }
  flatten(table, "", "", source, assign);
  return config;
}

Config Config::from_file(const std::filesystem::path& path, SweepTable sweep) {
  std::ifstream in(path, std::ios::binary);
  OURO_CHECK(in.good(), IoError, "cannot open config file '{}'", path.string());
  std::ostringstream text;
  text << in.rdbuf();
  Config config = from_string(text.str(), path.string(), sweep);
  // Paths in the file are written from where the file is, so that a config runs from any folder.
  const std::filesystem::path folder = std::filesystem::absolute(path).parent_path();
  for (auto& [key, entry] : config.entries_) entry.value = resolved_path(key, std::move(entry.value), folder);
  return config;
}

void Config::set(std::string_view assignment) {
  const auto eq = assignment.find('=');
  OURO_CHECK(eq != std::string_view::npos && eq > 0, ConfigError,
             "--set {}: expected key=value, e.g. --set loop.bias=0.8", assignment);
  std::string key(assignment.substr(0, eq));
  std::string literal(assignment.substr(eq + 1));
  key.erase(key.find_last_not_of(' ') + 1);
  const Option* option = find_option(key);
  const std::string_view section = section_of(key);
  std::optional<TableKey> element;
  if (is_repeated_section(section)) {
    // A row key alone (`filter.kind`) is a key of every element; --set changes one of them.
    OURO_CHECK(key != section && !option, ConfigError,
               "--set {}: {} is an array of tables: give the index of the [[{}]] table (from 0), e.g. {}",
               assignment, section, section,
               table_key(section, 0, option ? name_in_section(option->key) : repeated_section(section).required));
    element = split_table_key(key);
    OURO_CHECK(element, ConfigError, "--set {}: unknown key '{}'{}", assignment, key, suggestion_for(key));
    const std::size_t count = table_count(section);
    // Tables are added in the config file; an override only changes one.
    OURO_CHECK(element->index < count, ConfigError,
               "--set {}: the config has {} [[{}]] table{}{}, so {}.{} names none; add [[{}]] tables in the config "
               "file", assignment, count, section, count == 1 ? "" : "s",
               count == 0   ? ""
               : count == 1 ? fmt::format(" ({}.0)", section)
                            : fmt::format(" ({}.0 to {}.{})", section, section, count - 1),
               section, element->index, section);
    option = element->option;
  }
  OURO_CHECK(option, ConfigError, "--set {}: unknown key '{}'{}", assignment, key, suggestion_for(key));
  toml::table parsed;
  try {
    parsed = toml::parse(fmt::format("v = {}", literal));
  } catch (const toml::parse_error&) {
    // A bare word such as `gmm` is taken as the string "gmm".
    toml::table bare;
    bare.insert("v", literal);
    parsed = std::move(bare);
  }
  Value value = resolved_path(key, ConfigParser(*option, "--set", key).convert(*parsed.get("v")),
                              std::filesystem::current_path());
  if (!element) {
    assign(key, std::move(value), "--set");
    return;
  }
  // The element's rules are checked with the new value in place; a refused one is taken out again,
  // so that a config whose --set failed is still the consistent config it was (to_json relies on it).
  const Entry previous = entry(key);
  assign(key, std::move(value), "--set");
  try {
    check_table(section, element->index, assignment);
  } catch (const ConfigError&) {
    assign(key, previous.value, previous.origin);
    throw;
  }
}

Value Config::resolved_path(std::string_view key, Value value, const std::filesystem::path& folder) {
  const Option* option = find_option(key);
  if (!option) {
    const auto element = split_table_key(key);
    option = element ? element->option : nullptr;
  }
  auto* text = std::get_if<std::string>(&value);
  if (!option || !option->path || !text || text->empty()) return value;
  const std::filesystem::path path(*text);
  if (path.is_relative()) *text = (folder / path).lexically_normal().string();
  return value;
}

void Config::assign(std::string key, Value value, std::string origin) {
  entries_[std::move(key)] = Entry{std::move(value), std::move(origin)};
}

const Config::Entry& Config::entry(std::string_view key) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) throw ConfigError(fmt::format("internal: unknown option '{}'", key));
  return it->second;
}

const Value& Config::value(std::string_view key) const { return entry(key).value; }

bool Config::has(std::string_view key) const {
  const auto it = entries_.find(key);
  return it != entries_.end() && !std::holds_alternative<std::monostate>(it->second.value);
}

bool Config::user_set(std::string_view key) const {
  const auto it = entries_.find(key);
  return it != entries_.end() && it->second.origin != "default";
}

std::string Config::where(std::string_view key) const { return entry(key).origin; }

void Config::fail(std::string_view key, std::string_view message) const {
  if (!has(key)) throw ConfigError(fmt::format("{}: {}", key, message));
  throw ConfigError(fmt::format("{}: {} = {}: {}", where(key), key, render(key), message));
}

namespace {
template <typename T>
const T& get_as(const Config& config, std::string_view key) {
  const Value& v = config.value(key);
  if (const T* typed = std::get_if<T>(&v)) return *typed;
  if (std::holds_alternative<std::monostate>(v)) config.fail(key, "this setting is required here");
  config.fail(key, "has the wrong type for this use");
}
}  // namespace

std::int64_t Config::integer(std::string_view key) const { return get_as<std::int64_t>(*this, key); }
double Config::real(std::string_view key) const { return get_as<double>(*this, key); }
bool Config::boolean(std::string_view key) const { return get_as<bool>(*this, key); }
const std::string& Config::text(std::string_view key) const { return get_as<std::string>(*this, key); }
const std::vector<double>& Config::reals(std::string_view key) const {
  return get_as<std::vector<double>>(*this, key);
}
const Matrix& Config::matrix(std::string_view key) const { return get_as<Matrix>(*this, key); }
const std::vector<Matrix>& Config::matrices(std::string_view key) const {
  return get_as<std::vector<Matrix>>(*this, key);
}
const std::vector<std::string>& Config::texts(std::string_view key) const {
  return get_as<std::vector<std::string>>(*this, key);
}

namespace {

nlohmann::json matrix_json(const Matrix& m) {
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (Eigen::Index j = 0; j < m.cols(); ++j) row.push_back(m(i, j));
    rows.push_back(std::move(row));
  }
  return rows;
}

nlohmann::json value_json(const Value& value) {
  return std::visit(
      [](const auto& v) -> nlohmann::json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, Matrix>) {
          return matrix_json(v);
        } else if constexpr (std::is_same_v<T, std::vector<Matrix>>) {
          nlohmann::json list = nlohmann::json::array();
          for (const Matrix& m : v) list.push_back(matrix_json(m));
          return list;
        } else {
          return v;
        }
      },
      value);
}

}  // namespace

std::string render_value(const Value& value) { return value_json(value).dump(); }

std::string Config::render(std::string_view key) const { return render_value(value(key)); }

namespace {

// Sets `value` at a dotted key of nested JSON, creating the objects on the way.
void put(nlohmann::json& root, std::string_view key, nlohmann::json value) {
  nlohmann::json* node = &root;
  for (auto dot = key.find('.'); dot != std::string_view::npos; dot = key.find('.')) {
    node = &(*node)[std::string(key.substr(0, dot))];
    key.remove_prefix(dot + 1);
  }
  (*node)[std::string(key)] = std::move(value);
}

}  // namespace

nlohmann::json Config::to_json() const {
  nlohmann::json root = nlohmann::json::object();
  for (const Option& option : option_table()) {
    if (option.repeated) continue;
    const Value& v = value(option.key);
    if (std::holds_alternative<std::monostate>(v)) continue;
    // truth.dim's default serves the law truths; a data truth's dimension is its data's (run.json's
    // "data" record), so an echoed default would state a dimension that was never used.
    if (option.key == "truth.dim" && !user_set(option.key) &&
        (text("truth.kind") == "file" || text("truth.kind") == "corpus")) {
      continue;
    }
    put(root, option.key, value_json(v));
  }
  for (const auto& [section, origins] : tables_) {
    if (origins.empty()) continue;
    nlohmann::json& elements = root[section] = nlohmann::json::array();
    for (std::size_t index = 0; index < origins.size(); ++index) {
      nlohmann::json element = nlohmann::json::object();
      for (const Option& option : option_table()) {
        if (!option.repeated || section_of(option.key) != section) continue;
        const std::string_view name = name_in_section(option.key);
        const Value& v = value(table_key(section, index, name));
        if (std::holds_alternative<std::monostate>(v)) continue;
        // Under a list row's name (reward.offset under reward), only a sub-table the user wrote.
        bool shown = true;
        for (auto dot = name.find('.'); dot != std::string_view::npos; dot = name.find('.', dot + 1)) {
          const std::string_view prefix = name.substr(0, dot);
          if (find_option(fmt::format("{}.{}", section, prefix)) && !sub_table_in_use(section, index, prefix)) {
            shown = false;
          }
        }
        if (shown) put(element, name, value_json(v));
      }
      elements.push_back(std::move(element));
    }
  }
  return root;
}

std::string options_markdown() {
  std::string out =
      "# Configuration reference\n\n"
      "Generated from the option table in `src/core/options.cpp` by `ouro options --markdown`; "
      "do not edit by hand.\n\n"
      "Every key can be set in the TOML file (`[section] key = value`; nested keys such as "
      "`truth.zipf.outcomes` may also be written as inline tables, `zipf = { outcomes = 5 }`) or on "
      "the command line with `--set section.key=value`.\n\n"
      "A key whose type is *a path* names a file or folder: a relative path in a config file is relative to "
      "the folder of that config file, and one given with `--set` is relative to the working "
      "directory. Either way the config holds, and run.json echoes, the absolute path opened.\n";
  std::string_view section;
  for (const Option& option : option_table()) {
    const std::string_view this_section = section_of(option.key);
    if (this_section != section) {
      section = this_section;
      if (option.repeated) {
        const RepeatedSection& repeated = repeated_section(section);
        out += fmt::format("\n## [[{0}]]\n\n{1} The keys below are set in each `[[{0}]]` table, every default "
                           "applying to each table. On the command line (`--set`, `--grid`) the key of table i, "
                           "counting from 0, is `{0}.<i>.key`, e.g. `{0}.0.{2}` (tables are added in the file, not with `--set`).\n",
                           section, repeated.help, repeated.required.empty() ? "key" : repeated.required);
      } else {
        out += fmt::format("\n## [{}]\n", section);
      }
      out += "\n| key | type | default | allowed | meaning |\n| --- | --- | --- | --- | --- |\n";
    }
    std::string allowed(option.choices.empty() ? option.range : option.choices);
    std::replace(allowed.begin(), allowed.end(), '|', ',');
    // A bar inside a cell would end it ("||x - c||^2").
    std::string help;
    for (const char c : option.help) help += c == '|' ? std::string("\\|") : std::string(1, c);
    out += fmt::format("| `{}` | {} | {} | {} | {} |\n", option.key, option.path ? "a path" : type_name(option.type),
                       option.default_value.empty() ? "(none)" : fmt::format("`{}`", option.default_value),
                       allowed.empty() ? "" : fmt::format("`{}`", allowed), help);
  }
  return out;
}

}  // namespace ouro
