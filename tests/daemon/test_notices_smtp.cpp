// Notices through a real SMTP server (Debian's aiosmtpd, tests/support/smtp_sink.py), read back
// with an independent parser (Python's email and icalendar modules, tests/support/read_imip.py).
#include "daemon/store/state_store.hpp"
#include "support/caldav_server.hpp"
#include "support/event_times.hpp"
#include "support/server_process.hpp"
#include "support/test_support.hpp"

#include "connectors/mail_message.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

using namespace kenes;
using namespace kenes::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<fs::path> messages(const fs::path& folder)
{
  return eml_files(folder);
}

std::string meeting_ics(const std::string& uid, const std::string& summary, std::vector<std::string> attendees)
{
  EventSpec e;
  e.uid = uid;
  e.summary = summary;
  e.start = friday_utc(5);
  e.end = friday_utc(6);
  e.attendees = std::move(attendees);
  return event_ics(e);
}

struct Setup
{
  TempDir dir;
  fs::path config;
  Setup(int port, const std::string& extra_notices = "",
        const std::string& sources = R"([{"id": "local", "type": "dir", "path": "cal"}])")
  {
    config = dir.write("kenes.json",
                       R"({"timezone": "Asia/Almaty", "directory": ")" +
                           (source_dir() / "config/demo/directory.json").string() + R"(", "sources": )" + sources + R"(,
      "notices": {"transport": "smtp", "from": "kenes@gov.kz", "retry_seconds": 1)" +
                           // Written before the first sync and expected as new (SPEC §5 "Rollout").
                           (extra_notices.find("\"adopt\"") == std::string::npos ? std::string(R"(, "adopt": "none")")
                                                                                 : std::string()) +
                           extra_notices + R"(, "smtp": {"url": "smtp://127.0.0.1:)" + std::to_string(port) +
                           R"(", "starttls": "never", "timeout_seconds": 5}}})");
  }
  ProcessResult sync() const { return run_process({kenesd_binary(), "--config", config.string(), "sync", "--once"}); }
};

const std::string k_rep = "vice.minister17@economy.gov.kz";
const std::string k_other = "vice.minister16@economy.gov.kz";
const std::string k_chair = "vice.minister8@minfin.gov.kz";

} // namespace

TEST_CASE("notices: invitations arrive over SMTP only for the chosen representative, readable by a parser",
          "[notices][smtp]")
{
  TempDir mail;
  ServerProcess sink(smtp_sink_spec(mail.path()));
  Setup s(sink.port());
  // Two officials of one body invited: only one is the representative; the organizer is warned.
  s.dir.write("cal/m.ics", meeting_ics("smtp-1", "Совещание по бюджету", {"mailto:" + k_rep, "mailto:" + k_other}));
  // A second meeting in the regime zone by TZID: the invitation carries that zone.
  EventSpec local;
  local.uid = "smtp-2";
  local.start = friday_utc(5).substr(0, 8) + "T110000";
  local.end = friday_utc(5).substr(0, 8) + "T120000";
  local.attendees = {"mailto:" + k_rep};
  s.dir.write("cal/local.ics", event_ics(local));
  ProcessResult r = s.sync();
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("notices_sent=3 notices_failed=0"));
  auto got = read_imip(messages(mail.path()));
  REQUIRE(got.size() == 3);
  std::erase_if(got, [&](const json& m) {
    if (m["method"].is_null() || m["events"][0]["uid"] != "smtp-2") {
      return false;
    }
    const json& ev = m["events"][0];
    CHECK(ev["dtstart_tzid"] == "Asia/Almaty");
    CHECK_THAT(ev["dtstart"].get<std::string>(), Catch::EndsWith("T11:00:00+05:00"));
    CHECK(m["timezones"] == json::array({"Asia/Almaty"}));
    CHECK_THAT(m["to"].get<std::string>(), Catch::Contains(k_rep));
    return true;
  });
  REQUIRE(got.size() == 2);
  std::set<std::string> to;
  for (const json& m : got) {
    CHECK_THAT(m["message_id"].get<std::string>(), Catch::EndsWith("@gov.kz>"));
    CHECK(std::find(m["headers"].begin(), m["headers"].end(), "date") != m["headers"].end());
    if (m["method"].is_null()) {
      CHECK_THAT(m["to"].get<std::string>(), Catch::Contains(k_chair));
      CHECK_THAT(m["subject"].get<std::string>(), Catch::StartsWith("Замечания по совещанию"));
      continue;
    }
    to.insert(m["to"].get<std::string>());
    CHECK(m["method"] == "REQUEST");
    CHECK(m["content_method"] == "REQUEST");
    CHECK(m["parts"] ==
          json::array({"multipart/mixed", "multipart/alternative", "text/plain", "text/calendar", "application/ics"}));
    CHECK(m["reply_to"] == k_chair);
    REQUIRE(m["events"].size() == 1);
    const json& ev = m["events"][0];
    CHECK(ev["uid"] == "smtp-1");
    CHECK(ev["sequence"] == 0);
    CHECK(ev["organizer"] == "mailto:" + k_chair);
    REQUIRE(ev["attendees"].size() == 2);
    CHECK(ev["attendees"][0] == "mailto:" + k_chair);
    CHECK_THAT(m["to"].get<std::string>(), Catch::Contains(ev["attendees"][1].get<std::string>().substr(7)));
  }
  // One of the two (the directory decides which), never both.
  REQUIRE(to.size() == 1);
  bool one_of = to.begin()->find(k_rep) != std::string::npos || to.begin()->find(k_other) != std::string::npos;
  CHECK(one_of);

  // The next sync sends nothing again.
  ProcessResult again = s.sync();
  CHECK_THAT(again.out, Catch::Contains("notices_sent=0 notices_failed=0"));
  CHECK(messages(mail.path()).size() == 3);
}

