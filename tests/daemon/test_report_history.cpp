// Meetings that took place stay in the appendix form (SPEC §9) after the organizer deletes them from
// the calendar: `kenesd sync --once --now` with the clock fixed between occurrences, the resource
// deleted, synced again, then `kenesd report` of each month.
#include "support/raw_db.hpp"
#include "support/series_fixture.hpp"
#include "support/test_support.hpp"

#include "daemon/store/state_store.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

using namespace kenes;
using namespace kenes::test;
using json = nlohmann::ordered_json;

namespace {

// A dir source of its own folder `cal`, adopt "none" so that invitations go out (SPEC §9 "as they
// were invited": the notice state).
struct Calendar
{
  TempDir dir;
  std::filesystem::path config_file;

  Calendar()
  {
    std::filesystem::copy_file(demo_dir() / "directory.json", dir.path() / "directory.json");
    std::filesystem::create_directories(dir.path() / "spool");
    std::filesystem::create_directories(dir.path() / "cal");
    config_file = dir.write("kenes.json", R"({"timezone": "Asia/Almaty", "directory": "directory.json",
        "state_dir": "state", "sources": [{"id": "s", "type": "dir", "path": "cal"}],
        "notices": {"transport": "spool", "spool_dir": "spool", "adopt": "none"}})");
  }

  ProcessResult kenesd(std::vector<std::string> args) const
  {
    args.insert(args.begin(), {kenesd_binary(), "--config", config_file.string()});
    ProcessResult r = run_process(args);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return r;
  }

  void sync(const std::string& now) const { kenesd({"sync", "--once", "--now", now}); }

  // occurrence -> the thirteen counts, over every body and official of the month's form.
  std::map<std::string, std::vector<int>> report(const std::string& month, const std::string& now) const
  {
    const json doc = json::parse(kenesd({"report", "--month", month, "--format", "json", "--now", now}).out);
    std::map<std::string, std::vector<int>> rows;
    for (const json& body : doc.at("bodies")) {
      for (const json& official : body.at("officials")) {
        for (const json& m : official.at("meetings")) {
          std::vector<int> counts;
          for (const auto& [key, value] : m.at("counts").items()) {
            counts.push_back(value.get<int>());
          }
          const std::string key = m.at("uid").get<std::string>() + " " + m.at("occurrence").get<std::string>();
          rows[rows.contains(key) ? key + " again" : key] = counts; // a row counted twice shows
        }
      }
    }
    return rows;
  }
};

using Rows = std::map<std::string, std::vector<int>>;

} // namespace

namespace Catch {
template <> struct StringMaker<Rows>
{
  static std::string convert(const Rows& rows)
  {
    std::string out = "{";
    for (const auto& [key, counts] : rows) {
      out += "\n  " + key + ":";
      for (int n : counts) {
        out += " " + std::to_string(n);
      }
    }
    return out + "}";
  }
};
} // namespace Catch

