// Hostile calendars (issue 23 items 1 and 2, tests/daemon/data/hostile): runaway recurrence rules
// in a VTIMEZONE or an event, and text that is not UTF-8, each reported for its own event, in
// bounded time, while the other events are read as before.
#include "support/test_support.hpp"

#include "calendar/ical_digest.hpp"
#include "calendar/text.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>

using namespace kenes;
using namespace kenes::test;
namespace fs = std::filesystem;

namespace {

calendar::ReadOptions options()
{
  calendar::Instant now = at("2026-12-04T09:00");
  return calendar::ReadOptions::around(almaty(), now, 400, 90);
}

std::string hostile(const std::string& name)
{
  std::string text = slurp(source_dir() / "tests/daemon/data/hostile" / name);
  REQUIRE(!text.empty());
  return text;
}

const calendar::ReadProblem* problem_of(const calendar::ReadResult& r, const std::string& uid)
{
  for (const auto& p : r.problems) {
    if (p.uid == uid) {
      return &p;
    }
  }
  return nullptr;
}

// Reads the text and says how long it took.
calendar::ReadResult timed_read(const std::string& text, double& seconds, const calendar::ReadOptions& opt = options())
{
  auto t0 = std::chrono::steady_clock::now();
  calendar::ReadResult r = calendar::read_icalendar(text, "hostile.ics", opt);
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

} // namespace

TEST_CASE("ical hostile: a VTIMEZONE rule repeating every second or minute is not expanded, its event is read in "
          "the regime zone with the reason",
          "[ical][hostile]")
{
  for (const char* name : {"tz-secondly.ics", "tz-minutely.ics", "tz-yearly-every-ten-minutes.ics"}) {
    INFO(name);
    double seconds = 0;
    calendar::ReadResult r = timed_read(hostile(name), seconds);
    CHECK(seconds < 5);
    REQUIRE(r.series.size() == 1);
    CHECK(almaty().iso(r.series[0].first_start).substr(0, 16) == "2026-12-09T10:00");
    const calendar::ReadProblem* p = problem_of(r, r.series[0].uid);
    REQUIRE(p != nullptr);
    CHECK_FALSE(p->fatal);
    CHECK_THAT(p->message, Catch::StartsWith("TZID Custom/") && Catch::Contains("VTIMEZONE is not used") &&
                               Catch::Contains("read in the regime time zone"));
  }
  double seconds = 0;
  CHECK_THAT(problem_of(timed_read(hostile("tz-secondly.ics"), seconds), "hostile-tz-secondly@kenes.test")->message,
             Catch::Contains("its STANDARD rule repeats FREQ=SECONDLY"));
  CHECK_THAT(problem_of(timed_read(hostile("tz-yearly-every-ten-minutes.ics"), seconds), "hostile-tz-yearly@kenes.test")
                 ->message,
             Catch::Contains("more than 4 times a year"));
}

TEST_CASE("ical hostile: a real VTIMEZONE of yearly rules is still used", "[ical][hostile]")
{
  // Outlook's way: a custom TZID, DTSTART in 1601, a yearly rule for each part.
  std::string text = vcalendar_raw("BEGIN:VTIMEZONE\nTZID:Custom Standard Time\nBEGIN:STANDARD\n"
                                   "DTSTART:16010101T030000\nTZOFFSETFROM:+0300\nTZOFFSETTO:+0200\n"
                                   "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\nBEGIN:DAYLIGHT\n"
                                   "DTSTART:16010101T020000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0300\n"
                                   "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n"
                                   "BEGIN:VEVENT\nUID:outlook-1\nDTSTAMP:20261120T050000Z\n"
                                   "DTSTART;TZID=Custom Standard Time:20261209T100000\n"
                                   "DTEND;TZID=Custom Standard Time:20261209T110000\nSUMMARY:x\nEND:VEVENT\n");
  calendar::ReadResult r = calendar::read_icalendar(text, "outlook.ics", options());
  REQUIRE(r.series.size() == 1);
  CHECK(r.problems.empty());
  CHECK(almaty().iso(r.series[0].first_start).substr(0, 16) == "2026-12-09T13:00"); // 10:00 at +02 is 13:00 at +05
}

TEST_CASE("ical hostile: an event RRULE repeating every second is ignored, one stepped through a year is never "
          "started, one stepped from 1970 stops after its steps",
          "[ical][hostile]")
{
  double seconds = 0;
  calendar::ReadResult r = timed_read(hostile("event-secondly.ics"), seconds);
  CHECK(seconds < 5);
  REQUIRE(r.series.size() == 1);
  CHECK(r.series[0].occurrences.size() == 1); // DTSTART alone
  REQUIRE(problem_of(r, "hostile-event-secondly@kenes.test") != nullptr);
  CHECK(problem_of(r, "hostile-event-secondly@kenes.test")->message ==
        "RRULE FREQ=SECONDLY ignored: a meeting repeats daily, weekly, monthly or yearly");

  r = timed_read(hostile("event-secondly-bymonth.ics"), seconds);
  CHECK(seconds < 5);
  REQUIRE(r.series.size() == 1);
  CHECK_THAT(problem_of(r, "hostile-event-secondly-bymonth@kenes.test")->message,
             Catch::Contains("RRULE FREQ=SECONDLY ignored"));

  r = timed_read(hostile("event-daily-every-five-minutes.ics"), seconds);
  CHECK(seconds < 20);
  REQUIRE(r.series.size() == 1);
  const calendar::ReadProblem* p = problem_of(r, "hostile-event-daily-minutes@kenes.test");
  REQUIRE(p != nullptr);
  CHECK_FALSE(p->fatal);
  CHECK_THAT(p->message, Catch::StartsWith("recurrence stopped after ") &&
                             Catch::EndsWith("its rules took more than 100000 steps"));
}

TEST_CASE("ical hostile: the time for expanding one input is bounded, and a stop ends it at once", "[ical][hostile]")
{
  std::string text = hostile("event-daily-every-five-minutes.ics");
  calendar::ReadOptions opt = options();
  opt.max_steps = 100000000;
  opt.expand_budget = std::chrono::milliseconds(200);
  double seconds = 0;
  calendar::ReadResult r = timed_read(text, seconds, opt);
  CHECK(seconds < 3);
  REQUIRE(problem_of(r, "hostile-event-daily-minutes@kenes.test") != nullptr);
  CHECK_THAT(problem_of(r, "hostile-event-daily-minutes@kenes.test")->message,
             Catch::EndsWith("the time for expanding the recurrences of one input (200 ms) was spent"));

  std::atomic<bool> stop{true};
  opt.expand_budget = std::chrono::milliseconds(100000);
  opt.stop = &stop;
  r = timed_read(text, seconds, opt);
  CHECK(seconds < 3);
  CHECK_THAT(problem_of(r, "hostile-event-daily-minutes@kenes.test")->message, Catch::EndsWith("the read was stopped"));
}

TEST_CASE("ical hostile: a byte that is not UTF-8 in SUMMARY, UID or ORGANIZER becomes U+FFFD, reported for its "
          "event, and the sync's UID is the check's",
          "[ical][hostile]")
{
  const std::string fffd = "\xEF\xBF\xBD";
  struct Case
  {
    const char* file;
    const char* property;
  };
  for (Case c :
       {Case{"utf8-summary.ics", "SUMMARY"}, Case{"utf8-uid.ics", "UID"}, Case{"utf8-organizer.ics", "ORGANIZER"}}) {
    INFO(c.file);
    std::string text = hostile(c.file);
    REQUIRE_FALSE(calendar::valid_utf8(text));
    calendar::ReadResult r = calendar::read_icalendar(text, "hostile.ics", options());
    REQUIRE(r.series.size() == 1);
    const calendar::EventSeries& s = r.series[0];
    const calendar::EventData& v = s.versions[0];
    for (const std::string* field : {&s.uid, &v.summary, &v.organizer_uri, &v.organizer_address}) {
      CHECK(calendar::valid_utf8(*field));
    }
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].uid == s.uid);
    CHECK(r.problems[0].message == std::string("invalid UTF-8 in ") + c.property + " replaced with U+FFFD");
    CHECK_FALSE(r.problems[0].fatal);
    // The sync stores the UID the digest reads; the check looks for it in what the reader read.
    calendar::ResourceMeaning m = calendar::resource_meaning(text);
    REQUIRE(m.uids.size() == 1);
    CHECK(m.uids[0] == s.uid);
  }
  calendar::ReadResult r = calendar::read_icalendar(hostile("utf8-uid.ics"), "hostile.ics", options());
  CHECK(r.series[0].uid == "hostile-utf8-uid-" + fffd + "@kenes.test");
  r = calendar::read_icalendar(hostile("utf8-summary.ics"), "hostile.ics", options());
  CHECK(r.series[0].versions[0].summary == "Совещание " + fffd + " по бюджету " + fffd + "(");
}

