// `kenesd run` against the hand-made FAULT CalDAV server (tests/support/fault_caldav_server.py), for
// the faults a real server cannot be made to show. Each case first syncs the good data with
// `sync --once`, then switches the fault on and runs the daemon with a healthy second source (a dir
// of demo calendars): the daemon must stay up, record the CalDAV source as degraded with a reason
// that names the problem, keep what it had synced, sync the other source, and stop cleanly on
// SIGTERM.
#include "support/server_process.hpp"
#include "support/test_support.hpp"

#include "daemon/store/state_store.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

using namespace kenes;
using namespace kenes::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

const std::string k_cal = "/calendars/alice/work/";
const std::vector<std::string> k_demo_files = {"01-minfin-budget-friday.ics", "02-economy-forecast-utc.ics"};

std::string lower(std::string s)
{
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// `kenesd ... run` in the background, in its own process group, stderr (the log) and stdout in
// files; the group is killed with the object if it is still there.
class DaemonRun
{
public:
  DaemonRun(const std::vector<std::string>& argv, const fs::path& log_file, const fs::path& out_file)
    : m_log(log_file)
  {
    std::fflush(nullptr);
    m_pid = ::fork();
    if (m_pid < 0) {
      throw std::runtime_error("fork failed");
    }
    if (m_pid == 0) {
      ::setpgid(0, 0);
      int in = ::open("/dev/null", O_RDONLY);
      int err = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (in < 0 || err < 0 || out < 0) {
        std::_Exit(126);
      }
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(err, 2);
      exec_argv(argv);
    }
    ::setpgid(m_pid, m_pid); // also here: no race with the child's own call
  }

  ~DaemonRun()
  {
    if (!m_status) {
      ::killpg(m_pid, SIGKILL);
      int status = 0;
      ::waitpid(m_pid, &status, 0);
    }
  }

  DaemonRun(const DaemonRun&) = delete;
  DaemonRun& operator=(const DaemonRun&) = delete;

  pid_t pid() const { return m_pid; }
  std::string log() const { return slurp(m_log); }

  // Not exited (a zombie is exited: kill(pid, 0) alone would not tell).
  bool running()
  {
    if (m_status) {
      return false;
    }
    int status = 0;
    pid_t r = ::waitpid(m_pid, &status, WNOHANG);
    if (r == m_pid) {
      m_status = status;
      return false;
    }
    return ::kill(m_pid, 0) == 0;
  }

  std::optional<int> status() const { return m_status; }

  // Until every needle is in the log: true; false when the limit passes, the process exits or a
  // line it must not log (`stop_at`) appears.
  bool wait_for(const std::vector<std::string>& needles, std::chrono::milliseconds limit,
                const std::vector<std::string>& stop_at = {})
  {
    const auto deadline = Clock::now() + limit;
    auto in = [](const std::string& text) {
      return [&text](const std::string& n) { return text.find(n) != std::string::npos; };
    };
    for (;;) {
      std::string text = log();
      if (std::all_of(needles.begin(), needles.end(), in(text))) {
        return true;
      }
      if (std::any_of(stop_at.begin(), stop_at.end(), in(text)) || !running() || Clock::now() > deadline) {
        return false;
      }
      std::this_thread::sleep_for(50ms);
    }
  }

  // SIGTERM, then waits up to `limit`; the wait status, or nullopt if it is still running.
  std::optional<int> terminate(std::chrono::milliseconds limit)
  {
    if (!m_status) {
      ::kill(m_pid, SIGTERM);
    }
    const auto deadline = Clock::now() + limit;
    while (running() && Clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    return m_status;
  }

private:
  fs::path m_log;
  pid_t m_pid = -1;
  std::optional<int> m_status;
};

using Listing = std::map<std::string, std::string>; // href -> ETag

// One case: the fault server, a state dir, a dir source of two demo calendars, the config.
struct FaultSetup
{
  ServerProcess server{fault_caldav_spec()};
  TempDir dir;
  fs::path config_file;
  fs::path state_dir = dir.path() / "state";

  FaultSetup()
  {
    fs::create_directories(dir.path() / "demo");
    fs::create_directories(dir.path() / "spool"); // the default spool_dir: kenesd does not make it
    for (const std::string& f : k_demo_files) {
      fs::copy_file(demo_dir() / "calendars" / f, dir.path() / "demo" / f);
    }
    nlohmann::json config = {
        {"timezone", "Asia/Almaty"},
        {"directory", (demo_dir() / "directory.json").string()},
        {"state_dir", state_dir.string()},
        {"admin", {{"listen", "127.0.0.1:0"}}}, // tests run side by side
        {"sources",
         {{{"id", "dav"},
           {"type", "caldav"},
           {"url", server.base_url() + "/"},
           {"interval_seconds", 5}, // asleep, not mid-sync, when the SIGTERM comes
           {"timeout_seconds", 2}},
          {{"id", "demo"}, {"type", "dir"}, {"path", (dir.path() / "demo").string()}, {"interval_seconds", 300}}}}};
    config_file = dir.write("kenes.json", config.dump(2));
  }

  void mode(const std::string& name) const
  {
    ProcessResult r =
        run_process({"/usr/bin/curl", "-s", "-S", "-f", "-X", "POST", server.base_url() + "/control/mode/" + name});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.out == "mode " + name);
  }

  nlohmann::json stats() const
  {
    ProcessResult r = run_process({"/usr/bin/curl", "-s", "-S", "-f", server.base_url() + "/control/stats"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
  }

  // What the server holds now: href -> ETag.
  Listing server_listing() const
  {
    Listing out;
    const nlohmann::json events = stats().at("events");
    for (auto it = events.begin(); it != events.end(); ++it) {
      out[it.key()] = it.value().at("etag").get<std::string>();
    }
    return out;
  }

  ProcessResult sync_once(std::vector<std::string> more = {}) const
  {
    std::vector<std::string> argv = {kenesd_binary(), "--config", config_file.string(), "sync", "--once"};
    argv.insert(argv.end(), more.begin(), more.end());
    return run_process(argv);
  }

  std::unique_ptr<DaemonRun> start_daemon() const
  {
    return std::make_unique<DaemonRun>(
        std::vector<std::string>{kenesd_binary(), "--config", config_file.string(), "run"}, dir.path() / "daemon.log",
        dir.path() / "daemon.out");
  }
};

std::vector<daemon::ResourceRow> resources_of(const daemon::StateStore& store, const std::string& source_id,
                                              bool with_raw = false)
{
  std::vector<daemon::CollectionRow> collections = store.collections(source_id);
  REQUIRE(collections.size() == 1);
  return store.resources(collections.front().id, with_raw);
}

// "href etag" lines: readable when a comparison fails.
std::string text_of(const Listing& listing)
{
  std::string out;
  for (const auto& [href, etag] : listing) {
    out += href + " " + etag + "\n";
  }
  return out;
}

Listing listing_of(const std::vector<daemon::ResourceRow>& rows)
{
  Listing out;
  for (const daemon::ResourceRow& r : rows) {
    INFO("stored twice: " << r.href);
    CHECK(out.emplace(r.href, r.etag).second);
  }
  return out;
}

daemon::SourceStatus status_of(const daemon::StateStore& store, const std::string& id)
{
  std::optional<daemon::SourceStatus> s = store.source(id);
  REQUIRE(s.has_value());
  return *s;
}

// The good data, synced once before the fault: the store holds exactly the server's three events
// and the two demo ones.
Listing sync_good_data(const FaultSetup& setup)
{
  ProcessResult first = setup.sync_once();
  INFO("stdout: " << first.out << "\nstderr: " << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("sources=2 collections=2 ") == 0);
  CHECK(first.out.find(" added=5 changed=0 removed=0 errors=0 quarantined=0 checked=5 ") != std::string::npos);
  const Listing server = setup.server_listing();
  std::vector<std::string> hrefs;
  for (const auto& [href, etag] : server) {
    hrefs.push_back(href);
  }
  REQUIRE(hrefs == std::vector<std::string>{k_cal + "ev1.ics", k_cal + "ev2.ics", k_cal + "ev3.ics"});
  auto store = daemon::StateStore::open(setup.state_dir);
  const Listing stored = listing_of(resources_of(*store, "dav"));
  REQUIRE(text_of(stored) == text_of(server));
  REQUIRE(resources_of(*store, "demo").size() == k_demo_files.size());
  const daemon::SourceStatus dav = status_of(*store, "dav");
  REQUIRE_FALSE(dav.degraded);
  return stored;
}

// The mode "second", synced: the home's second calendar and its one meeting are stored.
void sync_second(const FaultSetup& setup)
{
  setup.mode("second");
  const ProcessResult two = setup.sync_once();
  INFO(two.out << two.err);
  REQUIRE(two.exit_code == 0);
  CHECK(two.out.find("sources=2 collections=3 ") == 0);
  CHECK(two.out.find(" added=1 changed=0 removed=0 errors=0 ") != std::string::npos);
}

struct Fault
{
  std::string mode;
  std::string kind;   // error_kind in the store and kind= in the log
  std::string reason; // the reason must contain this (compared in lower case)
  int min_reports;    // calendar REPORTs the server must have answered in this mode (retries, hops)
};

// Runs the daemon with `fault` on until it has logged the CalDAV failure and the demo sync, then
// stops it and checks the store.
void run_fault_case(const Fault& fault)
{
  FaultSetup setup;
  const Listing before = sync_good_data(setup);
  setup.mode(fault.mode);

  const auto started = Clock::now();
  auto daemon = setup.start_daemon();
  const bool seen = daemon->wait_for({"sync.failed source=dav ", "sync.done source=demo "}, 25s);
  const double waited = std::chrono::duration<double>(Clock::now() - started).count();
  // Still up half a second after the failure: the source is degraded, the daemon is not down.
  std::this_thread::sleep_for(500ms);
  const bool alive = daemon->running() && ::kill(daemon->pid(), 0) == 0;
  {
    INFO("fault " << fault.mode << ", after " << waited << " s, daemon log:\n" << daemon->log());
    INFO("daemon " << (alive ? std::string("running") : describe_status(daemon->status().value_or(-1))));
    CHECK(seen);
    CHECK(alive);
  }
  // The checks go on after a failed one: what the store holds tells what happened.
  std::optional<int> status = daemon->terminate(15s);
  REQUIRE(status.has_value());
  CHECK(describe_status(*status) == "exited with code 0");
  const std::string log = daemon->log();
  CHECK(log.find("daemon.ready ") != std::string::npos);
  CHECK(log.find("sync.failed source=dav kind=" + fault.kind + " since=") != std::string::npos);
  CHECK(log.find("daemon.stopped") != std::string::npos);
  const nlohmann::json reports = setup.stats().at("reports");
  INFO("REPORTs answered by mode: " << reports.dump());
  if (fault.min_reports == 0) {
    CHECK_FALSE(reports.contains(fault.mode));
  } else {
    REQUIRE(reports.contains(fault.mode));
    CHECK(reports.at(fault.mode).get<int>() >= fault.min_reports);
  }

  auto store = daemon::StateStore::open(setup.state_dir);
  const daemon::SourceStatus dav = status_of(*store, "dav");
  INFO("stored reason: " << dav.last_error);
  CHECK(dav.degraded);
  CHECK(dav.error_kind == fault.kind);
  CHECK(lower(dav.last_error).find(fault.reason) != std::string::npos);
  CHECK(dav.last_error.find("127.0.0.1:" + std::to_string(setup.server.port())) != std::string::npos);
  CHECK(dav.failing_since.has_value());
  CHECK(dav.last_success.has_value());
  // What was synced before the fault is all still there, with the same ETags, and still checked.
  CHECK(text_of(listing_of(resources_of(*store, "dav"))) == text_of(before));
  std::vector<std::string> uids = store->meeting_uids();
  for (const char* uid : {"fault-ev1@kenes.test", "fault-ev2@kenes.test", "fault-ev3@kenes.test"}) {
    CHECK(std::count(uids.begin(), uids.end(), uid) == 1);
  }
  CHECK(uids.size() == 3 + k_demo_files.size());
  CHECK(store->pending_check_count() == 0);
  // The healthy source synced meanwhile.
  const daemon::SourceStatus demo = status_of(*store, "demo");
  CHECK_FALSE(demo.degraded);
  CHECK(demo.error_kind.empty());
  CHECK(demo.last_success.has_value());
  CHECK(resources_of(*store, "demo").size() == k_demo_files.size());
}

} // namespace

TEST_CASE("sync faults: HTTP 500 on the calendar REPORT degrades the source, keeps its events", "[faults]")
{
  run_fault_case({"500", "temporary", "http 500", 1});
}

TEST_CASE("sync faults: 503 with Retry-After, always, is retried, then degrades the source", "[faults]")
{
  run_fault_case({"503", "temporary", "http 503", 4}); // 4 attempts at least
}

TEST_CASE("sync faults: a REPORT that stalls after its headers times out and degrades the source", "[faults]")
{
  run_fault_case({"stall", "timeout", "timeout", 4}); // timeouts are retried
}

TEST_CASE("sync faults: a multistatus cut in the middle is a protocol error, nothing half-applied", "[faults]")
{
  run_fault_case({"truncated", "protocol", "partial", 1});
}

TEST_CASE("sync faults: a multistatus that does not parse is a protocol error naming the XML", "[faults]")
{
  run_fault_case({"malformed", "protocol", "malformed xml", 1});
}

TEST_CASE("sync faults: a redirect loop on the REPORT is a protocol error naming the redirects", "[faults]")
{
  run_fault_case({"redirect-loop", "protocol", "redirect", 6}); // the first and 5 hops
}

TEST_CASE("sync faults: 401 is an auth error: authentication failed, events kept", "[faults]")
{
  run_fault_case({"401", "auth", "authentication failed", 0}); // the PROPFIND fails first
}

TEST_CASE("sync faults: a 10 MB event is quarantined, the rest of its calendar (a changed event) syncs", "[faults]")
{
  FaultSetup setup;
  const Listing before = sync_good_data(setup);
  setup.mode("bigevent");
  const Listing server = setup.server_listing();
  const std::string big = k_cal + "big.ics";
  const std::string changed = k_cal + "ev2.ics";
  REQUIRE(server.size() == 4);
  REQUIRE(server.count(big) == 1);
  REQUIRE(setup.stats().at("events").at(big).at("bytes").get<std::size_t>() > 10u * 1024 * 1024);
  REQUIRE(server.at(changed) != before.at(changed));

  auto daemon = setup.start_daemon();
  const bool seen = daemon->wait_for(
      {"sync.quarantined source=dav href=" + big + " ", "sync.done source=dav ", "sync.done source=demo "}, 25s,
      {"sync.failed source=dav "});
  std::this_thread::sleep_for(500ms);
  const bool alive = daemon->running() && ::kill(daemon->pid(), 0) == 0;
  {
    INFO("daemon log:\n" << daemon->log().substr(0, 20000));
    INFO("daemon " << (alive ? std::string("running") : describe_status(daemon->status().value_or(-1))));
    CHECK(seen);
    CHECK(alive);
  }
  std::optional<int> status = daemon->terminate(15s);
  REQUIRE(status.has_value());
  CHECK(describe_status(*status) == "exited with code 0");
  CHECK(daemon->log().find("sync.failed") == std::string::npos);

  auto store = daemon::StateStore::open(setup.state_dir);
  const daemon::SourceStatus dav = status_of(*store, "dav");
  CHECK_FALSE(dav.degraded);
  CHECK(dav.error_kind.empty());
  CHECK(dav.last_error.empty());
  const std::vector<daemon::ResourceRow> rows = resources_of(*store, "dav", true);
  // Every href of the server, each with the server's ETag (the big one's too: it was seen).
  CHECK(text_of(listing_of(rows)) == text_of(server));
  for (const daemon::ResourceRow& r : rows) {
    INFO(r.href);
    if (r.href == big) {
      CHECK(r.quarantine_reason.find("larger than 4096 KiB") != std::string::npos);
      CHECK(r.uid.empty()); // never had a good version
      CHECK(r.raw.empty());
    } else {
      CHECK(r.quarantine_reason.empty());
      CHECK(r.raw.find("UID:" + r.uid) != std::string::npos);
    }
  }
  auto row = [&](const std::string& href) {
    auto it = std::find_if(rows.begin(), rows.end(), [&](const daemon::ResourceRow& r) { return r.href == href; });
    REQUIRE(it != rows.end());
    return *it;
  };
  CHECK(row(changed).uid == "fault-ev2@kenes.test");
  CHECK(row(changed).raw.find("X-KENES-CHANGED:1") != std::string::npos);
  CHECK(row(k_cal + "ev1.ics").etag == before.at(k_cal + "ev1.ics"));
  CHECK(row(k_cal + "ev3.ics").etag == before.at(k_cal + "ev3.ics"));
  // The changed event was checked again; the quarantined one is no meeting.
  std::optional<daemon::MeetingRow> moved = store->meeting("fault-ev2@kenes.test");
  REQUIRE(moved.has_value());
  CHECK(moved->summary == "Перенесено: Заседание рабочей группы по прогнозу");
  std::vector<std::string> uids = store->meeting_uids();
  CHECK(std::count(uids.begin(), uids.end(), "fault-big@kenes.test") == 0);
  CHECK(uids.size() == 3 + k_demo_files.size());
  CHECK(store->pending_check_count() == 0);
  const daemon::SourceStatus demo = status_of(*store, "demo");
  CHECK_FALSE(demo.degraded);
  CHECK(resources_of(*store, "demo").size() == k_demo_files.size());
}

// A server without RFC 6578: the first listing asks for sync-tokens alone (what most servers
// have), finds none, and lists the home again with getctag; the calendar is read with
// calendar-query, and its kept ctag spares the next sync a read of the unchanged calendar.
TEST_CASE("sync faults: a server without sync-collection is read by calendar-query, its ctag is kept, so an unchanged "
          "calendar is not read again",
          "[faults]")
{
  FaultSetup setup;
  setup.mode("nosync");
  const ProcessResult first = setup.sync_once();
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  const nlohmann::json after_first = setup.stats();
  CHECK(after_first.at("reports").at("nosync").get<int>() >= 1);
  {
    auto store = daemon::StateStore::open(setup.state_dir);
    const std::vector<daemon::CollectionRow> collections = store->collections("dav");
    REQUIRE(collections.size() == 1);
    CHECK_FALSE(collections.front().ctag.empty());
    CHECK(collections.front().sync_token.empty());
    CHECK(text_of(listing_of(resources_of(*store, "dav"))) == text_of(setup.server_listing()));
  }
  const ProcessResult second = setup.sync_once();
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(second.out.find(" added=0 changed=0 removed=0 errors=0") != std::string::npos);
  const nlohmann::json after_second = setup.stats();
  CHECK(after_second.at("reports").at("nosync") == after_first.at("reports").at("nosync"));
  // The second listing: one PROPFIND of the home (the first sync remembered the home).
  CHECK(after_second.at("requests").at("PROPFIND").get<int>() - after_first.at("requests").at("PROPFIND").get<int>() ==
        1);
}

// A calendar the home lists but that answers 404 when read (deleted between the listing and the
// REPORT, or listed by a server that then refuses it: the fault server's mode "second404"), or
// 403 (signed in, and refused that calendar: "second403"; 401 stays the source's), fails alone, as a listed collection
// that answers 404 does (SPEC §6): the source's other calendars sync, the source is not degraded, the calendar's stored
// meetings stay and nothing of them is cancelled (a 404 is not an empty calendar). Only once the home no longer lists
// it is it removed. An administrator's acceptance of removals given then is not used up by that sync, which could not
// apply a removal of that calendar, but by the next complete one.
TEST_CASE("sync faults: a discovered calendar that answers 404 or 403 fails alone, its meetings are kept and not "
          "cancelled",
          "[faults]")
{
  const std::string refused = GENERATE(as<std::string>{}, "404", "403");
  INFO("the calendar answers " << refused);
  FaultSetup setup;
  sync_good_data(setup);
  sync_second(setup);
  std::size_t notices_before = 0;
  {
    auto store = daemon::StateStore::open(setup.state_dir);
    const std::vector<std::string> uids = store->meeting_uids();
    REQUIRE(std::count(uids.begin(), uids.end(), "fault-second@kenes.test") == 1);
    notices_before = store->outbox("fault-second@kenes.test").size();
  }

  setup.mode("second" + refused);
  const ProcessResult gone = setup.sync_once({"--accept-removals", "dav"});
  INFO(gone.out << gone.err);
  CHECK(gone.exit_code == 1); // a failed collection is an error of the run
  CHECK(gone.out.find("sources=2 collections=3 ") == 0);
  CHECK(gone.out.find(" removed=0 errors=1 ") != std::string::npos);
  const std::string second_url = setup.server.base_url() + "/calendars/alice/second/";
  CHECK_THAT(gone.err, Catch::Contains("sync.collection_failed source=dav collection=" + second_url + " "));
  CHECK_THAT(gone.err, Catch::Contains("HTTP " + refused));
  CHECK_THAT(gone.err, !Catch::Contains("sync.failed source=dav"));
  CHECK_THAT(gone.err, Catch::Contains("sync.removals_accepted_by source=dav") &&
                           !Catch::Contains("sync.removals_accepted source=dav"));
  {
    auto store = daemon::StateStore::open(setup.state_dir);
    const daemon::SourceStatus dav = status_of(*store, "dav");
    CHECK_FALSE(dav.degraded);
    CHECK(dav.error_kind.empty());
    CHECK_THAT(dav.removals_accepted_by, Catch::StartsWith("sync --once by ")); // not used up
    CHECK(store->collections("dav").size() == 2);
    const std::vector<std::string> uids = store->meeting_uids();
    CHECK(std::count(uids.begin(), uids.end(), "fault-second@kenes.test") == 1);
    CHECK(uids.size() == 4 + k_demo_files.size());
    const std::vector<daemon::OutboxEntry> notices = store->outbox("fault-second@kenes.test");
    CHECK(notices.size() == notices_before);
    for (const daemon::OutboxEntry& n : notices) {
      CHECK(n.kind != "cancel");
    }
    // What the dashboard shows beside the source: the calendar and why.
    const std::vector<daemon::SyncRecord> last = store->sync_history("dav", 1);
    REQUIRE(last.size() == 1);
    CHECK_THAT(last.front().outcome, Catch::StartsWith("collections failed: " + second_url + ": "));
    CHECK_THAT(last.front().outcome, Catch::Contains("HTTP " + refused));
    CHECK(last.front().errors == 1);
  }

  // Not listed any more: now it is gone, and its meeting is removed (and cancelled).
  setup.mode("ok");
  const ProcessResult after = setup.sync_once();
  INFO(after.out << after.err);
  CHECK(after.exit_code == 0);
  CHECK(after.out.find(" removed=1 errors=0 ") != std::string::npos);
  CHECK_THAT(after.err, Catch::Contains("sync.removals_accepted source=dav"));
  auto store = daemon::StateStore::open(setup.state_dir);
  CHECK(status_of(*store, "dav").removals_accepted_by.empty()); // used up by a complete sync
  const std::vector<std::string> uids = store->meeting_uids();
  CHECK(std::count(uids.begin(), uids.end(), "fault-second@kenes.test") == 0);
  CHECK(store->sync_history("dav", 1).front().outcome == "ok");
}

// Every calendar the home lists answers 404 or 403 (the fault server's "all404", "all403": both its
// calendars, each with meetings stored). Not one calendar of the source is left, so the source
// fails as a whole, with the kind of the refusal (permanent for 404, auth for 403) on the
// dashboard and in /api/v1/status; nothing of its meetings is removed or cancelled, its calendars
// are kept, and once they answer again the source is healthy and nothing is sent again.
TEST_CASE("sync faults: every calendar of a source refused (404 or 403) fails the source as a whole, nothing removed "
          "or cancelled",
          "[faults]")
{
  const std::string refused = GENERATE(as<std::string>{}, "404", "403");
  const std::string kind = refused == "404" ? "permanent" : "auth";
  INFO("every calendar answers " << refused);
  FaultSetup setup;
  sync_good_data(setup);
  sync_second(setup);
  std::map<std::string, std::size_t> notices_before;
  const std::vector<std::string> dav_uids = {"fault-ev1@kenes.test", "fault-ev2@kenes.test", "fault-ev3@kenes.test",
                                             "fault-second@kenes.test"};
  {
    auto store = daemon::StateStore::open(setup.state_dir);
    for (const std::string& uid : dav_uids) {
      notices_before[uid] = store->outbox(uid).size();
    }
  }

  setup.mode("all" + refused);
  const ProcessResult none = setup.sync_once();
  INFO(none.out << none.err);
  CHECK(none.exit_code == 1);
  CHECK(none.out.find(" removed=0 ") != std::string::npos);
  CHECK_THAT(none.err, Catch::Contains("sync.failed source=dav kind=" + kind + " "));
  CHECK_THAT(none.err, Catch::Contains("HTTP " + refused) && Catch::Contains("(and 1 more collections failed)"));
  CHECK_THAT(none.err, !Catch::Contains("sync.removals_held"));
  {
    auto store = daemon::StateStore::open(setup.state_dir);
    const daemon::SourceStatus dav = status_of(*store, "dav");
    CHECK(dav.degraded);
    CHECK(dav.error_kind == kind);
    CHECK_THAT(dav.last_error, Catch::Contains("HTTP " + refused));
    CHECK(store->collections("dav").size() == 2);
    const std::vector<std::string> uids = store->meeting_uids();
    for (const std::string& uid : dav_uids) {
      INFO(uid);
      CHECK(std::count(uids.begin(), uids.end(), uid) == 1);
      const std::vector<daemon::OutboxEntry> notices = store->outbox(uid);
      CHECK(notices.size() == notices_before[uid]);
      for (const daemon::OutboxEntry& n : notices) {
        CHECK(n.kind != "cancel");
      }
      CHECK_FALSE(store->removed_meeting(uid).has_value());
    }
    CHECK_FALSE(status_of(*store, "demo").degraded);
  }

  // The daemon shows it: the source failing, with the kind and the reason, in /api/v1/status.
  {
    auto daemon = setup.start_daemon();
    REQUIRE(daemon->wait_for({"admin.listening address=", "sync.failed source=dav "}, 25s));
    const std::string log = daemon->log();
    const std::size_t at = log.find("admin.listening address=") + std::string("admin.listening address=").size();
    const std::string address = log.substr(at, log.find_first_of(" \n", at) - at);
    const ProcessResult status =
        run_process({"/usr/bin/curl", "-s", "-S", "-f", "http://" + address + "/api/v1/status"});
    INFO(status.err);
    REQUIRE(status.exit_code == 0);
    const nlohmann::json sources = nlohmann::json::parse(status.out).at("sources");
    const auto dav =
        std::find_if(sources.begin(), sources.end(), [](const nlohmann::json& s) { return s.at("id") == "dav"; });
    REQUIRE(dav != sources.end());
    CHECK(dav->at("state") == "failing");
    CHECK(dav->at("error_kind") == kind);
    CHECK_THAT(dav->at("error").get<std::string>(), Catch::Contains("HTTP " + refused));
    CHECK(daemon->terminate(15s).has_value());
  }

  // They answer again: healthy, nothing sent again, nothing removed.
  setup.mode("second");
  const ProcessResult back = setup.sync_once();
  INFO(back.out << back.err);
  CHECK(back.exit_code == 0);
  CHECK(back.out.find(" removed=0 errors=0 ") != std::string::npos);
  auto store = daemon::StateStore::open(setup.state_dir);
  CHECK_FALSE(status_of(*store, "dav").degraded);
  for (const std::string& uid : dav_uids) {
    CHECK(store->outbox(uid).size() == notices_before[uid]);
  }
}
