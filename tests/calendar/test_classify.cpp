// Reading a VEVENT as the regime sees it (SPEC §3): chair, kind, format, bodies, speaker, topics,
// KSO and venue — every path of calendar/classify.cpp.
#include "support/test_support.hpp"

#include "calendar/classify.hpp"

#include <catch2/catch.hpp>

using namespace kenes;
using namespace kenes::test;
using calendar::Format;
using calendar::Kind;
using calendar::Venue;

namespace {

// The read event stays alive beside its facts (they point into it).
struct Classified
{
  calendar::ReadResult read;
  calendar::MeetingFacts facts;
};
struct Facts
{
  std::unique_ptr<Classified> p;
  const calendar::MeetingFacts* operator->() const { return &p->facts; }
};

Facts classify(const EventSpec& spec, const calendar::Regime* regime = nullptr,
               const calendar::Directory* directory = nullptr)
{
  auto out = std::make_unique<Classified>();
  calendar::ReadOptions opt;
  opt.zone = &almaty();
  opt.horizon_start = at("2026-01-01T00:00");
  opt.horizon_end = at("2027-06-01T00:00");
  out->read = calendar::read_icalendar(event_ics(spec), "test.ics", opt);
  REQUIRE(out->read.series.size() == 1);
  out->facts = calendar::classify(out->read.series[0].versions[0], directory ? *directory : *demo_config().directory,
                                  regime ? *regime : demo_config().regime);
  return Facts{std::move(out)};
}

EventSpec spec(const std::string& summary, std::vector<std::string> extra = {},
               std::vector<std::string> attendees = {"mailto:vice.minister17@economy.gov.kz"})
{
  EventSpec s;
  s.summary = summary;
  s.organizer = "vice.minister8@minfin.gov.kz";
  s.attendees = std::move(attendees);
  s.extra = std::move(extra);
  return s;
}

std::vector<std::string> body_ids(const std::vector<const calendar::Body*>& bodies)
{
  std::vector<std::string> out;
  for (const auto* b : bodies) {
    out.push_back(b->id);
  }
  return out;
}

} // namespace

// --- kind -----------------------------------------------------------------------------------

TEST_CASE("classify kind: X-KENES-KIND comes first, any case (SPEC §3)", "[classify]")
{
  CHECK(classify(spec("Заседание Правительства", {"X-KENES-KIND:interagency"}))->kind == Kind::interagency);
  CHECK(classify(spec("Совещание", {"X-KENES-KIND:KSO_SESSION", "CATEGORIES:selector"}))->kind == Kind::kso_session);
  for (auto k : {Kind::selector, Kind::operative, Kind::government_session, Kind::kso_session, Kind::interagency,
                 Kind::internal}) {
    INFO(calendar::to_string(k));
    CHECK(classify(spec("Совещание", {"X-KENES-KIND:" + std::string(calendar::to_string(k))}))->kind == k);
  }
}

TEST_CASE("classify kind: an unknown X-KENES-KIND falls through to the next path (SPEC §3)", "[classify]")
{
  CHECK(classify(spec("Оперативное совещание", {"X-KENES-KIND:brainstorm"}))->kind == Kind::operative);
  CHECK(classify(spec("Совещание", {"X-KENES-KIND:brainstorm"}))->kind == Kind::interagency);
}

TEST_CASE("classify kind: a CATEGORIES value equal to a kind token, before the lexicon (SPEC §3)", "[classify]")
{
  CHECK(classify(spec("Заседание Правительства", {"CATEGORIES:budget,Operative"}))->kind == Kind::operative);
  CHECK(classify(spec("Совещание", {"CATEGORIES:budget", "CATEGORIES:internal"}))->kind == Kind::internal);
  // Not a token: a topic, and the lexicon decides.
  CHECK(classify(spec("Селекторное совещание", {"CATEGORIES:operatives"}))->kind == Kind::selector);
}

