// The sync engine against real CalDAV servers (Radicale 3.1.8 and Xandikos 0.2.8, Debian packages,
// started on a free 127.0.0.1 port and seeded through their HTTP interface), and against a dir
// source and an iCal feed served by the fault server's /echo-free paths where a real server is
// not needed.
#include "daemon/notices/outbox_sender.hpp"
#include "daemon/store/state_store.hpp"
#include "daemon/sync/sync_engine.hpp"
#include "support/caldav_server.hpp"
#include "support/raw_db.hpp"
#include "support/server_process.hpp"
#include "support/test_support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <set>

#pragma GCC diagnostic ignored "-Wmismatched-new-delete" // GCC PR 109224

using namespace kenes;
using namespace kenes::daemon;
using namespace kenes::test;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

std::string meeting(const std::string& uid, const std::string& summary, const std::string& start = "20261204T100000",
                    const std::string& end = "20261204T110000", const std::string& dtstamp = "20261101T000000Z")
{
  EventSpec e;
  e.uid = uid;
  e.summary = summary;
  e.start = start;
  e.end = end;
  std::string ics = event_ics(e);
  auto at = ics.find("DTSTAMP:20261101T000000Z");
  return ics.replace(at, 24, "DTSTAMP:" + dtstamp);
}

// A config with the given sources (JSON array text), the demo directory and a state folder.
std::shared_ptr<const config::Config> config_with(const TempDir& dir, const std::string& sources)
{
  std::string text = R"({"timezone": "Asia/Almaty", "directory": ")" +
                     (source_dir() / "config/demo/directory.json").string() + R"(", "state_dir": ")" +
                     (dir.path() / "state").string() + R"(", "sources": )" + sources +
                     // Written before the first sync and expected as new (SPEC §5 "Rollout").
                     R"(, "notices": {"adopt": "none"}})";
  return std::make_shared<const config::Config>(config::parse_config(text, dir.path() / "kenes.json"));
}

std::string caldav_source(const CaldavServer& s, const std::string& extra = "")
{
  std::string url = s.base() + "/";
  return R"([{"id": "dav", "type": "caldav", "url": ")" + url + R"(", "username": "alice")" + extra + "}]";
}

calendar::Instant fixed_now()
{
  return 1795000000; // 2026-11-19
}

// One sync_all of `engine` on its loop `io` (run again after an earlier one).
SyncTotals sync_with(asio::io_context& io, SyncEngine& engine)
{
  SyncTotals totals;
  std::exception_ptr failure;
  auto body = [&]() -> asio::awaitable<void> { totals = co_await engine.sync_all(); };
  asio::co_spawn(io, body(), [&](std::exception_ptr e) { failure = e; });
  io.restart();
  io.run_for(std::chrono::seconds(60));
  if (failure) {
    std::rethrow_exception(failure);
  }
  return totals;
}

// One sync_all on a fresh loop, as `sync --once` does; with `checker`, its checks use it.
SyncTotals sync_now(std::shared_ptr<const config::Config> cfg, StateStore& store, CheckQueue::Checker checker = nullptr)
{
  asio::io_context io;
  SyncEngine engine(io, cfg, store, fixed_now);
  if (checker) {
    engine.set_checker(std::move(checker));
  }
  return sync_with(io, engine);
}

// href -> uid of every stored resource of the source.
std::map<std::string, std::string> stored(StateStore& store, const std::string& source = "dav")
{
  std::map<std::string, std::string> out;
  for (const CollectionRow& c : store.collections(source)) {
    for (const ResourceRow& r : store.resources(c.id)) {
      out[r.href] = r.uid;
    }
  }
  return out;
}

