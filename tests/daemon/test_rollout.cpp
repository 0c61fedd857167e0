// Switching kenes on where meetings exist already (SPEC §5 "Rollout"): adoption on a first sync,
// warnings as a digest, the pilot's only_to, and the paced SMTP sender; `kenesd sync --once`
// against Radicale or a folder, mail through aiosmtpd (tests/support/smtp_sink.py).
#include "daemon/store/state_store.hpp"
#include "support/caldav_server.hpp"
#include "support/daemon_process.hpp"
#include "support/event_times.hpp"
#include "support/series_fixture.hpp"
#include "support/server_process.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <sstream>
#include <thread>

using namespace kenes;
using namespace kenes::test;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// The messages the sink stored, in order, each read with an independent parser
// (tests/support/read_imip.py) and written out as plain text: "Subject: …", "To: …", the text
// part, then "METHOD:…" and each VEVENT's "UID:…" and "SEQUENCE:…" lines.
std::vector<std::string> mails(const fs::path& folder)
{
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder)) {
    if (e.path().extension() == ".eml") {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  if (files.empty()) {
    return out;
  }
  std::vector<std::string> argv = {"/usr/bin/python3", (source_dir() / "tests/support/read_imip.py").string()};
  for (const fs::path& f : files) {
    argv.push_back(f.string());
  }
  ProcessResult r = run_process(argv);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    const json m = json::parse(line);
    std::string text =
        "Subject: " + m.value("subject", "") + "\nTo: " + m.value("to", "") + "\n\n" + m.value("text", "") + "\n";
    if (!m["method"].is_null()) {
      text += "METHOD:" + m["method"].get<std::string>() + "\n";
    }
    for (const json& e : m["events"]) {
      text += "UID:" + e["uid"].get<std::string>() + "\nSEQUENCE:" + std::to_string(e["sequence"].get<int>()) + "\n";
    }
    out.push_back(std::move(text));
  }
  REQUIRE(out.size() == files.size());
  return out;
}

const std::string k_rep = "vice.minister17@economy.gov.kz";
const std::string k_organizer = "vice.minister8@minfin.gov.kz";

std::string meeting(const std::string& uid, int hour_utc, int weeks = 3, std::vector<std::string> extra = {})
{
  EventSpec e;
  e.uid = uid;
  e.summary = "Совещание " + uid;
  e.start = friday_utc(hour_utc, weeks);
  e.end = friday_utc(hour_utc + 1, weeks);
  e.attendees = {"mailto:" + k_rep};
  e.extra = std::move(extra);
  return event_ics(e);
}

// A weekly series that began four weeks ago (past occurrences), with one future occurrence
// moved by an override, one taken out by an EXDATE and one cancelled by an override.
std::string weekly_series(const std::string& uid)
{
  WeeklySeries s;
  s.uid = uid;
  s.first = friday_utc(5, -4);
  s.attendees = {"mailto:" + k_rep};
  s.moved = {{6, 1, {}}};
  s.exdates = {7};
  s.cancelled = {8};
  return weekly_series_ics(s);
}

struct Setup
{
  TempDir dir;
  fs::path config;
  Setup(const std::string& sources, const std::string& notices, int port = 0)
  {
    const std::string transport = port ? R"("transport": "smtp", "smtp": {"url": "smtp://127.0.0.1:)" +
                                             std::to_string(port) + R"(", "starttls": "never", "timeout_seconds": 5})"
                                       : std::string(R"("transport": "spool")");
    config = dir.write("kenes.json", R"({"timezone": "Asia/Almaty", "directory": ")" +
                                         (source_dir() / "config/demo/directory.json").string() + R"(", "sources": )" +
                                         sources + R"(, "notices": {"from": "kenes@gov.kz", )" +
                                         R"("retry_seconds": 1, )" + transport + notices + "}}");
    fs::create_directories(dir.path() / "spool"); // a missing spool_dir is an error (issue 23, item 8)
  }
  std::vector<std::string> argv() const { return {kenesd_binary(), "--config", config.string(), "sync", "--once"}; }
  ProcessResult sync() const
  {
    ProcessResult r = run_process(argv());
    INFO(r.err);
    CHECK(r.exit_code == 0);
    return r;
  }
  std::unique_ptr<daemon::StateStore> store() const { return daemon::StateStore::open(dir.path() / "state"); }
};

std::string dav_source(const CaldavServer& server)
{
  return R"([{"id": "dav", "type": "caldav", "url": ")" + server.base() + R"(/", "username": "alice"}])";
}

