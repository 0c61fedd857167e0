// Config and directory loading (SPEC §11): defaults, the fixture directory unchanged, and every
// problem reported with its file, JSON pointer and what was expected.
#include "support/test_support.hpp"

#include "config/config.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

using namespace kenes;
using config::ConfigError;
using config::ConfigProblem;

namespace {

// The problems a config text gives (empty when it loads).
std::vector<ConfigProblem> problems_of(const std::string& text, const std::filesystem::path& file)
{
  try {
    config::parse_config(text, file);
  } catch (const ConfigError& e) {
    return e.problems();
  }
  return {};
}

std::vector<ConfigProblem> problems_of(const std::string& text)
{
  return problems_of(text, test::demo_dir() / "kenes-test.json");
}

bool has_problem(const std::vector<ConfigProblem>& ps, const std::string& pointer, const std::string& words)
{
  return std::any_of(ps.begin(), ps.end(), [&](const ConfigProblem& p) {
    return p.pointer == pointer && p.message.find(words) != std::string::npos;
  });
}

std::string all(const std::vector<ConfigProblem>& ps)
{
  std::string out;
  for (const ConfigProblem& p : ps) {
    out += p.to_string() + "\n";
  }
  return out;
}

// A config around an inline directory.
std::string with_directory(const std::string& directory_json, const std::string& rest = "")
{
  return R"({"timezone": "Asia/Almaty", "directory": )" + directory_json + (rest.empty() ? "" : ", " + rest) + "}";
}

const std::string k_body_a = R"({"id": "a", "kind": "central", "name": "A", "domains": ["a.kz"],
   "officials": [{"email": "m@a.kz", "rank": "minister"}, {"email": "v@a.kz", "rank": "vice_minister"}]})";

} // namespace

TEST_CASE("config: the smallest config of SPEC §11 loads with every default", "[config]")
{
  const config::Config& cfg = test::demo_config();
  CHECK(cfg.timezone == "Asia/Almaty");
  CHECK(cfg.state_dir == test::demo_dir() / "state");
  CHECK(cfg.directory_file == test::demo_dir() / "directory.json");
  CHECK(cfg.sources.empty());
  CHECK(cfg.notices.transport == config::Transport::spool);
  CHECK(cfg.notices.enforcement == config::Enforcement::hold);
  CHECK(cfg.notices.language == calendar::Language::ru);
  CHECK(cfg.admin.listen == "127.0.0.1:8080");
  CHECK(cfg.regime.holidays.size() == 2);
  CHECK(cfg.regime.government_window.start == 9 * 3600);
  CHECK(cfg.regime.government_window.end == 17 * 3600);
  CHECK(cfg.regime.interagency_window.start == 9 * 3600);
  CHECK(cfg.regime.interagency_window.end == 13 * 3600);
}

TEST_CASE("config: the fixture directory of bodies is accepted unchanged", "[config]")
{
  std::filesystem::path fixture = test::source_dir().parent_path() / "shared" / "fixtures" / "directory.json";
  if (!std::filesystem::exists(fixture)) {
    // A clone on its own: the demo copy must still load (it is a copy of the fixture).
    fixture = test::demo_dir() / "directory.json";
  }
  config::Config cfg = config::parse_config(
      R"({"timezone": "Asia/Almaty", "directory": ")" + fixture.string() + R"("})", test::demo_dir() / "x.json");
  REQUIRE(cfg.directory);
  CHECK(cfg.directory->bodies().size() >= 10);
  CHECK(cfg.directory->bodies().size() == test::demo_config().directory->bodies().size());
}

TEST_CASE("config: relative paths are read next to the config file", "[config]")
{
  test::TempDir dir;
  std::filesystem::copy_file(test::demo_dir() / "directory.json", dir.path() / "dir.json");
  auto file = dir.write("kenes.json", R"({"directory": "dir.json", "state_dir": "st",
    "sources": [{"id": "d", "type": "dir", "path": "cals"}],
    "notices": {"spool_dir": "out"}})");
  config::Config cfg = config::load_config(file);
  CHECK(cfg.state_dir == dir.path() / "st");
  REQUIRE(cfg.sources.size() == 1);
  CHECK(cfg.sources[0].path == dir.path() / "cals");
  CHECK(cfg.notices.spool_dir == dir.path() / "out");
}

