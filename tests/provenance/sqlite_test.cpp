// The SQLite layer: typed binds read back as bound (NULL included), a transaction that an exception
// leaves is rolled back and a committed one stays, the file is in WAL mode, and every failure is the
// project's error naming the file and the statement (a missing file IoError; a file that is not a
// database, a syntax error and a broken constraint DataError).
#include "ouro/provenance/sqlite.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>

#include "ouro/core/error.hpp"
#include "support/error_of.hpp"
#include "support/files.hpp"

namespace ouro::provenance {
namespace {

using testing::error_of;

TEST(SqliteWrapper, TypedBindsReadBackAsBound) {
  const auto dir = testing::scratch_dir("sqlite-binds");
  Database db(dir / "t.sqlite", OpenMode::kCreateIfMissing);
  db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, n REAL, b INTEGER)");
  const std::string text = "grüße, \"quoted\" and a\nnewline";
  std::optional<double> none;
  db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind_all(std::int64_t{-9007199254740993}, 0.1, text, none, true)
      .run();
  Statement query = db.prepare("SELECT i, r, s, n, b FROM t");
  ASSERT_TRUE(query.step());
  EXPECT_EQ(query.integer(0), -9007199254740993);
  EXPECT_EQ(query.real(1), 0.1);
  EXPECT_EQ(query.text(2), text);
  EXPECT_TRUE(query.is_null(3));
  EXPECT_EQ(query.optional_real(3), std::nullopt);
  EXPECT_EQ(query.optional_integer(4), 1);
  EXPECT_FALSE(query.step());
  Statement mode = db.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.text(0), "wal");
}

TEST(SqliteWrapper, ATransactionLeftByAnExceptionIsRolledBack) {
  const auto dir = testing::scratch_dir("sqlite-transaction");
  Database db(dir / "t.sqlite", OpenMode::kCreateIfMissing);
  db.execute("CREATE TABLE t (x INTEGER)");
  Statement insert = db.prepare("INSERT INTO t VALUES (?1)");
  try {
    Transaction transaction(db);
    insert.bind(1, 1).run();
    insert.bind(1, 2).run();
    throw std::runtime_error("interrupted");
  } catch (const std::runtime_error&) {
  }
  {
    Transaction transaction(db);
    insert.bind(1, 3).run();
    transaction.commit();
  }
  Statement count = db.prepare("SELECT count(*), sum(x) FROM t");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.integer(0), 1);
  EXPECT_EQ(count.integer(1), 3);
}

TEST(SqliteWrapper, FailuresAreTheProjectsErrorsNamingTheFileAndTheStatement) {
  const auto dir = testing::scratch_dir("sqlite-errors");
  const std::string missing = error_of([&] { Database(dir / "missing.sqlite", OpenMode::kExisting); });
  EXPECT_NE(missing.find("missing.sqlite' does not exist"), std::string::npos) << missing;
  EXPECT_THROW(Database(dir / "missing.sqlite", OpenMode::kExisting), IoError);

  std::ofstream(dir / "text.sqlite") << "this is a text file, long enough to have a header of its own...\n";
  EXPECT_THROW(Database(dir / "text.sqlite", OpenMode::kExisting), DataError);
  const std::string not_db = error_of([&] { Database(dir / "text.sqlite", OpenMode::kExisting); });
  EXPECT_NE(not_db.find("text.sqlite"), std::string::npos) << not_db;
  EXPECT_NE(not_db.find("not a database"), std::string::npos) << not_db;

  Database db(dir / "t.sqlite", OpenMode::kCreateIfMissing);
  db.execute("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)");
  const std::string syntax = error_of([&] { db.prepare("SELEKT x FROM t"); });
  EXPECT_NE(syntax.find("t.sqlite"), std::string::npos) << syntax;
  EXPECT_NE(syntax.find("SELEKT x FROM t"), std::string::npos) << syntax;
  EXPECT_THROW(db.prepare("SELECT y FROM t"), DataError);

  db.execute("INSERT INTO t VALUES (1)");
  Statement insert = db.prepare("INSERT INTO t VALUES (?1)");
  const std::string constraint = error_of([&] { insert.bind(1, 1).run(); });
  EXPECT_NE(constraint.find("UNIQUE constraint failed: t.x"), std::string::npos) << constraint;
  EXPECT_NE(constraint.find("INSERT INTO t VALUES (?1)"), std::string::npos) << constraint;
  insert.reset();
  EXPECT_NO_THROW(insert.bind(1, 2).run());
}

}  // namespace
}  // namespace ouro::provenance
