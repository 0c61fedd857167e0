// The rules of SPEC §4, each firing and not firing at its boundaries, named after the order.
#include "support/test_support.hpp"

#include "calendar/rules.hpp"
#include "calendar/words.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <set>

using namespace kenes;
using namespace kenes::test;
using calendar::RuleId;
using calendar::Severity;
using calendar::Verdict;

namespace {

// A vice minister of minfin with a vice minister of economy: interagency, two central bodies.
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

// A Deputy Prime Minister's meeting (venue: government).
EventSpec government(const std::string& start, const std::string& end)
{
  EventSpec s;
  s.start = start;
  s.end = end;
  s.summary = "Совещание у заместителя Премьер-Министра";
  s.organizer = "deputy.prime.minister2@primeminister.kz";
  s.attendees = {"mailto:vice.minister17@economy.gov.kz"};
  s.extra = {"CATEGORIES:budget", "X-KENES-KIND:operative"};
  return s;
}

// An internal meeting of minfin: no designated day, no window.
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

} // namespace

// --- day.non_working -----------------------------------------------------------------------

TEST_CASE("day.non_working: a meeting on Saturday is invalid (rec. ch.1, labour legislation)", "[rules]")
{
  auto m = check_one(internal("20261205T100000", "20261205T110000"));
  REQUIRE(has_rule(m, RuleId::day_non_working));
  CHECK(m.verdict == Verdict::invalid);
  CHECK(m.findings.front().severity == Severity::error);
}

TEST_CASE("day.non_working: Sunday and a configured holiday are non-working, Friday is not (rec. ch.1)", "[rules]")
{
  CHECK(has_rule(check_one(internal("20261206T100000", "20261206T110000")), RuleId::day_non_working));
  CHECK(has_rule(check_one(internal("20261216T100000", "20261216T110000")), RuleId::day_non_working));
  auto friday = check_one(internal("20261204T100000", "20261204T110000"));
  CHECK_FALSE(has_rule(friday, RuleId::day_non_working));
  CHECK(friday.verdict == Verdict::ok);
}

TEST_CASE("day.non_working: a transferred working day counts as working (rec. ch.1)", "[rules]")
{
  auto r = regime_with(
      [](calendar::Regime& x) { x.transferred_working_days.insert(*calendar::parse_iso_date("2026-12-05")); });
  auto m = check_one(internal("20261205T100000", "20261205T110000"), "2026-11-24T09:00", &r);
  CHECK_FALSE(has_rule(m, RuleId::day_non_working));
}

// --- day.regime ----------------------------------------------------------------------------

TEST_CASE("day.regime: an interagency meeting on Thursday is invalid, on Friday valid (rec. ch.1, table)", "[rules]")
{
  auto thursday = check_one(interagency("20261203T100000", "20261203T110000"));
  CHECK(thursday.kind == calendar::Kind::interagency);
  CHECK(has_rule(thursday, RuleId::day_regime));
  CHECK(thursday.verdict == Verdict::invalid);
  CHECK_FALSE(has_rule(check_one(interagency("20261204T100000", "20261204T110000")), RuleId::day_regime));
}

TEST_CASE("day.regime: Government session on Tuesday only (rec. ch.1, table)", "[rules]")
{
  EventSpec s = government("20261201T100000", "20261201T120000");
  s.summary = "Заседание Правительства";
  s.extra = {};
  auto tuesday = check_one(s);
  CHECK(tuesday.kind == calendar::Kind::government_session);
  CHECK_FALSE(has_rule(tuesday, RuleId::day_regime));
  s.start = "20261202T100000";
  s.end = "20261202T120000";
  CHECK(has_rule(check_one(s), RuleId::day_regime));
}