TEST_CASE("classify kind: the default lexicon in SUMMARY, case-insensitive (SPEC §3)", "[classify]")
{
  CHECK(classify(spec("СЕЛЕКТОРНОЕ совещание"))->kind == Kind::selector);
  CHECK(classify(spec("Оперативное совещание"))->kind == Kind::operative);
  CHECK(classify(spec("заседание ПРАВИТЕЛЬСТВА"))->kind == Kind::government_session);
  CHECK(classify(spec("Заседание КСО по бюджету"))->kind == Kind::kso_session);
  CHECK(classify(spec("Заседание Республиканской бюджетной комиссии"))->kind == Kind::kso_session);
  CHECK(classify(spec("Заседание Национального совета"))->kind == Kind::kso_session);
  // Kazakh defaults.
  CHECK(classify(spec("Үкімет отырысы"))->kind == Kind::government_session);
  CHECK(classify(spec("Жедел кеңес"))->kind == Kind::operative);
}

TEST_CASE("classify kind: words of several kinds -> government_session, kso_session, selector, operative (SPEC §3)",
          "[classify]")
{
  CHECK(classify(spec("Оперативное селекторное совещание"))->kind == Kind::selector);
  CHECK(classify(spec("Селекторное заседание комиссии"))->kind == Kind::kso_session);
  CHECK(classify(spec("Оперативное заседание Правительства, селектор, совета"))->kind == Kind::government_session);
}

TEST_CASE("classify kind: a configured lexicon replaces the defaults of its kind (SPEC §3, §11 lexicon)", "[classify]")
{
  std::string text = R"({"timezone": "Asia/Almaty", "directory": "directory.json",
                         "regime": {"lexicon": {"kind": {"operative": ["Летучка"]},
                                                "format": {"video": ["Zoom"]}}}})";
  auto cfg = config::parse_config(text, demo_dir() / "lexicon-test.json");
  CHECK(classify(spec("Летучка у министра"), &cfg.regime)->kind == Kind::operative);
  CHECK(classify(spec("Оперативное совещание"), &cfg.regime)->kind == Kind::interagency); // replaced
  CHECK(classify(spec("Селекторное совещание"), &cfg.regime)->kind == Kind::selector);    // kept
  CHECK(classify(spec("Совещание", {"LOCATION:ZOOM, комната 5"}), &cfg.regime)->format == Format::video);
  CHECK(classify(spec("Совещание", {"LOCATION:ВКС"}), &cfg.regime)->format == Format::in_person);
  CHECK(classify(spec("Селекторное совещание"), &cfg.regime)->format == Format::selector);
}

TEST_CASE("classify kind: else interagency with two or more bodies, internal with one (SPEC §3)", "[classify]")
{
  auto two = classify(spec("Совещание"));
  CHECK(two->kind == Kind::interagency);
  CHECK(body_ids(two->bodies) == std::vector<std::string>{"minfin", "economy"});
  auto one = classify(spec("Совещание", {}, {"mailto:director13@minfin.gov.kz"}));
  CHECK(one->kind == Kind::internal);
  CHECK(body_ids(one->bodies) == std::vector<std::string>{"minfin"});
  // A group address counts as its body; unknown and non-participant attendees do not count.
  CHECK(classify(spec("Совещание", {}, {"mailto:kense@astana.gov.kz"}))->kind == Kind::interagency);
  CHECK(
      classify(spec("Совещание", {}, {"mailto:guest@example.com", ";ROLE=NON-PARTICIPANT:mailto:akim48@astana.gov.kz"}))
          ->kind == Kind::internal);
  // An unknown chair with attendees of two bodies.
  EventSpec s = spec("Совещание", {}, {"mailto:vice.minister17@economy.gov.kz", "mailto:akim48@astana.gov.kz"});
  s.organizer = "secretary@example.com";
  auto m = classify(s);
  CHECK(m->kind == Kind::interagency);
  CHECK(m->chair_body == nullptr);
  CHECK(body_ids(m->bodies) == std::vector<std::string>{"economy", "astana"});
}

// --- format ---------------------------------------------------------------------------------

