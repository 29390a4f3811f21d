// read_array: dispatch on the file extension, and the checks every format shares.
#include "ouro/io/array_file.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "array_formats.hpp"
#include "ouro/core/error.hpp"

namespace ouro {
namespace detail {

void check_finite_array(const Matrix& x, const std::filesystem::path& path) {
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const double v = x(i, j);
      OURO_CHECK(std::isfinite(v), DataError, "{}: row {}, column {} (counting from 0) is {}; data must be finite",
                 path.string(), i, j, std::isnan(v) ? "NaN" : (v > 0 ? "inf" : "-inf"));
    }
  }
}

}  // namespace detail

Matrix read_array(const std::filesystem::path& path) { return read_array_table(path).values; }

ArrayTable read_array_table(const std::filesystem::path& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  OURO_CHECK(std::filesystem::exists(status), IoError, "{}: no such file", path.string());
  OURO_CHECK(!std::filesystem::is_directory(status), IoError, "{}: is a folder, expected a .npy or .csv file",
             path.string());
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".npy") return {detail::read_npy(path), {}};
  if (extension == ".csv") {
    detail::CsvTable table = detail::read_csv(path);
    return {std::move(table.values), std::move(table.header)};
  }
  throw IoError(fmt::format("{}: unsupported file type '{}'; expected .npy or .csv", path.string(), extension));
}

}  // namespace ouro