TEST_CASE("day.regime: KSO session on Thursday only (rec. ch.1, table)", "[rules]")
{
  EventSpec s = interagency("20261203T100000", "20261203T110000");
  s.summary = "Заседание Республиканской бюджетной комиссии";
  auto thursday = check_one(s);
  CHECK(thursday.kind == calendar::Kind::kso_session);
  CHECK_FALSE(has_rule(thursday, RuleId::day_regime));
  s.start = "20261204T100000";
  s.end = "20261204T110000";
  CHECK(has_rule(check_one(s), RuleId::day_regime));
}

TEST_CASE("day.regime: a selector meeting of a Deputy PM on Monday only, a vice minister's any day (rec. ch.1, table)",
          "[rules]")
{
  EventSpec s = government("20261130T100000", "20261130T110000");
  s.summary = "Селекторное совещание";
  s.extra = {};
  auto monday = check_one(s);
  CHECK(monday.kind == calendar::Kind::selector);
  CHECK(monday.format == calendar::Format::selector);
  CHECK_FALSE(has_rule(monday, RuleId::day_regime));
  s.start = "20261201T100000";
  s.end = "20261201T110000";
  CHECK(has_rule(check_one(s), RuleId::day_regime));
  s.organizer = "vice.minister8@minfin.gov.kz";
  CHECK_FALSE(has_rule(check_one(s), RuleId::day_regime));
}

TEST_CASE("day.regime: operative and internal meetings are free of designated days (rec. ch.1, table)", "[rules]")
{
  EventSpec s = interagency("20261201T100000", "20261201T110000");
  s.summary = "Оперативное совещание";
  auto m = check_one(s);
  CHECK(m.kind == calendar::Kind::operative);
  CHECK_FALSE(has_rule(m, RuleId::day_regime));
  CHECK_FALSE(has_rule(check_one(internal("20261201T100000", "20261201T110000")), RuleId::day_regime));
}

// --- hours.government ----------------------------------------------------------------------

TEST_CASE("hours.government: 16:00-17:00 is valid, 16:30-17:15 invalid (order p.2 sp.5)", "[rules]")
{
  auto inside = check_one(government("20261201T160000", "20261201T170000"));
  CHECK_FALSE(has_rule(inside, RuleId::hours_government));
  auto late = check_one(government("20261201T163000", "20261201T171500"));
  REQUIRE(has_rule(late, RuleId::hours_government));
  CHECK(late.verdict == Verdict::invalid);
}

TEST_CASE("hours.government: a start at 08:45 is invalid, at 09:00 valid (order p.2 sp.5)", "[rules]")
{
  CHECK(has_rule(check_one(government("20261201T084500", "20261201T093000")), RuleId::hours_government));
  CHECK_FALSE(has_rule(check_one(government("20261201T090000", "20261201T093000")), RuleId::hours_government));
}

TEST_CASE("hours.government: a Government session is in the Government whoever chairs it (order p.2 sp.5)", "[rules]")
{
  EventSpec s = interagency("20261201T170000", "20261201T180000");
  s.summary = "Заседание Правительства";
  CHECK(has_rule(check_one(s), RuleId::hours_government));
}

// --- hours.interagency ---------------------------------------------------------------------

TEST_CASE("hours.interagency: 12:30-13:15 with two central bodies is invalid (order p.2 sp.5-1)", "[rules]")
{
  auto m = check_one(interagency("20261204T123000", "20261204T131500"));
  REQUIRE(has_rule(m, RuleId::hours_interagency));
  CHECK(m.verdict == Verdict::invalid);
}

TEST_CASE("hours.interagency: 12:00-13:00 with two central bodies is valid (order p.2 sp.5-1)", "[rules]")
{
  auto m = check_one(interagency("20261204T120000", "20261204T130000"));
  CHECK_FALSE(has_rule(m, RuleId::hours_interagency));
}

TEST_CASE("hours.interagency: 08:30 local given in UTC (03:30Z) is invalid (order p.2 sp.5-1)", "[rules]")
{
  auto m = check_one(interagency("20261204T033000Z", "20261204T043000Z"));
  CHECK(has_rule(m, RuleId::hours_interagency));
  CHECK(almaty().iso(m.findings.front().occurrence) == "2026-12-04T08:30:00+05:00");
}

