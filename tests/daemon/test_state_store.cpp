// The state store (SPEC §7): migrations, incremental updates of a collection, quarantine, source
// health, meetings, sync history, and a store that survives kill -9 at any moment.
#include "support/raw_db.hpp"
#include "support/test_support.hpp"

#include "daemon/store/state_store.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <random>
#include <set>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace kenes;
using namespace kenes::daemon;
using Catch::Matchers::Contains;
using kenes::test::RawDb;
using kenes::test::TempDir;
namespace fs = std::filesystem;

namespace {

ResourcePut put(const std::string& href, const std::string& uid, const std::string& meaning,
                const std::string& etag = "\"1\"")
{
  return {href, etag, uid, meaning, "BEGIN:VCALENDAR\r\nUID:" + uid + " " + meaning + "\r\nEND:VCALENDAR\r\n"};
}

// A store with one source and one collection.
struct Fixture
{
  TempDir dir;
  std::unique_ptr<StateStore> store = StateStore::open(dir.path());
  std::int64_t cal = 0;

  Fixture()
  {
    store->ensure_source("minfin", "caldav");
    cal = store->ensure_collection("minfin", "/dav/cal/", "Calendar");
  }

  UpdateOutcome apply(std::vector<ResourcePut> puts, std::vector<std::string> removed = {})
  {
    CollectionUpdate u;
    u.collection_id = cal;
    u.put = std::move(puts);
    u.removed_hrefs = std::move(removed);
    return store->apply(u);
  }

  // A check found a meeting of `uid` (of the source, one occurrence).
  void checked_meeting(const std::string& uid)
  {
    MeetingRow m;
    m.uid = uid;
    m.source_id = "minfin";
    m.occurrences = {{1000, 1100, "ok"}};
    store->finish_check(uid, m, {});
  }

  std::map<std::string, ResourceRow> rows(bool with_raw = false) const
  {
    std::map<std::string, ResourceRow> out;
    for (auto& r : store->resources(cal, with_raw))
      out[r.href] = r;
    return out;
  }
};

using Uids = std::vector<std::string>;

} // namespace

TEST_CASE("store: migrations build the schema in a new file, and reopening keeps version and data", "[store]")
{
  TempDir dir;
  {
    auto store = StateStore::open(dir.path());
    CHECK(store->schema_version() == StateStore::k_schema_version);
    CHECK(store->path() == dir.path() / StateStore::k_file_name);
    store->ensure_source("minfin", "caldav");
    auto cal = store->ensure_collection("minfin", "/dav/cal/", "Calendar");
    CollectionUpdate u;
    u.collection_id = cal;
    u.put = {put("a.ics", "a", "m1")};
    u.sync_token = "t1";
    store->apply(u);
  }
  auto store = StateStore::open(dir.path());
  CHECK(store->schema_version() == StateStore::k_schema_version);
  REQUIRE(store->sources().size() == 1);
  CHECK(store->sources()[0].type == "caldav");
  REQUIRE(store->collections("minfin").size() == 1);
  CHECK(store->collections("minfin")[0].sync_token == "t1");
  CHECK(store->resource_count() == 1);
}

TEST_CASE("store: a state directory that does not exist yet is created", "[store]")
{
  TempDir dir;
  auto store = StateStore::open(dir.path() / "state" / "kenes");
  CHECK(fs::exists(dir.path() / "state" / "kenes" / StateStore::k_file_name));
}

TEST_CASE("store: a schema newer than this build is refused with a clear error", "[store]")
{
  TempDir dir;
  StateStore::open(dir.path());
  RawDb(dir.path()).exec("PRAGMA user_version = 99");
  REQUIRE_THROWS_AS(StateStore::open(dir.path()), StoreError);
  REQUIRE_THROWS_WITH(StateStore::open(dir.path()), Contains((dir.path() / StateStore::k_file_name).string()) &&
                                                        Contains("schema version 99, newer than this kenesd knows (" +
                                                                 std::to_string(StateStore::k_schema_version) + ")"));
  CHECK(RawDb(dir.path()).text("PRAGMA user_version") == "99"); // left as it was
}

TEST_CASE("store: a file that is not a database is refused, naming the file and SQLite's message", "[store]")
{
  TempDir dir;
  dir.write(StateStore::k_file_name, std::string(4096, 'x'));
  REQUIRE_THROWS_WITH(StateStore::open(dir.path()),
                      Contains((dir.path() / StateStore::k_file_name).string()) && Contains("file is not a database"));
}

TEST_CASE("store: another application's SQLite file is refused", "[store]")
{
  TempDir dir;
  {
    StateStore::open(dir.path());
  }
  RawDb(dir.path()).exec("PRAGMA application_id = 42");
  REQUIRE_THROWS_WITH(StateStore::open(dir.path()), Contains("not a kenes state store"));
}

TEST_CASE("store: an empty file is refused, not taken for a new store (issue 23, item 4)", "[store]")
{
  // A 0-byte kenes.sqlite3 was read as a new store: every meeting adopted and every notice sent
  // again. Only a file that does not exist is a new store.
  TempDir dir;
  fs::path file = dir.write(StateStore::k_file_name, "");
  REQUIRE_THROWS_WITH(StateStore::open(dir.path()), Contains(file.string()) && Contains("empty") &&
                                                        Contains("not a kenes state store") &&
                                                        Contains("move it away"));
  CHECK(fs::file_size(file) == 0); // left as it was
}

TEST_CASE("store: an SQLite file without the kenes schema is refused (issue 23, item 4)", "[store]")
{
  TempDir dir;
  {
    RawDb raw(dir.path()); // creates the file
    raw.exec("CREATE TABLE notes (x TEXT)");
  }
  REQUIRE_THROWS_WITH(StateStore::open(dir.path()),
                      Contains((dir.path() / StateStore::k_file_name).string()) && Contains("not a kenes state store"));
  CHECK(RawDb(dir.path()).text("PRAGMA user_version") == "0"); // not migrated
}

namespace {

// A store of `n` resources in `dir`, closed by its one connection.
void fill_and_close(const fs::path& dir, int n)
{
  std::unique_ptr<StateStore> store = StateStore::open(dir);
  store->ensure_source("minfin", "caldav");
  CollectionUpdate u;
  u.collection_id = store->ensure_collection("minfin", "/dav/cal/", "Calendar");
  for (int i = 0; i < n; ++i)
    u.put.push_back(put("r" + std::to_string(i) + ".ics", "u" + std::to_string(i), std::string(300, 'm')));
  store->apply(u);
}

} // namespace

