// Series with a past and a future (SPEC §3 "Past and future", "Versions"): what decides the
// verdict, the representatives of each version, lead time per occurrence.
#include "support/series_fixture.hpp"
#include "support/test_support.hpp"

#include "calendar/checker.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace kenes;
using namespace kenes::test;
using calendar::RuleId;
using calendar::Verdict;

namespace {

std::vector<std::string> emails(const std::vector<calendar::Invitation>& v)
{
  std::vector<std::string> out;
  for (const auto& i : v) {
    out.push_back(i.official->email);
  }
  return out;
}

std::vector<std::string> dropped_addresses(const std::vector<calendar::Dropped>& v)
{
  std::vector<std::string> out;
  for (const auto& d : v) {
    out.push_back(calendar::normalize_address(d.attendee));
  }
  return out;
}

const calendar::Finding* find(const calendar::CheckedMeeting& m, RuleId rule)
{
  auto it =
      std::find_if(m.findings.begin(), m.findings.end(), [&](const calendar::Finding& f) { return f.rule == rule; });
  return it == m.findings.end() ? nullptr : &*it;
}

// check_series with the daemon's first sight of the event.
calendar::CheckedMeeting check_seen(const std::string& ics, const std::string& now_local,
                                    std::optional<calendar::Instant> first_seen)
{
  const config::Config& cfg = demo_config();
  calendar::BusyCalendar busy(cfg.regime, almaty());
  calendar::Instant now = at(now_local);
  calendar::ReadOptions opt;
  opt.zone = &almaty();
  opt.horizon_start = now - 400 * 86400;
  opt.horizon_end = now + 90 * 86400;
  calendar::ReadResult read = calendar::read_icalendar(ics, "test.ics", opt);
  REQUIRE(read.series.size() == 1);
  calendar::CheckContext ctx{*cfg.directory, cfg.regime, almaty(), busy, now, first_seen};
  auto m = calendar::check_series(read.series.front(), ctx);
  REQUIRE(m);
  return *m;
}

} // namespace

TEST_CASE("series: a moved occurrence that is over keeps its finding as past, the future decides the verdict "
          "(SPEC §3 Past and future, order p.2 sp.5-1)",
          "[checker][series]")
{
  CheckRun run = check_text(friday_series_ics(SeriesVariant::plain), k_series_now);
  REQUIRE(run.read.problems.empty());
  REQUIRE(run.meetings.size() == 1);
  const calendar::CheckedMeeting& m = run.meetings.front();
  const calendar::Finding* hours = find(m, RuleId::hours_interagency);
  REQUIRE(hours);
  CHECK(hours->occurrence == at("2026-12-11T15:00"));
  CHECK(hours->past);
  CHECK(hours->severity == calendar::Severity::error);
  CHECK(m.verdict == Verdict::ok);
  CHECK_FALSE(calendar::has_invalid_slot(m));
  CHECK(m.suggested_slots.empty());
  CHECK_FALSE(m.all_past);
  // 12-04, 12-11 (moved), 12-18, 12-25 (Asia/Tashkent), 01-15; 01-01 EXDATE, 01-08 cancelled.
  REQUIRE(m.occurrence_list.size() == 5);
  CHECK(m.occurrence_list[1].verdict == Verdict::invalid);
  CHECK(m.occurrence_list[1].past);
  CHECK(m.occurrence_list[3].start == at("2026-12-25T10:00"));
  CHECK_FALSE(m.occurrence_list[3].past);
  CHECK(m.occurrence_list[4].start == at("2027-01-15T10:00"));
}

TEST_CASE("series: a series wholly past has the verdict of its last occurrence (SPEC §3 Past and future)",
          "[checker][series]")
{
  // After 01-15 every occurrence is over; the last one was fine.
  calendar::CheckedMeeting m = check_one_series(friday_series_ics(SeriesVariant::plain), "2027-01-20T09:00");
  CHECK(m.all_past);
  CHECK(m.verdict == Verdict::ok);
  CHECK_FALSE(calendar::has_invalid_slot(m));
  CHECK(calendar::future_invitations(m).empty());
  // Seen on 12-12, after the moved occurrence: its 15:00 decides nothing even then.
  m = check_one_series(friday_series_ics(SeriesVariant::plain), "2026-12-12T09:00");
  CHECK(m.verdict == Verdict::ok);
  // Seen on 12-10, the moved occurrence is ahead: invalid, with suggestions for it.
  m = check_one_series(friday_series_ics(SeriesVariant::plain), "2026-12-10T09:00");
  CHECK(m.verdict == Verdict::invalid);
  CHECK(calendar::has_invalid_slot(m));
  REQUIRE_FALSE(m.suggested_slots.empty());
  CHECK(m.suggested_slots.front().start >= at("2026-12-11T09:00"));
}

