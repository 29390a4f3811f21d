// The experiment configuration: one declarative option table, a TOML parser driven by it, and
// typed, validated access to the resolved values.
//
// Every setting ouroboros understands is one row of the option table (options.cpp): its dotted key,
// its type, its default, its allowed range or choices, and a help sentence. That single table
// drives parsing, validation, `--set` overrides, the resolved echo in run.json and the generated
// config reference (docs/config.md), so they cannot drift apart. Keys are flattened: the TOML
// `[truth] zipf = { outcomes = 5 }` is the key `truth.zipf.outcomes`.
//
// A repeated section is written as an array of TOML tables (`[[filter]]`, once per element, in
// order). Its rows in the option table describe one element; element i holds them under the keys
// `filter.<i>.<name>` (`filter.1.min_reward`), each default filled in per element. The row keys
// themselves (`filter.min_reward`) are never entries of a Config, so a config without the
// section has no entries of it at all and resolves exactly as before the section existed.
//
// Every error names the key, where its value came from (file:line:column, `--set`, or default),
// the offending value and what was expected.
#pragma once

#include <cstddef>
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
  kNameOrIndexList, // ["a", 2]: names, or integers held as their text (data columns)
  kRealOrString,    // 0.5 or one of `choices`
};

struct Option {
  std::string_view key;            // dotted, e.g. "loop.initial"
  OptionType type;
  std::string_view default_value;  // a TOML literal; empty = no default (the key is optional)
  std::string_view help;           // one sentence for the docs and `ouro options`
  std::string_view choices = {};   // "a|b|c" for strings
  std::string_view range = {};     // "[0, inf)", "(0, 1]" for numbers (and list elements)
  bool repeated = false;           // a row of a repeated section: one value per [[section]] table
  // A file or folder (a string): a relative one is resolved when read, against the folder of the
  // config file that sets it, or the working directory for --set, and held as an absolute path.
  bool path = false;
};

// A section written as an array of tables ([[filter]]); its rows are marked `repeated`.
struct RepeatedSection {
  std::string_view name;      // "filter"
  std::string_view required;  // the key every element must set ("kind"); empty: none
  std::string_view help;      // a sentence for the docs: what the elements are and how they combine
};

// The table of every option, in documentation order (defined in options.cpp).
std::span<const Option> option_table();

// Looks up an option by key; nullptr when unknown. Takes row keys (`filter.kind`), not element
// keys (`filter.0.kind`: see split_table_key).
const Option* find_option(std::string_view key);

// The repeated sections (defined in options.cpp, beside the option table).
std::span<const RepeatedSection> repeated_sections();
// True when `section` ("filter") is written as an array of tables.
bool is_repeated_section(std::string_view section);

// An element key of a repeated section split into its row and element index.
struct TableKey {
  const Option* option;  // the row, e.g. "filter.min_reward"
  std::size_t index;     // the element, from 0
};
// "filter.1.min_reward" -> {row filter.min_reward, 1}; nullopt unless `key` is a repeated section,
// a decimal index (no sign, no leading zero) and the name of one of that section's rows.
std::optional<TableKey> split_table_key(std::string_view key);

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

  // Parses a TOML file; throws ConfigError (syntax, unknown key, type, range) or IoError. A relative
  // path (a row marked `path`) is taken relative to the file's folder.
  static Config from_file(const std::filesystem::path& path, SweepTable sweep = SweepTable::kRefuse);
  // Parses TOML text; `source` names it in messages.
  static Config from_string(std::string_view toml_text, std::string_view source = "<string>",
                            SweepTable sweep = SweepTable::kRefuse);

  // Applies one `key=value` override (value is a TOML literal; a bare word is taken as a string).
  // A relative path is taken relative to the working directory.
  // A key of a repeated section names its element (`filter.1.min_reward=0.5`); the element must
  // exist: --set changes [[filter]] tables, it does not add them.
  // `value` with a relative path of a `path` row made absolute against `folder`; any other value
  // as it is. Config files resolve against their folder, --set against the working directory,
  // and a sweep grid in a config file (SweepGrid::from_file) against the file's folder.
  static Value resolved_path(std::string_view key, Value value, const std::filesystem::path& folder);

  void set(std::string_view assignment);

  // The number of elements (tables) of a repeated section; 0 when the config has none.
  std::size_t table_count(std::string_view section) const;
  // The key of `name` in element `index` of a repeated section: ("filter", 1, "kind") ->
  // "filter.1.kind", for the typed accessors below.
  static std::string table_key(std::string_view section, std::size_t index, std::string_view name);

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
  // A repeated section present in the config is a JSON array of one object per element, e.g.
  // "filter": [{"kind": "dedup", ...}]; an absent one is omitted. Within an element, a sub-table
  // that shares its name with a list row (filter.reward and filter.reward.linear) is written only
  // when one of its keys was set, so the two never meet (parsing refuses an element setting both).
  nlohmann::json to_json() const;
  // A value rendered as TOML-ish text for messages.
  std::string render(std::string_view key) const;

 private:
  struct Entry {
    Value value;
    std::string origin;  // "default", "--set" or "file:line:col"
  };
  void assign(std::string key, Value value, std::string origin);
  const Entry& entry(std::string_view key) const;
  // Adds element `tables_[section].size()` with every default of the section; returns its index.
  std::size_t add_table(std::string_view section, std::string origin);
  // The rules that involve several keys of one element: no list row set together with keys of the
  // sub-table of the same name, and (while parsing, `assignment` empty) the section's required key.
  // `assignment` is the --set that changed the element; messages begin with it.
  void check_table(std::string_view section, std::size_t index, std::string_view assignment) const;
  // True when some key under `prefix` + "." of element `index` was set by the user.
  bool sub_table_in_use(std::string_view section, std::size_t index, std::string_view prefix) const;

  std::map<std::string, Entry, std::less<>> entries_;
  // Where each element of every repeated section present begins ("file:line:col" of its
  // [[section]] header or inline table), for messages; an absent section has no entry.
  std::map<std::string, std::vector<std::string>, std::less<>> tables_;

  friend class ConfigParser;
};

// Renders a Value for messages and docs.
std::string render_value(const Value& value);

// The Markdown config reference generated from the option table (docs/config.md).
std::string options_markdown();

}  // namespace ouro