TEST_CASE("config: a JSON syntax error names the file, line and column", "[config]")
{
  auto ps = problems_of("{\n  \"timezone\": \"Asia/Almaty\",\n  \"directory\": \n}", "/etc/kenes/bad.json");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].file == "/etc/kenes/bad.json");
  CHECK_THAT(ps[0].message, Catch::Contains("line 4") && Catch::Contains("column"));
  CHECK_THAT(ps[0].to_string(), Catch::StartsWith("/etc/kenes/bad.json"));
}

TEST_CASE("config: a number too large for a double is a problem naming the file, not a crash (fuzzer)", "[config]")
{
  // nlohmann's parser throws out_of_range, not parse_error, for "1E400" (tests/fuzz/regressions/config/).
  auto ps =
      problems_of("{\"timezone\": \"Asia/Almaty\", \"directory\": {}, \"regime\": 111E10000}", "/etc/kenes/big.json");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].file == "/etc/kenes/big.json");
  CHECK_THAT(ps[0].message, Catch::Contains("invalid JSON") && Catch::Contains("number overflow"));
}

TEST_CASE("config: a missing file is an error naming it", "[config]")
{
  try {
    config::load_config("/nonexistent/kenes.json");
    FAIL("no error");
  } catch (const ConfigError& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].file == "/nonexistent/kenes.json");
    CHECK(e.problems()[0].message == "no such file");
  }
}

TEST_CASE("config: unknown keys are errors with their pointer and a did-you-mean", "[config]")
{
  auto ps = problems_of(R"({"timezone": "Asia/Almaty", "directory": "directory.json",
                            "regime": {"holiday": ["2026-12-16"]}})");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].pointer == "/regime/holiday");
  CHECK_THAT(ps[0].message, Catch::Contains("holidays"));
}

TEST_CASE("config: wrong types and ranges name what was expected", "[config]")
{
  auto ps = problems_of(R"({"timezone": "Asia/Almaty", "directory": "directory.json",
    "regime": {"lead_time_days": "three", "max_duration_minutes": 0, "holidays": ["16.12.2026"],
               "windows": {"interagency": {"start": "13:00", "end": "09:00"}},
               "designated_days": {"selector": ["funday"]}}})");
  INFO(all(ps));
  CHECK(ps.size() == 5);
  CHECK(has_problem(ps, "/regime/lead_time_days", "expected an integer"));
  CHECK(has_problem(ps, "/regime/max_duration_minutes", "1"));
  CHECK(has_problem(ps, "/regime/holidays/0", "expected a date YYYY-MM-DD"));
  CHECK(has_problem(ps, "/regime/windows/interagency", "start before end"));
  CHECK(has_problem(ps, "/regime/designated_days/selector/0", "weekday"));
}

TEST_CASE("config: an unknown rule id in severity is an error", "[config]")
{
  auto ps = problems_of(R"({"timezone": "Asia/Almaty", "directory": "directory.json",
    "regime": {"severity": {"hours.interagensy": "warning", "planning.lead_time": "loud"}}})");
  INFO(all(ps));
  REQUIRE(ps.size() == 2);
  CHECK(has_problem(ps, "/regime/severity/hours.interagensy", "unknown rule id"));
  CHECK(has_problem(ps, "/regime/severity/hours.interagensy", "did you mean 'hours.interagency'"));
  CHECK(has_problem(ps, "/regime/severity/planning.lead_time", "error, warning, notice, off"));
}

