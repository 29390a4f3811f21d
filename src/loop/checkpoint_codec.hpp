// The byte layout shared by a run's checkpoint files: a writer and a bounds-checked reader of
// plain values in the machine's byte order, and the encodings of a replicate's results and of a
// data set. Private to the loop module (checkpoint.cpp and finished_log.cpp).
//
// Doubles are stored as their bits, so a value read back is the value written. Every count read
// is checked against the bytes left before anything is allocated, so a damaged file fails with a
// message naming it instead of a huge allocation or a read past the end.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ouro/core/dataset.hpp"
#include "ouro/core/error.hpp"
#include "ouro/io/check_word.hpp"
#include "ouro/loop/recorder.hpp"

namespace ouro::checkpoint_codec {

// Ends every checkpoint file and finished-log record: a file cut short lacks it.
inline constexpr std::string_view kTrailer = "END.";

// The opening word of a binary file: a family of seven letters and a version digit ("OUROCKP6").
// Throws DataError naming `path` unless `bytes` start with `magic`: another version of the family
// is named as such ("checkpoint format 3; this ouro reads 4"), anything else as not `what`. The
// message ends with `remedy`.
void expect_magic(std::string_view bytes, std::string_view magic, std::string_view what,
                  const std::filesystem::path& path, std::string_view remedy);


class Writer {
 public:
  template <typename T>
  void put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void put_bytes(const void* data, std::size_t size) { out_.append(static_cast<const char*>(data), size); }
  void put_text(std::string_view text) { out_.append(text); }
  const std::string& bytes() const { return out_; }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

// Reads `bytes` (owned by the caller) from the front; errors name `path`.
class Reader {
 public:
  Reader(std::string_view bytes, const std::filesystem::path& path) : bytes_(bytes), path_(path) {}

  template <typename T>
  T get() {
    T value;
    get_bytes(&value, sizeof value);
    return value;
  }
  void get_bytes(void* out, std::size_t size) {
    OURO_CHECK(size <= left(), DataError, "{}: checkpoint file is truncated (byte {} of {})", path_.string(), at_,
               bytes_.size());
    if (size > 0 && out) std::memcpy(out, bytes_.data() + at_, size);
    at_ += size;
  }
  void skip(std::size_t size) { get_bytes(nullptr, size); }
  // A count read from the file, checked against what the rest of the file can hold.
  std::size_t count(std::size_t element_size) {
    const auto n = get<std::uint64_t>();
    OURO_CHECK(element_size == 0 || n <= left() / element_size, DataError,
               "{}: checkpoint file is corrupt (a count of {} at byte {})", path_.string(), n, at_);
    return static_cast<std::size_t>(n);
  }
  std::size_t position() const { return at_; }
  const std::filesystem::path& path() const { return path_; }
  std::size_t left() const { return bytes_.size() - at_; }
  bool at_end() const { return at_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
  const std::filesystem::path& path_;
};

// The values, composition, side rows and filter counts of a replicate (its number is the caller's).
void put_results(Writer& w, const ReplicateResult& result);
void get_results(Reader& r, ReplicateResult& result);

// A length-prefixed string (side rows, filter states, an encoded model).
void put_string(Writer& w, std::string_view text);
std::string get_string(Reader& r);

void put_dataset(Writer& w, const Dataset& d);
Dataset get_dataset(Reader& r);

}  // namespace ouro::checkpoint_codec
