// JSON files of a run: see json_file.hpp.
#include "ouro/io/json_file.hpp"

#include <fstream>
#include <sstream>

#include "ouro/core/error.hpp"
#include "ouro/io/atomic_file.hpp"

namespace ouro {

nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  OURO_CHECK(in.is_open(), IoError, "cannot open '{}'", path.string());
  std::stringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw DataError(fmt::format("{}: damaged: not valid JSON at byte {} of {}; start over with --force",
                                path.string(), e.byte, text.str().size()));
  }
}

void write_json_file(const std::filesystem::path& path, const nlohmann::json& value) {
  AtomicFile file(path);
  file.stream() << value.dump(2) << '\n';
  file.commit();
}

}  // namespace ouro
