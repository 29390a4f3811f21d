// The run side of the provenance ledger (ledger_schema.hpp, docs/provenance.md#run-tables): for a
// loop run, one row per training sample per generation (where it came from, what the watermark and
// the detector made of it, every filter's verdict) and one row per generation (the model's
// settings). A run writes its own ledger file; the tables share the corpus ledger's schema, so one
// file can hold both and the sqlite3 shell can join them.
//
// A generation's rows are written in one transaction through prepared INSERTs, so the file holds a
// generation entirely or not at all, whatever kills the process. Resuming from a checkpoint of
// generation g first removes the rows after g (truncate_after), then writes the generations again.
// Replicates run on several threads: every method takes the ledger's lock, so calls from any
// thread are safe and never interleave inside a transaction.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ouro/core/dataset.hpp"
#include "ouro/provenance/sqlite.hpp"

namespace ouro::provenance {

// A row of `generations`: what generation g of a replicate fitted.
struct GenerationRow {
  std::int32_t replicate = 0;
  std::int32_t generation = 0;
  std::string family;                                   // the model family's name
  nlohmann::json settings = nlohmann::json::object();   // the model's settings
  std::int64_t training_size = 0;                       // samples in the training set
};

struct FilterVerdict {
  std::string filter;  // the filter's name (e.g. "filter.0.curate")
  bool passed = false;
};

// A row of `samples`: one sample of a generation's training set (or a candidate a filter
// rejected: a verdict that did not pass says so).
struct SampleRow {
  std::int64_t position = 0;  // its row in the training set, from 0
  Provenance provenance;      // origin, producing generation, index (the sample's id), candidate
  std::optional<double> watermark_z;     // empty: not scored
  std::optional<double> detector_score;  // P(synthetic); empty: not scored
  std::vector<FilterVerdict> verdicts;   // every filter's, in the order they ran
};

class RunLedger {
 public:
  // Opens the ledger at `path`, creating it when missing (errors as open_ledger's).
  explicit RunLedger(const std::filesystem::path& path);

  // Writes generation's row and its samples in one transaction. DataError naming the file when
  // the ledger holds that replicate's generation already (truncate before writing it again).
  void write_generation(const GenerationRow& generation, std::span<const SampleRow> samples);

  // Removes `replicate`'s rows of generations after `generation` (-1: all of them), in one
  // transaction; what resume does before it runs generation + 1 again.
  void truncate_after(std::int32_t replicate, std::int32_t generation);

  // The last generation written for `replicate`; empty when none is.
  std::optional<std::int32_t> last_generation(std::int32_t replicate);
  // Rows of `samples` for one replicate's generation.
  std::int64_t sample_count(std::int32_t replicate, std::int32_t generation);

  const std::filesystem::path& path() const { return db_.path(); }

 private:
  std::mutex mutex_;
  Database db_;
  // Prepared once: the ledger writes the same statements for every generation.
  Statement insert_generation_;
  Statement insert_sample_;
};

}  // namespace ouro::provenance
