// AtomicFile: write a file so that it is either complete or absent, never half-written, even
// across a power loss.
//
// The contents go to "<path>.tmp-<pid>" in the same folder (so the final rename stays on one file
// system and is atomic); commit() flushes the temporary, fsyncs it, renames it onto `path` and
// fsyncs the folder, so that once commit() returns the file survives a crash of the machine, and
// before it the destination holds its old contents or nothing. If the writer is destroyed without
// commit() -- an exception unwound past it -- the temporary file is removed, so a failed run never
// leaves a file that looks finished. Every output file of a run (metrics.csv, run.json, .npy
// arrays, checkpoints, reports) is written through it.
//
// The bytes are check-worded as they are written: stamp() gives the committed file's size and
// XXH3 check word without reading it back (run.json records them, see check_word.hpp).
//
// One AtomicFile per destination at a time within a process: two writers of the same path in one
// process would share the temporary name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <ostream>

#include "ouro/io/check_word.hpp"

namespace ouro {

// kSynced: commit() fsyncs the file and its folder (results). kUnsynced: it only renames, for
// files written so often that a sync each time would cost more than redoing their work after a
// power loss (a replicate's part-way checkpoint between its paced syncs, see CheckpointStore).
enum class Durability { kSynced, kUnsynced };

class AtomicFile {
 public:
  // Opens the temporary file (truncating). Throws IoError naming it when it cannot be created
  // (missing folder, no permission).
  explicit AtomicFile(std::filesystem::path path, Durability durability = Durability::kSynced);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  // Removes the temporary file unless commit() succeeded.
  ~AtomicFile();

  // The stream to write to; valid until commit().
  std::ostream& stream();

  // Flushes, syncs (kSynced) and closes the temporary file and renames it onto the destination,
  // replacing any file there, then syncs the folder. Throws IoError (and removes the temporary)
  // when a write, the sync or the rename fails.
  void commit();

  // The committed file's size and check word; valid after commit().
  FileStamp stamp() const;

  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& temporary_path() const { return temporary_; }
  bool committed() const { return committed_; }

 private:
  class Sink;

  std::filesystem::path path_;
  std::filesystem::path temporary_;
  Durability durability_;
  std::unique_ptr<Sink> sink_;
  std::unique_ptr<std::ostream> stream_;
  bool committed_ = false;
};

// Fsyncs a file another writer made (SQLite's VACUUM INTO, say), so that its contents survive a
// power loss. Throws IoError naming it when it cannot be opened or synced.
void sync_file(const std::filesystem::path& path);

// Fsyncs a folder, so that the names created, renamed or removed in it survive a power loss.
// Throws IoError naming it when the sync fails (a file system that cannot sync folders is let be).
void sync_folder(const std::filesystem::path& dir);

// Test support: the steps of every AtomicFile, reported to an observer that a test build of the
// CLI installs (to SIGKILL itself at a chosen step of a chosen file, see apps/ouro/test_hooks.hpp).
// kOpened: the temporary exists and is empty; kWrote: a block of the contents reached the
// temporary; kSynced: all of it is written (and synced); kRenamed: the destination is complete.
enum class WriteStep { kOpened, kWrote, kSynced, kRenamed };
using WriteObserver = void (*)(const std::filesystem::path& destination, WriteStep step);
void set_write_observer(WriteObserver observer);

}  // namespace ouro
