// Reading iCalendar (SPEC §3): recurrences and overrides, time zones, what is not a meeting, and
// malformed input reported with its origin and UID while the rest is read.
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

using namespace kenes;
using namespace kenes::test;
using calendar::RuleId;

namespace {

calendar::ReadResult read(const std::string& text, const std::string& now_local = "2026-11-24T09:00",
                          std::size_t max_occurrences = 5000)
{
  calendar::Instant now = at(now_local);
  calendar::ReadOptions opt;
  opt.zone = &almaty();
  opt.horizon_start = now - 400 * 86400;
  opt.horizon_end = now + 90 * 86400;
  opt.max_occurrences = max_occurrences;
  return calendar::read_icalendar(text, "cal/test.ics", opt);
}

std::string local(calendar::Instant t)
{
  return almaty().iso(t).substr(0, 16);
}

std::vector<std::string> starts(const calendar::EventSeries& s)
{
  std::vector<std::string> out;
  for (const auto& o : s.occurrences) {
    out.push_back(local(o.start));
  }
  return out;
}

// One VEVENT's lines around the usual properties.
std::string vevent(const std::string& uid, const std::vector<std::string>& lines)
{
  std::string out = "BEGIN:VEVENT\nUID:" + uid + "\nDTSTAMP:20261101T000000Z\nSUMMARY:Совещание\n";
  for (const auto& l : lines) {
    out += l + "\n";
  }
  return out + "END:VEVENT\n";
}

const char* k_start = "DTSTART;TZID=Asia/Almaty:20261204T100000";
const char* k_end = "DTEND;TZID=Asia/Almaty:20261204T110000";

const calendar::ReadProblem* problem_of(const calendar::ReadResult& r, const std::string& uid)
{
  for (const auto& p : r.problems) {
    if (p.uid == uid) {
      return &p;
    }
  }
  return nullptr;
}

} // namespace

// --- recurrences ----------------------------------------------------------------------------

TEST_CASE("ical: RRULE occurrences are expanded in the event's zone (SPEC §3)", "[ical]")
{
  auto r = read(vcalendar_raw(vevent("weekly", {k_start, k_end, "RRULE:FREQ=WEEKLY;COUNT=3"})));
  REQUIRE(r.series.size() == 1);
  const auto& s = r.series[0];
  CHECK(s.uid == "weekly");
  CHECK(s.origin == "cal/test.ics");
  CHECK(s.recurring);
  CHECK(starts(s) == std::vector<std::string>{"2026-12-04T10:00", "2026-12-11T10:00", "2026-12-18T10:00"});
  for (const auto& o : s.occurrences) {
    CHECK(o.end - o.start == 3600);
    REQUIRE(o.recurrence_id);
    CHECK(*o.recurrence_id == o.start);
    CHECK(o.version == 0);
  }
  CHECK(local(s.first_start) == "2026-12-04T10:00");
  CHECK(r.problems.empty());
  // A DURATION instead of DTEND.
  r = read(vcalendar_raw(vevent("dur", {k_start, "DURATION:PT45M", "RRULE:FREQ=DAILY;COUNT=2"})));
  REQUIRE(r.series.size() == 1);
  CHECK(starts(r.series[0]) == std::vector<std::string>{"2026-12-04T10:00", "2026-12-05T10:00"});
  CHECK(r.series[0].occurrences[1].end - r.series[0].occurrences[1].start == 45 * 60);
}

TEST_CASE("ical: RDATE adds and EXDATE removes occurrences (SPEC §3)", "[ical]")
{
  auto r = read(vcalendar_raw(
      vevent("rdates", {k_start, k_end, "RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;TZID=Asia/Almaty:20261211T100000",
                        "EXDATE;VALUE=DATE:20261218", "RDATE;TZID=Asia/Almaty:20261208T150000",
                        "RDATE;VALUE=DATE:20261209", "RDATE;VALUE=PERIOD:20261210T060000Z/20261210T063000Z"})));
  REQUIRE(r.series.size() == 1);
  const auto& s = r.series[0];
  CHECK(starts(s) == std::vector<std::string>{"2026-12-04T10:00", "2026-12-08T15:00", "2026-12-09T10:00",
                                              "2026-12-10T11:00", "2026-12-25T10:00"});
  CHECK(s.occurrences[1].end - s.occurrences[1].start == 3600);
  CHECK(s.occurrences[3].end - s.occurrences[3].start == 30 * 60); // the period's own end
  // RDATE alone makes a series.
  r = read(vcalendar_raw(vevent("rdate-only", {k_start, k_end, "RDATE;TZID=Asia/Almaty:20261207T100000"})));
  REQUIRE(r.series.size() == 1);
  CHECK(r.series[0].recurring);
  CHECK(starts(r.series[0]) == std::vector<std::string>{"2026-12-04T10:00", "2026-12-07T10:00"});
}

