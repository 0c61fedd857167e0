// Who represents a body (SPEC §4, "Who represents a body"): the table of fitting ranks by chair,
// KSO members and approved substitutes, the choice and its tie-breaks, and the attendance.* findings.
#include "support/test_support.hpp"

#include "calendar/classify.hpp"
#include "calendar/representation.hpp"

#include <catch2/catch.hpp>

#include <utility>

using namespace kenes;
using namespace kenes::test;
using calendar::Rank;
using calendar::RuleId;
using calendar::Severity;

namespace {

using DroppedList = std::vector<std::pair<std::string, std::string>>; // attendee URI, rule name

DroppedList dropped(const calendar::CheckedMeeting& m)
{
  DroppedList out;
  for (const auto& d : m.dropped) {
    out.emplace_back(d.attendee, std::string(calendar::rule_info(d.rule).name));
  }
  return out;
}

std::vector<std::string> attendance_findings(const calendar::CheckedMeeting& m)
{
  std::vector<std::string> out;
  for (const auto& f : m.findings) {
    std::string name(calendar::rule_info(f.rule).name);
    if (name.rfind("attendance.", 0) == 0) {
      out.push_back(name);
    }
  }
  return out;
}

const calendar::Finding* first_finding(const calendar::CheckedMeeting& m, RuleId rule)
{
  for (const auto& f : m.findings) {
    if (f.rule == rule) {
      return &f;
    }
  }
  return nullptr;
}

// A Friday meeting at 10:00 chaired by `organizer`.
EventSpec meeting(const std::string& organizer, std::vector<std::string> attendees, std::vector<std::string> extra = {})
{
  EventSpec s;
  s.organizer = organizer;
  s.attendees = std::move(attendees);
  s.extra = std::move(extra);
  return s;
}

// Reads one event and classifies it against the demo directory.
struct Classified
{
  calendar::ReadResult read;
  calendar::MeetingFacts facts;
};

std::unique_ptr<Classified> classified(const EventSpec& spec, const config::Config& cfg = demo_config())
{
  auto out = std::make_unique<Classified>();
  calendar::ReadOptions opt;
  opt.zone = &almaty();
  opt.horizon_start = at("2026-01-01T00:00");
  opt.horizon_end = at("2027-06-01T00:00");
  out->read = calendar::read_icalendar(event_ics(spec), "test.ics", opt);
  if (out->read.series.size() != 1) {
    throw std::runtime_error("expected one series");
  }
  out->facts = calendar::classify(out->read.series[0].versions[0], *cfg.directory, cfg.regime);
  return out;
}

calendar::FittingRanks cell(const EventSpec& spec, const std::string& body_id)
{
  auto c = classified(spec);
  const calendar::Body* body = demo_config().directory->body(body_id);
  REQUIRE(body);
  return calendar::fitting_ranks(c->facts, *body, demo_config().regime);
}

// A config around an inline directory (config/directory_loader), with the demo holidays.
config::Config custom_config(const std::string& directory_json)
{
  std::string text = R"({"timezone": "Asia/Almaty", "directory": )" + directory_json +
                     R"(, "regime": {"holidays": ["2026-12-16", "2026-12-17"]}})";
  return config::parse_config(text, demo_dir() / "custom-test-config.json");
}

calendar::CheckedMeeting check_with(const config::Config& cfg, const EventSpec& spec,
                                    const calendar::BusyCalendar* busy = nullptr)
{
  calendar::BusyCalendar empty(cfg.regime, almaty());
  calendar::Instant now = at("2026-11-24T09:00");
  calendar::ReadOptions opt;
  opt.zone = &almaty();
  opt.horizon_start = now - 400 * 86400;
  opt.horizon_end = now + 90 * 86400;
  auto read = calendar::read_icalendar(event_ics(spec), "test.ics", opt);
  REQUIRE(read.series.size() == 1);
  calendar::CheckContext ctx{*cfg.directory, cfg.regime, almaty(), busy ? *busy : empty, now, std::nullopt};
  auto m = calendar::check_series(read.series[0], ctx);
  REQUIRE(m);
  return *m;
}

const std::string k_pm = "prime.minister1@primeminister.kz";
const std::string k_dpm = "deputy.prime.minister2@primeminister.kz";
const std::string k_vm8 = "vice.minister8@minfin.gov.kz";

} // namespace

// --- the table ------------------------------------------------------------------------------

