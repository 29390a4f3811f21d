// ProvenanceRecorder: a run's provenance ledger ([provenance] ledger = true; docs/provenance.md):
// every generation's record (generation_record.hpp) turned into the ledger's rows and written by a
// RunLedger (provenance/run_ledger.hpp), one transaction per generation, from whichever thread runs
// the replicate. The rows are built on that thread; only the SQLite writes are serialised.
//
// Rows per generation g of a replicate: its model's settings (`generations`), every sample of its
// training set with the provenance the set carries (`samples`), and, in runs with filters, every
// candidate the filters judged while S_g was drawn: kept or not, each judging filter's verdict
// and the screens' scores (`candidates`). A surplus candidate (one the refilling filters passed
// after S_g was full) is written with those filters' verdicts, true, and kept 0; a candidate no
// filter judged (the partial last group of a curate batch) is not written, as composition.csv's
// counts leave it out.
//
// Resume: a replicate continued from a checkpoint of next generation k first loses its rows after
// generation k - 1 (a kill may have left later ones), then writes k, k + 1, ... again, which gives
// the rows an uninterrupted run writes. The ledger must hold the generations the checkpoint has
// passed and a finished replicate's every generation; a ledger that does not (removed or replaced
// since) is refused by name. finish() closes the file and compacts it (provenance::compact_ledger),
// which makes its bytes independent of the order in which threads wrote and of resumes.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ouro/loop/experiment.hpp"
#include "ouro/provenance/run_ledger.hpp"

namespace ouro {

class ProvenanceRecorder {
 public:
  // Opens (creating when missing) the ledger at `path` for the runs of `experiment`.
  ProvenanceRecorder(const Experiment& experiment, const std::filesystem::path& path);

  // Before replicate `replicate` runs generations next_generation, next_generation + 1, ...:
  // removes its rows after next_generation - 1. DataError naming the file when the ledger lacks
  // a generation before next_generation.
  void start_replicate(std::size_t replicate, std::size_t next_generation);
  // A finished replicate (not run again): DataError naming the file unless all its generations are in.
  void check_finished(std::size_t replicate);
  // Writes generation record.generation of `replicate`.
  void record(std::size_t replicate, const GenerationRecord& record);
  // Once every replicate is in: closes the file and rewrites it in key order. Nothing may be
  // called after it.
  void finish();

  const std::filesystem::path& path() const { return path_; }

 private:
  // The candidates of one S_g, in draw order, with verdicts and scores.
  std::vector<provenance::CandidateRow> candidate_rows(const SyntheticSet& set) const;

  const Experiment& experiment_;
  std::filesystem::path path_;
  std::optional<provenance::RunLedger> ledger_;  // empty once finished
  std::string family_;
  nlohmann::json settings_;  // the config's [model] table, the same every generation
  // The verdicts' JSON texts: a kept candidate passed every filter; one rejected by filter f
  // passed filters 0 .. f - 1 and failed f (later filters never judged it).
  std::string kept_verdicts_;
  std::vector<std::string> rejected_verdicts_;
  // A surplus candidate passed the refilling filters (the screens never saw it).
  std::string surplus_verdicts_;
};

}  // namespace ouro