TEST_CASE("ical: a RECURRENCE-ID override moves one occurrence, a cancelled one removes it (SPEC §3)", "[ical]")
{
  std::string body =
      vevent("series", {k_start, k_end, "RRULE:FREQ=WEEKLY;COUNT=4"}) +
      vevent("series", {"RECURRENCE-ID;TZID=Asia/Almaty:20261211T100000", "DTSTART;TZID=Asia/Almaty:20261210T150000",
                        "DTEND;TZID=Asia/Almaty:20261210T163000", "SUMMARY:Перенос"}) +
      vevent("series", {"RECURRENCE-ID;TZID=Asia/Almaty:20261218T100000", "DTSTART;TZID=Asia/Almaty:20261218T100000",
                        "DTEND;TZID=Asia/Almaty:20261218T110000", "STATUS:CANCELLED"});
  auto r = read(vcalendar_raw(body));
  REQUIRE(r.series.size() == 1);
  const auto& s = r.series[0];
  CHECK(s.versions.size() == 3);
  CHECK(starts(s) == std::vector<std::string>{"2026-12-04T10:00", "2026-12-10T15:00", "2026-12-25T10:00"});
  const auto& moved = s.occurrences[1];
  CHECK(moved.end - moved.start == 90 * 60);
  REQUIRE(moved.recurrence_id);
  CHECK(local(*moved.recurrence_id) == "2026-12-11T10:00");
  CHECK(moved.version == 1);
  CHECK(s.versions[moved.version].summary == "Перенос");
  // The override comes before its master in the file: the same result.
  std::string reversed =
      vevent("series", {"RECURRENCE-ID;TZID=Asia/Almaty:20261211T100000", "DTSTART;TZID=Asia/Almaty:20261210T150000",
                        "DTEND;TZID=Asia/Almaty:20261210T163000"}) +
      vevent("series", {k_start, k_end, "RRULE:FREQ=WEEKLY;COUNT=4"});
  r = read(vcalendar_raw(reversed));
  REQUIRE(r.series.size() == 1);
  CHECK(starts(r.series[0]) ==
        std::vector<std::string>{"2026-12-04T10:00", "2026-12-10T15:00", "2026-12-18T10:00", "2026-12-25T10:00"});
}

TEST_CASE("ical: overrides without their master are occurrences of their own (SPEC §3)", "[ical]")
{
  auto r = read(vcalendar_raw(
      vevent("orphan", {"RECURRENCE-ID;TZID=Asia/Almaty:20261211T100000", "DTSTART;TZID=Asia/Almaty:20261210T150000",
                        "DTEND;TZID=Asia/Almaty:20261210T160000"})));
  REQUIRE(r.series.size() == 1);
  const auto& s = r.series[0];
  CHECK(s.recurring);
  REQUIRE(s.master_recurrence_id);
  CHECK(local(*s.master_recurrence_id) == "2026-12-11T10:00");
  CHECK(starts(s) == std::vector<std::string>{"2026-12-10T15:00"});
}

TEST_CASE("ical: a holiday occurrence is read like any other and checked (SPEC §3, rec. ch.1)", "[ical]")
{
  std::string ics =
      vcalendar_raw(vevent("wednesdays", {"DTSTART;TZID=Asia/Almaty:20261209T100000",
                                          "DTEND;TZID=Asia/Almaty:20261209T110000", "RRULE:FREQ=WEEKLY;COUNT=3",
                                          "DESCRIPTION:Повестка", "ORGANIZER:mailto:director13@minfin.gov.kz"}));
  auto r = read(ics);
  REQUIRE(r.series.size() == 1);
  CHECK(starts(r.series[0]) == std::vector<std::string>{"2026-12-09T10:00", "2026-12-16T10:00", "2026-12-23T10:00"});
  auto run = check_text(ics);
  REQUIRE(run.meetings.size() == 1);
  REQUIRE(count_rule(run.meetings[0], RuleId::day_non_working) == 1);
  for (const auto& f : run.meetings[0].findings) {
    if (f.rule == RuleId::day_non_working) {
      CHECK(local(f.occurrence) == "2026-12-16T10:00");
    }
  }
}

