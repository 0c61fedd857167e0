// A real CalDAV server for tests (Radicale 3.1.8 or Xandikos 0.2.8, Debian packages) on a free
// 127.0.0.1 port in a fresh folder, seeded through its HTTP interface with curl; stopped with the
// object.
#pragma once

#include "support/server_process.hpp"
#include "support/test_support.hpp"

#include <string>
#include <vector>

namespace kenes::test {

enum class Server { radicale, xandikos };

class CaldavServer
{
public:
  explicit CaldavServer(Server kind);

  std::string base() const { return m_process.base_url(); }
  // Radicale: /alice/ (any password); Xandikos: /user/calendars/.
  std::string home() const { return m_kind == Server::radicale ? "/alice/" : "/user/calendars/"; }
  std::string calendar_url(const std::string& cal) const { return base() + home() + cal + "/"; }

  // A calendar for events, or (tasks) one whose supported-calendar-component-set is VTODO alone.
  void make_calendar(const std::string& cal, bool tasks = false);
  void rename_calendar(const std::string& cal, const std::string& display_name); // PROPPATCH
  void put(const std::string& cal, const std::string& name, const std::string& ics);
  void remove(const std::string& cal, const std::string& name);
  void remove_calendar(const std::string& cal) { remove(cal, ""); } // DELETE of the collection

private:
  static ServerSpec spec(Server kind, const std::filesystem::path& dir, int& port);
  int curl(std::vector<std::string> args);

  Server m_kind;
  TempDir m_dir;
  int m_port = 0;
  ServerProcess m_process;
};

} // namespace kenes::test