TEST_CASE("store: quick_check is skipped only for a file unchanged since a clean close (issue 22, item 5)", "[store]")
{
  TempDir dir;
  const fs::path file = dir.path() / StateStore::k_file_name;
  const fs::path mark = file.string() + ".closed-clean";
  fill_and_close(dir.path(), 200);
  REQUIRE(fs::exists(mark));
  REQUIRE_FALSE(fs::exists(file.string() + "-wal"));

  SECTION("closed clean and untouched: no check, and the mark is gone while it is open")
  {
    std::unique_ptr<StateStore> store = StateStore::open(dir.path());
    CHECK_FALSE(store->checked_at_open());
    CHECK_FALSE(fs::exists(mark));
    CHECK(store->resource_count() == 200);
  }
  SECTION("a second open while the first is still open checks, and only the last close leaves a mark")
  {
    std::unique_ptr<StateStore> first = StateStore::open(dir.path());
    std::unique_ptr<StateStore> second = StateStore::open(dir.path());
    CHECK_FALSE(first->checked_at_open());
    CHECK(second->checked_at_open());
    first->ensure_source("mintrans", "caldav"); // a write: the log is there
    second.reset();
    CHECK_FALSE(fs::exists(mark));
    first.reset();
    CHECK(fs::exists(mark));
  }
  SECTION("a kenesd that did not close (killed) leaves no mark: the next open checks")
  {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      std::unique_ptr<StateStore> store = StateStore::open(dir.path());
      store->ensure_source("mintrans", "caldav");
      ::_exit(store->checked_at_open() ? 3 : 0); // no destructor, as under kill -9
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    CHECK_FALSE(fs::exists(mark));
    std::unique_ptr<StateStore> store = StateStore::open(dir.path());
    CHECK(store->checked_at_open());
  }
  SECTION("a file written to after the clean close is checked, and refused when damaged")
  {
    // File times come from a clock of a few milliseconds' grain: a write in the same tick as the
    // close would keep them. Nothing but kenesd writes the store; the test waits out the tick.
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    kenes::test::corrupt_pages(file, 4096, {3, 5, 7});
    REQUIRE(fs::exists(mark));
    REQUIRE_THROWS_WITH(StateStore::open(dir.path()), Contains(file.string()) && Contains("damaged"));
    CHECK_FALSE(fs::exists(mark)); // and a refused open leaves none
    REQUIRE_THROWS_WITH(StateStore::open(dir.path()), Contains("damaged"));
  }
  SECTION("damage SQLite meets while the store is open leaves no mark, so the next open checks")
  {
    std::unique_ptr<StateStore> store = StateStore::open(dir.path());
    REQUIRE_FALSE(store->checked_at_open());
    // Under the open connection (its cache holds none of these pages yet): a damaged file is
    // what the close would otherwise stamp as clean.
    kenes::test::corrupt_pages(file, 4096, {3, 5, 7});
    CHECK_THROWS_AS(store->resources(store->ensure_collection("minfin", "/dav/cal/", "Calendar"), true), StoreError);
    store.reset();
    CHECK_FALSE(fs::exists(mark));
    REQUIRE_THROWS_WITH(StateStore::open(dir.path()), Contains("damaged"));
  }
  SECTION("a mark naming another file (copied or restored in place) makes the open check")
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    fs::copy_file(file, dir.path() / "copy");
    fs::rename(dir.path() / "copy", file); // same bytes, another inode
    std::unique_ptr<StateStore> store = StateStore::open(dir.path());
    CHECK(store->checked_at_open());
  }
}

TEST_CASE("store: a damaged store is refused at open with quick_check's finding (issue 23, item 4)", "[store]")
{
  TempDir dir;
  {
    Fixture f;
    std::vector<ResourcePut> puts;
    for (int i = 0; i < 200; ++i)
      puts.push_back(put("r" + std::to_string(i) + ".ics", "u" + std::to_string(i), std::string(300, 'm')));
    CollectionUpdate u;
    u.collection_id = f.cal;
    u.put = puts;
    f.store->apply(u);
    f.store->checkpoint();
    fs::copy_file(f.dir.path() / StateStore::k_file_name, dir.path() / StateStore::k_file_name);
  }
  fs::path file = dir.path() / StateStore::k_file_name;
  REQUIRE(fs::file_size(file) > 8 * 4096);
  kenes::test::corrupt_pages(file, 4096, {3, 5, 7});
  REQUIRE_THROWS_WITH(StateStore::open(dir.path()),
                      Contains(file.string()) && Contains("damaged") && Contains("restore"));
}

TEST_CASE("store: the database is in WAL mode", "[store]")
{
  Fixture f;
  f.apply({put("a.ics", "a", "m1")});
  CHECK(RawDb(f.dir.path()).text("PRAGMA journal_mode") == "wal");
  CHECK(fs::exists(f.dir.path() / (std::string(StateStore::k_file_name) + "-wal")));
}

TEST_CASE("store: apply counts added, changed, unchanged by meaning and removed, with their UIDs", "[store]")
{
  Fixture f;
  auto first = f.apply({put("a.ics", "a", "m1"), put("b.ics", "b", "m1"), put("c.ics", "c", "m1")});
  CHECK(first.added == 3);
  CHECK(first.changed == 0);
  CHECK(first.changed_uids == Uids{"a", "b", "c"});
  CHECK(first.removed_uids.empty());

  // a: a new ETag and DTSTAMP only (same meaning); b: changed; c: deleted.
  ResourcePut a2 = put("a.ics", "a", "m1", "\"2\"");
  a2.raw += "DTSTAMP changed";
  auto second = f.apply({a2, put("b.ics", "b", "m2", "\"2\"")}, {"c.ics", "gone-before.ics"});
  CHECK(second.added == 0);
  CHECK(second.unchanged == 1);
  CHECK(second.changed == 1);
  CHECK(second.removed == 1);
  CHECK(second.changed_uids == Uids{"b"});
  CHECK(second.removed_uids == Uids{"c"});

  auto rows = f.rows(true);
  REQUIRE(rows.size() == 2);
  CHECK(rows["a.ics"].etag == "\"2\""); // the new ETag and raw are stored even when unchanged
  CHECK(rows["a.ics"].raw == a2.raw);
  CHECK(rows["b.ics"].meaning == "m2");
  CHECK(f.rows(false)["a.ics"].raw.empty()); // raw only when asked for
}