int count_of(const std::string& text, const std::string& what)
{
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) {
    ++n;
  }
  return n;
}

} // namespace

TEST_CASE("rollout: a first sync adopts the existing meetings silently, then a move is re-invited with a higher "
          "SEQUENCE, a deletion cancelled, and a calendar appearing later is adopted too",
          "[rollout][smtp][radicale]")
{
  TempDir mail;
  ServerProcess sink(smtp_sink_spec(mail.path()));
  CaldavServer server(Server::radicale);
  server.make_calendar("work");
  // 50 meetings: 47 valid ones (09:00, 11:00 or 12:00 on Fridays from three weeks ahead; 10:00
  // is the series'), two at 19:00 and a weekly series.
  for (int i = 0; i < 47; ++i) {
    const int hours[] = {4, 6, 7};
    server.put("work", "ok" + std::to_string(i) + ".ics", meeting("ok-" + std::to_string(i), hours[i % 3], 3 + i / 3));
  }
  server.put("work", "bad0.ics", meeting("bad-0", 14, 3)); // 19:00: outside the working hours
  server.put("work", "bad1.ics", meeting("bad-1", 14, 4));
  server.put("work", "series.ics", weekly_series("series-1"));
  Setup s(dav_source(server), "", sink.port());
  ProcessResult first = s.sync();
  CHECK_THAT(first.out, Catch::Contains("added=50"));
  CHECK_THAT(first.out, Catch::Contains("notices_sent=0"));
  CHECK(mails(mail.path()).empty());
  {
    auto store = s.store();
    CHECK(store->source("dav")->adopted == 50);
    CHECK(store->meeting_count() == 50);
  }

  // A moved adopted meeting: one REQUEST with a SEQUENCE above the organizer's 0; a deleted one:
  // one CANCEL to the representative adoption recorded as invited.
  server.put("work", "ok0.ics", meeting("ok-0", 4, 20));
  server.remove("work", "ok1.ics");
  ProcessResult second = s.sync();
  CHECK_THAT(second.out, Catch::Contains("notices_sent=2"));
  std::vector<std::string> got = mails(mail.path());
  REQUIRE(got.size() == 2);
  const bool request_first = got[0].find("METHOD:REQUEST") != std::string::npos;
  const std::string& request = got[request_first ? 0 : 1];
  const std::string& cancel = got[request_first ? 1 : 0];
  CHECK_THAT(request, Catch::Contains("METHOD:REQUEST\nUID:ok-0\nSEQUENCE:1\n"));
  CHECK_THAT(cancel, Catch::Contains("METHOD:CANCEL\nUID:ok-1\n"));
  CHECK_THAT(cancel, Catch::Contains(k_rep));

  // A calendar appearing in the synced source: adopted; a meeting created after that: new.
  server.make_calendar("later");
  server.put("later", "l0.ics", meeting("later-0", 5, 5));
  server.put("later", "l1.ics", meeting("later-1", 14, 5));
  ProcessResult third = s.sync();
  CHECK_THAT(third.out, Catch::Contains("notices_sent=0"));
  CHECK(mails(mail.path()).size() == 2);
  server.put("later", "l2.ics", meeting("later-2", 5, 6));
  ProcessResult fourth = s.sync();
  CHECK_THAT(fourth.out, Catch::Contains("notices_sent=1"));
  REQUIRE(mails(mail.path()).size() == 3);
  CHECK_THAT(mails(mail.path())[2], Catch::Contains("UID:later-2"));
  CHECK(s.store()->source("dav")->adopted == 52);
}

