// The Friday series of issue 21 (tests/support/series_fixture.hpp) through `kenesd check --json`
// and `kenesd sync --once` with the spool, the clock fixed between occurrences (SPEC §3 "Past and
// future", "Versions"; §10).
#include "support/series_fixture.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

using namespace kenes;
using namespace kenes::test;
using nlohmann::json;

namespace {

const std::string k_now_iso = "2026-12-21T12:00:00+05:00";

// A config with the demo directory and holidays, a dir source of `ics` and the spool.
struct Setup
{
  TempDir dir;
  std::filesystem::path config;

  explicit Setup(const std::string& ics, const std::string& enforcement = "hold")
  {
    std::filesystem::copy_file(demo_dir() / "directory.json", dir.path() / "directory.json");
    std::filesystem::create_directories(dir.path() / "calendars");
    std::filesystem::create_directories(dir.path() / "spool"); // kenesd never makes a spool_dir
    dir.write("calendars/series.ics", ics);
    config = dir.write("kenes.json", R"({"timezone": "Asia/Almaty", "directory": "directory.json",
        "state_dir": "state", "sources": [{"id": "s", "type": "dir", "path": "calendars"}],
        "regime": {"holidays": ["2026-12-16", "2026-12-17", "2027-01-01", "2027-01-02", "2027-01-07"]},
        "notices": {"transport": "spool", "spool_dir": "spool", "adopt": "none", "enforcement": ")" +
                                         enforcement + R"(", "from": "kenes@kenes.gov.kz"}})");
  }

  ProcessResult kenesd(std::vector<std::string> args) const
  {
    args.insert(args.begin(), {kenesd_binary(), "--config", config.string()});
    return run_process(args);
  }

  json check(const std::string& now = k_now_iso, int expected_exit = 0) const
  {
    ProcessResult r = kenesd({"check", "--json", "--now", now, (dir.path() / "calendars/series.ics").string()});
    INFO(r.err);
    CHECK(r.exit_code == expected_exit);
    json doc = json::parse(r.out);
    REQUIRE(doc.at("meetings").size() == 1);
    return doc.at("meetings").at(0);
  }

  std::vector<json> sync(const std::string& now = k_now_iso) const
  {
    ProcessResult r = kenesd({"sync", "--once", "--now", now});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return read_imip(eml_files(dir.path() / "spool"));
  }

  // The calendar replaced by `ics`, one `sync --once` at `now`: the messages it added to the spool.
  std::vector<json> step(const std::string& ics, const std::string& now)
  {
    dir.write("calendars/series.ics", ics);
    ProcessResult r = kenesd({"sync", "--once", "--now", now});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return read_imip(new_eml_files(dir.path() / "spool", seen));
  }

  // `email`'s calendar (the directory's `calendars`) is the folder `folder`, synced as a source
  // of its own: the events written there make them busy.
  void busy_calendar(const std::string& email, const std::string& folder)
  {
    const std::filesystem::path busy = dir.path() / folder;
    std::filesystem::create_directories(busy);
    json directory = json::parse(slurp(dir.path() / "directory.json"));
    for (json& body : directory.at("bodies")) {
      for (json& o : body.at("officials")) {
        if (o.at("email") == email) {
          o["calendars"] = {busy.string()};
        }
      }
    }
    dir.write("directory.json", directory.dump(1));
    json settings = json::parse(slurp(config));
    settings.at("sources").push_back({{"id", "busy"}, {"type", "dir"}, {"path", folder}});
    dir.write("kenes.json", settings.dump(1));
  }

  std::set<std::filesystem::path> seen; // the spool's messages `step` returned
};

std::vector<std::string> addresses(const json& list, const char* field)
{
  std::vector<std::string> out;
  for (const json& i : list) {
    out.push_back(i.at(field).get<std::string>());
  }
  return out;
}