TEST_CASE("ical hostile: the expansion budget counts the time spent expanding, not the parse of a big input before "
          "the series",
          "[ical][hostile]")
{
  // Thousands of single events first: their parse takes far longer than the budget, their
  // expansion nothing; the weekly series after them takes microseconds to expand.
  std::string body;
  for (int i = 0; i < 4000; ++i) {
    body += "BEGIN:VEVENT\nUID:single-" + std::to_string(i) +
            "\nDTSTAMP:20261120T050000Z\nDTSTART;TZID=Asia/Almaty:20261209T100000\n"
            "DTEND;TZID=Asia/Almaty:20261209T110000\nSUMMARY:Совещание\nEND:VEVENT\n";
  }
  body += "BEGIN:VEVENT\nUID:weekly\nDTSTAMP:20261120T050000Z\nDTSTART;TZID=Asia/Almaty:20261209T100000\n"
          "DTEND;TZID=Asia/Almaty:20261209T110000\nRRULE:FREQ=WEEKLY;COUNT=8\nSUMMARY:Серия\nEND:VEVENT\n";
  calendar::ReadOptions opt = options();
  opt.expand_budget = std::chrono::milliseconds(5);
  double seconds = 0;
  calendar::ReadResult r = timed_read(vcalendar_raw(body), seconds, opt);
  REQUIRE(seconds > 0.02); // the read before the series took longer than the budget
  REQUIRE(r.series.size() == 4001);
  auto weekly = std::find_if(r.series.begin(), r.series.end(), [](const auto& s) { return s.uid == "weekly"; });
  REQUIRE(weekly != r.series.end());
  CHECK(weekly->occurrences.size() == 8);
  CHECK(problem_of(r, "weekly") == nullptr);
}