TEST_CASE("representation table: the defaults are the four rows of SPEC §4 (order p.2 sp.2-3)", "[representation]")
{
  auto t = calendar::default_representation();
  REQUIRE(t.size() == 4);
  CHECK(t[0].chair == std::vector<Rank>{Rank::prime_minister});
  CHECK(t[0].speaker == std::optional<bool>(true));
  CHECK(t[0].central == std::vector<Rank>{Rank::minister});
  CHECK(t[0].local == std::vector<Rank>{Rank::akim});
  CHECK(t[1].chair == std::vector<Rank>{Rank::prime_minister});
  CHECK(t[1].speaker == std::optional<bool>(false));
  CHECK(t[1].central == std::vector<Rank>{Rank::vice_minister});
  CHECK(t[1].local == std::vector<Rank>{Rank::first_deputy_akim, Rank::deputy_akim});
  CHECK(t[2].chair == std::vector<Rank>{Rank::deputy_prime_minister, Rank::presidential_assistant,
                                        Rank::presidential_adviser, Rank::head_of_government_office, Rank::minister});
  CHECK_FALSE(t[2].speaker.has_value());
  CHECK(t[2].central == std::vector<Rank>{Rank::vice_minister});
  CHECK(t[2].local == std::vector<Rank>{Rank::first_deputy_akim, Rank::deputy_akim});
  CHECK(t[3].chair == std::vector<Rank>{Rank::vice_minister});
  CHECK(t[3].central == std::vector<Rank>{Rank::vice_minister, Rank::committee_chair, Rank::director});
  CHECK(t[3].local == std::vector<Rank>{Rank::head_of_department, Rank::deputy_akim});
  for (const auto& row : t) {
    CHECK_FALSE(row.any_central);
    CHECK_FALSE(row.any_local);
  }
}

TEST_CASE("representation: the PM's meeting, main speaker body -> minister / akim (order p.2 sp.2)", "[representation]")
{
  EventSpec s = meeting(
      k_pm, {";X-KENES-SPEAKER=TRUE:mailto:kense@minfin.gov.kz", ";X-KENES-SPEAKER=TRUE:mailto:kense@astana.gov.kz"});
  auto central = cell(s, "minfin");
  CHECK_FALSE(central.any);
  CHECK(central.ranks == std::vector<Rank>{Rank::minister});
  auto local = cell(s, "astana");
  CHECK_FALSE(local.any);
  CHECK(local.ranks == std::vector<Rank>{Rank::akim});
  auto m = check_one(s);
  CHECK(invited(m) == std::vector<std::string>{"minister7@minfin.gov.kz", "akim48@astana.gov.kz"});
  CHECK(m.dropped.empty());
  CHECK(attendance_findings(m).empty());
}

TEST_CASE("representation: the PM's meeting, other bodies -> vice minister / first deputy or deputy akim "
          "(order p.2 sp.2-3)",
          "[representation]")
{
  EventSpec s = meeting(k_pm, {"mailto:kense@minfin.gov.kz", "mailto:kense@astana.gov.kz",
                               ";X-KENES-SPEAKER=TRUE:mailto:kense@economy.gov.kz"});
  CHECK(cell(s, "minfin").ranks == std::vector<Rank>{Rank::vice_minister});
  CHECK(cell(s, "astana").ranks == std::vector<Rank>{Rank::first_deputy_akim, Rank::deputy_akim});
  CHECK(cell(s, "economy").ranks == std::vector<Rank>{Rank::minister}); // the speaker body in the same meeting
  auto m = check_one(s);
  CHECK(invited(m) == std::vector<std::string>{"vice.minister8@minfin.gov.kz", "first.deputy.akim49@astana.gov.kz",
                                               "minister15@economy.gov.kz"});
  // A topic only a deputy akim has: the most overlap wins over the first rank of the cell.
  s.extra = {"CATEGORIES:social"};
  m = check_one(s);
  CHECK(invited(m) == std::vector<std::string>{"vice.minister8@minfin.gov.kz", "deputy.akim50@astana.gov.kz",
                                               "minister15@economy.gov.kz"});
}

TEST_CASE("representation: Deputy PM, presidential assistant/adviser, Head of the Government Office and minister "
          "-> vice minister / deputy akims (order p.2 sp.3, rec. ch.3)",
          "[representation]")
{
  for (const std::string& chair :
       {k_dpm, std::string("presidential.assistant5@akorda.kz"), std::string("presidential.adviser6@akorda.kz"),
        std::string("head.of.government.office4@primeminister.kz"), std::string("minister15@economy.gov.kz")}) {
    INFO(chair);
    // The main speaker mark changes nothing for these chairs.
    EventSpec s = meeting(chair, {";X-KENES-SPEAKER=TRUE:mailto:kense@minfin.gov.kz", "mailto:kense@karaganda.gov.kz"});
    auto central = cell(s, "minfin");
    CHECK_FALSE(central.any);
    CHECK(central.ranks == std::vector<Rank>{Rank::vice_minister});
    auto local = cell(s, "karaganda");
    CHECK_FALSE(local.any);
    CHECK(local.ranks == std::vector<Rank>{Rank::first_deputy_akim, Rank::deputy_akim});
  }
  // The choice: the vice minister whose competence touches the topic.
  auto m =
      check_one(meeting(k_dpm, {"mailto:kense@minfin.gov.kz", "mailto:kense@karaganda.gov.kz"}, {"CATEGORIES:tax"}));
  CHECK(invited(m) == std::vector<std::string>{"vice.minister9@minfin.gov.kz", "first.deputy.akim82@karaganda.gov.kz"});
}

