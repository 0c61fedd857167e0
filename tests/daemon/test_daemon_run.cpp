// `kenesd run` as a process: systemd notify through $NOTIFY_SOCKET (READY, STATUS, WATCHDOG),
// SIGHUP reloads (a bad config keeps the running one), SIGTERM finishes and exits 0.
#include "daemon/store/state_store.hpp"
#include "support/caldav_server.hpp"
#include "support/daemon_process.hpp"
#include "support/event_times.hpp"
#include "support/raw_db.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

using namespace kenes;
using namespace kenes::test;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// A datagram socket standing in for systemd's notify socket, read all the time as systemd does
// (a full socket queue would block the sender).
class NotifySocket
{
public:
  explicit NotifySocket(const fs::path& path)
  {
    m_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    REQUIRE(bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{0, 100000};
    setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    m_reader = std::thread([this] {
      char buf[4096];
      while (!m_stop) {
        ssize_t n = recv(m_fd, buf, sizeof buf, 0);
        if (n > 0) {
          std::lock_guard lock(m_mutex);
          m_all.append(buf, static_cast<std::size_t>(n)).append("\n");
        }
      }
    });
  }
  ~NotifySocket()
  {
    m_stop = true;
    m_reader.join();
    close(m_fd);
  }
  std::string received()
  {
    std::lock_guard lock(m_mutex);
    return m_all;
  }

private:
  int m_fd = -1;
  std::atomic<bool> m_stop{false};
  std::mutex m_mutex;
  std::string m_all;
  std::thread m_reader;
};

std::string config_text(const std::string& sources)
{
  return R"({"timezone": "Asia/Almaty", "directory": ")" + (source_dir() / "config/demo/directory.json").string() +
         R"(", "state_dir": "state", "admin": {"listen": "127.0.0.1:0"}, "sources": )" + sources + "}";
}

std::string meeting(const std::string& uid)
{
  EventSpec e;
  e.uid = uid;
  return event_ics(e);
}

// One resource whose read is slow: `masters` VEVENTs of one UID, each the hostile rule every five
// minutes from 1970 (100,000 recurrence steps each).
std::string slow_calendar(int masters)
{
  std::string hostile = slurp(source_dir() / "tests/daemon/data/hostile/event-daily-every-five-minutes.ics");
  const auto begin = hostile.find("BEGIN:VEVENT");
  const auto end = hostile.find("END:VCALENDAR");
  std::string many;
  for (int i = 0; i < masters; ++i) {
    many += hostile.substr(begin, end - begin);
  }
  return hostile.substr(0, begin) + many + hostile.substr(end);
}

} // namespace

TEST_CASE("run: READY and STATUS through NOTIFY_SOCKET, watchdog pings, SIGTERM exits 0", "[run]")
{
  TempDir dir;
  fs::create_directories(dir.path() / "spool"); // the default spool_dir: kenesd does not make it
  dir.write("cal/a.ics", meeting("run-a"));
  fs::path cfg = dir.write("kenes.json", config_text(R"([{"id": "local", "type": "dir", "path": "cal",
      "interval_seconds": 1}])"));
  NotifySocket notify(dir.path() / "notify.sock");
  DaemonProcess d(cfg, dir.path() / "err.log",
                  {"NOTIFY_SOCKET=" + (dir.path() / "notify.sock").string(), "WATCHDOG_USEC=200000"});
  bool synced = d.wait_log("sync.done source=local", 2);
  INFO(d.log());
  REQUIRE(synced);
  CHECK(d.alive());
  std::string got = notify.received();
  CHECK_THAT(got, Catch::Contains("READY=1"));
  CHECK_THAT(got, Catch::Contains("STATUS=1/1 sources synced, 0 failing"));
  CHECK_THAT(got, Catch::Contains("WATCHDOG=1"));
  CHECK(d.stop(SIGTERM) == 0);
  CHECK_THAT(notify.received(), Catch::Contains("STOPPING=1"));
  CHECK_THAT(d.log(), Catch::Contains("daemon.stopped"));
  auto store = daemon::StateStore::open(dir.path() / "state");
  CHECK(store->meeting_uids() == std::vector<std::string>{"run-a"});
}

