// Which notices a meeting version calls for (SPEC §5), and their idempotency.
#include "support/series_fixture.hpp"
#include "support/test_support.hpp"

#include "calendar/itip.hpp"
#include "calendar/notice_plan.hpp"

#include <catch2/catch.hpp>

using namespace kenes::calendar;
using namespace kenes::test;

namespace {

struct Version
{
  std::string ics;
  CheckedMeeting meeting;
};

Version version(const std::string& attendee, const std::string& start = "20261204T100000",
                const std::string& end = "20261204T110000", std::vector<std::string> extra = {})
{
  EventSpec e;
  e.uid = "plan-1";
  e.start = start;
  e.end = end;
  e.attendees = {"mailto:" + attendee};
  e.extra = std::move(extra);
  Version v;
  v.ics = event_ics(e);
  CheckRun run = check_text(v.ics);
  REQUIRE(run.meetings.size() == 1);
  v.meeting = run.meetings.front();
  return v;
}

NoticeInput input(const Version& v, NoticeEnforcement enforcement = NoticeEnforcement::hold)
{
  NoticeInput in;
  in.uid = "plan-1";
  in.meeting = &v.meeting;
  in.versions = component_versions(v.ics, "plan-1");
  in.event_sequence = event_sequence(v.ics, "plan-1");
  in.organizer = "vice.minister8@minfin.gov.kz";
  in.enforcement = enforcement;
  in.now = at("2026-11-24T09:00");
  in.last_end = v.meeting.end;
  return in;
}

std::vector<std::string> of_kind(const NoticePlan& p, NoticeKind k)
{
  std::vector<std::string> out;
  for (const PlannedNotice& n : p.notices) {
    if (n.kind == k) {
      out.push_back(n.recipient);
    }
  }
  return out;
}

// The plan for a series' text (UID plan-1) at `now_local`, its input as notice_flow builds it.
NoticePlan plan_series(const NoticeState& before, const std::string& ics, const std::string& now_local)
{
  CheckRun run = check_text(ics, now_local);
  REQUIRE(run.meetings.size() == 1);
  REQUIRE(run.read.series.size() == 1);
  const ItipEvent event(ics, "plan-1");
  NoticeInput in;
  in.uid = "plan-1";
  in.meeting = &run.meetings.front();
  in.versions = event.versions();
  in.live_versions = event.both_versions().live;
  in.cancelled = event.cancelled(&almaty());
  in.overrides = event.overrides(&almaty());
  in.now = at(now_local);
  in.last_end = run.meetings.front().occurrence_list.back().end;
  in.beyond_horizon = run.read.series.front().beyond_horizon;
  return plan_notices(before, in);
}

const std::string k_a = "vice.minister17@economy.gov.kz";
const std::string k_b = "vice.minister16@economy.gov.kz";

} // namespace

TEST_CASE("notices: a new meeting sends a REQUEST to each chosen representative, once", "[notices]")
{
  Version v = version(k_a);
  NoticePlan first = plan_notices({}, input(v));
  CHECK(of_kind(first, NoticeKind::request) == std::vector<std::string>{k_a});
  CHECK(first.notices.front().sequence == 0);
  CHECK(first.notices.front().only.empty());
  NoticePlan again = plan_notices(first.next, input(v));
  CHECK(again.notices.empty());
}

TEST_CASE("notices: a moved meeting sends a REQUEST with a higher SEQUENCE and a new key", "[notices]")
{
  Version v = version(k_a);
  NoticePlan first = plan_notices({}, input(v));
  Version moved = version(k_a, "20261204T110000", "20261204T120000");
  NoticePlan second = plan_notices(first.next, input(moved));
  REQUIRE(of_kind(second, NoticeKind::request) == std::vector<std::string>{k_a});
  CHECK(second.notices.front().sequence == 1);
  CHECK(second.notices.front().key != first.notices.front().key);
  CHECK(plan_notices(second.next, input(moved)).notices.empty());
}

TEST_CASE("notices: a changed representative gets a REQUEST and the replaced one a CANCEL", "[notices]")
{
  NoticePlan first = plan_notices({}, input(version(k_a)));
  NoticePlan second = plan_notices(first.next, input(version(k_b)));
  CHECK(of_kind(second, NoticeKind::request) == std::vector<std::string>{k_b});
  CHECK(of_kind(second, NoticeKind::cancel) == std::vector<std::string>{k_a});
  CHECK(second.next.invited.at(k_a) == false);
  CHECK(second.next.invited.at(k_b) == true);
}

