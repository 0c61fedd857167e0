// Suggested slots for a meeting with a slot-related finding (SPEC §4, last paragraph of the rules).
#include "support/test_support.hpp"

#include "calendar/rules.hpp"

#include <catch2/catch.hpp>

#include <functional>

using namespace kenes;
using namespace kenes::test;
using calendar::RuleId;

namespace {

// A vice minister of minfin with a vice minister of economy: interagency, two central bodies, Friday, 09:00-13:00.
EventSpec interagency(const std::string& start, const std::string& end)
{
  EventSpec s;
  s.start = start;
  s.end = end;
  s.summary = "Совещание по вопросам бюджета";
  s.organizer = "vice.minister8@minfin.gov.kz";
  s.attendees = {"mailto:vice.minister17@economy.gov.kz"};
  s.extra = {"CATEGORIES:budget"};
  return s;
}

// A Deputy PM's operative meeting: venue government, 09:00-17:00, any working day.
EventSpec government(const std::string& start, const std::string& end)
{
  EventSpec s = interagency(start, end);
  s.organizer = "deputy.prime.minister2@primeminister.kz";
  s.extra = {"CATEGORIES:budget", "X-KENES-KIND:operative"};
  return s;
}

// An internal meeting of minfin: working days only, inside working_hours 09:00-18:30.
EventSpec internal(const std::string& start, const std::string& end)
{
  EventSpec s;
  s.start = start;
  s.end = end;
  s.summary = "Планёрка департамента";
  s.organizer = "director13@minfin.gov.kz";
  s.attendees = {"mailto:director14@minfin.gov.kz"};
  return s;
}

calendar::Regime regime_with(std::function<void(calendar::Regime&)> change)
{
  calendar::Regime r = demo_config().regime;
  change(r);
  return r;
}

std::vector<std::string> starts(const calendar::CheckedMeeting& m)
{
  std::vector<std::string> out;
  for (const auto& s : m.suggested_slots) {
    out.push_back(almaty().iso(s.start).substr(0, 16)); // 2026-12-04T09:00
  }
  return out;
}

// "2026-12-04T09:00:00+05:00" -> "20261204T090000"
std::string ical_local(calendar::Instant t)
{
  std::string iso = almaty().iso(t);
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "T" + iso.substr(11, 2) + iso.substr(14, 2) +
         iso.substr(17, 2);
}

bool slot_finding(const calendar::CheckedMeeting& m)
{
  return std::any_of(m.findings.begin(), m.findings.end(),
                     [](const calendar::Finding& f) { return calendar::is_slot_rule(f.rule); });
}

} // namespace

TEST_CASE("slots: three suggestions by default, suggest_count when set, none without a slot finding (SPEC §4)",
          "[slots]")
{
  EventSpec thursday = interagency("20261203T100000", "20261203T110000");
  auto m = check_one(thursday);
  REQUIRE(has_rule(m, RuleId::day_regime));
  CHECK(starts(m) == std::vector<std::string>{"2026-12-04T09:00", "2026-12-04T09:15", "2026-12-04T09:30"});
  for (const auto& s : m.suggested_slots) {
    CHECK(s.end - s.start == 3600);
  }
  auto five = regime_with([](calendar::Regime& r) { r.suggest_count = 5; });
  CHECK(check_one(thursday, "2026-11-24T09:00", &five).suggested_slots.size() == 5);
  auto zero = regime_with([](calendar::Regime& r) { r.suggest_count = 0; });
  auto none = check_one(thursday, "2026-11-24T09:00", &zero);
  CHECK(has_rule(none, RuleId::day_regime));
  CHECK(none.suggested_slots.empty());
  // A valid slot with other findings (no agenda) gets no suggestions.
  EventSpec friday = interagency("20261204T100000", "20261204T110000");
  friday.description = "";
  auto ok = check_one(friday);
  CHECK(has_rule(ok, RuleId::materials_agenda));
  CHECK(ok.suggested_slots.empty());
}

