// Issue 23, item 5: a source that suddenly lists nothing (an unmounted share, a server answering
// an empty collection) must not cancel every meeting. A sync that would remove more than
// max_removal_percent (default 50) of a source's meetings at once is not applied: the source is
// degraded with the reason until the meetings come back or an administrator accepts the removal.
#include "daemon/store/state_store.hpp"
#include "support/caldav_server.hpp"
#include "support/event_times.hpp"
#include "support/series_fixture.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace kenes;
using namespace kenes::test;
namespace fs = std::filesystem;

namespace {

// A valid meeting on a Friday `weeks` ahead at 10:00 in Almaty, inviting one representative.
std::string meeting(const std::string& uid, int weeks)
{
  EventSpec e;
  e.uid = uid;
  e.summary = "Совещание " + uid;
  e.start = friday_utc(5, weeks);
  e.end = friday_utc(6, weeks);
  e.attendees = {"mailto:vice.minister17@economy.gov.kz"};
  return event_ics(e);
}

struct Setup
{
  TempDir dir;
  fs::path config;
  explicit Setup(const std::string& sources)
  {
    fs::create_directories(dir.path() / "spool");
    config = dir.write("kenes.json", R"({"timezone": "Asia/Almaty", "directory": ")" +
                                         (source_dir() / "config/demo/directory.json").string() + R"(", "sources": )" +
                                         sources +
                                         R"(, "notices": {"from": "kenes@gov.kz", "transport": "spool", )"
                                         R"("adopt": "none"}})");
  }
  ProcessResult sync(std::vector<std::string> more = {}) const
  {
    std::vector<std::string> argv = {kenesd_binary(), "--config", config.string(), "sync", "--once"};
    argv.insert(argv.end(), more.begin(), more.end());
    return run_process(argv);
  }
  std::unique_ptr<daemon::StateStore> store() const { return daemon::StateStore::open(dir.path() / "state"); }
  std::size_t spooled() const { return names_in(dir.path() / "spool").size(); }
};

} // namespace

TEST_CASE("removal guard: an emptied dir folder cancels nothing and degrades the source, restoring it re-sends "
          "nothing, emptied and accepted it cancels once (issue 23, item 5)",
          "[sync][removals]")
{
  Setup s(R"([{"id": "local", "type": "dir", "path": "cal"}])");
  for (int i = 0; i < 11; ++i) {
    s.dir.write("cal/m" + std::to_string(i) + ".ics", meeting("guard-" + std::to_string(i), 3 + i));
  }
  ProcessResult first = s.sync();
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.out, Catch::Contains("added=11 ") && Catch::Contains(" notices_sent=11 "));
  REQUIRE(s.spooled() == 11);

  // The folder empties (an unmounted share): nothing is removed, nothing sent; the source fails
  // with the reason, and the summary says what was held back.
  fs::rename(s.dir.path() / "cal", s.dir.path() / "away");
  fs::create_directories(s.dir.path() / "cal");
  ProcessResult emptied = s.sync();
  INFO(emptied.out << emptied.err);
  CHECK(emptied.exit_code == 1);
  CHECK_THAT(emptied.out, Catch::Contains(" removed=0 errors=1 ") && Catch::Contains(" notices_sent=0 ") &&
                              Catch::Contains(" removals_held=11 "));
  CHECK_THAT(emptied.err, Catch::Contains("sync.removals_held source=local") &&
                              Catch::Contains("sync.failed source=local kind=removals"));
  CHECK(s.spooled() == 11);
  {
    auto store = s.store();
    CHECK(store->meeting_count() == 11);
    const daemon::SourceStatus st = store->source("local").value();
    CHECK(st.degraded);
    CHECK(st.error_kind == "removals");
    CHECK_THAT(st.last_error, Catch::Contains("would remove 11 of the 11 meetings") &&
                                  Catch::Contains("max_removal_percent 50%") &&
                                  Catch::Contains("--accept-removals local"));
  }
  // Still empty: still held.
  CHECK(s.sync().exit_code == 1);

  // The share is back: nothing is sent again, the source is healthy.
  fs::remove_all(s.dir.path() / "cal");
  fs::rename(s.dir.path() / "away", s.dir.path() / "cal");
  ProcessResult restored = s.sync();
  INFO(restored.out << restored.err);
  CHECK(restored.exit_code == 0);
  CHECK_THAT(restored.out, Catch::Contains(" added=0 changed=0 removed=0 errors=0 ") &&
                               Catch::Contains(" notices_sent=0 ") && Catch::Contains(" removals_held=0 "));
  CHECK(s.spooled() == 11);
  CHECK_FALSE(s.store()->source("local")->degraded);

  // Emptied for real, and accepted on the command line: the CANCELs go out, once.
  fs::remove_all(s.dir.path() / "cal");
  fs::create_directories(s.dir.path() / "cal");
  CHECK(s.sync().exit_code == 1);
  CHECK(s.spooled() == 11);
  ProcessResult accepted = s.sync({"--accept-removals", "local"});
  INFO(accepted.out << accepted.err);
  CHECK(accepted.exit_code == 0);
  CHECK_THAT(accepted.out, Catch::Contains(" removed=11 errors=0 ") && Catch::Contains(" notices_sent=11 ") &&
                               Catch::Contains(" removals_held=0 "));
  CHECK_THAT(accepted.err, Catch::Contains("sync.removals_accepted_by source=local by=\"sync --once by "));
  CHECK(s.spooled() == 22);
  {
    auto store = s.store();
    CHECK(store->meeting_count() == 0);
    CHECK_FALSE(store->source("local")->degraded);
    CHECK(store->source("local")->removals_accepted_by.empty()); // used up
  }
  ProcessResult after = s.sync();
  CHECK(after.exit_code == 0);
  CHECK_THAT(after.out, Catch::Contains(" notices_sent=0 "));
  CHECK(s.spooled() == 22);

  // An unknown source is refused.
  CHECK(s.sync({"--accept-removals", "nope"}).exit_code == 2);
}

