// Reading and writing numeric arrays: .npy (NumPy's format) and .csv, rows are samples.
//
// Used by file truths and the standalone metric tool. .npy files must hold float32 or float64 (any
// byte order) or integer data in C order, with one or two dimensions (one dimension = one column).
// .csv files hold numbers separated by commas; a first line that does not parse as numbers is taken
// as a header naming the columns. Every error names the file and, for CSV, the line and column.
// Choosing columns by name or index is column_selection.hpp's job.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "ouro/core/matrix.hpp"

namespace ouro {

// Reads a .npy or .csv file (chosen by extension). Throws IoError (missing, unreadable, malformed,
// unsupported dtype or order) or DataError (no rows, ragged rows, NaN/Inf).
Matrix read_array(const std::filesystem::path& path);

// A file's numbers with the column names its CSV header gave; `header` is empty for a .npy file
// or a CSV file without a header.
struct ArrayTable {
  Matrix values;
  std::vector<std::string> header;
};
// As read_array, keeping the header.
ArrayTable read_array_table(const std::filesystem::path& path);

// A .npy array of one or more dimensions as rows: the first dimension counts the rows, the others
// are flattened in C order into the columns (an (n, 28, 28) array of images is n rows of 784), with
// the file's shape and whether its dtype is an integer type (uint8 image levels, say).
struct NpyRows {
  Matrix values;
  std::vector<std::uint64_t> shape;
  bool integer = false;
};
// IoError/DataError as read_array, naming the file.
NpyRows read_npy_rows(const std::filesystem::path& path);

// Writes a float64 C-order .npy file (atomically: temporary name, then rename).
void write_npy(const std::filesystem::path& path, const Matrix& x);
// Writes a one-dimensional float32 .npy file (network weights), atomically.
void write_npy(const std::filesystem::path& path, std::span<const float> values);

}  // namespace ouro