TEST_CASE("hours.interagency: one central body with local bodies keeps the 09:00-17:00 day (order p.2 sp.5-1)",
          "[rules]")
{
  EventSpec s = interagency("20261204T140000", "20261204T150000");
  s.attendees = {"mailto:head.of.department53@astana.gov.kz"};
  s.extra.push_back("X-KENES-FORMAT:video");
  auto m = check_one(s);
  CHECK_FALSE(has_rule(m, RuleId::hours_interagency));
}

TEST_CASE("hours.interagency: an akimat meeting with two central bodies is bound too (order p.2 sp.5-1)", "[rules]")
{
  EventSpec s;
  s.start = "20261204T140000";
  s.end = "20261204T150000";
  s.organizer = "akim48@astana.gov.kz";
  s.attendees = {"mailto:vice.minister8@minfin.gov.kz", "mailto:vice.minister16@economy.gov.kz"};
  s.extra = {"X-KENES-FORMAT:video"};
  auto m = check_one(s);
  CHECK(has_rule(m, RuleId::hours_interagency));
}

TEST_CASE("hours: the Presidential Administration has no hours window, working days apply (SPEC §3 venue)", "[rules]")
{
  EventSpec s = interagency("20261204T170000", "20261204T180000");
  s.organizer = "presidential.assistant5@akorda.kz";
  s.attendees = {"mailto:vice.minister8@minfin.gov.kz", "mailto:vice.minister16@economy.gov.kz"};
  auto m = check_one(s);
  CHECK_FALSE(has_rule(m, RuleId::hours_government));
  CHECK_FALSE(has_rule(m, RuleId::hours_interagency));
  s.start = "20261205T100000";
  s.end = "20261205T110000";
  CHECK(has_rule(check_one(s), RuleId::day_non_working));
}

// --- format.remote_preferred ---------------------------------------------------------------

TEST_CASE("format.remote_preferred: central and local bodies in person get a warning (rec. ch.1)", "[rules]")
{
  EventSpec s = interagency("20261204T100000", "20261204T110000");
  s.attendees.push_back("mailto:head.of.department53@astana.gov.kz");
  auto m = check_one(s);
  REQUIRE(has_rule(m, RuleId::format_remote_preferred));
  CHECK(m.verdict == Verdict::warning);
  s.extra.push_back("X-KENES-FORMAT:video");
  CHECK_FALSE(has_rule(check_one(s), RuleId::format_remote_preferred));
}

TEST_CASE("format.remote_preferred: only central bodies need no remote format (rec. ch.1)", "[rules]")
{
  CHECK_FALSE(has_rule(check_one(interagency("20261204T100000", "20261204T110000")), RuleId::format_remote_preferred));
}

// --- planning.lead_time --------------------------------------------------------------------

TEST_CASE("planning.lead_time: created 6 days 23 hours before is too late, 7 days is enough (rec. ch.1, principle 2)",
          "[rules]")
{
  EventSpec s = interagency("20261204T100000", "20261204T110000");
  s.created = "20261127T060000Z"; // 11:00 local, 6 d 23 h before
  CHECK(has_rule(check_one(s), RuleId::planning_lead_time));
  s.created = "20261127T050000Z"; // exactly 7 × 24 h
  CHECK_FALSE(has_rule(check_one(s), RuleId::planning_lead_time));
}

TEST_CASE("planning.lead_time: without CREATED, first seen is --now, operative meetings are exempt "
          "(rec. ch.1, principle 2)",
          "[rules]")
{
  EventSpec s = interagency("20261204T100000", "20261204T110000");
  s.created = "";
  CHECK(has_rule(check_one(s, "2026-11-30T09:00"), RuleId::planning_lead_time));
  CHECK_FALSE(has_rule(check_one(s, "2026-11-20T09:00"), RuleId::planning_lead_time));
  s.summary = "Оперативное совещание";
  CHECK_FALSE(has_rule(check_one(s, "2026-11-30T09:00"), RuleId::planning_lead_time));
}