TEST_CASE("representation: a vice minister's meeting -> vice minister, committee chair, director / head of "
          "department, then deputy akim (order p.2 sp.3)",
          "[representation]")
{
  EventSpec s = meeting(k_vm8, {"mailto:kense@economy.gov.kz", "mailto:kense@astana.gov.kz"});
  CHECK(cell(s, "economy").ranks == std::vector<Rank>{Rank::vice_minister, Rank::committee_chair, Rank::director});
  CHECK(cell(s, "astana").ranks == std::vector<Rank>{Rank::head_of_department, Rank::deputy_akim});
  // No topics: the first rank of the cell, then directory order.
  CHECK(invited(check_one(s)) ==
        std::vector<std::string>{"vice.minister16@economy.gov.kz", "head.of.department53@astana.gov.kz"});
  // "digital": a head of department and a deputy akim touch it; the head of department's rank comes first.
  s.extra = {"CATEGORIES:digital"};
  CHECK(invited(check_one(s))[1] == "head.of.department56@astana.gov.kz");
  // "social": only a deputy akim touches it.
  s.extra = {"CATEGORIES:social"};
  CHECK(invited(check_one(s))[1] == "deputy.akim50@astana.gov.kz");
  // "budget" for economy: the vice minister, a committee chair and a director touch it; the vice minister wins.
  s.extra = {"CATEGORIES:budget"};
  CHECK(invited(check_one(s))[0] == "vice.minister17@economy.gov.kz");
}

TEST_CASE("representation: anyone else chairing -> any rank, no rank order (SPEC §4 table, last row)",
          "[representation]")
{
  for (const std::string& chair :
       {std::string("director13@minfin.gov.kz"), std::string("committee.chair10@minfin.gov.kz"),
        std::string("akim48@astana.gov.kz"), std::string("head.of.department53@astana.gov.kz"),
        std::string("outsider@example.com"), std::string("kense@minfin.gov.kz")}) {
    INFO(chair);
    EventSpec s = meeting(chair, {"mailto:kense@economy.gov.kz", "mailto:kense@karaganda.gov.kz"});
    CHECK(cell(s, "economy").any);
    CHECK(cell(s, "karaganda").any);
  }
  // No topics: directory order, the minister first; a topic: the first in directory order who touches it.
  EventSpec s = meeting("director13@minfin.gov.kz", {"mailto:kense@economy.gov.kz", "mailto:kense@karaganda.gov.kz"});
  CHECK(invited(check_one(s)) == std::vector<std::string>{"minister15@economy.gov.kz", "akim81@karaganda.gov.kz"});
  s.extra = {"CATEGORIES:budget"};
  CHECK(invited(check_one(s)) ==
        std::vector<std::string>{"minister15@economy.gov.kz", "first.deputy.akim82@karaganda.gov.kz"});
  // An invited director fits and is kept.
  s.attendees = {"mailto:director22@economy.gov.kz"};
  auto m = check_one(s);
  CHECK(invited(m) == std::vector<std::string>{"director22@economy.gov.kz"});
  CHECK(attendance_findings(m).empty());
}

TEST_CASE("representation: a body that is neither central nor local is represented at any rank (SPEC silent)",
          "[representation]")
{
  EventSpec s = meeting(k_vm8, {"mailto:priemnaya@primeminister.kz"}, {"CATEGORIES:education"});
  auto c = classified(s);
  const calendar::Body* gov = demo_config().directory->body("government");
  CHECK(calendar::fitting_ranks(c->facts, *gov, demo_config().regime).any);
  CHECK(invited(check_one(s)) == std::vector<std::string>{"deputy.prime.minister3@primeminister.kz"});
}

TEST_CASE("representation: a representation table from the config replaces the defaults (SPEC §4)", "[representation]")
{
  calendar::Regime r = demo_config().regime;
  r.representation = {{{Rank::vice_minister}, std::nullopt, {Rank::director}, false, {}, true}};
  auto m =
      check_one(meeting(k_vm8, {"mailto:kense@economy.gov.kz", "mailto:kense@astana.gov.kz"}), "2026-11-24T09:00", &r);
  CHECK(invited(m) == std::vector<std::string>{"director21@economy.gov.kz", "akim48@astana.gov.kz"});
}

// --- KSO, substitution ----------------------------------------------------------------------