// --- time zones -----------------------------------------------------------------------------

TEST_CASE("ical: 03:30Z-04:30Z is 08:30-09:30 in Asia/Almaty, +05 since 2024-03-01 (SPEC §1 time zone)", "[ical]")
{
  auto r = read(vcalendar_raw(vevent("utc", {"DTSTART:20261204T033000Z", "DTEND:20261204T043000Z"})));
  REQUIRE(r.series.size() == 1);
  const auto& o = r.series[0].occurrences.at(0);
  CHECK(o.start == 1796355000); // 2026-12-04T03:30:00Z
  CHECK(almaty().iso(o.start) == "2026-12-04T08:30:00+05:00");
  CHECK(almaty().iso(o.end) == "2026-12-04T09:30:00+05:00");
  // Before 2024-03-01 Almaty was +06: the same UTC time was 09:30 local.
  r = read(vcalendar_raw(vevent("utc-2023", {"DTSTART:20231204T033000Z", "DTEND:20231204T043000Z"})));
  CHECK(almaty().iso(r.series.at(0).occurrences.at(0).start) == "2023-12-04T09:30:00+06:00");
}

TEST_CASE("ical: a stale VTIMEZONE that still says +06 for Asia/Almaty loses to the system tz database "
          "(SPEC §1 time zone)",
          "[ical]")
{
  std::string tz = "BEGIN:VTIMEZONE\nTZID:Asia/Almaty\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
                   "TZOFFSETFROM:+0600\nTZOFFSETTO:+0600\nTZNAME:+06\nEND:STANDARD\nEND:VTIMEZONE\n";
  auto r = read(vcalendar_raw(tz + vevent("stale", {k_start, k_end, "RRULE:FREQ=WEEKLY;COUNT=2"})));
  REQUIRE(r.series.size() == 1);
  const auto& s = r.series[0];
  CHECK(s.occurrences.at(0).start == 1796360400); // 2026-12-04T05:00:00Z = 10:00+05, not 04:00Z
  CHECK(starts(s) == std::vector<std::string>{"2026-12-04T10:00", "2026-12-11T10:00"});
  CHECK(r.problems.empty());
}

TEST_CASE("ical: a TZID outside the tz database is read by the file's VTIMEZONE, without one, in the regime zone "
          "with a problem (SPEC silent)",
          "[ical]")
{
  std::string tz = "BEGIN:VTIMEZONE\nTZID:Central Asia Standard Time\nBEGIN:STANDARD\nDTSTART:16010101T000000\n"
                   "TZOFFSETFROM:+0600\nTZOFFSETTO:+0600\nEND:STANDARD\nEND:VTIMEZONE\n";
  auto r = read(vcalendar_raw(tz + vevent("windows-tz", {"DTSTART;TZID=Central Asia Standard Time:20261204T100000",
                                                         "DTEND;TZID=Central Asia Standard Time:20261204T110000"})));
  REQUIRE(r.series.size() == 1);
  CHECK(local(r.series[0].occurrences.at(0).start) == "2026-12-04T09:00");
  CHECK(r.problems.empty());

  r = read(vcalendar_raw(
      vevent("no-such-tz", {"DTSTART;TZID=Mars/Olympus:20261204T100000", "DTEND;TZID=Mars/Olympus:20261204T110000"})));
  REQUIRE(r.series.size() == 1);
  CHECK(local(r.series[0].occurrences.at(0).start) == "2026-12-04T10:00");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].uid == "no-such-tz");
  CHECK(r.problems[0].origin == "cal/test.ics");
  CHECK_FALSE(r.problems[0].fatal);
}

TEST_CASE("ical: floating times are read in the regime time zone (SPEC §3)", "[ical]")
{
  auto r = read(vcalendar_raw(vevent("floating", {"DTSTART:20261204T100000", "DTEND:20261204T110000"})));
  REQUIRE(r.series.size() == 1);
  CHECK(r.series[0].occurrences.at(0).start == 1796360400);
  CHECK(local(r.series[0].occurrences.at(0).end) == "2026-12-04T11:00");
}

// --- what is not a meeting ------------------------------------------------------------------