TEST_CASE("notices: a deleted meeting sends a CANCEL to everyone invited, and only once", "[notices]")
{
  Version v = version(k_a);
  NoticePlan first = plan_notices({}, input(v));
  NoticeInput gone = input(v);
  gone.meeting = nullptr;
  NoticePlan cancel = plan_notices(first.next, gone);
  CHECK(of_kind(cancel, NoticeKind::cancel) == std::vector<std::string>{k_a});
  CHECK(cancel.notices.front().sequence == 1);
  CHECK(plan_notices(cancel.next, gone).notices.empty());
}

TEST_CASE("notices: hold keeps the invitations of an invalid slot and warns once, warn sends them", "[notices]")
{
  // 14:00 with two central bodies breaks the 09:00-13:00 window (order p.2 sp.5-1).
  Version invalid = version(k_a, "20261204T140000", "20261204T150000");
  REQUIRE(has_invalid_slot(invalid.meeting));
  NoticePlan held = plan_notices({}, input(invalid));
  CHECK(held.held);
  CHECK(of_kind(held, NoticeKind::request).empty());
  CHECK(of_kind(held, NoticeKind::warning) == std::vector<std::string>{"vice.minister8@minfin.gov.kz"});
  CHECK(plan_notices(held.next, input(invalid)).notices.empty()); // the same findings: no second warning

  NoticePlan warned = plan_notices({}, input(invalid, NoticeEnforcement::warn));
  CHECK_FALSE(warned.held);
  CHECK(of_kind(warned, NoticeKind::request) == std::vector<std::string>{k_a});
  CHECK(of_kind(warned, NoticeKind::warning).size() == 1);

  // Fixed: the held invitations go out now.
  NoticePlan fixed = plan_notices(held.next, input(version(k_a)));
  CHECK(of_kind(fixed, NoticeKind::request) == std::vector<std::string>{k_a});
}

TEST_CASE("notices: a change to one occurrence sends only that VEVENT, with a higher SEQUENCE", "[notices]")
{
  std::vector<std::string> weekly = {"RRULE:FREQ=WEEKLY;COUNT=4"};
  Version series = version(k_a, "20261204T100000", "20261204T110000", weekly);
  NoticePlan first = plan_notices({}, input(series));
  REQUIRE(first.notices.size() == 1);
  // The same series with its second occurrence moved by an hour.
  EventSpec e;
  e.uid = "plan-1";
  e.attendees = {"mailto:" + k_a};
  e.extra = weekly;
  std::string master = event_ics(e);
  std::string override_event = "BEGIN:VEVENT\r\nUID:plan-1\r\nDTSTAMP:20261101T000000Z\r\n"
                               "RECURRENCE-ID;TZID=Asia/Almaty:20261211T100000\r\n"
                               "DTSTART;TZID=Asia/Almaty:20261211T110000\r\nDTEND;TZID=Asia/Almaty:20261211T120000\r\n"
                               "SUMMARY:Совещание\r\nDESCRIPTION:Повестка: 1. Вопрос.\r\n"
                               "ORGANIZER:mailto:vice.minister8@minfin.gov.kz\r\nATTENDEE:mailto:" +
                               k_a + "\r\nEND:VEVENT\r\n";
  std::string moved = master.substr(0, master.rfind("END:VCALENDAR")) + override_event + "END:VCALENDAR\r\n";
  CheckRun run = check_text(moved);
  REQUIRE(run.meetings.size() == 1);
  Version v{moved, run.meetings.front()};
  NoticePlan second = plan_notices(first.next, input(v));
  REQUIRE(second.notices.size() == 1);
  CHECK(second.notices.front().sequence == 1);
  REQUIRE(second.notices.front().only.size() == 1);
  ItipOptions o;
  o.uid = "plan-1";
  o.sequence = 1;
  o.only = second.notices.front().only;
  o.attendees = {{"vice.minister8@minfin.gov.kz", "", true}, {k_a, "", false}};
  std::optional<std::string> itip = build_itip(moved, o);
  REQUIRE(itip);
  CHECK_THAT(*itip, Catch::Contains("RECURRENCE-ID;TZID=Asia/Almaty:20261211T100000"));
  std::string events = itip->substr(itip->find("BEGIN:VEVENT"));
  CHECK(events.find("RRULE") == std::string::npos); // the master is not sent
  CHECK(events.find("BEGIN:VEVENT", 1) == std::string::npos);
  CHECK_THAT(*itip, Catch::Contains("METHOD:REQUEST"));
  CHECK_THAT(*itip, Catch::Contains("SEQUENCE:1"));
}