TEST_CASE("store: a resource whose UID changes reports the new UID changed and the old one removed", "[store]")
{
  Fixture f;
  f.apply({put("a.ics", "old", "m1")});
  auto out = f.apply({put("a.ics", "new", "m1")});
  CHECK(out.changed == 1);
  CHECK(out.changed_uids == Uids{"new"});
  CHECK(out.removed_uids == Uids{"old"});
}

TEST_CASE("store: a full listing removes every href it does not name", "[store]")
{
  Fixture f;
  f.apply({put("a.ics", "a", "m1"), put("b.ics", "b", "m1"), put("c.ics", "c", "m1"), put("d.ics", "d", "m1")});
  CollectionUpdate u;
  u.collection_id = f.cal;
  u.full = true;
  u.put = {put("a.ics", "a", "m1"), put("e.ics", "e", "m1")};
  u.quarantined = {{"d.ics", "\"9\"", "too large"}};
  u.unchanged_hrefs = {"b.ics"};
  auto out = f.store->apply(u);
  CHECK(out.added == 1);
  CHECK(out.unchanged == 2); // a by meaning, b listed as unchanged
  CHECK(out.quarantined == 1);
  CHECK(out.removed == 1);
  CHECK(out.removed_uids == Uids{"c"});
  auto rows = f.rows();
  CHECK(rows.size() == 4);
  CHECK(rows.count("c.ics") == 0);
  CHECK(rows.count("d.ics") == 1);
}

TEST_CASE("store: two resources with the same UID in a collection are both kept and reported", "[store]")
{
  Fixture f;
  auto other = f.store->ensure_collection("minfin", "/dav/other/", "Other");
  auto out = f.apply({put("1.ics", "dup", "m1"), put("2.ics", "dup", "m2"), put("3.ics", "single", "m1")});
  CHECK(out.added == 3);
  CHECK(out.duplicate_uids == Uids{"dup"});
  CHECK(f.store->resources_by_uid("dup").size() == 2);

  // The same UID in another collection is not a duplicate of this one.
  CollectionUpdate u;
  u.collection_id = other;
  u.put = {put("x.ics", "single", "m1")};
  CHECK(f.store->apply(u).duplicate_uids.empty());

  // Removing one of the two: the UID is still held, so it is not removed, and no longer doubled.
  auto removed = f.apply({}, {"1.ics", "3.ics"});
  CHECK(removed.removed == 2);
  CHECK(removed.removed_uids.empty()); // "dup" is in 2.ics, "single" in the other collection
  CHECK(removed.duplicate_uids.empty());
  REQUIRE(f.store->resources_by_uid("dup").size() == 1);
  CHECK(f.store->resources_by_uid("dup")[0].raw == put("2.ics", "dup", "m2").raw);
}

TEST_CASE("store: a broken item is quarantined and reported, and the rest of its collection is applied", "[store]")
{
  Fixture f;
  f.apply({put("x.ics", "x", "m1")});

  CollectionUpdate u;
  u.collection_id = f.cal;
  u.sync_token = "t2";
  u.put = {put("y.ics", "y", "m1")};
  u.quarantined = {{"x.ics", "\"2\"", "unreadable VEVENT"}, {"z.ics", "\"1\"", "over 10 MiB"}};
  auto out = f.store->apply(u);
  CHECK(out.added == 1);
  CHECK(out.quarantined == 2);
  CHECK(out.changed_uids == Uids{"y"});
  CHECK(out.removed_uids.empty()); // x keeps its last good version
  CHECK(f.store->collections("minfin")[0].sync_token == "t2");

  auto rows = f.rows(true);
  REQUIRE(rows.size() == 3);
  CHECK(rows["x.ics"].quarantine_reason == "unreadable VEVENT");
  CHECK(rows["x.ics"].etag == "\"2\""); // not fetched again until it changes
  CHECK(rows["x.ics"].uid == "x");
  CHECK(rows["x.ics"].meaning == "m1");
  CHECK(rows["x.ics"].raw == put("x.ics", "x", "m1").raw);
  CHECK(rows["z.ics"].quarantine_reason == "over 10 MiB");
  CHECK(rows["z.ics"].uid.empty());
  CHECK(rows["z.ics"].raw.empty());

  // Fixed: x comes back unchanged in meaning, z is new.
  auto fixed = f.apply({put("x.ics", "x", "m1", "\"3\""), put("z.ics", "z", "m1", "\"2\"")});
  CHECK(fixed.unchanged == 1);
  CHECK(fixed.added == 1);
  CHECK(fixed.changed_uids == Uids{"z"});
  rows = f.rows();
  CHECK(rows["x.ics"].quarantine_reason.empty());
  CHECK(rows["z.ics"].quarantine_reason.empty());

  // A quarantined item that is then deleted goes like any other.
  CollectionUpdate again;
  again.collection_id = f.cal;
  again.quarantined = {{"x.ics", "\"4\"", "unreadable VEVENT"}};
  f.store->apply(again);
  CHECK(f.apply({}, {"x.ics"}).removed_uids == Uids{"x"});
}

TEST_CASE("store: an event deleted and later re-created with the same UID comes back as added", "[store]")
{
  Fixture f;
  f.apply({put("a.ics", "u1", "m1")});
  auto deleted = f.apply({}, {"a.ics"});
  CHECK(deleted.removed_uids == Uids{"u1"});
  CHECK(f.store->resources_by_uid("u1").empty());

  auto back = f.apply({put("b.ics", "u1", "m1")}); // another href, same meaning as before
  CHECK(back.added == 1);
  CHECK(back.changed_uids == Uids{"u1"});
  auto same_href = f.apply({put("a.ics", "u2", "m1")}, {"b.ics"});
  auto again = f.apply({put("b.ics", "u1", "m1")});
  CHECK(same_href.removed_uids == Uids{"u1"});
  CHECK(again.added == 1);
  CHECK(again.changed_uids == Uids{"u1"});
}