TEST_CASE("classify format: X-KENES-FORMAT first, all four values (SPEC §3)", "[classify]")
{
  CHECK(classify(spec("Селекторное совещание", {"X-KENES-FORMAT:in_person", "LOCATION:ВКС"}))->format ==
        Format::in_person);
  CHECK(classify(spec("Совещание", {"X-KENES-FORMAT:Selector"}))->format == Format::selector);
  CHECK(classify(spec("Совещание", {"X-KENES-FORMAT:video"}))->format == Format::video);
  CHECK(classify(spec("Совещание", {"X-KENES-FORMAT:hybrid"}))->format == Format::hybrid);
  // Unknown: falls through.
  CHECK(classify(spec("Совещание по ВКС", {"X-KENES-FORMAT:telepathy"}))->format == Format::video);
  CHECK(classify(spec("Совещание", {"X-KENES-FORMAT:telepathy"}))->format == Format::in_person);
}

TEST_CASE("classify format: a CONFERENCE property (RFC 7986) -> video (SPEC §3)", "[classify]")
{
  CHECK(classify(spec("Селекторное совещание", {"CONFERENCE;VALUE=URI;FEATURE=VIDEO:https://meet.example.kz/r/1"}))
            ->format == Format::video);
}

TEST_CASE("classify format: a configured video host in LOCATION or URL -> video (SPEC §3)", "[classify]")
{
  calendar::Regime r = demo_config().regime;
  r.video_hosts = {"vks.gov.kz"};
  CHECK(classify(spec("Совещание", {"LOCATION:https://VKS.gov.kz/room/12"}), &r)->format == Format::video);
  CHECK(classify(spec("Совещание", {"URL:https://vks.gov.kz/room/12"}), &r)->format == Format::video);
  CHECK(classify(spec("Совещание", {"URL:https://vks.gov.kz/room/12"}))->format == Format::in_person); // no hosts
  CHECK(classify(spec("Совещание", {"URL:https://example.kz/agenda"}), &r)->format == Format::in_person);
  // The host beats a selector keyword.
  CHECK(classify(spec("Селекторное совещание", {"LOCATION:vks.gov.kz"}), &r)->format == Format::video);
}

TEST_CASE("classify format: the vks config's hosts and link template host are video hosts (SPEC §11)", "[classify]")
{
  std::string text = R"({"timezone": "Asia/Almaty", "directory": "directory.json",
                         "vks": {"link_template": "https://Meet.Gov.kz/{uid}", "hosts": ["VKS.Example.kz"]}})";
  auto cfg = config::parse_config(text, demo_dir() / "vks-test.json");
  CHECK(classify(spec("Совещание", {"URL:https://meet.gov.kz/abc"}), &cfg.regime)->format == Format::video);
  CHECK(classify(spec("Совещание", {"LOCATION:vks.example.kz"}), &cfg.regime)->format == Format::video);
}

TEST_CASE("classify format: lexicon keywords in LOCATION or SUMMARY, video before selector (SPEC §3)", "[classify]")
{
  CHECK(classify(spec("Совещание", {"LOCATION:Зал ВКС, 3 этаж"}))->format == Format::video);
  CHECK(classify(spec("Совещание в режиме видеоконференцсвязи"))->format == Format::video);
  CHECK(classify(spec("Бейнеконференц байланыс арқылы кеңес"))->format == Format::video);
  CHECK(classify(spec("Совещание", {"LOCATION:Селекторная"}))->format == Format::selector);
  CHECK(classify(spec("Селекторное совещание"))->format == Format::selector);
  CHECK(classify(spec("Селекторное совещание", {"LOCATION:зал вкс"}))->format == Format::video);
  CHECK(classify(spec("Совещание", {"LOCATION:Дом министерств, зал 5"}))->format == Format::in_person);
}

// --- chair, bodies, speaker, topics, KSO ---------------------------------------------------