TEST_CASE("rollout: an adopted weekly series with a past, overrides and cancelled occurrences sends nothing, then a "
          "moved override sends that occurrence's REQUEST and a cancelled occurrence that occurrence's CANCEL",
          "[rollout][series]")
{
  // Begun 2026-09-04 (week 0); week 10 (11-13) was moved and had the health ministry's
  // vice-minister, week 17 (2027-01-01) is an EXDATE, week 18 cancelled, week 19 moved an hour.
  WeeklySeries series;
  series.uid = "adopted-series";
  series.first = "20260904T050000Z";
  series.moved = {{10, 1, {"mailto:vice.minister29@health.gov.kz"}}, {19, 1, {}}};
  series.exdates = {17};
  series.cancelled = {18};
  const std::string rep = "vice.minister16@economy.gov.kz";
  Setup s(R"([{"id": "local", "type": "dir", "path": "cal"}])", "");
  const fs::path spool = s.dir.path() / "spool";
  auto sync = [&] {
    std::vector<std::string> argv = s.argv();
    argv.insert(argv.end(), {"--now", "2026-12-21T12:00:00+05:00"}); // between weeks 15 and 16
    ProcessResult r = run_process(argv);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    return r;
  };
  std::set<fs::path> seen;
  // After the series is written as it is now: one message, `method` to the representative, of
  // the occurrence of week `week` alone, its SEQUENCE above `above`; that SEQUENCE.
  auto one_message = [&](const std::string& method, int week, int above) {
    s.dir.write("cal/series.ics", weekly_series_ics(series));
    ProcessResult r = sync();
    CHECK_THAT(r.out, Catch::Contains("changed=1 ") && Catch::Contains(" notices_sent=1 "));
    std::vector<nlohmann::json> got = read_imip(new_eml_files(spool, seen));
    REQUIRE(got.size() == 1);
    CHECK(got[0].at("method") == method);
    CHECK_THAT(got[0].at("to").get<std::string>(), Catch::Contains(rep));
    REQUIRE(got[0].at("events").size() == 1);
    CHECK(got[0].at("events")[0].at("recurrence_id") == series_week(series, week));
    const int sequence = got[0].at("events")[0].at("sequence").get<int>();
    CHECK(sequence > above);
    return sequence;
  };
  s.dir.write("cal/series.ics", weekly_series_ics(series));
  ProcessResult first = sync();
  CHECK_THAT(first.out, Catch::Contains("added=1 ") && Catch::Contains(" notices_sent=0 "));
  CHECK(eml_files(spool).empty());
  CHECK(s.store()->source("local")->adopted == 1);

  // Week 19 moved again (12:00): that occurrence's REQUEST alone, SEQUENCE above the organizer's 0.
  series.moved[1].hours = 2;
  const int after_move = one_message("REQUEST", 19, 0);
  // Week 21 cancelled by an override, then week 22 taken out by an EXDATE: each that occurrence's
  // CANCEL alone, SEQUENCE grown each time.
  series.cancelled.push_back(21);
  const int after_cancel = one_message("CANCEL", 21, after_move);
  series.exdates.push_back(22);
  one_message("CANCEL", 22, after_cancel);

  // Nothing more on a sync without changes.
  CHECK_THAT(sync().out, Catch::Contains(" notices_sent=0 "));
}

TEST_CASE("rollout: with adopt \"digest\" the first sync sends each organizer one message listing their invalid "
          "meetings with findings and valid slots, and nothing else",
          "[rollout][smtp][radicale]")
{
  TempDir mail;
  ServerProcess sink(smtp_sink_spec(mail.path()));
  CaldavServer server(Server::radicale);
  server.make_calendar("work");
  server.put("work", "ok0.ics", meeting("ok-0", 5, 3));
  server.put("work", "bad0.ics", meeting("bad-0", 14, 3));
  server.put("work", "bad1.ics", meeting("bad-1", 14, 4));
  server.put("work", "series.ics", weekly_series("series-1"));
  Setup s(dav_source(server), R"(, "adopt": "digest", "language": "en")", sink.port());
  ProcessResult first = s.sync();
  CHECK_THAT(first.out, Catch::Contains("notices_sent=1"));
  std::vector<std::string> got = mails(mail.path());
  REQUIRE(got.size() == 1);
  CHECK_THAT(got[0], Catch::Contains("To: ") && Catch::Contains(k_organizer));
  CHECK_THAT(got[0], Catch::Contains("Subject: Meeting regime findings ("));
  CHECK_THAT(got[0], Catch::Contains("bad-0"));
  CHECK_THAT(got[0], Catch::Contains("bad-1"));
  CHECK_THAT(got[0], Catch::Contains("Valid times"));
  CHECK(count_of(got[0], "ok-0") == 0);
  ProcessResult again = s.sync();
  CHECK_THAT(again.out, Catch::Contains("notices_sent=0"));
  CHECK(mails(mail.path()).size() == 1);
}

