// Choosing the data columns of a file by header name or index: see column_selection.hpp.
#include "ouro/io/column_selection.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "ouro/core/error.hpp"

namespace ouro {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The names R, pandas and databases give a row-number column ("Unnamed: 0" is pandas' name for an
// unnamed index column written back).
bool id_like_name(std::string_view name) {
  const std::string n = lower(name);
  return n.empty() || n == "rownames" || n == "row.names" || n == "row_names" || n == "id" || n == "index" ||
         n == "idx" || n == "unnamed: 0";
}

// Holds 0..n-1 or 1..n in file order.
bool counts_rows(const Matrix& x, Eigen::Index column) {
  if (x.rows() < 2) return false;
  for (const double start : {0.0, 1.0}) {
    bool counts = true;
    for (Eigen::Index i = 0; counts && i < x.rows(); ++i) counts = x(i, column) == start + static_cast<double>(i);
    if (counts) return true;
  }
  return false;
}

std::string quoted_names(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const auto& n : names) quoted.push_back(fmt::format("\"{}\"", n));
  return fmt::format("{}", fmt::join(quoted, ", "));
}

}  // namespace

DataColumns select_columns(ArrayTable table, const std::vector<std::string>& wanted, const std::filesystem::path& file,
                           std::string_view setting) {
  const auto columns = static_cast<std::size_t>(table.values.cols());
  DataColumns data;
  data.file = file;
  data.rows = static_cast<std::size_t>(table.values.rows());
  data.file_columns = columns;
  if (wanted.empty()) {
    for (std::size_t k = 0; k < columns; ++k) data.indices.push_back(k);
  }
  for (const std::string& entry : wanted) {
    const auto named = std::find(table.header.begin(), table.header.end(), entry);
    std::size_t index = 0;
    if (named != table.header.end()) {
      index = static_cast<std::size_t>(named - table.header.begin());
    } else {
      const auto [end, ec] = std::from_chars(entry.data(), entry.data() + entry.size(), index);
      const bool is_index = !entry.empty() && ec == std::errc() && end == entry.data() + entry.size();
      if (!is_index) {
        throw ConfigError(
            table.header.empty()
                ? fmt::format("{}: '{}' is not a column of {}: the file has no header, so columns are chosen by "
                              "index counting from 0 (0 to {})",
                              setting, entry, file.string(), columns - 1)
                : fmt::format("{}: '{}' is not a column of {}; its header names {} (or give an index counting "
                              "from 0, 0 to {})",
                              setting, entry, file.string(), quoted_names(table.header), columns - 1));
      }
      OURO_CHECK(index < columns, ConfigError,
                 "{}: column {} is past the last column of {}: it has {} columns, counting from 0 (0 to {})", setting,
                 entry, file.string(), columns, columns - 1);
    }
    OURO_CHECK(std::find(data.indices.begin(), data.indices.end(), index) == data.indices.end(), ConfigError,
               "{}: column {}{} of {} is chosen twice", setting, index,
               table.header.empty() ? std::string() : fmt::format(" ('{}')", table.header[index]), file.string());
    data.indices.push_back(index);
  }
  if (!table.header.empty()) {
    for (const std::size_t k : data.indices) data.names.push_back(table.header[k]);
  }
  bool every_column_in_order = data.indices.size() == columns;
  for (std::size_t j = 0; j < data.indices.size(); ++j) every_column_in_order &= data.indices[j] == j;
  if (every_column_in_order) {
    data.values = std::move(table.values);  // no copy of what may be gigabytes
    return data;
  }
  // Row by row: the values are row-major, so a column at a time would stride through all of them.
  data.values.resize(table.values.rows(), static_cast<Eigen::Index>(data.indices.size()));
  for (Eigen::Index i = 0; i < table.values.rows(); ++i) {
    const double* from = table.values.row(i).data();
    double* to = data.values.row(i).data();
    for (std::size_t j = 0; j < data.indices.size(); ++j) to[j] = from[data.indices[j]];
  }
  return data;
}

DataColumns read_columns(const std::filesystem::path& file, const std::vector<std::string>& wanted,
                         std::string_view setting) {
  return select_columns(read_array_table(file), wanted, file, setting);
}

std::optional<std::size_t> id_like_column(const ArrayTable& table) {
  // A file of one column has nothing else to read: its column is the data, whatever it holds.
  if (table.values.cols() < 2) return std::nullopt;
  for (Eigen::Index k = 0; k < table.values.cols(); ++k) {
    const bool named = !table.header.empty() && id_like_name(table.header[static_cast<std::size_t>(k)]);
    if (named || counts_rows(table.values, k)) return static_cast<std::size_t>(k);
  }
  return std::nullopt;
}

std::string id_column_warning(const ArrayTable& table, std::size_t column, const std::filesystem::path& file,
                              std::string_view setting) {
  const bool named = !table.header.empty();
  std::vector<std::string> others;
  for (std::size_t k = 0; k < static_cast<std::size_t>(table.values.cols()); ++k) {
    if (k != column) others.push_back(named ? table.header[k] : std::to_string(k));
  }
  const std::string which =
      named ? fmt::format("column {} '{}'", column, table.header[column]) : fmt::format("column {}", column);
  const std::string why = named && id_like_name(table.header[column]) ? "is named like a row number"
                                                                      : "counts the rows";
  const std::string fix =
      setting.starts_with("--") ? fmt::format("choose the data columns with {} {}", setting, fmt::join(others, ","))
      : named ? fmt::format("choose the data columns with {} = [{}]", setting, quoted_names(others))
              : fmt::format("choose the data columns with {} = [{}]", setting, fmt::join(others, ", "));
  return fmt::format("{}: {} (counting from 0) {} and is read as data; {}", file.string(), which, why, fix);
}

nlohmann::json columns_record(const DataColumns& data) {
  nlohmann::json columns = nlohmann::json::array();
  for (std::size_t j = 0; j < data.indices.size(); ++j) {
    nlohmann::json column = {{"index", data.indices[j]}};
    if (!data.names.empty()) column["name"] = data.names[j];
    columns.push_back(std::move(column));
  }
  return {{"file", data.file.string()},
          {"rows", data.rows},
          {"columns", std::move(columns)},
          {"dim", data.indices.size()}};
}

}  // namespace ouro
