// FinishedLog: the results of a run's finished replicates, one record appended per replicate to
// OUT/.partial/finished.log, read back by `--resume`.
//
// A finished replicate needs only its results kept (values, composition, side-table rows), and a
// run may finish thousands of them a second: a file of its own per replicate (written to a
// temporary and renamed) cost a third of a fast Gaussian run's time. One append-only file costs a
// single write(2) per replicate instead.
//
// Layout, in the machine's byte order like the other checkpoints: a header (magic word, the run's
// metric count and generations, and a check word over them), then records of
// [u64 payload length][u64 XXH3 of the length][payload][u64 XXH3 of the payload]["END."], the
// payload being the replicate number and its results. A process killed in the middle of an append
// leaves a torn last record -- a prefix of it, or after a power loss zeros where its bytes had not
// reached the disk; reading ignores it (that replicate simply runs again, to the same bytes) and
// opening for append cuts it off first. Any other record that fails a check is damage, and is
// refused with the file and byte named: a damaged log never changes a result. Appends are synced
// at most once a second (SyncPacer).
#pragma once

#include <cstddef>
#include <filesystem>
#include <mutex>
#include <vector>

#include "ouro/loop/recorder.hpp"
#include "ouro/loop/sync_pacer.hpp"

namespace ouro {

class FinishedLog {
 public:
  // `metrics` and `generations` are the run's shape; a log of another shape is refused.
  FinishedLog(std::filesystem::path path, std::size_t metrics, std::size_t generations);
  ~FinishedLog();
  FinishedLog(const FinishedLog&) = delete;
  FinishedLog& operator=(const FinishedLog&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Every complete record, in file order; nothing when the file does not exist. Throws DataError
  // naming the file (and byte) when it is not a log of this run's shape or a record before the
  // last is damaged.
  std::vector<ReplicateResult> read() const;
  // The replicate numbers of every complete record, in file order, without decoding the results
  // (what a resumed run needs to decide what is left to run). Same errors as read().
  std::vector<std::size_t> replicates() const;

  // Opens the file for appending: creates it with its header, or cuts a torn last record off an
  // existing one. Throws IoError naming the file when it cannot.
  void open();
  // Appends one finished replicate's results. Thread-safe; requires open().
  void append(const ReplicateResult& result);
  // Closes the file (also done by the destructor).
  void close();

 private:
  // The length of the file's valid prefix (header and complete records); 0 when absent or when
  // even the header is torn. Records are decoded into `results` and their replicate numbers put in
  // `replicates`, for each that is given.
  std::size_t scan(std::vector<ReplicateResult>* results, std::vector<std::size_t>* replicates) const;

  std::filesystem::path path_;
  std::size_t metrics_;
  std::size_t generations_;
  std::mutex mutex_;
  int fd_ = -1;
  std::size_t size_ = 0;  // the file's length after the last complete append
  SyncPacer sync_pacer_;
};

}  // namespace ouro
