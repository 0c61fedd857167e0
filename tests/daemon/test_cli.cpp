// The command line (SPEC §10): parsing, and the kenesd binary's exit codes and outputs.
#include "support/test_support.hpp"

#include "daemon/cli.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <set>

using namespace kenes;
using namespace kenes::test;
using daemon::parse_command_line;
using daemon::UsageError;

namespace {

// The smallest config of SPEC §11 in a temp dir, with the demo directory beside it.
struct Workspace
{
  TempDir dir;
  std::filesystem::path config;

  Workspace()
  {
    std::filesystem::copy_file(demo_dir() / "directory.json", dir.path() / "directory.json");
    std::filesystem::create_directory(dir.path() / "spool"); // the default spool_dir, never made by kenesd
    config = dir.write("kenes.json", R"({"timezone": "Asia/Almaty", "directory": "directory.json",
                                         "regime": {"holidays": ["2026-12-16", "2026-12-17"]}})");
  }

  ProcessResult kenesd(std::vector<std::string> args) const
  {
    args.insert(args.begin(), {kenesd_binary(), "--config", config.string()});
    return run_process(args);
  }
};

// Two central bodies: an interagency meeting (09:00–13:00, Tuesday or Friday).
std::string interagency_ics(const std::string& start, const std::string& end, const std::string& uid = "cli-1")
{
  EventSpec s;
  s.uid = uid;
  s.start = start;
  s.end = end;
  s.summary = "Совещание по вопросам бюджета";
  s.organizer = "vice.minister8@minfin.gov.kz";
  s.attendees = {"mailto:vice.minister17@economy.gov.kz"};
  s.extra = {"CATEGORIES:budget"};
  return event_ics(s);
}

const std::string k_now = "--now=2026-11-24T09:00:00+05:00";

} // namespace

TEST_CASE("cli: check takes --json, --now, --lang and files", "[cli]")
{
  auto cl = parse_command_line(
      {"--config", "k.json", "check", "--json", "--now", "2026-11-24T09:00", "--lang=en", "a.ics", "b"});
  CHECK(cl.config == "k.json");
  CHECK(cl.command == "check");
  CHECK(cl.json);
  CHECK(cl.now == "2026-11-24T09:00");
  CHECK(cl.lang == "en");
  CHECK(cl.files == std::vector<std::string>{"a.ics", "b"});
}

TEST_CASE("cli: config check, sync --once, report --month, help and version", "[cli]")
{
  CHECK(parse_command_line({"config", "check"}).command == "config-check");
  CHECK(parse_command_line({"sync", "--once"}).once);
  CHECK(parse_command_line({"sync", "--once", "--accept-removals", "local"}).accept_removals == "local");
  auto r = parse_command_line({"report", "--month", "2026-12", "--format", "csv", "--out", "x.csv"});
  CHECK(r.month == "2026-12");
  CHECK(r.format == "csv");
  CHECK(r.out == "x.csv");
  CHECK(parse_command_line({"check", "--help"}).command == "help");
  CHECK(parse_command_line({"--version"}).command == "version");
}

TEST_CASE("cli: bad usage is a UsageError with a readable reason", "[cli]")
{
  CHECK_THROWS_WITH(parse_command_line({}), "no command given");
  CHECK_THROWS_WITH(parse_command_line({"frobnicate"}), "unknown command 'frobnicate'");
  CHECK_THROWS_WITH(parse_command_line({"check"}), Catch::Contains("at least one FILE.ics"));
  CHECK_THROWS_WITH(parse_command_line({"check", "--jsn", "a.ics"}), "unknown option '--jsn'");
  CHECK_THROWS_WITH(parse_command_line({"check", "--now"}), "--now needs a value");
  CHECK_THROWS_WITH(parse_command_line({"check", "--lang", "fr", "a.ics"}), Catch::Contains("ru, kk or en"));
  CHECK_THROWS_WITH(parse_command_line({"sync"}), Catch::Contains("--once"));
  CHECK_THROWS_WITH(parse_command_line({"report"}), Catch::Contains("--month"));
  CHECK_THROWS_WITH(parse_command_line({"config", "show"}), "expected 'config check'");
  CHECK_THROWS_WITH(parse_command_line({"run", "extra"}), "unexpected argument 'extra'");
  CHECK_THROWS_WITH(parse_command_line({"run", "--accept-removals", "local"}), Catch::Contains("sync --once"));
}