TEST_CASE("rollout: kenesd killed with SIGKILL during the adoption sync sends nothing for the adopted meetings "
          "after a restart",
          "[rollout][crash]")
{
  // Later and later kills until some land between the commit of the adopted data and the end of
  // its checks (UIDs still queued): the restart checks them and must send nothing.
  int landed = 0;
  for (int delay_ms = 20; delay_ms <= 600 && landed < 3; delay_ms += 10) {
    Setup s(R"([{"id": "local", "type": "dir", "path": "cal"}])", "");
    for (int i = 0; i < 400; ++i) {
      s.dir.write("cal/m" + std::to_string(i) + ".ics", meeting("crash-" + std::to_string(i), i % 3 ? 5 : 14, 3));
    }
    std::fflush(nullptr);
    std::vector<std::string> argv = s.argv();
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      exec_argv(argv);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status)) {
      break; // it finished before the kill: later ones will too
    }
    if (fs::exists(s.dir.path() / "state" / daemon::StateStore::k_file_name)) {
      if (s.store()->pending_check_count() > 0) {
        ++landed;
      }
    }
    ProcessResult r = s.sync();
    INFO("killed after " << delay_ms << " ms");
    CHECK_THAT(r.out, Catch::Contains("notices_sent=0"));
    const fs::path spool = s.dir.path() / "spool";
    CHECK((!fs::exists(spool) || names_in(spool).empty()));
    CHECK(s.store()->meeting_count() == 400);
  }
  CHECK(landed > 0);
}

TEST_CASE("rollout: five invalid meetings of one organizer in one cycle go as one digest naming all five, a "
          "second cycle sends nothing",
          "[rollout][digest][smtp]")
{
  TempDir mail;
  ServerProcess sink(smtp_sink_spec(mail.path()));
  Setup s(R"([{"id": "local", "type": "dir", "path": "cal"}])", R"(, "language": "en")", sink.port());
  s.dir.write("cal/ok.ics", meeting("digest-ok", 5, 3));
  s.sync(); // adopts the folder: what comes next is new
  for (int i = 0; i < 5; ++i) {
    s.dir.write("cal/bad" + std::to_string(i) + ".ics", meeting("late-" + std::to_string(i), 14, 3 + i));
  }
  ProcessResult r = s.sync();
  CHECK_THAT(r.out, Catch::Contains("notices_sent=1"));
  std::vector<std::string> got = mails(mail.path());
  REQUIRE(got.size() == 1);
  CHECK_THAT(got[0], Catch::Contains("Subject: Meeting regime findings (5)"));
  for (int i = 0; i < 5; ++i) {
    CHECK_THAT(got[0], Catch::Contains("late-" + std::to_string(i)));
  }
  CHECK(s.store()->outbox_counts()["digested"] == 5);
  ProcessResult again = s.sync();
  CHECK_THAT(again.out, Catch::Contains("notices_sent=0"));
  // Three warnings, not more than digest_after: each alone.
  for (int i = 0; i < 3; ++i) {
    s.dir.write("cal/few" + std::to_string(i) + ".ics", meeting("few-" + std::to_string(i), 14, 3 + i));
  }
  ProcessResult few = s.sync();
  CHECK_THAT(few.out, Catch::Contains("notices_sent=3"));
}

TEST_CASE("rollout: recipients outside notices.only_to are suppressed, counted and never sent, also after the "
          "list grows",
          "[rollout][pilot][smtp]")
{
  TempDir mail;
  ServerProcess sink(smtp_sink_spec(mail.path()));
  const std::string sources = R"([{"id": "local", "type": "dir", "path": "cal"}])";
  {
    Setup s(sources, R"(, "adopt": "none", "only_to": ["minfin"])", sink.port());
    s.dir.write("cal/ok.ics", meeting("pilot-ok", 5, 3));    // a REQUEST to economy: suppressed
    s.dir.write("cal/bad.ics", meeting("pilot-bad", 14, 3)); // a warning to minfin: sent
    ProcessResult r = s.sync();
    CHECK_THAT(r.out, Catch::Contains("notices_sent=1"));
    std::vector<std::string> got = mails(mail.path());
    REQUIRE(got.size() == 1);
    CHECK_THAT(got[0], Catch::Contains(k_organizer));
    auto store = s.store();
    CHECK(store->outbox_counts()["suppressed"] == 1);
    CHECK(store->outbox("pilot-ok").at(0).state == "suppressed");
    // The list grows: the suppressed notice stays suppressed.
    fs::path grown = s.dir.write("kenes2.json", slurp(s.config));
    std::string text = slurp(grown);
    text.replace(text.find(R"(["minfin"])"), 10, R"(["minfin", "economy.gov.kz"])");
    s.dir.write("kenes2.json", text);
    ProcessResult again = run_process({kenesd_binary(), "--config", grown.string(), "sync", "--once"});
    CHECK_THAT(again.out, Catch::Contains("notices_sent=0"));
    CHECK(mails(mail.path()).size() == 1);
    CHECK(s.store()->outbox_counts()["suppressed"] == 1);
    // Deleted now that the list holds economy: its representative was never invited, so no
    // CANCEL goes to them.
    fs::remove(s.dir.path() / "cal/ok.ics");
    ProcessResult gone = run_process({kenesd_binary(), "--config", grown.string(), "sync", "--once"});
    CHECK_THAT(gone.out, Catch::Contains("removed=1"));
    CHECK_THAT(gone.out, Catch::Contains("notices_sent=0"));
    CHECK(mails(mail.path()).size() == 1);
  }
}