TEST_CASE("series: a holiday that has passed is history, one ahead decides (SPEC §3, rec. ch.1 labour legislation)",
          "[checker][series]")
{
  // Wednesdays 12-09, 12-16 (a holiday of the demo config), 12-23: internal, one body.
  EventSpec s;
  s.uid = "wednesdays";
  s.start = "20261209T100000";
  s.end = "20261209T110000";
  s.attendees = {"mailto:director13@minfin.gov.kz"};
  s.extra = {"RRULE:FREQ=WEEKLY;COUNT=3"};
  calendar::CheckedMeeting m = check_one_series(series_ics({s}), "2026-12-18T09:00");
  const calendar::Finding* holiday = find(m, RuleId::day_non_working);
  REQUIRE(holiday);
  CHECK(holiday->occurrence == at("2026-12-16T10:00"));
  CHECK(holiday->past);
  CHECK(m.verdict == Verdict::ok);
  m = check_one_series(series_ics({s}), "2026-12-14T09:00");
  CHECK(m.verdict == Verdict::invalid);
}

TEST_CASE("series: planning.lead_time per occurrence from first sight, one over at first sight is never late "
          "(SPEC §3, §4)",
          "[checker][series]")
{
  const std::string ics = friday_series_ics(SeriesVariant::no_created);
  // The daemon first saw it now (no CREATED): only 12-25, 3.9 days ahead, is late.
  calendar::CheckedMeeting m = check_seen(ics, k_series_now, at(k_series_now));
  std::vector<calendar::Instant> late;
  for (const calendar::Finding& f : m.findings) {
    if (f.rule == RuleId::planning_lead_time) {
      late.push_back(f.occurrence);
      CHECK_FALSE(f.past);
    }
  }
  CHECK(late == std::vector<calendar::Instant>{at("2026-12-25T10:00")});
  // In `check`, first seen is --now: the same.
  CheckRun run = check_text(ics, k_series_now);
  REQUIRE(run.meetings.size() == 1);
  CHECK(count_rule(run.meetings.front(), RuleId::planning_lead_time) == 1);
}

TEST_CASE("series: each version has its own representatives and dropped, nobody is invited and dropped for one "
          "occurrence (SPEC §3 Versions, rec. ch.4)",
          "[checker][series]")
{
  CheckRun run = check_text(friday_series_ics(SeriesVariant::other_representative), k_series_now);
  REQUIRE(run.meetings.size() == 1);
  const calendar::CheckedMeeting& m = run.meetings.front();
  CHECK(emails(m.invitations) == std::vector<std::string>{"vice.minister16@economy.gov.kz"});
  CHECK(m.dropped.empty());
  REQUIRE(m.versions.size() == 4); // master, 12-11, 12-25, 01-08 (cancelled)
  CHECK(m.versions[1].recurrence_id == at("2026-12-11T10:00"));
  CHECK(emails(m.versions[1].invitations) == std::vector<std::string>{"vice.minister16@economy.gov.kz"});
  CHECK(m.versions[2].recurrence_id == at("2026-12-25T10:00"));
  CHECK(emails(m.versions[2].invitations) == std::vector<std::string>{"vice.minister17@economy.gov.kz"});
  CHECK(dropped_addresses(m.versions[2].dropped) == std::vector<std::string>{"vice.minister16@economy.gov.kz"});
  CHECK(m.versions[3].recurrence_id == at("2027-01-08T10:00"));
  CHECK_FALSE(m.versions[3].has_occurrences);
  CHECK(m.versions[3].invitations.empty());
  for (const calendar::CheckedVersion& v : m.versions) {
    for (const calendar::Invitation& i : v.invitations) {
      CHECK(std::none_of(v.dropped.begin(), v.dropped.end(), [&](const calendar::Dropped& d) {
        return calendar::normalize_address(d.attendee) == i.official->email;
      }));
    }
  }
  // Both are invited to what is ahead: 16 to the master's occurrences, 17 to 12-25.
  CHECK(emails(calendar::future_invitations(m)) ==
        std::vector<std::string>{"vice.minister16@economy.gov.kz", "vice.minister17@economy.gov.kz"});
  const calendar::Finding* one = nullptr;
  for (const calendar::Finding& f : m.findings) {
    if (f.rule == RuleId::attendance_one_per_body) {
      one = &f;
    }
  }
  REQUIRE(one);
  CHECK(one->occurrence == at("2026-12-25T10:00"));
  CHECK(m.verdict == Verdict::warning);
}