TEST_CASE("notices: nothing is sent about a meeting that is over", "[notices]")
{
  Version v = version(k_a);
  NoticeInput in = input(v);
  in.now = v.meeting.end + 1;
  CHECK(plan_notices({}, in).notices.empty());
}

TEST_CASE("itip: a CANCEL is METHOD:CANCEL with STATUS:CANCELLED, the organizer kept, a VTIMEZONE of the system's",
          "[notices]")
{
  Version v = version(k_a);
  ItipOptions o;
  o.method = ItipMethod::cancel;
  o.uid = "plan-1";
  o.sequence = 2;
  o.attendees = {{"vice.minister8@minfin.gov.kz", "", true}, {k_a, "Тулегенов", false}};
  std::optional<std::string> itip = build_itip(v.ics, o);
  REQUIRE(itip);
  CHECK_THAT(*itip, Catch::Contains("METHOD:CANCEL"));
  CHECK_THAT(*itip, Catch::Contains("STATUS:CANCELLED"));
  CHECK(itip->find("METHOD:REQUEST") == std::string::npos);
  CHECK_THAT(*itip, Catch::Contains("ORGANIZER:mailto:vice.minister8@minfin.gov.kz"));
  CHECK_THAT(*itip, Catch::Contains("BEGIN:VTIMEZONE"));
  CHECK_THAT(*itip, Catch::Contains("TZID:Asia/Almaty"));
  CHECK_THAT(*itip, Catch::Contains("TZOFFSETTO:+0500"));
  CHECK_THAT(*itip, Catch::Contains("SEQUENCE:2"));
}

TEST_CASE("itip: an event read from the check's parse tree gives the same versions, sequence and calendars as "
          "from its text",
          "[notices]")
{
  const std::string custom_zone = "BEGIN:VTIMEZONE\nTZID:Custom/Almaty\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
                                  "TZOFFSETFROM:+0500\nTZOFFSETTO:+0500\nTZNAME:ALMT\nEND:STANDARD\nEND:VTIMEZONE\n";
  const std::vector<std::string> texts = {
      // one event
      event_ics([] {
        EventSpec e;
        e.uid = "tree-1";
        e.attendees = {"mailto:" + k_a};
        return e;
      }()),
      // a weekly series with a moved occurrence, the VTIMEZONE after the events, a zone of the file's
      vcalendar_raw("BEGIN:VEVENT\nUID:tree-1\nDTSTAMP:20261101T000000Z\nSEQUENCE:2\n"
                    "DTSTART;TZID=Custom/Almaty:20261203T100000\nDTEND;TZID=Custom/Almaty:20261203T110000\n"
                    "RRULE:FREQ=WEEKLY;COUNT=4\nSUMMARY:Планёрка\nORGANIZER:mailto:vice.minister8@minfin.gov.kz\n"
                    "ATTENDEE:mailto:" +
                    k_a +
                    "\nEND:VEVENT\n"
                    "BEGIN:VEVENT\nUID:tree-1\nDTSTAMP:20261101T000000Z\nSEQUENCE:3\n"
                    "RECURRENCE-ID;TZID=Custom/Almaty:20261210T100000\n"
                    "DTSTART;TZID=Custom/Almaty:20261210T150000\nDTEND;TZID=Custom/Almaty:20261210T160000\n"
                    "SUMMARY:Планёрка (перенос)\nORGANIZER:mailto:vice.minister8@minfin.gov.kz\nEND:VEVENT\n"
                    "BEGIN:VEVENT\nUID:other\nDTSTAMP:20261101T000000Z\nDTSTART:20261204T050000Z\n"
                    "SUMMARY:Другое\nEND:VEVENT\n" +
                    custom_zone),
  };
  ReadOptions options;
  options.zone = &almaty();
  options.horizon_start = at("2026-11-01T00:00");
  options.horizon_end = at("2027-03-01T00:00");
  options.keep_tree = true;
  for (const std::string& text : texts) {
    ReadResult read = read_icalendar(text, "tree.ics", options);
    REQUIRE(read.tree);
    const ItipEvent from_text(text, "tree-1");
    const ItipEvent from_tree(read.tree, "tree-1");
    CHECK(from_tree.versions() == from_text.versions());
    CHECK_FALSE(from_tree.versions().empty());
    CHECK(from_tree.sequence() == from_text.sequence());
    std::vector<std::vector<std::string>> onlies = {{}};
    for (const auto& [recurrence, digest] : from_text.versions()) {
      onlies.push_back({recurrence});
    }
    for (ItipMethod method : {ItipMethod::request, ItipMethod::cancel}) {
      for (const std::vector<std::string>& only : onlies) {
        ItipOptions o;
        o.method = method;
        o.uid = "tree-1";
        o.sequence = 4;
        o.dtstamp = at("2026-11-24T09:00");
        o.attendees = {{k_a, "A", false}, {"vice.minister8@minfin.gov.kz", "", true}};
        o.only = only;
        std::optional<std::string> a = from_text.build(o), b = from_tree.build(o);
        REQUIRE(a);
        CHECK(b == a);
      }
    }
  }
  options.keep_tree = false;
  CHECK_FALSE(read_icalendar(texts.front(), "tree.ics", options).tree);
}

