// Publishing the month's appendix to WebDAV (SPEC §9): when a month is due, and `kenesd run`
// against a real nginx with PUT and Basic auth: published once, not again after a restart, a 500
// or a 401 recorded and retried.
#include "daemon/report/report_publisher.hpp"
#include "daemon/store/state_store.hpp"
#include "support/daemon_process.hpp"
#include "support/server_process.hpp"
#include "support/test_support.hpp"

#include "calendar/publish_schedule.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

using namespace kenes;
using namespace kenes::test;
namespace fs = std::filesystem;
namespace cal = kenes::calendar;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

cal::Days date(const std::string& iso)
{
  return *cal::parse_iso_date(iso);
}

std::optional<std::string> due(const std::string& today, const cal::Regime& regime,
                               std::optional<std::string> last = std::nullopt)
{
  std::optional<year_month> last_month;
  if (last) {
    last_month = cal::parse_month(*last);
  }
  auto m = cal::due_report_month(date(today), regime, last_month);
  if (!m) {
    return std::nullopt;
  }
  return cal::month_string(*m);
}

} // namespace

TEST_CASE("publish: the month is due on the first working day after a weekend", "[report][publish]")
{
  cal::Regime regime; // 2026-11-01 is a Sunday
  CHECK(cal::first_working_day(2026y / November, regime) == date("2026-11-02"));
  CHECK(due("2026-10-30", regime) == "2026-09");
  CHECK(due("2026-11-01", regime) == std::nullopt);
  CHECK(due("2026-11-02", regime) == "2026-10");
  CHECK(due("2026-11-20", regime) == "2026-10"); // missed days catch up
}

TEST_CASE("publish: January publishes December of the previous year after the New Year holidays", "[report][publish]")
{
  cal::Regime regime;
  regime.holidays = {date("2027-01-01"), date("2027-01-02")}; // Friday, Saturday; then a Sunday
  CHECK(cal::first_working_day(2027y / January, regime) == date("2027-01-04"));
  CHECK(due("2027-01-01", regime) == std::nullopt);
  CHECK(due("2027-01-03", regime) == std::nullopt);
  CHECK(due("2027-01-04", regime) == "2026-12");
}

TEST_CASE("publish: a holiday on the 1st moves the day, and a transferred working day on a Saturday counts",
          "[report][publish]")
{
  cal::Regime regime;
  regime.holidays = {date("2026-12-01")}; // a Tuesday
  CHECK(due("2026-12-01", regime) == std::nullopt);
  CHECK(due("2026-12-02", regime) == "2026-11");

  cal::Regime transferred; // 2026-08-01 is a Saturday
  CHECK(due("2026-08-01", transferred) == std::nullopt);
  CHECK(due("2026-08-03", transferred) == "2026-07");
  transferred.transferred_working_days = {date("2026-08-01")};
  CHECK(cal::first_working_day(2026y / August, transferred) == date("2026-08-01"));
  CHECK(due("2026-08-01", transferred) == "2026-07");
}

TEST_CASE("publish: nothing is due once the previous month is published", "[report][publish]")
{
  cal::Regime regime;
  CHECK(due("2026-12-10", regime, "2026-11") == std::nullopt);
  CHECK(due("2026-12-10", regime, "2026-10") == "2026-11");
  CHECK(due("2027-01-11", regime, "2026-12") == std::nullopt);
  CHECK(due("2027-01-11", regime, "2026-11") == "2026-12");
}

TEST_CASE("publish: months, source ids and URLs", "[report][publish]")
{
  CHECK(cal::parse_month("2026-13") == std::nullopt);
  CHECK(cal::parse_month("2026-1") == std::nullopt);
  CHECK(cal::month_string(*cal::parse_month("2027-01")) == "2027-01");
  CHECK(daemon::report_publish_source(2026y / November) == "report:publish:2026-11");
  CHECK(daemon::report_publish_url("https://dav/lib/", 2026y / November, "xlsx") ==
        "https://dav/lib/appendix-2026-11.xlsx");
  CHECK(daemon::report_publish_url("https://dav/lib", 2026y / November, "json") ==
        "https://dav/lib/appendix-2026-11.json");
}