TEST_CASE("ical: all-day events are not meetings (SPEC §3)", "[ical]")
{
  auto r = read(vcalendar_raw(vevent("all-day", {"DTSTART;VALUE=DATE:20261204", "DTEND;VALUE=DATE:20261205"}) +
                              vevent("all-day-weekly", {"DTSTART;VALUE=DATE:20261204", "RRULE:FREQ=WEEKLY;COUNT=3"}) +
                              vevent("timed", {k_start, k_end})));
  REQUIRE(r.series.size() == 1);
  CHECK(r.series[0].uid == "timed");
  CHECK(r.problems.empty());
}

TEST_CASE("ical: STATUS:CANCELLED events are not checked (SPEC §3)", "[ical]")
{
  std::string ics =
      vcalendar_raw(vevent("cancelled", {k_start, k_end, "STATUS:CANCELLED"}) +
                    vevent("cancelled-series", {k_start, k_end, "RRULE:FREQ=WEEKLY;COUNT=3", "STATUS:CANCELLED"}));
  auto r = read(ics);
  REQUIRE(r.series.size() == 2);
  for (const auto& s : r.series) {
    CHECK(s.versions.at(0).cancelled);
    CHECK(s.occurrences.empty());
  }
  CHECK(check_text(ics).meetings.empty());
}

TEST_CASE("ical: TRANSP:TRANSPARENT is read (it makes no one busy) and the meeting is still checked (SPEC §3)",
          "[ical]")
{
  std::string ics =
      vcalendar_raw(vevent("transparent", {"DTSTART;TZID=Asia/Almaty:20261205T100000",
                                           "DTEND;TZID=Asia/Almaty:20261205T110000", "TRANSP:TRANSPARENT"}) +
                    vevent("opaque", {k_start, k_end, "TRANSP:OPAQUE"}));
  auto r = read(ics);
  REQUIRE(r.series.size() == 2);
  CHECK(r.series[0].versions[0].transparent);
  CHECK(r.series[0].occurrences.size() == 1);
  CHECK_FALSE(r.series[1].versions[0].transparent);
  auto run = check_text(ics);
  REQUIRE(run.meetings.size() == 2);
  CHECK(has_rule(run.meetings[0], RuleId::day_non_working));
}

// --- duplicates and malformed input ---------------------------------------------------------

TEST_CASE("ical: two VEVENTs with one UID are both kept and reported (SPEC silent)", "[ical]")
{
  auto r = read(vcalendar_raw(
      vevent("dup", {k_start, k_end, "SUMMARY:Первое"}) +
      vevent("dup", {"DTSTART;TZID=Asia/Almaty:20261207T100000", "DTEND;TZID=Asia/Almaty:20261207T110000"})));
  REQUIRE(r.series.size() == 2);
  CHECK(starts(r.series[0]) == std::vector<std::string>{"2026-12-04T10:00"});
  CHECK(starts(r.series[1]) == std::vector<std::string>{"2026-12-07T10:00"});
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].uid == "dup");
  CHECK(r.problems[0].origin == "cal/test.ics");
  CHECK_FALSE(r.problems[0].fatal);
}

TEST_CASE("ical: malformed events are reported with origin and UID while the rest is read (SPEC §3)", "[ical]")
{
  std::string body =
      vevent("no-start", {k_end}) +
      vevent("backwards", {"DTEND;TZID=Asia/Almaty:20261204T090000", "DTSTART;TZID=Asia/Almaty:20261204T100000"}) +
      vevent("bad-rrule", {k_start, k_end, "RRULE:FREQ=SOMETIMES;COUNT=3"}) +
      "BEGIN:VEVENT\nDTSTAMP:20261101T000000Z\nDTSTART:20261204T100000\nEND:VEVENT\n" +
      vevent("good", {k_start, k_end});
  auto r = read(vcalendar_raw(body));
  CHECK_FALSE(r.unreadable);
  std::vector<std::string> uids;
  for (const auto& s : r.series) {
    uids.push_back(s.uid);
  }
  // A bad RRULE is dropped and the event read as a single one.
  CHECK(uids == std::vector<std::string>{"bad-rrule", "good"});
  CHECK(starts(r.series[0]) == std::vector<std::string>{"2026-12-04T10:00"});

  const auto* no_start = problem_of(r, "no-start");
  REQUIRE(no_start);
  CHECK(no_start->origin == "cal/test.ics");
  CHECK(no_start->fatal);
  CHECK(no_start->message.find("DTSTART") != std::string::npos);
  const auto* backwards = problem_of(r, "backwards");
  REQUIRE(backwards);
  CHECK(backwards->fatal);
  CHECK(backwards->message.find("DTEND is before DTSTART") != std::string::npos);
  const auto* bad_rrule = problem_of(r, "bad-rrule");
  REQUIRE(bad_rrule);
  CHECK_FALSE(bad_rrule->fatal);
  const auto* no_uid = problem_of(r, "");
  REQUIRE(no_uid);
  CHECK(no_uid->fatal);
  CHECK(no_uid->message.find("UID") != std::string::npos);
  CHECK(r.problems.size() == 4);
}

