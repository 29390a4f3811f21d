// The corpus side of the provenance ledger (ledger_schema.hpp): documents recorded by source with
// what was measured on them (watermark, detector), summarised per source, and read back for export
// (export_plan.hpp decides what an export keeps). `ouro ledger add | stats | export` are its
// command-line face (docs/provenance.md).
//
// A document is identified by the sha256 of its UTF-8 text. Within a source a text is recorded once:
// adding it again changes nothing (the first record, with the measurements made then, stays). The
// same text under two sources is two rows; an export keeps the first of them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ouro/provenance/sqlite.hpp"

namespace ouro::provenance {

// One document to record: its text and what was measured on it. sha256, bytes and words are
// computed from the text when it is recorded.
struct DocumentRecord {
  std::int64_t position = 0;                   // its number in the corpus file, from 1
  std::string text;                            // UTF-8
  std::optional<std::int64_t> tokens;          // tokenizer tokens, when the watermark was checked
  std::optional<double> watermark_z;           // empty: not checked, or too short to score
  std::optional<bool> watermark_flagged;       // empty: not checked
  std::optional<double> detector_probability;  // P(synthetic); empty: no detector
};

// Where a batch of documents came from and how it was measured: a row of `additions`.
struct Addition {
  std::string source;                     // the name the documents are recorded under (not empty)
  std::string corpus;                     // the corpus file, as an absolute path
  std::string corpus_sha256;              // of the file's bytes
  std::string input;                      // how it was read: "lines" or "jsonl:FIELD"
  std::optional<std::string> watermark;   // the watermark's settings as JSON; empty: not checked
  std::optional<std::string> detector;    // the detector file, as an absolute path; empty: none
  std::optional<std::string> detector_sha256;
};

struct AddResult {
  std::int64_t added = 0;    // new rows
  std::int64_t present = 0;  // documents whose text this source already held (or that repeat in the batch)
};

// A source's summary (or the whole ledger's, with source empty). Means and shares are over the
// documents that were measured; empty when none was.
struct SourceStats {
  std::string source;
  std::int64_t documents = 0;
  std::int64_t distinct_texts = 0;  // documents that are the first occurrence of their text in the ledger
  std::int64_t bytes = 0;
  std::int64_t watermark_checked = 0;
  std::optional<double> mean_watermark_z;  // over the documents long enough to score
  std::optional<double> watermark_flagged_share;
  std::int64_t detector_scored = 0;
  std::optional<double> mean_detector_probability;
  std::optional<double> detector_flagged_share;  // probability >= the threshold
};

struct LedgerStats {
  std::vector<SourceStats> sources;  // by source name
  SourceStats total;
};

// What export reads of a document besides its text.
struct DocumentScores {
  std::int64_t id = 0;  // insertion order
  std::string source;
  std::string sha256;
  std::optional<bool> watermark_flagged;
  std::optional<double> detector_probability;
};

class CorpusLedger {
 public:
  // Opens (kCreateIfMissing: or creates) the ledger; errors as open_ledger's.
  CorpusLedger(const std::filesystem::path& path, OpenMode mode);

  // Records `documents` under `addition.source`, with the addition's row, in one transaction: all
  // of them or, on any error, none.
  AddResult add(const Addition& addition, std::span<const DocumentRecord> documents);

  // Per-source and total summaries; a detector probability >= `detector_threshold` counts as flagged.
  LedgerStats stats(double detector_threshold);

  // Every document's scores, in insertion order.
  std::vector<DocumentScores> scores();
  // Calls `visit(id, text)` for every document in insertion order.
  void for_each_text(const std::function<void(std::int64_t id, const std::string& text)>& visit);

  const std::filesystem::path& path() const { return db_.path(); }

 private:
  Database db_;
};

}  // namespace ouro::provenance