// --- materials.agenda ----------------------------------------------------------------------

TEST_CASE("materials.agenda: an empty or absent DESCRIPTION is no agenda (rec. ch.1, principle 3)", "[rules]")
{
  EventSpec s = interagency("20261204T100000", "20261204T110000");
  s.description = "";
  CHECK(has_rule(check_one(s), RuleId::materials_agenda));
  s.extra.push_back("DESCRIPTION:   ");
  CHECK(has_rule(check_one(s), RuleId::materials_agenda));
}

TEST_CASE("materials.agenda: less than 3 days before the start without ATTACH (rec. ch.1, principle 3)", "[rules]")
{
  EventSpec s = interagency("20261204T100000", "20261204T110000");
  CHECK(has_rule(check_one(s, "2026-12-01T10:01"), RuleId::materials_agenda));
  CHECK_FALSE(has_rule(check_one(s, "2026-12-01T10:00"), RuleId::materials_agenda));
  s.extra.push_back("ATTACH:https://docs.gov.kz/agenda.pdf");
  CHECK_FALSE(has_rule(check_one(s, "2026-12-03T10:00"), RuleId::materials_agenda));
}

// --- duration.long -------------------------------------------------------------------------

TEST_CASE("duration.long: 91 minutes is a notice, 90 is not, a notice leaves the verdict ok (order p.2 sp.5)",
          "[rules]")
{
  auto long_one = check_one(internal("20261204T100000", "20261204T113100"));
  REQUIRE(has_rule(long_one, RuleId::duration_long));
  CHECK(long_one.verdict == Verdict::ok);
  CHECK_FALSE(has_rule(check_one(internal("20261204T100000", "20261204T113000")), RuleId::duration_long));
}

// --- conflict.busy -------------------------------------------------------------------------

TEST_CASE("conflict.busy: a minister in a Tuesday regime block is busy, the block's end is free (rec. ch.1, table)",
          "[rules]")
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
  CHECK(m.verdict == Verdict::warning);
  s.start = "20261201T120000";
  s.end = "20261201T130000";
  CHECK_FALSE(has_rule(check_one(s, "2026-11-24T09:00", &r), RuleId::conflict_busy));
}

TEST_CASE("conflict.busy: a representative busy in their calendar, the meeting itself is no conflict", "[rules]")
{
  const auto& cfg = demo_config();
  calendar::BusyCalendar busy(cfg.regime, almaty());
  busy.add("vice.minister17@economy.gov.kz", {at("2026-12-04T10:30"), at("2026-12-04T11:30"), "other", "Коллегия"});
  busy.add("vice.minister17@economy.gov.kz", {at("2026-12-04T09:00"), at("2026-12-04T12:00"), "test-1", "self"});
  auto run =
      check_text(event_ics(interagency("20261204T100000", "20261204T110000")), "2026-11-24T09:00", nullptr, &busy);
  REQUIRE(run.meetings.size() == 1);
  CHECK(count_rule(run.meetings[0], RuleId::conflict_busy) == 1);
  // The suggestions avoid the busy time: 09:00-10:00 is free, 09:45-10:45 is not.
  REQUIRE(run.meetings[0].suggested_slots.size() == 3);
  CHECK(almaty().iso(run.meetings[0].suggested_slots[0].start) == "2026-12-04T09:00:00+05:00");
  CHECK(almaty().iso(run.meetings[0].suggested_slots[1].start) == "2026-12-04T09:15:00+05:00");
  CHECK(almaty().iso(run.meetings[0].suggested_slots[2].start) == "2026-12-04T09:30:00+05:00");
}

