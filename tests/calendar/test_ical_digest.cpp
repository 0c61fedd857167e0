// A resource's meaning: exports that only rewrite DTSTAMP or LAST-MODIFIED, or reorder, are no
// change; any change of what the meeting is, is (issue 3, "lessons from the peers").
#include "support/test_support.hpp"

#include "calendar/ical_digest.hpp"

#include <catch2/catch.hpp>

using namespace kenes;
using calendar::resource_meaning;

namespace {

std::string two_events(const std::string& stamp, const std::string& summary, bool swapped = false)
{
  std::string a = "BEGIN:VEVENT\nUID:a\nDTSTAMP:" + stamp + "\nLAST-MODIFIED:" + stamp +
                  "\nDTSTART;TZID=Asia/Almaty:20261204T100000\nDTEND;TZID=Asia/Almaty:20261204T110000\nSUMMARY:" +
                  summary + "\nEND:VEVENT\n";
  std::string b = swapped ? "BEGIN:VEVENT\nSUMMARY:Второе\nDTSTART:20261204T060000Z\nUID:b\nDTSTAMP:" + stamp +
                              "\nEND:VEVENT\n"
                          : "BEGIN:VEVENT\nUID:b\nDTSTAMP:" + stamp +
                              "\nDTSTART:20261204T060000Z\nSUMMARY:Второе\nEND:VEVENT\n";
  return test::vcalendar_raw(swapped ? b + a : a + b);
}

} // namespace

TEST_CASE("meaning: a re-export with new DTSTAMP and LAST-MODIFIED is the same meaning", "[digest]")
{
  auto m1 = resource_meaning(two_events("20261101T000000Z", "Совещание"));
  auto m2 = resource_meaning(two_events("20261124T101010Z", "Совещание"));
  CHECK(m1.parsed);
  CHECK(m1.digest.size() == 16);
  CHECK(m1.digest == m2.digest);
  CHECK(m1.uids == std::vector<std::string>{"a", "b"});
}

TEST_CASE("meaning: reordered components and properties are the same meaning", "[digest]")
{
  auto m1 = resource_meaning(two_events("20261101T000000Z", "Совещание"));
  auto m2 = resource_meaning(two_events("20261101T000000Z", "Совещание", true));
  CHECK(m1.digest == m2.digest);
  CHECK(m2.uids == std::vector<std::string>{"b", "a"});
}

TEST_CASE("meaning: a changed summary, time or attendee is a change", "[digest]")
{
  auto base = resource_meaning(two_events("20261101T000000Z", "Совещание"));
  CHECK(base.digest != resource_meaning(two_events("20261101T000000Z", "Совещание по бюджету")).digest);
  std::string moved = two_events("20261101T000000Z", "Совещание");
  moved.replace(moved.find("20261204T100000"), 15, "20261204T103000");
  CHECK(base.digest != resource_meaning(moved).digest);
}

TEST_CASE("meaning: unparseable text is digested as it is", "[digest]")
{
  auto m = resource_meaning("not a calendar");
  CHECK_FALSE(m.parsed);
  CHECK(m.uids.empty());
  CHECK(m.digest.size() == 16);
  CHECK(m.digest != resource_meaning("not a calendar!").digest);
}

TEST_CASE("split_by_uid: one calendar per UID, overrides kept with their master, VTIMEZONEs copied", "[digest]")
{
  std::string tz = "BEGIN:VTIMEZONE\nTZID:Asia/Almaty\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0500\n"
                   "TZOFFSETTO:+0500\nEND:STANDARD\nEND:VTIMEZONE\n";
  std::string text = test::vcalendar_raw(
    tz +
    "BEGIN:VEVENT\nUID:s\nDTSTAMP:20261101T000000Z\nDTSTART;TZID=Asia/Almaty:20261204T100000\nRRULE:FREQ=WEEKLY;COUNT=3\n"
    "SUMMARY:Серия\nEND:VEVENT\n"
    "BEGIN:VEVENT\nUID:x\nDTSTAMP:20261101T000000Z\nDTSTART:20261204T060000Z\nSUMMARY:Другое\nEND:VEVENT\n"
    "BEGIN:VEVENT\nUID:s\nDTSTAMP:20261101T000000Z\nRECURRENCE-ID;TZID=Asia/Almaty:20261211T100000\n"
    "DTSTART;TZID=Asia/Almaty:20261211T110000\nSUMMARY:Серия (перенос)\nEND:VEVENT\n");
  auto parts = calendar::split_by_uid(text);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].uid == "s");
  CHECK(parts[1].uid == "x");
  CHECK(parts[0].ics.find("RECURRENCE-ID") != std::string::npos);
  CHECK(parts[0].ics.find("BEGIN:VTIMEZONE") != std::string::npos);
  CHECK(parts[1].ics.find("Серия") == std::string::npos);
  auto meaning = resource_meaning(parts[0].ics);
  CHECK(meaning.parsed);
  CHECK(meaning.uids == std::vector<std::string>{"s"});
}
