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

namespace {

// A Deputy PM's meeting with a vice minister of education, on Friday 2026-12-04 10:00.
EventSpec dpm_meeting(const std::string& chair, const std::string& categories)
{
  EventSpec s;
  s.uid = "chair-competence";
  s.organizer = chair;
  s.attendees = {"mailto:vice.minister24@edu.gov.kz"};
  if (!categories.empty()) {
    s.extra = {"CATEGORIES:" + categories};
  }
  return s;
}

const std::string k_dpm_economy = "deputy.prime.minister2@primeminister.kz"; // economy, budget, industry
const std::string k_dpm_social = "deputy.prime.minister3@primeminister.kz";  // social, education, health

} // namespace

TEST_CASE("agenda.chair_competence: a Deputy PM's meeting on topics outside their competence is a notice "
          "(rec. ch.1 principle 1, rec. ch.3)",
          "[checker][chair_competence]")
{
  calendar::CheckedMeeting m = check_one(dpm_meeting(k_dpm_economy, "education"));
  REQUIRE(count_rule(m, RuleId::agenda_chair_competence) == 1);
  const calendar::Finding* f = find(m, RuleId::agenda_chair_competence);
  CHECK(f->severity == calendar::Severity::notice);
  CHECK(f->occurrence == at("2026-12-04T10:00"));
  CHECK(f->args.b == "economy, budget, industry");
  CHECK(f->args.c == "education");
  CHECK(calendar::rule_info(RuleId::agenda_chair_competence).ref == "rec. ch.1, principle 1; rec. ch.3");
  std::string ru = calendar::render_message(*f, calendar::Language::ru);
  std::string kk = calendar::render_message(*f, calendar::Language::kk);
  std::string en = calendar::render_message(*f, calendar::Language::en);
  CHECK(ru.find("не относятся к компетенции председательствующего") != std::string::npos);
  CHECK(kk.find("құзыретіне") != std::string::npos);
  CHECK(en.find("outside the competence of the chair") != std::string::npos);
  for (const std::string& text : {ru, kk, en}) {
    CHECK(text.find(f->args.a) != std::string::npos);
    CHECK(text.find("education") != std::string::npos);
    CHECK(text.find('{') == std::string::npos);
  }
  // A notice alone leaves the verdict as it was (SPEC §4).
  CHECK(m.verdict == check_one(dpm_meeting(k_dpm_social, "education")).verdict);
}

TEST_CASE("agenda.chair_competence: silent when the topics touch, when topics or competence are unknown, for a "
          "first head, a KSO session, or the rule off",
          "[checker][chair_competence]")
{
  CHECK_FALSE(has_rule(check_one(dpm_meeting(k_dpm_social, "education")), RuleId::agenda_chair_competence));
  CHECK_FALSE(has_rule(check_one(dpm_meeting(k_dpm_economy, "education,budget")), RuleId::agenda_chair_competence));
  CHECK_FALSE(has_rule(check_one(dpm_meeting(k_dpm_economy, "")), RuleId::agenda_chair_competence)); // no topics
  // The Head of the Government Office has no competence in the directory.
  CHECK_FALSE(has_rule(check_one(dpm_meeting("head.of.government.office4@primeminister.kz", "education")),
                       RuleId::agenda_chair_competence));
  // A minister (budget, tax) and an akim (economy, social) answer for their whole body.
  CHECK_FALSE(
      has_rule(check_one(dpm_meeting("minister7@minfin.gov.kz", "education")), RuleId::agenda_chair_competence));
  CHECK_FALSE(has_rule(check_one(dpm_meeting("akim48@astana.gov.kz", "education")), RuleId::agenda_chair_competence));
  // Their deputies do not: a vice minister of finance (budget) on education.
  CHECK(has_rule(check_one(dpm_meeting("vice.minister8@minfin.gov.kz", "education")), RuleId::agenda_chair_competence));
  // A KSO session is judged by the KSO's functions, not the chair's competence.
  EventSpec kso = dpm_meeting(k_dpm_economy, "education");
  kso.extra.push_back("X-KENES-KIND:kso_session");
  CHECK_FALSE(has_rule(check_one(kso), RuleId::agenda_chair_competence));
  calendar::Regime off = demo_config().regime;
  off.severity[static_cast<std::size_t>(RuleId::agenda_chair_competence)] = calendar::Severity::off;
  CHECK_FALSE(has_rule(check_one(dpm_meeting(k_dpm_economy, "education"), "2026-11-24T09:00", &off),
                       RuleId::agenda_chair_competence));
}

TEST_CASE("agenda.chair_competence: each version of a series is judged with its own chair (SPEC §3 Versions)",
          "[checker][chair_competence][series]")
{
  // Fridays 12-04, 12-11, 12-18 chaired by the Deputy PM for social questions, on education; the
  // 12-11 occurrence is taken over by the Deputy PM for the economy.
  EventSpec master = dpm_meeting(k_dpm_social, "education");
  master.extra.push_back("RRULE:FREQ=WEEKLY;COUNT=3");
  EventSpec other = dpm_meeting(k_dpm_economy, "education");
  other.start = "20261211T100000";
  other.end = "20261211T110000";
  other.extra.push_back("RECURRENCE-ID;TZID=Asia/Almaty:20261211T100000");
  CheckRun run = check_text(series_ics({master, other}));
  REQUIRE(run.read.problems.empty());
  REQUIRE(run.meetings.size() == 1);
  const calendar::CheckedMeeting& m = run.meetings.front();
  REQUIRE(count_rule(m, RuleId::agenda_chair_competence) == 1);
  const calendar::Finding* f = find(m, RuleId::agenda_chair_competence);
  CHECK(f->occurrence == at("2026-12-11T10:00"));
  CHECK(f->args.a.find(k_dpm_economy) != std::string::npos);
  CHECK(m.occurrence_list.size() == 3);

  // The other way round: the master's chair is outside, the override's is not; the finding names
  // the master's first occurrence, and a notice does not change the override's own verdict.
  master = dpm_meeting(k_dpm_economy, "education");
  master.extra.push_back("RRULE:FREQ=WEEKLY;COUNT=3");
  other = dpm_meeting(k_dpm_social, "education");
  other.start = "20261211T100000";
  other.end = "20261211T110000";
  other.extra.push_back("RECURRENCE-ID;TZID=Asia/Almaty:20261211T100000");
  run = check_text(series_ics({master, other}));
  REQUIRE(run.meetings.size() == 1);
  const calendar::CheckedMeeting& n = run.meetings.front();
  REQUIRE(count_rule(n, RuleId::agenda_chair_competence) == 1);
  CHECK(find(n, RuleId::agenda_chair_competence)->occurrence == at("2026-12-04T10:00"));
  CHECK(find(n, RuleId::agenda_chair_competence)->args.a.find(k_dpm_economy) != std::string::npos);
}
