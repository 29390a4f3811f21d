// The experiment configuration: parsing TOML through the option table, validation, typed access
// and the resolved echo. See config.hpp.
#include "ouro/core/config.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "ouro/core/error.hpp"

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

// Levenshtein distance, for "did you mean" suggestions on unknown keys.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string suggestion_for(std::string_view key) {
  std::string_view best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const Option& option : option_table()) {
    const std::size_t d = edit_distance(key, option.key);
    if (d < best_distance) {
      best_distance = d;
      best = option.key;
    }
  }
  if (best_distance <= std::max<std::size_t>(2, key.size() / 4)) {
    return fmt::format(" (did you mean '{}'?)", best);
  }
  return "";
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
class ConfigParser {
 public:
  ConfigParser(const Option& option, std::string origin) : option_(option), origin_(std::move(origin)) {}

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
      case OptionType::kStringList: {
        const auto* a = node.as_array();
        if (!a) fail_type(node);
        std::vector<std::string> out;
        for (const toml::node& element : *a) {
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
    throw ConfigError(fmt::format("{}: {} = {}: expected {}", origin_, option_.key, node_text(node),
                                  expected));
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
};

namespace {

// Walks a TOML table, flattening nested tables into dotted keys and assigning each leaf.
template <typename Assign>
void flatten(const toml::table& table, const std::string& prefix, std::string_view source,
             Assign&& assign) {
  for (auto&& [key, node] : table) {
    const std::string dotted = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    const Option* option = find_option(dotted);
    if (!option) {
      if (const auto* sub = node.as_table()) {
        // A section is known when some option lives under it.
        const bool known_section = std::any_of(option_table().begin(), option_table().end(),
            [&](const Option& o) { return o.key.starts_with(dotted + "."); });
        if (known_section) {
          flatten(*sub, dotted, source, assign);
          continue;
        }
      }
      throw ConfigError(fmt::format("{}: unknown key '{}'{}", origin_of(key.source(), source), dotted,
                                    suggestion_for(dotted)));
    }
    assign(*option, node, origin_of(node.source(), source));
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
    entries_[std::string(option.key)] = Entry{default_value(option), "default"};
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
  flatten(table, "", source, [&](const Option& option, const toml::node& node, std::string origin) {
    config.assign(option, ConfigParser(option, origin).convert(node), origin);
  });
  return config;
}

Config Config::from_file(const std::filesystem::path& path, SweepTable sweep) {
  std::ifstream in(path, std::ios::binary);
  OURO_CHECK(in.good(), IoError, "cannot open config file '{}'", path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return from_string(text.str(), path.string(), sweep);
}

void Config::set(std::string_view assignment) {
  const auto eq = assignment.find('=');
  OURO_CHECK(eq != std::string_view::npos && eq > 0, ConfigError,
             "--set {}: expected key=value, e.g. --set loop.bias=0.8", assignment);
  std::string key(assignment.substr(0, eq));
  std::string literal(assignment.substr(eq + 1));
  key.erase(key.find_last_not_of(' ') + 1);
  const Option* option = find_option(key);
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
  assign(*option, ConfigParser(*option, "--set").convert(*parsed.get("v")), "--set");
}

void Config::assign(const Option& option, Value value, std::string origin) {
  entries_[std::string(option.key)] = Entry{std::move(value), std::move(origin)};
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

nlohmann::json Config::to_json() const {
  nlohmann::json root = nlohmann::json::object();
  for (const Option& option : option_table()) {
    const Value& v = value(option.key);
    if (std::holds_alternative<std::monostate>(v)) continue;
    nlohmann::json* node = &root;
    std::string_view rest = option.key;
    for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
      node = &(*node)[std::string(rest.substr(0, dot))];
      rest.remove_prefix(dot + 1);
    }
    (*node)[std::string(rest)] = value_json(v);
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
      "the command line with `--set section.key=value`.\n";
  std::string_view section;
  for (const Option& option : option_table()) {
    const std::string_view this_section = option.key.substr(0, option.key.find('.'));
    if (this_section != section) {
      section = this_section;
      out += fmt::format("\n## [{}]\n\n| key | type | default | allowed | meaning |\n"
                         "| --- | --- | --- | --- | --- |\n", section);
    }
    std::string allowed(option.choices.empty() ? option.range : option.choices);
    std::replace(allowed.begin(), allowed.end(), '|', ',');
    out += fmt::format("| `{}` | {} | {} | {} | {} |\n", option.key, type_name(option.type),
                       option.default_value.empty() ? "(none)" : fmt::format("`{}`", option.default_value),
                       allowed.empty() ? "" : fmt::format("`{}`", allowed), option.help);
  }
  return out;
}

}  // namespace ouro