TEST_CASE("store: the ctag and sync token are saved only with their data", "[store]")
{
  Fixture f;
  CollectionUpdate u;
  u.collection_id = f.cal;
  u.ctag = "c1";
  u.sync_token = "t1";
  u.put = {put("a.ics", "a", "m1")};
  f.store->apply(u);
  auto col = f.store->collections("minfin").at(0);
  CHECK(col.ctag == "c1");
  CHECK(col.sync_token == "t1");

  // An update without tokens leaves them.
  f.apply({put("b.ics", "b", "m1")});
  CHECK(f.store->collections("minfin").at(0).sync_token == "t1");

  // A caller's transaction that fails after apply takes token and data back together.
  CollectionUpdate next;
  next.collection_id = f.cal;
  next.ctag = "c2";
  next.sync_token = "t2";
  next.put = {put("a.ics", "a", "m2")};
  CHECK_THROWS_AS(f.store->with_transaction([&] {
    f.store->apply(next);
    throw std::runtime_error("the verdict could not be written");
  }),
                  std::runtime_error);
  col = f.store->collections("minfin").at(0);
  CHECK(col.ctag == "c1");
  CHECK(col.sync_token == "t1");
  CHECK(f.rows()["a.ics"].meaning == "m1");

  // An unknown collection writes nothing.
  CollectionUpdate stray;
  stray.collection_id = 999;
  stray.put = {put("a.ics", "a", "m3")};
  CHECK_THROWS_AS(f.store->apply(stray), StoreError);
  CHECK(f.store->resource_count() == 2);
}

TEST_CASE("store: with_transaction commits nested work together", "[store]")
{
  Fixture f;
  f.store->with_transaction([&] {
    f.apply({put("a.ics", "a", "m1")});
    f.store->with_transaction([&] { f.store->put_meeting({"a", "minfin", "A", 10, 20, "valid", "{}", 5, 6, {}}); });
    CHECK_THROWS(f.store->with_transaction([&] {
      f.store->remove_meeting("a");
      throw std::runtime_error("inner");
    }));
  });
  CHECK(f.store->resource_count() == 1);
  CHECK(f.store->meeting("a").has_value()); // the inner failure undid only its own part
}

TEST_CASE("store: collections are ensured once and removed with their resources", "[store]")
{
  Fixture f;
  CHECK(f.store->ensure_collection("minfin", "/dav/cal/", "Renamed") == f.cal);
  CHECK(f.store->collections("minfin").at(0).display_name == "Renamed");
  auto other = f.store->ensure_collection("minfin", "/dav/other/", "Other");
  f.apply({put("a.ics", "a", "m1"), put("b.ics", "shared", "m1")});
  CollectionUpdate u;
  u.collection_id = other;
  u.put = {put("s.ics", "shared", "m1"), put("o.ics", "o", "m1")};
  f.store->apply(u);

  CHECK(f.store->remove_collection(f.cal) == Uids{"a"});
  CHECK(f.store->resource_count() == 2);
  REQUIRE(f.store->collections("minfin").size() == 1);
  CHECK(f.store->remove_source("minfin") == Uids{"o", "shared"});
  CHECK(f.store->resource_count() == 0);
  CHECK(f.store->collections("minfin").empty());
  CHECK(f.store->sources().empty());
}

TEST_CASE("store: a failing source keeps the start of its failures until a success", "[store]")
{
  Fixture f;
  f.store->ensure_source("feed", "ical");
  f.store->record_attempt("minfin", 100);
  f.store->record_failure("minfin", 100, "auth", "401 Unauthorized");
  auto s = f.store->source("minfin").value();
  CHECK(s.degraded);
  CHECK(s.failing_since == 100);
  CHECK(s.last_attempt == 100);
  CHECK(s.error_kind == "auth"); // shown as "authentication failed since …"
  CHECK(s.last_error == "401 Unauthorized");
  CHECK_FALSE(s.last_success.has_value());

  f.store->record_attempt("minfin", 200);
  f.store->record_failure("minfin", 200, "timeout", "no answer in 30 s");
  s = f.store->source("minfin").value();
  CHECK(s.failing_since == 100);
  CHECK(s.last_attempt == 200);
  CHECK(s.error_kind == "timeout");

  f.store->record_attempt("minfin", 300);
  f.store->record_success("minfin", 300);
  s = f.store->source("minfin").value();
  CHECK_FALSE(s.degraded);
  CHECK_FALSE(s.failing_since.has_value());
  CHECK(s.last_success == 300);
  CHECK(s.error_kind.empty());
  CHECK(s.last_error.empty());

  f.store->record_failure("minfin", 400, "auth", "403 Forbidden");
  CHECK(f.store->source("minfin")->failing_since == 400);
  CHECK_FALSE(f.store->source("feed")->degraded);
  CHECK(f.store->sources().size() == 2);
  CHECK_FALSE(f.store->source("nobody").has_value());
  CHECK_THROWS_AS(f.store->record_failure("nobody", 1, "auth", "x"), StoreError);
}

TEST_CASE("store: a meeting keeps its earliest first_seen and is found by time and verdict", "[store]")
{
  Fixture f;
  f.store->put_meeting({"m1", "minfin", "Совещание", 1000, 2000, "valid", R"({"uid":"m1"})", 500, 600, {}});
  f.store->put_meeting({"m2", "minfin", "Other", 3000, 4000, "invalid", "{}", 700, 700, {}});
  f.store->put_meeting({"m3", "minfin", "Later", 5000, 6000, "invalid", "{}", 700, 700, {}});
  CHECK(f.store->first_seen("m1") == 500);

  f.store->put_meeting({"m1", "minfin", "Moved", 1500, 2500, "warning", "{}", 900, 950, {}});
  auto m = f.store->meeting("m1").value();
  CHECK(m.first_seen == 500);
  CHECK(m.summary == "Moved");
  CHECK(m.start == 1500);
  CHECK(m.end == 2500);
  CHECK(m.verdict == "warning");
  CHECK(m.checked_at == 950);
  f.store->put_meeting({"m1", "minfin", "Moved", 1500, 2500, "warning", "{}", 400, 960, {}});
  CHECK(f.store->first_seen("m1") == 400);

  auto between = f.store->meetings_between(2000, 5000); // overlaps m1 (ends 2500) and m2, not m3
  REQUIRE(between.size() == 2);
  CHECK(between[0].uid == "m1");
  CHECK(between[1].uid == "m2");
  CHECK(f.store->meetings_by_verdict() == std::map<std::string, int>{{"invalid", 2}, {"warning", 1}});

  f.store->remove_meeting("m1");
  CHECK_FALSE(f.store->meeting("m1").has_value());
  CHECK_FALSE(f.store->first_seen("m1").has_value());
}