// --- severities, verdicts ------------------------------------------------------------------

TEST_CASE("severity: a rule set to warning no longer invalidates the slot, off removes it", "[rules]")
{
  auto warn = regime_with(
      [](calendar::Regime& x) { x.severity[static_cast<std::size_t>(RuleId::hours_interagency)] = Severity::warning; });
  auto m = check_one(interagency("20261204T123000", "20261204T131500"), "2026-11-24T09:00", &warn);
  REQUIRE(has_rule(m, RuleId::hours_interagency));
  CHECK(m.verdict == Verdict::warning);
  auto off = regime_with(
      [](calendar::Regime& x) { x.severity[static_cast<std::size_t>(RuleId::hours_interagency)] = Severity::off; });
  m = check_one(interagency("20261204T123000", "20261204T131500"), "2026-11-24T09:00", &off);
  CHECK_FALSE(has_rule(m, RuleId::hours_interagency));
  CHECK(m.verdict == Verdict::ok);
}

TEST_CASE("findings carry rule id, decree reference and messages in ru, kk and en", "[rules]")
{
  auto m = check_one(interagency("20261204T123000", "20261204T131500"));
  REQUIRE(m.findings.size() == 1);
  const auto& f = m.findings[0];
  CHECK(calendar::rule_info(f.rule).name == "hours.interagency");
  CHECK(calendar::rule_info(f.rule).ref == "order p.2 sp.5-1");
  CHECK(calendar::render_message(f, calendar::Language::ru).find("09:00–13:00") != std::string::npos);
  CHECK(calendar::render_message(f, calendar::Language::en).find("two or more central") != std::string::npos);
  CHECK(calendar::render_message(f, calendar::Language::kk).find("орталық") != std::string::npos);
}

TEST_CASE("every rule has a name, an explanation and its reference in words in ru, kk and en, no Latin word in ru "
          "and kk (issue 25)",
          "[rules][words]")
{
  const std::regex latin("[A-Za-z]");
  for (const calendar::RuleInfo& r : calendar::all_rules()) {
    INFO(r.name);
    for (auto lang : {calendar::Language::ru, calendar::Language::kk, calendar::Language::en}) {
      for (std::string_view words : {calendar::rule_title(r.id, lang), calendar::rule_explanation(r.id, lang),
                                     calendar::rule_reference(r.id, lang)}) {
        CHECK_FALSE(words.empty());
        if (lang != calendar::Language::en) {
          CHECK_FALSE(std::regex_search(std::string(words), latin));
        }
      }
    }
    CHECK(calendar::rule_reference(r.id, calendar::Language::en) == r.ref);
  }
  // Names differ from rule to rule, in each language.
  for (auto lang : {calendar::Language::ru, calendar::Language::kk, calendar::Language::en}) {
    std::set<std::string_view> names;
    for (const calendar::RuleInfo& r : calendar::all_rules()) {
      names.insert(calendar::rule_title(r.id, lang));
    }
    CHECK(names.size() == calendar::all_rules().size());
  }
  CHECK(calendar::rule_title(RuleId::attendance_one_per_body, calendar::Language::ru) ==
        "Один представитель от органа");
  CHECK(calendar::rule_reference(RuleId::hours_interagency, calendar::Language::ru) == "распоряжение, п. 2, пп. 5-1");
}

