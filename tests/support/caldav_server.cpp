#include "support/caldav_server.hpp"

#include <catch2/catch.hpp>

namespace kenes::test {

namespace fs = std::filesystem;

CaldavServer::CaldavServer(Server kind)
  : m_kind(kind)
  , m_process(spec(kind, m_dir.path(), m_port))
{
}

void CaldavServer::make_calendar(const std::string& cal, bool tasks)
{
  if (m_kind == Server::radicale) {
    curl({"-X", "PROPFIND", base() + "/alice/"}); // creates the principal
  }
  std::string components =
      tasks ? "<C:supported-calendar-component-set><C:comp name=\"VTODO\"/></C:supported-calendar-component-set>" : "";
  std::string body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><C:mkcalendar xmlns:D=\"DAV:\" "
                     "xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:set><D:prop><D:displayname>" +
                     cal + "</D:displayname>" + components + "</D:prop></D:set></C:mkcalendar>";
  int status =
      curl({"-X", "MKCALENDAR", "-H", "Content-Type: application/xml", "--data-binary", body, calendar_url(cal)});
  REQUIRE(status == 201);
}

void CaldavServer::rename_calendar(const std::string& cal, const std::string& display_name)
{
  std::string body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop>"
                     "<D:displayname>" +
                     display_name + "</D:displayname></D:prop></D:set></D:propertyupdate>";
  int status =
      curl({"-X", "PROPPATCH", "-H", "Content-Type: application/xml", "--data-binary", body, calendar_url(cal)});
  REQUIRE(status == 207);
}

void CaldavServer::put(const std::string& cal, const std::string& name, const std::string& ics)
{
  TempDir tmp;
  fs::path file = tmp.write("e.ics", ics);
  int status = curl({"-X", "PUT", "-H", "Content-Type: text/calendar; charset=utf-8", "--data-binary",
                     "@" + file.string(), calendar_url(cal) + name});
  REQUIRE((status == 201 || status == 204));
}

void CaldavServer::remove(const std::string& cal, const std::string& name)
{
  int status = curl({"-X", "DELETE", calendar_url(cal) + name});
  REQUIRE((status == 200 || status == 204));
}

ServerSpec CaldavServer::spec(Server kind, const fs::path& dir, int& port)
{
  port = free_port();
  ServerSpec s;
  s.ready = ServerSpec::Ready::port_accepts;
  s.port = port;
  if (kind == Server::radicale) {
    s.argv = {"radicale", "--storage-filesystem-folder=" + (dir / "data").string(),
              "--server-hosts=127.0.0.1:" + std::to_string(port), "--auth-type=none", "--logging-level=warning"};
  } else {
    s.argv = {"xandikos",     "-d",        (dir / "data").string(), "-l", "127.0.0.1", "-p", std::to_string(port),
              "--autocreate", "--defaults"};
  }
  return s;
}

int CaldavServer::curl(std::vector<std::string> args)
{
  std::vector<std::string> argv = {"/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}"};
  if (m_kind == Server::radicale) {
    argv.insert(argv.end(), {"-u", "alice:x"});
  }
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = run_process(argv);
  REQUIRE(r.exit_code == 0);
  return std::stoi(r.out);
}

} // namespace kenes::test