TEST_CASE("store: a meeting's occurrences are replaced with it and found by time", "[store]")
{
  Fixture f;
  MeetingRow weekly{"w", "minfin", "Еженедельное", 1000, 1100, "invalid", "{}", 500, 600, {}};
  weekly.occurrences = {{1000, 1100, "ok"}, {2000, 2100, "invalid"}, {3000, 3100, "ok"}};
  f.store->put_meeting(weekly);
  MeetingRow single{"s", "minfin", "Разовое", 2050, 2200, "ok", "{}", 500, 600, {{{2050, 2200, "ok"}}}};
  f.store->put_meeting(single);

  auto week = f.store->occurrences_between(1500, 2500);
  REQUIRE(week.size() == 2);
  CHECK(week[0].uid == "w");
  CHECK(week[0].summary == "Еженедельное");
  CHECK(week[0].meeting_verdict == "invalid");
  CHECK(week[0].occurrence.start == 2000);
  CHECK(week[0].occurrence.verdict == "invalid");
  CHECK(week[1].uid == "s");
  CHECK(f.store->meetings_occurring(2900, 4000) == std::vector<std::string>{"w"});
  CHECK(f.store->meetings_occurring(0, 5000) == std::vector<std::string>{"s", "w"});
  CHECK(f.store->meeting_count() == 2);

  weekly.occurrences = {{1000, 1100, "ok"}}; // the series was shortened
  f.store->put_meeting(weekly);
  CHECK(f.store->meetings_occurring(1500, 4000) == std::vector<std::string>{"s"});
  f.store->remove_meeting("s");
  CHECK(f.store->occurrences_between(0, 5000).size() == 1);
}

TEST_CASE("store: sync history is newest first, limited, and trimmed per source", "[store]")
{
  Fixture f;
  for (int i = 1; i <= 5; ++i)
    f.store->record_sync({"minfin", i * 10, i * 10 + 1, i, i, 0, 0, 0, i == 4 ? "timeout" : "ok"});
  f.store->record_sync({"feed", 99, 100, 1, 0, 0, 0, 1, "auth"});
  auto h = f.store->sync_history("minfin", 3);
  REQUIRE(h.size() == 3);
  CHECK(h[0].started == 50);
  CHECK(h[1].started == 40);
  CHECK(h[1].outcome == "timeout");
  CHECK(h[2].started == 30);
  CHECK(h[2].requests == 3);
  CHECK(f.store->sync_history("feed", 10).size() == 1);

  f.store->with_transaction([&] {
    for (int i = 6; i <= StateStore::k_history_per_source + 2; ++i)
      f.store->record_sync({"minfin", i * 10, i * 10 + 1, 1, 0, 0, 0, 0, "ok"});
  });
  auto all = f.store->sync_history("minfin", 5000);
  REQUIRE(all.size() == static_cast<std::size_t>(StateStore::k_history_per_source));
  CHECK(all.back().started == 30);
  CHECK(f.store->sync_history("feed", 10).size() == 1);
}

// --- kill -9 ---

namespace {

constexpr int k_fixed_resources = 40;

// Generation n of the churned collection: every fixed resource says n, one resource named after n
// replaces the one of n-1, and the token is n. Odd generations remove by href, even ones by a
// full listing.
CollectionUpdate generation(std::int64_t collection_id, long n)
{
  CollectionUpdate u;
  u.collection_id = collection_id;
  u.ctag = "c" + std::to_string(n);
  u.sync_token = std::to_string(n);
  std::string tag = "gen:" + std::to_string(n) + "\n";
  for (int i = 0; i < k_fixed_resources; ++i) {
    std::string id = "fixed-" + std::to_string(i);
    u.put.push_back({id + ".ics", "\"" + std::to_string(n) + "\"", id, tag, tag + std::string(2000, 'a' + i % 26)});
  }
  std::string moving = "moving-" + std::to_string(n);
  u.put.push_back({moving + ".ics", "\"1\"", moving, tag, tag});
  if (n % 2)
    u.removed_hrefs = {"moving-" + std::to_string(n - 1) + ".ics"};
  else
    u.full = true;
  return u;
}

[[noreturn]] void churn_forever(const fs::path& dir)
{
  try {
    auto store = StateStore::open(dir);
    store->ensure_source("crash", "dir");
    auto cal = store->ensure_collection("crash", "/crash/", "Crash");
    for (;;) {
      auto token = store->collections("crash").at(0).sync_token;
      store->apply(generation(cal, token.empty() ? 1 : std::stol(token) + 1));
    }
  } catch (...) {
    _exit(3);
  }
}

// The generation the store holds, checking that token and data agree; -1 when they do not.
long stored_generation(StateStore& store)
{
  auto cols = store.collections("crash");
  if (cols.empty() || cols[0].sync_token.empty())
    return store.resource_count() == 0 ? 0 : -1;
  long n = std::stol(cols[0].sync_token);
  std::string tag = "gen:" + std::to_string(n) + "\n";
  auto rows = store.resources(cols[0].id, true);
  if (cols[0].ctag != "c" + std::to_string(n) || rows.size() != k_fixed_resources + 1 ||
      store.resource_count() != k_fixed_resources + 1)
    return -1;
  std::set<std::string> hrefs;
  for (const auto& r : rows) {
    hrefs.insert(r.href);
    if (r.meaning != tag || r.raw.rfind(tag, 0) != 0 || store.resources_by_uid(r.uid).size() != 1)
      return -1;
  }
  if (hrefs.size() != rows.size() || !hrefs.contains("moving-" + std::to_string(n) + ".ics"))
    return -1;
  return n;
}

} // namespace

TEST_CASE("store: kill -9 at random moments leaves token and data of the same generation", "[store][crash]")
{
  TempDir dir;
  const unsigned seed = std::random_device{}();
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> delay_us(1000, 40000);
  constexpr int k_kills = 25;
  INFO("seed " << seed);

  auto begin = std::chrono::steady_clock::now();
  long last = 0;
  int killed_mid_run = 0;
  for (int kill_no = 0; kill_no < k_kills; ++kill_no) {
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0)
      churn_forever(dir.path());
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
    REQUIRE(kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    INFO("kill " << kill_no << ", exit status " << status);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);

    auto store = StateStore::open(dir.path()); // recovers the WAL as the next start would
    CHECK(RawDb(dir.path()).text("PRAGMA integrity_check") == "ok");
    long n = stored_generation(*store);
    INFO("generation after kill " << kill_no << ": " << n << " (before: " << last << ")");
    REQUIRE(n >= last); // a committed generation is never lost
    if (n > last)
      ++killed_mid_run;
    last = n;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  INFO(k_kills << " kills in " << seconds << " s, " << killed_mid_run << " after progress, generation " << last);
  CHECK(last > k_kills); // the children did make progress between kills
}

