// AtomicFile: write a file so that it is either complete or absent, never half-written.
//
// The contents go to "<path>.tmp-<pid>" in the same folder (so the final rename stays on one file
// system and is atomic); commit() flushes, closes and renames it onto `path`. If the writer is
// destroyed without commit() -- an exception unwound past it -- the temporary file is removed, so a
// failed run never leaves a file that looks finished. Output files of a run (metrics.csv,
// run.json, .npy arrays) are all written through it.
//
// One AtomicFile per destination at a time within a process: two writers of the same path in one
// process would share the temporary name.
#pragma once

#include <filesystem>
#include <fstream>
#include <ostream>

namespace ouro {

class AtomicFile {
 public:
  // Opens the temporary file (binary mode, truncating). Throws IoError naming it when it cannot be
  // created (missing folder, no permission).
  explicit AtomicFile(std::filesystem::path path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  // Removes the temporary file unless commit() succeeded.
  ~AtomicFile();

  // The stream to write to; valid until commit().
  std::ostream& stream();

  // Flushes and closes the temporary file and renames it onto the destination, replacing any file
  // there. Throws IoError (and removes the temporary) when a write failed or the rename does.
  void commit();

  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& temporary_path() const { return temporary_; }
  bool committed() const { return committed_; }

 private:
  std::filesystem::path path_;
  std::filesystem::path temporary_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace ouro
