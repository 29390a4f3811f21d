// Column selection: which columns of a data file are the samples' coordinates.
//
// A data file (a file truth's truth.path, the two files of `ouro metric`) may hold columns that are
// not data: R's row names, an id, an index. The user names the columns to read
// (`truth.columns = ["eruptions", "waiting"]`, `ouro metric --columns eruptions,waiting`), each by
// its header name or by its index counting from 0 (the first column is 0, as in NumPy and in the
// .npy reader's messages). An entry is a header name when one matches it exactly, else a decimal
// index. With no columns chosen every column is read, and a column that looks like a row number
// (named rownames, id, index or nothing, or holding the integers 0..n-1 or 1..n in file order) in a
// file of two or more columns is reported so the caller can warn: it would be fitted as data.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ouro/core/matrix.hpp"
#include "ouro/io/array_file.hpp"

namespace ouro {

// What was read from a data file: the file, its rows, the columns used and their values.
struct DataColumns {
  std::filesystem::path file;        // the path opened
  std::size_t rows = 0;              // rows (samples) in the file
  std::size_t file_columns = 0;      // columns in the file
  std::vector<std::size_t> indices;  // the columns used, counting from 0, in the order chosen
  std::vector<std::string> names;    // their header names; empty when the file has no header
  Matrix values;                     // rows x indices.size()
  std::string warning;               // for the user (an id-like column read as data); empty: none
};

// Resolves `wanted` (header names or indices counting from 0; empty: every column) against
// `table`. Throws ConfigError naming `setting` (e.g. "truth.columns", "--columns"), the file and,
// for an unknown name, the header's names; an index past the last column, a name in a file without
// header and a column chosen twice are refused too. Every column in order takes the table's values
// without a copy (pass the table as an rvalue to give them up).
DataColumns select_columns(ArrayTable table, const std::vector<std::string>& wanted, const std::filesystem::path& file,
                           std::string_view setting);

// read_array_table then select_columns.
DataColumns read_columns(const std::filesystem::path& file, const std::vector<std::string>& wanted,
                         std::string_view setting);

// The first column of `table` that looks like a row number rather than data, counting from 0;
// nullopt when none does, and for a file of one column (which can only be the data).
std::optional<std::size_t> id_like_column(const ArrayTable& table);

// The warning for a file read whole whose column `column` looks like a row number: names the file,
// the column and the fix (`setting` = [the other columns]).
std::string id_column_warning(const ArrayTable& table, std::size_t column, const std::filesystem::path& file,
                              std::string_view setting);

// {"file", "rows", "columns": [{"index", "name"}...], "dim"}: what run.json and `ouro metric
// --format json` say was read ("name" is absent for a file without header).
nlohmann::json columns_record(const DataColumns& data);

}  // namespace ouro