TEST_CASE("removal guard: removals up to max_removal_percent, and fewer than five, are applied as before",
          "[sync][removals]")
{
  Setup s(R"([{"id": "local", "type": "dir", "path": "cal", "max_removal_percent": 40}])");
  for (int i = 0; i < 10; ++i) {
    s.dir.write("cal/m" + std::to_string(i) + ".ics", meeting("few-" + std::to_string(i), 3 + i));
  }
  REQUIRE(s.sync().exit_code == 0);
  // 4 of 10: under five, applied whatever the share.
  for (int i = 0; i < 4; ++i) {
    fs::remove(s.dir.path() / ("cal/m" + std::to_string(i) + ".ics"));
  }
  ProcessResult four = s.sync();
  INFO(four.out << four.err);
  CHECK(four.exit_code == 0);
  CHECK_THAT(four.out, Catch::Contains(" removed=4 ") && Catch::Contains(" notices_sent=4 "));
  // 5 of the 6 left (83% > 40%): held.
  for (int i = 4; i < 9; ++i) {
    fs::remove(s.dir.path() / ("cal/m" + std::to_string(i) + ".ics"));
  }
  ProcessResult five = s.sync();
  INFO(five.out << five.err);
  CHECK(five.exit_code == 1);
  CHECK_THAT(five.out, Catch::Contains(" removed=0 ") && Catch::Contains(" removals_held=5 "));
  CHECK_THAT(s.store()->source("local")->last_error, Catch::Contains("max_removal_percent 40%"));
}

TEST_CASE("removal guard: a CalDAV calendar that answers empty cancels nothing (Radicale)",
          "[sync][removals][radicale]")
{
  CaldavServer server(Server::radicale);
  server.make_calendar("work");
  for (int i = 0; i < 8; ++i) {
    server.put("work", "m" + std::to_string(i) + ".ics", meeting("dav-" + std::to_string(i), 3 + i));
  }
  Setup s(R"([{"id": "dav", "type": "caldav", "url": ")" + server.base() + R"(/", "username": "alice"}])");
  ProcessResult first = s.sync();
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.out, Catch::Contains(" notices_sent=8 "));
  for (int i = 0; i < 8; ++i) {
    server.remove("work", "m" + std::to_string(i) + ".ics");
  }
  ProcessResult emptied = s.sync();
  INFO(emptied.out << emptied.err);
  CHECK(emptied.exit_code == 1);
  CHECK_THAT(emptied.out, Catch::Contains(" removed=0 ") && Catch::Contains(" removals_held=8 "));
  CHECK(s.spooled() == 8);
  CHECK(s.store()->meeting_count() == 8);
  ProcessResult accepted = s.sync({"--accept-removals", "dav"});
  INFO(accepted.out << accepted.err);
  CHECK(accepted.exit_code == 0);
  CHECK_THAT(accepted.out, Catch::Contains(" removed=8 ") && Catch::Contains(" notices_sent=8 "));
  CHECK(s.spooled() == 16);
}

