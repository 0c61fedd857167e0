// Issue 23, item 5: a source that suddenly lists nothing (an unmounted share, a server answering
// an empty collection) must not cancel every meeting. A sync that would remove more than
// max_removal_percent (default 50) of a source's meetings at once is not applied: the source is
// degraded with the reason until the meetings come back or an administrator accepts the removal.
#include "daemon/store/state_store.hpp"
#include "support/caldav_server.hpp"
#include "support/event_times.hpp"
#include "support/test_support.hpp"

#include <catch2/catch.hpp>

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