TEST_CASE("slots: same inputs, same suggestions, each is valid on re-check (SPEC §4)", "[slots]")
{
  auto many = regime_with([](calendar::Regime& r) { r.suggest_count = 20; });
  EventSpec s = interagency("20261203T123000", "20261203T134500");
  auto a = check_one(s, "2026-11-24T09:00", &many);
  auto b = check_one(s, "2026-11-24T09:00", &many);
  REQUIRE(a.suggested_slots.size() == 20);
  CHECK(starts(a) == starts(b));
  // 75 minutes inside 09:00-13:00 on Fridays: 09:00 ... 11:45 (12 slots), then the next Friday.
  CHECK(starts(a)[11] == "2026-12-04T11:45");
  CHECK(starts(a)[12] == "2026-12-11T09:00");
  for (const auto& slot : a.suggested_slots) {
    INFO(almaty().iso(slot.start));
    CHECK(slot.end - slot.start == 75 * 60);
    CHECK(almaty().local(slot.start).seconds % (15 * 60) == 0);
    EventSpec again = s;
    again.start = ical_local(slot.start);
    again.end = ical_local(slot.end);
    CHECK_FALSE(slot_finding(check_one(again, "2026-11-24T09:00", &many)));
  }
}

TEST_CASE("slots: the search starts at now when now is later than the meeting's date (SPEC §4)", "[slots]")
{
  EventSpec s = interagency("20261204T123000", "20261204T133000");
  auto m = check_one(s, "2026-12-08T10:07");
  REQUIRE(has_rule(m, RuleId::hours_interagency));
  CHECK(starts(m) == std::vector<std::string>{"2026-12-11T09:00", "2026-12-11T09:15", "2026-12-11T09:30"});
  // Now inside a Friday's window: the next grid points after now.
  m = check_one(s, "2026-12-11T10:07");
  CHECK(starts(m) == std::vector<std::string>{"2026-12-11T10:15", "2026-12-11T10:30", "2026-12-11T10:45"});
}

TEST_CASE("slots: a slot may start exactly at now (SPEC §4)", "[slots]")
{
  auto m = check_one(interagency("20261204T123000", "20261204T133000"), "2026-12-11T10:00");
  CHECK(starts(m) == std::vector<std::string>{"2026-12-11T10:00", "2026-12-11T10:15", "2026-12-11T10:30"});
  // Now earlier on the original date: the original date is searched from its start.
  m = check_one(interagency("20261204T123000", "20261204T133000"), "2026-12-04T08:00");
  CHECK(starts(m)[0] == "2026-12-04T09:00");
}

TEST_CASE("slots: weekends and holidays are skipped (rec. ch.1, labour legislation)", "[slots]")
{
  // A Saturday meeting -> Monday.
  auto m = check_one(internal("20261205T100000", "20261205T110000"));
  REQUIRE(has_rule(m, RuleId::day_non_working));
  CHECK(starts(m) == std::vector<std::string>{"2026-12-07T09:00", "2026-12-07T09:15", "2026-12-07T09:30"});
  // A holiday Wednesday, Thursday a holiday too -> Friday.
  m = check_one(internal("20261216T100000", "20261216T110000"));
  CHECK(starts(m) == std::vector<std::string>{"2026-12-18T09:00", "2026-12-18T09:15", "2026-12-18T09:30"});
  // Running out of Friday -> over the weekend to Monday.
  m = check_one(government("20261204T163000", "20261204T173000"), "2026-12-04T15:50");
  REQUIRE(has_rule(m, RuleId::hours_government));
  CHECK(starts(m) == std::vector<std::string>{"2026-12-04T16:00", "2026-12-07T09:00", "2026-12-07T09:15"});
  // A transferred working day counts as working.
  auto transferred = regime_with(
      [](calendar::Regime& r) { r.transferred_working_days.insert(*calendar::parse_iso_date("2026-12-05")); });
  m = check_one(government("20261204T163000", "20261204T173000"), "2026-12-04T15:50", &transferred);
  CHECK(starts(m) == std::vector<std::string>{"2026-12-04T16:00", "2026-12-05T09:00", "2026-12-05T09:15"});
}

