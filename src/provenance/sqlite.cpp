// The SQLite connection, statements and transactions (see sqlite.hpp), and the one place where
// SQLite's result codes become the project's errors.
#include "ouro/provenance/sqlite.hpp"

#include <sqlite3.h>

#include <utility>

#include <fmt/format.h>

#include "ouro/core/error.hpp"

namespace ouro::provenance {
namespace {

// Long enough for a writer that commits a large batch; a reader or second writer waits this long
// for the lock before the wait itself is reported as an error.
constexpr int kBusyTimeoutMs = 30000;

// A statement as an error message quotes it: on one line, and cut when long (the schema's
// CREATE statements run to pages).
std::string quoted_sql(std::string_view sql) {
  std::string out;
  bool space = false;
  for (const char c : sql) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  constexpr std::size_t kLongest = 160;
  if (out.size() > kLongest) out = out.substr(0, kLongest) + " ...";
  return out;
}

}  // namespace

Database::Database(std::filesystem::path path, OpenMode mode) : path_(std::move(path)) {
  if (mode == OpenMode::kExisting) {
    std::error_code ec;
    OURO_CHECK(std::filesystem::exists(path_, ec), IoError, "'{}' does not exist", path_.string());
  }
  // Without SQLite's per-call mutexes (NOMUTEX): a Database is used by one thread at a time (a
  // RunLedger serialises its callers), and the locks cost more than the inserts of a run's ledger.
  static const bool configured = [] {
    // Nor its global memory statistics, another lock per allocation; only possible before SQLite
    // initialises, so the first Database of the process does it (a refusal changes nothing).
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
                    (mode == OpenMode::kCreateIfMissing ? SQLITE_OPEN_CREATE : 0);
  const int code = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (code != SQLITE_OK) {
    // sqlite3_open_v2 allocates a handle even when it fails, to carry the message.
    const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
    sqlite3_close(db_);
    db_ = nullptr;
    throw IoError(fmt::format("'{}': cannot open as a SQLite database: {}", path_.string(), message));
  }
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  // The journal mode is stored in the file; synchronous and foreign keys belong to the connection.
  // This is also the first read of the file, where one that is not a database is found; the
  // destructor does not run for a constructor that throws, so the handle is closed here.
  try {
    execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
  } catch (const Error&) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Database::Database(Database&& other) noexcept
    : path_(std::move(other.path_)), db_(std::exchange(other.db_, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close(db_);
    path_ = std::move(other.path_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Database::~Database() {
  // Statements are finalized by their own destructors; sqlite3_close on a connection with live
  // statements would fail, and every Statement is owned by code that ends before its Database.
  sqlite3_close(db_);
}

void Database::execute(std::string_view sql) {
  const std::string text(sql);
  const int code = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) fail(code, sql);
}

Statement Database::prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  const int code = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
  if (code != SQLITE_OK) {
    sqlite3_finalize(statement);
    fail(code, sql);
  }
  return Statement(this, statement);
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }

void Database::fail(int code, std::string_view sql) const {
  const std::string message = fmt::format("'{}': {} (in `{}`)", path_.string(),
                                          db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code),
                                          quoted_sql(sql));
  switch (code & 0xff) {  // the primary code, without the extended part
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
      throw IoError(message);
    default:  // SQLITE_NOTADB, SQLITE_CORRUPT, SQLITE_CONSTRAINT, SQLITE_ERROR (no such table), ...
      throw DataError(message);
  }
}

Statement::Statement(const Database* database, sqlite3_stmt* statement)
    : database_(database), statement_(statement) {}

Statement::Statement(Statement&& other) noexcept
    : database_(other.database_), statement_(std::exchange(other.statement_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    database_ = other.database_;
    statement_ = std::exchange(other.statement_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(statement_); }

void Statement::check_bind(int code, int index) {
  if (code != SQLITE_OK) database_->fail(code, fmt::format("parameter {} of {}", index, sqlite3_sql(statement_)));
}

Statement& Statement::bind_integer(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(statement_, index, value), index);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  check_bind(sqlite3_bind_double(statement_, index, value), index);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  check_bind(sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), index);
  return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
  check_bind(sqlite3_bind_null(statement_, index), index);
  return *this;
}

bool Statement::step() {
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  database_->fail(code, sqlite3_sql(statement_));
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  // The result of sqlite3_reset repeats the last step's error, which step() has reported already.
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

bool Statement::is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(statement_, column); }

double Statement::real(int column) const { return sqlite3_column_double(statement_, column); }

int Statement::column_count() const { return sqlite3_column_count(statement_); }

std::string Statement::text(int column) const {
  const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  return bytes == nullptr ? std::string() : std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}

std::optional<std::int64_t> Statement::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

std::optional<double> Statement::optional_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}

Transaction::Transaction(Database& database) : database_(database) { database_.execute("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (done_) return;
  try {
    database_.execute("ROLLBACK");
  } catch (const Error&) {
    // SQLite has already rolled back (a failed COMMIT on a full disk can end the transaction
    // itself); there is nothing left to undo, and a destructor must not throw.
  }
}

void Transaction::commit() {
  database_.execute("COMMIT");
  done_ = true;
}

}  // namespace ouro::provenance
