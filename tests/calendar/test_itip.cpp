// iTIP calendars per version (SPEC §3 "Versions", §5): each VEVENT carries its own version's chair
// and chosen representatives, and one recipient's calendar only the VEVENTs that list them.
#include "support/series_fixture.hpp"
#include "support/test_support.hpp"

#include "calendar/itip.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <sstream>

using namespace kenes::calendar;
using namespace kenes::test;

namespace {

const std::string k_chair = "vice.minister8@minfin.gov.kz";
const std::string k_v16 = "vice.minister16@economy.gov.kz";
const std::string k_v17 = "vice.minister17@economy.gov.kz";

// One VEVENT as a client reads it from the text: its RECURRENCE-ID ("" for the master), the
// addresses of its ATTENDEEs (sorted) and its EXDATE lines.
struct SentEvent
{
  std::vector<std::string> attendees;
  std::vector<std::string> exdates;
};

std::map<std::string, SentEvent> sent_events(const std::string& calendar)
{
  // Unfolded lines (RFC 5545 §3.1).
  std::vector<std::string> lines;
  std::istringstream in(calendar);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t') && !lines.empty()) {
      lines.back() += line.substr(1);
    } else {
      lines.push_back(line);
    }
  }
  std::map<std::string, SentEvent> out;
  bool inside = false;
  std::string rid;
  SentEvent ev;
  for (const std::string& l : lines) {
    if (l == "BEGIN:VEVENT") {
      inside = true;
      rid.clear();
      ev = {};
    } else if (l == "END:VEVENT") {
      inside = false;
      std::sort(ev.attendees.begin(), ev.attendees.end());
      out[rid] = ev;
    } else if (inside && l.rfind("RECURRENCE-ID", 0) == 0) {
      rid = l.substr(l.rfind(':') + 1);
    } else if (inside && l.rfind("EXDATE", 0) == 0) {
      ev.exdates.push_back(l);
    } else if (inside && l.rfind("ATTENDEE", 0) == 0) {
      ev.attendees.push_back(l.substr(l.find("mailto:") + 7));
    }
  }
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v)
{
  std::sort(v.begin(), v.end());
  return v;
}

// The options of the series of issue 21 whose 12-25 override invites vice-minister 17 instead of
// 16: the master's list is also the fallback (the moved 12-11 and the cancelled 01-08 take it).
ItipOptions series_options()
{
  ItipOptions o;
  o.uid = "friday-series";
  o.sequence = 0;
  o.zone = &almaty();
  o.attendees = {{k_chair, "", true}, {k_v16, "", false}};
  o.versions = {{std::nullopt, {{k_chair, "", true}, {k_v16, "", false}}},
                {at("2026-12-25T10:00"), {{k_chair, "", true}, {k_v17, "", false}}}};
  return o;
}

const std::string k_rid_1211 = "20261211T100000";
const std::string k_rid_1225 = "20261225T100000";
const std::string k_rid_0108 = "20270108T100000";

} // namespace

TEST_CASE("itip: each VEVENT of a REQUEST carries its own version's chair and representatives, the override "
          "matched by its RECURRENCE-ID (SPEC §3 Versions)",
          "[itip][series]")
{
  const std::string ics = friday_series_ics(SeriesVariant::other_representative);
  std::optional<std::string> itip = build_itip(ics, series_options());
  REQUIRE(itip);
  const std::map<std::string, SentEvent> events = sent_events(*itip);
  REQUIRE(events.size() == 4);
  CHECK(events.at("").attendees == sorted({k_chair, k_v16}));
  CHECK(events.at(k_rid_1211).attendees == sorted({k_chair, k_v16}));
  CHECK(events.at(k_rid_1225).attendees == sorted({k_chair, k_v17})); // not 16: dropped there
  CHECK(events.at(k_rid_0108).attendees == sorted({k_chair, k_v16}));
  CHECK(events.at("").exdates.size() == 1); // the file's EXDATE of 2027-01-01 only

  SECTION("a RECURRENCE-ID written in UTC names the same override")
  {
    std::string utc = ics;
    const std::string almaty_rid = "RECURRENCE-ID;TZID=Asia/Almaty:20261225T100000";
    REQUIRE(utc.find(almaty_rid) != std::string::npos);
    utc.replace(utc.find(almaty_rid), almaty_rid.size(), "RECURRENCE-ID:20261225T050000Z");
    std::optional<std::string> from_utc = build_itip(utc, series_options());
    REQUIRE(from_utc);
    CHECK(sent_events(*from_utc).at("20261225T050000Z").attendees == sorted({k_chair, k_v17}));
  }
  SECTION("a CANCEL's VEVENTs each carry their version's chair and the one cancelled")
  {
    ItipOptions o = series_options();
    o.method = ItipMethod::cancel;
    o.attendees = {{k_chair, "", true}, {k_v16, "", false}};
    o.versions = {{std::nullopt, o.attendees}, {at("2026-12-25T10:00"), o.attendees}};
    std::optional<std::string> cancel = build_itip(ics, o);
    REQUIRE(cancel);
    for (const auto& [rid, ev] : sent_events(*cancel)) {
      INFO(rid);
      CHECK(ev.attendees == sorted({k_chair, k_v16}));
    }
  }
}

