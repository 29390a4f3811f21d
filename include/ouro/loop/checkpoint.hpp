// Checkpoints of a run in progress: what `ouro run --resume` continues a killed run from.
//
// A replicate's checkpoint is everything its loop needs to go on exactly where it stopped: the
// metric values, training-set composition, side-table rows and filter counts of the generations
// it finished, the LoopState (the data sets later generations can still read), what its filters
// remember (dedup's pool), and, when each generation warm-starts from the previous model, that
// model's parameters. Nothing else is needed, because every random
// stream of generation g is keyed by (seed, purpose, replicate, g) and the test set is redrawn from
// its own stream; a replicate continued from a checkpoint therefore computes the same bytes as one
// that was never stopped. (A finished replicate's results go to the run's FinishedLog instead.)
//
// Files are binary in the machine's own byte order (they resume a run on the machine family that
// wrote it; they are not an exchange format), start with a magic word and the run's shape, end with
// a check word (XXH3) over everything before it and a trailer, and are written through
// AtomicFile: a killed writer leaves the previous checkpoint or none, never a torn one, so a file
// whose check word fails is damaged and is refused naming the file, never read into a result.
// Doubles are stored as their bits, so a value survives exactly. A checkpoint is synced to disk at
// most once a second per run (SyncPacer): one saved between syncs may not survive a power loss,
// and is then found damaged, named, and its replicate rerun once the file is removed.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ouro/loop/loop_policy.hpp"
#include "ouro/loop/recorder.hpp"
#include "ouro/loop/sync_pacer.hpp"

namespace ouro {

struct ReplicateCheckpoint {
  std::size_t replicate = 0;
  std::size_t next_generation = 0;  // generations [0, next_generation) are done
  // Their results: values (next_generation * metrics), composition, side rows and filter counts.
  ReplicateResult results;
  LoopState state;                  // after S_{next_generation - 1} was recorded; empty when finished
  std::vector<std::string> filter_states;  // FilterState::encode() of each filter ("" when stateless)
  std::string previous_model;       // model.init = "previous": the last model, encoded; "" otherwise

  bool finished(std::size_t generations) const { return next_generation == generations + 1; }
};

// The checkpoint files of one run folder, OUT/.partial/replicate-<r>.ckpt.
class CheckpointStore {
 public:
  // `metrics` and `generations` are the run's shape; a file of another shape is refused on load.
  CheckpointStore(std::filesystem::path dir, std::size_t metrics, std::size_t generations);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path path(std::size_t replicate) const;

  // Replaces the replicate's checkpoint atomically (synced at a bounded rate). Thread-safe for
  // distinct replicates.
  void save(const ReplicateCheckpoint& checkpoint) const;
  // Removes the replicate's checkpoint, if any. Throws IoError naming the file when it cannot.
  void remove(std::size_t replicate) const;
  // The replicate's checkpoint, or nothing when it has none. Throws DataError naming the file when
  // it is not a checkpoint of this run's shape.
  std::optional<ReplicateCheckpoint> load(std::size_t replicate) const;

 private:
  std::filesystem::path dir_;
  std::size_t metrics_;
  std::size_t generations_;
  mutable SyncPacer sync_pacer_;
};

}  // namespace ouro