TEST_CASE("notices: a series' representative replaced is told, also when a past override still chose them, and one "
          "chosen only for the past is not (SPEC §5, Past and future)",
          "[notices][series]")
{
  // Begun 2026-09-04; week 10 (11-13) moved, and at 12-21 over. Its override invites `k_b` as
  // the master did, then the master's attendee becomes `k_a`.
  WeeklySeries s;
  s.uid = "plan-1";
  s.first = "20260904T050000Z";
  s.attendees = {"mailto:" + k_b};
  s.moved = {{10, 1, {"mailto:" + k_b}}};
  NoticePlan first = plan_series({}, weekly_series_ics(s), "2026-12-21T12:00");
  CHECK(of_kind(first, NoticeKind::request) == std::vector<std::string>{k_b});
  s.attendees = {"mailto:" + k_a};
  NoticePlan replaced = plan_series(first.next, weekly_series_ics(s), "2026-12-21T12:00");
  CHECK(of_kind(replaced, NoticeKind::request) == std::vector<std::string>{k_a});
  CHECK(of_kind(replaced, NoticeKind::cancel) == std::vector<std::string>{k_b});

  // One invited only to the override, when it was ahead: nothing once it is over.
  NoticeState override_only = first.next;
  override_only.until[k_b] = at("2026-11-13T11:00");
  NoticePlan past = plan_series(override_only, weekly_series_ics(s), "2026-12-21T12:00");
  CHECK(of_kind(past, NoticeKind::cancel).empty());
}

TEST_CASE("notices: one invited to the master of a series that goes on beyond the horizon is invited with no end, "
          "one of a series ending inside it until its last occurrence",
          "[notices][series]")
{
  WeeklySeries s;
  s.uid = "plan-1";
  s.first = "20260904T050000Z";
  s.attendees = {"mailto:" + k_b};
  s.moved = {{16, 1, {"mailto:" + k_a}}}; // 2026-12-25, ahead
  s.cancelled = {17};
  const std::string open = weekly_series_ics(s);
  NoticePlan first = plan_series({}, open, "2026-12-21T12:00");
  CHECK(first.next.until.at(k_b) == k_until_open);
  CHECK(first.next.until.at(k_a) == at("2026-12-25T12:00")); // the override alone: its end
  // Ending inside the horizon (eight more weeks): the end of the last occurrence.
  std::string bounded = open;
  bounded.replace(bounded.find("RRULE:FREQ=WEEKLY"), 17, "RRULE:FREQ=WEEKLY;COUNT=24");
  NoticePlan ends = plan_series({}, bounded, "2026-12-21T12:00");
  CHECK(ends.next.until.at(k_b) == at("2027-02-12T11:00"));
}

TEST_CASE("notices: a cancelled override's CANCEL goes to those its VEVENT listed, to everyone invited after a state "
          "kept before the lists",
          "[notices][series]")
{
  // Begun 2027-01-15, the clock Monday 2027-04-12 between weeks 12 and 13: week 5 moved (over),
  // week 14 cancelled, week 15 an override inviting `x` alone, week 17 moved with the master's.
  const std::string x = "vice.minister24@edu.gov.kz";
  WeeklySeries s;
  s.uid = "plan-1";
  s.first = "20270115T050000Z";
  s.attendees = {"mailto:" + k_b};
  s.moved = {{5, 1, {}}, {15, 1, {"mailto:" + x}}, {17, 1, {}}};
  s.cancelled = {14};
  NoticePlan first = plan_series({}, weekly_series_ics(s), "2027-04-12T12:00");
  CHECK(of_kind(first, NoticeKind::request) == std::vector<std::string>{k_b, x});
  CHECK(first.next.listed.at(at("2027-04-30T10:00")) == std::vector<std::string>{x});
  CHECK(first.next.listed.at(at("2027-05-14T10:00")) == std::vector<std::string>{k_b});
  CHECK_FALSE(first.next.listed.contains(at("2027-02-19T10:00"))); // over

  // Week 17 cancelled: its CANCEL, that occurrence alone, to the master's representative.
  s.moved.pop_back();
  s.cancelled.push_back(17);
  NoticePlan b = plan_series(first.next, weekly_series_ics(s), "2027-04-12T12:00");
  CHECK(of_kind(b, NoticeKind::cancel) == std::vector<std::string>{k_b});
  CHECK(of_kind(b, NoticeKind::request).empty());
  REQUIRE(b.notices.size() == 1);
  CHECK(b.notices.front().only == std::vector<std::string>{series_week(s, 17)});
  // A state written before the lists were kept: everyone invited is told, as before.
  NoticeState old = first.next;
  old.listed.clear();
  CHECK(of_kind(plan_series(old, weekly_series_ics(s), "2027-04-12T12:00"), NoticeKind::cancel) ==
        std::vector<std::string>{k_b, x});
}