TEST_CASE("a day.regime message names the kind and the weekdays in words in ru, kk and en (issue 25)", "[rules][words]")
{
  const calendar::Finding f{RuleId::day_regime, Severity::error, 0, {"kso_session", "2026-12-25 (friday)", "thursday"}};
  CHECK(
      calendar::render_message(f, calendar::Language::ru) ==
      "Совещание вида «заседание КСО» назначено на 2026-12-25 (пятница), а по Регламенту проводится в день: четверг.");
  CHECK(calendar::render_message(f, calendar::Language::kk) ==
        "«КМО отырысы» түріндегі кеңес 2026-12-25 (жұма) күніне белгіленген, ал Регламент бойынша өткізілетін күн: "
        "бейсенбі.");
  CHECK(calendar::render_message(f, calendar::Language::en) ==
        "A meeting of kind 'KSO session' is set on 2026-12-25 (Friday); the Regulation designates: Thursday.");
  // Every kind, and the days as the rule writes them, in every language: in words, no id left.
  for (const char* kind : {"selector", "operative", "government_session", "kso_session", "interagency", "internal"}) {
    const calendar::Finding g{
        RuleId::day_regime, Severity::error, 0, {kind, "2026-12-26 (saturday)", "monday, tuesday, wednesday"}};
    for (auto lang : {calendar::Language::ru, calendar::Language::kk, calendar::Language::en}) {
      const std::string text = calendar::render_message(g, lang);
      INFO(text);
      CHECK(text.find(std::string(calendar::id_words(lang, "kind", kind))) != std::string::npos);
      CHECK(text.find('_') == std::string::npos);
      for (const char* day : {"saturday", "monday", "tuesday", "wednesday"}) {
        CHECK(text.find(day) == std::string::npos);
      }
    }
  }
}

TEST_CASE("a day.non_working message names the weekday in words in ru, kk and en", "[rules][words]")
{
  const calendar::Finding f{RuleId::day_non_working, Severity::error, 0, {"2026-12-26 (saturday)", "", ""}};
  CHECK_THAT(calendar::render_message(f, calendar::Language::ru), Catch::Contains("(2026-12-26 (суббота))"));
  CHECK_THAT(calendar::render_message(f, calendar::Language::kk), Catch::Contains("(2026-12-26 (сенбі))"));
  CHECK_THAT(calendar::render_message(f, calendar::Language::en), Catch::Contains("(2026-12-26 (Saturday))"));
}

TEST_CASE("a competence message names the topics by the directory's names in the reader's language, a tag "
          "without a name as it is",
          "[rules][words]")
{
  calendar::Directory directory;
  directory.set_topics({{"economy", {{"ru", "экономика"}, {"kk", "экономика"}, {"en", "economy"}}},
                        {"health", {{"ru", "здравоохранение"}, {"kk", "денсаулық сақтау"}, {"en", "health care"}}}});
  const calendar::Finding chair{
      RuleId::agenda_chair_competence, Severity::notice, 0, {"Абишев Б.М.", "economy, budget", "health"}};
  CHECK(calendar::render_message(chair, calendar::Language::kk, directory) ==
        "Кеңес мәселелері (денсаулық сақтау) төрағалық етушінің Абишев Б.М. құзыретіне (экономика, budget) "
        "жатпайды; кеңес төрағалық етушінің құзыретіне жататын мәселелер бойынша өткізіледі.");
  const calendar::Finding invitee{
      RuleId::attendance_competence, Severity::warning, 0, {"Жакупов А.К.", "health", "Сейткали С."}};
  CHECK(calendar::render_message(invitee, calendar::Language::ru, directory) ==
        "Компетенция Жакупов А.К. не затрагивает вопросы совещания (здравоохранение); приглашается Сейткали С..");
  CHECK(calendar::render_message(invitee, calendar::Language::en, directory) ==
        "The competence of Жакупов А.К. does not touch the topics (health care); Сейткали С. is invited instead.");
  // Other rules are as render_message writes them.
  const calendar::Finding duration{RuleId::duration_long, Severity::notice, 0, {"150", "120", ""}};
  CHECK(calendar::render_message(duration, calendar::Language::kk, directory) ==
        calendar::render_message(duration, calendar::Language::kk));
}

// --- recurrence ----------------------------------------------------------------------------