TEST_CASE("config: severities, windows, designated days and lead times are applied", "[config]")
{
  config::Config cfg = config::parse_config(R"({"timezone": "Asia/Almaty", "directory": "directory.json",
    "regime": {"severity": {"planning.lead_time": "off"}, "lead_time_days": 5, "materials_days": 2,
               "max_duration_minutes": 90, "windows": {"interagency": {"start": "10:00", "end": "12:30"}},
               "working_hours": ["08:30", "18:30"],
               "designated_days": {"selector": "tuesday"},
               "transferred_working_days": ["2026-12-19"]}})",
                                            test::demo_dir() / "x.json");
  const calendar::Regime& r = cfg.regime;
  CHECK(r.severity[static_cast<std::size_t>(calendar::RuleId::planning_lead_time)] == calendar::Severity::off);
  CHECK(r.lead_time_days == 5);
  CHECK(r.materials_days == 2);
  CHECK(r.max_duration_minutes == 90);
  CHECK(r.interagency_window.start == 10 * 3600);
  CHECK(r.interagency_window.end == 12 * 3600 + 1800);
  CHECK(r.working_hours.start == 8 * 3600 + 1800);
  REQUIRE(r.selector_days.size() == 1);
  CHECK(r.selector_days[0] == std::chrono::Tuesday);
  CHECK(r.transferred_working_days.size() == 1);
}

TEST_CASE("config: secrets are never inline", "[config]")
{
  auto ps = problems_of(R"({"timezone": "Asia/Almaty", "directory": "directory.json",
    "sources": [{"id": "s", "type": "caldav", "url": "https://dav.example/", "password": "hunter2"}],
    "notices": {"transport": "smtp", "smtp": {"url": "smtp://127.0.0.1:25", "password": "hunter3"}}})");
  INFO(all(ps));
  REQUIRE(ps.size() == 2);
  CHECK(has_problem(ps, "/sources/0/password", "password_file"));
  CHECK(has_problem(ps, "/notices/smtp/password", "password_file"));
  // The secret itself is never repeated in the message.
  CHECK(all(ps).find("hunter") == std::string::npos);
}

TEST_CASE("config: sources are validated", "[config]")
{
  auto ps = problems_of(R"({"timezone": "Asia/Almaty", "directory": "directory.json",
    "sources": [{"id": "a", "type": "caldav"}, {"id": "a", "type": "dir"}, {"type": "ftp", "url": "ftp://x"},
                {"id": "b", "type": "ical", "url": "file:///etc/passwd"}]})");
  INFO(all(ps));
  CHECK(has_problem(ps, "/sources/0", "missing key 'url'"));
  CHECK(has_problem(ps, "/sources/1/id", "duplicate source id 'a'"));
  CHECK(has_problem(ps, "/sources/1", "missing key 'path'"));
  CHECK(has_problem(ps, "/sources/2", "missing key 'id'"));
  CHECK(has_problem(ps, "/sources/2/type", "caldav, ical, dir"));
  CHECK(has_problem(ps, "/sources/3/url", "http:// or https://"));
}

TEST_CASE("config: a CalDAV source's full listing interval is read, hourly by default, and bounded", "[config]")
{
  const config::Config cfg = config::parse_config(
      R"({"timezone": "Asia/Almaty", "directory": "directory.json", "sources": [
        {"id": "a", "type": "caldav", "url": "https://dav.gov.kz/"},
        {"id": "b", "type": "caldav", "url": "https://dav.gov.kz/", "relist_seconds": 0},
        {"id": "c", "type": "caldav", "url": "https://dav.gov.kz/", "relist_seconds": 600}]})",
      test::demo_dir() / "kenes-test.json");
  REQUIRE(cfg.sources.size() == 3);
  CHECK(cfg.sources[0].relist_seconds == 3600);
  CHECK(cfg.sources[1].relist_seconds == 0);
  CHECK(cfg.sources[2].relist_seconds == 600);
  auto ps = problems_of(R"({"timezone": "Asia/Almaty", "directory": "directory.json",
    "sources": [{"id": "a", "type": "caldav", "url": "https://dav.gov.kz/", "relist_seconds": -1}]})");
  CHECK(has_problem(ps, "/sources/0/relist_seconds", "0"));
}

