// The experiment configuration: one declarative option table, a TOML parser driven by it, and
// typed, validated access to the resolved values.
//
// Every setting ouroboros understands is one row of the option table (options.cpp): its dotted key,
// its type, its default, its allowed range or choices, and a help sentence. That single table
// drives parsing, validation, `--set` overrides, the resolved echo in run.json and the generated
// config reference (docs/config.md), so they cannot drift apart. Keys are flattened: the TOML
// `[truth] zipf = { outcomes = 5 }` is the key `truth.zipf.outcomes`.
//
// Every error names the key, where its value came from (file:line:column, `--set`, or default),
// the offending value and what was expected.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ouro/core/matrix.hpp"

namespace ouro {

enum class OptionType {
  kInteger,
  kReal,
  kBoolean,
  kString,          // one of `choices` when choices is not empty
  kRealList,        // [1.0, 2.0]
  kRealMatrix,      // [[1.0, 0.0], [0.0, 1.0]]
  kRealMatrixList,  // [ [[1.0]], [[2.0]] ]
  kStringList,      // ["a", "b"]
  kRealOrString,    // 0.5 or one of `choices`
};

struct Option {
  std::string_view key;            // dotted, e.g. "loop.initial"
  OptionType type;
  std::string_view default_value;  // a TOML literal; empty = no default (the key is optional)
  std::string_view help;           // one sentence for the docs and `ouro options`
  std::string_view choices = {};   // "a|b|c" for strings
  std::string_view range = {};     // "[0, inf)", "(0, 1]" for numbers (and list elements)
};

// The table of every option, in documentation order (defined in options.cpp).
std::span<const Option> option_table();

// Looks up an option by key; nullptr when unknown.
const Option* find_option(std::string_view key);

// Human name of an option type ("integer", "list of reals", ...).
std::string_view type_name(OptionType type);

using Value = std::variant<std::monostate, std::int64_t, double, bool, std::string,
                           std::vector<double>, Matrix, std::vector<Matrix>,
                           std::vector<std::string>>;

class Config {
 public:
  // All defaults, nothing user-set.
  Config();

  // What a config file may hold besides the option table's keys.
  enum class SweepTable {
    kRefuse,  // a [sweep] table is an error that points to `ouro sweep` (`ouro run`)
    kIgnore,  // a [sweep] table is skipped; `ouro sweep` reads it itself (ouro/sweep/grid.hpp)
  };

  // Parses a TOML file; throws ConfigError (syntax, unknown key, type, range) or IoError.
  static Config from_file(const std::filesystem::path& path, SweepTable sweep = SweepTable::kRefuse);
  // Parses TOML text; `source` names it in messages.
  static Config from_string(std::string_view toml_text, std::string_view source = "<string>",
                            SweepTable sweep = SweepTable::kRefuse);

  // Applies one `key=value` override (value is a TOML literal; a bare word is taken as a string).
  void set(std::string_view assignment);

  // Typed access; throws ConfigError if the key has no value or the wrong type (a bug or a missing
  // required setting, reported with the key).
  std::int64_t integer(std::string_view key) const;
  double real(std::string_view key) const;
  bool boolean(std::string_view key) const;
  const std::string& text(std::string_view key) const;
  const std::vector<double>& reals(std::string_view key) const;
  const Matrix& matrix(std::string_view key) const;
  const std::vector<Matrix>& matrices(std::string_view key) const;
  const std::vector<std::string>& texts(std::string_view key) const;
  const Value& value(std::string_view key) const;

  // True when the key has a value (user-set or default).
  bool has(std::string_view key) const;
  // True when the user set the key (file or --set), not just defaulted.
  bool user_set(std::string_view key) const;
  // Where the value came from: "file.toml:12:5", "--set", or "default".
  std::string where(std::string_view key) const;

  // Throws ConfigError naming the key, its origin and value: "<where>: <key> = <value>: <message>".
  [[noreturn]] void fail(std::string_view key, std::string_view message) const;

  // The resolved configuration as nested JSON (defaults filled in; unset optional keys omitted).
  nlohmann::json to_json() const;
  // A value rendered as TOML-ish text for messages.
  std::string render(std::string_view key) const;

 private:
  struct Entry {
    Value value;
    std::string origin;  // "default", "--set" or "file:line:col"
  };
  void assign(const Option& option, Value value, std::string origin);
  const Entry& entry(std::string_view key) const;

  std::map<std::string, Entry, std::less<>> entries_;

  friend class ConfigParser;
};

// Renders a Value for messages and docs.
std::string render_value(const Value& value);

// The Markdown config reference generated from the option table (docs/config.md).
std::string options_markdown();

}  // namespace ouro
