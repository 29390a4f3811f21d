// The provenance ledger's schema (docs/provenance.md): one SQLite file that records where training
// data came from, for corpora (`documents`, filled by `ouro ledger add`, and the `additions` that
// brought them) and for loop runs (`generations`, `samples` and `candidates`, filled by RunLedger).
//
// The schema is versioned twice over, so that neither a person with the sqlite3 shell nor SQLite
// itself can mistake one layout for another: the `meta` table holds `schema = ouro.ledger/N`, and
// PRAGMA user_version holds N. Any change to a table bumps N, and a file whose meta or user_version
// differs from this build's is refused by name, with both versions, rather than read or written
// by guesswork; there is no migration yet.
#pragma once

#include <filesystem>
#include <string_view>

#include "ouro/provenance/sqlite.hpp"

namespace ouro::provenance {

inline constexpr std::string_view kLedgerSchema = "ouro.ledger/2";
inline constexpr int kLedgerVersion = 2;  // PRAGMA user_version; the N of kLedgerSchema

// Opens the ledger at `path`. With kCreateIfMissing, a missing or empty file gets the tables;
// otherwise the file must exist. DataError naming the file when it is a SQLite database but not a
// ledger, or a ledger of another schema or version (naming both versions); IoError when it cannot
// be opened.
Database open_ledger(const std::filesystem::path& path, OpenMode mode);

}  // namespace ouro::provenance