namespace {

// Six weekly series that began in September 2026 (weeks after 2026-09-04: 14 is 12-11, 16 is
// 12-25, 17 is 2027-01-01). Each third moves its 2027-01-15 occurrence an hour later and invites
// the education ministry's vice-minister to it instead; each third moved its 12-11 occurrence,
// inviting the health ministry's, and has 2027-01-01 as an EXDATE and 2027-01-08 cancelled; each
// third moved its 2027-01-15 occurrence with the same attendee.
const std::string k_v16 = "vice.minister16@economy.gov.kz";
const std::string k_v24 = "vice.minister24@edu.gov.kz";
const std::string k_v29 = "vice.minister29@health.gov.kz";

WeeklySeries guard_series(int i)
{
  WeeklySeries s;
  s.uid = "guard-series-" + std::to_string(i);
  s.first = shifted_utc("20260904T050000Z", 0, i % 3 - 1); // 09:00, 10:00 or 11:00 in Almaty
  if (i % 3 == 0) {
    s.moved = {{19, 1, {"mailto:" + k_v24}}};
  } else if (i % 3 == 1) {
    s.moved = {{14, 1, {"mailto:" + k_v29}}};
    s.exdates = {17};
    s.cancelled = {18};
  } else {
    s.moved = {{19, 1, {}}};
  }
  return s;
}

// (UID, recipient) -> how many messages of `method` the spool holds for it.
std::map<std::pair<std::string, std::string>, int> by_pair(const std::vector<nlohmann::json>& mails,
                                                           const std::string& method)
{
  std::map<std::pair<std::string, std::string>, int> out;
  for (const nlohmann::json& m : mails) {
    if (m.at("method").is_string() && m.at("method") == method) {
      std::string to = m.at("to").get<std::string>();
      to = to.substr(to.rfind('<') + 1, to.rfind('>') - to.rfind('<') - 1);
      ++out[{m.at("events").at(0).at("uid").get<std::string>(), to}];
    }
  }
  return out;
}

} // namespace

