// End to end: the real kenesd binary on the demo config and calendars of config/demo/ (see its
// README for what each file shows). `check --json` is run once and its output read by every test.
#include "support/test_support.hpp"

#include "calendar/finding.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

using namespace kenes;
using namespace kenes::test;
using nlohmann::json;

namespace {

const std::string k_now = "2026-11-24T09:00:00+05:00";

// UIDs of the demo meetings (config/demo/make_calendars.py).
const std::string k_minfin_ok =
    "040000008200E00074C5B7101A82E008000000001A2B3C4D5E6FDB01000000000000000010000000A1B2C3D4";
const std::string k_utc = "8f3c1e0a-5b7d-4e2a-9c41-6d2f0b9a7e13@calendar.yandex.ru";
const std::string k_dpm_evening =
    "040000008200E00074C5B7101A82E00800000000C0FFEE11D3A2DB01000000000000000010000000DEADBEEF";
const std::string k_astana_heating = "b7a1f0c2-3e4d-4f5a-8b6c-7d8e9f0a1b2c";
const std::string k_budget_commission = "5E3B7C1A-9D2F-4A8B-B6E0-1F2C3D4E5F60";
const std::string k_selector_ok = "A9C8E7D6-5B4A-4392-8170-6F5E4D3C2B1A";
const std::string k_hgo = "040000008200E00074C5B7101A82E00800000000B16B00B5AB12DB01000000000000000010000000FACEFEED";
const std::string k_digital = "3d9e7c51-0f2a-4b86-a1d4-58c2e6f7a9b0";
const std::string k_collegium = "C0LL-2027-01-12-MZ-7F3A9E21";
const std::string k_saturday = "6q3b9c1d2e4f5g7h8i0j1k2l3m@google.com";
const std::string k_school_meals =
    "040000008200E00074C5B7101A82E008000000005EED5EEDFE15DB01000000000000000010000000CAFED00D";
const std::string k_karaganda_ok = "c41e2a77-8d9b-4f10-b3e5-0a6c9d2f4e81@calendar.yandex.ru";
const std::string k_cancelled = "0t9r8e7w6q5a4s3d2f1g0h9j8k@google.com";
const std::string k_dpm_off_portfolio =
    "040000008200E00074C5B7101A82E00800000000D1A6E0C3F7A9DB01000000000000000010000000ED0C0DE5";

std::string demo_config_file()
{
  return (demo_dir() / "kenes.json").string();
}

struct DemoRun
{
  ProcessResult process;
  json doc;
};

// `kenesd --config config/demo/kenes.json check --json --now … config/demo/calendars`, once.
const DemoRun& demo_run()
{
  static const DemoRun run = [] {
    DemoRun r;
    r.process = run_process({kenesd_binary(), "--config", demo_config_file(), "check", "--json", "--now", k_now,
                             (demo_dir() / "calendars").string()});
    r.doc = json::parse(r.process.out);
    return r;
  }();
  return run;
}

const json& meeting(const std::string& uid)
{
  for (const json& m : demo_run().doc.at("meetings")) {
    if (m.at("uid") == uid) {
      return m;
    }
  }
  FAIL("no meeting with UID " << uid << " in the output of kenesd check");
  throw std::logic_error("unreachable");
}

std::multiset<std::string> rules(const json& m)
{
  std::multiset<std::string> out;
  for (const json& f : m.at("findings")) {
    out.insert(f.at("rule").get<std::string>());
  }
  return out;
}

std::vector<std::string> occurrences_of(const json& m, const std::string& rule)
{
  std::vector<std::string> out;
  for (const json& f : m.at("findings")) {
    if (f.at("rule") == rule) {
      out.push_back(f.at("occurrence").get<std::string>());
    }
  }
  return out;
}

using Invitation = std::tuple<std::string, std::string, std::string>; // body, to, rank
std::vector<Invitation> invitations(const json& m)
{
  std::vector<Invitation> out;
  for (const json& i : m.at("invitations")) {
    out.emplace_back(i.at("body").get<std::string>(), i.at("to").get<std::string>(), i.at("rank").get<std::string>());
  }
  return out;
}

using DroppedEntry = std::tuple<std::string, std::string, std::string>; // body ("null"), attendee, rule
std::vector<DroppedEntry> dropped(const json& m)
{
  std::vector<DroppedEntry> out;
  for (const json& d : m.at("dropped")) {
    out.emplace_back(d.at("body").is_null() ? "null" : d.at("body").get<std::string>(),
                     d.at("attendee").get<std::string>(), d.at("rule").get<std::string>());
  }
  return out;
}

// "2026-12-11T09:15:00+05:00" -> minutes since local midnight; the date part.
int minutes_of(const std::string& iso)
{
  return std::stoi(iso.substr(11, 2)) * 60 + std::stoi(iso.substr(14, 2));
}
std::string date_of(const std::string& iso)
{
  return iso.substr(0, 10);
}

} // namespace