TEST_CASE("notices: through Radicale, create, move, change of representative, cancel give REQUEST, REQUEST, "
          "CANCEL + REQUEST, CANCEL, repeated syncs add nothing",
          "[notices][smtp][radicale]")
{
  TempDir mail;
  ServerProcess sink(smtp_sink_spec(mail.path()));
  CaldavServer server(Server::radicale);
  server.make_calendar("work");
  Setup s(sink.port(), "",
          R"([{"id": "dav", "type": "caldav", "url": ")" + server.base() + R"(/", "username": "alice"}])");
  auto step = [&](const std::string& ics) {
    server.put("work", "m.ics", ics);
    ProcessResult r = s.sync();
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    ProcessResult again = s.sync();
    CHECK_THAT(again.out, Catch::Contains("checked=0 notices_sent=0"));
  };
  std::string base = meeting_ics("seq-1", "Совещание", {"mailto:" + k_rep});
  step(base);
  std::string moved = base;
  moved.replace(moved.find("T050000Z"), 8, "T060000Z");
  moved.replace(moved.find("T060000Z", moved.find("DTEND")), 8, "T070000Z");
  step(moved);
  std::string other = moved;
  other.replace(other.find(k_rep), k_rep.size(), k_other);
  step(other);
  std::string cancelled = other;
  cancelled.insert(cancelled.find("END:VEVENT"), "STATUS:CANCELLED\r\n");
  step(cancelled);

  auto got = read_imip(messages(mail.path()));
  std::vector<std::string> seen;
  for (const json& m : got) {
    if (!m["method"].is_null()) {
      const json& ev = m["events"][0];
      std::string to = m["to"].get<std::string>();
      seen.push_back(m["method"].get<std::string>() + " " + (to.find(k_rep) != std::string::npos ? "rep" : "other") +
                     " " + std::to_string(ev["sequence"].get<int>()));
      if (m["method"] == "CANCEL") {
        CHECK(ev["status"] == "CANCELLED");
      }
    }
  }
  // Changing the ATTENDEE is a change of the event too: the new representative's REQUEST and the
  // old one's CANCEL carry the next SEQUENCE.
  // Messages of one sync may arrive in any order: compare them sorted (the SEQUENCE orders the steps).
  std::sort(seen.begin(), seen.end());
  CHECK(seen == std::vector<std::string>{"CANCEL other 3", "CANCEL rep 2", "REQUEST other 2", "REQUEST rep 0",
                                         "REQUEST rep 1"});
}

