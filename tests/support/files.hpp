// Files for the tests that write and read real folders: an emptied scratch folder under the
// system's temporary directory, a config written into one, and a whole file read back as bytes.
#pragma once

#include <filesystem>
#include <fstream>
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

// temp/<name>, emptied and created: a test's own folder, named so that no two tests share one.
inline std::filesystem::path scratch_dir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / name;
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