TEST_CASE("config: an unknown time zone is an error", "[config]")
{
  auto ps = problems_of(R"({"timezone": "Asia/Nowhere", "directory": "directory.json"})");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].pointer == "/timezone");
  CHECK_THAT(ps[0].message, Catch::Contains("Asia/Nowhere"));
}

TEST_CASE("config: the directory is required, a missing directory file is named", "[config]")
{
  auto ps = problems_of(R"({"timezone": "Asia/Almaty"})");
  REQUIRE(ps.size() == 1);
  CHECK_THAT(ps[0].message, Catch::Contains("missing key 'directory'"));

  ps = problems_of(R"({"timezone": "Asia/Almaty", "directory": "nope.json"})");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].pointer == "/directory");
  CHECK_THAT(ps[0].message, Catch::Contains("nope.json") && Catch::Contains("no such file"));
}

TEST_CASE("config: problems inside a directory file name that file", "[config]")
{
  test::TempDir dir;
  dir.write("dir.json", R"({"bodies": [{"id": "a", "kind": "ministry", "officials": []}]})");
  auto file = dir.write("kenes.json", R"({"directory": "dir.json"})");
  try {
    config::load_config(file);
    FAIL("no error");
  } catch (const ConfigError& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].file == (dir.path() / "dir.json").string());
    CHECK(e.problems()[0].pointer == "/bodies/0/kind");
    CHECK_THAT(e.problems()[0].message, Catch::Contains("unknown body kind 'ministry'"));
  }
}

TEST_CASE("config: directory errors — duplicate e-mails, unknown ranks, duplicate ids, KSO members", "[config]")
{
  auto ps = problems_of(with_directory(R"({"bodies": [)" + k_body_a + R"(,
      {"id": "b", "kind": "local", "officials": [{"email": "M@A.kz", "rank": "akim"},
                                                  {"email": "x@b.kz", "rank": "vice_minster"},
                                                  {"email": "not-an-email", "rank": "akim"}]},
      {"id": "a", "kind": "central"}],
    "kso": [{"id": "k", "members": ["m@a.kz", "ghost@a.kz"]}]})"));
  INFO(all(ps));
  CHECK(has_problem(ps, "/directory/bodies/1/officials/0/email", "duplicate e-mail 'm@a.kz'"));
  CHECK(has_problem(ps, "/directory/bodies/1/officials/1/rank", "did you mean 'vice_minister'"));
  CHECK(has_problem(ps, "/directory/bodies/1/officials/2/email", "expected an e-mail address"));
  CHECK(has_problem(ps, "/directory/bodies/2/id", "duplicate body id 'a'"));
  CHECK(has_problem(ps, "/directory/kso/0/members/1", "not an official of the directory"));
  CHECK(ps.size() == 5);
}

TEST_CASE("config: an inline directory with a KSO loads", "[config]")
{
  config::Config cfg = config::parse_config(
      with_directory(R"({"bodies": [)" + k_body_a + R"(], "kso": [{"id": "k", "name": "K", "members": ["v@a.kz"]}]})"),
      test::demo_dir() / "x.json");
  REQUIRE(cfg.directory->bodies().size() == 1);
  CHECK(cfg.directory_file.empty());
  auto v = cfg.directory->lookup(calendar::normalize_address("mailto:V@a.kz"));
  REQUIRE(v);
  REQUIRE(v->official != nullptr);
  CHECK(v->official->rank == calendar::Rank::vice_minister);
  REQUIRE(cfg.directory->kso("k") != nullptr);
  CHECK(cfg.directory->kso("k")->members == std::vector<std::string>{"v@a.kz"});
}

