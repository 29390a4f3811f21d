// Writing a loop run's rows (see run_ledger.hpp).
#include "ouro/provenance/run_ledger.hpp"

#include <fmt/format.h>

#include "ouro/core/error.hpp"
#include "ouro/io/atomic_file.hpp"
#include "ouro/provenance/ledger_schema.hpp"

namespace ouro::provenance {

RunLedger::RunLedger(const std::filesystem::path& path)
    : db_(open_ledger(path, OpenMode::kCreateIfMissing)),
      insert_generation_(db_.prepare("INSERT INTO generations (replicate, generation, family, settings, "
                                     "training_size) VALUES (?1, ?2, ?3, ?4, ?5)")),
      insert_sample_(db_.prepare("INSERT INTO samples (replicate, generation, position, origin, produced_by, sample, "
                                 "candidate, watermarked) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")),
      insert_candidate_(db_.prepare("INSERT INTO candidates (replicate, generation, candidate, kept, verdicts, "
                                    "watermark_z, detector_score) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")) {}

void RunLedger::write_generation(const GenerationRow& generation, const Dataset& training,
                                 std::span<const CandidateRow> candidates) {
  const std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  const std::int32_t r = generation.replicate;
  const std::int32_t g = generation.generation;
  // A failed statement is reset before the next call, so that a caller that catches the error can
  // go on writing through the same prepared statements.
  try {
    insert_generation_.bind_all(r, g, generation.family, generation.settings.dump(), generation.training_size).run();
    std::int64_t position = 0;
    for (const ProvenanceRun& run : training.provenance_runs()) {
      const Provenance& p = run.first;
      for (std::uint32_t i = 0; i < run.rows; ++i, ++position) {
        insert_sample_
            .bind_all(r, g, position, origin_name(p.origin), p.generation, std::int64_t{p.index} + i,
                      std::int64_t{p.candidate} + i, p.watermarked)
            .run();
      }
    }
    for (const CandidateRow& c : candidates) {
      insert_candidate_.bind_all(r, g, c.candidate, c.kept, c.verdicts, c.watermark_z, c.detector_score).run();
    }
  } catch (...) {
    insert_generation_.reset();
    insert_sample_.reset();
    insert_candidate_.reset();
    throw;
  }
  transaction.commit();
}

void RunLedger::truncate_after(std::int32_t replicate, std::int32_t generation) {
  const std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  // Samples and candidates first: they refer to their generation's row.
  for (const char* table : {"samples", "candidates", "generations"}) {
    db_.prepare(fmt::format("DELETE FROM {} WHERE replicate = ?1 AND generation > ?2", table))
        .bind_all(replicate, generation)
        .run();
  }
  transaction.commit();
}

std::optional<std::int32_t> RunLedger::last_generation(std::int32_t replicate) {
  const std::lock_guard lock(mutex_);
  Statement query = db_.prepare("SELECT max(generation) FROM generations WHERE replicate = ?1");
  query.bind(1, replicate).step();
  const auto last = query.optional_integer(0);
  if (!last) return std::nullopt;
  return static_cast<std::int32_t>(*last);
}

std::int64_t RunLedger::sample_count(std::int32_t replicate, std::int32_t generation) {
  const std::lock_guard lock(mutex_);
  Statement query = db_.prepare("SELECT count(*) FROM samples WHERE replicate = ?1 AND generation = ?2");
  query.bind_all(replicate, generation).step();
  return query.integer(0);
}

void compact_ledger(const std::filesystem::path& path) {
  const std::filesystem::path temporary = path.parent_path() / (path.filename().string() + ".compact-tmp");
  std::error_code ignored;
  std::filesystem::remove(temporary, ignored);  // left by a process killed while compacting
  {
    Database db = open_ledger(path, OpenMode::kExisting);
    db.prepare("VACUUM INTO ?1").bind(1, temporary.string()).run();
  }  // the last connection's close folds the write-ahead log into the file and removes it
  // VACUUM INTO does not sync what it wrote.
  sync_file(temporary);
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary, ignored);
    throw IoError(fmt::format("{}: cannot rename the compacted {} onto it: {}", path.string(), temporary.string(),
                              error.message()));
  }
  sync_folder(path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path());
}

}  // namespace ouro::provenance
