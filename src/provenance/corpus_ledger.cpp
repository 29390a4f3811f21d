// Recording, summarising and reading back corpus documents (see corpus_ledger.hpp).
#include "ouro/provenance/corpus_ledger.hpp"

#include <fmt/format.h>

#include "ouro/core/error.hpp"
#include "ouro/io/sha256.hpp"
#include "ouro/provenance/ledger_schema.hpp"
#include "ouro/text/tokenizer.hpp"

namespace ouro::provenance {
namespace {

// The per-source summary and the total are one query, grouped or not. A document is a distinct
// text when it is the first (lowest id) of its sha256 in the whole ledger, so the per-source
// counts add up to the total's. AVG and COUNT skip NULLs: means and shares are over the documents
// that were measured.
constexpr std::string_view kStatsColumns = R"sql(
  count(*), coalesce(sum(first), 0), coalesce(sum(bytes), 0),
  count(watermark_flagged), avg(watermark_z), avg(watermark_flagged),
  count(detector_probability), avg(detector_probability),
  avg(CASE WHEN detector_probability IS NULL THEN NULL ELSE detector_probability >= ?1 END)
FROM (SELECT *, id = min(id) OVER (PARTITION BY sha256) AS first FROM documents)
)sql";

// The summary columns of `row`, starting at column `first`.
SourceStats read_stats(const Statement& row, int first, std::string source) {
  SourceStats s;
  s.source = std::move(source);
  s.documents = row.integer(first);
  s.distinct_texts = row.integer(first + 1);
  s.bytes = row.integer(first + 2);
  s.watermark_checked = row.integer(first + 3);
  s.mean_watermark_z = row.optional_real(first + 4);
  s.watermark_flagged_share = row.optional_real(first + 5);
  s.detector_scored = row.integer(first + 6);
  s.mean_detector_probability = row.optional_real(first + 7);
  s.detector_flagged_share = row.optional_real(first + 8);
  return s;
}

}  // namespace

CorpusLedger::CorpusLedger(const std::filesystem::path& path, OpenMode mode) : db_(open_ledger(path, mode)) {}

AddResult CorpusLedger::add(const Addition& addition, std::span<const DocumentRecord> documents) {
  OURO_CHECK(!addition.source.empty(), ConfigError, "a ledger source needs a name");
  const text::WordTokenizer words;
  Transaction transaction(db_);
  Statement insert_addition = db_.prepare(
      "INSERT INTO additions (source, corpus, corpus_sha256, input, watermark, detector, detector_sha256, "
      "documents, new_documents) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0) RETURNING id");
  insert_addition.bind_all(addition.source, addition.corpus, addition.corpus_sha256, addition.input,
                           addition.watermark, addition.detector, addition.detector_sha256,
                           static_cast<std::int64_t>(documents.size()));
  insert_addition.step();
  const std::int64_t addition_id = insert_addition.integer(0);
  insert_addition.reset();

  Statement insert = db_.prepare(
      "INSERT INTO documents (addition, position, source, sha256, text, bytes, words, tokens, watermark_z, "
      "watermark_flagged, detector_probability) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
      "ON CONFLICT (source, sha256) DO NOTHING");
  AddResult result;
  for (const DocumentRecord& d : documents) {
    insert.bind_all(addition_id, d.position, addition.source, sha256_hex(d.text), d.text,
                    static_cast<std::int64_t>(d.text.size()),
                    static_cast<std::int64_t>(words.tokenize(d.text).size()), d.tokens, d.watermark_z,
                    d.watermark_flagged, d.detector_probability);
    insert.run();
    (db_.changes() == 1 ? result.added : result.present) += 1;
  }
  Statement count = db_.prepare("UPDATE additions SET new_documents = ?1 WHERE id = ?2");
  count.bind_all(result.added, addition_id).run();
  transaction.commit();
  return result;
}

LedgerStats CorpusLedger::stats(double detector_threshold) {
  LedgerStats out;
  Statement by_source =
      db_.prepare(fmt::format("SELECT source, {} GROUP BY source ORDER BY source", kStatsColumns));
  by_source.bind(1, detector_threshold);
  while (by_source.step()) out.sources.push_back(read_stats(by_source, 1, by_source.text(0)));
  Statement total = db_.prepare(fmt::format("SELECT {}", kStatsColumns));
  total.bind(1, detector_threshold);
  total.step();
  out.total = read_stats(total, 0, "");
  return out;
}

std::vector<DocumentScores> CorpusLedger::scores() {
  std::vector<DocumentScores> out;
  Statement query = db_.prepare(
      "SELECT id, source, sha256, watermark_flagged, detector_probability FROM documents ORDER BY id");
  while (query.step()) {
    DocumentScores d;
    d.id = query.integer(0);
    d.source = query.text(1);
    d.sha256 = query.text(2);
    if (!query.is_null(3)) d.watermark_flagged = query.integer(3) != 0;
    d.detector_probability = query.optional_real(4);
    out.push_back(std::move(d));
  }
  return out;
}

void CorpusLedger::for_each_text(const std::function<void(std::int64_t, const std::string&)>& visit) {
  Statement query = db_.prepare("SELECT id, text FROM documents ORDER BY id");
  while (query.step()) visit(query.integer(0), query.text(1));
}

}  // namespace ouro::provenance