TEST_CASE("itip: one recipient's calendar holds only the VEVENTs that list them, the master has an EXDATE for each "
          "override they are not invited to (RFC 5546 §3.2.2)",
          "[itip][series]")
{
  const std::string ics = friday_series_ics(SeriesVariant::other_representative);

  SECTION("invited to the 12-25 override alone: that VEVENT only, no master")
  {
    ItipOptions o = series_options();
    o.recipient = k_v17;
    std::optional<std::string> itip = build_itip(ics, o);
    REQUIRE(itip);
    const std::map<std::string, SentEvent> events = sent_events(*itip);
    REQUIRE(events.size() == 1);
    CHECK(events.at(k_rid_1225).attendees == sorted({k_chair, k_v17}));
    CHECK(itip->find("RRULE") == std::string::npos);
  }
  SECTION("invited to the master but dropped from 12-25: the master without that occurrence")
  {
    ItipOptions o = series_options();
    o.recipient = "Vice.Minister16@Economy.gov.kz"; // addresses compare in any case
    std::optional<std::string> itip = build_itip(ics, o);
    REQUIRE(itip);
    const std::map<std::string, SentEvent> events = sent_events(*itip);
    CHECK(events.count(k_rid_1225) == 0);
    REQUIRE(events.count("") == 1);
    CHECK(events.at("").attendees == sorted({k_chair, k_v16}));
    CHECK(events.at("").exdates == std::vector<std::string>{"EXDATE;TZID=Asia/Almaty:20270101T100000",
                                                            "EXDATE;TZID=Asia/Almaty:20261225T100000"});
    for (const auto& [rid, ev] : events) {
      INFO(rid);
      CHECK(std::find(ev.attendees.begin(), ev.attendees.end(), k_v16) != ev.attendees.end());
      CHECK(std::find(ev.attendees.begin(), ev.attendees.end(), k_v17) == ev.attendees.end());
    }
  }
  SECTION("listed in no VEVENT: no calendar")
  {
    ItipOptions o = series_options();
    o.recipient = "minister15@economy.gov.kz";
    CHECK_FALSE(build_itip(ics, o));
  }
  SECTION("only the changed override: kept for whom it lists, the whole calendar for one it drops")
  {
    std::string only_1225;
    for (const auto& [key, digest] : component_versions(ics, "friday-series")) {
      if (key.rfind(k_rid_1225, 0) == 0) {
        only_1225 = key;
      }
    }
    REQUIRE_FALSE(only_1225.empty());
    ItipOptions o = series_options();
    o.only = {only_1225};
    o.recipient = k_v17;
    std::optional<std::string> mine = build_itip(ics, o);
    REQUIRE(mine);
    CHECK(sent_events(*mine).size() == 1);
    o.recipient = k_v16;
    std::optional<std::string> dropped = build_itip(ics, o);
    REQUIRE(dropped);
    const std::map<std::string, SentEvent> events = sent_events(*dropped);
    CHECK(events.size() == 3); // the master (without 12-25), 12-11 and 01-08
    CHECK(events.count(k_rid_1225) == 0);
  }
}

namespace {

// How many lines of `text` begin with `prefix`.
int count_of_lines(const std::string& text, const std::string& prefix)
{
  int n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    n += line.rfind(prefix, 0) == 0 ? 1 : 0;
  }
  return n;
}

} // namespace

TEST_CASE("itip: the CANCEL of occurrences taken out by an EXDATE or a cancelled override carries each as its own "
          "VEVENT with its RECURRENCE-ID, start and end, and nothing else (RFC 5546 §3.2.5)",
          "[itip][series]")
{
  WeeklySeries s;
  s.uid = "weekly";
  s.first = "20260904T050000Z";
  s.moved = {{19, 1, {}}};
  s.exdates = {17, 22};
  s.cancelled = {18, 21};
  const std::string ics = weekly_series_ics(s);
  const ItipEvent event(ics, "weekly");
  const std::map<std::string, Instant> cancelled = event.cancelled(nullptr);
  CHECK(cancelled.size() == 4);
  CHECK(cancelled.at(series_week(s, 22)) == at("2027-02-05T10:00"));
  CHECK(cancelled.at(series_week(s, 21)) == at("2027-01-29T10:00"));
  // Taking one more occurrence out leaves live_versions as they were; moving one does not.
  WeeklySeries more = s;
  more.exdates.push_back(23);
  more.cancelled.push_back(24);
  CHECK(ItipEvent(weekly_series_ics(more), "weekly").both_versions().live == event.both_versions().live);
  CHECK(ItipEvent(weekly_series_ics(more), "weekly").versions() != event.versions());
  WeeklySeries moved = s;
  moved.moved[0].hours = 2;
  CHECK(ItipEvent(weekly_series_ics(moved), "weekly").both_versions().live != event.both_versions().live);

  ItipOptions o;
  o.method = ItipMethod::cancel;
  o.uid = "weekly";
  o.sequence = 3;
  o.attendees = {{k_chair, "", true}, {k_v16, "", false}};
  o.only = {series_week(s, 21), series_week(s, 22)};
  std::optional<std::string> text = event.build(o);
  REQUIRE(text);
  INFO(*text);
  CHECK(count_of_lines(*text, "BEGIN:VEVENT") == 2);
  CHECK(count_of_lines(*text, "RECURRENCE-ID:" + series_week(s, 21)) == 1);
  CHECK(count_of_lines(*text, "RECURRENCE-ID:" + series_week(s, 22)) == 1);
  CHECK(count_of_lines(*text, "DTSTART:" + series_week(s, 22)) == 1);
  CHECK(count_of_lines(*text, "DTEND:" + series_week(s, 22, 1)) == 1);
  CHECK(count_of_lines(*text, "RRULE") == 0);
  CHECK(count_of_lines(*text, "EXDATE") == 0);
  CHECK(count_of_lines(*text, "STATUS:CANCELLED") == 2);
  CHECK(count_of_lines(*text, "SEQUENCE:3") == 2);
}