TEST_CASE("kenesd: --help prints the usage and exits 0, bad usage exits 2", "[cli][process]")
{
  auto help = run_process({kenesd_binary(), "--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("check [--json]") && Catch::Contains("config check"));

  auto bad = run_process({kenesd_binary(), "check"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("at least one FILE.ics") && Catch::Contains("--help"));
}

TEST_CASE("kenesd: a missing or broken config exits 2 naming the file and pointer", "[cli][process]")
{
  auto missing = run_process({kenesd_binary(), "--config", "/nonexistent/kenes.json", "config", "check"});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("/nonexistent/kenes.json") && Catch::Contains("no such file"));

  TempDir dir;
  auto bad = dir.write("kenes.json", R"({"directory": {"bodies": []}, "regime": {"lead_time_days": -1}})");
  auto r = run_process({kenesd_binary(), "--config", bad.string(), "config", "check"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(bad.string()) && Catch::Contains("/regime/lead_time_days") &&
                        Catch::Contains("expected an integer from 0 to 365"));
}

TEST_CASE("kenesd: config check accepts a good config and exits 0", "[cli][process]")
{
  Workspace ws;
  auto r = ws.kenesd({"config", "check"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("config OK"));
}

TEST_CASE("kenesd: config check finds what run refuses: missing auth files, a port out of range, a missing "
          "spool_dir (issue 23, item 8)",
          "[cli][process]")
{
  TempDir dir;
  std::filesystem::copy_file(demo_dir() / "directory.json", dir.path() / "directory.json");
  auto cfg = dir.write("kenes.json", R"({"timezone": "Asia/Almaty", "directory": "directory.json",
      "regime": {"holidays": []}, "notices": {"spool_dir": "spol"},
      "admin": {"listen": "127.0.0.1:99999", "users_file": "users", "tokens_file": "tokens"}})");
  for (const char* command : {"config", "run"}) {
    std::vector<std::string> args{kenesd_binary(), "--config", cfg.string(), command};
    if (std::string(command) == "config")
      args.push_back("check");
    auto r = run_process(args);
    INFO(command << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("config OK") == std::string::npos);
    CHECK_THAT(r.err, Catch::Contains(cfg.string() + ": /admin/listen: admin.listen: '99999' is not a port number"));
    CHECK_THAT(r.err, Catch::Contains(cfg.string() + ": /admin/users_file: " + (dir.path() / "users").string()));
    CHECK_THAT(r.err, Catch::Contains(cfg.string() + ": /admin/tokens_file: " + (dir.path() / "tokens").string()));
    CHECK_THAT(r.err, Catch::Contains(cfg.string() + ": /notices/spool_dir: " + (dir.path() / "spol").string() +
                                      " does not exist"));
  }
  CHECK(!std::filesystem::exists(dir.path() / "spol"));
  CHECK(!std::filesystem::exists(dir.path() / "state"));
}

TEST_CASE("kenesd sync --once: a missing spool_dir is an error naming its pointer, nothing is created, a missing "
          "state_dir is created and said so (issue 23, item 8)",
          "[cli][process]")
{
  TempDir dir;
  std::filesystem::copy_file(demo_dir() / "directory.json", dir.path() / "directory.json");
  dir.write("cal/a.ics", interagency_ics("20261201T100000", "20261201T110000", "cli-spool"));
  auto cfg = dir.write("kenes.json", R"({"timezone": "Asia/Almaty", "directory": "directory.json",
      "state_dir": "state/new", "regime": {"holidays": []}, "notices": {"spool_dir": "outgoing"},
      "sources": [{"id": "local", "type": "dir", "path": "cal"}]})");
  auto refused = run_process({kenesd_binary(), "--config", cfg.string(), "sync", "--once"});
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains(cfg.string() + ": /notices/spool_dir: " + (dir.path() / "outgoing").string() +
                                          " does not exist"));
  CHECK(!std::filesystem::exists(dir.path() / "outgoing"));
  CHECK(!std::filesystem::exists(dir.path() / "state"));

  std::filesystem::create_directory(dir.path() / "outgoing");
  auto ok = run_process({kenesd_binary(), "--config", cfg.string(), "sync", "--once"});
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.err,
             Catch::Contains("store.state_dir_created path=") && Catch::Contains((dir.path() / "state/new").string()));
  CHECK(std::filesystem::exists(dir.path() / "state/new/kenes.sqlite3"));
}