TEST_CASE("classify chair: the ATTENDEE with ROLE=CHAIR, else the ORGANIZER (SPEC §3)", "[classify]")
{
  EventSpec s =
      spec("Совещание", {},
           {";ROLE=CHAIR:mailto:Deputy.Prime.Minister2@primeminister.kz", "mailto:vice.minister17@economy.gov.kz"});
  s.organizer = "secretary@primeminister.kz";
  auto m = classify(s);
  CHECK(m->chair_address == "deputy.prime.minister2@primeminister.kz");
  CHECK(m->chair_uri == "mailto:Deputy.Prime.Minister2@primeminister.kz");
  REQUIRE(m->chair_official);
  CHECK(m->chair_official->rank == calendar::Rank::deputy_prime_minister);
  CHECK(m->chair_body->id == "government");
  REQUIRE(m->counted.size() == 1); // the chair is not counted among the attendees
  CHECK(m->counted[0].official->email == "vice.minister17@economy.gov.kz");

  auto o = classify(spec("Совещание"));
  CHECK(o->chair_address == "vice.minister8@minfin.gov.kz");
  CHECK(o->chair_official->email == "vice.minister8@minfin.gov.kz");

  // The organizer listed among the attendees is the chair, not a participant.
  auto self = classify(spec("Совещание", {}, {"mailto:vice.minister8@minfin.gov.kz"}));
  CHECK(self->counted.empty());
  CHECK(self->kind == Kind::internal);

  // No organizer and no chair: no chair, venue unknown.
  EventSpec none = spec("Совещание", {}, {"mailto:vice.minister17@economy.gov.kz"});
  none.organizer = "";
  auto n = classify(none);
  CHECK(n->chair_address.empty());
  CHECK(n->chair_body == nullptr);
  CHECK(n->chair_official == nullptr);
  CHECK(n->venue == Venue::unknown);
  CHECK(n->kind == Kind::internal);
}

TEST_CASE("classify bodies: official, group address, domain, unknown (SPEC §3 bodies)", "[classify]")
{
  auto m = classify(spec("Совещание", {},
                         {"mailto:vice.minister17@economy.gov.kz", "mailto:kense@astana.gov.kz",
                          "mailto:press@edu.gov.kz", "mailto:guest@example.com"}));
  REQUIRE(m->counted.size() == 4);
  CHECK(m->counted[0].official->email == "vice.minister17@economy.gov.kz");
  CHECK(m->counted[0].body->id == "economy");
  CHECK(m->counted[1].body->id == "astana");
  CHECK(m->counted[1].official == nullptr);
  CHECK(m->counted[2].body->id == "edu");
  CHECK(m->counted[2].official == nullptr);
  CHECK(m->counted[3].body == nullptr);
  CHECK(body_ids(m->bodies) == std::vector<std::string>{"minfin", "economy", "astana", "edu"});
  CHECK(m->central_body_count() == 3);
  CHECK(m->has_central());
  CHECK(m->has_local());
}

TEST_CASE("classify speaker: X-KENES-SPEAKER=TRUE marks the attendee's body (SPEC §3)", "[classify]")
{
  auto m = classify(
      spec("Совещание", {},
           {";X-KENES-SPEAKER=TRUE:mailto:vice.minister17@economy.gov.kz",
            ";X-KENES-SPEAKER=true:mailto:kense@astana.gov.kz", ";X-KENES-SPEAKER=FALSE:mailto:kense@edu.gov.kz",
            ";X-KENES-SPEAKER=TRUE:mailto:guest@example.com"}));
  CHECK(body_ids(m->speaker_bodies) == std::vector<std::string>{"economy", "astana"});
}

TEST_CASE("classify topics: CATEGORIES that are not kind tokens, and X-KENES-TOPIC, lower case, once (SPEC §3)",
          "[classify]")
{
  auto m = classify(spec("Совещание", {"CATEGORIES:Budget, operative,TAX", "CATEGORIES:budget,Бюджет",
                                       "X-KENES-TOPIC:Education,tax", "X-KENES-TOPIC:health"}));
  CHECK(m->topics == std::vector<std::string>{"budget", "tax", "бюджет", "education", "health"});
  CHECK(m->kind == Kind::operative);
  CHECK(classify(spec("Совещание"))->topics.empty());
}