TEST_CASE("representation: KSO members invited to their KSO session fit at any rank (order p.2 sp.2)",
          "[representation][kso]")
{
  EventSpec s = meeting(k_pm,
                        {"mailto:minister7@minfin.gov.kz", "mailto:minister15@economy.gov.kz",
                         "mailto:minister23@edu.gov.kz", "mailto:minister28@health.gov.kz"},
                        {"X-KENES-KIND:kso_session", "X-KENES-KSO:budget-commission"});
  s.start = "20261203T100000"; // Thursday
  s.end = "20261203T110000";
  auto m = check_one(s);
  CHECK(m.kind == calendar::Kind::kso_session);
  CHECK(invited(m) == std::vector<std::string>{"minister7@minfin.gov.kz", "minister15@economy.gov.kz",
                                               "minister23@edu.gov.kz", "minister28@health.gov.kz"});
  CHECK(m.dropped.empty());
  CHECK(attendance_findings(m).empty());

  // Without the KSO named, ministers do not fit the PM's meeting of non-speaker bodies.
  s.extra = {"X-KENES-KIND:kso_session"};
  m = check_one(s);
  CHECK(invited(m) == std::vector<std::string>{"vice.minister8@minfin.gov.kz", "vice.minister16@economy.gov.kz",
                                               "vice.minister24@edu.gov.kz", "vice.minister29@health.gov.kz"});
  CHECK(count_rule(m, RuleId::attendance_rank_level) == 4);

  // A KSO named on a meeting that is not a KSO session gives its members nothing.
  s.extra = {"X-KENES-KIND:operative", "X-KENES-KSO:budget-commission"};
  CHECK(count_rule(check_one(s), RuleId::attendance_rank_level) == 4);
}

TEST_CASE("representation: a body's group address in a KSO session -> its KSO member (order p.2 sp.2)",
          "[representation][kso]")
{
  EventSpec s = meeting(k_pm, {"mailto:kense@minfin.gov.kz", "mailto:kense@transport.gov.kz"},
                        {"X-KENES-KIND:kso_session", "X-KENES-KSO:budget-commission"});
  s.start = "20261203T100000";
  s.end = "20261203T110000";
  // The member ties with the vice ministers on the cell's first rank and comes first in the directory;
  // transport has no member.
  auto m = check_one(s);
  CHECK(invited(m) == std::vector<std::string>{"minister7@minfin.gov.kz", "vice.minister44@transport.gov.kz"});
  CHECK(attendance_findings(m).empty());
}

TEST_CASE("representation: a KSO member ranks as the cell's first rank, ahead of a deputy listed before them "
          "(SPEC §4 step 3)",
          "[representation][kso]")
{
  auto cfg = custom_config(R"({
    "bodies": [
      {"id": "gov", "kind": "government", "name": "Правительство", "domains": ["gov.test"],
       "officials": [{"email": "pm@gov.test", "name": "ПМ", "rank": "prime_minister"}]},
      {"id": "region", "kind": "local", "name": "Акимат области", "domains": ["region.test"],
       "group_address": "kense@region.test",
       "officials": [{"email": "d1@region.test", "name": "Д1", "rank": "deputy_akim"},
                     {"email": "d2@region.test", "name": "Д2", "rank": "deputy_akim"},
                     {"email": "h1@region.test", "name": "Х1", "rank": "head_of_department"}]}],
    "kso": [{"id": "k1", "name": "Комиссия", "members": ["d2@region.test", "h1@region.test"]}]})");
  EventSpec s = meeting("pm@gov.test", {"mailto:kense@region.test"}, {"X-KENES-KIND:kso_session", "X-KENES-KSO:k1"});
  s.start = "20261203T100000";
  s.end = "20261203T110000";
  auto m = check_with(cfg, s);
  REQUIRE(m.invitations.size() == 1);
  CHECK(m.invitations[0].official->email == "d2@region.test");
  // Not a KSO session: the plain cell, the deputy akim first in the directory.
  s.extra = {"X-KENES-KIND:operative"};
  m = check_with(cfg, s);
  REQUIRE(m.invitations.size() == 1);
  CHECK(m.invitations[0].official->email == "d1@region.test");
}

TEST_CASE("representation: an approved substitute of a first head fits (order p.2 sp.2, X-KENES-SUBSTITUTION)",
          "[representation]")
{
  EventSpec s =
      meeting(k_pm, {";X-KENES-SPEAKER=TRUE;X-KENES-SUBSTITUTION=APPROVED:mailto:vice.minister9@minfin.gov.kz"});
  auto m = check_one(s);
  CHECK(invited(m) == std::vector<std::string>{"vice.minister9@minfin.gov.kz"});
  CHECK(m.dropped.empty());
  CHECK(attendance_findings(m).empty());
  // Not approved: the vice minister does not fit the main speaker's cell; the minister is invited.
  s.attendees = {";X-KENES-SPEAKER=TRUE:mailto:vice.minister9@minfin.gov.kz"};
  m = check_one(s);
  CHECK(invited(m) == std::vector<std::string>{"minister7@minfin.gov.kz"});
  CHECK(dropped(m) == DroppedList{{"mailto:vice.minister9@minfin.gov.kz", "attendance.rank_level"}});
  CHECK(count_rule(m, RuleId::attendance_rank_level) == 1);
}