namespace {

// The schema of version 1 as it was released, with one source, collection and resource in it.
void write_version_1_store(const fs::path& dir)
{
  fs::create_directories(dir);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((dir / StateStore::k_file_name).c_str(), &db) == SQLITE_OK);
  const char* sql = R"sql(
PRAGMA application_id = 1801809523;
CREATE TABLE sources (id TEXT PRIMARY KEY, type TEXT NOT NULL, last_attempt INTEGER, last_success INTEGER,
  failing_since INTEGER, error_kind TEXT NOT NULL DEFAULT '', last_error TEXT NOT NULL DEFAULT '');
CREATE TABLE collections (id INTEGER PRIMARY KEY, source_id TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  href TEXT NOT NULL, display_name TEXT NOT NULL DEFAULT '', ctag TEXT NOT NULL DEFAULT '',
  sync_token TEXT NOT NULL DEFAULT '', UNIQUE (source_id, href));
CREATE TABLE resources (id INTEGER PRIMARY KEY, collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
  href TEXT NOT NULL, etag TEXT NOT NULL DEFAULT '', uid TEXT NOT NULL DEFAULT '', meaning TEXT NOT NULL DEFAULT '',
  raw TEXT, quarantine_reason TEXT NOT NULL DEFAULT '', UNIQUE (collection_id, href));
CREATE INDEX resources_by_uid ON resources (uid);
CREATE TABLE meetings (uid TEXT PRIMARY KEY, source_id TEXT NOT NULL, summary TEXT NOT NULL, starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL, verdict TEXT NOT NULL, json TEXT NOT NULL, first_seen INTEGER NOT NULL, checked_at INTEGER NOT NULL);
CREATE INDEX meetings_by_start ON meetings (starts_at);
CREATE TABLE sync_history (id INTEGER PRIMARY KEY, source_id TEXT NOT NULL, started INTEGER NOT NULL, finished INTEGER NOT NULL,
  requests INTEGER NOT NULL, added INTEGER NOT NULL, changed INTEGER NOT NULL, removed INTEGER NOT NULL,
  errors INTEGER NOT NULL, outcome TEXT NOT NULL);
CREATE INDEX sync_history_by_source ON sync_history (source_id, started);
INSERT INTO sources (id, type) VALUES ('minfin', 'caldav');
INSERT INTO collections (id, source_id, href, ctag, sync_token) VALUES (1, 'minfin', '/dav/cal/', 'c1', 't1');
INSERT INTO resources (collection_id, href, etag, uid, meaning, raw) VALUES (1, '/dav/cal/a.ics', '"1"', 'a', 'm', 'RAW');
PRAGMA user_version = 1;
)sql";
  REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

} // namespace

TEST_CASE("store: a version 1 store migrates forward to the current version keeping its data and tokens", "[store]")
{
  TempDir dir;
  write_version_1_store(dir.path());
  auto store = StateStore::open(dir.path());
  CHECK(store->schema_version() == StateStore::k_schema_version);
  CHECK(store->outbox_counts().empty());
  CHECK_FALSE(store->notice_state("a"));
  auto cols = store->collections("minfin");
  REQUIRE(cols.size() == 1);
  CHECK(cols[0].ctag == "c1");
  CHECK(cols[0].sync_token == "t1");
  auto res = store->resources(cols[0].id, true);
  REQUIRE(res.size() == 1);
  CHECK(res[0].raw == "RAW");
  CHECK(store->source_memo("minfin").empty());
  CHECK(store->pending_check_count() == 0);
}

TEST_CASE("store: apply queues the changed, removed and duplicate UIDs for a check in its transaction", "[store]")
{
  Fixture f;
  f.apply({put("/dav/cal/a.ics", "a", "m1"), put("/dav/cal/b.ics", "b", "m1")});
  auto pending = f.store->pending_checks(10);
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].uid == "a");
  CHECK(pending[1].uid == "b");
  CHECK(pending[0].queued_at > 1700000000);

  MeetingRow m{"a", "minfin", "A", 100, 200, "ok", "{}", 50, 60, {}};
  f.store->finish_check("a", m, {"x@minfin.gov.kz", "y@minfin.gov.kz"});
  f.store->finish_check("b", std::nullopt, {});
  CHECK(f.store->pending_check_count() == 0);
  CHECK(f.store->meeting_uids() == Uids{"a"});
  CHECK(f.store->meetings_with({"y@minfin.gov.kz"}) == Uids{"a"});
  CHECK(f.store->meetings_with({"z@minfin.gov.kz"}).empty());

  // An unchanged meaning queues nothing; a removal queues the UID.
  f.apply({put("/dav/cal/a.ics", "a", "m1")});
  CHECK(f.store->pending_check_count() == 0);
  f.apply({}, {"/dav/cal/a.ics"});
  REQUIRE(f.store->pending_checks(10).size() == 1);
  CHECK(f.store->pending_checks(10)[0].uid == "a");
  f.store->finish_check("a", std::nullopt, {});
  CHECK(f.store->meeting_uids().empty());
  CHECK(f.store->meetings_with({"x@minfin.gov.kz"}).empty());
}