TEST_CASE("run: SIGHUP with a bad config keeps the running one, a good one adds its sources", "[run]")
{
  TempDir dir;
  fs::create_directories(dir.path() / "spool"); // the default spool_dir: kenesd does not make it
  dir.write("cal/a.ics", meeting("hup-a"));
  dir.write("cal2/b.ics", meeting("hup-b"));
  std::string one = R"([{"id": "local", "type": "dir", "path": "cal", "interval_seconds": 1}])";
  fs::path cfg = dir.write("kenes.json", config_text(one));
  DaemonProcess d(cfg, dir.path() / "err.log", {});
  REQUIRE(d.wait_log("sync.done source=local"));

  dir.write("kenes.json", "{\"timezone\": \"Asia/Almaty\", \"sources\": [ broken");
  d.signal(SIGHUP);
  REQUIRE(d.wait_log("daemon.reload_kept_old"));
  CHECK_THAT(d.log(), Catch::Contains("daemon.reload_failed"));
  CHECK(d.alive());
  int before = 0;
  std::string l = d.log();
  for (auto at = l.find("sync.done source=local"); at != std::string::npos;
       at = l.find("sync.done source=local", at + 1)) {
    ++before;
  }
  REQUIRE(d.wait_log("sync.done source=local", before + 1)); // the old config goes on

  dir.write("kenes.json", config_text(R"([{"id": "local", "type": "dir", "path": "cal", "interval_seconds": 1},
      {"id": "second", "type": "dir", "path": "cal2", "interval_seconds": 1}])"));
  d.signal(SIGHUP);
  REQUIRE(d.wait_log("daemon.reloaded"));
  REQUIRE(d.wait_log("sync.done source=second"));
  CHECK(d.stop(SIGTERM) == 0);
  auto store = daemon::StateStore::open(dir.path() / "state");
  CHECK(store->meeting_uids() == std::vector<std::string>{"hup-a", "hup-b"});
}

TEST_CASE("sync --once prints the summary line and exits 1 when a source failed", "[run]")
{
  TempDir dir;
  fs::create_directories(dir.path() / "spool"); // the default spool_dir: kenesd does not make it
  dir.write("cal/a.ics", meeting("once-a"));
  fs::path cfg = dir.write("kenes.json", config_text(R"([{"id": "local", "type": "dir", "path": "cal"}])"));
  ProcessResult ok = run_process({kenesd_binary(), "--config", cfg.string(), "sync", "--once"});
  CHECK(ok.exit_code == 0);
  CHECK_THAT(
      ok.out,
      Catch::Matches(
          "sources=1 collections=1 requests=0 added=1 changed=0 removed=0 errors=0 "
          "quarantined=0 checked=1 notices_sent=[0-9]+ notices_failed=0 removals_held=0 seconds=[0-9]+\\.[0-9]{2}\n"));
  ProcessResult again = run_process({kenesd_binary(), "--config", cfg.string(), "sync", "--once"});
  CHECK_THAT(again.out, Catch::StartsWith("sources=1 collections=1 requests=0 added=0 changed=0 removed=0 errors=0"));

  fs::path bad = dir.write("bad.json", config_text(R"([{"id": "gone", "type": "dir", "path": "missing"}])"));
  ProcessResult failed = run_process({kenesd_binary(), "--config", bad.string(), "sync", "--once"});
  CHECK(failed.exit_code == 1);
  CHECK_THAT(failed.out, Catch::Contains("errors=1"));
  CHECK_THAT(failed.err, Catch::Contains("sync.failed source=gone"));
}