TEST_CASE("representation: an approved substitute ranks first when the minister is invited too (SPEC §4 step 3)",
          "[representation]")
{
  // Both fit and neither has the topics: the substitute ranks as "minister", ties, and the minister comes first in the
  // directory; the substitute is dropped as one of two of the body.
  EventSpec s = meeting(k_pm, {";X-KENES-SPEAKER=TRUE;X-KENES-SUBSTITUTION=APPROVED:mailto:director14@minfin.gov.kz",
                               "mailto:minister7@minfin.gov.kz"});
  auto m = check_one(s);
  CHECK(invited(m) == std::vector<std::string>{"minister7@minfin.gov.kz"});
  CHECK(dropped(m) == DroppedList{{"mailto:director14@minfin.gov.kz", "attendance.one_per_body"}});
  // With the minister busy, the substitute is chosen.
  calendar::BusyCalendar busy(demo_config().regime, almaty());
  busy.add("minister7@minfin.gov.kz", {at("2026-12-04T09:00"), at("2026-12-04T12:00"), "other", "Коллегия"});
  auto run = check_text(event_ics(s), "2026-11-24T09:00", nullptr, &busy);
  REQUIRE(run.meetings.size() == 1);
  CHECK(invited(run.meetings[0]) == std::vector<std::string>{"director14@minfin.gov.kz"});
}

// --- findings -------------------------------------------------------------------------------

TEST_CASE("attendance.one_per_body: two vice ministers of one body -> one invited, one finding per dropped person "
          "(rec. ch.1, rec. ch.4)",
          "[representation]")
{
  EventSpec s = meeting(k_vm8, {"mailto:vice.minister16@economy.gov.kz", "mailto:vice.minister17@economy.gov.kz"},
                        {"CATEGORIES:budget"});
  auto m = check_one(s);
  CHECK(invited(m) == std::vector<std::string>{"vice.minister17@economy.gov.kz"});
  CHECK(dropped(m) == DroppedList{{"mailto:vice.minister16@economy.gov.kz", "attendance.one_per_body"}});
  REQUIRE(count_rule(m, RuleId::attendance_one_per_body) == 1);
  const auto* f = first_finding(m, RuleId::attendance_one_per_body);
  CHECK(f->severity == Severity::warning);
  CHECK(f->args.a == "Тулегенова Т.Д. <vice.minister16@economy.gov.kz>");
  CHECK(f->args.b == "Министерство национальной экономики");
  CHECK(f->args.c == "Утебаева Е.А. <vice.minister17@economy.gov.kz>");
  CHECK(m.verdict == calendar::Verdict::warning);

  // Three invited, one of them not fitting: both others are dropped as one_per_body.
  s.attendees.push_back("mailto:deputy.committee.chair20@economy.gov.kz");
  m = check_one(s);
  CHECK(invited(m) == std::vector<std::string>{"vice.minister17@economy.gov.kz"});
  CHECK(dropped(m) == DroppedList{{"mailto:vice.minister16@economy.gov.kz", "attendance.one_per_body"},
                                  {"mailto:deputy.committee.chair20@economy.gov.kz", "attendance.one_per_body"}});
  CHECK(count_rule(m, RuleId::attendance_one_per_body) == 2);
  CHECK(count_rule(m, RuleId::attendance_rank_level) == 0);
}

TEST_CASE("attendance.one_per_body: the same official twice is one invitee (rec. ch.4)", "[representation]")
{
  auto m =
      check_one(meeting(k_vm8, {"mailto:vice.minister17@economy.gov.kz", "mailto:VICE.MINISTER17@economy.gov.kz"}));
  CHECK(invited(m) == std::vector<std::string>{"vice.minister17@economy.gov.kz"});
  CHECK(m.dropped.empty());
  CHECK(attendance_findings(m).empty());
}

TEST_CASE("attendance.rank_level: a minister invited to a Deputy PM's meeting is replaced by a vice minister "
          "(order p.2 sp.3, rec. ch.3)",
          "[representation]")
{
  auto m = check_one(meeting(k_dpm, {"mailto:minister15@economy.gov.kz"}, {"CATEGORIES:budget"}));
  CHECK(invited(m) == std::vector<std::string>{"vice.minister17@economy.gov.kz"});
  CHECK(dropped(m) == DroppedList{{"mailto:minister15@economy.gov.kz", "attendance.rank_level"}});
  REQUIRE(count_rule(m, RuleId::attendance_rank_level) == 1);
  const auto* f = first_finding(m, RuleId::attendance_rank_level);
  CHECK(f->args.a == "Калиева Д.Ж. <minister15@economy.gov.kz>");
  CHECK(f->args.c == "Утебаева Е.А. <vice.minister17@economy.gov.kz>");
  CHECK(attendance_findings(m) == std::vector<std::string>{"attendance.rank_level"});
}

