// AtomicFile: temporary name, then rename (see atomic_file.hpp).
#include "ouro/io/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "ouro/core/error.hpp"

namespace ouro {
namespace {

std::filesystem::path temporary_name(const std::filesystem::path& path) {
  std::filesystem::path temporary = path;
  temporary += ".tmp-" + std::to_string(::getpid());
  return temporary;
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)), temporary_(temporary_name(path_)) {
  out_.open(temporary_, std::ios::out | std::ios::binary | std::ios::trunc);
  OURO_CHECK(out_.is_open(), IoError, "{}: cannot create the temporary file {}: {}", path_.string(),
             temporary_.string(), std::strerror(errno));
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  if (out_.is_open()) out_.close();
  std::error_code ignored;  // a destructor must not throw; the file may already be gone
  std::filesystem::remove(temporary_, ignored);
}

std::ostream& AtomicFile::stream() { return out_; }

void AtomicFile::commit() {
  OURO_CHECK(!committed_, IoError, "{}: committed twice", path_.string());
  out_.flush();
  const bool written = out_.good();
  out_.close();
  if (!written || out_.fail()) {
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
    throw IoError(fmt::format("{}: writing {} failed (disk full?)", path_.string(), temporary_.string()));
  }
  std::error_code error;
  std::filesystem::rename(temporary_, path_, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
    throw IoError(fmt::format("{}: cannot rename {} onto it: {}", path_.string(), temporary_.string(),
                              error.message()));
  }
  committed_ = true;
}

}  // namespace ouro
