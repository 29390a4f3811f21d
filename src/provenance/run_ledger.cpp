// Writing a loop run's rows (see run_ledger.hpp).
#include "ouro/provenance/run_ledger.hpp"

#include <fmt/format.h>

#include "ouro/provenance/ledger_schema.hpp"

namespace ouro::provenance {
namespace {

std::string verdicts_json(const std::vector<FilterVerdict>& verdicts) {
  nlohmann::json object = nlohmann::json::object();
  for (const FilterVerdict& v : verdicts) object[v.filter] = v.passed;
  return object.dump();
}

}  // namespace

RunLedger::RunLedger(const std::filesystem::path& path)
    : db_(open_ledger(path, OpenMode::kCreateIfMissing)),
      insert_generation_(db_.prepare("INSERT INTO generations (replicate, generation, family, settings, "
                                     "training_size) VALUES (?1, ?2, ?3, ?4, ?5)")),
      insert_sample_(db_.prepare("INSERT INTO samples (replicate, generation, position, origin, produced_by, sample, "
                                 "candidate, watermarked, watermark_z, detector_score, verdicts) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")) {}

void RunLedger::write_generation(const GenerationRow& generation, std::span<const SampleRow> samples) {
  const std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  // A failed statement is reset before the next call, so that a caller that catches the error can
  // go on writing through the same prepared statements.
  try {
    insert_generation_
        .bind_all(generation.replicate, generation.generation, generation.family, generation.settings.dump(),
                  generation.training_size)
        .run();
    for (const SampleRow& s : samples) {
      const Provenance& p = s.provenance;
      insert_sample_
          .bind_all(generation.replicate, generation.generation, s.position, origin_name(p.origin), p.generation,
                    p.index, p.candidate, p.watermarked, s.watermark_z, s.detector_score, verdicts_json(s.verdicts))
          .run();
    }
  } catch (...) {
    insert_generation_.reset();
    insert_sample_.reset();
    throw;
  }
  transaction.commit();
}

void RunLedger::truncate_after(std::int32_t replicate, std::int32_t generation) {
  const std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  // Samples first: they refer to their generation's row.
  for (const char* table : {"samples", "generations"}) {
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

}  // namespace ouro::provenance