void run_lifecycle(Server kind)
{
  CaldavServer server(kind);
  server.make_calendar("work");
  server.make_calendar("plans");
  server.put("work", "a.ics", meeting("uid-a", "Совещание по бюджету"));
  server.put("work", "b.ics", meeting("uid-b", "Совещание по налогам"));
  server.put("plans", "c.ics", meeting("uid-c", "Совещание по планам"));
  TempDir dir;
  auto cfg = config_with(dir, caldav_source(server));
  auto store = StateStore::open(cfg->state_dir);

  // Discovery and the initial sync.
  SyncTotals first = sync_now(cfg, *store);
  CHECK(first.failed_sources == 0);
  CHECK(first.added == 3);
  CHECK(first.checked == 3);
  CHECK(first.collections >= 2);
  CHECK(store->meeting_uids() == std::vector<std::string>{"uid-a", "uid-b", "uid-c"});
  // The home, that every calendar there has a sync-token (the next listings ask for it only), and
  // when the calendars were last listed with their names.
  const std::string memo = store->source_memo("dav");
  CHECK_THAT(memo, Catch::Matchers::StartsWith(server.base() + server.home() + "\n#by-sync-token\n#listed-at "));
  // The first listing asks for names alone (Radicale reads every event to tell a calendar's
  // sync-token), and each calendar is read by sync-collection from no token, which brings the
  // token: two discovery PROPFINDs, the listing, one REPORT a calendar. Xandikos's answer has no
  // calendar-data: the first calendar is then fetched by multiget, the home is listed again with
  // tokens, and each other calendar is one calendar-query under its token.
  if (kind == Server::radicale) {
    CHECK_THAT(memo, Catch::Matchers::EndsWith("#sync-data inline\n"));
    CHECK(first.requests == 2 + 1 + 2);
  } else {
    CHECK_THAT(memo, Catch::Matchers::EndsWith("#sync-data separate\n"));
    CHECK(first.requests == static_cast<std::uint64_t>(2 + 1 + 2 + 1 + (first.collections - 1)));
  }

  // No change: one request (the home), whatever the number of calendars.
  SyncTotals idle = sync_now(cfg, *store);
  CHECK(idle.requests == 1);
  CHECK(idle.added + idle.changed + idle.removed == 0);

  // A change of meaning and a deletion, in one calendar.
  server.put("work", "a.ics",
             meeting("uid-a", "Совещание по бюджету (перенесено)", "20261204T120000", "20261204T130000"));
  server.remove("work", "b.ics");
  SyncTotals change = sync_now(cfg, *store);
  CHECK(change.failed_sources == 0);
  CHECK(change.changed == 1);
  CHECK(change.removed == 1);
  CHECK(change.requests <= 1 + 2); // the home, then sync-collection (+ a multiget on Xandikos)
  CHECK(store->meeting_uids() == std::vector<std::string>{"uid-a", "uid-c"});
  auto a = store->meeting("uid-a");
  REQUIRE(a);
  CHECK(a->summary == "Совещание по бюджету (перенесено)");

  // Only DTSTAMP rewritten (a feed's or a client's export): no change of meaning, no re-check.
  server.put(
      "work", "a.ics",
      meeting("uid-a", "Совещание по бюджету (перенесено)", "20261204T120000", "20261204T130000", "20261130T090000Z"));
  SyncTotals stamp = sync_now(cfg, *store);
  CHECK(stamp.changed == 0);
  CHECK(stamp.checked == 0);

  // Deleted and re-created with the same UID: it comes back.
  server.put("plans", "c2.ics", meeting("uid-b", "Совещание по налогам, снова"));
  SyncTotals back = sync_now(cfg, *store);
  CHECK(back.added == 1);
  CHECK(store->meeting_uids() == std::vector<std::string>{"uid-a", "uid-b", "uid-c"});

  // An invalid sync token (and a stale ctag): a full re-read of that collection gives exactly
  // the server's resources.
  for (const CollectionRow& c : store->collections("dav")) {
    CollectionUpdate u;
    u.collection_id = c.id;
    u.ctag = std::string("stale");
    u.sync_token = c.sync_token.empty() ? c.sync_token : c.sync_token + "-bogus";
    store->apply(u);
  }
  SyncTotals reread = sync_now(cfg, *store);
  CHECK(reread.failed_sources == 0);
  CHECK(reread.added + reread.changed + reread.removed == 0);
  std::map<std::string, std::string> want = {{server.home() + "work/a.ics", "uid-a"},
                                             {server.home() + "plans/c.ics", "uid-c"},
                                             {server.home() + "plans/c2.ics", "uid-b"}};
  CHECK(stored(*store) == want);
  CHECK(store->pending_check_count() == 0);

  // Between full listings the home is asked for tokens alone; a calendar made since is listed in
  // full at once (one request more, that sync only), a task list is not read and not asked about
  // again, and the calendars keep their names.
  server.make_calendar("later");
  server.put("later", "d.ics", meeting("uid-d", "Совещание позже"));
  server.make_calendar("tasks", true);
  SyncTotals grown = sync_now(cfg, *store);
  CHECK(grown.failed_sources == 0);
  CHECK(grown.added == 1);
  CHECK(grown.requests <= 2 + 2);
  CHECK(sync_now(cfg, *store).requests == 1);
  auto names = [&] {
    std::map<std::string, std::string> out;
    for (const CollectionRow& c : store->collections("dav")) {
      out[c.href] = c.display_name;
    }
    return out;
  };
  const std::map<std::string, std::string> named = names();
  CHECK(named.at(server.calendar_url("later")) == "later");
  CHECK(named.at(server.calendar_url("plans")) == "plans");
  CHECK(named.at(server.calendar_url("work")) == "work");
  // Radicale keeps the component set of MKCALENDAR; Xandikos shows VEVENT on every calendar.
  CHECK(named.contains(server.calendar_url("tasks")) == (kind == Server::xandikos));

  // A renamed calendar shows its new name after the next full listing (an hour after the last).
  server.rename_calendar("plans", "Планы");
  server.put("plans", "c.ics", meeting("uid-c", "Совещание по планам (уточнено)"));
  CHECK(sync_now(cfg, *store).changed == 1);
  CHECK(names() == named);
  std::string old_memo = store->source_memo("dav");
  std::size_t at = old_memo.find("#listed-at ");
  REQUIRE(at != std::string::npos);
  store->set_source_memo("dav",
                         old_memo.substr(0, at) + "#listed-at 1000\n" + old_memo.substr(old_memo.find('\n', at) + 1));
  SyncTotals relisted = sync_now(cfg, *store);
  CHECK(relisted.requests == 1);
  CHECK(names().at(server.calendar_url("plans")) == "Планы");
  CHECK(names().size() == named.size());
  CHECK(stored(*store).size() == 4);
}

} // namespace

