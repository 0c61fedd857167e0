// A second, plain SQLite connection to a state store's file, to look at it as it is on disk.
#pragma once

#include "daemon/store/state_store.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
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

// Overwrites whole pages (numbered from 1, as SQLite does) of a closed database file with bytes
// that are no b-tree page: a store damaged on disk.
inline void corrupt_pages(const std::filesystem::path& file, std::size_t page_size, std::initializer_list<int> pages)
{
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  for (int page : pages) {
    f.seekp(static_cast<std::streamoff>((page - 1) * page_size));
    std::string junk(page_size, '\0');
    for (std::size_t i = 0; i < junk.size(); ++i)
      junk[i] = static_cast<char>((i * 131 + static_cast<std::size_t>(page) * 7) % 251);
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  if (!f)
    throw std::runtime_error("cannot damage " + file.string());
}

} // namespace kenes::test