TEST_CASE("ical hostile: a forged X-KENES-REPAIRED note is not reported, nor kept by split_by_uid, kenes's own is",
          "[ical][hostile]")
{
  const std::string event = "BEGIN:VEVENT\nUID:forged-1\nDTSTAMP:20261120T050000Z\n"
                            "DTSTART;TZID=Asia/Almaty:20261209T100000\nDTEND;TZID=Asia/Almaty:20261209T110000\n"
                            "SUMMARY:Совещание\nX-KENES-REPAIRED:a note the sender wrote\nEND:VEVENT\n";
  const std::string text = vcalendar_raw(event);
  // Anyone's text (a CalDAV server's, POST /api/v1/check): the property is ignored.
  calendar::ReadResult r = calendar::read_icalendar(text, "forged.ics", options());
  REQUIRE(r.series.size() == 1);
  CHECK(r.problems.empty());
  // Read as kenes's own split text it would be reported: the file's note must not survive the split.
  calendar::ReadOptions own = options();
  own.repair_notes = calendar::RepairNotes::report;
  r = calendar::read_icalendar(text, "forged.ics", own);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].message == "a note the sender wrote");
  const std::string bad = "BEGIN:VEVENT\nUID:bad-1\nDTSTAMP:20261120T050000Z\n"
                          "DTSTART;TZID=Asia/Almaty:20261210T100000\nDTEND;TZID=Asia/Almaty:20261210T110000\n"
                          "SUMMARY:Совещание \xFF\nX-KENES-REPAIRED:nothing was repaired\nEND:VEVENT\n";
  std::vector<calendar::UidPart> parts = calendar::split_by_uid(vcalendar_raw(event + bad));
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].ics.find("a note the sender wrote") == std::string::npos);
  CHECK(calendar::read_icalendar(parts[0].ics, "forged.ics", own).problems.empty());
  CHECK(parts[1].ics.find("nothing was repaired") == std::string::npos);
  r = calendar::read_icalendar(parts[1].ics, "forged.ics", own);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].uid == "bad-1");
  CHECK(r.problems[0].message == "invalid UTF-8 in SUMMARY replaced with U+FFFD");
  // Not honoured unless asked for, also in kenes's own text.
  CHECK(calendar::read_icalendar(parts[1].ics, "forged.ics", options()).problems.empty());
}

TEST_CASE("ical hostile: a character split by a folded line is kept, a bad byte is repaired across the fold",
          "[ical][hostile]")
{
  // "Совещание" with its "щ" (D1 89) split by the fold: well-formed once unfolded.
  std::string text = vcalendar_raw("BEGIN:VEVENT\nUID:folded-1\nDTSTAMP:20261120T050000Z\n"
                                   "DTSTART;TZID=Asia/Almaty:20261209T100000\nDTEND;TZID=Asia/Almaty:20261209T110000\n"
                                   "SUMMARY:Сове\xD1\n \x89"
                                   "ание \xFF\nEND:VEVENT\n");
  calendar::ReadResult r = calendar::read_icalendar(text, "folded.ics", options());
  REQUIRE(r.series.size() == 1);
  CHECK(r.series[0].versions[0].summary == "Совещание \xEF\xBF\xBD");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].message == "invalid UTF-8 in SUMMARY replaced with U+FFFD");
}

TEST_CASE("text: UTF-8 is validated and repaired as Unicode's maximal subparts", "[ical][hostile]")
{
  CHECK(calendar::valid_utf8("Совещание €𝄞"));
  CHECK_FALSE(calendar::valid_utf8("\xC0\xAF"));         // overlong
  CHECK_FALSE(calendar::valid_utf8("\xED\xA0\x80"));     // a surrogate
  CHECK_FALSE(calendar::valid_utf8("\xF4\x90\x80\x80")); // above U+10FFFF
  CHECK_FALSE(calendar::valid_utf8("\xE2\x82"));         // cut short
  CHECK(calendar::repair_utf8("a\xE2\x82"
                              "b") == "a\xEF\xBF\xBD"
                                      "b");
  CHECK(calendar::repair_utf8("\xC3(") == "\xEF\xBF\xBD(");
  CHECK(calendar::repair_utf8("\xF0\x9D\x84") == "\xEF\xBF\xBD");
  CHECK(calendar::repair_utf8("ok €") == "ok €");
}
