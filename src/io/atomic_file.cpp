// AtomicFile: temporary name, sync, rename, sync the folder (see atomic_file.hpp).
#include "ouro/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <streambuf>
#include <string>
#include <system_error>
#include <memory>

#include "ouro/core/error.hpp"

namespace ouro {
namespace {

std::atomic<WriteObserver> write_observer{nullptr};

void observe(const std::filesystem::path& destination, WriteStep step) {
  if (const WriteObserver observer = write_observer.load(std::memory_order_relaxed)) observer(destination, step);
}

std::filesystem::path temporary_name(const std::filesystem::path& path) {
  std::filesystem::path temporary = path;
  temporary += ".tmp-" + std::to_string(::getpid());
  return temporary;
}

// The folder a path's name lives in ("." for a bare name).
std::filesystem::path folder_of(const std::filesystem::path& path) {
  const std::filesystem::path parent = path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

}  // namespace

// A buffered stream sink writing to a file descriptor and check-wording what it writes. A failed
// write(2) is remembered (errno) and reported by commit(), as an ofstream's failbit would be.
//
// A file that will be synced has its written bytes sent to the disk every kWritebackChunk bytes
// (Linux's sync_file_range, which starts the writeback and does not wait for it), so that the
// disk works while the run computes and commit()'s fsync finds little left to write: a 290 MB
// metrics.csv otherwise reaches the disk only at that fsync, after the last replicate.
class AtomicFile::Sink : public std::streambuf {
 public:
  Sink(int fd, const std::filesystem::path& destination, bool early_writeback)
      : fd_(fd), destination_(destination), early_writeback_(early_writeback), buffer_(new char[kBlock]) {
    setp(buffer_.get(), buffer_.get() + kBlock);
  }
  ~Sink() override { close(); }

  // Writes out what is buffered; false (errno in error()) when the file system refused it.
  bool drain() {
    const std::size_t size = static_cast<std::size_t>(pptr() - pbase());
    if (size > 0 && error_ == 0) {
      stream_.add(pbase(), size);
      written_ += size;
      for (const char* at = pbase(); at < pptr();) {
        const ssize_t n = ::write(fd_, at, static_cast<std::size_t>(pptr() - at));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
          error_ = errno;
          break;
        }
        at += n;
      }
      if (early_writeback_ && error_ == 0) start_writeback();
      observe(destination_, WriteStep::kWrote);
    }
    setp(buffer_.get(), buffer_.get() + kBlock);
    return error_ == 0;
  }
  int error() const { return error_; }
  int fd() const { return fd_; }
  FileStamp stamp() const { return {written_, stream_.word()}; }
  // Closes the descriptor; the errno of a failed close (NFS reports write errors there).
  int close() {
    if (fd_ < 0) return 0;
    const int result = ::close(fd_);
    fd_ = -1;
    return result == 0 ? 0 : errno;
  }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* data, std::streamsize size) override {
    // Large pieces (a replicate's rows) go straight through the buffer in blocks.
    std::streamsize done = 0;
    while (done < size) {
      if (pptr() == epptr() && !drain()) return done;
      const std::streamsize room = epptr() - pptr();
      const std::streamsize piece = std::min(room, size - done);
      std::memcpy(pptr(), data + done, static_cast<std::size_t>(piece));
      pbump(static_cast<int>(piece));
      done += piece;
    }
    return done;
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  // Starts writing out what was written since the last start, once it is kWritebackChunk bytes. Its
  // failure is not an error: it is only advice, and commit()'s fsync reports what did not reach
  // the disk.
  void start_writeback() {
#ifdef __linux__
    if (written_ - writeback_start_ < kWritebackChunk) return;
    ::sync_file_range(fd_, static_cast<off64_t>(writeback_start_), static_cast<off64_t>(written_ - writeback_start_),
                      SYNC_FILE_RANGE_WRITE);
    writeback_start_ = written_;
#endif
  }

  static constexpr std::uint64_t kWritebackChunk = 8 << 20;
  // Below malloc's mmap threshold and left uninitialised: a run may write a checkpoint file per
  // replicate every few generations, and a zero-filled 256 KiB buffer each time cost more than
  // the files (78 s instead of 5 s for 100,000 checkpoints of the Gaussian benchmark).
  static constexpr std::size_t kBlock = 1 << 16;
  int fd_;
  const std::filesystem::path& destination_;
  bool early_writeback_;
  std::uint64_t writeback_start_ = 0;
  std::unique_ptr<char[]> buffer_;
  CheckWordStream stream_;
  std::uint64_t written_ = 0;
  int error_ = 0;
};

AtomicFile::AtomicFile(std::filesystem::path path, Durability durability)
    : path_(std::move(path)), temporary_(temporary_name(path_)), durability_(durability) {
  const int fd = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  OURO_CHECK(fd >= 0, IoError, "{}: cannot create the temporary file {}: {}", path_.string(), temporary_.string(),
             std::strerror(errno));
  sink_ = std::make_unique<Sink>(fd, path_, durability_ == Durability::kSynced);
  stream_ = std::make_unique<std::ostream>(sink_.get());
  observe(path_, WriteStep::kOpened);
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  sink_->close();
  std::error_code ignored;  // a destructor must not throw; the file may already be gone
  std::filesystem::remove(temporary_, ignored);
}

std::ostream& AtomicFile::stream() { return *stream_; }

FileStamp AtomicFile::stamp() const {
  OURO_CHECK(committed_, Error, "internal: stamp of {} asked before commit", path_.string());
  return sink_->stamp();
}

void AtomicFile::commit() {
  OURO_CHECK(!committed_, IoError, "{}: committed twice", path_.string());
  const auto fail = [&](std::string what, int error) {
    sink_->close();
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
    throw IoError(fmt::format("{}: {} {} failed: {}", path_.string(), what, temporary_.string(),
                              error != 0 ? std::strerror(error) : "the stream was put in a failed state"));
  };
  stream_->flush();
  if (!sink_->drain() || !*stream_) fail("writing", sink_->error());
  if (durability_ == Durability::kSynced && ::fsync(sink_->fd()) != 0) fail("syncing", errno);
  if (const int error = sink_->close(); error != 0) fail("closing", error);
  observe(path_, WriteStep::kSynced);
  std::error_code error;
  std::filesystem::rename(temporary_, path_, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
    throw IoError(fmt::format("{}: cannot rename {} onto it: {}", path_.string(), temporary_.string(),
                              error.message()));
  }
  committed_ = true;
  observe(path_, WriteStep::kRenamed);
  if (durability_ == Durability::kSynced) sync_folder(folder_of(path_));
}

void sync_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  OURO_CHECK(fd >= 0, IoError, "cannot open '{}' to sync it: {}", path.string(), std::strerror(errno));
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  OURO_CHECK(result == 0, IoError, "syncing '{}' failed: {}", path.string(), std::strerror(error));
}

void sync_folder(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  OURO_CHECK(fd >= 0, IoError, "cannot open the folder '{}' to sync it: {}", dir.string(), std::strerror(errno));
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  // EINVAL: a file system that does not sync folders (some network and FUSE ones); nothing to do.
  OURO_CHECK(result == 0 || error == EINVAL, IoError, "syncing the folder '{}' failed: {}", dir.string(),
             std::strerror(error));
}

void set_write_observer(WriteObserver observer) { write_observer.store(observer, std::memory_order_relaxed); }

}  // namespace ouro
