// The append-only record of a run's finished replicates: see finished_log.hpp.
#include "ouro/loop/finished_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "checkpoint_codec.hpp"
#include "ouro/core/error.hpp"

namespace ouro {
namespace {

using checkpoint_codec::kTrailer;
using checkpoint_codec::Reader;
using checkpoint_codec::Writer;

// Bumped whenever the layout changes: an old log is then refused by name rather than misread.
// Version 3: the header and each record's length carry check words of their own.
constexpr std::string_view kMagic = "OUROFIN4";
constexpr std::size_t kWord = sizeof(std::uint64_t);
constexpr std::size_t kHeaderSize = kMagic.size() + 3 * kWord;  // magic, metrics, generations, check
constexpr std::size_t kRecordHead = 2 * kWord;                   // length, its check word
constexpr std::size_t kFraming = kRecordHead + kWord + kTrailer.size();
constexpr std::string_view kRemedy = "remove the run's .partial folder to rerun every replicate, or start over with --force";

std::string header(std::size_t metrics, std::size_t generations) {
  Writer w;
  w.put_text(kMagic);
  w.put<std::uint64_t>(metrics);
  w.put<std::uint64_t>(generations);
  w.put<std::uint64_t>(check_word(w.bytes()));
  return w.bytes();
}

// What to do about a record found damaged at byte `at`: the records before it passed their checks.
std::string remedy(const std::filesystem::path& path, std::size_t at) {
  return fmt::format("`truncate -s {} {}` keeps the replicates before it (the rest rerun), or {}", at, path.string(),
                     kRemedy);
}

// A power loss can leave a file longer than what reached the disk, the rest reading as zeros.
bool all_zero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == '\0'; });
}