TEST_CASE("recurrence: every occurrence is checked, a holiday occurrence is named by its start (rec. ch.1)",
          "[rules][recurrence]")
{
  EventSpec s = internal("20261202T100000", "20261202T110000");
  s.extra = {"RRULE:FREQ=WEEKLY;COUNT=4"};
  auto m = check_one(s);
  CHECK(m.occurrences == 4);
  REQUIRE(count_rule(m, RuleId::day_non_working) == 1);
  for (const auto& f : m.findings) {
    if (f.rule == RuleId::day_non_working) {
      CHECK(almaty().iso(f.occurrence) == "2026-12-16T10:00:00+05:00");
    }
  }
  CHECK(m.verdict == Verdict::invalid);
  // The suggestions are for that occurrence's date.
  REQUIRE_FALSE(m.suggested_slots.empty());
  CHECK(almaty().iso(m.suggested_slots[0].start) == "2026-12-18T09:00:00+05:00");
  // Only the holiday occurrence is invalid in the week grid.
  REQUIRE(m.occurrence_list.size() == 4);
  for (const auto& o : m.occurrence_list) {
    bool holiday = almaty().iso(o.start) == "2026-12-16T10:00:00+05:00";
    CHECK(o.verdict == (holiday ? Verdict::invalid : Verdict::ok));
    CHECK(o.end - o.start == 3600);
  }
}

TEST_CASE("recurrence: a moved occurrence is checked at its new start (RECURRENCE-ID override)", "[rules][recurrence]")
{
  std::string body = "BEGIN:VEVENT\nUID:series-1\nDTSTAMP:20261101T000000Z\nCREATED:20261101T000000Z\n"
                     "DTSTART;TZID=Asia/Almaty:20261204T100000\nDTEND;TZID=Asia/Almaty:20261204T110000\n"
                     "RRULE:FREQ=WEEKLY;COUNT=3\nSUMMARY:Совещание\nDESCRIPTION:Повестка\n"
                     "ORGANIZER:mailto:vice.minister8@minfin.gov.kz\nATTENDEE:mailto:vice.minister17@economy.gov.kz\n"
                     "CATEGORIES:budget\nEND:VEVENT\n"
                     "BEGIN:VEVENT\nUID:series-1\nDTSTAMP:20261101T000000Z\n"
                     "RECURRENCE-ID;TZID=Asia/Almaty:20261211T100000\n"
                     "DTSTART;TZID=Asia/Almaty:20261210T150000\nDTEND;TZID=Asia/Almaty:20261210T160000\n"
                     "SUMMARY:Совещание (перенос)\nDESCRIPTION:Повестка\n"
                     "ORGANIZER:mailto:vice.minister8@minfin.gov.kz\nATTENDEE:mailto:vice.minister17@economy.gov.kz\n"
                     "CATEGORIES:budget\nEND:VEVENT\n";
  auto run = check_text(vcalendar_raw(body));
  REQUIRE(run.meetings.size() == 1);
  const auto& m = run.meetings[0];
  CHECK(m.occurrences == 3);
  CHECK(count_rule(m, RuleId::day_regime) == 1);
  CHECK(count_rule(m, RuleId::hours_interagency) == 1);
  for (const auto& f : m.findings) {
    CHECK(almaty().iso(f.occurrence) == "2026-12-10T15:00:00+05:00");
  }
  CHECK(almaty().iso(m.start) == "2026-12-04T10:00:00+05:00");
}

TEST_CASE("recurrence: cancelled events and occurrences are not checked", "[rules][recurrence]")
{
  EventSpec s = internal("20261205T100000", "20261205T110000");
  s.extra = {"STATUS:CANCELLED"};
  CHECK(check_text(event_ics(s)).meetings.empty());
  EventSpec r = internal("20261202T100000", "20261202T110000");
  r.extra = {"RRULE:FREQ=WEEKLY;COUNT=3", "EXDATE;TZID=Asia/Almaty:20261216T100000"};
  auto m = check_one(r);
  CHECK(m.occurrences == 2);
  CHECK_FALSE(has_rule(m, RuleId::day_non_working));
}
