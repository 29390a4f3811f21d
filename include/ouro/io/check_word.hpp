// Check words: the 64-bit XXH3 hash of a file's or record's bytes, stored beside them, so that
// damage anywhere is found before anything is decoded and no damaged file turns into a plausible
// result. XXH3 checks several gigabytes a second, so even a run that finishes thousands of
// replicates a second can check every record it writes and reads.
//
// Binary formats (checkpoints, the finished-replicate log) store the word after the bytes it
// covers. A run's result files are stamped instead: run.json records each one's size and check
// word (a FileStamp), and whoever reads them back (`ouro report`, `ouro merge`, a sweep's
// sweep.csv) checks the stamp first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ouro {

// The check word of `bytes`.
std::uint64_t check_word(std::string_view bytes);

// The check word of bytes given piece by piece: equal to check_word() of their concatenation.
class CheckWordStream {
 public:
  CheckWordStream();
  ~CheckWordStream();
  CheckWordStream(const CheckWordStream&) = delete;
  CheckWordStream& operator=(const CheckWordStream&) = delete;

  void add(const void* data, std::size_t size);
  std::uint64_t word() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A check word as written into JSON: 16 lower-case hex digits.
std::string check_word_text(std::uint64_t word);

// What a run's JSON records of one of its files.
struct FileStamp {
  std::uint64_t bytes = 0;
  std::uint64_t check = 0;

  bool operator==(const FileStamp&) const = default;
  nlohmann::json to_json() const;
};

// The stamp of a file's current contents (read whole, in blocks). IoError when it cannot be read.
FileStamp stamp_of_file(const std::filesystem::path& path);

// Throws DataError naming `path` unless its contents match `stamp` (as FileStamp::to_json() wrote
// it), saying whether it is missing, has another size or other bytes, and `remedy` (what to do).
void check_file_stamp(const std::filesystem::path& path, const nlohmann::json& stamp, std::string_view remedy);

// check_file_stamp() for every file named in `stamps` (a JSON object of name -> stamp, as run.json's
// "files"), under `dir`.
void check_stamped_files(const std::filesystem::path& dir, const nlohmann::json& stamps, std::string_view remedy);

}  // namespace ouro