TEST_CASE("sync: Radicale: discovery, initial sync, no change in one request, change, delete, invalid token",
          "[sync][radicale]")
{
  run_lifecycle(Server::radicale);
}

TEST_CASE("sync: Xandikos: discovery, initial sync, no change in one request, change, delete, invalid token",
          "[sync][xandikos]")
{
  run_lifecycle(Server::xandikos);
}

TEST_CASE("sync: two resources with the same UID in a collection are both kept, and the sync goes on", "[sync]")
{
  // Radicale and Xandikos refuse a second resource with a UID; a folder (or a lax server) has them.
  TempDir dir;
  dir.write("cal/one.ics", meeting("same", "Совещание 1"));
  dir.write("cal/two.ics", meeting("same", "Совещание 2"));
  dir.write("cal/other.ics", meeting("other", "Совещание 3"));
  auto cfg = config_with(dir, R"([{"id": "local", "type": "dir", "path": "cal"}])");
  auto store = StateStore::open(cfg->state_dir);
  SyncTotals t = sync_now(cfg, *store);
  CHECK(t.failed_sources == 0);
  CHECK(t.added == 3);
  CHECK(store->resources_by_uid("same").size() == 2);
  CHECK(store->meeting_uids() == std::vector<std::string>{"other", "same"});
}