TEST_CASE("attendance.competence: an invitee whose competence misses the topics while a colleague's touches them "
          "(rec. ch.3, rec. ch.4)",
          "[representation]")
{
  EventSpec s = meeting(k_vm8, {"mailto:vice.minister16@economy.gov.kz"}, {"CATEGORIES:budget"});
  auto m = check_one(s);
  CHECK(invited(m) == std::vector<std::string>{"vice.minister17@economy.gov.kz"});
  CHECK(dropped(m) == DroppedList{{"mailto:vice.minister16@economy.gov.kz", "attendance.competence"}});
  REQUIRE(count_rule(m, RuleId::attendance_competence) == 1);
  CHECK(first_finding(m, RuleId::attendance_competence)->args.b == "budget");
  // No topics, or topics no fitting official of the body touches: the invitee stays.
  for (std::vector<std::string> extra :
       {std::vector<std::string>{}, std::vector<std::string>{"CATEGORIES:transport"}}) {
    s.extra = extra;
    m = check_one(s);
    CHECK(invited(m) == std::vector<std::string>{"vice.minister16@economy.gov.kz"});
    CHECK(m.dropped.empty());
    CHECK(attendance_findings(m).empty());
  }
  // X-KENES-TOPIC counts as a topic too.
  s.extra = {"X-KENES-TOPIC:budget"};
  CHECK(count_rule(check_one(s), RuleId::attendance_competence) == 1);
}

TEST_CASE("attendance.no_representative: the nearest rank is chosen, or none (order p.2 sp.3)", "[representation]")
{
  auto cfg = custom_config(R"({
    "bodies": [
      {"id": "gov", "kind": "government", "name": "Правительство", "domains": ["gov.test"],
       "officials": [{"email": "dpm@gov.test", "name": "ЗПМ", "rank": "deputy_prime_minister"}]},
      {"id": "ministry", "kind": "central", "name": "Министерство А", "domains": ["ministry.test"],
       "group_address": "kense@ministry.test",
       "officials": [{"email": "dir@ministry.test", "name": "Директор", "rank": "director"},
                     {"email": "min@ministry.test", "name": "Министр", "rank": "minister"}]},
      {"id": "agency", "kind": "central", "name": "Агентство Б", "domains": ["agency.test"],
       "group_address": "kense@agency.test", "officials": []}]})");
  auto m = check_with(cfg, meeting("dpm@gov.test", {"mailto:kense@ministry.test", "mailto:kense@agency.test"}));
  REQUIRE(m.invitations.size() == 1);
  CHECK(m.invitations[0].official->email == "min@ministry.test"); // one step from vice minister, the director three
  REQUIRE(count_rule(m, RuleId::attendance_no_representative) == 2);
  std::vector<std::pair<std::string, std::string>> args;
  for (const auto& f : m.findings) {
    if (f.rule == RuleId::attendance_no_representative) {
      CHECK(f.severity == Severity::warning);
      args.emplace_back(f.args.a, f.args.b);
    }
  }
  CHECK(args == std::vector<std::pair<std::string, std::string>>{{"Министр <min@ministry.test>", "Министерство А"},
                                                                 {"", "Агентство Б"}});
  CHECK(m.dropped.empty());
  // The director invited on his own is not the nearest: he is dropped for rank and the minister is chosen.
  m = check_with(cfg, meeting("dpm@gov.test", {"mailto:dir@ministry.test"}));
  REQUIRE(m.invitations.size() == 1);
  CHECK(m.invitations[0].official->email == "min@ministry.test");
  CHECK(dropped(m) == DroppedList{{"mailto:dir@ministry.test", "attendance.rank_level"}});
  CHECK(count_rule(m, RuleId::attendance_no_representative) == 1);
}

// --- addresses ------------------------------------------------------------------------------

TEST_CASE("attendance.unknown: an address in no body is listed with body null and sent nothing (rec. ch.4)",
          "[representation]")
{
  auto m = check_one(meeting(k_vm8, {";CN=Гость:mailto:Guest@Example.com", "mailto:other@example.org",
                                     "mailto:other@example.org", "mailto:vice.minister17@economy.gov.kz"}));
  CHECK(invited(m) == std::vector<std::string>{"vice.minister17@economy.gov.kz"});
  REQUIRE(m.dropped.size() == 2); // the same attendee twice is listed once
  CHECK(m.dropped[0].body == nullptr);
  CHECK(m.dropped[0].attendee == "mailto:Guest@Example.com");
  CHECK(m.dropped[0].rule == RuleId::attendance_unknown);
  CHECK(m.dropped[1].body == nullptr);
  CHECK(m.dropped[1].attendee == "mailto:other@example.org");
  CHECK(count_rule(m, RuleId::attendance_unknown) == 2);
  const auto* f = first_finding(m, RuleId::attendance_unknown);
  CHECK(f->severity == Severity::notice);
  CHECK(f->args.a == "guest@example.com");
  CHECK(m.kind == calendar::Kind::interagency); // unknown attendees add no body
  CHECK(m.verdict == calendar::Verdict::ok);    // a notice alone
}

TEST_CASE("representation: a group address and a domain address name the body and are replaced, not listed "
          "(SPEC §3 bodies, §4 step 4)",
          "[representation]")
{
  for (const std::string& address : {std::string("kense@economy.gov.kz"), std::string("priemnaya@economy.gov.kz"),
                                     std::string("economy.gov.kz"), std::string("KENSE@ECONOMY.GOV.KZ")}) {
    INFO(address);
    auto m = check_one(meeting(k_vm8, {"mailto:" + address}, {"CATEGORIES:budget"}));
    CHECK(m.kind == calendar::Kind::interagency);
    CHECK(invited(m) == std::vector<std::string>{"vice.minister17@economy.gov.kz"});
    CHECK(m.dropped.empty());
    CHECK(attendance_findings(m).empty());
  }
  // The group address beside an invited official: the official is one of one, the group address is not counted.
  auto m = check_one(meeting(k_vm8, {"mailto:kense@economy.gov.kz", "mailto:vice.minister16@economy.gov.kz"}));
  CHECK(invited(m) == std::vector<std::string>{"vice.minister16@economy.gov.kz"});
  CHECK(m.dropped.empty());
}