TEST_CASE("slots: designated days are honoured (rec. ch.1, table)", "[slots]")
{
  // Interagency -> Friday.
  CHECK(starts(check_one(interagency("20261130T100000", "20261130T110000")))[0] == "2026-12-04T09:00");
  // Government session -> Tuesday.
  EventSpec gs = government("20261202T100000", "20261202T110000");
  gs.summary = "Заседание Правительства";
  gs.extra = {};
  auto m = check_one(gs);
  REQUIRE(has_rule(m, RuleId::day_regime));
  CHECK(starts(m) == std::vector<std::string>{"2026-12-08T09:00", "2026-12-08T09:15", "2026-12-08T09:30"});
  // KSO session -> Thursday.
  EventSpec kso = interagency("20261204T100000", "20261204T110000");
  kso.summary = "Заседание бюджетной комиссии";
  CHECK(starts(check_one(kso))[0] == "2026-12-10T09:00");
  // A Deputy PM's selector meeting -> Monday.
  EventSpec sel = government("20261201T100000", "20261201T110000");
  sel.summary = "Селекторное совещание";
  sel.extra = {};
  CHECK(starts(check_one(sel))[0] == "2026-12-07T09:00");
  // Configured designated days.
  auto wed = regime_with([](calendar::Regime& r) { r.interagency_days = {std::chrono::Wednesday}; });
  CHECK(starts(check_one(interagency("20261204T100000", "20261204T110000"), "2026-11-24T09:00", &wed))[0] ==
        "2026-12-09T09:00");
}

TEST_CASE("slots: the meeting's own window, 09:00-13:00 with two central bodies, 09:00-17:00 in the Government "
          "(order p.2 sp.5, sp.5-1)",
          "[slots]")
{
  auto m = check_one(interagency("20261204T123000", "20261204T133000"), "2026-12-04T11:50");
  CHECK(starts(m) == std::vector<std::string>{"2026-12-04T12:00", "2026-12-11T09:00", "2026-12-11T09:15"});
  m = check_one(government("20261204T163000", "20261204T173000"), "2026-12-04T11:50");
  CHECK(starts(m) == std::vector<std::string>{"2026-12-04T12:00", "2026-12-04T12:15", "2026-12-04T12:30"});
  m = check_one(government("20261204T163000", "20261204T173000"), "2026-12-04T15:50");
  CHECK(starts(m)[0] == "2026-12-04T16:00");
  CHECK(starts(m)[1] == "2026-12-07T09:00");
}

TEST_CASE("slots: always inside working_hours, on a grid anchored at local midnight (SPEC §4)", "[slots]")
{
  // 60 minutes inside 09:00-18:30: the last start is 17:30 (35 slots a day).
  auto many = regime_with([](calendar::Regime& r) { r.suggest_count = 36; });
  auto m = check_one(internal("20261205T173000", "20261205T183000"), "2026-11-24T09:00", &many);
  REQUIRE(m.suggested_slots.size() == 36);
  CHECK(starts(m)[0] == "2026-12-07T09:00");
  CHECK(starts(m)[34] == "2026-12-07T17:30");
  CHECK(starts(m)[35] == "2026-12-08T09:00");
  // Working hours from 09:10 with a 15-minute step: the grid stays on :00/:15/:30/:45.
  auto shifted = regime_with([](calendar::Regime& r) { r.working_hours = {9 * 3600 + 10 * 60, 18 * 3600}; });
  m = check_one(internal("20261205T100000", "20261205T110000"), "2026-11-24T09:00", &shifted);
  CHECK(starts(m) == std::vector<std::string>{"2026-12-07T09:15", "2026-12-07T09:30", "2026-12-07T09:45"});
  // A 40-minute step.
  auto step = regime_with([](calendar::Regime& r) { r.slot_step_minutes = 40; });
  m = check_one(internal("20261205T100000", "20261205T110000"), "2026-11-24T09:00", &step);
  CHECK(starts(m) == std::vector<std::string>{"2026-12-07T09:20", "2026-12-07T10:00", "2026-12-07T10:40"});
  // The government window is narrower than working hours; working hours narrower than the window bind too.
  auto short_day = regime_with([](calendar::Regime& r) { r.working_hours = {10 * 3600, 16 * 3600}; });
  m = check_one(government("20261204T163000", "20261204T173000"), "2026-12-04T14:50", &short_day);
  CHECK(starts(m) == std::vector<std::string>{"2026-12-04T15:00", "2026-12-07T10:00", "2026-12-07T10:15"});
}

