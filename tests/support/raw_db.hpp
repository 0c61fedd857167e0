// A second, plain SQLite connection to a state store's file, to look at it as it is on disk.
#pragma once

#include "daemon/store/state_store.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace kenes::test {

class RawDb
{
public:
  explicit RawDb(const std::filesystem::path& dir)
  {
    if (sqlite3_open((dir / daemon::StateStore::k_file_name).c_str(), &m_db) != SQLITE_OK)
      throw std::runtime_error("cannot open the test database");
  }
  ~RawDb() { sqlite3_close(m_db); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  std::string text(const char* sql) const
  {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(m_db, sql, -1, &stmt, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(m_db));
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return out;
  }
  void exec(const char* sql) const
  {
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(m_db));
  }

private:
  sqlite3* m_db = nullptr;
};

} // namespace kenes::test