TEST_CASE("removal guard: a folder of weekly series with a past, overrides and cancelled occurrences is held like "
          "single events, counted per series, restored sends nothing, accepted sends one CANCEL per series and "
          "representative with an occurrence ahead",
          "[sync][removals][series]")
{
  Setup s(R"([{"id": "local", "type": "dir", "path": "cal"}])");
  const std::vector<std::string> at_1207 = {"--now", "2026-12-07T12:00:00+05:00"}; // between 12-04 and 12-11
  const std::vector<std::string> at_1221 = {"--now", "2026-12-21T12:00:00+05:00"}; // between 12-18 and 12-25
  for (int i = 0; i < 6; ++i) {
    s.dir.write("cal/s" + std::to_string(i) + ".ics", weekly_series_ics(guard_series(i)));
  }
  ProcessResult first = s.sync(at_1207);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  const fs::path spool = s.dir.path() / "spool";
  std::set<fs::path> seen;
  std::vector<nlohmann::json> mails = read_imip(new_eml_files(spool, seen));
  // Everyone with an occurrence ahead is invited, the health ministry's to its 12-11 occurrence.
  CHECK(by_pair(mails, "REQUEST").size() == 10);
  CHECK(by_pair(mails, "REQUEST").count({"guard-series-1", k_v29}) == 1);

  // A resource that loses an override, one that gains an EXDATE: changes, not removals.
  WeeklySeries lost = guard_series(2);
  lost.moved.clear();
  s.dir.write("cal/s2.ics", weekly_series_ics(lost));
  WeeklySeries exdated = guard_series(0);
  exdated.exdates = {20};
  s.dir.write("cal/s0.ics", weekly_series_ics(exdated));
  ProcessResult changed = s.sync(at_1221);
  INFO(changed.out << changed.err);
  CHECK(changed.exit_code == 0);
  CHECK_THAT(changed.out,
             Catch::Contains(" added=0 changed=2 removed=0 errors=0 ") && Catch::Contains(" removals_held=0 "));
  // The EXDATE cancels that occurrence alone (its RECURRENCE-ID), no series.
  for (const nlohmann::json& m : read_imip(new_eml_files(spool, seen))) {
    if (m.at("method") == "CANCEL") {
      for (const nlohmann::json& e : m.at("events")) {
        CHECK(e.at("recurrence_id") == series_week(exdated, 20));
      }
    }
  }
  const std::size_t before_emptied = s.spooled();

  // Emptied: held, counted per series (not per occurrence), nothing cancelled.
  fs::rename(s.dir.path() / "cal", s.dir.path() / "away");
  fs::create_directories(s.dir.path() / "cal");
  ProcessResult emptied = s.sync(at_1221);
  INFO(emptied.out << emptied.err);
  CHECK(emptied.exit_code == 1);
  CHECK_THAT(emptied.out, Catch::Contains(" removed=0 errors=1 ") && Catch::Contains(" notices_sent=0 ") &&
                              Catch::Contains(" removals_held=6 "));
  CHECK_THAT(s.store()->source("local")->last_error, Catch::Contains("would remove 6 of the 6 meetings"));
  CHECK(s.spooled() == before_emptied);

  // Restored: nothing is sent again.
  fs::remove_all(s.dir.path() / "cal");
  fs::rename(s.dir.path() / "away", s.dir.path() / "cal");
  ProcessResult restored = s.sync(at_1221);
  INFO(restored.out << restored.err);
  CHECK(restored.exit_code == 0);
  CHECK_THAT(restored.out,
             Catch::Contains(" added=0 changed=0 removed=0 errors=0 ") && Catch::Contains(" notices_sent=0 "));
  CHECK(s.spooled() == before_emptied);

  // Emptied and accepted: one CANCEL per series and representative invited to an occurrence
  // ahead; none for the health ministry's, whose only occurrence (12-11) is over.
  fs::remove_all(s.dir.path() / "cal");
  fs::create_directories(s.dir.path() / "cal");
  CHECK(s.sync(at_1221).exit_code == 1);
  std::vector<std::string> accept = at_1221;
  accept.insert(accept.end(), {"--accept-removals", "local"});
  ProcessResult accepted = s.sync(accept);
  INFO(accepted.out << accepted.err);
  CHECK(accepted.exit_code == 0);
  CHECK_THAT(accepted.out, Catch::Contains(" removed=6 errors=0 "));
  std::map<std::pair<std::string, std::string>, int> cancels = by_pair(read_imip(new_eml_files(spool, seen)), "CANCEL");
  std::map<std::pair<std::string, std::string>, int> expected;
  for (int i = 0; i < 6; ++i) {
    expected[{"guard-series-" + std::to_string(i), k_v16}] = 1;
    if (i % 3 == 0) {
      expected[{"guard-series-" + std::to_string(i), k_v24}] = 1;
    }
  }
  CHECK(cancels == expected);
  CHECK(s.spooled() == before_emptied + expected.size());
  CHECK(s.sync(at_1221).exit_code == 0);
  CHECK(s.spooled() == before_emptied + expected.size());
}

namespace {

// The rows of December's appendix ("UID occurrence" -> how many times it is counted) as of `now`.
std::map<std::string, int> december_rows(const Setup& s, const std::string& now)
{
  ProcessResult r = run_process({kenesd_binary(), "--config", s.config.string(), "report", "--month", "2026-12",
                                 "--format", "json", "--now", now});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  std::map<std::string, int> rows;
  for (const nlohmann::json& body : doc.at("bodies")) {
    for (const nlohmann::json& official : body.at("officials")) {
      for (const nlohmann::json& m : official.at("meetings")) {
        ++rows[m.at("uid").get<std::string>() + " " + m.at("occurrence").get<std::string>()];
      }
    }
  }
  return rows;
}

} // namespace