TEST_CASE("sync: multiget batches are bounded by multiget_batch (Xandikos sends no data in sync-collection)",
          "[sync][xandikos]")
{
  CaldavServer server(Server::xandikos);
  server.make_calendar("work");
  for (int i = 0; i < 7; ++i) {
    server.put("work", "e" + std::to_string(i) + ".ics", meeting("e" + std::to_string(i), "Совещание"));
  }
  TempDir dir;
  auto cfg =
      config_with(dir, R"([{"id": "dav", "type": "caldav", "url": ")" + server.calendar_url("work") +
                           R"(", "collections": [")" + server.calendar_url("work") + R"("], "multiget_batch": 2}])");
  auto store = StateStore::open(cfg->state_dir);
  SyncTotals t = sync_now(cfg, *store);
  CHECK(t.failed_sources == 0);
  CHECK(t.added == 7);
  // A listed collection: its PROPFIND, then the initial read is one calendar-query with data
  // under the listing's token.
  CHECK(t.requests == 2);
  // Three changed events, batch of two: two multigets.
  for (int i = 0; i < 3; ++i) {
    server.put("work", "e" + std::to_string(i) + ".ics", meeting("e" + std::to_string(i), "Совещание, изменено"));
  }
  SyncTotals c = sync_now(cfg, *store);
  CHECK(c.changed == 3);
  CHECK(c.requests == 1 + 1 + 2);
}

TEST_CASE("sync: a 401 shows on the source as authentication failed since its first failure", "[sync]")
{
  ServerSpec spec;
  spec.argv = {"/usr/bin/python3", (source_dir() / "tests/support/fault_server.py").string()};
  ServerProcess fault(spec);
  TempDir dir;
  dir.write("pw", "secret\n");
  auto cfg = config_with(dir, R"([{"id": "dav", "type": "caldav", "url": ")" + fault.base_url() +
                                  R"(/status/401", "username": "u", "password_file": "pw"}])");
  auto store = StateStore::open(cfg->state_dir);
  SyncTotals t = sync_now(cfg, *store);
  CHECK(t.failed_sources == 1);
  auto st = store->source("dav");
  REQUIRE(st);
  CHECK(st->degraded);
  CHECK(st->error_kind == "auth");
  CHECK_THAT(st->last_error, Catch::Contains("authentication failed (HTTP 401)"));
  CHECK(st->last_error.find("secret") == std::string::npos);
  REQUIRE(st->failing_since);
  std::int64_t since = *st->failing_since;
  sync_now(cfg, *store);
  CHECK(store->source("dav")->failing_since == since);
}

TEST_CASE("sync: a missing password file fails the source with a clear reason, the others go on", "[sync]")
{
  TempDir dir;
  dir.write("cal/a.ics", meeting("dir-a", "Совещание"));
  auto cfg = config_with(dir, R"([{"id": "dav", "type": "caldav", "url": "http://127.0.0.1:9/", "username": "u",
      "password_file": "nope"}, {"id": "local", "type": "dir", "path": "cal"}])");
  auto store = StateStore::open(cfg->state_dir);
  SyncTotals t = sync_now(cfg, *store);
  CHECK(t.failed_sources == 1);
  CHECK(t.added == 1);
  auto st = store->source("dav");
  REQUIRE(st);
  CHECK_THAT(st->last_error, Catch::Contains("does not exist"));
  CHECK(store->meeting_uids() == std::vector<std::string>{"dir-a"});
}

TEST_CASE("sync: an official's calendar makes them busy, and its change re-checks their meetings", "[sync][radicale]")
{
  CaldavServer server(Server::radicale);
  server.make_calendar("meetings");
  server.make_calendar("busy");
  // The demo directory's vice.minister8@minfin.gov.kz chairs a meeting; a busy event of theirs at
  // the same time comes from their calendar.
  TempDir dir;
  std::ifstream in(source_dir() / "config/demo/directory.json");
  nlohmann::json directory = nlohmann::json::parse(in);
  bool found = false;
  for (auto& body : directory["bodies"]) {
    for (auto& o : body["officials"]) {
      if (o["email"] == "vice.minister8@minfin.gov.kz") {
        o["calendars"] = {server.calendar_url("busy")};
        found = true;
      }
    }
  }
  REQUIRE(found);
  dir.write("directory.json", directory.dump());
  std::string text = R"({"timezone": "Asia/Almaty", "directory": "directory.json", "state_dir": "state",
    "sources": [{"id": "dav", "type": "caldav", "url": ")" +
                     server.base() + R"(/", "username": "alice"}]})";
  auto cfg = std::make_shared<const config::Config>(config::parse_config(text, dir.path() / "kenes.json"));
  auto store = StateStore::open(cfg->state_dir);

  server.put("meetings", "m.ics", meeting("m", "Совещание по бюджету", "20261204T100000", "20261204T110000"));
  sync_now(cfg, *store);
  auto before = store->meeting("m");
  REQUIRE(before);
  CHECK(before->json.find("conflict.busy") == std::string::npos);

  EventSpec busy;
  busy.uid = "busy-1";
  busy.summary = "Приём граждан";
  busy.start = "20261204T103000";
  busy.end = "20261204T113000";
  server.put("busy", "b.ics", event_ics(busy));
  SyncTotals t = sync_now(cfg, *store);
  CHECK(t.checked >= 2); // the busy event itself and the meeting of its owner
  auto after = store->meeting("m");
  REQUIRE(after);
  CHECK(after->json.find("conflict.busy") != std::string::npos);
}