TEST_CASE("config: a directory's topics are read by tag and language, a name alone is Russian", "[config][words]")
{
  config::Config cfg = config::parse_config(with_directory(R"({"bodies": [)" + k_body_a + R"(],
    "topics": {"Economy ": {"ru": "экономика", "kk": "экономика", "en": "economy"},
               "tax": "налоги", "health": {"kk": "денсаулық сақтау"}}})"),
                                            test::demo_dir() / "x.json");
  const calendar::Directory& d = *cfg.directory;
  CHECK(d.topic_name("economy", "en") == "economy");
  CHECK(d.topic_name("tax", "kk") == "налоги");    // no Kazakh name: the Russian one
  CHECK(d.topic_name("health", "ru") == "health"); // no Russian name either: the tag
  CHECK(d.topic_name("health", "kk") == "денсаулық сақтау");
  CHECK(d.topic_name("transport", "kk") == "transport"); // not named at all
  CHECK(d.topics_in_words("economy, tax,transport", "kk") == "экономика, налоги, transport");
  // The demo directory names every tag its officials hold, in each language.
  const calendar::Directory& demo = *test::demo_config().directory;
  for (const calendar::Body& b : demo.bodies()) {
    for (const calendar::Official& o : b.officials) {
      for (const std::string& tag : o.competence) {
        for (const char* lang : {"ru", "kk", "en"}) {
          INFO(tag << " " << lang);
          REQUIRE(demo.topics().contains(tag));
          CHECK(demo.topics().at(tag).contains(lang));
        }
      }
    }
  }
  CHECK(demo.topic_name("economy", "kk") == "экономика");

  auto ps = problems_of(with_directory(R"({"bodies": [)" + k_body_a + R"(], "topics": {"tax": {"kz": "салық"}}})"));
  INFO(all(ps));
  CHECK(has_problem(ps, "/directory/topics/tax/kz", "unknown language 'kz'"));
}

TEST_CASE("config: a topic's or a body's name of the wrong type is refused with its file and pointer, as is a "
          "name in an unknown language or a topic named twice",
          "[config][words]")
{
  const std::string wrong = with_directory(R"({"bodies": [)" + k_body_a + R"(], "topics": {"budget": 5}})");
  CHECK_THROWS_WITH(config::parse_config(wrong, "/etc/kenes/kenes.json"),
                    "/etc/kenes/kenes.json: /directory/topics/budget: expected a name or names by language (ru, kk, "
                    "en), got an integer");
  std::string body = k_body_a;
  body.replace(body.find(R"("name": "A")"), 11, R"("name": {"ru": "А", "de": "A"})");
  const std::string text = with_directory(R"({"bodies": [)" + body + R"(], "topics": {"budget": 5, "tax": {"ru": 5},
    "health": ["здоровье"], "Economy": "экономика", "economy ": "экономика"}})");
  auto ps = problems_of(text);
  INFO(all(ps));
  CHECK(ps.size() == 5);
  CHECK(
      has_problem(ps, "/directory/topics/budget", "expected a name or names by language (ru, kk, en), got an integer"));
  CHECK(has_problem(ps, "/directory/topics/tax/ru", "expected a string, got an integer"));
  CHECK(has_problem(ps, "/directory/topics/health", "expected a name or names by language (ru, kk, en), got an array"));
  CHECK(has_problem(ps, "/directory/topics/economy ", "duplicate topic 'economy'"));
  CHECK(has_problem(ps, "/directory/bodies/0/name/de", "unknown language 'de'"));
}

TEST_CASE("config: busy blocks, representation table and lexicon are read", "[config]")
{
  config::Config cfg = config::parse_config(R"({"timezone": "Asia/Almaty", "directory": "directory.json",
    "regime": {"busy_blocks": [{"label": "Заседание Правительства", "weekdays": ["tuesday"],
                                "start": "10:00", "end": "12:00", "ranks": ["minister"]}],
               "representation": [{"chair": ["prime_minister"], "central": ["minister"], "local": "*"}],
               "lexicon": {"kind": {"selector": ["селектор", "Селекторное"]}}}})",
                                            test::demo_dir() / "x.json");
  const calendar::Regime& r = cfg.regime;
  REQUIRE(r.busy_blocks.size() == 1);
  CHECK(r.busy_blocks[0].window.start == 10 * 3600);
  CHECK(r.busy_blocks[0].ranks == std::vector<calendar::Rank>{calendar::Rank::minister});
  REQUIRE(r.representation.size() == 1);
  CHECK(r.representation[0].any_local);
  CHECK_FALSE(r.representation[0].any_central);
  bool found = false;
  for (const auto& [kind, words] : r.lexicon.kind) {
    if (kind == calendar::Kind::selector) {
      found = true;
      CHECK(words == std::vector<std::string>{"селектор", "селекторное"});
    }
  }
  CHECK(found);

  auto ps = problems_of(R"({"timezone": "Asia/Almaty", "directory": "directory.json",
    "regime": {"busy_blocks": [{"weekdays": ["tuesday"], "start": "12:00", "end": "10:00"}],
               "representation": [{"chair": [], "central": ["generalissimo"]}]}})");
  INFO(all(ps));
  CHECK(has_problem(ps, "/regime/busy_blocks/0", "start before end"));
  CHECK(has_problem(ps, "/regime/representation/0/chair", "non-empty"));
  CHECK(has_problem(ps, "/regime/representation/0/central/0", "unknown rank 'generalissimo'"));
}