namespace {

// Weekly on Fridays 10:00 from 2026-09-04; week 2 (09-18) moved an hour later with both
// vice-ministers of economy and of education, week 6 (10-16) cancelled.
WeeklySeries friday_series()
{
  WeeklySeries s;
  s.uid = "history-series";
  s.first = "20260904T050000Z";
  s.moved = {{2, 1, {"mailto:vice.minister16@economy.gov.kz", "mailto:vice.minister24@edu.gov.kz"}}};
  s.cancelled = {6};
  return s;
}

const std::vector<int> k_one{0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
const std::vector<int> k_two{0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
const std::string k_report_now = "2026-12-01T09:00:00+05:00"; // the first working day after November

} // namespace

TEST_CASE("report history: a weekly series deleted from the calendar keeps in each month's form exactly the "
          "occurrences that took place, overrides with their own representatives",
          "[report][history]")
{
  Calendar c;
  c.dir.write("cal/series.ics", weekly_series_ics(friday_series()));
  c.sync("2026-09-02T12:00:00+05:00"); // invited before it began, the override too
  const Rows september{{"history-series 2026-09-04T10:00:00+05:00", k_one},
                       {"history-series 2026-09-11T10:00:00+05:00", k_one},
                       {"history-series 2026-09-18T11:00:00+05:00", k_two},
                       {"history-series 2026-09-25T10:00:00+05:00", k_one}};
  const Rows october{{"history-series 2026-10-02T10:00:00+05:00", k_one},
                     {"history-series 2026-10-09T10:00:00+05:00", k_one},
                     {"history-series 2026-10-23T10:00:00+05:00", k_one},
                     {"history-series 2026-10-30T10:00:00+05:00", k_one}};
  REQUIRE(c.report("2026-09", k_report_now) == september);
  REQUIRE(c.report("2026-10", k_report_now) == october);
  REQUIRE(c.report("2026-11", k_report_now).size() == 4);

  // Deleted on Tuesday 11-10, between the 11-06 occurrence and the 11-13 one.
  std::filesystem::remove(c.dir.path() / "cal/series.ics");
  CHECK_THAT(c.kenesd({"sync", "--once", "--now", "2026-11-10T12:00:00+05:00"}).out,
             Catch::Contains(" notices_sent=1 ")); // the CANCEL, as before
  CHECK(c.report("2026-09", k_report_now) == september);
  CHECK(c.report("2026-10", k_report_now) == october);
  CHECK(c.report("2026-11", k_report_now) == Rows{{"history-series 2026-11-06T10:00:00+05:00", k_one}});
  CHECK(c.report("2026-12", k_report_now).empty());
  // The same, run later (the published file of a month re-run after the next one).
  CHECK(c.report("2026-10", "2027-01-05T09:00:00+05:00") == october);

  // Nothing current lists it: the meetings, the checks to do, the people.
  {
    auto store = daemon::StateStore::open(c.dir.path() / "state");
    CHECK(store->meeting_uids().empty());
    CHECK(store->meeting_count() == 0);
    CHECK(store->meetings_by_verdict().empty());
    CHECK(store->meetings_with({"vice.minister16@economy.gov.kz"}).empty());
    CHECK_FALSE(store->meeting("history-series").has_value());
    CHECK(store->occurrences_between(0, 4'000'000'000).empty());
    const std::optional<daemon::RemovedMeeting> removed = store->removed_meeting("history-series");
    REQUIRE(removed.has_value());
    CHECK(removed->removed_at == at("2026-11-10T12:00"));
    CHECK(removed->occurrences.size() == 9); // 09-04 … 11-06 but the cancelled 10-16
  }

  // Restored (a folder brought back): the same meeting again, counted once.
  c.dir.write("cal/series.ics", weekly_series_ics(friday_series()));
  c.sync("2026-11-17T12:00:00+05:00");
  CHECK(c.report("2026-09", k_report_now) == september);
  CHECK(c.report("2026-10", k_report_now) == october);
  CHECK(c.report("2026-11", k_report_now).size() == 4);
  auto store = daemon::StateStore::open(c.dir.path() / "state");
  CHECK(store->meeting_uids() == std::vector<std::string>{"history-series"});
  CHECK_FALSE(store->removed_meeting("history-series").has_value());
}

TEST_CASE("report history: a single meeting deleted the day after it took place stays in its month's form, one "
          "deleted before it took place does not",
          "[report][history]")
{
  Calendar c;
  EventSpec held;
  held.uid = "held-once";
  held.start = "20261105T100000";
  held.end = "20261105T110000";
  held.attendees = {"mailto:vice.minister16@economy.gov.kz"};
  c.dir.write("cal/held.ics", event_ics(held));
  EventSpec ahead = held;
  ahead.uid = "never-held";
  ahead.start = "20261112T100000";
  ahead.end = "20261112T110000";
  c.dir.write("cal/ahead.ics", event_ics(ahead));
  c.sync("2026-11-04T12:00:00+05:00");
  const Rows both{{"held-once 2026-11-05T10:00:00+05:00", k_one}, {"never-held 2026-11-12T10:00:00+05:00", k_one}};
  REQUIRE(c.report("2026-11", k_report_now) == both);
  std::filesystem::remove(c.dir.path() / "cal/held.ics");
  std::filesystem::remove(c.dir.path() / "cal/ahead.ics");
  c.sync("2026-11-06T12:00:00+05:00");
  CHECK(c.report("2026-11", k_report_now) == Rows{{"held-once 2026-11-05T10:00:00+05:00", k_one}});
  auto store = daemon::StateStore::open(c.dir.path() / "state");
  CHECK_FALSE(store->removed_meeting("never-held").has_value()); // nothing of it took place: not kept
}

TEST_CASE("report history: a store of schema 9 opens, reports as before and keeps what a deletion then leaves",
          "[report][history][store]")
{
  Calendar c;
  c.dir.write("cal/series.ics", weekly_series_ics(friday_series()));
  c.sync("2026-09-02T12:00:00+05:00"); // invited before it began, the override too
  const Rows october = c.report("2026-10", k_report_now);
  REQUIRE(october.size() == 4);
  {
    // Back to the shape of schema 9.
    RawDb raw(c.dir.path() / "state");
    raw.exec("DROP TABLE removed_meetings; PRAGMA user_version = 9;");
  }
  {
    auto store = daemon::StateStore::open(c.dir.path() / "state");
    CHECK(store->schema_version() == daemon::StateStore::k_schema_version);
  }
  CHECK(c.report("2026-10", k_report_now) == october);
  std::filesystem::remove(c.dir.path() / "cal/series.ics");
  c.sync("2026-11-10T12:00:00+05:00");
  CHECK(c.report("2026-10", k_report_now) == october);
}

TEST_CASE("report history: a series cut short (UNTIL moved earlier) keeps its occurrences before the new UNTIL in "
          "the form",
          "[report][history]")
{
  // Today's behaviour, held: the resource stays, its past is read from it.
  Calendar c;
  c.dir.write("cal/series.ics", weekly_series_ics(friday_series()));
  c.sync("2026-09-02T12:00:00+05:00");
  const Rows october = c.report("2026-10", k_report_now);
  REQUIRE(october.size() == 4);
  std::string cut = weekly_series_ics(friday_series());
  const std::string rule = "RRULE:FREQ=WEEKLY";
  REQUIRE(cut.find(rule) != std::string::npos);
  cut.replace(cut.find(rule), rule.size(), "RRULE:FREQ=WEEKLY;UNTIL=20261107T000000Z");
  c.dir.write("cal/series.ics", cut);
  c.sync("2026-11-10T12:00:00+05:00");
  CHECK(c.report("2026-10", k_report_now) == october);
  CHECK(c.report("2026-11", k_report_now) == Rows{{"history-series 2026-11-06T10:00:00+05:00", k_one}});
}