std::vector<std::string> of_kind(const std::vector<json>& messages, const std::string& method)
{
  std::vector<std::string> out;
  for (const json& m : messages) {
    if (m.at("method").is_string() && m.at("method") == method) {
      std::string to = m.at("to").get<std::string>(); // "\"Name\" <address>"
      auto lt = to.rfind('<');
      out.push_back(lt == std::string::npos ? to : to.substr(lt + 1, to.size() - lt - 2));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

const json* warning(const std::vector<json>& messages)
{
  for (const json& m : messages) {
    if (m.at("method").is_null()) {
      return &m;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("check --json: a series' past occurrence keeps its finding with past true, the verdict and the exit code "
          "come from what is ahead (SPEC §3, §10)",
          "[e2e][series][process]")
{
  Setup s(friday_series_ics(SeriesVariant::plain));
  json m = s.check();
  CHECK(m.at("verdict") == "ok");
  bool moved = false;
  for (const json& f : m.at("findings")) {
    REQUIRE(f.contains("past"));
    if (f.at("rule") == "hours.interagency") {
      moved = true;
      CHECK(f.at("occurrence") == "2026-12-11T15:00:00+05:00");
      CHECK(f.at("past") == true);
    } else {
      CHECK(f.at("past") == false);
    }
  }
  CHECK(moved);
  CHECK(m.at("suggested_slots").empty());
  // Before the moved occurrence it decides: invalid, exit 1.
  m = s.check("2026-12-10T09:00:00+05:00", 1);
  CHECK(m.at("verdict") == "invalid");
}

TEST_CASE("check --json: each override's invitations and dropped under versions, nobody invited and dropped in one "
          "version (SPEC §3 Versions, §10)",
          "[e2e][series][process]")
{
  Setup s(friday_series_ics(SeriesVariant::other_representative));
  json m = s.check();
  CHECK(addresses(m.at("invitations"), "to") == std::vector<std::string>{"mailto:vice.minister16@economy.gov.kz"});
  CHECK(m.at("dropped").empty());
  REQUIRE(m.at("versions").size() == 3);
  const json& moved = m.at("versions").at(0);
  CHECK(moved.at("recurrence_id") == "2026-12-11T10:00:00+05:00");
  CHECK(addresses(moved.at("invitations"), "to") == std::vector<std::string>{"mailto:vice.minister16@economy.gov.kz"});
  const json& other = m.at("versions").at(1);
  CHECK(other.at("recurrence_id") == "2026-12-25T10:00:00+05:00");
  CHECK(addresses(other.at("invitations"), "to") == std::vector<std::string>{"mailto:vice.minister17@economy.gov.kz"});
  CHECK(addresses(other.at("dropped"), "attendee") ==
        std::vector<std::string>{"mailto:vice.minister16@economy.gov.kz"});
  CHECK(other.at("dropped").at(0).at("rule") == "attendance.one_per_body");
  const json& cancelled = m.at("versions").at(2);
  CHECK(cancelled.at("recurrence_id") == "2027-01-08T10:00:00+05:00");
  CHECK(cancelled.at("invitations").empty());
  CHECK(m.at("verdict") == "warning");
}

TEST_CASE("sync --once: a series whose moved occurrence is over is not held, the representative is invited and the "
          "organizer is not warned about the past (SPEC §3, §5)",
          "[e2e][series][process]")
{
  Setup s(friday_series_ics(SeriesVariant::plain));
  std::vector<json> sent = s.sync();
  CHECK(of_kind(sent, "REQUEST") == std::vector<std::string>{"vice.minister16@economy.gov.kz"});
  CHECK(warning(sent) == nullptr);
  // The REQUEST carries the series with its overrides but not the cancelled one's occurrence.
  for (const json& m : sent) {
    if (m.at("method") == "REQUEST") {
      CHECK(m.at("events").size() == 4);
    }
  }
}

TEST_CASE("sync --once: without CREATED, lead time fires only on what was ahead at first sight, the warning names "
          "no past occurrence and links the organizers' guide (SPEC §3, §4, §5)",
          "[e2e][series][process]")
{
  Setup s(friday_series_ics(SeriesVariant::no_created));
  std::vector<json> sent = s.sync();
  CHECK(of_kind(sent, "REQUEST") == std::vector<std::string>{"vice.minister16@economy.gov.kz"});
  const json* w = warning(sent);
  REQUIRE(w);
  const std::string text = w->at("text").get<std::string>();
  INFO(text);
  CHECK(text.find("Заблаговременное планирование") != std::string::npos); // planning.lead_time
  CHECK(text.find("planning.lead_time") == std::string::npos);
  CHECK(text.find("2026-12-25 10:00: ") != std::string::npos);
  CHECK(text.find("Время межведомственных совещаний") == std::string::npos); // hours.interagency
  CHECK(text.find("2026-12-04 10:00: ") == std::string::npos);
  CHECK(text.find("2026-12-11") == std::string::npos);
  CHECK(text.find("docs/organizers.md") != std::string::npos);
  CHECK(text.find("отправлены.") != std::string::npos); // not held
}

TEST_CASE("sync --once: an override's own representative is invited, and the one it drops is not (SPEC §3 Versions, "
          "§5)",
          "[e2e][series][process]")
{
  Setup s(friday_series_ics(SeriesVariant::other_representative));
  std::vector<json> sent = s.sync();
  CHECK(of_kind(sent, "REQUEST") ==
        std::vector<std::string>{"vice.minister16@economy.gov.kz", "vice.minister17@economy.gov.kz"});
  const json* w = warning(sent);
  REQUIRE(w);
  const std::string text = w->at("text").get<std::string>();
  INFO(text);
  // Who, which body, why and who instead, in words (issue 25); the override by its occurrence.
  CHECK(text.find("attendance.one_per_body") == std::string::npos);
  CHECK(text.find("- 2026-12-25 10:00: Тулегенова Т.Д. (Министерство национальной экономики) не приглашается: от "
                  "органа приглашается один представитель — Утебаева Е.А.\n") != std::string::npos);
}

TEST_CASE("sync --once: each representative's REQUEST carries the versions they are invited to, each VEVENT with "
          "its own version's ATTENDEEs (SPEC §3 Versions, §5, RFC 5546 §3.2.2)",
          "[e2e][series][process][itip]")
{
  Setup s(friday_series_ics(SeriesVariant::other_representative));
  std::vector<json> sent = s.sync();
  const std::string chair = "mailto:vice.minister8@minfin.gov.kz";
  const std::string v16 = "mailto:vice.minister16@economy.gov.kz";
  const std::string v17 = "mailto:vice.minister17@economy.gov.kz";
  std::map<std::string, const json*> requests;
  for (const json& m : sent) {
    if (m.at("method").is_string() && m.at("method") == "REQUEST") {
      const std::string to = m.at("to").get<std::string>();
      requests[to.substr(to.rfind('<') + 1, to.rfind('>') - to.rfind('<') - 1)] = &m;
    }
  }
  REQUIRE(requests.size() == 2);
  auto attendees = [](const json& ev) {
    std::vector<std::string> out;
    for (const json& a : ev.at("attendees")) {
      std::string v = a.get<std::string>();
      std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      out.push_back(v);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  // The override's own representative: that override alone, with them and the chair.
  const json& other = *requests.at("vice.minister17@economy.gov.kz");
  REQUIRE(other.at("events").size() == 1);
  const json& override_1225 = other.at("events").at(0);
  CHECK(override_1225.at("recurrence_id").get<std::string>().rfind("20261225T100000", 0) == 0);
  CHECK(attendees(override_1225) == std::vector<std::string>{v17, chair});
  // Its text names that occurrence (written in Asia/Tashkent, also +05), not the series' first.
  CHECK(other.at("text").get<std::string>().find("2026-12-25 10:00") != std::string::npos);
  // The master's: every VEVENT but the override they were dropped from, which the master excludes.
  const json& master_rep = *requests.at("vice.minister16@economy.gov.kz");
  const json* master = nullptr;
  for (const json& ev : master_rep.at("events")) {
    INFO(ev.dump());
    CHECK(attendees(ev) == std::vector<std::string>{v16, chair});
    CHECK((ev.at("recurrence_id").is_null() ||
           ev.at("recurrence_id").get<std::string>().rfind("20261225T100000", 0) != 0));
    if (ev.at("recurrence_id").is_null()) {
      master = &ev;
    }
  }
  REQUIRE(master);
  const json exdates = master->at("exdates");
  CHECK(std::find(exdates.begin(), exdates.end(), "20261225T100000") != exdates.end());
  CHECK(std::find(exdates.begin(), exdates.end(), "20270101T100000") != exdates.end());
}

TEST_CASE("check and sync: one body's attestation commission is internal, no KSO Thursday (SPEC §3 one body alone)",
          "[e2e][process]")
{
  EventSpec e;
  e.uid = "attestation";
  e.start = "20261225T150000"; // a Friday afternoon: no day or hours rule for an internal meeting
  e.end = "20261225T160000";
  e.summary = "Заседание аттестационной комиссии";
  e.organizer = "deputy.akim50@astana.gov.kz";
  e.attendees = {"mailto:head.of.department53@astana.gov.kz", "mailto:head.of.department54@astana.gov.kz"};
  e.extra = {"ATTACH:https://x/a"};
  Setup s(event_ics(e));
  json m = s.check();
  CHECK(m.at("kind") == "internal");
  CHECK(m.at("verdict") == "ok");
  CHECK(m.at("findings").empty());
  std::vector<json> sent = s.sync();
  CHECK(warning(sent) == nullptr);
}

namespace {

// A Friday series of 2027 as a ministry keeps one (WeeklySeries, open-ended, 10:00 in Almaty),
// begun twelve weeks before `k_weekly_now` (Monday 2027-04-12 12:00, between week 12 and 13),
// with a moved override in the past (week 5) and a cancelled occurrence ahead (week 14).
const std::string k_weekly_now = "2027-04-12T12:00:00+05:00";
const std::string k_rep = "vice.minister16@economy.gov.kz";
const std::string k_other_rep = "vice.minister17@economy.gov.kz";
const std::string k_x = "vice.minister24@edu.gov.kz";

WeeklySeries weekly_2027(const std::string& uid)
{
  WeeklySeries s;
  s.uid = uid;
  s.first = "20270115T050000Z";
  s.attendees = {"mailto:" + k_rep};
  s.moved = {{5, 1, {}}};
  s.cancelled = {14};
  return s;
}

// The RECURRENCE-IDs of one message's VEVENTs as "YYYYMMDDTHHMMSS", sorted ("" for the master).
std::vector<std::string> recurrence_ids(const json& message)
{
  std::vector<std::string> out;
  for (const json& ev : message.at("events")) {
    out.push_back(ev.at("recurrence_id").is_null() ? "" : ev.at("recurrence_id").get<std::string>().substr(0, 15));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// An hour of k_rep's own calendar at week `week` of `s`, `hours` after its start: busy then.
std::string busy_at(const WeeklySeries& s, int week, int hours)
{
  EventSpec b;
  b.uid = "busy-" + std::to_string(week);
  b.summary = "Приём граждан";
  b.start = series_week(s, week, hours);
  b.end = series_week(s, week, hours + 1);
  b.organizer = k_rep;
  return event_ics(b);
}

const json* message_to(const std::vector<json>& messages, const std::string& method, const std::string& address)
{
  for (const json& m : messages) {
    if (m.at("method").is_string() && m.at("method") == method &&
        m.at("to").get<std::string>().find("<" + address + ">") != std::string::npos) {
      return &m;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("sync --once: a series' representative replaced more than the horizon after the state was written gets "
          "one CANCEL, though a past override still chose them (SPEC §5, open-ended until)",
          "[e2e][series][process][notices]")
{
  // Week 18 (2027-05-21) is an override that lists the master's representative by name.
  WeeklySeries s = weekly_2027("open-series");
  s.moved.push_back({18, 1, {"mailto:" + k_rep}});
  Setup setup(weekly_series_ics(s));
  std::vector<json> first = setup.step(weekly_series_ics(s), k_weekly_now);
  CHECK(of_kind(first, "REQUEST") == std::vector<std::string>{k_rep});
  // Nothing changes for fourteen weeks, more than the 90 days of the horizon the state was
  // written with; then the master's representative is replaced. Week 18 is over and still
  // chooses them, but the series they have in their calendar goes on.
  s.attendees = {"mailto:" + k_other_rep};
  std::vector<json> replaced = setup.step(weekly_series_ics(s), "2027-07-19T12:00:00+05:00");
  CHECK(of_kind(replaced, "REQUEST") == std::vector<std::string>{k_other_rep});
  CHECK(of_kind(replaced, "CANCEL") == std::vector<std::string>{k_rep});
  const json* cancel = message_to(replaced, "CANCEL", k_rep);
  REQUIRE(cancel);
  CHECK(recurrence_ids(*cancel).front().empty()); // the series: the master's VEVENT
}

TEST_CASE("sync --once: a cancelled override's CANCEL goes to those its VEVENT listed, not to one invited only to "
          "another override (SPEC §5, RFC 5546 §3.2.5)",
          "[e2e][series][process][notices]")
{
  // Override A (week 15, ahead) invites X alone; override B (week 17, ahead) is moved with the
  // master's representative.
  WeeklySeries s = weekly_2027("override-cancel");
  s.moved.push_back({15, 1, {"mailto:" + k_x}});
  s.moved.push_back({17, 1, {}});
  Setup setup(weekly_series_ics(s));
  std::vector<json> first = setup.step(weekly_series_ics(s), k_weekly_now);
  CHECK(of_kind(first, "REQUEST") == std::vector<std::string>{k_rep, k_x});

  // B cancelled: its CANCEL to the master's representative, B alone; nothing to X.
  s.moved.pop_back();
  s.cancelled.push_back(17);
  std::vector<json> b = setup.step(weekly_series_ics(s), k_weekly_now);
  CHECK(of_kind(b, "REQUEST").empty());
  CHECK(of_kind(b, "CANCEL") == std::vector<std::string>{k_rep});
  if (const json* cancel = message_to(b, "CANCEL", k_rep)) {
    CHECK(recurrence_ids(*cancel) == std::vector<std::string>{series_week(s, 17).substr(0, 15)});
  }

  // A cancelled: X, invited to nothing else, is told; the master's representative, whose
  // calendar has A taken out by an EXDATE, gets nothing.
  s.moved.pop_back();
  s.cancelled.push_back(15);
  std::vector<json> a = setup.step(weekly_series_ics(s), k_weekly_now);
  CHECK(of_kind(a, "REQUEST").empty());
  CHECK(of_kind(a, "CANCEL") == std::vector<std::string>{k_x});
  if (const json* cancel = message_to(a, "CANCEL", k_x)) {
    const std::vector<std::string> ids = recurrence_ids(*cancel);
    CHECK(std::find(ids.begin(), ids.end(), series_week(s, 15).substr(0, 15)) != ids.end());
  }
}

TEST_CASE("sync --once: an override that chooses someone else, its text the same, cancels that occurrence for the one "
          "it dropped and invites the one it chose, once (SPEC §5, a representative busy now)",
          "[e2e][series][process][notices]")
{
  // Week 16 (ahead) and week 6 (over) list both vice-ministers of economy: of the same rank and
  // no topic, the directory's order chooses the master's representative (16) while both are
  // free. Week 15 invites the other (17) alone, so 17 is invited before the change. 16's
  // calendar is a folder synced as a source of its own.
  WeeklySeries s = weekly_2027("relisted");
  s.moved.push_back({6, 1, {"mailto:" + k_rep, "mailto:" + k_other_rep}});
  s.moved.push_back({15, 1, {"mailto:" + k_other_rep}});
  s.moved.push_back({16, 1, {"mailto:" + k_rep, "mailto:" + k_other_rep}});
  Setup setup(weekly_series_ics(s));
  setup.busy_calendar(k_rep, "busy16");
  std::vector<json> first = setup.step(weekly_series_ics(s), k_weekly_now);
  CHECK(of_kind(first, "REQUEST") == std::vector<std::string>{k_rep, k_other_rep});

  // 16 is busy at weeks 16 and 6 now: those overrides choose 17, the master still 16 (whom it
  // lists alone). The event is the same.
  setup.dir.write("busy16/w16.ics", busy_at(s, 16, 1));
  setup.dir.write("busy16/w6.ics", busy_at(s, 6, 1));
  const std::string later = "2027-04-13T12:00:00+05:00";
  std::vector<json> busy_now = setup.step(weekly_series_ics(s), later);
  CHECK(of_kind(busy_now, "CANCEL") == std::vector<std::string>{k_rep});
  CHECK(of_kind(busy_now, "REQUEST") == std::vector<std::string>{k_other_rep});
  const std::vector<std::string> week16{series_week(s, 16).substr(0, 15)};
  if (const json* cancel = message_to(busy_now, "CANCEL", k_rep)) {
    CHECK(recurrence_ids(*cancel) == week16);
  }
  if (const json* request = message_to(busy_now, "REQUEST", k_other_rep)) {
    CHECK(recurrence_ids(*request) == week16);
  }
  // Nothing again.
  std::vector<json> again = setup.step(weekly_series_ics(s), later);
  CHECK(of_kind(again, "CANCEL").empty());
  CHECK(of_kind(again, "REQUEST").empty());
}

TEST_CASE("sync --once: a master that chooses someone else, its text the same, cancels the series for the one it "
          "dropped and invites them again to their override, and invites the one it chose to it (SPEC §5)",
          "[e2e][series][process][notices]")
{
  // The master lists both vice-ministers of economy (16 chosen while both are free), week 16
  // (ahead) 16 alone, week 15 17 alone. 16's calendar is a folder synced as a source of its own.
  WeeklySeries s = weekly_2027("master-relisted");
  s.attendees = {"mailto:" + k_rep, "mailto:" + k_other_rep};
  s.moved.push_back({15, 1, {"mailto:" + k_other_rep}});
  s.moved.push_back({16, 1, {"mailto:" + k_rep}});
  Setup setup(weekly_series_ics(s));
  setup.busy_calendar(k_rep, "busy16");
  std::vector<json> first = setup.step(weekly_series_ics(s), k_weekly_now);
  CHECK(of_kind(first, "REQUEST") == std::vector<std::string>{k_rep, k_other_rep});

  // 16 is busy at week 13, the master's next occurrence: the master chooses 17 now. The event is
  // the same.
  setup.dir.write("busy16/w13.ics", busy_at(s, 13, 0));
  const std::string later = "2027-04-13T12:00:00+05:00";
  std::vector<json> busy_now = setup.step(weekly_series_ics(s), later);
  // 16: the series cancelled, then week 16 alone; 17: the master and week 15.
  CHECK(of_kind(busy_now, "CANCEL") == std::vector<std::string>{k_rep});
  CHECK(of_kind(busy_now, "REQUEST") == std::vector<std::string>{k_rep, k_other_rep});
  if (const json* cancel = message_to(busy_now, "CANCEL", k_rep)) {
    const std::vector<std::string> ids = recurrence_ids(*cancel);
    CHECK(std::find(ids.begin(), ids.end(), "") != ids.end());
  }
  if (const json* request = message_to(busy_now, "REQUEST", k_rep)) {
    // Their overrides (week 5, over, chose them too: the CANCEL took it out of their calendar).
    CHECK(recurrence_ids(*request) ==
          std::vector<std::string>{series_week(s, 5).substr(0, 15), series_week(s, 16).substr(0, 15)});
  }
  if (const json* request = message_to(busy_now, "REQUEST", k_other_rep)) {
    const std::vector<std::string> ids = recurrence_ids(*request);
    CHECK(std::find(ids.begin(), ids.end(), "") != ids.end());
    CHECK(std::find(ids.begin(), ids.end(), series_week(s, 15).substr(0, 15)) != ids.end());
  }
  // The CANCEL goes before the REQUEST that follows it.
  auto at = [&](const std::string& method) {
    return std::find_if(busy_now.begin(), busy_now.end(), [&](const json& m) {
      return m.at("method") == method && m.at("to").get<std::string>().find(k_rep) != std::string::npos;
    });
  };
  CHECK(at("CANCEL") < at("REQUEST"));
  // Nothing again.
  std::vector<json> again = setup.step(weekly_series_ics(s), later);
  CHECK(of_kind(again, "CANCEL").empty());
  CHECK(of_kind(again, "REQUEST").empty());
}
