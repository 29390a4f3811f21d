// A small RAII layer over SQLite (Debian's libsqlite3-dev) for the provenance ledger: a connection,
// prepared statements with typed binds, and a transaction guard that rolls back when an exception
// leaves its scope.
//
// Every SQLite failure becomes one of the project's errors, naming the database file and the
// statement that failed, so a ledger problem reads like any other bad input: IoError when the file
// cannot be opened, read or written (missing, no permission, disk full, locked by another writer
// past the busy timeout), DataError when its contents are the problem (not a database, damaged, a
// constraint the rows break, a table that is not there). sqlite3.h stays out of this header: the
// handles are opaque to callers, who only see the typed interface.
//
// A Database is one connection and is not safe to use from several threads at once; callers that
// write from several threads (RunLedger) serialise their calls.
#pragma once

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace ouro::provenance {

class Statement;

enum class OpenMode {
  kExisting,        // read and write a database that must exist (IoError naming it otherwise)
  kCreateIfMissing  // create an empty database when there is none
};

class Database {
 public:
  // Opens the file in WAL mode with synchronous = NORMAL (a commit survives a crash of the process;
  // after a power loss the last commits may roll back, never tear) and a busy timeout, so a second
  // process writing the same file waits for the first instead of failing at once.
  Database(std::filesystem::path path, OpenMode mode);
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements that return no rows (schema, pragmas).
  void execute(std::string_view sql);
  // Compiles one statement.
  Statement prepare(std::string_view sql);

  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t changes() const;

  const std::filesystem::path& path() const { return path_; }

  // Throws the project's error for SQLite result `code` on this connection, naming the file and
  // `sql` (the statement, or what was being done).
  [[noreturn]] void fail(int code, std::string_view sql) const;

 private:
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
};

// A prepared statement: bind parameters (1-based, as SQLite counts them), step through its rows,
// reset to run it again with other values. Text is copied at bind time, so the caller's strings
// need not outlive the bind. A statement refers to its Database, which must not move or end
// while the statement lives.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Integers of any width are stored as SQLite's 64-bit integers; bool as 0 or 1.
  template <std::integral T>
  Statement& bind(int index, T value) {
    return bind_integer(index, static_cast<std::int64_t>(value));
  }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  // Without these two a string literal would convert to bool (a standard conversion) rather than
  // to string_view.
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::nullopt_t);
  // NULL when empty.
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }
  // Binds parameters 1, 2, ... to `values` in order.
  template <typename... T>
  Statement& bind_all(const T&... values) {
    int index = 0;
    (bind(++index, values), ...);
    return *this;
  }

  // Advances to the next row: true when one is ready to read, false when the statement is done.
  bool step();
  // Steps a statement that returns no rows to its end, then resets it for the next binds.
  void run();
  // Makes the statement ready to run again and clears its bindings.
  void reset();

  // The columns each row of the statement's result has.
  int column_count() const;
  bool is_null(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  // NULL as nullopt.
  std::optional<std::int64_t> optional_integer(int column) const;
  std::optional<double> optional_real(int column) const;

 private:
  friend class Database;
  Statement(const Database* database, sqlite3_stmt* statement);
  Statement& bind_integer(int index, std::int64_t value);
  void check_bind(int code, int index);

  const Database* database_ = nullptr;
  sqlite3_stmt* statement_ = nullptr;
};

// BEGIN IMMEDIATE on construction (the write lock is taken at once, so two writers queue on the
// busy timeout instead of deadlocking on an upgrade); ROLLBACK on destruction unless commit() ran.
// Everything written inside one Transaction is in the file entirely or not at all.
class Transaction {
 public:
  explicit Transaction(Database& database);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  void commit();

 private:
  Database& database_;
  bool done_ = false;
};

}  // namespace ouro::provenance
