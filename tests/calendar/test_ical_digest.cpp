// A resource's meaning: exports that only rewrite DTSTAMP or LAST-MODIFIED, or reorder, are no
// change; any change of what the meeting is, is (issue 3, "lessons from the peers").
#include "support/test_support.hpp"

#include "calendar/ical_digest.hpp"
#include "calendar/ical_reader.hpp"
#include "calendar/ical_tree.hpp"
#include "calendar/itip.hpp"

#include <catch2/catch.hpp>

using namespace kenes;
using calendar::resource_meaning;

namespace {

std::string two_events(const std::string& stamp, const std::string& summary, bool swapped = false)
{
  std::string a =
      "BEGIN:VEVENT\nUID:a\nDTSTAMP:" + stamp + "\nLAST-MODIFIED:" + stamp +
      "\nDTSTART;TZID=Asia/Almaty:20261204T100000\nDTEND;TZID=Asia/Almaty:20261204T110000\nSUMMARY:" + summary +
      "\nEND:VEVENT\n";
  std::string b =
      swapped ? "BEGIN:VEVENT\nSUMMARY:Второе\nDTSTART:20261204T060000Z\nUID:b\nDTSTAMP:" + stamp + "\nEND:VEVENT\n"
              : "BEGIN:VEVENT\nUID:b\nDTSTAMP:" + stamp + "\nDTSTART:20261204T060000Z\nSUMMARY:Второе\nEND:VEVENT\n";
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

TEST_CASE("meaning: the tree it parsed is what read_icalendar reads and ItipEvent versions, with the same results",
          "[digest]")
{
  // Issue 22 item 5: the sync parses a resource once, for its meaning, and the check reads that
  // tree (its property texts made once, for the digest and the iTIP versions) instead of the text.
  std::string raw = test::vcalendar_raw(
      "BEGIN:VEVENT\nUID:a\nDTSTAMP:20261101T000000Z\nSEQUENCE:2\nDTSTART;TZID=Asia/Almaty:20261204T100000\n"
      "DTEND;TZID=Asia/Almaty:20261204T110000\nRRULE:FREQ=WEEKLY;COUNT=3\nSUMMARY:Совещание\n"
      "ATTENDEE;CN=Иванов:mailto:a@example.kz\nEND:VEVENT\n"
      "BEGIN:VEVENT\nUID:a\nDTSTAMP:20261101T000000Z\nRECURRENCE-ID;TZID=Asia/Almaty:20261211T100000\n"
      "DTSTART;TZID=Asia/Almaty:20261211T120000\nDTEND;TZID=Asia/Almaty:20261211T130000\nSUMMARY:Перенесено\n"
      "END:VEVENT\n");
  std::shared_ptr<calendar::IcalTree> tree;
  auto m = resource_meaning(raw, &tree);
  REQUIRE(tree);
  CHECK(m.digest == resource_meaning(raw).digest);
  const calendar::IcalTree* parsed = tree.get();
  const icalcomponent* root = tree->root;

  auto options = calendar::ReadOptions::around(test::almaty(), test::at("2026-12-01T09:00"), 30, 365);
  options.keep_tree = true;
  calendar::ReadResult again = calendar::read_icalendar(raw, "test", options, std::move(tree));
  calendar::ReadResult alone = calendar::read_icalendar(raw, "test", options);
  REQUIRE(again.tree);
  CHECK(again.tree.get() == parsed); // not parsed again: the same tree
  CHECK(again.tree->root == root);
  REQUIRE(again.series.size() == 1);
  REQUIRE(alone.series.size() == 1);
  CHECK(again.problems.size() == alone.problems.size());
  const auto& a = again.series.front();
  const auto& b = alone.series.front();
  CHECK(a.uid == b.uid);
  CHECK(a.versions.size() == b.versions.size());
  REQUIRE(a.occurrences.size() == 3);
  REQUIRE(a.occurrences.size() == b.occurrences.size());
  for (std::size_t i = 0; i < a.occurrences.size(); ++i) {
    CHECK(a.occurrences[i].start == b.occurrences[i].start);
    CHECK(a.occurrences[i].end == b.occurrences[i].end);
    CHECK(a.occurrences[i].version == b.occurrences[i].version);
  }
  CHECK(calendar::ItipEvent(again.tree, "a").versions() == calendar::component_versions(raw, "a"));
  CHECK(calendar::ItipEvent(again.tree, "a").versions() == calendar::ItipEvent(alone.tree, "a").versions());
}

TEST_CASE("split_by_uid: each part's repair note names only that event's repaired properties", "[digest]")
{
  std::string text = test::vcalendar_raw(
      "BEGIN:VEVENT\nUID:a\nDTSTAMP:20261101T000000Z\nDTSTART:20261204T050000Z\nSUMMARY:Совещание \xC3\x28\n"
      "END:VEVENT\n"
      "BEGIN:VEVENT\nUID:b\nDTSTAMP:20261101T000000Z\nDTSTART:20261204T060000Z\nSUMMARY:Другое\n"
      "LOCATION:Зал \xC3\x28\nEND:VEVENT\n"
      "BEGIN:VEVENT\nUID:c\nDTSTAMP:20261101T000000Z\nDTSTART:20261204T070000Z\nSUMMARY:Третье\nEND:VEVENT\n");
  auto parts = calendar::split_by_uid(text);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].ics.find("X-KENES-REPAIRED:invalid UTF-8 in SUMMARY replaced with U+FFFD") != std::string::npos);
  CHECK(parts[0].ics.find("LOCATION") == std::string::npos);
  CHECK(parts[1].ics.find("X-KENES-REPAIRED:invalid UTF-8 in LOCATION replaced with U+FFFD") != std::string::npos);
  CHECK(parts[2].ics.find("X-KENES-REPAIRED") == std::string::npos);
}

TEST_CASE("split_by_uid: one calendar per UID, overrides kept with their master, VTIMEZONEs copied", "[digest]")
{
  std::string tz = "BEGIN:VTIMEZONE\nTZID:Asia/Almaty\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0500\n"
                   "TZOFFSETTO:+0500\nEND:STANDARD\nEND:VTIMEZONE\n";
  std::string text = test::vcalendar_raw(
      tz + "BEGIN:VEVENT\nUID:s\nDTSTAMP:20261101T000000Z\nDTSTART;TZID=Asia/"
           "Almaty:20261204T100000\nRRULE:FREQ=WEEKLY;COUNT=3\n"
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