TEST_CASE("representation: attendees of the chair's own body are left to the chair (rec. ch.4, SPEC §4)",
          "[representation]")
{
  auto m = check_one(meeting(k_vm8, {"mailto:minister7@minfin.gov.kz", "mailto:director13@minfin.gov.kz",
                                     "mailto:director14@minfin.gov.kz", "mailto:vice.minister17@economy.gov.kz"}));
  CHECK(invited(m) == std::vector<std::string>{"vice.minister17@economy.gov.kz"});
  CHECK(m.dropped.empty());
  CHECK(attendance_findings(m).empty());
  // An internal meeting: no one to choose.
  m = check_one(meeting(k_vm8, {"mailto:director13@minfin.gov.kz", "mailto:director14@minfin.gov.kz"}));
  CHECK(m.kind == calendar::Kind::internal);
  CHECK(m.invitations.empty());
  CHECK(m.dropped.empty());
}

TEST_CASE("representation: a tie goes to one free in the slot, then to directory order (SPEC §4 step 3)",
          "[representation]")
{
  EventSpec s = meeting(k_vm8, {"mailto:kense@economy.gov.kz"});
  CHECK(invited(check_one(s)) == std::vector<std::string>{"vice.minister16@economy.gov.kz"});
  const auto& cfg = demo_config();
  calendar::BusyCalendar busy(cfg.regime, almaty());
  busy.add("vice.minister16@economy.gov.kz", {at("2026-12-04T10:30"), at("2026-12-04T11:30"), "other", "Коллегия"});
  auto run = check_text(event_ics(s), "2026-11-24T09:00", nullptr, &busy);
  REQUIRE(run.meetings.size() == 1);
  CHECK(invited(run.meetings[0]) == std::vector<std::string>{"vice.minister17@economy.gov.kz"});
  CHECK_FALSE(has_rule(run.meetings[0], RuleId::conflict_busy));
  // Busy outside the slot changes nothing.
  calendar::BusyCalendar later(cfg.regime, almaty());
  later.add("vice.minister16@economy.gov.kz", {at("2026-12-04T11:00"), at("2026-12-04T12:00"), "other", "Коллегия"});
  run = check_text(event_ics(s), "2026-11-24T09:00", nullptr, &later);
  CHECK(invited(run.meetings[0]) == std::vector<std::string>{"vice.minister16@economy.gov.kz"});
  // Both busy: directory order again.
  busy.add("vice.minister17@economy.gov.kz", {at("2026-12-04T10:00"), at("2026-12-04T10:15"), "other2", "Совет"});
  run = check_text(event_ics(s), "2026-11-24T09:00", nullptr, &busy);
  CHECK(invited(run.meetings[0]) == std::vector<std::string>{"vice.minister16@economy.gov.kz"});
}

TEST_CASE("representation: among several invitees a tie goes to directory order, not the order of invitation "
          "(SPEC §4 steps 2-3)",
          "[representation]")
{
  auto m = check_one(meeting(k_dpm, {"mailto:vice.minister9@minfin.gov.kz", "mailto:vice.minister8@minfin.gov.kz"}));
  CHECK(invited(m) == std::vector<std::string>{"vice.minister8@minfin.gov.kz"});
  CHECK(dropped(m) == DroppedList{{"mailto:vice.minister9@minfin.gov.kz", "attendance.one_per_body"}});
  // The one busy in the slot gives way.
  calendar::BusyCalendar busy(demo_config().regime, almaty());
  busy.add("vice.minister8@minfin.gov.kz", {at("2026-12-04T10:00"), at("2026-12-04T11:00"), "other", "Коллегия"});
  auto run = check_text(
      event_ics(meeting(k_dpm, {"mailto:vice.minister8@minfin.gov.kz", "mailto:vice.minister9@minfin.gov.kz"})),
      "2026-11-24T09:00", nullptr, &busy);
  CHECK(invited(run.meetings[0]) == std::vector<std::string>{"vice.minister9@minfin.gov.kz"});
}