TEST_CASE("rollout: 300 messages with max_per_minute 600 take at least 29 s and arrive once each",
          "[rollout][pacing][smtp][slow]")
{
  TempDir mail;
  ServerProcess sink(smtp_sink_spec(mail.path()));
  Setup s(R"([{"id": "local", "type": "dir", "path": "cal"}])", R"(, "adopt": "none", "max_per_minute": 600)",
          sink.port());
  for (int i = 0; i < 300; ++i) {
    s.dir.write("cal/m" + std::to_string(i) + ".ics", meeting("pace-" + std::to_string(i), 5, 3 + i % 20));
  }
  const auto t0 = std::chrono::steady_clock::now();
  ProcessResult r = s.sync();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK_THAT(r.out, Catch::Contains("notices_sent=300"));
  CHECK(seconds >= 29.0);
  std::vector<std::string> got = mails(mail.path());
  CHECK(got.size() == 300);
  std::set<std::string> uids;
  for (const std::string& m : got) {
    std::size_t at = m.find("UID:pace-");
    REQUIRE(at != std::string::npos);
    uids.insert(m.substr(at, m.find('\n', at) - at));
  }
  CHECK(uids.size() == 300);
}

TEST_CASE("rollout: a server answering 451 for a while slows the paced sender and loses nothing",
          "[rollout][pacing][smtp]")
{
  TempDir mail;
  ServerProcess sink(smtp_sink_spec(mail.path(), {"--fail-first", "6"}));
  Setup s(R"([{"id": "local", "type": "dir", "path": "cal"}])",
          R"(, "adopt": "none", "max_per_minute": 6000, "concurrency": 1)", sink.port());
  for (int i = 0; i < 10; ++i) {
    s.dir.write("cal/m" + std::to_string(i) + ".ics", meeting("busy-" + std::to_string(i), 5, 3 + i));
  }
  const auto t0 = std::chrono::steady_clock::now();
  ProcessResult r = s.sync();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // The retries of the 451s come due a second later: a few more syncs deliver them.
  for (int i = 0; i < 10 && mails(mail.path()).size() < 10; ++i) {
    std::this_thread::sleep_for(1500ms);
    s.sync();
  }
  // Six 451s double the 10 ms gap six times: 0.02 + 0.04 + … + 0.64 s = 1.26 s at least.
  CHECK(seconds >= 1.2);
  CHECK_THAT(r.out, Catch::Contains("notices_failed=0"));
  std::vector<std::string> got = mails(mail.path());
  CHECK(got.size() == 10);
  std::set<std::string> uids;
  for (const std::string& m : got) {
    std::size_t at = m.find("UID:busy-");
    REQUIRE(at != std::string::npos);
    uids.insert(m.substr(at, m.find('\n', at) - at));
  }
  CHECK(uids.size() == 10);
}

TEST_CASE("rollout: SIGTERM stops a paced sender at once, the messages it had not sent stay queued",
          "[rollout][pacing][smtp][run]")
{
  TempDir mail;
  ServerProcess sink(smtp_sink_spec(mail.path()));
  // Two a minute: after the first message each lane waits 30 s or more for its slot.
  Setup s(R"([{"id": "local", "type": "dir", "path": "cal"}])", R"(, "adopt": "none", "max_per_minute": 2)",
          sink.port());
  for (int i = 0; i < 5; ++i) {
    s.dir.write("cal/m" + std::to_string(i) + ".ics", meeting("stop-" + std::to_string(i), 5, 3 + i));
  }
  std::string text = slurp(s.config);
  text.replace(0, 1, R"({"admin": {"listen": "127.0.0.1:0"}, )");
  s.dir.write("kenes.json", text);
  DaemonProcess d(s.config, s.dir.path() / "err.log");
  bool sent = d.wait_log("notice.sent");
  INFO(d.log());
  REQUIRE(sent);
  std::this_thread::sleep_for(500ms); // the other lanes are waiting for their slots now
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(d.stop(SIGTERM) == 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(seconds < 5.0);
  CHECK(mails(mail.path()).size() == 1);
  std::map<std::string, int> counts = s.store()->outbox_counts();
  CHECK(counts["sent"] == 1);
  CHECK(counts["pending"] == 4);
  CHECK(counts["sending"] == 0);
}