TEST_CASE("classify KSO: X-KENES-KSO names a KSO of the directory's list (SPEC §3)", "[classify]")
{
  auto m = classify(spec("Заседание комиссии", {"X-KENES-KSO:budget-commission"}));
  REQUIRE(m->kso);
  CHECK(m->kso->id == "budget-commission");
  CHECK(m->kso->members.size() == 4);
  CHECK(m->kind == Kind::kso_session);
  CHECK(classify(spec("Заседание комиссии", {"X-KENES-KSO:no-such-kso"}))->kso == nullptr);
  CHECK(classify(spec("Заседание комиссии"))->kso == nullptr);
}

// --- venue ----------------------------------------------------------------------------------

TEST_CASE("classify venue: government for PM, Deputy PM, Head of the Government Office (SPEC §3)", "[classify]")
{
  for (std::string chair : {"prime.minister1@primeminister.kz", "deputy.prime.minister3@primeminister.kz",
                            "head.of.government.office4@primeminister.kz"}) {
    INFO(chair);
    EventSpec s = spec("Совещание");
    s.organizer = chair;
    CHECK(classify(s)->venue == Venue::government);
  }
}

TEST_CASE("classify venue: a Government session is in the Government whoever chairs it (SPEC §3)", "[classify]")
{
  for (std::string chair : {"vice.minister8@minfin.gov.kz", "presidential.assistant5@akorda.kz", "akim48@astana.gov.kz",
                            "secretary@example.com"}) {
    INFO(chair);
    EventSpec s = spec("Заседание Правительства");
    s.organizer = chair;
    CHECK(classify(s)->venue == Venue::government);
  }
  EventSpec none = spec("Заседание Правительства");
  none.organizer = "";
  CHECK(classify(none)->venue == Venue::government);
}

TEST_CASE("classify venue: presidential assistant or adviser -> presidential_administration (SPEC §3)", "[classify]")
{
  for (std::string chair :
       {"presidential.assistant5@akorda.kz", "presidential.adviser6@akorda.kz", "office@akorda.kz"}) {
    INFO(chair);
    EventSpec s = spec("Совещание");
    s.organizer = chair;
    CHECK(classify(s)->venue == Venue::presidential_administration);
  }
}

TEST_CASE("classify venue: else the chair's body kind (SPEC §3)", "[classify]")
{
  EventSpec s = spec("Совещание");
  s.organizer = "minister7@minfin.gov.kz";
  CHECK(classify(s)->venue == Venue::central);
  s.organizer = "akim48@astana.gov.kz";
  CHECK(classify(s)->venue == Venue::local);
  s.organizer = "kense@karaganda.gov.kz"; // the body's group address
  CHECK(classify(s)->venue == Venue::local);
  s.organizer = "reception@primeminister.kz"; // the Government's domain, no official
  CHECK(classify(s)->venue == Venue::government);
  s.organizer = "guest@example.com";
  CHECK(classify(s)->venue == Venue::unknown);

  auto cfg = config::parse_config(R"({"timezone": "Asia/Almaty", "directory": {"bodies": [
      {"id": "mazhilis", "kind": "parliament", "name": "Мажилис", "domains": ["parlam.kz"],
       "officials": [{"email": "deputy@parlam.kz", "name": "Депутат", "rank": "director"}]}]}})",
                                  demo_dir() / "parliament-test.json");
  s.organizer = "deputy@parlam.kz";
  s.attendees = {};
  auto m = classify(s, &cfg.regime, cfg.directory.get());
  CHECK(m->venue == Venue::parliament);
  CHECK(m->kind == Kind::internal);
}

// --- issue 21: one body alone, and what an organizer can write ------------------------------

TEST_CASE("classify kind: one body alone is internal whatever its SUMMARY says, unless X-KENES-KIND (SPEC §3)",
          "[classify]")
{
  // An akimat's attestation commission: «комиссии» is a KSO word of the lexicon.
  EventSpec s = spec("Заседание аттестационной комиссии", {}, {"mailto:head.of.department53@astana.gov.kz"});
  s.organizer = "deputy.akim50@astana.gov.kz";
  CHECK(classify(s)->kind == Kind::internal);
  s.summary = "Селекторное совещание";
  CHECK(classify(s)->kind == Kind::internal);
  s.extra = {"X-KENES-KIND:kso_session"};
  CHECK(classify(s)->kind == Kind::kso_session);
  s.extra = {"CATEGORIES:selector"};
  CHECK(classify(s)->kind == Kind::selector);
  // Two bodies: the lexicon as before.
  CHECK(classify(spec("Заседание аттестационной комиссии"))->kind == Kind::kso_session);
}

