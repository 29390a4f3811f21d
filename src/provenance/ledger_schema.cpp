// The ledger's tables and its version check (see ledger_schema.hpp; docs/provenance.md describes
// every column).
#include "ouro/provenance/ledger_schema.hpp"

#include <string>

#include <fmt/format.h>

#include "ouro/core/error.hpp"

namespace ouro::provenance {
namespace {

// The layout of kLedgerSchema. Changing anything here means a new version: bump kLedgerVersion and
// kLedgerSchema together, and docs/provenance.md with them.
//
// Corpus documents are unique by (source, sha256), which makes re-adding a corpus under its source
// a no-op while the same text under two sources keeps a row each (duplicates go at export). The
// text itself is stored because export writes it. A run's rows are keyed by replicate and
// generation first, the unit that resume deletes and a generation's transaction writes. A training
// sample's scores and verdicts were made once, when its generation drew it: they live in
// `candidates`, keyed by the drawing generation, and the view `training_samples` joins them to
// every training set the sample is in (with keep = accumulate, many).
constexpr std::string_view kCreateTables = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE additions (
  id              INTEGER PRIMARY KEY,
  source          TEXT NOT NULL CHECK (source <> ''),
  corpus          TEXT NOT NULL,
  corpus_sha256   TEXT NOT NULL,
  input           TEXT NOT NULL,
  watermark       TEXT CHECK (watermark IS NULL OR json_valid(watermark)),
  detector        TEXT,
  detector_sha256 TEXT,
  added_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  documents       INTEGER NOT NULL,
  new_documents   INTEGER NOT NULL
);

CREATE TABLE documents (
  id                   INTEGER PRIMARY KEY,
  addition             INTEGER NOT NULL REFERENCES additions (id),
  position             INTEGER NOT NULL,
  source               TEXT NOT NULL CHECK (source <> ''),
  sha256               TEXT NOT NULL CHECK (length(sha256) = 64),
  text                 TEXT NOT NULL,
  bytes                INTEGER NOT NULL,
  words                INTEGER NOT NULL,
  tokens               INTEGER,
  watermark_z          REAL,
  watermark_flagged    INTEGER CHECK (watermark_flagged IN (0, 1)),
  detector_probability REAL CHECK (detector_probability BETWEEN 0 AND 1),
  UNIQUE (source, sha256)
);
CREATE INDEX documents_by_sha256 ON documents (sha256);

CREATE TABLE generations (
  replicate     INTEGER NOT NULL,
  generation    INTEGER NOT NULL,
  family        TEXT NOT NULL,
  settings      TEXT NOT NULL CHECK (json_valid(settings)),
  training_size INTEGER NOT NULL,
  PRIMARY KEY (replicate, generation)
) WITHOUT ROWID;

CREATE TABLE samples (
  replicate   INTEGER NOT NULL,
  generation  INTEGER NOT NULL,
  position    INTEGER NOT NULL,
  origin      TEXT NOT NULL CHECK (origin IN ('original', 'fresh', 'synthetic')),
  produced_by INTEGER NOT NULL,
  sample      INTEGER NOT NULL,
  candidate   INTEGER NOT NULL,
  watermarked INTEGER NOT NULL CHECK (watermarked IN (0, 1)),
  PRIMARY KEY (replicate, generation, position),
  FOREIGN KEY (replicate, generation) REFERENCES generations (replicate, generation)
) WITHOUT ROWID;

CREATE TABLE candidates (
  replicate      INTEGER NOT NULL,
  generation     INTEGER NOT NULL,
  candidate      INTEGER NOT NULL,
  kept           INTEGER NOT NULL CHECK (kept IN (0, 1)),
  verdicts       TEXT NOT NULL CHECK (json_valid(verdicts) AND json_type(verdicts) = 'object'),
  watermark_z    REAL,
  detector_score REAL,
  PRIMARY KEY (replicate, generation, candidate),
  FOREIGN KEY (replicate, generation) REFERENCES generations (replicate, generation)
) WITHOUT ROWID;

CREATE VIEW training_samples AS
SELECT s.replicate, s.generation, s.position, s.origin, s.produced_by, s.sample, s.candidate, s.watermarked,
       c.watermark_z, c.detector_score, coalesce(c.verdicts, '{}') AS verdicts
FROM samples AS s
LEFT JOIN candidates AS c
  ON s.origin = 'synthetic' AND c.replicate = s.replicate AND c.generation = s.produced_by
     AND c.candidate = s.candidate;
)sql";

bool has_table(Database& db, std::string_view name) {
  Statement query = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  query.bind(1, name);
  return query.step();
}

std::int64_t table_count(Database& db) {
  Statement query = db.prepare("SELECT count(*) FROM sqlite_schema");
  query.step();
  return query.integer(0);
}

int user_version(Database& db) {
  Statement query = db.prepare("PRAGMA user_version");
  query.step();
  return static_cast<int>(query.integer(0));
}

void create_tables(Database& db) {
  db.execute(kCreateTables);
  Statement meta = db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?1)");
  meta.bind(1, kLedgerSchema).run();
  db.execute(fmt::format("PRAGMA user_version = {}", kLedgerVersion));
}

// Refuses a file that is not a ledger of this schema and version, naming what it is.
void check_version(Database& db) {
  const std::string file = db.path().string();
  const int version = user_version(db);
  OURO_CHECK(has_table(db, "meta"), DataError,
             "'{}' is a SQLite database but not an ouroboros ledger (it has no meta table; user_version {})", file,
             version);
  Statement query = db.prepare("SELECT value FROM meta WHERE key = 'schema'");
  const std::string schema = query.step() ? query.text(0) : "none";
  OURO_CHECK(schema == kLedgerSchema && version == kLedgerVersion, DataError,
             "'{}' is a ledger of schema {} (user_version {}); this build reads schema {} (user_version {}) only. "
             "Use the build that wrote it, or start a new ledger",
             file, schema, version, kLedgerSchema, kLedgerVersion);
}

}  // namespace

Database open_ledger(const std::filesystem::path& path, OpenMode mode) {
  Database db(path, mode);
  // The emptiness check and the creation share one write transaction, so two processes that
  // create the same ledger at once cannot both lay out tables.
  Transaction transaction(db);
  if (table_count(db) == 0 && user_version(db) == 0) {
    OURO_CHECK(mode == OpenMode::kCreateIfMissing, DataError,
               "'{}' is an empty SQLite database, not an ouroboros ledger", path.string());
    create_tables(db);
  } else {
    check_version(db);
  }
  transaction.commit();
  return db;
}

}  // namespace ouro::provenance