TEST_CASE("sync: an iCal feed (Radicale's GET of a collection) is split by UID and changes only by meaning",
          "[sync][radicale]")
{
  CaldavServer server(Server::radicale);
  server.make_calendar("feed");
  server.put("feed", "a.ics", meeting("feed-a", "Совещание А"));
  server.put("feed", "b.ics", meeting("feed-b", "Совещание Б"));
  TempDir dir;
  // Radicale takes any password with --auth-type=none; the feed is read with basic auth.
  dir.write("pw", "x");
  auto cfg = config_with(dir, R"([{"id": "feed", "type": "ical", "url": ")" + server.calendar_url("feed") +
                                  R"(", "username": "alice", "password_file": "pw"}])");
  auto store = StateStore::open(cfg->state_dir);
  SyncTotals first = sync_now(cfg, *store);
  CHECK(first.failed_sources == 0);
  CHECK(first.requests == 1);
  CHECK(first.added == 2);
  CHECK(store->meeting_uids() == std::vector<std::string>{"feed-a", "feed-b"});
  // Radicale rewrites Last-Modified and answers 200 every time: the digests say nothing changed.
  SyncTotals idle = sync_now(cfg, *store);
  CHECK(idle.requests == 1);
  CHECK(idle.added + idle.changed + idle.removed == 0);
  CHECK(idle.checked == 0);
  server.put("feed", "a.ics", meeting("feed-a", "Совещание А, перенесено", "20261204T150000", "20261204T160000"));
  server.remove("feed", "b.ics");
  SyncTotals change = sync_now(cfg, *store);
  CHECK(change.changed == 1);
  CHECK(change.removed == 1);
  CHECK(store->meeting_uids() == std::vector<std::string>{"feed-a"});
}

TEST_CASE("sync: a holiday feed's all-day events make their dates holidays (day.non_working) and re-check", "[sync]")
{
  TempDir dir;
  dir.write("cal/m.ics", meeting("hol-m", "Совещание по бюджету", "20261204T100000", "20261204T110000"));
  auto cfg = config_with(dir, R"([{"id": "local", "type": "dir", "path": "cal"},
      {"id": "holidays", "type": "dir", "path": "hol", "role": "holidays"}])");
  fs::create_directories(dir.path() / "hol");
  auto store = StateStore::open(cfg->state_dir);
  sync_now(cfg, *store);
  REQUIRE(store->meeting("hol-m"));
  CHECK(store->meeting("hol-m")->json.find("day.non_working") == std::string::npos);

  dir.write("hol/kz.ics", vcalendar({"UID:hol-1", "DTSTAMP:20261101T000000Z", "DTSTART;VALUE=DATE:20261204",
                                     "DTEND;VALUE=DATE:20261205", "SUMMARY:Праздник"}));
  SyncTotals t = sync_now(cfg, *store);
  CHECK(t.checked >= 1);
  auto m = store->meeting("hol-m");
  REQUIRE(m);
  CHECK(m->json.find("day.non_working") != std::string::npos);
  CHECK(m->verdict == "invalid");
}

