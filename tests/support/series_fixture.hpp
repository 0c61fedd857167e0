// The Friday series of issue 21, shared by the checker, check, sync and report tests: an
// interagency meeting of the Ministry of Finance with the Ministry of National Economy, weekly
// from 2026-12-04 10:00 (COUNT=7). Its second occurrence (12-11) was moved to 15:00
// (hours.interagency), the fourth (12-25) is an override written in Asia/Tashkent (also +05),
// 2027-01-01 (a holiday) is an EXDATE and 2027-01-08 a cancelled override; 2027-01-15 is the last.
// `k_series_now` is Monday 2026-12-21 12:00, between the third and the fourth.
#pragma once

#include "support/event_times.hpp"
#include "support/test_support.hpp"

#include <string>
#include <vector>

namespace kenes::test {

inline const std::string k_series_now = "2026-12-21T12:00";

enum class SeriesVariant {
  plain,                // every future occurrence valid
  no_created,           // the same without CREATED
  other_representative, // the 12-25 override invites both vice-ministers of economy, topic budget
};

inline EventSpec friday_series_master(SeriesVariant variant)
{
  EventSpec s;
  s.uid = "friday-series";
  s.start = "20261204T100000";
  s.end = "20261204T110000";
  s.summary = "Совещание по исполнению бюджета";
  s.organizer = "vice.minister8@minfin.gov.kz";
  s.attendees = {"mailto:vice.minister16@economy.gov.kz"};
  s.extra = {"RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=7", "EXDATE;TZID=Asia/Almaty:20270101T100000", "ATTACH:https://x/a"};
  if (variant == SeriesVariant::no_created) {
    s.created.clear();
  }
  return s;
}

inline std::string friday_series_ics(SeriesVariant variant)
{
  EventSpec master = friday_series_master(variant);
  EventSpec moved = master;
  moved.start = "20261211T150000";
  moved.end = "20261211T160000";
  moved.extra = {"RECURRENCE-ID;TZID=Asia/Almaty:20261211T100000", "ATTACH:https://x/a"};
  EventSpec tashkent = master;
  tashkent.start = "TZID=Asia/Tashkent:20261225T100000";
  tashkent.end = "TZID=Asia/Tashkent:20261225T110000";
  tashkent.extra = {"RECURRENCE-ID;TZID=Asia/Almaty:20261225T100000", "ATTACH:https://x/a"};
  if (variant == SeriesVariant::other_representative) {
    tashkent.attendees = {"mailto:vice.minister16@economy.gov.kz", "mailto:vice.minister17@economy.gov.kz"};
    tashkent.extra.push_back("CATEGORIES:budget");
  }
  EventSpec cancelled = master;
  cancelled.start = "20270108T100000";
  cancelled.end = "20270108T110000";
  cancelled.extra = {"RECURRENCE-ID;TZID=Asia/Almaty:20270108T100000", "STATUS:CANCELLED"};
  return series_ics({master, moved, tashkent, cancelled});
}

// A weekly series as a ministry keeps one (the normal case of the product brief): open-ended from
// `first` (a start in UTC, "20260904T050000Z", one hour long), with overrides that move an
// occurrence and may invite others, cancelled overrides and EXDATEs. Occurrences are named by
// their week after `first` (0: the first); everything is written in UTC, as Outlook exports.
struct WeeklySeries
{
  struct Moved
  {
    int week = 0;
    int hours = 1;                      // moved by this many hours
    std::vector<std::string> attendees; // empty: the master's
  };
  std::string uid;
  std::string first;
  std::string summary = "Еженедельное совещание";
  std::vector<std::string> attendees = {"mailto:vice.minister16@economy.gov.kz"};
  std::vector<Moved> moved;
  std::vector<int> exdates;   // weeks taken out of the rule
  std::vector<int> cancelled; // weeks with a STATUS:CANCELLED override
};

// The RECURRENCE-ID (and EXDATE) value of week `week` of `s`.
inline std::string series_week(const WeeklySeries& s, int week, int hours = 0)
{
  return shifted_utc(s.first, week, hours);
}

inline std::string weekly_series_ics(const WeeklySeries& s)
{
  EventSpec master;
  master.uid = s.uid;
  master.summary = s.summary;
  master.start = s.first;
  master.end = shifted_utc(s.first, 0, 1);
  master.attendees = s.attendees;
  master.extra = {"RRULE:FREQ=WEEKLY", "ATTACH:https://x/a"};
  for (int week : s.exdates) {
    master.extra.push_back("EXDATE:" + series_week(s, week));
  }
  std::vector<EventSpec> versions{master};
  for (const WeeklySeries::Moved& m : s.moved) {
    EventSpec o = master;
    o.start = series_week(s, m.week, m.hours);
    o.end = series_week(s, m.week, m.hours + 1);
    if (!m.attendees.empty()) {
      o.attendees = m.attendees;
    }
    o.extra = {"RECURRENCE-ID:" + series_week(s, m.week), "ATTACH:https://x/a"};
    versions.push_back(o);
  }
  for (int week : s.cancelled) {
    EventSpec o = master;
    o.start = series_week(s, week);
    o.end = series_week(s, week, 1);
    o.extra = {"RECURRENCE-ID:" + series_week(s, week), "STATUS:CANCELLED"};
    versions.push_back(o);
  }
  return series_ics(versions);
}

inline calendar::CheckedMeeting check_one_series(const std::string& ics, const std::string& now_local)
{
  CheckRun run = check_text(ics, now_local);
  if (run.meetings.size() != 1) {
    throw std::runtime_error("expected one meeting, got " + std::to_string(run.meetings.size()));
  }
  return run.meetings.front();
}

} // namespace kenes::test