TEST_CASE("kenesd check: exit 0 for a valid slot, 1 for an invalid one (SPEC §10)", "[cli][process]")
{
  Workspace ws;
  auto friday = ws.dir.write("friday.ics", interagency_ics("20261204T100000", "20261204T110000"));
  auto thursday = ws.dir.write("thursday.ics", interagency_ics("20261203T100000", "20261203T110000"));

  auto ok = ws.kenesd({"check", "--json", k_now, friday.string()});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  auto j = nlohmann::json::parse(ok.out);
  REQUIRE(j["meetings"].size() == 1);
  CHECK(j["meetings"][0]["verdict"] == "ok");
  CHECK(j["errors"].empty());

  auto bad = ws.kenesd({"check", "--json", k_now, thursday.string()});
  CHECK(bad.exit_code == 1);
  auto jb = nlohmann::json::parse(bad.out);
  REQUIRE(jb["meetings"].size() == 1);
  CHECK(jb["meetings"][0]["verdict"] == "invalid");
  CHECK(jb["meetings"][0]["start"] == "2026-12-03T10:00:00+05:00");
  CHECK_FALSE(jb["meetings"][0]["suggested_slots"].empty());
}

TEST_CASE("kenesd check: an unreadable file exits 2 naming it, the other files are still checked", "[cli][process]")
{
  Workspace ws;
  auto friday = ws.dir.write("friday.ics", interagency_ics("20261204T100000", "20261204T110000"));
  auto garbage = ws.dir.write("garbage.ics", "this is not a calendar\r\n");
  auto r = ws.kenesd({"check", "--json", k_now, garbage.string(), "/nonexistent/x.ics", friday.string()});
  CHECK(r.exit_code == 2);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["meetings"].size() == 1);
  REQUIRE(j["errors"].size() == 2);
  CHECK(j["errors"].dump().find("garbage.ics") != std::string::npos);
  CHECK(j["errors"].dump().find("/nonexistent/x.ics") != std::string::npos);
  CHECK_THAT(r.err, Catch::Contains("garbage.ics") && Catch::Contains("/nonexistent/x.ics"));
}

TEST_CASE("kenesd check: a malformed event is reported with its UID, the rest of the file is checked", "[cli][process]")
{
  Workspace ws;
  std::string text = interagency_ics("20261204T100000", "20261204T110000", "good-1");
  std::string broken =
      "BEGIN:VEVENT\r\nUID:broken-1\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Без начала\r\nEND:VEVENT\r\n";
  text.insert(text.find("END:VCALENDAR"), broken);
  auto file = ws.dir.write("mixed.ics", text);
  auto r = ws.kenesd({"check", "--json", k_now, file.string()});
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["meetings"].size() == 1);
  CHECK(j["meetings"][0]["uid"] == "good-1");
  REQUIRE(j["errors"].size() == 1);
  CHECK(j["errors"].dump().find("broken-1") != std::string::npos);
  // Each item's keys, as docs/decisions.md writes them: the event was skipped.
  const auto& e = j["errors"][0];
  CHECK(e.size() == 4);
  CHECK(e["file"] == file.string());
  CHECK(e["uid"] == "broken-1");
  CHECK(e["message"].is_string());
  REQUIRE(e.contains("skipped"));
  CHECK(e["skipped"] == true);
}

TEST_CASE("kenesd check: a problem that skips nothing is an errors item with skipped false (docs/decisions.md)",
          "[cli][process]")
{
  Workspace ws;
  auto file = ws.dir.write("tz.ics", interagency_ics("TZID=Nowhere/Atlantis:20261204T100000",
                                                     "TZID=Nowhere/Atlantis:20261204T110000", "tz-1"));
  auto r = ws.kenesd({"check", "--json", k_now, file.string()});
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["meetings"].size() == 1);
  REQUIRE(j["errors"].size() >= 1);
  for (const auto& e : j["errors"]) {
    CHECK(e["uid"] == "tz-1");
    REQUIRE(e.contains("skipped"));
    CHECK(e["skipped"] == false);
    CHECK_FALSE(e.contains("fatal"));
  }
}

TEST_CASE("kenesd check: an invalid UTF-8 byte in SUMMARY is written as U+FFFD, every meeting is still printed",
          "[cli][process]")
{
  Workspace ws;
  std::string bad = interagency_ics("20261204T100000", "20261204T110000", "bad-utf8");
  bad.replace(bad.find("SUMMARY:") + 8, 0, "\xC3(\xFF ");
  auto first = ws.dir.write("a-bad.ics", bad);
  auto second = ws.dir.write("b-good.ics", interagency_ics("20261204T100000", "20261204T110000", "good-2"));
  auto r = ws.kenesd({"check", "--json", k_now, first.string(), second.string()});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out); // throws on malformed output
  REQUIRE(j["meetings"].size() == 2);
  CHECK(j["meetings"][0]["uid"] == "bad-utf8");
  CHECK(j["meetings"][0]["summary"].get<std::string>().rfind("\xEF\xBF\xBD(\xEF\xBF\xBD Совещание", 0) == 0);
  CHECK(j["meetings"][1]["uid"] == "good-2");
}