TEST_CASE("notices: SMTP 451 twice is retried and one message arrives, 550 is parked as failed", "[notices][smtp]")
{
  {
    TempDir mail;
    ServerProcess sink(smtp_sink_spec(mail.path(), {"--fail-first", "2", "--fail-code", "451"}));
    Setup s(sink.port());
    s.dir.write("cal/m.ics", meeting_ics("retry-1", "Совещание", {"mailto:" + k_rep}));
    ProcessResult first = s.sync();
    CHECK_THAT(first.out, Catch::Contains("notices_sent=0 notices_failed=0"));
    CHECK_THAT(first.err, Catch::Contains("notice.retry"));
    for (int i = 0; i < 12 && messages(mail.path()).empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(800));
      s.sync();
    }
    CHECK(messages(mail.path()).size() == 1);
    auto store = daemon::StateStore::open(s.dir.path() / "state");
    auto entries = store->outbox("retry-1");
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].state == "sent");
    CHECK(entries[0].attempts == 3);
  }
  {
    TempDir mail;
    ServerProcess sink(smtp_sink_spec(mail.path(), {"--reject-code", "550"}));
    Setup s(sink.port());
    s.dir.write("cal/m.ics", meeting_ics("reject-1", "Совещание", {"mailto:" + k_rep}));
    ProcessResult r = s.sync();
    CHECK_THAT(r.out, Catch::Contains("notices_sent=0 notices_failed=1"));
    auto store = daemon::StateStore::open(s.dir.path() / "state");
    auto entries = store->outbox("reject-1");
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].state == "failed");
    CHECK_THAT(entries[0].last_error, Catch::Contains("550"));
    CHECK(messages(mail.path()).empty());
  }
}

TEST_CASE("notices: with the SMTP server down, notices stay queued and go out when it is back", "[notices][smtp]")
{
  TempDir mail;
  int port = free_port();
  Setup s(port);
  s.dir.write("cal/m.ics", meeting_ics("down-1", "Совещание", {"mailto:" + k_rep}));
  ProcessResult first = s.sync();
  CHECK_THAT(first.out, Catch::Contains("notices_sent=0 notices_failed=0"));
  ServerProcess sink(smtp_sink_spec(mail.path(), {"--port", std::to_string(port)}));
  for (int i = 0; i < 12 && messages(mail.path()).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    s.sync();
  }
  CHECK(messages(mail.path()).size() == 1);
}

TEST_CASE("notices: a SUMMARY with CR/LF and Bcc: adds no header, non-ASCII is encoded, 1 MB text passes", "[notices]")
{
  connectors::MailMessage m;
  m.from = "kenes@gov.kz";
  m.to = k_rep;
  m.to_name = "Тулегенов Т.\r\nBcc: evil@example.com";
  m.subject = "Совещание\r\nBcc: evil@example.com\nX-Evil: 1";
  m.message_id = "abc@gov.kz";
  m.date = 1795000000;
  m.text = std::string(1 << 20, 'x');
  m.calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";
  m.method = "REQUEST\r\nBcc: evil@example.com";
  std::string bytes = connectors::compose_mail(m);
  std::string headers = bytes.substr(0, bytes.find("\r\n\r\n"));
  CHECK(headers.find("\r\nBcc:") == std::string::npos);
  CHECK(headers.find("\r\nX-Evil:") == std::string::npos);
  CHECK_THAT(headers, Catch::Contains("Subject: =?UTF-8?B?"));
  CHECK_THAT(headers, Catch::Contains("To: =?UTF-8?"));
  CHECK(bytes.find("\r\nBcc:") == std::string::npos);
  CHECK(bytes.size() > (1 << 20));
  TempDir dir;
  auto parsed = read_imip({dir.write("m.eml", bytes)});
  REQUIRE(parsed.size() == 1);
  CHECK(parsed[0]["subject"] == "Совещание  Bcc: evil@example.com X-Evil: 1");
  CHECK(std::find(parsed[0]["headers"].begin(), parsed[0]["headers"].end(), "bcc") == parsed[0]["headers"].end());
}

