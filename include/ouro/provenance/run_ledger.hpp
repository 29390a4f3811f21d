// The run side of the provenance ledger (ledger_schema.hpp, docs/provenance.md#a-runs-ledger): for
// a loop run, one row per training sample per generation (where it came from), one per candidate
// the filters judged (every filter's verdict, what the watermark and the detector screens made of
// it) and one per generation (the model's settings). A run writes its own ledger file; the tables
// share the corpus ledger's schema, so one file can hold both and the sqlite3 shell can join them.
//
// A generation's rows are written in one transaction through prepared INSERTs, so the file holds a
// generation entirely or not at all, whatever kills the process. Samples are written from the
// training set's provenance runs (dataset.hpp) without expanding them. Resuming from a checkpoint of
// generation g first removes the rows after g (truncate_after), then writes the generations again;
// compact_ledger at the end makes the bytes the same as an uninterrupted run's.
// Replicates run on several threads: every method takes the ledger's lock, so calls from any
// thread are safe and never interleave inside a transaction.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

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

// A row of `candidates`: one candidate the filters judged while a generation drew its synthetic
// set S_g (only runs with filters have these rows). A sample's scores and verdicts are made once,
// here; the view `training_samples` joins them to every training set the sample joins.
struct CandidateRow {
  std::uint32_t candidate = 0;  // its number among the generation's candidates, in draw order
  bool kept = false;            // joined S_g: passed every filter (and was not surplus)
  // Every filter's verdict that judged it, as a JSON object {"filter label": passed} (text the
  // caller keeps alive until write_generation returns; a run has few distinct ones).
  std::string_view verdicts = "{}";
  std::optional<double> watermark_z;     // empty: no watermark screen scored it
  std::optional<double> detector_score;  // P(synthetic); empty: no detector screen scored it
};

// Rewrites the ledger at `path`, once every row is in and no connection has it open, as a fresh
// file in key order: SQLite's VACUUM INTO a temporary beside it, which is synced and renamed onto
// it. The bytes then depend on the rows alone, not on the order threads wrote them in nor on how
// often the file was opened (its header counts changes; a fresh file starts the count anew).
// IoError or DataError naming the file when it cannot.
void compact_ledger(const std::filesystem::path& path);

class RunLedger {
 public:
  // Opens the ledger at `path`, creating it when missing (errors as open_ledger's).
  explicit RunLedger(const std::filesystem::path& path);

  // Writes generation's row, a `samples` row per row of its training set (position, and the
  // provenance the set carries) and the candidates its S_g was drawn from, in one transaction.
  // DataError naming the file when the ledger holds that replicate's generation already (truncate
  // before writing it again).
  void write_generation(const GenerationRow& generation, const Dataset& training,
                        std::span<const CandidateRow> candidates);

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
  Statement insert_candidate_;
};

}  // namespace ouro::provenance