TEST_CASE("sync: with the spool, a check writes its notices at once, recorded as sent without their bytes, a key "
          "the outbox has is not written again, a spool that refuses leaves them queued with their bytes",
          "[sync][notices]")
{
  TempDir dir;
  EventSpec e;
  e.uid = "spool-1";
  e.start = "20261204T100000"; // a Friday at 10:00: the representative is invited
  e.end = "20261204T110000";
  e.attendees = {"mailto:vice.minister17@economy.gov.kz"};
  dir.write("cal/one.ics", event_ics(e));
  auto cfg = config_with(dir, R"([{"id": "local", "type": "dir", "path": "cal"}])");
  const fs::path spool = cfg->notices.spool_dir;
  auto store = StateStore::open(cfg->state_dir);

  SyncTotals t = sync_now(cfg, *store);
  std::vector<OutboxEntry> first = store->outbox("spool-1");
  REQUIRE_FALSE(first.empty());
  CHECK(t.notices_sent == static_cast<int>(first.size()));
  std::set<std::string> files = names_in(spool);
  CHECK(files.size() == first.size());
  for (const OutboxEntry& n : first) {
    CHECK(n.state == "sent");
    CHECK(n.attempts == 1);
    CHECK(n.sent_at == std::optional<std::int64_t>(fixed_now()));
    std::string name = n.message_id;
    std::replace(name.begin(), name.end(), '@', '_');
    REQUIRE(files.contains(name + ".eml"));
    CHECK(slurp(spool / (name + ".eml")).find("Message-Id: <" + n.message_id + ">") != std::string::npos);
  }
  CHECK(RawDb(cfg->state_dir).text("SELECT count(*) FROM outbox_messages") == "0");
  CHECK(store->claim_due(fixed_now() + 86400, 100).empty()); // nothing left for a sender

  // What was sent is forgotten and the meeting checked again: the same notices, by key, are in
  // the outbox already, so none is written a second time.
  for (const std::string& f : files) {
    fs::remove(spool / f);
  }
  RawDb(cfg->state_dir).exec("DELETE FROM notice_state");
  store->queue_checks({"spool-1"});
  t = sync_now(cfg, *store);
  CHECK(t.checked == 1);
  CHECK(t.notices_sent == 0);
  CHECK(names_in(spool).empty());
  CHECK(store->outbox("spool-1").size() == first.size());

  // A spool that cannot be written: the new meeting's notices wait in the outbox with their
  // bytes, and a sender delivers them once it can.
  e.uid = "spool-2";
  dir.write("cal/two.ics", event_ics(e));
  fs::remove_all(spool);
  dir.write(fs::relative(spool, dir.path()).string(), "a file where the folder should be");
  t = sync_now(cfg, *store);
  CHECK(t.notices_sent == 0);
  std::vector<OutboxEntry> queued = store->outbox("spool-2");
  REQUIRE_FALSE(queued.empty());
  CHECK(t.notices_failed == static_cast<int>(queued.size())); // counted, not 0 (issue 23, item 10)
  for (const OutboxEntry& n : queued) {
    CHECK(n.state == "pending");
  }
  CHECK(RawDb(cfg->state_dir).text("SELECT count(*) FROM outbox_messages") == std::to_string(queued.size()));
  fs::remove(spool);
  OutboxSender sender(*store, *cfg, [] { return fixed_now() + 60; });
  DeliveryTotals d = sender.deliver_due_blocking();
  CHECK(d.sent == static_cast<int>(queued.size()));
  CHECK(names_in(spool).size() == queued.size());
  for (const OutboxEntry& n : store->outbox("spool-2")) {
    CHECK(n.state == "sent");
  }

  // An organizer warning is not written at once: it waits for the end of the check cycle, where a
  // digest may take it (SPEC §5 "Rollout"), then is queued for the sender.
  e.uid = "spool-3";
  e.start = "20261205T100000"; // a Saturday: the organizer is warned, the invitation held
  e.end = "20261205T110000";
  dir.write("cal/three.ics", event_ics(e));
  t = sync_now(cfg, *store);
  CHECK(t.notices_sent == 0);
  std::vector<OutboxEntry> warned = store->outbox("spool-3");
  REQUIRE(warned.size() == 1);
  CHECK(warned[0].kind == "warning");
  CHECK(warned[0].state == "pending");
  CHECK(names_in(spool).size() == queued.size());
}