TEST_CASE(
    "notices: kill -9 while sending, 25 times: every one of 120 messages arrives, a duplicate keeps its Message-ID",
    "[notices][smtp][crash]")
{
  TempDir mail;
  ServerProcess sink(smtp_sink_spec(mail.path(), {"--delay-ms", "60"}));
  Setup s(sink.port(), R"(, "concurrency": 2)");
  std::string all;
  for (int i = 0; i < 120; ++i) {
    all += meeting_ics("crash-" + std::to_string(i), "Совещание " + std::to_string(i), {"mailto:" + k_rep});
  }
  s.dir.write("cal/a.ics", all); // one file of 120 VCALENDARs, one UID each
  // Each kill lands while it sends: after the next message has arrived, a random moment later.
  std::mt19937 rng(20261201);
  std::uniform_int_distribution<int> delay_ms(0, 120);
  int killed_sending = 0;
  for (int round = 0; round < 25; ++round) {
    const std::size_t before = messages(mail.path()).size();
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
      std::string bin = kenesd_binary(), cfg = s.config.string();
      execl(bin.c_str(), bin.c_str(), "--config", cfg.c_str(), "sync", "--once", static_cast<char*>(nullptr));
      _exit(127);
    }
    bool exited = false;
    for (int i = 0; i < 2000 && messages(mail.path()).size() == before; ++i) {
      if (waitpid(pid, nullptr, WNOHANG) == pid) {
        exited = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (exited) {
      break; // everything was sent: nothing left to interrupt
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    ++killed_sending;
  }
  CHECK(killed_sending >= 20);
  const std::size_t during = messages(mail.path()).size();
  std::cerr << "notices crash test: " << killed_sending << " kills while sending, " << during
            << " messages arrived meanwhile\n";
  // Finish: sync until nothing is pending.
  for (int i = 0; i < 5; ++i) {
    ProcessResult r = s.sync();
    REQUIRE(r.exit_code == 0);
    auto store = daemon::StateStore::open(s.dir.path() / "state");
    auto counts = store->outbox_counts();
    if (counts["pending"] == 0 && counts["sending"] == 0) {
      break;
    }
  }
  auto store = daemon::StateStore::open(s.dir.path() / "state");
  std::set<std::string> expected;
  for (const daemon::OutboxEntry& e : store->outbox("")) {
    CHECK(e.state == "sent");
    expected.insert("<" + e.message_id + ">");
  }
  CHECK(expected.size() == 120); // 120 invitations, no warnings
  std::map<std::string, int> arrived;
  for (const json& m : read_imip(messages(mail.path()))) {
    ++arrived[m["message_id"].get<std::string>()];
  }
  std::set<std::string> ids;
  for (const auto& [id, n] : arrived) {
    ids.insert(id);
  }
  CHECK(ids == expected); // every one arrived; any duplicate carries the original's Message-ID
  std::cerr << "notices crash test: " << messages(mail.path()).size() << " arrived for " << expected.size()
            << " expected\n";
  CHECK(store->pending_check_count() == 0);
}

TEST_CASE("notices: check --emit writes what would be sent, a series with invalid occurrences gets one warning "
          "listing them, and its invitations are held",
          "[notices]")
{
  TempDir dir;
  EventSpec e;
  e.uid = "emit-series";
  e.start = "20261204T140000"; // two central bodies after 13:00 (order p.2 sp.5-1), every Friday
  e.end = "20261204T150000";
  e.attendees = {"mailto:" + k_rep};
  e.extra = {"RRULE:FREQ=WEEKLY;COUNT=3"};
  fs::path ics = dir.write("series.ics", event_ics(e));
  ProcessResult r =
      run_process({kenesd_binary(), "--config", (source_dir() / "config/demo/kenes.json").string(), "check", "--now",
                   "2026-11-24T09:00:00+05:00", "--emit", (dir.path() / "out").string(), ics.string()});
  CHECK(r.exit_code == 1); // an invalid slot
  auto got = read_imip(messages(dir.path() / "out"));
  REQUIRE(got.size() == 1);
  CHECK(got[0]["method"].is_null());
  CHECK_THAT(got[0]["to"].get<std::string>(), Catch::Contains(k_chair));
  const std::string text = got[0]["text"].get<std::string>();
  for (const char* day : {"2026-12-04 14:00", "2026-12-11 14:00", "2026-12-18 14:00"}) {
    CHECK_THAT(text, Catch::Contains(day));
  }
  // The rule by its name and the decree in words, no ids (issue 25).
  CHECK_THAT(text, Catch::Contains("Время межведомственных совещаний (распоряжение, п. 2, пп. 5-1)"));
  CHECK_THAT(text, !Catch::Contains("hours.interagency"));
  CHECK_THAT(text, Catch::Contains("Приглашения участникам не отправлены"));
}

TEST_CASE("notices: a warning names a competence finding's topics by the directory's names, not its tags", "[notices]")
{
  TempDir dir;
  ProcessResult r = run_process({kenesd_binary(), "--config", (source_dir() / "config/demo/kenes.json").string(),
                                 "check", "--now", "2026-11-24T09:00:00+05:00", "--emit", (dir.path() / "out").string(),
                                 (source_dir() / "config/demo/calendars/03-government-dpm-evening.ics").string()});
  CHECK(r.exit_code == 1);
  auto got = read_imip(messages(dir.path() / "out"));
  REQUIRE(got.size() == 1);
  const std::string text = got[0]["text"].get<std::string>();
  INFO(text);
  CHECK_THAT(text, Catch::Contains("Компетенция (рекомендации, гл. 3 и 4)"));
  CHECK_THAT(text, Catch::Contains("вопросы совещания (бюджет)")); // the demo directory's name of "budget"
  CHECK_THAT(text, !Catch::Contains("budget"));
}

TEST_CASE("notices: SMTP AUTH with the password from its file, a wrong password is no delivery", "[notices][smtp]")
{
  TempDir mail;
  ServerProcess sink(smtp_sink_spec(mail.path(), {"--auth", "kenes:s3cret"}));
  for (const char* password : {"wrong", "s3cret"}) {
    Setup s(sink.port());
    s.dir.write("pw", std::string(password) + "\n");
    std::string text =
        R"({"timezone": "Asia/Almaty", "directory": ")" + (source_dir() / "config/demo/directory.json").string() +
        R"(", "sources": [{"id": "local", "type": "dir", "path": "cal"}],
      "notices": {"transport": "smtp", "adopt": "none", "from": "kenes@gov.kz", "smtp": {"url": "smtp://127.0.0.1:)" +
        std::to_string(sink.port()) + R"(", "starttls": "never", "username": "kenes", "password_file": "pw"}}})";
    s.dir.write("kenes.json", text);
    s.dir.write("cal/m.ics", meeting_ics("auth-1", "Совещание", {"mailto:" + k_rep}));
    ProcessResult r = s.sync();
    INFO(r.err);
    if (std::string(password) == "wrong") {
      CHECK_THAT(r.out, Catch::Contains("notices_sent=0"));
      CHECK(r.err.find("wrong") == std::string::npos); // the secret never reaches a log
      CHECK(messages(mail.path()).empty());
    } else {
      CHECK_THAT(r.out, Catch::Contains("notices_sent=1 notices_failed=0"));
      CHECK(messages(mail.path()).size() == 1);
    }
  }
}