TEST_CASE("classify KSO: a CATEGORIES value or SUMMARY words equal to a KSO's id or name (SPEC §3 organizer)",
          "[classify]")
{
  auto by_category = classify(spec("Заседание", {"CATEGORIES:Budget-Commission,budget"}));
  REQUIRE(by_category->kso);
  CHECK(by_category->kso->id == "budget-commission");
  CHECK(by_category->kind == Kind::kso_session);
  CHECK(by_category->topics == std::vector<std::string>{"budget"});
  auto by_name = classify(spec("Заседание: Республиканская бюджетная комиссия"));
  REQUIRE(by_name->kso);
  CHECK(by_name->kso->id == "budget-commission");
  CHECK(classify(spec("Заседание", {"CATEGORIES:республиканская бюджетная комиссия"}))->kso != nullptr);
  CHECK(classify(spec("Совещание budget-commissions"))->kso == nullptr);
  // The X-KENES form wins.
  CHECK(classify(spec("Республиканская бюджетная комиссия", {"X-KENES-KSO:no-such-kso"}))->kso == nullptr);
}

TEST_CASE("classify speaker: a DESCRIPTION line «Докладчик:» / «Основной докладчик:» names a body or an official "
          "(SPEC §3 organizer)",
          "[classify]")
{
  EventSpec s =
      spec("Совещание", {},
           {"mailto:vice.minister17@economy.gov.kz", "mailto:kense@astana.gov.kz", "mailto:kense@edu.gov.kz"});
  s.description = "Повестка: 1. Бюджет.\\nОсновной докладчик: Министерство национальной экономики\\nДокладчик: "
                  "Ермекова Е.С., kense@astana.gov.kz";
  CHECK(body_ids(classify(s)->speaker_bodies) == std::vector<std::string>{"economy", "edu", "astana"});
  s.description = "докладчик: MINFIN";
  CHECK(body_ids(classify(s)->speaker_bodies) == std::vector<std::string>{"minfin"});
  // X-KENES-SPEAKER wins when both are present.
  s.attendees = {";X-KENES-SPEAKER=TRUE:mailto:kense@edu.gov.kz"};
  CHECK(body_ids(classify(s)->speaker_bodies) == std::vector<std::string>{"edu"});
}

TEST_CASE("classify remote: «Онлайн:» / «По ВКС:» name bodies or officials who attend a hybrid meeting remotely "
          "(SPEC §3 organizer)",
          "[classify]")
{
  EventSpec s = spec("Совещание");
  s.description = "Онлайн: Акимат города Астаны\\nПо ВКС: vice.minister17@economy.gov.kz";
  calendar::ReadOptions opt;
  opt.zone = &almaty();
  opt.horizon_start = at("2026-01-01T00:00");
  opt.horizon_end = at("2027-06-01T00:00");
  auto read = calendar::read_icalendar(event_ics(s), "test.ics", opt);
  REQUIRE(read.series.size() == 1);
  const calendar::Directory& d = *demo_config().directory;
  calendar::OrganizerMarks marks = calendar::read_marks(read.series[0].versions[0], d);
  CHECK(body_ids(marks.remote_bodies) == std::vector<std::string>{"astana"});
  REQUIRE(marks.remote_officials.size() == 1);
  CHECK(marks.remote_officials[0]->email == "vice.minister17@economy.gov.kz");
  const calendar::Body& astana = *d.body("astana");
  const calendar::Body& economy = *d.body("economy");
  CHECK(calendar::attends_remotely(marks, nullptr, astana, astana.officials[1]));
  CHECK(calendar::attends_remotely(marks, nullptr, economy, economy.officials[2]));
  CHECK_FALSE(calendar::attends_remotely(marks, nullptr, economy, economy.officials[1]));
}