TEST_CASE("sync: a meeting whose check throws fails alone, the others are stored and notified, it stays queued, "
          "is counted once and the next sync checks it",
          "[sync][notices]")
{
  // Two sources (two collections, two batches): a failed meeting of the first batch is not tried
  // again by the checks at the end of the same sync.
  TempDir dir;
  for (const std::string path : {"cal/alone-a", "cal/alone-b", "cal2/alone-c", "cal2/alone-d"}) {
    EventSpec e;
    e.uid = fs::path(path).filename().string();
    e.start = "20261204T100000"; // a Friday at 10:00: the representative is invited
    e.end = "20261204T110000";
    e.attendees = {"mailto:vice.minister17@economy.gov.kz"};
    dir.write(path + ".ics", event_ics(e));
  }
  auto cfg = config_with(dir, R"([{"id": "local", "type": "dir", "path": "cal"},
                                  {"id": "other", "type": "dir", "path": "cal2"}])");
  auto store = StateStore::open(cfg->state_dir);
  std::atomic<int> thrown{0};
  auto throwing = [&thrown](const calendar::EventSeries& s, const calendar::CheckContext& ctx) {
    if (s.uid == "alone-b" || s.uid == "alone-d") {
      ++thrown;
      throw std::runtime_error("a check that throws (test)");
    }
    return calendar::check_series(s, ctx);
  };

  SyncTotals t = sync_now(cfg, *store, throwing);
  CHECK(thrown == 2); // each once: not again at the end of the sync
  CHECK(t.added == 4);
  CHECK(t.failed_sources == 0); // the sources synced: /readyz counts them as synced
  CHECK(t.checks_failed == 2);
  CHECK(t.errors() == 2);
  CHECK_THAT(t.summary_line(), Catch::Contains("errors=2"));
  CHECK(store->meeting_uids() == std::vector<std::string>{"alone-a", "alone-c"});
  CHECK(store->pending_check_count() == 2);
  CHECK(store->outbox("alone-b").empty());
  CHECK(store->outbox("alone-d").empty());
  std::size_t sent = 0;
  for (const std::string uid : {"alone-a", "alone-c"}) {
    std::vector<OutboxEntry> notices = store->outbox(uid);
    REQUIRE_FALSE(notices.empty());
    for (const OutboxEntry& n : notices) {
      CHECK(n.state == "sent");
    }
    sent += notices.size();
  }
  CHECK(t.notices_sent == static_cast<int>(sent));
  CHECK(names_in(cfg->notices.spool_dir).size() == sent);

  // The next sync (nothing changed at the sources) checks them again: now they pass.
  t = sync_now(cfg, *store);
  CHECK(t.checks_failed == 0);
  CHECK(t.checked == 2);
  CHECK(t.errors() == 0);
  CHECK(store->meeting_uids() == std::vector<std::string>{"alone-a", "alone-b", "alone-c", "alone-d"});
  CHECK(store->pending_check_count() == 0);
  CHECK_FALSE(store->outbox("alone-b").empty());
}

TEST_CASE("sync: a meeting whose check keeps failing is counted once until it changes or passes, and as failing "
          "meanwhile",
          "[sync][notices]")
{
  TempDir dir;
  auto write = [&](const std::string& uid, const std::string& summary) {
    EventSpec e;
    e.uid = uid;
    e.summary = summary;
    e.start = "20261204T100000";
    e.end = "20261204T110000";
    e.attendees = {"mailto:vice.minister17@economy.gov.kz"};
    dir.write("cal/" + uid + ".ics", event_ics(e));
  };
  write("keeps-a", "Совещание");
  write("keeps-b", "Совещание");
  auto cfg = config_with(dir, R"([{"id": "local", "type": "dir", "path": "cal"}])");
  auto store = StateStore::open(cfg->state_dir);
  std::atomic<bool> throws{true};
  std::atomic<int> thrown{0};
  // One engine for every sync, as the daemon keeps it.
  asio::io_context io;
  SyncEngine engine(io, cfg, *store, fixed_now);
  engine.set_checker([&](const calendar::EventSeries& s, const calendar::CheckContext& ctx) {
    if (s.uid == "keeps-b" && throws) {
      ++thrown;
      throw std::runtime_error("a check that throws (test)");
    }
    return calendar::check_series(s, ctx);
  });
  auto sync = [&] { return sync_with(io, engine); };

  SyncTotals t = sync();
  CHECK(t.checks_failed == 1);
  CHECK(t.checks_failing == 1);
  CHECK(t.errors() == 1);
  // Retried by each sync, still failing: not counted again, still failing.
  for (int i = 0; i < 2; ++i) {
    t = sync();
    CHECK(t.checks_failed == 0);
    CHECK(t.checks_failing == 1);
  }
  CHECK(thrown == 3);
  CHECK(store->pending_check_count() == 1);
  // Its event changes and its check still fails: counted again.
  write("keeps-b", "Совещание по бюджету");
  t = sync();
  CHECK(t.checks_failed == 1);
  CHECK(t.checks_failing == 1);
  // It passes: nothing fails; a later failure would be counted anew.
  throws = false;
  t = sync();
  CHECK(t.checks_failed == 0);
  CHECK(t.checks_failing == 0);
  CHECK(store->meeting_uids() == std::vector<std::string>{"keeps-a", "keeps-b"});
}

