// Files for the tests that write and read real folders: an emptied scratch folder under the
// system's temporary directory, a config written into one, and a whole file read back as bytes.
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

namespace ouro::testing {

// The file's bytes (empty when it cannot be read).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// temp/ouro-<checkout>/<name>, emptied and created: a test's own folder, named so that no two tests
// share one. The checkout's part (a hash of its source folder) keeps two checkouts' suites, run at
// the same time on one machine, out of each other's folders.
inline std::filesystem::path scratch_dir(const std::string& name) {
  const std::size_t checkout = std::hash<std::string>{}(OURO_SOURCE_DIR);
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("ouro-" + std::to_string(checkout % 1000000007)) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Writes `text` to dir/name and returns that path.
inline std::filesystem::path write_config(const std::filesystem::path& dir, const std::string& text,
                                          const std::string& name = "config.toml") {
  std::ofstream(dir / name) << text;
  return dir / name;
}

}  // namespace ouro::testing
