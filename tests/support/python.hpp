// Python as an independent reference (label: python, or a suite that skips without it): the
// interpreter is OURO_PYTHON (Debian's /usr/bin/python3 with numpy, scipy, sklearn, torch as each
// test needs). A test writes its arrays into a TempDir, runs a script with that folder as
// sys.argv[1], and reads the script's answers back from the same folder.
//
// Arrays travel as text with 17 significant digits, which round-trips every double exactly;
// np.loadtxt reads them and np.savetxt(..., fmt='%.17g') writes the answers the same way.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "io/temp_dir.hpp"
#include "ouro/core/matrix.hpp"

namespace ouro::testing {

// True when OURO_PYTHON can import `module`; a test skips itself, naming the module, when not.
inline bool python_imports(const std::string& module) {
  const std::string command = fmt::format("'{}' -c 'import {}' > /dev/null 2>&1", OURO_PYTHON, module);
  return std::system(command.c_str()) == 0;
}

// Writes `script` to dir/script.py and runs it with the folder as argv[1]; true when it exits 0.
inline bool run_python(const TempDir& dir, const std::string& script) {
  const auto path = dir / "script.py";
  std::ofstream(path) << script;
  const std::string command = fmt::format("'{}' '{}' '{}'", OURO_PYTHON, path.string(), dir.path().string());
  return std::system(command.c_str()) == 0;
}

// One row per line, values separated by spaces (np.loadtxt(path, ndmin=2) reads it back).
inline void write_matrix(const std::filesystem::path& path, const Matrix& m) {
  std::ofstream out(path);
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) out << fmt::format("{:.17g}", m(i, j)) << (j + 1 < m.cols() ? " " : "");
    out << "\n";
  }
}

// Every number in the file, in reading order.
inline std::vector<double> read_numbers(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<double> out;
  std::string token;
  while (in >> token) out.push_back(std::stod(token));
  return out;
}

}  // namespace ouro::testing