TEST_CASE("sync: a task (VTODO) in a calendar of events is left out silently, not counted as an error or "
          "quarantined (Cyrus, issue 23, item 9)",
          "[sync]")
{
  TempDir dir;
  dir.write("cal/meeting.ics", meeting("with-tasks", "Совещание"));
  dir.write("cal/task.ics", slurp(source_dir() / "tests/daemon/data/cyrus_vtodo.ics"));
  dir.write("cal/broken.ics", "this is no iCalendar at all\r\n");
  auto cfg = config_with(dir, R"([{"id": "local", "type": "dir", "path": "cal"}])");
  auto store = StateStore::open(cfg->state_dir);
  SyncTotals t = sync_now(cfg, *store);
  CHECK(t.added == 1);
  CHECK(t.quarantined == 1); // broken.ics only
  CHECK(t.errors() == 1);
  CHECK(store->meeting_uids() == std::vector<std::string>{"with-tasks"});
}

TEST_CASE("sync: a listed collection the server does not have (404) fails alone, the others sync and the summary "
          "counts it (issue 23, item 9)",
          "[sync][radicale]")
{
  CaldavServer server(Server::radicale);
  server.make_calendar("work");
  server.put("work", "a.ics", meeting("listed-a", "Совещание"));
  TempDir dir;
  auto cfg =
      config_with(dir, R"([{"id": "dav", "type": "caldav", "url": ")" + server.base() + R"(/", "username": "alice",
      "collections": [")" + server.calendar_url("gone") +
                           R"(", ")" + server.calendar_url("work") + R"("]}])");
  auto store = StateStore::open(cfg->state_dir);
  SyncTotals t = sync_now(cfg, *store);
  CHECK(t.failed_sources == 0);
  CHECK(t.failed_collections == 1);
  CHECK(t.errors() == 1);
  CHECK(t.added == 1);
  CHECK(store->meeting_uids() == std::vector<std::string>{"listed-a"});
  CHECK_THAT(t.summary_line(), Catch::Contains("errors=1"));
}

TEST_CASE("sync: a failed sync keeps the discovered calendar homes, the next one needs no discovery (issue 23, "
          "item 9)",
          "[sync][radicale]")
{
  auto server = std::make_unique<CaldavServer>(Server::radicale);
  server->make_calendar("work");
  server->put("work", "a.ics", meeting("homes-a", "Совещание"));
  TempDir dir;
  auto cfg = config_with(dir, R"([{"id": "dav", "type": "caldav", "url": ")" + server->base() +
                                  R"(/", "username": "alice", "timeout_seconds": 2}])");
  auto store = StateStore::open(cfg->state_dir);
  REQUIRE(sync_now(cfg, *store).added == 1);
  const std::string memo = store->source_memo("dav");
  REQUIRE_THAT(memo, Catch::Contains("/alice/"));
  server.reset(); // the server is down: connections refused
  SyncTotals t = sync_now(cfg, *store);
  CHECK(t.failed_sources == 1);
  CHECK(store->source_memo("dav") == memo);
}