TEST_CASE("ical: a file that is not iCalendar at all is unreadable (SPEC §3)", "[ical]")
{
  for (std::string text :
       {std::string("hello, this is not a calendar\n"), std::string(""), std::string("{\"events\": []}")}) {
    INFO(text);
    auto r = read(text);
    CHECK(r.unreadable);
    CHECK(r.series.empty());
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].origin == "cal/test.ics");
    CHECK(r.problems[0].uid.empty());
    CHECK(r.problems[0].fatal);
  }
}

TEST_CASE("ical: a calendar with only VTIMEZONE and VJOURNAL has no meetings and no problems (SPEC silent)", "[ical]")
{
  std::string body = "BEGIN:VTIMEZONE\nTZID:Asia/Almaty\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
                     "TZOFFSETFROM:+0500\nTZOFFSETTO:+0500\nEND:STANDARD\nEND:VTIMEZONE\n"
                     "BEGIN:VJOURNAL\nUID:j1\nDTSTAMP:20261101T000000Z\nDTSTART:20261204T100000Z\nSUMMARY:Заметка\n"
                     "END:VJOURNAL\n";
  auto r = read(vcalendar_raw(body));
  CHECK_FALSE(r.unreadable);
  CHECK(r.series.empty());
  CHECK(r.problems.empty());
}

// --- horizon and caps -----------------------------------------------------------------------

TEST_CASE("ical: recurrences are expanded from horizon_past_days before now to horizon_days after it (SPEC §3)",
          "[ical]")
{
  // Daily since 2024-01-01, no end: now 2026-11-24 09:00, horizon 400 days back, 90 ahead.
  auto r = read(vcalendar_raw(vevent("daily", {"DTSTART;TZID=Asia/Almaty:20240101T100000",
                                               "DTEND;TZID=Asia/Almaty:20240101T110000", "RRULE:FREQ=DAILY"})));
  REQUIRE(r.series.size() == 1);
  const auto& s = r.series[0];
  REQUIRE(s.occurrences.size() == 490);
  CHECK(local(s.occurrences.front().start) == "2025-10-20T10:00"); // the horizon starts 2025-10-20 09:00
  CHECK(local(s.occurrences.back().start) == "2027-02-21T10:00");  // and ends before 2027-02-22 09:00
  CHECK(local(s.first_start) == "2024-01-01T10:00");
  CHECK(r.problems.empty());
}

TEST_CASE("ical: a series is capped at max_occurrences with a problem (SPEC silent)", "[ical]")
{
  auto r = read(vcalendar_raw(vevent("capped", {k_start, k_end, "RRULE:FREQ=DAILY"})), "2026-11-24T09:00", 10);
  REQUIRE(r.series.size() == 1);
  CHECK(r.series[0].occurrences.size() == 10);
  CHECK(local(r.series[0].occurrences.back().start) == "2026-12-13T10:00");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].uid == "capped");
  CHECK(r.problems[0].message == "recurrence stopped after 10 occurrences");
  CHECK_FALSE(r.problems[0].fatal);
}

TEST_CASE("ical: the horizon bounds recurrences only, a single event outside it is still read (SPEC silent)", "[ical]")
{
  auto r = read(vcalendar_raw(
      vevent("old", {"DTSTART;TZID=Asia/Almaty:20200106T100000", "DTEND;TZID=Asia/Almaty:20200106T110000"}) +
      vevent("old-weekly", {"DTSTART;TZID=Asia/Almaty:20200106T100000", "DTEND;TZID=Asia/Almaty:20200106T110000",
                            "RRULE:FREQ=WEEKLY;COUNT=3"})));
  REQUIRE(r.series.size() == 2);
  CHECK(starts(r.series[0]) == std::vector<std::string>{"2020-01-06T10:00"});
  CHECK(r.series[1].occurrences.empty());
}
