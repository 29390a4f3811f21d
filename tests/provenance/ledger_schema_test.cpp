// The ledger's schema and its versioning: a new ledger holds meta's schema = ouro.ledger/2 and
// user_version 2 and opens again; a file whose user_version or meta schema was changed with raw
// SQL is refused naming the file and both versions; a SQLite database that is not a ledger, and
// an empty one opened without creating, are refused by name.
#include "ouro/provenance/ledger_schema.hpp"

#include <gtest/gtest.h>

#include <string>

#include "ouro/core/error.hpp"
#include "support/error_of.hpp"
#include "support/files.hpp"

namespace ouro::provenance {
namespace {

using testing::error_of;

std::string meta_schema(Database& db) {
  Statement query = db.prepare("SELECT value FROM meta WHERE key = 'schema'");
  return query.step() ? query.text(0) : "";
}

TEST(LedgerSchema, ANewLedgerCarriesItsSchemaAndVersionAndOpensAgain) {
  const auto dir = testing::scratch_dir("ledger-schema-new");
  {
    Database db = open_ledger(dir / "l.sqlite", OpenMode::kCreateIfMissing);
    EXPECT_EQ(meta_schema(db), "ouro.ledger/2");
    Statement version = db.prepare("PRAGMA user_version");
    ASSERT_TRUE(version.step());
    EXPECT_EQ(version.integer(0), kLedgerVersion);
    for (const char* table : {"meta", "additions", "documents", "generations", "samples", "candidates"}) {
      Statement query = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
      EXPECT_TRUE(query.bind(1, table).step()) << table;
    }
  }
  Database again = open_ledger(dir / "l.sqlite", OpenMode::kExisting);
  EXPECT_EQ(meta_schema(again), kLedgerSchema);
}

TEST(LedgerSchema, ALedgerOfAnotherVersionIsRefusedNamingBothVersions) {
  const auto dir = testing::scratch_dir("ledger-schema-version");
  const auto file = dir / "l.sqlite";
  open_ledger(file, OpenMode::kCreateIfMissing);
  {
    Database raw(file, OpenMode::kExisting);
    raw.execute("PRAGMA user_version = 3");
  }
  std::string message = error_of([&] { open_ledger(file, OpenMode::kExisting); });
  EXPECT_NE(message.find("l.sqlite"), std::string::npos) << message;
  EXPECT_NE(message.find("schema ouro.ledger/2 (user_version 3)"), std::string::npos) << message;
  EXPECT_NE(message.find("reads schema ouro.ledger/2 (user_version 2)"), std::string::npos) << message;
  EXPECT_THROW(open_ledger(file, OpenMode::kCreateIfMissing), DataError);
  {
    Database raw(file, OpenMode::kExisting);
    raw.execute("PRAGMA user_version = 2; UPDATE meta SET value = 'ouro.ledger/7' WHERE key = 'schema'");
  }
  message = error_of([&] { open_ledger(file, OpenMode::kExisting); });
  EXPECT_NE(message.find("schema ouro.ledger/7 (user_version 2)"), std::string::npos) << message;
  EXPECT_NE(message.find("ouro.ledger/2"), std::string::npos) << message;
}

TEST(LedgerSchema, ADatabaseThatIsNotALedgerIsRefusedByName) {
  const auto dir = testing::scratch_dir("ledger-schema-other");
  {
    Database other(dir / "other.sqlite", OpenMode::kCreateIfMissing);
    other.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)");
  }
  std::string message = error_of([&] { open_ledger(dir / "other.sqlite", OpenMode::kCreateIfMissing); });
  EXPECT_NE(message.find("other.sqlite' is a SQLite database but not an ouroboros ledger"), std::string::npos)
      << message;
  { Database empty(dir / "empty.sqlite", OpenMode::kCreateIfMissing); }
  message = error_of([&] { open_ledger(dir / "empty.sqlite", OpenMode::kExisting); });
  EXPECT_NE(message.find("empty.sqlite' is an empty SQLite database"), std::string::npos) << message;
  message = error_of([&] { open_ledger(dir / "none.sqlite", OpenMode::kExisting); });
  EXPECT_NE(message.find("none.sqlite' does not exist"), std::string::npos) << message;
}

}  // namespace
}  // namespace ouro::provenance
