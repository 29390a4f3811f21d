// Private to ouro_io: the per-format readers behind read_array (array_file.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ouro/core/matrix.hpp"

namespace ouro::detail {

Matrix read_npy(const std::filesystem::path& path);
// A CSV file's numbers and, when its first line is a header, the column names (else empty).
struct CsvTable {
  Matrix values;
  std::vector<std::string> header;
};
CsvTable read_csv(const std::filesystem::path& path);

// Throws DataError naming the file, row and column of the first NaN/Inf (rows and columns count
// from 0, as in the array).
void check_finite_array(const Matrix& x, const std::filesystem::path& path);

}  // namespace ouro::detail