TEST_CASE("notices: SMTP 421 (service closing) is retried like 451", "[notices][smtp]")
{
  TempDir mail;
  ServerProcess sink(smtp_sink_spec(mail.path(), {"--fail-first", "1", "--fail-code", "421"}));
  Setup s(sink.port());
  s.dir.write("cal/m.ics", meeting_ics("retry-421", "Совещание", {"mailto:" + k_rep}));
  ProcessResult first = s.sync();
  CHECK_THAT(first.out, Catch::Contains("notices_sent=0 notices_failed=0"));
  for (int i = 0; i < 10 && messages(mail.path()).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    s.sync();
  }
  CHECK(messages(mail.path()).size() == 1);
}

TEST_CASE("notices: an event whose SUMMARY holds a line break and Bcc:, with a 1 MB DESCRIPTION, goes out whole "
          "and adds no header",
          "[notices]")
{
  TempDir dir;
  EventSpec e;
  e.uid = "hostile-1";
  e.summary = "Совещание\\nBcc: evil@example.com\\r\\nX-Evil: 1";
  e.description = std::string(1 << 20, 'a');
  e.attendees = {"mailto:" + k_rep};
  fs::path ics = dir.write("hostile.ics", event_ics(e));
  ProcessResult r =
      run_process({kenesd_binary(), "--config", (source_dir() / "config/demo/kenes.json").string(), "check", "--now",
                   "2026-11-24T09:00:00+05:00", "--emit", (dir.path() / "out").string(), ics.string()});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto files = messages(dir.path() / "out");
  REQUIRE_FALSE(files.empty());
  auto got = read_imip(files);
  bool invitation = false;
  for (const json& m : got) {
    CHECK(std::find(m["headers"].begin(), m["headers"].end(), "bcc") == m["headers"].end());
    CHECK(std::find(m["headers"].begin(), m["headers"].end(), "x-evil") == m["headers"].end());
    CHECK_THAT(m["subject"].get<std::string>(), Catch::Contains("Bcc: evil@example.com"));
    if (m["method"] == "REQUEST") {
      invitation = true;
    }
  }
  CHECK(invitation);
  CHECK(fs::file_size(files.front()) > (1 << 20));
}