TEST_CASE("kenesd check: a folder stands for its .ics files", "[cli][process]")
{
  Workspace ws;
  ws.dir.write("cals/a.ics", interagency_ics("20261204T100000", "20261204T110000", "a"));
  ws.dir.write("cals/b.ics", interagency_ics("20261211T100000", "20261211T110000", "b"));
  ws.dir.write("cals/notes.txt", "not a calendar");
  auto r = ws.kenesd({"check", "--json", k_now, (ws.dir.path() / "cals").string()});
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["meetings"].size() == 2);
  CHECK(j["meetings"][0]["uid"] == "a");
  CHECK(j["meetings"][1]["uid"] == "b");
}

TEST_CASE("kenesd check: the readable output has the verdict, references, invitations and suggestions",
          "[cli][process]")
{
  Workspace ws;
  auto thursday = ws.dir.write("thursday.ics", interagency_ics("20261203T100000", "20261203T110000"));
  auto ru = ws.kenesd({"check", k_now, thursday.string()});
  CHECK(ru.exit_code == 1);
  CHECK_THAT(ru.out,
             Catch::Contains("Совещание по вопросам бюджета") &&
                 Catch::Contains(" День по Регламенту [рекомендации, гл. 1, таблица] 2026-12-03T10:00:00+05:00") &&
                 Catch::Contains("vice.minister17@economy.gov.kz"));

  auto en = ws.kenesd({"check", "--lang", "en", k_now, thursday.string()});
  CHECK(en.exit_code == 1);
  CHECK(en.out != ru.out);
  CHECK_THAT(en.out, Catch::Contains(" Designated day [rec. ch.1, table] 2026-12-03T10:00:00+05:00"));
  auto kk = ws.kenesd({"check", "--lang", "kk", k_now, thursday.string()});
  CHECK(kk.out != ru.out);
  CHECK(kk.out != en.out);
  CHECK_THAT(kk.out, Catch::Contains(" Регламент бойынша күн [ұсынымдар, 1-тарау, кесте] 2026-12-03T10:00:00+05:00"));
  // A person reads the text: rules by their names, no rule id in any language (--json keeps them).
  for (const auto* out : {&ru.out, &en.out, &kk.out}) {
    for (const calendar::RuleInfo& r : calendar::all_rules()) {
      INFO(*out);
      CHECK(out->find(r.name) == std::string::npos);
    }
  }
  auto json = ws.kenesd({"check", "--json", k_now, thursday.string()});
  CHECK_THAT(json.out, Catch::Contains("\"rule\":\"day.regime\""));
}

TEST_CASE("kenesd check: the readable output names the topics of a competence message by the directory's names",
          "[cli][process][words]")
{
  Workspace ws;
  // A deputy prime minister for economy, budget and industry chairs a meeting on health.
  EventSpec s;
  s.uid = "topics-1";
  s.start = "20261204T100000";
  s.end = "20261204T110000";
  s.organizer = "deputy.prime.minister2@primeminister.kz";
  s.attendees = {"mailto:vice.minister17@economy.gov.kz"};
  s.extra = {"CATEGORIES:health"};
  auto f = ws.dir.write("topics.ics", event_ics(s));
  auto kk = ws.kenesd({"check", "--lang", "kk", k_now, f.string()});
  INFO(kk.out << kk.err);
  CHECK_THAT(kk.out, Catch::Contains("Төрағалық етушінің құзыреті") && Catch::Contains("(денсаулық сақтау)") &&
                         Catch::Contains("(экономика, бюджет, өнеркәсіп)"));
  CHECK(kk.out.find("health") == std::string::npos);
  // --json keeps the rule ids, and its messages name the topics too (ids are for programs, words
  // for whoever reads the message).
  auto js = ws.kenesd({"check", "--json", "--lang", "kk", k_now, f.string()});
  INFO(js.out << js.err);
  CHECK_THAT(js.out, Catch::Contains("\"agenda.chair_competence\"") && Catch::Contains("(денсаулық сақтау)"));
  CHECK(js.out.find("health") == std::string::npos);
}