TEST_CASE("notices: the master's representative replaced while an override ahead still lists them gets the CANCEL of "
          "the series and then their override, not after a state kept before the master's list",
          "[notices][series]")
{
  // Begun 2027-01-15, the clock Monday 2027-04-12: week 5 moved (over), week 14 cancelled, week 17
  // an override listing the master's representative by name.
  WeeklySeries s;
  s.uid = "plan-1";
  s.first = "20270115T050000Z";
  s.attendees = {"mailto:" + k_b};
  s.moved = {{5, 1, {}}, {17, 1, {"mailto:" + k_b}}};
  s.cancelled = {14};
  NoticePlan first = plan_series({}, weekly_series_ics(s), "2027-04-12T12:00");
  REQUIRE(first.next.master);
  CHECK(*first.next.master == std::vector<std::string>{k_b});
  s.attendees = {"mailto:" + k_a};
  NoticePlan replaced = plan_series(first.next, weekly_series_ics(s), "2027-04-12T12:00");
  CHECK(of_kind(replaced, NoticeKind::request) == std::vector<std::string>{k_b, k_a});
  CHECK(of_kind(replaced, NoticeKind::cancel) == std::vector<std::string>{k_b});
  auto to_b = [&](NoticeKind kind) {
    return std::find_if(replaced.notices.begin(), replaced.notices.end(),
                        [&](const PlannedNotice& n) { return n.kind == kind && n.recipient == k_b; });
  };
  REQUIRE(to_b(NoticeKind::cancel) != replaced.notices.end());
  CHECK(to_b(NoticeKind::cancel) < to_b(NoticeKind::request));
  CHECK(to_b(NoticeKind::cancel)->only.empty()); // the series
  CHECK(*replaced.next.master == std::vector<std::string>{k_a});
  // A state written before the master's list was kept: their REQUEST alone, as before.
  NoticeState old = first.next;
  old.master.reset();
  CHECK(of_kind(plan_series(old, weekly_series_ics(s), "2027-04-12T12:00"), NoticeKind::cancel).empty());
}

TEST_CASE("notices: an override whose choice changed joins the overrides a change sends again (only)",
          "[notices][series]")
{
  // Week 15 lists `k_a`, week 17 `k_b`; the state says week 17 listed `k_a` (chosen then, someone
  // else now, its text the same). Week 15 is moved: both go again, to both.
  WeeklySeries s;
  s.uid = "plan-1";
  s.first = "20270115T050000Z";
  s.attendees = {"mailto:" + k_b};
  s.moved = {{5, 1, {}}, {15, 1, {"mailto:" + k_a}}, {17, 1, {"mailto:" + k_b}}};
  s.cancelled = {14};
  NoticePlan first = plan_series({}, weekly_series_ics(s), "2027-04-12T12:00");
  NoticeState before = first.next;
  before.listed[at("2027-05-14T10:00")] = {k_a};
  s.moved[1].hours = 2;
  NoticePlan moved = plan_series(before, weekly_series_ics(s), "2027-04-12T12:00");
  const std::vector<std::string> both{series_week(s, 15), series_week(s, 17)};
  CHECK(of_kind(moved, NoticeKind::request) == std::vector<std::string>{k_b, k_a});
  CHECK(of_kind(moved, NoticeKind::cancel).empty());
  for (const PlannedNotice& n : moved.notices) {
    CHECK(n.only == both);
  }
  // Its text and its list the same: nothing.
  CHECK(plan_series(moved.next, weekly_series_ics(s), "2027-04-12T12:00").notices.empty());
}