TEST_CASE("config: every problem is reported at once, not only the first", "[config]")
{
  auto ps = problems_of(R"({"timezone": 5, "directory": "directory.json", "admin": {"listen": "8080"},
    "notices": {"transport": "pigeon", "language": "fr"}, "vks": {"link_template": 7}})");
  INFO(all(ps));
  CHECK(has_problem(ps, "/timezone", "expected a string"));
  CHECK(has_problem(ps, "/admin/listen", "ADDRESS:PORT"));
  CHECK(has_problem(ps, "/notices/transport", "spool, smtp"));
  CHECK(has_problem(ps, "/notices/language", "ru, kk, en"));
  CHECK(has_problem(ps, "/vks/link_template", "expected a string"));
}

TEST_CASE("config: the vks link host counts as a video-conference host", "[config]")
{
  config::Config cfg = config::parse_config(R"({"timezone": "Asia/Almaty", "directory": "directory.json",
    "vks": {"link_template": "https://VKS.gov.kz/room/{uid}", "hosts": ["meet.gov.kz"]}})",
                                            test::demo_dir() / "x.json");
  CHECK(cfg.regime.video_hosts == std::vector<std::string>{"meet.gov.kz", "vks.gov.kz"});
}

TEST_CASE("config: report publishing is read, and a bad URL, format or inline secret names its pointer",
          "[config][report]")
{
  auto cfg = config::parse_config(R"({"timezone": "Asia/Almaty", "directory": "directory.json",
    "report": {"publish_url": "https://dav.ipgo.kz/library/", "format": "json", "username": "kenes",
               "password_file": "secrets/ipgo", "timeout_seconds": 20}})",
                                  test::demo_dir() / "kenes-test.json");
  CHECK(cfg.report.publish_url == "https://dav.ipgo.kz/library/");
  CHECK(cfg.report.format == "json");
  CHECK(cfg.report.username == "kenes");
  CHECK(cfg.report.password_file == test::demo_dir() / "secrets/ipgo");
  CHECK(cfg.report.timeout_seconds == 20);
  CHECK(cfg.report.check_interval_seconds == 3600);

  auto defaults = config::parse_config(R"({"directory": "directory.json"})", test::demo_dir() / "kenes-test.json");
  CHECK(defaults.report.publish_url.empty());
  CHECK(defaults.report.format == "xlsx");

  auto ps = problems_of(R"({"timezone": "Asia/Almaty", "directory": "directory.json",
    "report": {"publish_url": "ftp://dav.ipgo.kz/", "format": "pdf", "password": "x", "timeout_seconds": 0}})");
  INFO(all(ps));
  CHECK(ps.size() == 4);
  CHECK(has_problem(ps, "/report/publish_url", "http:// or https://"));
  CHECK(has_problem(ps, "/report/format", "html, csv, json, xlsx"));
  CHECK(has_problem(ps, "/report/password", "password_file"));
  CHECK(has_problem(ps, "/report/timeout_seconds", "1"));

  auto both = problems_of(R"({"directory": "directory.json",
    "report": {"publish_url": "https://x/", "password_file": "a", "token_file": "b"}})");
  CHECK(has_problem(both, "/report", "not both"));
}