TEST_CASE("kenesd check: a bad --now is bad usage (exit 2)", "[cli][process]")
{
  Workspace ws;
  auto f = ws.dir.write("x.ics", interagency_ics("20261204T100000", "20261204T110000"));
  auto r = ws.kenesd({"check", "--now", "tomorrow", f.string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--now") && Catch::Contains("tomorrow"));
}

TEST_CASE("kenesd report: an empty store gives an empty form", "[cli][process]")
{
  Workspace ws;
  auto r = ws.kenesd({"report", "--month", "2026-12", "--format", "json"});
  CHECK(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out).at("bodies").empty());
}

TEST_CASE("kenesd: a spool_dir inside state_dir is kenesd's own, made with it (the packaged config, issue 23, "
          "item 8)",
          "[cli][process]")
{
  TempDir dir;
  std::filesystem::copy_file(demo_dir() / "directory.json", dir.path() / "directory.json");
  std::filesystem::create_directories(dir.path() / "cal");
  auto cfg = dir.write("kenes.json", R"({"timezone": "Asia/Almaty", "directory": "directory.json",
      "state_dir": "var/kenes", "regime": {"holidays": []}, "notices": {"spool_dir": "var/kenes/spool"},
      "sources": [{"id": "local", "type": "dir", "path": "cal"}]})");
  auto check = run_process({kenesd_binary(), "--config", cfg.string(), "config", "check"});
  CHECK(check.exit_code == 0);
  auto once = run_process({kenesd_binary(), "--config", cfg.string(), "sync", "--once"});
  CHECK(once.exit_code == 0);
  CHECK_THAT(once.err, Catch::Contains("store.spool_dir_created"));
  CHECK(std::filesystem::is_directory(dir.path() / "var/kenes/spool"));
}

TEST_CASE("kenesd check: each hostile calendar of issue 23 gives its own event's error in seconds, every good "
          "meeting is printed",
          "[cli][process][hostile]")
{
  Workspace ws;
  std::vector<std::string> args = {"/usr/bin/timeout", "120",   kenesd_binary(), "--config",
                                   ws.config.string(), "check", "--json",        k_now};
  for (const auto& f : hostile_files()) {
    args.push_back(f.string());
  }
  args.push_back(ws.dir.write("z-good.ics", interagency_ics("20261204T100000", "20261204T110000", "good-z")).string());
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run_process(args);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(r.err);
  REQUIRE(r.exit_code != 124); // not killed by the timeout
  CHECK(seconds < 60);
  auto j = nlohmann::json::parse(r.out);
  std::set<std::string> uids;
  for (const auto& m : j["meetings"]) {
    uids.insert(m["uid"].get<std::string>());
  }
  CHECK(uids.contains("good-z"));
  CHECK(uids.contains("hostile-tz-secondly@kenes.test"));
  CHECK(uids.contains("hostile-utf8-uid-\xEF\xBF\xBD@kenes.test"));
  std::map<std::string, std::string> errors; // uid -> message
  for (const auto& e : j["errors"]) {
    errors[e["uid"].is_null() ? "" : e["uid"].get<std::string>()] = e["message"].get<std::string>();
  }
  CHECK_THAT(errors["hostile-tz-secondly@kenes.test"], Catch::Contains("STANDARD rule repeats FREQ=SECONDLY"));
  CHECK_THAT(errors["hostile-tz-minutely@kenes.test"], Catch::Contains("STANDARD rule repeats FREQ=MINUTELY"));
  CHECK_THAT(errors["hostile-tz-yearly@kenes.test"], Catch::Contains("more than 4 times a year"));
  CHECK_THAT(errors["hostile-event-secondly@kenes.test"], Catch::Contains("RRULE FREQ=SECONDLY ignored"));
  CHECK_THAT(errors["hostile-event-secondly-bymonth@kenes.test"], Catch::Contains("RRULE FREQ=SECONDLY ignored"));
  CHECK_THAT(errors["hostile-event-daily-minutes@kenes.test"], Catch::Contains("steps"));
  CHECK(errors["hostile-utf8-summary@kenes.test"] == "invalid UTF-8 in SUMMARY replaced with U+FFFD");
  CHECK(errors["hostile-utf8-uid-\xEF\xBF\xBD@kenes.test"] == "invalid UTF-8 in UID replaced with U+FFFD");
  CHECK(errors["hostile-utf8-organizer@kenes.test"] == "invalid UTF-8 in ORGANIZER replaced with U+FFFD");
  CHECK_FALSE(errors.contains("good-z"));
}
