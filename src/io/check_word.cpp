// Check words and file stamps: see check_word.hpp.
#include "ouro/io/check_word.hpp"

#include <array>
#include <fstream>

// xxHash as inline functions: no library to link.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <fmt/format.h>

#include "ouro/core/error.hpp"

namespace ouro {

std::uint64_t check_word(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

struct CheckWordStream::State {
  XXH3_state_t xxh3;
};

CheckWordStream::CheckWordStream() : state_(std::make_unique<State>()) { XXH3_64bits_reset(&state_->xxh3); }

CheckWordStream::~CheckWordStream() = default;

void CheckWordStream::add(const void* data, std::size_t size) { XXH3_64bits_update(&state_->xxh3, data, size); }

std::uint64_t CheckWordStream::word() const { return XXH3_64bits_digest(&state_->xxh3); }

std::string check_word_text(std::uint64_t word) { return fmt::format("{:016x}", word); }

nlohmann::json FileStamp::to_json() const { return {{"bytes", bytes}, {"xxh3", check_word_text(check)}}; }

FileStamp stamp_of_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  OURO_CHECK(in.is_open(), IoError, "cannot open '{}'", path.string());
  CheckWordStream stream;
  FileStamp stamp;
  std::array<char, 1 << 16> block;
  while (in) {
    in.read(block.data(), block.size());
    const auto got = static_cast<std::size_t>(in.gcount());
    stream.add(block.data(), got);
    stamp.bytes += got;
  }
  OURO_CHECK(in.eof(), IoError, "reading '{}' failed", path.string());
  stamp.check = stream.word();
  return stamp;
}

void check_file_stamp(const std::filesystem::path& path, const nlohmann::json& stamp, std::string_view remedy) {
  OURO_CHECK(std::filesystem::exists(path), DataError, "{}: missing (the run wrote it); {}", path.string(), remedy);
  const FileStamp found = stamp_of_file(path);
  const auto bytes = stamp.is_object() ? stamp.value("bytes", std::uint64_t{0}) : 0;
  const std::string check = stamp.is_object() ? stamp.value("xxh3", std::string()) : std::string();
  OURO_CHECK(found.bytes == bytes, DataError, "{}: damaged or changed since the run wrote it ({} bytes, written "
             "with {}); {}", path.string(), found.bytes, bytes, remedy);
  OURO_CHECK(check_word_text(found.check) == check, DataError, "{}: damaged or changed since the run wrote it (its "
             "check word is {}, written as {}); {}", path.string(), check_word_text(found.check), check, remedy);
}

void check_stamped_files(const std::filesystem::path& dir, const nlohmann::json& stamps, std::string_view remedy) {
  OURO_CHECK(stamps.is_object(), DataError, "{}: no stamps of its files; {}", dir.string(), remedy);
  for (const auto& [name, stamp] : stamps.items()) check_file_stamp(dir / name, stamp, remedy);
}

}  // namespace ouro
