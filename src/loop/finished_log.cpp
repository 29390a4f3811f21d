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

// Bumped whenever the layout changes: an old log is then refused rather than misread.
constexpr std::string_view kMagic = "OUROFIN2";
constexpr std::size_t kHeaderSize = kMagic.size() + 2 * sizeof(std::uint64_t);
constexpr std::size_t kFraming = sizeof(std::uint64_t) + sizeof(std::uint64_t) + kTrailer.size();

std::string header(std::size_t metrics, std::size_t generations) {
  Writer w;
  w.put_text(kMagic);
  w.put<std::uint64_t>(metrics);
  w.put<std::uint64_t>(generations);
  return w.bytes();
}

std::string read_all(const std::filesystem::path& path, bool* exists) {
  std::ifstream in(path, std::ios::binary);
  *exists = in.is_open();
  if (!in.is_open()) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

using checkpoint_codec::check_word;

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
  const std::string expected = header(metrics_, generations_);
  if (bytes.size() < kHeaderSize) {
    // Killed while the header was being written: a prefix of some header, or a foreign file.
    OURO_CHECK(std::string_view(expected).substr(0, std::min(bytes.size(), kMagic.size())) ==
                   bytes.substr(0, kMagic.size()),
               DataError, "{}: not an ouro finished-replicate log of this version; remove the run's .partial folder "
               "or rerun with --force", path_.string());
    return 0;
  }
  Reader head(bytes.substr(0, kHeaderSize), path_);
  head.expect_text(kMagic, "its header");
  const auto metrics = head.get<std::uint64_t>();
  const auto generations = head.get<std::uint64_t>();
  OURO_CHECK(metrics == metrics_ && generations == generations_, DataError,
             "{}: log of a run with {} metrics and {} generations; this run has {} and {}", path_.string(), metrics,
             generations, metrics_, generations_);

  std::size_t at = kHeaderSize;
  while (at < bytes.size()) {
    const std::size_t left = bytes.size() - at;
    if (left < kFraming) break;  // a torn length word or record
    const std::uint64_t length = u64_at(bytes, at);
    if (length > left - kFraming) break;  // the record would run past the end: torn
    const std::string_view payload = bytes.substr(at + sizeof(std::uint64_t), length);
    const std::size_t end = at + kFraming + length;
    const bool intact = u64_at(bytes, at + sizeof(std::uint64_t) + length) == check_word(payload) &&
                        bytes.substr(end - kTrailer.size(), kTrailer.size()) == kTrailer;
    if (!intact) {
      // Only the last record can be torn by a killed writer; one followed by more records is damage.
      OURO_CHECK(end == bytes.size(), DataError,
                 "{}: finished-replicate log is damaged (the record at byte {} fails its check); remove the run's "
                 ".partial folder or rerun with --force", path_.string(), at);
      break;
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
    at = end;
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
  Writer w;
  w.put<std::uint64_t>(0);  // the payload length, filled in below
  w.put<std::uint64_t>(result.replicate);
  checkpoint_codec::put_results(w, result);
  const std::uint64_t length = w.bytes().size() - sizeof(std::uint64_t);
  std::memcpy(w.bytes().data(), &length, sizeof length);
  w.put<std::uint64_t>(check_word(std::string_view(w.bytes()).substr(sizeof(std::uint64_t))));
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
}

void FinishedLog::close() {
  const std::lock_guard lock(mutex_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace ouro