TEST_CASE("config example: the Parliament's plenary days load and make ministers busy on Wednesday and Thursday "
          "mornings (rec. ch.1, table)",
          "[config][busy]")
{
  using calendar::RuleId;
  config::Config example = config::load_config(test::source_dir() / "config/examples/parliament-plenary.json");
  REQUIRE(example.regime.busy_blocks.size() == 2);
  // A minister's own meeting (with their vice minister) at 10:30-11:30; the label of the block that
  // makes them busy, or "" when none does.
  auto busy_label = [&](const std::string& day, const std::string& chair, const calendar::Regime& regime) {
    test::EventSpec s;
    s.start = day + "T103000";
    s.end = day + "T113000";
    s.organizer = chair;
    s.attendees = {"mailto:vice.minister29@health.gov.kz"};
    test::CheckRun run = test::check_text(test::event_ics(s), "2026-11-24T09:00", &regime);
    REQUIRE(run.meetings.size() == 1);
    std::string label;
    for (const calendar::Finding& f : run.meetings.front().findings) {
      if (f.rule == RuleId::conflict_busy) {
        CHECK(f.severity == calendar::Severity::warning);
        label = f.args.b;
      }
    }
    return label;
  };
  const std::string minister = "minister28@health.gov.kz";
  CHECK(busy_label("20261209", minister, example.regime) == "Пленарное заседание Мажилиса Парламента"); // Wed
  CHECK(busy_label("20261210", minister, example.regime) == "Пленарное заседание Сената Парламента");   // Thu
  CHECK(busy_label("20261211", minister, example.regime).empty());                                      // Fri
  CHECK(busy_label("20261209", "deputy.prime.minister3@primeminister.kz", example.regime) ==
        "Пленарное заседание Мажилиса Парламента");
  // Vice ministers are not in the blocks; the afternoon is free.
  CHECK(busy_label("20261209", "vice.minister29@health.gov.kz", example.regime).empty());
  test::EventSpec afternoon;
  afternoon.start = "20261209T140000";
  afternoon.end = "20261209T150000";
  afternoon.organizer = minister;
  afternoon.attendees = {"mailto:vice.minister29@health.gov.kz"};
  CHECK_FALSE(test::has_rule(test::check_one(afternoon, "2026-11-24T09:00", &example.regime), RuleId::conflict_busy));
  // Off by default: neither kenes's defaults nor the demo config have the blocks.
  config::Config demo = config::load_config(test::demo_dir() / "kenes.json");
  CHECK(calendar::Regime().busy_blocks.empty());
  CHECK(busy_label("20261209", minister, demo.regime).empty());
  CHECK(busy_label("20261210", minister, demo.regime).empty());
}

TEST_CASE("config: the demo's representation table is kenes's default but for the Head of the Government Office's "
          "row (order p.2 sp.3, config/demo/README.md)",
          "[config][demo]")
{
  using calendar::Rank;
  // The defaults, with the Head of the Government Office taken out of the Deputy PMs' row and given
  // the demo's row of heads of staff before it.
  std::vector<calendar::RepresentationRow> expected = calendar::default_representation();
  for (calendar::RepresentationRow& row : expected) {
    std::erase(row.chair, Rank::head_of_government_office);
  }
  expected.insert(
      expected.begin() + 2,
      calendar::RepresentationRow{
          {Rank::head_of_government_office}, std::nullopt, {Rank::head_of_staff}, false, {Rank::head_of_staff}, false});
  auto fields = [](const calendar::RepresentationRow& r) {
    return std::tie(r.chair, r.speaker, r.central, r.any_central, r.local, r.any_local);
  };
  config::Config demo_config = config::load_config(test::demo_dir() / "kenes.json");
  const auto& demo = demo_config.regime.representation;
  REQUIRE(demo.size() == expected.size());
  for (std::size_t i = 0; i < demo.size(); ++i) {
    INFO("row " << i);
    CHECK(fields(demo[i]) == fields(expected[i]));
  }
}
