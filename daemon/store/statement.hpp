// SQLite for the store: prepared statements cached by their SQL text, values only ever bound,
// and the store's transactions. Inside store/ only.
#pragma once

#include "daemon/store/state_store.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kenes::daemon {

namespace fs = std::filesystem;

// Prepared statements kept for reuse, by their SQL text: preparing one costs more than running
// most of ours. Used only under the store's mutex; a statement in use is out of the cache, so a
// nested use of the same SQL prepares a second one.
struct StatementCache
{
  explicit StatementCache(sqlite3* d)
    : db(d)
  {
  }
  ~StatementCache()
  {
    for (auto& [sql, statements] : idle)
      for (sqlite3_stmt* s : statements)
        sqlite3_finalize(s);
  }
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  sqlite3* db;
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle;
  // SQLite reported the file damaged, or could not read or write it, on this connection: its
  // close leaves no closed-clean mark (state_store.cpp), so the next open checks.
  bool damage_seen = false;
};

// Throws the store's error for what SQLite said of `db`; `cache`, the connection's, notes damage.
[[noreturn]] inline void fail(const fs::path& path, std::string_view what, sqlite3* db, StatementCache* cache = nullptr)
{
  if (db && cache) {
    const int code = sqlite3_errcode(db) & 0xff;
    cache->damage_seen = cache->damage_seen || code == SQLITE_CORRUPT || code == SQLITE_NOTADB ||
                         code == SQLITE_IOERR || code == SQLITE_FULL || code == SQLITE_CANTOPEN;
  }
  throw StoreError(path.string() + ": " + std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// One prepared statement (from the cache when it has one); values are only ever bound, never
// spliced into SQL.
class Statement
{
public:
  Statement(StatementCache& cache, const fs::path& path, std::string_view sql)
    : m_cache(cache)
    , m_db(cache.db)
    , m_path(path)
    , m_sql(sql)
  {
    auto idle = cache.idle.find(m_sql);
    if (idle != cache.idle.end() && !idle->second.empty()) {
      m_stmt = idle->second.back();
      idle->second.pop_back();
      return;
    }
    if (sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr) != SQLITE_OK) {
      sqlite3_finalize(m_stmt);
      fail(m_path, "cannot prepare a statement", m_db, &m_cache);
    }
  }
  ~Statement()
  {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    try {
      m_cache.idle[std::move(m_sql)].push_back(m_stmt);
    } catch (...) {
      sqlite3_finalize(m_stmt);
    }
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Resets the statement and binds the parameters in order.
  template <typename... Args> Statement& bind(const Args&... args)
  {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    int index = 0;
    (bind_one(++index, args), ...);
    return *this;
  }

  // True while there is a row to read.
  bool step()
  {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
      return true;
    if (rc == SQLITE_DONE)
      return false;
    sqlite3_reset(m_stmt);
    fail(m_path, "SQL failed", m_db, &m_cache);
  }
  void run()
  {
    while (step()) {
    }
    sqlite3_reset(m_stmt);
  }

  std::int64_t integer(int column) const { return sqlite3_column_int64(m_stmt, column); }
  std::optional<std::int64_t> optional_integer(int column) const
  {
    if (sqlite3_column_type(m_stmt, column) == SQLITE_NULL)
      return std::nullopt;
    return integer(column);
  }
  std::string text(int column) const
  {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))) : std::string();
  }

private:
  void check(int rc)
  {
    if (rc != SQLITE_OK)
      fail(m_path, "cannot bind a value", m_db, &m_cache);
  }
  void bind_one(int i, std::int64_t v) { check(sqlite3_bind_int64(m_stmt, i, v)); }
  void bind_one(int i, int v) { check(sqlite3_bind_int64(m_stmt, i, v)); }
  void bind_one(int i, const std::string& v)
  {
    check(sqlite3_bind_text64(m_stmt, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  void bind_one(int i, const char* v) { bind_one(i, std::string(v)); }
  void bind_one(int i, const std::optional<std::int64_t>& v)
  {
    if (v)
      bind_one(i, *v);
    else
      check(sqlite3_bind_null(m_stmt, i));
  }

  StatementCache& m_cache;
  sqlite3* m_db;
  const fs::path& m_path;
  std::string m_sql;
  sqlite3_stmt* m_stmt = nullptr;
};

// The UIDs of a set, but the empty one.
template <typename Set> std::vector<std::string> listed(const Set& uids)
{
  std::vector<std::string> out;
  for (const auto& uid : uids)
    if (!uid.empty())
      out.push_back(uid);
  return out;
}

// BEGIN IMMEDIATE at the outside (the write lock is taken at once, so a transaction never fails
// half-way on a lock it cannot upgrade), a savepoint inside another transaction. A snapshot is a
// deferred BEGIN: it only reads, so it never needs the write lock.
class StateStore::Transaction
{
public:
  enum class Mode { write, snapshot };
  explicit Transaction(StateStore& store, Mode mode = Mode::write)
    : m_store(store)
    , m_lock(store.m_mutex)
  {
    run(m_store.m_depth != 0 ? "SAVEPOINT nested" : mode == Mode::write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
    ++m_store.m_depth;
  }
  ~Transaction()
  {
    if (m_committed)
      return;
    --m_store.m_depth;
    try {
      m_store.exec(m_store.m_depth == 0 ? "ROLLBACK" : "ROLLBACK TO nested; RELEASE nested");
    } catch (const StoreError&) {
      // SQLite has already rolled back after an I/O or full-disk error.
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit()
  {
    run(m_store.m_depth == 1 ? "COMMIT" : "RELEASE nested");
    --m_store.m_depth;
    m_committed = true;
  }

private:
  void run(const char* sql) { Statement(*m_store.m_statements, m_store.m_path, sql).run(); }

  StateStore& m_store;
  std::lock_guard<std::recursive_mutex> m_lock;
  bool m_committed = false;
};

} // namespace kenes::daemon