TEST_CASE("store: a check rewrites only the addresses of a meeting that changed, and a schema-10 store's "
          "people (a rowid table with an index by email) migrate to one table keyed by UID",
          "[store]")
{
  Fixture f;
  MeetingRow m{"a", "minfin", "A", 100, 200, "ok", "{}", 50, 60, {}};
  f.store->finish_check("a", m, {"x@minfin.gov.kz", "y@minfin.gov.kz", "x@minfin.gov.kz"});
  f.store->finish_check("b", MeetingRow{"b", "minfin", "B", 100, 200, "ok", "{}", 50, 60, {}}, {"y@minfin.gov.kz"});
  CHECK(f.store->meetings_with({"x@minfin.gov.kz"}) == Uids{"a"});
  CHECK(f.store->meetings_with({"y@minfin.gov.kz", "x@minfin.gov.kz"}) == Uids{"a", "b"});
  // Checked again: x leaves, z comes, y stays.
  f.store->finish_check("a", m, {"z@minfin.gov.kz", "y@minfin.gov.kz"});
  CHECK(f.store->meetings_with({"x@minfin.gov.kz"}).empty());
  CHECK(f.store->meetings_with({"z@minfin.gov.kz"}) == Uids{"a"});
  CHECK(f.store->meetings_with({"y@minfin.gov.kz"}) == Uids{"a", "b"});
  CHECK(f.store->meetings_with({}).empty());
  CHECK(RawDb(f.dir.path()).text("SELECT count(*) FROM meeting_people") == "3");
  f.store.reset();
  {
    // Back to the shape of schema 10.
    RawDb raw(f.dir.path());
    raw.exec("CREATE TABLE old (uid TEXT NOT NULL, email TEXT NOT NULL, PRIMARY KEY (uid, email)); "
             "INSERT INTO old SELECT uid, email FROM meeting_people; DROP TABLE meeting_people; "
             "ALTER TABLE old RENAME TO meeting_people; "
             "CREATE INDEX meeting_people_by_email ON meeting_people (email); PRAGMA user_version = 10;");
  }
  f.store = StateStore::open(f.dir.path());
  CHECK(f.store->schema_version() == StateStore::k_schema_version);
  CHECK(f.store->meetings_with({"y@minfin.gov.kz"}) == Uids{"a", "b"});
  CHECK(f.store->meetings_with({"z@minfin.gov.kz"}) == Uids{"a"});
  RawDb raw(f.dir.path());
  CHECK_THAT(raw.text("SELECT sql FROM sqlite_schema WHERE name = 'meeting_people'"), Catch::Contains("WITHOUT ROWID"));
  CHECK(raw.text("SELECT count(*) FROM sqlite_schema WHERE name = 'meeting_people_by_email'") == "0");
  f.store->finish_check("b", std::nullopt, {});
  CHECK(f.store->meetings_with({"y@minfin.gov.kz"}) == Uids{"a"});
}

TEST_CASE("store: a UID queued again while it is being checked stays queued after that check, the queue can "
          "leave out the UIDs being checked",
          "[store]")
{
  Fixture f;
  f.store->queue_checks({"a", "b", "c"});
  std::vector<PendingCheck> first = f.store->pending_checks(2);
  REQUIRE(first.size() == 2);
  CHECK(first[0].uid == "a");
  CHECK(first[0].generation == 0);
  std::vector<PendingCheck> rest = f.store->pending_checks(2, {"a", "b"});
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].uid == "c");

  f.store->queue_checks({"a"}); // a new version of "a" arrives while "a" is checked
  f.store->finish_check("a", std::nullopt, {}, {}, first[0].generation);
  f.store->finish_check("b", std::nullopt, {}, {}, first[1].generation);
  std::vector<PendingCheck> left = f.store->pending_checks(10);
  REQUIRE(left.size() == 2);
  CHECK(left[0].uid == "a");
  CHECK(left[0].generation == 1);
  CHECK(left[1].uid == "c");
  f.store->finish_check("a", std::nullopt, {}, {}, left[0].generation);
  f.store->finish_check("c", std::nullopt, {}, {}); // without a generation: off the queue anyway
  CHECK(f.store->pending_check_count() == 0);
}

TEST_CASE("store: a source keeps its memo between openings", "[store]")
{
  TempDir dir;
  {
    auto store = StateStore::open(dir.path());
    store->ensure_source("minfin", "caldav");
    store->set_source_memo("minfin", "https://dav.example/home/\n");
  }
  auto store = StateStore::open(dir.path());
  CHECK(store->source_memo("minfin") == "https://dav.example/home/\n");
}

TEST_CASE("store: a queued message keeps its bytes until it is sent, a key is queued once, and a version 5 "
          "store's queued messages survive the move of the bytes to a table of their own",
          "[store]")
{
  TempDir dir;
  auto message = [](const std::string& key) {
    return OutboxMessage{
        key, key + "@kenes", "request", "rep@minfin.gov.kz", "kenes@gov.kz", "BYTES of " + key, "pending", {}, false};
  };
  {
    auto store = StateStore::open(dir.path());
    store->finish_check("a", std::nullopt, {}, NoticeUpdate{std::nullopt, "", {message("k1"), message("k2")}});
    // The same key again (a check repeated after a crash) queues nothing and keeps the first bytes.
    OutboxMessage again = message("k1");
    again.message = "OTHER";
    store->finish_check("a", std::nullopt, {}, NoticeUpdate{std::nullopt, "", {again}});
    auto rows = store->claim_due(0, 1);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].key == "k1");
    CHECK(rows[0].message == "BYTES of k1");
    CHECK(rows[0].attempts == 1);
    store->mark_sent(rows[0].id, 100);
    CHECK(store->outbox_counts() == std::map<std::string, int>{{"pending", 1}, {"sent", 1}});
  }
  {
    // Back to the shape of schema 5: the bytes in the outbox row, sent ones emptied.
    RawDb raw(dir.path());
    raw.exec("ALTER TABLE outbox ADD COLUMN message BLOB NOT NULL DEFAULT ''; "
             "UPDATE outbox SET message = (SELECT message FROM outbox_messages m WHERE m.id = outbox.id) "
             "WHERE state = 'pending'; DROP TABLE outbox_messages; "
             "ALTER TABLE pending_checks DROP COLUMN generation; ALTER TABLE pending_checks DROP COLUMN adopt; "
             "ALTER TABLE collections DROP COLUMN adopted_at; ALTER TABLE sources DROP COLUMN adopted; "
             "ALTER TABLE sources DROP COLUMN accept_removals; DROP TABLE removed_meetings; PRAGMA user_version = 5;");
  }
  auto store = StateStore::open(dir.path());
  CHECK(store->schema_version() == StateStore::k_schema_version);
  auto rows = store->claim_due(0, 10);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].key == "k2");
  CHECK(rows[0].message == "BYTES of k2");
  store->mark_sent(rows[0].id, 100);
  CHECK(store->claim_due(0, 10).empty());
  CHECK(store->outbox_counts() == std::map<std::string, int>{{"sent", 2}});
  CHECK(RawDb(dir.path()).text("SELECT count(*) FROM outbox_messages") == "0");
}