namespace {

// nginx with PUT on /library/ behind Basic auth, and /broken/ answering 500, on a free port.
class WebdavServer
{
public:
  explicit WebdavServer(const TempDir& dir)
    : m_root(dir.path() / "nginx")
  {
    fs::create_directories(m_root / "www/library");
    fs::create_directories(m_root / "tmp");
    int port = free_port();
    {
      std::ofstream users(m_root / "users");
      users << "kenes:{PLAIN}s3cret\n";
    }
    std::ostringstream conf;
    const std::string r = m_root.string();
    if (geteuid() == 0) {
      conf << "user root;\n";
    }
    conf << "worker_processes 1;\npid " << r << "/nginx.pid;\nerror_log " << r << "/error.log;\n"
         << "events { worker_connections 64; }\n"
         << "http {\n  access_log " << r << "/access.log;\n"
         << "  client_body_temp_path " << r << "/tmp/body;\n  proxy_temp_path " << r << "/tmp/proxy;\n"
         << "  fastcgi_temp_path " << r << "/tmp/fastcgi;\n  uwsgi_temp_path " << r << "/tmp/uwsgi;\n"
         << "  scgi_temp_path " << r << "/tmp/scgi;\n  client_max_body_size 10m;\n"
         << "  server {\n    listen 127.0.0.1:" << port << ";\n    root " << r << "/www;\n"
         << "    location /library/ { dav_methods PUT; create_full_put_path on; auth_basic IPGO;\n"
         << "      auth_basic_user_file " << r << "/users; }\n"
         << "    location /broken/ { return 500; }\n  }\n}\n";
    std::ofstream(m_root / "nginx.conf") << conf.str();
    ServerSpec spec;
    spec.argv = {"/usr/sbin/nginx", "-p", r, "-c", (m_root / "nginx.conf").string(), "-g", "daemon off;"};
    spec.ready = ServerSpec::Ready::port_accepts;
    spec.port = port;
    m_server = std::make_unique<ServerProcess>(spec);
  }
  std::string url(const std::string& path) const { return m_server->base_url() + path; }
  fs::path file(const std::string& path) const { return m_root / "www" / path; }

private:
  fs::path m_root;
  std::unique_ptr<ServerProcess> m_server;
};

std::string read_file(const fs::path& p)
{
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int count_outcomes(const fs::path& state, const std::string& source, const std::string& words)
{
  auto store = daemon::StateStore::open(state);
  int n = 0;
  for (const daemon::SyncRecord& r : store->sync_history(source, 100)) {
    n += (words == "ok" ? r.outcome == "ok" : r.outcome.find(words) != std::string::npos) ? 1 : 0;
  }
  return n;
}

} // namespace

TEST_CASE("publish: kenesd run PUTs last month's appendix to nginx once, and records and retries a 500 or a 401",
          "[report][publish][run]")
{
  if (!fs::exists("/usr/sbin/nginx")) {
    WARN("nginx is not installed (scripts/install-deps.sh): skipped");
    return;
  }
  TempDir dir;
  fs::create_directories(dir.path() / "spool"); // the default spool_dir: kenesd does not make it
  WebdavServer dav(dir);

  // The real clock decides the month: the 1st of this month is made a working day, so the
  // previous month is due whatever today is.
  cal::Days today = almaty().local(static_cast<cal::Instant>(std::time(nullptr))).day;
  year_month_day ymd(today);
  year_month previous = ymd.year() / ymd.month() - months(1);
  cal::Days meeting_day{previous / 10};
  while (weekday(meeting_day) == Saturday || weekday(meeting_day) == Sunday) {
    meeting_day += days(1);
  }
  std::string compact = cal::iso_date(meeting_day);
  compact.erase(std::remove(compact.begin(), compact.end(), '-'), compact.end());
  EventSpec e;
  e.uid = "publish-1";
  e.organizer = "minister7@minfin.gov.kz"; // chaired in a central body, with another body's vice minister
  e.attendees = {";PARTSTAT=ACCEPTED:mailto:vice.minister24@edu.gov.kz"};
  e.extra = {"CATEGORIES:education"};
  e.start = compact + "T100000";
  e.end = compact + "T110000";
  e.created = compact.substr(0, 6) + "01T000000Z";
  dir.write("cal/a.ics", event_ics(e));
  dir.write("secrets/wrong", "nope\n");
  dir.write("secrets/right", "s3cret\n");
  const std::string first = cal::iso_date(cal::Days{ymd.year() / ymd.month() / 1});
  auto config = [&](const std::string& url, const std::string& password_file, const std::string& format = "json") {
    return dir.write("kenes.json", R"({"timezone": "Asia/Almaty", "directory": ")" +
                                       (source_dir() / "config/demo/directory.json").string() +
                                       R"(", "state_dir": "state", "admin": {"listen": "127.0.0.1:0"},
      "regime": {"transferred_working_days": [")" +
                                       first + R"("]},
      "sources": [{"id": "local", "type": "dir", "path": "cal", "interval_seconds": 3600}],
      "report": {"publish_url": ")" + url +
                                       R"(", "format": ")" + format + R"(", "username": "kenes",
                 "password_file": ")" + password_file +
                                       R"(", "timeout_seconds": 10,
                 "check_interval_seconds": 1}})");
  };
  const std::string month = cal::month_string(previous);
  const std::string source = "report:publish:" + month;
  const std::string name = "appendix-" + month + ".json";

  SECTION("a 500 and a 401 are recorded and retried; then it is published once, and not again after a restart")
  {
    fs::path cfg = config(dav.url("/broken/"), "secrets/right");
    {
      DaemonProcess d(cfg, dir.path() / "err1.log");
      bool failed = d.wait_log("report.publish_failed month=" + month, 2);
      INFO(d.log());
      REQUIRE(failed);
      CHECK_THAT(d.log(), Catch::Contains("HTTP 500"));
      CHECK(d.stop() == 0);
    }
    CHECK(count_outcomes(dir.path() / "state", source, "HTTP 500") >= 2);

    cfg = config(dav.url("/library/"), "secrets/wrong");
    {
      DaemonProcess d(cfg, dir.path() / "err2.log");
      bool failed = d.wait_log("report.publish_failed month=" + month, 2);
      INFO(d.log());
      REQUIRE(failed);
      CHECK_THAT(d.log(), Catch::Contains("HTTP 401"));
      CHECK_THAT(d.log(), !Catch::Contains("nope"));
      CHECK(d.stop() == 0);
    }
    CHECK(count_outcomes(dir.path() / "state", source, "HTTP 401") >= 2);
    CHECK(!fs::exists(dav.file("library/" + name)));

    cfg = config(dav.url("/library/"), "secrets/right");
    {
      DaemonProcess d(cfg, dir.path() / "err3.log");
      bool published = d.wait_log("report.published month=" + month);
      INFO(d.log());
      REQUIRE(published);
      CHECK_THAT(d.log(), Catch::Contains("url=" + dav.url("/library/" + name)));
      std::this_thread::sleep_for(2500ms); // two more checks: nothing is due
      CHECK(d.count("report.published") == 1);
      CHECK(d.stop() == 0);
    }
    std::string body = read_file(dav.file("library/" + name));
    CHECK_THAT(body, Catch::StartsWith("{"));
    CHECK_THAT(body, Catch::Contains("\"month\": \"" + month + "\"") || Catch::Contains("\"month\":\"" + month + "\""));
    CHECK_THAT(body, Catch::Contains("publish-1"));
    CHECK(count_outcomes(dir.path() / "state", source, "ok") == 1);

    fs::remove(dav.file("library/" + name));
    {
      DaemonProcess d(cfg, dir.path() / "err4.log");
      REQUIRE(d.wait_log("sync.done source=local"));
      std::this_thread::sleep_for(2500ms);
      INFO(d.log());
      CHECK(d.count("report.publish") == 0);
      CHECK(d.stop() == 0);
    }
    CHECK(!fs::exists(dav.file("library/" + name)));
    CHECK(count_outcomes(dir.path() / "state", source, "ok") == 1);
  }

  SECTION("an XLSX is published as a workbook (a zip)")
  {
    fs::path cfg = config(dav.url("/library/"), "secrets/right", "xlsx");
    DaemonProcess d(cfg, dir.path() / "err.log");
    bool published = d.wait_log("report.published month=" + month);
    INFO(d.log());
    REQUIRE(published);
    CHECK(d.stop() == 0);
    std::string body = read_file(dav.file("library/appendix-" + month + ".xlsx"));
    CHECK_THAT(body, Catch::StartsWith("PK"));
    CHECK(body.size() > 1000);
  }
}
