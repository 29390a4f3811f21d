// SweepGrid: the settings a sweep varies, and the cells (runs) they make.
//
// A grid is a list of axes, each a config key with a list of values, from the [sweep] table of the
// config file (`"loop.bias" = [1.0, 0.8]`, keys in the order the file lists them) followed by the
// `--grid key=v1,v2,...` arguments in command-line order (a --grid key already in the table
// replaces its values). The cells are the cartesian product in row-major order: the first axis
// varies slowest, the last fastest, so cell i's value index on the last axis is i % (its size).
// Zipped axes (`--zip key=v1,v2,...`, for settings that must change together, such as
// loop.initial and loop.synthetic) are one dimension of that product: they advance together, the
// j-th cell along it taking the j-th value of each, so they need as many values each; the
// dimension stands where the first zipped axis stands.
//
// Every key must be a known config key other than run.threads (which never changes results; a key
// of a repeated section names an element the base config has, `filter.0.candidates`), with
// at least one value, no value twice, and values of the key's type and range: each value is
// applied to the base config exactly as `--set key=value` would be, and every error names the key
// and the value.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ouro/core/config.hpp"

namespace ouro {

struct GridAxis {
  std::string key;
  std::string where;                  // "file.toml:12:1" or "--grid"
  std::vector<std::string> literals;  // TOML literals (or bare words), as --set takes them
  std::vector<std::string> labels;    // resolved values as text: strings bare, numbers as JSON ("1.0")
  std::vector<nlohmann::json> values;  // resolved values as run.json writes them
  bool zipped = false;                 // from --zip: advances with the other zipped axes
};

class SweepGrid {
 public:
  // The [sweep] table of a config file; an empty grid when the file has none. Throws ConfigError
  // naming the file, line and key for a malformed table.
  static SweepGrid from_file(const std::filesystem::path& config_file);

  // Adds or replaces an axis from `--grid key=v1,v2,...` (commas inside [...] or quotes do not split).
  // `where` names its origin in messages (default "--grid <argument>"; `ouro phase` says "--real ...").
  void add_argument(std::string_view argument, std::string_view where = {});
  // The same for `--zip key=v1,v2,...`: the axis is zipped with the other --zip axes.
  void add_zip_argument(std::string_view argument);

  // Checks every axis against `base` (known key, values of the right type, no duplicates) and
  // resolves the labels and values. Must precede cell_config() and the other cell queries.
  void resolve(const Config& base);

  bool empty() const { return axes_.empty(); }
  const std::vector<GridAxis>& axes() const { return axes_; }
  std::size_t cell_count() const;
  // The value index on each axis of cell `cell`.
  std::vector<std::size_t> choices(std::size_t cell) const;
  // `base` with the cell's values applied.
  Config cell_config(const Config& base, std::size_t cell) const;
  // "key=label,key=label" of the cell.
  std::string cell_label(std::size_t cell) const;
  // The cell's folder under OUT/cells: "<index>-<label>", the index zero-padded to the width of
  // the largest one and the label cut to 96 characters with anything but [A-Za-z0-9._=,+-] as '_'.
  std::string cell_folder(std::size_t cell) const;

  // [{"key", "values": [resolved values], "labels", "zipped": true (zipped axes only)}], what
  // sweep.json records and resume/merge compare.
  nlohmann::json to_json() const;

 private:
  // The product's dimensions, slowest first: each a list of the axes (indices) that advance together.
  std::vector<std::vector<std::size_t>> dimensions() const;

  std::vector<GridAxis> axes_;
  bool resolved_ = false;
};

// A share of the cells for one machine or job-array task, `index` of `count` (shard_cells says
// which cells).
struct Shard {
  std::size_t index = 0;
  std::size_t count = 1;
  // "i/N" with 0 <= i < N; throws ConfigError naming `--shard` and the text otherwise.
  static Shard parse(std::string_view text);
};

// A cell's estimated cost, what shards balance: replicates x (generations + 1) x (loop.initial +
// loop.synthetic), the samples its loops draw and fit.
double estimated_cell_cost(const Config& cell);

// The cells of `shard`, ascending. Every shard computes the same split from the grid alone: the
// cells sorted by estimated cost, longest first (ties: lower index first), each given to the shard
// whose cells cost least so far (ties: the lower shard), so that one slow cell does not hold a
// job array back. A cell whose config cannot be built costs 0 (a sweep with --skip-invalid skips it).
std::vector<std::size_t> shard_cells(const SweepGrid& grid, const Config& base, const Shard& shard);

}  // namespace ouro