// An organizer moves weekly series (a past, overrides, cancelled occurrences) from one calendar of
// a source to another (DELETE from one, PUT in the other, the same UIDs) between two syncs: a move,
// not a removal. Whichever calendar the sync applies first, nothing is sent (no CANCEL then
// REQUEST), the meetings keep their first_seen and nothing of them is kept as removed (the report
// would count a removed meeting's past beside the meeting's), and the removal guard does not hold
// the calendar that lost them all.
TEST_CASE("removal guard: series moved between two calendars of a source in one sync are not removals, nothing is "
          "sent, first_seen kept (Radicale)",
          "[sync][removals][series][radicale]")
{
  const bool forward = GENERATE(true, false);
  const int count = GENERATE(6, 2); // 6: what the guard would hold; 2: too few to hold, checked at once
  const std::string from = forward ? "alpha" : "beta";
  const std::string to = forward ? "beta" : "alpha";
  INFO("moved " << count << " from " << from << " to " << to);
  CaldavServer server(Server::radicale);
  server.make_calendar("alpha");
  server.make_calendar("beta");
  for (int i = 0; i < count; ++i) {
    server.put(from, "s" + std::to_string(i) + ".ics", weekly_series_ics(guard_series(i)));
  }
  server.put(to, "stays.ics", meeting("stays", 3));
  // One connection: the calendars are applied in the order the home lists them, so both
  // directions cover both orders (the one that loses them first, and last).
  Setup s(R"([{"id": "dav", "type": "caldav", "url": ")" + server.base() + R"(/", "username": "alice", )" +
          R"("max_connections": 1}])");
  ProcessResult first = s.sync({"--now", "2026-12-07T12:00:00+05:00"});
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  const std::size_t sent = s.spooled();
  REQUIRE(sent > 0);
  std::map<std::string, std::int64_t> first_seen;
  {
    auto store = s.store();
    REQUIRE(store->meeting_count() == count + 1);
    for (int i = 0; i < count; ++i) {
      const std::string uid = "guard-series-" + std::to_string(i);
      first_seen[uid] = store->first_seen(uid).value();
    }
  }

  const std::map<std::string, int> december = december_rows(s, "2026-12-08T12:00:00+05:00");
  REQUIRE(december.size() >= static_cast<std::size_t>(4 * count)); // each Friday of December, each series

  for (int i = 0; i < count; ++i) {
    const std::string name = "s" + std::to_string(i) + ".ics";
    server.remove(from, name);
    server.put(to, name, weekly_series_ics(guard_series(i)));
  }
  ProcessResult moved = s.sync({"--now", "2026-12-08T12:00:00+05:00"}); // a day later, still before 12-11
  INFO(moved.out << moved.err);
  CHECK(moved.exit_code == 0);
  CHECK_THAT(moved.out, Catch::Contains(" errors=0 ") && Catch::Contains(" notices_sent=0 ") &&
                            Catch::Contains(" removals_held=0 "));
  CHECK_THAT(moved.err, !Catch::Contains("sync.removals_held"));
  CHECK(s.spooled() == sent);
  // December (12-04 over, the rest ahead) counts each occurrence once, as it did before the move.
  CHECK(december_rows(s, "2026-12-08T12:00:00+05:00") == december);
  auto store = s.store();
  CHECK(store->meeting_count() == count + 1);
  CHECK_FALSE(store->source("dav")->degraded);
  for (const auto& [uid, seen] : first_seen) {
    INFO(uid);
    CHECK(store->first_seen(uid) == seen);
    CHECK_FALSE(store->removed_meeting(uid).has_value());
    for (const daemon::OutboxEntry& n : store->outbox(uid)) {
      CHECK(n.kind != "cancel");
    }
    const std::vector<daemon::ResourceRow> held = store->resources_by_uid(uid);
    REQUIRE(held.size() == 1);
    CHECK_THAT(held.front().href, Catch::Contains("/" + to + "/s"));
  }
}