TEST_CASE("run and sync --once refuse an empty or damaged store at start, naming the file (issue 23, item 4)", "[run]")
{
  TempDir dir;
  fs::create_directories(dir.path() / "spool"); // the default spool_dir: kenesd does not make it
  dir.write("cal/a.ics", meeting("store-a"));
  fs::path cfg = dir.write("kenes.json", config_text(R"([{"id": "local", "type": "dir", "path": "cal"}])"));
  fs::path file = dir.path() / "state" / daemon::StateStore::k_file_name;

  SECTION("an empty file")
  {
    dir.write("state/" + std::string(daemon::StateStore::k_file_name), "");
    ProcessResult once = run_process({kenesd_binary(), "--config", cfg.string(), "sync", "--once"});
    CHECK(once.exit_code == 2);
    CHECK_THAT(once.err, Catch::Contains(file.string()) && Catch::Contains("empty"));
    ProcessResult run = run_process({"/usr/bin/timeout", "10", kenesd_binary(), "--config", cfg.string(), "run"});
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains(file.string()) && Catch::Contains("empty"));
    CHECK(fs::file_size(file) == 0);
  }
  SECTION("damaged pages")
  {
    for (int i = 0; i < 60; ++i)
      dir.write("cal/m" + std::to_string(i) + ".ics", meeting("store-m" + std::to_string(i)));
    REQUIRE(run_process({kenesd_binary(), "--config", cfg.string(), "sync", "--once"}).exit_code == 0);
    REQUIRE(fs::file_size(file) > 8 * 4096);
    kenes::test::corrupt_pages(file, 4096, {3, 5, 7});
    // `run` used to start and answer 500; it stops at start with quick_check's finding.
    ProcessResult run = run_process({"/usr/bin/timeout", "10", kenesd_binary(), "--config", cfg.string(), "run"});
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains(file.string()) && Catch::Contains("damaged"));
  }
}