TEST_CASE("representation: ROLE=NON-PARTICIPANT attendees are listed but not counted (SPEC §3 bodies)",
          "[representation]")
{
  EventSpec s = meeting(k_vm8, {";ROLE=NON-PARTICIPANT:mailto:minister15@economy.gov.kz",
                                ";ROLE=NON-PARTICIPANT:mailto:observer@example.com",
                                ";ROLE=NON-PARTICIPANT:mailto:kense@astana.gov.kz"});
  auto c = classified(s);
  CHECK(c->read.series[0].versions[0].attendees.size() == 3);
  CHECK(c->facts.counted.empty());
  CHECK(c->facts.bodies.size() == 1);
  auto m = check_one(s);
  CHECK(m.kind == calendar::Kind::internal);
  CHECK(m.invitations.empty());
  CHECK(m.dropped.empty());
  CHECK(attendance_findings(m).empty());
  CHECK_FALSE(has_rule(m, RuleId::format_remote_preferred));
  // An optional participant is counted.
  s.attendees = {";ROLE=OPT-PARTICIPANT:mailto:vice.minister17@economy.gov.kz"};
  CHECK(invited(check_one(s)) == std::vector<std::string>{"vice.minister17@economy.gov.kz"});
}

TEST_CASE("representation: «Докладчик:» and «Замена согласована:» in DESCRIPTION work as X-KENES-SPEAKER and "
          "X-KENES-SUBSTITUTION (order p.2 sp.2, SPEC §3 organizer)",
          "[representation]")
{
  EventSpec s = meeting(k_pm, {"mailto:kense@minfin.gov.kz"});
  s.description = "Повестка: исполнение бюджета.\\nДокладчик: Министерство финансов";
  CHECK(invited(check_one(s)) == std::vector<std::string>{"minister7@minfin.gov.kz"});
  s.attendees = {"mailto:vice.minister9@minfin.gov.kz"};
  s.description = "Повестка.\\nОсновной докладчик: Минфин\\nЗамена согласована: Касымова Ж.А.";
  // No short name in the demo directory: «Минфин» names nothing, so the body is no speaker and the vice minister fits.
  CHECK(invited(check_one(s)) == std::vector<std::string>{"vice.minister9@minfin.gov.kz"});
  s.description = "Повестка.\\nОсновной докладчик: minfin\\nЗамена согласована: Касымова Ж.А.";
  auto m = check_one(s);
  CHECK(invited(m) == std::vector<std::string>{"vice.minister9@minfin.gov.kz"});
  CHECK(m.dropped.empty());
  s.description = "Повестка.\\nОсновной докладчик: minfin";
  m = check_one(s);
  CHECK(invited(m) == std::vector<std::string>{"minister7@minfin.gov.kz"});
  CHECK(dropped(m) == DroppedList{{"mailto:vice.minister9@minfin.gov.kz", "attendance.rank_level"}});
}

TEST_CASE("representation: who is not invited reads as a sentence, who, which body, why and who instead, in ru, kk "
          "and en (issue 25)",
          "[representation][words]")
{
  const calendar::Directory& dir = *demo_config().directory;
  const calendar::Body* economy = dir.body("economy");
  REQUIRE(economy);
  const calendar::Official* v17 = dir.lookup("vice.minister17@economy.gov.kz")->official;
  const std::vector<calendar::Invitation> invited{{economy, v17}};
  const calendar::Dropped v16{economy, "mailto:Vice.Minister16@economy.gov.kz", RuleId::attendance_one_per_body};
  CHECK(calendar::explain_dropped(v16, dir, invited, calendar::Language::ru) ==
        "Тулегенова Т.Д. (Министерство национальной экономики) не приглашается: от органа приглашается один "
        "представитель — Утебаева Е.А.");
  CHECK(calendar::explain_dropped(v16, dir, invited, calendar::Language::kk) ==
        "Тулегенова Т.Д. (Министерство национальной экономики) шақырылмайды: органнан бір ғана өкіл шақырылады — "
        "Утебаева Е.А.");
  CHECK(calendar::explain_dropped(v16, dir, invited, calendar::Language::en) ==
        "Тулегенова Т.Д. (Министерство национальной экономики) is not invited: one representative per body is "
        "invited — Утебаева Е.А.");
  // Rank and competence say so; with no one invited from the body, the sentence ends at why.
  const calendar::Dropped rank{economy, "mailto:vice.minister16@economy.gov.kz", RuleId::attendance_rank_level};
  CHECK(calendar::explain_dropped(rank, dir, {}, calendar::Language::ru) ==
        "Тулегенова Т.Д. (Министерство национальной экономики) не приглашается: должность не соответствует уровню "
        "председательствующего.");
  const calendar::Dropped topic{economy, "mailto:vice.minister16@economy.gov.kz", RuleId::attendance_competence};
  CHECK(calendar::explain_dropped(topic, dir, invited, calendar::Language::ru) ==
        "Тулегенова Т.Д. (Министерство национальной экономики) не приглашается: вопросы совещания не относятся к "
        "компетенции; приглашается Утебаева Е.А.");
  // An address in no body is named by itself.
  const calendar::Dropped stranger{nullptr, "MAILTO:konsultant@egov-partner.kz", RuleId::attendance_unknown};
  CHECK(calendar::explain_dropped(stranger, dir, invited, calendar::Language::ru) ==
        "konsultant@egov-partner.kz не приглашается: адреса нет в справочнике органов, ему ничего не отправляется.");
}