// An administrator accepts a held removal (the calendar of six weekly series was emptied), but the
// sync that follows cannot apply it: that calendar now answers 404 (deleted; a listed collection,
// so the listing is not complete). The acceptance is not used up by it: nothing was removed. The
// next sync that reads the calendar (created again, empty) applies the removal without asking
// again, and only then is the acceptance used up.
TEST_CASE("removal guard: an accepted removal is not used up by a sync in which a calendar failed, the next complete "
          "sync applies it (Radicale)",
          "[sync][removals][series][radicale]")
{
  CaldavServer server(Server::radicale);
  server.make_calendar("work");
  server.make_calendar("other");
  for (int i = 0; i < 6; ++i) {
    server.put("work", "s" + std::to_string(i) + ".ics", weekly_series_ics(guard_series(i)));
  }
  server.put("other", "stays.ics", meeting("stays", 3));
  Setup s(R"([{"id": "dav", "type": "caldav", "url": ")" + server.base() + R"(/", "username": "alice", )" +
          R"("collections": [")" + server.calendar_url("work") + R"(", ")" + server.calendar_url("other") + R"("]}])");
  const std::vector<std::string> at_1207 = {"--now", "2026-12-07T12:00:00+05:00"}; // between 12-04 and 12-11
  ProcessResult first = s.sync(at_1207);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  const std::size_t sent = s.spooled();

  for (int i = 0; i < 6; ++i) {
    server.remove("work", "s" + std::to_string(i) + ".ics");
  }
  ProcessResult emptied = s.sync(at_1207);
  INFO(emptied.out << emptied.err);
  REQUIRE(emptied.exit_code == 1);
  CHECK_THAT(emptied.out, Catch::Contains(" removed=0 ") && Catch::Contains(" removals_held=6 "));

  // Accepted while the calendar answers 404: nothing removed, nothing sent, the acceptance stays.
  server.remove_calendar("work");
  std::vector<std::string> accept = at_1207;
  accept.insert(accept.end(), {"--accept-removals", "dav"});
  ProcessResult failed = s.sync(accept);
  INFO(failed.out << failed.err);
  CHECK(failed.exit_code == 1);
  CHECK_THAT(failed.out, Catch::Contains(" removed=0 errors=1 ") && Catch::Contains(" notices_sent=0 "));
  CHECK_THAT(failed.err,
             Catch::Contains("sync.collection_failed source=dav collection=" + server.calendar_url("work")));
  CHECK_THAT(failed.err, !Catch::Contains("sync.removals_accepted "));
  CHECK(s.spooled() == sent);
  {
    auto store = s.store();
    CHECK(store->meeting_count() == 7);
    CHECK_THAT(store->source("dav")->removals_accepted_by, Catch::StartsWith("sync --once by "));
  }

  // The calendar is back, empty: the accepted removal is applied by a sync nobody asked to
  // accept, one CANCEL per series and representative with an occurrence ahead, and used up.
  std::set<fs::path> seen;
  new_eml_files(s.dir.path() / "spool", seen); // what was sent so far
  server.make_calendar("work");
  ProcessResult applied = s.sync(at_1207);
  INFO(applied.out << applied.err);
  CHECK(applied.exit_code == 0);
  CHECK_THAT(applied.out, Catch::Contains(" removed=6 errors=0 ") && Catch::Contains(" removals_held=0 "));
  CHECK_THAT(applied.err, Catch::Contains("sync.removals_accepted source=dav"));
  std::map<std::pair<std::string, std::string>, int> expected;
  for (int i = 0; i < 6; ++i) {
    expected[{"guard-series-" + std::to_string(i), k_v16}] = 1;
    if (i % 3 == 0) {
      expected[{"guard-series-" + std::to_string(i), k_v24}] = 1;
    }
    if (i % 3 == 1) {
      expected[{"guard-series-" + std::to_string(i), k_v29}] = 1; // invited to 12-11, still ahead
    }
  }
  CHECK(by_pair(read_imip(new_eml_files(s.dir.path() / "spool", seen)), "CANCEL") == expected);
  {
    auto store = s.store();
    CHECK(store->meeting_count() == 1);
    CHECK(store->source("dav")->removals_accepted_by.empty());
    CHECK_FALSE(store->source("dav")->degraded);
  }
  // Emptied again later: held again (the acceptance was used up).
  server.remove("other", "stays.ics");
  for (int i = 0; i < 6; ++i) {
    server.put("other", "n" + std::to_string(i) + ".ics", meeting("later-" + std::to_string(i), 4 + i));
  }
  REQUIRE(s.sync(at_1207).exit_code == 0);
  for (int i = 0; i < 6; ++i) {
    server.remove("other", "n" + std::to_string(i) + ".ics");
  }
  ProcessResult again = s.sync(at_1207);
  INFO(again.out << again.err);
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.out, Catch::Contains(" removals_held=6 "));
}