TEST_CASE("store: a removed source keeps, of a UID two of its calendars hold, the text a check reads (the first by "
          "collection, then href), and a removed calendar the other's",
          "[store][history]")
{
  for (const bool whole_source : {true, false}) {
    INFO((whole_source ? "remove_source" : "remove_collection"));
    Fixture f;
    // Created after f.cal, named before it: the order by name is not the order a check reads in.
    const std::int64_t other = f.store->ensure_collection("minfin", "/dav/a-other/", "Other");
    f.apply({put("z.ics", "u", "in cal")});
    CollectionUpdate u;
    u.collection_id = other;
    u.put = {put("b.ics", "u", "in other")};
    f.store->apply(u);
    f.checked_meeting("u");
    const std::vector<ResourceRow> read = f.store->resources_by_uid("u");
    REQUIRE(read.size() == 2);
    REQUIRE(read.front().href == "z.ics");
    if (whole_source) {
      CHECK(f.store->remove_source("minfin", 2050) == Uids{"u"});
    } else {
      CHECK(f.store->remove_collection(f.cal, 2050).empty()); // the other calendar still holds it
      CHECK_FALSE(f.store->removed_meeting("u").has_value());
      CHECK(f.store->remove_collection(other, 2050) == Uids{"u"});
    }
    const std::vector<PendingCheck> queued = f.store->pending_checks(10);
    REQUIRE(queued.size() == 1);
    CHECK(queued[0].uid == "u");
    f.store->finish_check("u", std::nullopt, {});
    std::optional<RemovedMeeting> kept = f.store->removed_meeting("u");
    REQUIRE(kept.has_value());
    CHECK(kept->href == (whole_source ? read.front().href : std::string("b.ics")));
    CHECK(kept->raw == (whole_source ? read.front().raw : read.back().raw));
  }
}

TEST_CASE("store: a UID two resources of a calendar hold, both removed in one apply, keeps the text a check reads "
          "(the first by href), whatever the order they go in",
          "[store][history]")
{
  for (const bool in_order : {true, false}) {
    INFO((in_order ? "removed a.ics then b.ics" : "removed b.ics then a.ics"));
    Fixture f;
    f.apply({put("b.ics", "u", "second"), put("a.ics", "u", "first")});
    f.checked_meeting("u");
    const std::vector<ResourceRow> read = f.store->resources_by_uid("u");
    REQUIRE(read.size() == 2);
    REQUIRE(read.front().href == "a.ics");
    CollectionUpdate u;
    u.collection_id = f.cal;
    u.removed_hrefs = in_order ? Uids{"a.ics", "b.ics"} : Uids{"b.ics", "a.ics"};
    u.at = 2050;
    CHECK(f.store->apply(u).removed_uids == Uids{"u"});
    f.store->finish_check("u", std::nullopt, {});
    std::optional<RemovedMeeting> kept = f.store->removed_meeting("u");
    REQUIRE(kept.has_value());
    CHECK(kept->href == "a.ics");
    CHECK(kept->raw == read.front().raw);
  }
}

TEST_CASE("store: a removed calendar or source leaves its meetings' past as removed meetings, not as current ones, "
          "and a UID that comes back is the meeting again",
          "[store][history]")
{
  Fixture f;
  auto meeting = [](const std::string& uid) {
    MeetingRow m;
    m.uid = uid;
    m.source_id = "minfin";
    m.summary = "S " + uid;
    m.start = 1000;
    m.end = 1100;
    m.verdict = "ok";
    m.json = "{\"uid\": \"" + uid + "\"}";
    m.occurrences = {{1000, 1100, "ok"}, {2000, 2100, "warning"}, {3000, 3100, "ok"}};
    return m;
  };
  f.apply({put("a.ics", "a", "m")});
  const std::int64_t other = f.store->ensure_collection("minfin", "/dav/other/", "Other");
  CollectionUpdate b;
  b.collection_id = other;
  b.put = {put("b.ics", "b", "m"), put("never.ics", "never", "m")};
  f.store->apply(b);
  f.store->finish_check("a", meeting("a"), {"x@minfin.gov.kz"});
  f.store->finish_check("b", meeting("b"), {});
  MeetingRow never = meeting("never");
  never.occurrences = {{3000, 3100, "ok"}};
  f.store->finish_check("never", never, {});

  // The calendar goes at 2050: the occurrences at 1000 and 2000 had started.
  CHECK(f.store->remove_collection(f.cal, 2050) == Uids{"a"});
  f.store->finish_check("a", std::nullopt, {});
  CHECK(f.store->meeting_uids() == Uids{"b", "never"});
  CHECK_FALSE(f.store->meeting("a").has_value());
  CHECK(f.store->meetings_with({"x@minfin.gov.kz"}).empty());
  CHECK(f.store->occurrences_between(0, 5000).size() == 4); // b's three, never's one
  CHECK(f.store->occurrences_between(0, 5000, true).size() == 6);
  CHECK(f.store->meetings_occurring(0, 5000) == Uids{"a", "b", "never"});
  CHECK(f.store->meetings_occurring(2500, 5000) == Uids{"b", "never"});
  std::optional<RemovedMeeting> a = f.store->removed_meeting("a");
  REQUIRE(a.has_value());
  CHECK(a->removed_at == 2050);
  CHECK(a->source_id == "minfin");
  CHECK(a->summary == "S a");
  CHECK(a->json == "{\"uid\": \"a\"}");
  CHECK(a->href == "a.ics");
  CHECK(a->raw == put("a.ics", "a", "m").raw);
  REQUIRE(a->occurrences.size() == 2);
  CHECK(a->occurrences[1].start == 2000);
  CHECK(a->occurrences[1].verdict == "warning");

  // The source goes at 2050: b keeps its past, of `never` nothing had started.
  CHECK(f.store->remove_source("minfin", 2050) == Uids{"b", "never"});
  f.store->finish_check("b", std::nullopt, {});
  f.store->finish_check("never", std::nullopt, {});
  CHECK(f.store->meeting_count() == 0);
  CHECK(f.store->removed_meeting("b").has_value());
  CHECK_FALSE(f.store->removed_meeting("never").has_value());
  CHECK(f.store->meetings_occurring(0, 5000) == Uids{"a", "b"});

  // a comes back in another source: the meeting again, its kept past gone.
  f.store->ensure_source("back", "dir");
  CollectionUpdate again;
  again.collection_id = f.store->ensure_collection("back", "/back/", "");
  again.put = {put("a.ics", "a", "m", "\"2\"")};
  f.store->apply(again);
  f.store->finish_check("a", meeting("a"), {});
  CHECK_FALSE(f.store->removed_meeting("a").has_value());
  CHECK(f.store->occurrences_between(0, 5000, true).size() == 5); // a's three again, b's two
  CHECK(f.store->meeting_uids() == Uids{"a"});
}