TEST_CASE("slots: busy regime blocks and busy representatives are avoided (rec. ch.1, table)", "[slots]")
{
  auto r = regime_with([](calendar::Regime& x) {
    x.busy_blocks.push_back({"Заседание Правительства",
                             {std::chrono::Tuesday},
                             {10 * 3600, 12 * 3600},
                             {calendar::Rank::minister},
                             {},
                             {}});
  });
  EventSpec s = internal("20261201T103000", "20261201T113000");
  s.organizer = "minister7@minfin.gov.kz";
  auto m = check_one(s, "2026-11-24T09:00", &r);
  REQUIRE(has_rule(m, RuleId::conflict_busy));
  CHECK(starts(m) == std::vector<std::string>{"2026-12-01T09:00", "2026-12-01T12:00", "2026-12-01T12:15"});

  // A representative's calendar.
  calendar::BusyCalendar busy(demo_config().regime, almaty());
  busy.add("vice.minister17@economy.gov.kz", {at("2026-12-04T09:00"), at("2026-12-04T10:30"), "other", "Коллегия"});
  auto run =
      check_text(event_ics(interagency("20261204T100000", "20261204T110000")), "2026-11-24T09:00", nullptr, &busy);
  REQUIRE(run.meetings.size() == 1);
  REQUIRE(has_rule(run.meetings[0], RuleId::conflict_busy));
  CHECK(starts(run.meetings[0]) ==
        std::vector<std::string>{"2026-12-04T10:30", "2026-12-04T10:45", "2026-12-04T11:00"});
}

TEST_CASE("slots: the search ends with the suggest_days-th working day after its start (SPEC §4)", "[slots]")
{
  // Monday 12-07 interagency: the 4th working day after it is Friday 12-11.
  auto four = regime_with([](calendar::Regime& r) { r.suggest_days = 4; });
  auto three = regime_with([](calendar::Regime& r) { r.suggest_days = 3; });
  EventSpec monday = interagency("20261207T100000", "20261207T110000");
  CHECK(starts(check_one(monday, "2026-11-24T09:00", &four))[0] == "2026-12-11T09:00");
  auto m = check_one(monday, "2026-11-24T09:00", &three);
  REQUIRE(has_rule(m, RuleId::day_regime));
  CHECK(m.suggested_slots.empty());
  // Holidays are not working days: from Monday 12-14, Tue 15 is the 1st, Fri 18 the 2nd.
  auto one = regime_with([](calendar::Regime& r) { r.suggest_days = 1; });
  auto two = regime_with([](calendar::Regime& r) { r.suggest_days = 2; });
  EventSpec later = interagency("20261214T100000", "20261214T110000");
  CHECK(check_one(later, "2026-11-24T09:00", &one).suggested_slots.empty());
  CHECK(starts(check_one(later, "2026-11-24T09:00", &two))[0] == "2026-12-18T09:00");
  // Fewer than suggest_count found: what was found.
  auto many = regime_with([](calendar::Regime& r) {
    r.suggest_days = 4;
    r.suggest_count = 50;
  });
  CHECK(check_one(monday, "2026-11-24T09:00", &many).suggested_slots.size() == 13); // Friday 09:00 ... 12:00
}

TEST_CASE("slots: an empty list when nothing fits within the horizon (SPEC §4)", "[slots]")
{
  // Five hours cannot fit the 09:00-13:00 window of two central bodies.
  auto m = check_one(interagency("20261204T090000", "20261204T140000"));
  REQUIRE(has_rule(m, RuleId::hours_interagency));
  CHECK(m.verdict == calendar::Verdict::invalid);
  CHECK(m.suggested_slots.empty());
  // Ten hours cannot fit working hours at all.
  m = check_one(internal("20261205T080000", "20261205T180000"));
  REQUIRE(has_rule(m, RuleId::day_non_working));
  CHECK(m.suggested_slots.empty());
}

TEST_CASE("slots: a recurring event's suggestions are for its first occurrence with a slot finding (SPEC §4)",
          "[slots][recurrence]")
{
  // Weekly on Fridays from 12-04 at 12:30-13:30: every occurrence breaks the window; the first is 12-04.
  EventSpec s = interagency("20261204T123000", "20261204T133000");
  s.extra.push_back("RRULE:FREQ=WEEKLY;COUNT=3");
  auto m = check_one(s, "2026-11-24T09:00");
  CHECK(count_rule(m, RuleId::hours_interagency) == 3);
  CHECK(starts(m)[0] == "2026-12-04T09:00");
  // An earlier occurrence without a slot finding does not count: the first is Wed 12-16, a holiday.
  EventSpec w = internal("20261209T100000", "20261209T110000");
  w.extra = {"RRULE:FREQ=WEEKLY;COUNT=3"};
  m = check_one(w);
  CHECK(starts(m) == std::vector<std::string>{"2026-12-18T09:00", "2026-12-18T09:15", "2026-12-18T09:30"});
}