TEST_CASE("demo e2e: kenesd config check accepts config/demo/kenes.json", "[demo][e2e]")
{
  auto r = run_process({kenesd_binary(), "--config", demo_config_file(), "config", "check"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("config OK") != std::string::npos);
}

TEST_CASE("demo e2e: check --json on the demo calendars exits 1 (invalid slots) and reads every file cleanly",
          "[demo][e2e]")
{
  const DemoRun& run = demo_run();
  INFO(run.process.err);
  CHECK(run.process.exit_code == 1); // SPEC §10: 1 = check found an invalid slot
  CHECK(run.doc.at("errors").empty());
  // 14 files, one cancelled event: 13 meetings, the series as one entry.
  CHECK(run.doc.at("meetings").size() == 13);
  for (const json& m : run.doc.at("meetings")) {
    CHECK(m.at("start").get<std::string>().substr(19) == "+05:00");
    CHECK(m.at("recurrence_id").is_null());
  }
}

TEST_CASE("demo e2e: every rule id of SPEC §4 fires at least once in the demo calendars", "[demo][e2e]")
{
  std::set<std::string> fired;
  for (const json& m : demo_run().doc.at("meetings")) {
    for (const std::string& r : rules(m)) {
      fired.insert(r);
    }
  }
  for (const auto& info : calendar::all_rules()) {
    INFO("rule " << info.name);
    CHECK(fired.count(std::string(info.name)) == 1);
  }
}

TEST_CASE("demo e2e: the three valid meetings have verdict ok, no findings and the expected invitations", "[demo][e2e]")
{
  const json& minfin = meeting(k_minfin_ok);
  CHECK(minfin.at("verdict") == "ok");
  CHECK(minfin.at("kind") == "interagency");
  CHECK(minfin.at("findings").empty());
  CHECK(minfin.at("suggested_slots").empty());
  // The chair's own director is left to the chair: neither invited nor dropped.
  CHECK(invitations(minfin) ==
        std::vector<Invitation>{{"economy", "mailto:vice.minister17@economy.gov.kz", "vice_minister"}});
  CHECK(minfin.at("dropped").empty());

  const json& selector = meeting(k_selector_ok);
  CHECK(selector.at("verdict") == "ok");
  CHECK(selector.at("kind") == "selector");
  CHECK(selector.at("format") == "selector");
  CHECK(selector.at("findings").empty());
  CHECK(invitations(selector).size() == 5);

  const json& karaganda = meeting(k_karaganda_ok);
  CHECK(karaganda.at("verdict") == "ok");
  CHECK(karaganda.at("format") == "video");
  CHECK(karaganda.at("findings").empty());
}

TEST_CASE("demo e2e: the UTC-given meeting 03:30Z starts at 08:30 local and breaks the 09:00-13:00 window",
          "[demo][e2e]")
{
  const json& m = meeting(k_utc);
  CHECK(m.at("start") == "2026-12-11T08:30:00+05:00");
  CHECK(m.at("end") == "2026-12-11T09:30:00+05:00");
  CHECK(m.at("verdict") == "invalid");
  CHECK(rules(m) == std::multiset<std::string>{"hours.interagency"});
  CHECK(occurrences_of(m, "hours.interagency") == std::vector<std::string>{"2026-12-11T08:30:00+05:00"});
  CHECK(m.at("findings")[0].at("ref") == "order p.2 sp.5-1");
  CHECK(invitations(m) == std::vector<Invitation>{{"minfin", "mailto:vice.minister8@minfin.gov.kz", "vice_minister"}});
}

TEST_CASE("demo e2e: suggestions for an invalid slot are 3 one-hour slots inside 09:00-13:00 on Friday", "[demo][e2e]")
{
  const json& slots = meeting(k_utc).at("suggested_slots");
  REQUIRE(slots.size() == 3);
  CHECK(slots[0].at("start") == "2026-12-11T09:00:00+05:00");
  CHECK(slots[1].at("start") == "2026-12-11T09:15:00+05:00");
  CHECK(slots[2].at("start") == "2026-12-11T09:30:00+05:00");
  for (const json& s : slots) {
    std::string start = s.at("start"), end = s.at("end");
    CHECK(date_of(start) == "2026-12-11"); // a Friday, the designated day of interagency meetings
    CHECK(minutes_of(start) >= 9 * 60);
    CHECK(minutes_of(end) <= 13 * 60);
    CHECK(minutes_of(end) - minutes_of(start) == 60);
  }
}

TEST_CASE("demo e2e: every suggested slot of the demo is a working day, inside 09:00-18:30, after --now", "[demo][e2e]")
{
  const std::set<std::string> non_working{"2026-12-12", "2026-12-13", "2026-12-16", "2026-12-17", "2026-12-19",
                                          "2026-12-20", "2027-01-01", "2027-01-02", "2027-01-07"};
  int meetings_with_slots = 0;
  for (const json& m : demo_run().doc.at("meetings")) {
    bool slot_finding = false;
    for (const std::string& r : rules(m)) {
      slot_finding = slot_finding || r.rfind("day.", 0) == 0 || r.rfind("hours.", 0) == 0 || r == "conflict.busy";
    }
    INFO("meeting " << m.at("uid"));
    CHECK(m.at("suggested_slots").empty() == !slot_finding);
    meetings_with_slots += slot_finding ? 1 : 0;
    for (const json& s : m.at("suggested_slots")) {
      std::string start = s.at("start"), end = s.at("end");
      CHECK(start >= k_now);
      CHECK(non_working.count(date_of(start)) == 0);
      CHECK(date_of(start) == date_of(end));
      CHECK(minutes_of(start) >= 9 * 60);
      CHECK(minutes_of(end) <= 18 * 60 + 30);
      CHECK(minutes_of(start) % 15 == 0);
    }
  }
  CHECK(meetings_with_slots == 5);
}

TEST_CASE("demo e2e: the Deputy PM's 17:00 meeting: hours.government, the minister and the off-topic vice minister "
          "are replaced by budget vice ministers",
          "[demo][e2e]")
{
  const json& m = meeting(k_dpm_evening);
  CHECK(m.at("verdict") == "invalid");
  CHECK(rules(m) == std::multiset<std::string>{"hours.government", "attendance.rank_level", "attendance.competence"});
  CHECK(invitations(m) ==
        std::vector<Invitation>{{"minfin", "mailto:vice.minister8@minfin.gov.kz", "vice_minister"},
                                {"economy", "mailto:vice.minister17@economy.gov.kz", "vice_minister"}});
  CHECK(dropped(m) ==
        std::vector<DroppedEntry>{{"minfin", "mailto:minister7@minfin.gov.kz", "attendance.rank_level"},
                                  {"economy", "mailto:vice.minister16@economy.gov.kz", "attendance.competence"}});
  // Suggested inside the Government's 09:00-17:00 on the same day.
  const json& slots = m.at("suggested_slots");
  REQUIRE(slots.size() == 3);
  CHECK(slots[0].at("start") == "2026-12-09T09:00:00+05:00");
  for (const json& s : slots) {
    CHECK(minutes_of(s.at("end").get<std::string>()) <= 17 * 60);
  }
}

TEST_CASE("demo e2e: the akim's in-person meeting with two MES officials: one per body, remote format preferred",
          "[demo][e2e]")
{
  const json& m = meeting(k_astana_heating);
  CHECK(m.at("verdict") == "warning");
  CHECK(m.at("format") == "in_person");
  CHECK(rules(m) == std::multiset<std::string>{"attendance.one_per_body", "format.remote_preferred"});
  CHECK(invitations(m) ==
        std::vector<Invitation>{{"emergency", "mailto:committee.chair40@emergency.gov.kz", "committee_chair"}});
  CHECK(dropped(m) == std::vector<DroppedEntry>{{"emergency", "mailto:deputy.committee.chair41@emergency.gov.kz",
                                                 "attendance.one_per_body"}});
  CHECK(m.at("suggested_slots").empty());
}

TEST_CASE("demo e2e: the budget commission series: holiday occurrence flagged, EXDATE occurrence absent, moved "
          "occurrence checked at its new start",
          "[demo][e2e]")
{
  const json& m = meeting(k_budget_commission);
  CHECK(m.at("kind") == "kso_session");
  CHECK(m.at("verdict") == "invalid");
  CHECK(m.at("start") == "2026-12-03T10:00:00+05:00");
  // 17 December is a public holiday.
  CHECK(occurrences_of(m, "day.non_working") == std::vector<std::string>{"2026-12-17T10:00:00+05:00"});
  // 24 December moved to Friday 25 December: a KSO session sits on Thursday.
  CHECK(occurrences_of(m, "day.regime") == std::vector<std::string>{"2026-12-25T10:00:00+05:00"});
  // 7 January 2027 (a holiday) is excluded by EXDATE: nothing names it, nor the moved-away 24 December.
  for (const json& f : m.at("findings")) {
    CHECK(date_of(f.at("occurrence")) != "2027-01-07");
    CHECK(date_of(f.at("occurrence")) != "2026-12-24");
  }
  CHECK(rules(m).size() == 2);
  // KSO members fit at any rank: the ministers are invited.
  CHECK(invitations(m) == std::vector<Invitation>{{"minfin", "mailto:minister7@minfin.gov.kz", "minister"},
                                                  {"edu", "mailto:minister23@edu.gov.kz", "minister"},
                                                  {"health", "mailto:minister28@health.gov.kz", "minister"}});
  // Suggestions for the first occurrence with a slot finding (17 December): the next Thursday, 09:00-13:00.
  const json& slots = m.at("suggested_slots");
  REQUIRE(slots.size() == 3);
  CHECK(slots[0].at("start") == "2026-12-24T09:00:00+05:00");
  CHECK(slots[0].at("end") == "2026-12-24T10:30:00+05:00");
}

TEST_CASE("demo e2e: the Head of the Government Office's meeting: no head of staff in the ministry, the nearest rank "
          "is invited, the group address is not listed",
          "[demo][e2e]")
{
  const json& m = meeting(k_hgo);
  CHECK(m.at("verdict") == "warning");
  CHECK(m.at("format") == "video");
  CHECK(rules(m) == std::multiset<std::string>{"attendance.no_representative"});
  CHECK(invitations(m) == std::vector<Invitation>{{"astana", "mailto:head.of.staff52@astana.gov.kz", "head_of_staff"},
                                                  {"almaty", "mailto:head.of.staff63@almaty.gov.kz", "head_of_staff"},
                                                  {"minfin", "mailto:director13@minfin.gov.kz", "director"}});
  CHECK(m.at("dropped").empty());
}

TEST_CASE("demo e2e: planned four days ahead with an outside consultant: lead time, unknown attendee sent nothing",
          "[demo][e2e]")
{
  const json& m = meeting(k_digital);
  CHECK(m.at("verdict") == "warning");
  CHECK(m.at("format") == "video");
  CHECK(rules(m) == std::multiset<std::string>{"planning.lead_time", "attendance.unknown"});
  CHECK(dropped(m) == std::vector<DroppedEntry>{{"null", "mailto:konsultant@egov-partner.kz", "attendance.unknown"}});
  for (const auto& [body, to, rank] : invitations(m)) {
    CHECK(to != "mailto:konsultant@egov-partner.kz");
  }
  CHECK(invitations(m).size() == 2);
}

TEST_CASE("demo e2e: the minister's Tuesday collegium is busy with the Government session block and long, "
          "suggestions start after the block",
          "[demo][e2e]")
{
  const json& m = meeting(k_collegium);
  CHECK(m.at("verdict") == "warning");
  CHECK(rules(m) == std::multiset<std::string>{"conflict.busy", "duration.long"});
  for (const json& f : m.at("findings")) {
    if (f.at("rule") == "conflict.busy") {
      CHECK(f.at("message").get<std::string>().find("Заседание Правительства") != std::string::npos);
    }
    if (f.at("rule") == "duration.long") {
      CHECK(f.at("severity") == "notice");
    }
  }
  const json& slots = m.at("suggested_slots");
  REQUIRE(slots.size() == 3);
  CHECK(slots[0].at("start") == "2027-01-12T12:00:00+05:00");
  CHECK(slots[0].at("end") == "2027-01-12T14:00:00+05:00");
}

TEST_CASE("demo e2e: no agenda: a Saturday meeting is invalid, a Friday one a warning", "[demo][e2e]")
{
  const json& saturday = meeting(k_saturday);
  CHECK(saturday.at("verdict") == "invalid");
  CHECK(rules(saturday) == std::multiset<std::string>{"day.non_working", "materials.agenda"});
  REQUIRE_FALSE(saturday.at("suggested_slots").empty());
  CHECK(saturday.at("suggested_slots")[0].at("start") == "2026-12-14T09:00:00+05:00"); // the next Monday

  const json& meals = meeting(k_school_meals);
  CHECK(meals.at("verdict") == "warning");
  CHECK(rules(meals) == std::multiset<std::string>{"materials.agenda"});
}

TEST_CASE("demo e2e: the Deputy PM for the economy on school digitalisation: agenda.chair_competence, a notice "
          "that leaves the verdict ok (rec. ch.1 principle 1, rec. ch.3)",
          "[demo][e2e]")
{
  const json& m = meeting(k_dpm_off_portfolio);
  CHECK(m.at("verdict") == "ok");
  CHECK(rules(m) == std::multiset<std::string>{"agenda.chair_competence"});
  const json& f = m.at("findings").at(0);
  CHECK(f.at("severity") == "notice");
  CHECK(f.at("ref") == "rec. ch.1, principle 1; rec. ch.3");
  CHECK(f.at("occurrence") == "2026-12-02T11:00:00+05:00");
  const std::string message = f.at("message").get<std::string>();
  CHECK(message.find("Абишев Б.М.") != std::string::npos);
  CHECK(message.find("образование, цифровизация") != std::string::npos); // the topics by the directory's names
  CHECK(m.at("suggested_slots").empty());
  CHECK(invitations(m) ==
        std::vector<Invitation>{{"edu", "mailto:vice.minister24@edu.gov.kz", "vice_minister"},
                                {"digital", "mailto:vice.minister34@digital.gov.kz", "vice_minister"}});
}

TEST_CASE("demo e2e: the cancelled event is not checked and not in the output", "[demo][e2e]")
{
  for (const json& m : demo_run().doc.at("meetings")) {
    CHECK(m.at("uid") != k_cancelled);
  }
}