TEST_CASE("sync --once counts the notices a full spool refused in notices_failed, invitations and warnings, and "
          "exits 1 (issue 23, item 10)",
          "[run][notices]")
{
  // A full spool is a tmpfs of 4 KB, filled, in a mount namespace of the process's own.
  if (run_process({"/usr/bin/unshare", "-m", "/bin/true"}).exit_code != 0) {
    WARN("skipped: no mount namespace here (unshare -m)");
    return;
  }
  auto in_days = [](int days) {
    std::time_t t = std::time(nullptr) + days * 86400;
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y%m%d", std::gmtime(&t));
    return std::string(buf);
  };
  auto write_meetings = [&](const TempDir& dir) {
    for (int i = 0; i < 5; ++i) {
      EventSpec e;
      e.uid = "full-" + std::to_string(i);
      e.start = in_days(20 + i) + "T100000";
      e.end = in_days(20 + i) + "T110000";
      e.attendees = {"mailto:vice.minister17@economy.gov.kz"};
      e.extra = {"CATEGORIES:budget"};
      dir.write("cal/" + e.uid + ".ics", event_ics(e));
    }
    fs::create_directories(dir.path() / "spool");
    // Notified as new meetings, not adopted (SPEC §5 Rollout): the spool must be asked to take them.
    std::string text = config_text(R"([{"id": "local", "type": "dir", "path": "cal"}])");
    text.insert(text.size() - 1, R"(, "notices": {"adopt": "none"})");
    return dir.write("kenes.json", text);
  };
  auto sent_of = [](const std::string& summary) {
    auto at = summary.find("notices_sent=");
    return at == std::string::npos ? -1 : std::atoi(summary.c_str() + at + 13);
  };

  TempDir healthy;
  fs::path ok_cfg = write_meetings(healthy);
  ProcessResult ok = run_process({kenesd_binary(), "--config", ok_cfg.string(), "sync", "--once"});
  REQUIRE(ok.exit_code == 0);
  const int notices = sent_of(ok.out);
  REQUIRE(notices > 0);
  CHECK_THAT(ok.out, Catch::Contains("notices_failed=0"));

  TempDir full;
  fs::path cfg = write_meetings(full);
  const std::string spool = (full.path() / "spool").string();
  ProcessResult r = run_process({"/usr/bin/unshare", "-m", "/bin/sh", "-c",
                                 "mount -t tmpfs -o size=4k tmpfs '" + spool + "' && (dd if=/dev/zero of='" + spool +
                                     "/filler' bs=1k count=8 2>/dev/null; true) && exec '" + kenesd_binary() +
                                     "' --config '" + cfg.string() + "' sync --once"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("notices_sent=0 "));
  // Every notice the healthy run wrote is refused by the full spool and counted once: the
  // invitations the check lanes wrote to the spool, and the organizer's warning, which goes through
  // the outbox since issue 22 (held for a digest) and is refused to the sender. Both stay queued
  // for a retry.
  auto at = r.out.find("notices_failed=");
  REQUIRE(at != std::string::npos);
  const int failed = std::atoi(r.out.c_str() + at + 15);
  CHECK(failed == notices);
  CHECK_THAT(r.err, Catch::Contains("notice.spool_refused"));
}

TEST_CASE("sync --once and run with the hostile calendars of issue 23: every meeting stored and notified, spool and "
          "outbox agree, READY sent",
          "[run][hostile]")
{
  TempDir dir;
  fs::create_directories(dir.path() / "spool");
  fs::create_directories(dir.path() / "cal");
  for (const auto& f : hostile_files()) {
    fs::copy_file(f, dir.path() / "cal" / f.filename().string(), fs::copy_options::none);
  }
  for (int i = 0; i < 3; ++i) {
    EventSpec e;
    e.uid = "good-" + std::to_string(i);
    e.start = "20261215T10000" + std::to_string(i);
    e.end = "20261215T11000" + std::to_string(i);
    e.attendees = {"mailto:vice.minister17@economy.gov.kz"};
    dir.write("cal/good-" + std::to_string(i) + ".ics", event_ics(e));
  }
  {
    // A valid slot whose SUMMARY the read repairs: it is invited, so its REQUEST is composed.
    EventSpec e;
    e.uid = "good-repaired";
    e.start = kenes::test::friday_utc(5);
    e.end = kenes::test::friday_utc(6);
    e.summary = "Совещание \xC3\x28 по бюджету";
    e.attendees = {"mailto:vice.minister17@economy.gov.kz"};
    dir.write("cal/good-repaired.ics", event_ics(e));
  }
  std::string text = config_text(R"([{"id": "local", "type": "dir", "path": "cal", "interval_seconds": 1}])");
  text.insert(text.size() - 1, R"(, "notices": {"adopt": "none"})"); // notified as new: the spool is asked
  fs::path cfg = dir.write("kenes.json", text);

  ProcessResult once =
      run_process({"/usr/bin/timeout", "120", kenesd_binary(), "--config", cfg.string(), "sync", "--once"});
  INFO(once.err);
  CHECK(once.exit_code == 0);
  CHECK_THAT(once.out, Catch::Contains("notices_failed=0"));
  {
    auto store = daemon::StateStore::open(dir.path() / "state");
    std::vector<std::string> uids = store->meeting_uids();
    std::set<std::string> stored(uids.begin(), uids.end());
    for (const char* uid :
         {"good-0", "good-1", "good-2", "hostile-utf8-summary@kenes.test", "hostile-utf8-uid-\xEF\xBF\xBD@kenes.test",
          "hostile-utf8-organizer@kenes.test", "hostile-tz-secondly@kenes.test", "hostile-event-secondly@kenes.test"}) {
      CHECK(stored.contains(uid));
    }
  }
  // What the spool holds is what the outbox recorded as sent, and nothing is left queued.
  RawDb db(dir.path() / "state");
  const auto spooled = eml_files(dir.path() / "spool").size();
  CHECK(spooled > 0);
  CHECK(std::to_string(spooled) == db.text("SELECT count(*) FROM outbox WHERE state = 'sent'"));
  CHECK(db.text("SELECT count(*) FROM pending_checks") == "0");
  // The invitations carry the repaired text, not kenes's own note of the repair.
  bool repaired_summary_sent = false;
  for (const nlohmann::json& m : read_imip(eml_files(dir.path() / "spool"))) {
    for (const nlohmann::json& ev : m.at("events")) {
      INFO(m.at("file").get<std::string>());
      for (const nlohmann::json& p : ev.at("properties")) {
        CHECK(p.get<std::string>() != "X-KENES-REPAIRED");
      }
      if (ev.at("uid") == "good-repaired") {
        repaired_summary_sent = true;
        CHECK_THAT(ev.at("summary").get<std::string>(), Catch::Contains("\xEF\xBF\xBD"));
      }
    }
  }
  CHECK(repaired_summary_sent);

  // `run` on a store of its own: it reads and checks every file again.
  std::string run_text = text;
  run_text.replace(run_text.find("\"state\""), 7, "\"state-run\"");
  fs::path run_cfg = dir.write("kenes-run.json", run_text);
  NotifySocket notify(dir.path() / "notify.sock");
  DaemonProcess d(run_cfg, dir.path() / "err.log", {"NOTIFY_SOCKET=" + (dir.path() / "notify.sock").string()});
  bool synced = d.wait_log("sync.done source=local", 2, std::chrono::seconds(60));
  INFO(d.log());
  REQUIRE(synced);
  CHECK_THAT(notify.received(), Catch::Contains("READY=1") && Catch::Contains("STATUS=1/1 sources synced, 0 failing"));
  CHECK(d.count("sync.failed") == 0);
  CHECK(d.count("check.event_problem") >= 9);
  // Each said for its event, also after the dir source split the file by UID.
  CHECK_THAT(d.log(), Catch::Contains("TZID Custom/Secondly: the calendar's VTIMEZONE is not used") &&
                          Catch::Contains("invalid UTF-8 in UID replaced with U+FFFD") &&
                          Catch::Contains("invalid UTF-8 in ORGANIZER replaced with U+FFFD") &&
                          !Catch::Contains("unknown TZID"));
  CHECK(d.stop(SIGTERM) == 0);
  auto store = daemon::StateStore::open(dir.path() / "state-run");
  CHECK(store->meeting_uids().size() >= 12);
}

TEST_CASE("sync --once: an X-KENES-REPAIRED note a CalDAV server or a folder's file wrote is not reported, the "
          "repair of the folder's file is",
          "[run][radicale]")
{
  auto forged = [](const std::string& uid, const std::string& note) {
    std::string ics = meeting(uid);
    ics.insert(ics.find("END:VEVENT"), "X-KENES-REPAIRED:" + note + "\r\n");
    return ics;
  };
  CaldavServer server(Server::radicale);
  server.make_calendar("work");
  server.put("work", "a.ics", forged("forged-dav", "a note the server wrote"));
  TempDir dir;
  fs::create_directories(dir.path() / "spool");
  dir.write("cal/forged.ics", forged("forged-dir", "a note the file wrote"));
  EventSpec e;
  e.uid = "repaired-dir";
  e.summary = "Совещание \xC3\x28 по бюджету";
  dir.write("cal/repaired.ics", event_ics(e));
  fs::path cfg = dir.write("kenes.json", config_text(R"([{"id": "local", "type": "dir", "path": "cal"},
    {"id": "dav", "type": "caldav", "url": ")" + server.base() +
                                                     R"(/", "username": "alice"}])"));
  ProcessResult once =
      run_process({"/usr/bin/timeout", "120", kenesd_binary(), "--config", cfg.string(), "sync", "--once"});
  INFO(once.err);
  CHECK(once.exit_code == 0);
  CHECK_THAT(once.err, Catch::Contains("invalid UTF-8 in SUMMARY replaced with U+FFFD") &&
                           !Catch::Contains("a note the server wrote") && !Catch::Contains("a note the file wrote"));
  auto store = daemon::StateStore::open(dir.path() / "state");
  CHECK(store->meeting_uids() == std::vector<std::string>{"forged-dav", "forged-dir", "repaired-dir"});
}

TEST_CASE("run: the watchdog is withheld while a check makes no progress, and fed again after it", "[run][hostile]")
{
  TempDir dir;
  fs::create_directories(dir.path() / "spool");
  // About a million recurrence steps in one read: well over the 100 ms without progress allowed here.
  dir.write("cal/slow.ics", slow_calendar(10));
  dir.write("cal/a.ics", meeting("watchdog-a"));
  fs::path cfg = dir.write("kenes.json", config_text(R"([{"id": "local", "type": "dir", "path": "cal",
      "interval_seconds": 1}])"));
  NotifySocket notify(dir.path() / "notify.sock");
  DaemonProcess d(cfg, dir.path() / "err.log",
                  {"NOTIFY_SOCKET=" + (dir.path() / "notify.sock").string(), "WATCHDOG_USEC=100000"});
  bool resumed = d.wait_log("daemon.watchdog_resumed", 1, std::chrono::seconds(60));
  INFO(d.log());
  CHECK_THAT(d.log(), Catch::Contains("daemon.watchdog_withheld reason=\"the checks and syncs have made no progress "
                                      "for 100 ms\""));
  CHECK(resumed);
  REQUIRE(d.wait_log("sync.done source=local", 2, std::chrono::seconds(60)));
  CHECK_THAT(notify.received(), Catch::Contains("WATCHDOG=1"));
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("run: SIGTERM stops the daemon at once while a long check is out", "[run][hostile]")
{
  TempDir dir;
  fs::create_directories(dir.path() / "spool");
  // A read that would take its whole time budget (10 s).
  dir.write("cal/slow.ics", slow_calendar(100));
  fs::path cfg = dir.write("kenes.json", config_text(R"([{"id": "local", "type": "dir", "path": "cal"}])"));
  DaemonProcess d(cfg, dir.path() / "err.log");
  REQUIRE(d.wait_log("daemon.ready"));
  std::this_thread::sleep_for(1500ms); // the source's first sync is reading the resource
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(d.stop(SIGTERM) == 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(d.log());
  CHECK(seconds < 4);
  CHECK_THAT(d.log(), Catch::Contains("daemon.stopped"));
  // What was not checked to the end is left queued for the next start.
  RawDb db(dir.path() / "state");
  CHECK(db.text("SELECT count(*) FROM pending_checks") == "1");
}

TEST_CASE("run: SIGHUP with a changed directory checks every meeting again, the same files check nothing again",
          "[run]")
{
  TempDir dir;
  fs::create_directories(dir.path() / "spool"); // the default spool_dir: kenesd does not make it
  const std::string directory = slurp(source_dir() / "config/demo/directory.json");
  const std::string old_address = "committee.chair45@transport.gov.kz";
  REQUIRE(directory.find(old_address) != std::string::npos);
  dir.write("directory.json", directory);
  EventSpec e;
  e.uid = "hup-directory";
  e.start = "20271215T100000"; // ahead, whatever day the test runs
  e.end = "20271215T110000";
  e.attendees = {"mailto:" + old_address};
  dir.write("cal/a.ics", event_ics(e));
  const std::string text = R"({"timezone": "Asia/Almaty", "directory": "directory.json", "state_dir": "state",
      "admin": {"listen": "127.0.0.1:0"}, "sources": [{"id": "local", "type": "dir", "path": "cal",
      "interval_seconds": 1}]})";
  fs::path cfg = dir.write("kenes.json", text);
  DaemonProcess d(cfg, dir.path() / "err.log", {});
  REQUIRE(d.wait_log("sync.done source=local"));
  const std::string invited = "\"to\":\"mailto:" + old_address + "\"";
  // The stored check once `done` says it is there (checks are written after sync.done).
  auto stored_when = [&](const std::function<bool(const std::string&)>& done) {
    std::string json;
    for (int i = 0; i < 100; ++i) {
      RawDb raw(dir.path() / "state");
      json = raw.text("SELECT json FROM meetings WHERE uid = 'hup-directory'");
      if (done(json) && raw.text("SELECT count(*) FROM pending_checks") == "0") {
        break;
      }
      std::this_thread::sleep_for(100ms);
    }
    return json;
  };
  CHECK_THAT(stored_when([](const std::string& j) { return !j.empty(); }), Catch::Contains(invited));
  // The same files again: nothing to check again.
  d.signal(SIGHUP);
  REQUIRE(d.wait_log("daemon.reloaded"));
  // The official's address changes in the directory: the meeting is checked again without any
  // change of its own, and the old address is no longer the one invited.
  std::string changed = directory;
  changed.replace(changed.find(old_address), old_address.size(), "committee.chair45.new@transport.gov.kz");
  dir.write("directory.json", changed);
  d.signal(SIGHUP);
  REQUIRE(d.wait_log("daemon.reloaded", 2));
  bool rechecked = d.wait_log("sync.recheck_all meetings=1");
  INFO(d.log());
  REQUIRE(rechecked);
  const std::string json = stored_when([&](const std::string& j) { return j.find(invited) == std::string::npos; });
  CHECK_THAT(json, Catch::Contains("\"uid\":\"hup-directory\""));
  CHECK(json.find(invited) == std::string::npos);
  std::string l = d.log();
  std::size_t rechecks = 0;
  for (auto at = l.find("sync.recheck_all"); at != std::string::npos; at = l.find("sync.recheck_all", at + 1)) {
    ++rechecks;
  }
  CHECK(rechecks == 1); // not for the reload of the same files
  CHECK(d.stop(SIGTERM) == 0);
}