std::string read_all(const std::filesystem::path& path, bool* exists) {
  std::ifstream in(path, std::ios::binary);
  *exists = in.is_open();
  if (!in.is_open()) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::uint64_t u64_at(std::string_view bytes, std::size_t at) {
  std::uint64_t value;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  return value;
}

// Writes all of `bytes` at the file's end, retrying short writes; the errno of a failure.
int write_fully(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

}  // namespace

FinishedLog::FinishedLog(std::filesystem::path path, std::size_t metrics, std::size_t generations)
    : path_(std::move(path)), metrics_(metrics), generations_(generations) {}

FinishedLog::~FinishedLog() { close(); }

std::size_t FinishedLog::scan(std::vector<ReplicateResult>* results, std::vector<std::size_t>* replicates) const {
  bool exists = false;
  const std::string file = read_all(path_, &exists);
  const std::string_view bytes(file);
  if (!exists) return 0;
  // Killed while the header was being written (or before it reached the disk).
  if (all_zero(bytes)) return 0;
  if (bytes.size() < kHeaderSize) {
    // A prefix of some header, or a foreign file.
    OURO_CHECK(std::string_view(kMagic).substr(0, std::min(bytes.size(), kMagic.size())) ==
                   bytes.substr(0, kMagic.size()),
               DataError, "{}: not an ouro finished-replicate log; {}", path_.string(), kRemedy);
    return 0;
  }
  checkpoint_codec::expect_magic(bytes, kMagic, "finished-replicate log", path_, kRemedy);
  const std::string_view head = bytes.substr(0, kHeaderSize);
  OURO_CHECK(u64_at(head, kHeaderSize - kWord) == check_word(head.substr(0, kHeaderSize - kWord)), DataError,
             "{}: finished-replicate log is damaged (its header fails its check); {}", path_.string(), kRemedy);
  const auto metrics = u64_at(head, kMagic.size());
  const auto generations = u64_at(head, kMagic.size() + kWord);
  OURO_CHECK(metrics == metrics_ && generations == generations_, DataError,
             "{}: log of a run with {} metrics and {} generations; this run has {} and {}", path_.string(), metrics,
             generations, metrics_, generations_);

  // Only an append the writer did not finish may be cut short, and it can only be the last: a
  // prefix of a record (its head incomplete, or the record running past the end), or, after a power
  // loss, zeros where its bytes had not reached the disk. Every other failing check is damage.
  std::size_t at = kHeaderSize;
  while (at < bytes.size()) {
    const std::string_view rest = bytes.substr(at);
    if (rest.size() < kRecordHead) break;
    const std::uint64_t length = u64_at(rest, 0);
    if (u64_at(rest, kWord) != check_word(rest.substr(0, kWord))) {
      if (all_zero(rest)) break;
      throw DataError(fmt::format("{}: finished-replicate log is damaged (the record at byte {} has a damaged "
                                  "length); {}", path_.string(), at, remedy(path_, at)));
    }
    if (rest.size() < kFraming || length > rest.size() - kFraming) break;  // runs past the end
    const std::string_view payload = rest.substr(kRecordHead, length);
    const std::size_t size = kFraming + length;
    const bool intact = u64_at(rest, kRecordHead + length) == check_word(payload) &&
                        rest.substr(size - kTrailer.size(), kTrailer.size()) == kTrailer;
    if (!intact) {
      if (size == rest.size() && all_zero(rest.substr(size - kTrailer.size()))) break;
      throw DataError(fmt::format("{}: finished-replicate log is damaged (the record at byte {} fails its check); "
                                  "{}", path_.string(), at, remedy(path_, at)));
    }
    if (replicates) replicates->push_back(static_cast<std::size_t>(Reader(payload, path_).get<std::uint64_t>()));
    if (results) {
      Reader r(payload, path_);
      ReplicateResult result;
      result.replicate = static_cast<std::size_t>(r.get<std::uint64_t>());
      checkpoint_codec::get_results(r, result);
      OURO_CHECK(r.at_end() && result.values.size() == (generations_ + 1) * metrics_, DataError,
                 "{}: the record at byte {} holds {} values for {} generations of {} metrics", path_.string(), at,
                 result.values.size(), generations_ + 1, metrics_);
      results->push_back(std::move(result));
    }
    at += size;
  }
  return at;
}

std::vector<ReplicateResult> FinishedLog::read() const {
  std::vector<ReplicateResult> results;
  scan(&results, nullptr);
  return results;
}

std::vector<std::size_t> FinishedLog::replicates() const {
  std::vector<std::size_t> numbers;
  scan(nullptr, &numbers);
  return numbers;
}

void FinishedLog::open() {
  const std::lock_guard lock(mutex_);
  OURO_CHECK(fd_ < 0, Error, "internal: {} opened twice", path_.string());
  const std::size_t valid = scan(nullptr, nullptr);
  const int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (valid == 0 ? O_TRUNC : 0);
  fd_ = ::open(path_.c_str(), flags, 0644);
  OURO_CHECK(fd_ >= 0, IoError, "cannot open '{}' for appending: {}", path_.string(), std::strerror(errno));
  int error = 0;
  if (valid == 0) {
    error = write_fully(fd_, header(metrics_, generations_));
  } else if (::ftruncate(fd_, static_cast<off_t>(valid)) != 0) {
    error = errno;
  }
  size_ = valid == 0 ? kHeaderSize : valid;
  if (error != 0) {
    ::close(fd_);
    fd_ = -1;
    throw IoError(fmt::format("cannot prepare '{}': {}", path_.string(), std::strerror(error)));
  }
}

void FinishedLog::append(const ReplicateResult& result) {
  Writer payload;
  payload.put<std::uint64_t>(result.replicate);
  checkpoint_codec::put_results(payload, result);
  Writer w;
  w.put<std::uint64_t>(payload.bytes().size());
  w.put<std::uint64_t>(check_word(w.bytes()));
  w.put_text(payload.bytes());
  w.put<std::uint64_t>(check_word(payload.bytes()));
  w.put_text(kTrailer);

  const std::lock_guard lock(mutex_);
  OURO_CHECK(fd_ >= 0, Error, "internal: {} appended to before open()", path_.string());
  if (const int error = write_fully(fd_, w.bytes()); error != 0) {
    // Cut a partial record off, so that later appends (after, say, space is freed) stay readable.
    (void)::ftruncate(fd_, static_cast<off_t>(size_));
    throw IoError(fmt::format("{}: appending replicate {} failed: {}", path_.string(), result.replicate,
                              std::strerror(error)));
  }
  size_ += w.bytes().size();
  // A power loss costs at most the replicates appended since the last sync: they rerun.
  if (sync_pacer_.due() && ::fdatasync(fd_) != 0) {
    throw IoError(fmt::format("{}: syncing failed: {}", path_.string(), std::strerror(errno)));
  }
}

void FinishedLog::close() {
  const std::lock_guard lock(mutex_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace ouro
