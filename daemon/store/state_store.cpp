#include "daemon/store/state_store.hpp"

#include "daemon/store/schema.hpp"
#include "daemon/store/statement.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace kenes::daemon {

namespace {

constexpr int k_busy_timeout_ms = 5000;
// Occurrences are looked up by start: one that began more than this before a range is not in it
// (the index on starts_at then bounds the scan). No meeting of the regime lasts a week.
constexpr std::int64_t k_longest_occurrence = 7 * 86400;

SourceStatus read_source(const Statement& s)
{
  SourceStatus status;
  status.id = s.text(0);
  status.type = s.text(1);
  status.last_attempt = s.optional_integer(2);
  status.last_success = s.optional_integer(3);
  status.failing_since = s.optional_integer(4);
  status.error_kind = s.text(5);
  status.last_error = s.text(6);
  status.degraded = status.failing_since.has_value();
  status.adopted = static_cast<int>(s.integer(7));
  status.removals_accepted_by = s.text(8);
  return status;
}
constexpr const char* k_select_source = "SELECT id, type, last_attempt, last_success, failing_since, error_kind, "
                                        "last_error, adopted, accept_removals FROM sources";

ResourceRow read_resource(const Statement& s)
{
  ResourceRow row;
  row.id = s.integer(0);
  row.collection_id = s.integer(1);
  row.href = s.text(2);
  row.etag = s.text(3);
  row.uid = s.text(4);
  row.meaning = s.text(5);
  row.quarantine_reason = s.text(6);
  row.raw = s.text(7);
  return row;
}

MeetingRow read_meeting(const Statement& s)
{
  MeetingRow row;
  row.uid = s.text(0);
  row.source_id = s.text(1);
  row.summary = s.text(2);
  row.start = s.integer(3);
  row.end = s.integer(4);
  row.verdict = s.text(5);
  row.json = s.text(6);
  row.first_seen = s.integer(7);
  row.checked_at = s.integer(8);
  return row;
}
constexpr const char* k_select_meeting =
    "SELECT uid, source_id, summary, starts_at, ends_at, verdict, json, first_seen, checked_at FROM meetings";

// The closed-clean mark: written when the last connection closes a store it opened checked, and
// nothing went wrong meanwhile; it names the file as it was then (device, inode, size, change and
// modification times in ns). An open that finds the file still so skips quick_check, as nothing
// has written to it since it was last known whole. Removed at every open, so a kenesd that is
// killed leaves none.
std::string closed_mark_path(const fs::path& store)
{
  return store.string() + ".closed-clean";
}

std::optional<std::string> file_identity(const fs::path& store)
{
  struct stat st
  {
  };
  if (::stat(store.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return std::nullopt;
  return "kenes-closed-clean 1 " + std::to_string(st.st_dev) + " " + std::to_string(st.st_ino) + " " +
         std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + " " + std::to_string(st.st_ctim.tv_sec) + "." +
         std::to_string(st.st_ctim.tv_nsec) + "\n";
}

// True when the mark was there and the file is as it names (and no log is waiting to be copied
// into it). The mark is removed either way: from now on this process may write.
bool take_closed_mark(const fs::path& store)
{
  const std::string mark = closed_mark_path(store);
  std::string text;
  if (std::FILE* f = std::fopen(mark.c_str(), "re")) {
    char buffer[256];
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, f);
    text.assign(buffer, n);
    std::fclose(f);
  } else {
    return false;
  }
  std::error_code ec;
  fs::remove(mark, ec);
  struct stat wal
  {
  };
  const bool log_waiting = ::stat((store.string() + "-wal").c_str(), &wal) == 0 && wal.st_size > 0;
  const std::optional<std::string> now = file_identity(store);
  return !log_waiting && now && *now == text;
}

// After the last connection closed: the log is copied into the file and removed, so the file is
// complete as it stands. Another connection still open (its log is there) gets no mark.
void leave_closed_mark(const fs::path& store)
{
  std::error_code ec;
  if (fs::exists(store.string() + "-wal", ec) || ec)
    return;
  const std::optional<std::string> identity = file_identity(store);
  if (!identity)
    return;
  const std::string mark = closed_mark_path(store);
  const std::string temporary = mark + ".tmp";
  std::FILE* f = std::fopen(temporary.c_str(), "we");
  if (!f)
    return; // no mark: the next open checks
  const bool written = std::fwrite(identity->data(), 1, identity->size(), f) == identity->size();
  if (std::fclose(f) != 0 || !written || std::rename(temporary.c_str(), mark.c_str()) != 0)
    fs::remove(temporary, ec);
}

} // namespace

StateStore::StateStore(fs::path path, sqlite3* db)
  : m_path(std::move(path))
  , m_db(db)
  , m_statements(std::make_unique<StatementCache>(db))
{
}

StateStore::~StateStore()
{
  const bool damaged = m_statements->damage_seen;
  m_statements.reset();
  if (sqlite3_close(m_db) != SQLITE_OK) {
    sqlite3_close_v2(m_db); // a statement still open somewhere: closed when it ends, no mark
    return;
  }
  if (m_mark_when_closed && !damaged)
    leave_closed_mark(m_path);
}

std::unique_ptr<StateStore> StateStore::open(const fs::path& dir)
{
  // SQLite's own locks are not needed: every use of a connection is under the store's mutex
  // (StatementCache), so the connection is opened NOMUTEX; and its memory statistics, which take a
  // process-wide mutex at every allocation, are off (before SQLite's first use: the call is
  // refused, harmlessly, once SQLite is initialised). Both showed in the first sync's profile.
  [[maybe_unused]] static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw StoreError(dir.string() + ": cannot create the state directory: " + ec.message());
  fs::path path = dir / k_file_name;
  // Only a file that does not exist is a new store. An empty one is what a failed copy, a full
  // disk or a truncation leaves; taken for a new store, every meeting would be adopted and every
  // notice sent again.
  const Found found = fs::exists(path, ec) ? Found::existing_file : Found::new_file;
  if (found == Found::existing_file && fs::is_regular_file(path, ec) && fs::file_size(path, ec) == 0 && !ec)
    throw StoreError(path.string() + ": the file is empty, not a kenes state store; restore it from a backup, or "
                                     "move it away to start a new store (every meeting is then adopted and its "
                                     "notices sent again)");
  if (found == Found::new_file) {
    if (fs::exists(path.string() + "-wal", ec))
      throw StoreError(path.string() + "-wal is there without its database " + path.string() +
                       "; restore the database from a backup, or move the -wal file away to start a new store");
    create_new(path);
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<StateStore> store(new StateStore(path, db)); // closes the handle on every path
  if (rc != SQLITE_OK)
    fail(path, "cannot open the state store", db);
  const bool unchanged = take_closed_mark(path);
  store->configure(Found::existing_file);
  if (!unchanged)
    store->check_integrity();
  store->m_checked_at_open = !unchanged;
  store->migrate();
  store->m_mark_when_closed = true;
  return store;
}

// A new store is built under a name of its own and linked into place complete: a first start
// killed half-way leaves no kenes.sqlite3 without the kenes schema, which the next start would
// (rightly) refuse. What such a start left under its own name is removed by the next one.
void StateStore::create_new(const fs::path& path)
{
  const std::string prefix = path.filename().string() + ".new-";
  std::error_code ec;
  for (fs::directory_iterator it(path.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0)
      continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      fs::remove(it->path(), ignored);
    }
  }
  const fs::path temporary = path.parent_path() / (prefix + std::to_string(::getpid()));
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(temporary.string() + suffix, ec);
  {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(temporary.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    std::unique_ptr<StateStore> fresh(new StateStore(temporary, db));
    if (rc != SQLITE_OK)
      fail(temporary, "cannot create the state store", db);
    fresh->configure(Found::new_file);
    fresh->migrate();
  } // closed: the log is copied into the file and removed
  if (::link(temporary.c_str(), path.c_str()) != 0 && errno != EEXIST) { // EEXIST: another start was first
    const int error = errno;
    fs::remove(temporary, ec);
    throw StoreError(path.string() + ": cannot put the new state store in place: " + std::strerror(error));
  }
  fs::remove(temporary, ec);
  if (int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir); // the new name is durable before anything is written under it
    ::close(dir);
  }
}

void StateStore::exec(const char* sql)
{
  if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
    fail(m_path, std::strlen(sql) <= 80 ? std::string("SQL failed (") + sql + ")" : "SQL failed", m_db,
         m_statements.get());
}

void StateStore::configure(Found found)
{
  sqlite3_busy_timeout(m_db, k_busy_timeout_ms);
  exec("PRAGMA foreign_keys = ON");

  // Each statement is finished before the next: an unfinished one holds a read transaction, and
  // the journal mode cannot change inside a transaction.
  std::int64_t application_id = 0;
  {
    Statement app(*m_statements, m_path, "PRAGMA application_id");
    if (app.step())
      application_id = app.integer(0);
  }
  if (application_id != 0 && application_id != k_application_id)
    throw StoreError(m_path.string() + ": not a kenes state store (another application's SQLite file)");
  // Every kenes store has its application_id from the first migration on, so a file that was
  // there before without it is someone else's (or an interrupted first start): not ours to migrate.
  if (application_id == 0 && found == Found::existing_file)
    throw StoreError(m_path.string() + ": not a kenes state store (an SQLite file without the kenes schema); "
                                       "check state_dir, or move the file away to start a new store");

  std::string mode;
  {
    Statement journal(*m_statements, m_path, "PRAGMA journal_mode = WAL");
    if (journal.step())
      mode = journal.text(0);
  }
  if (mode != "wal")
    throw StoreError(m_path.string() + ": cannot switch the state store to WAL mode (journal_mode is " + mode + ")");

  // NORMAL is enough with WAL: a commit reaches the OS before the call returns, so a killed
  // process loses nothing, and the database stays consistent on power loss. Power loss may undo
  // the last commits, but always whole transactions in order, and each collection's sync token
  // goes back together with its data: the next sync reads those changes again. FULL would only
  // add an fsync to every commit.
  exec("PRAGMA synchronous = NORMAL");
  // The log is copied into the database every 10,000 pages (40 MB) instead of SQLite's 1,000: a
  // page written many times in between (the outbox's, say) is copied once.
  exec("PRAGMA wal_autocheckpoint = 10000");
  // A statement inside a larger transaction keeps the pages it changes in a statement journal,
  // to undo itself alone if it fails; SQLite spills that journal to a temporary file past 64 KB,
  // and a batch of outbox rows wrote a gigabyte there for 10,000 events. In memory it is bounded
  // by what one statement changes.
  exec("PRAGMA temp_store = MEMORY");
  // Debian builds SQLite with secure_delete on: every freed page is zeroed and written again, so
  // each sent notice's bytes went through the log twice more when they were deleted. FAST still
  // zeroes deleted content on the pages a change writes anyway, and adds no write of its own.
  exec("PRAGMA secure_delete = FAST");
  // 8 MB of page cache instead of SQLite's 2 MB: the store of 40,000 events is 326 MB, its
  // indexes touched at random; 16 MB halved the reads from the OS for 10,000 events
  // (52,116 -> 21,166 pread calls) and cost 16 MB of RSS. Peak RSS for 40,000 stays under 80 MB.
  exec("PRAGMA cache_size = -8192");
}

// A damaged store must stop the start: served anyway, every page that touches the damage answers
// 500 and a sync may write on top of it. quick_check reads every page once (no index
// cross-check), about a second for a store of 40,000 events.
void StateStore::check_integrity()
{
  std::string findings;
  int count = 0;
  try {
    Statement check(*m_statements, m_path, "PRAGMA quick_check(5)");
    while (check.step()) {
      std::string line = check.text(0);
      if (line == "ok")
        return;
      findings += (count++ ? "; " : "") + line;
    }
  } catch (const StoreError& e) {
    findings = e.what();
  }
  throw StoreError(m_path.string() + ": the state store is damaged (quick_check: " + findings +
                   "); stop every kenesd using it and restore it from a backup, or move it away to start a "
                   "new store (every meeting is then adopted and its notices sent again)");
}

void StateStore::migrate()
{
  int version = schema_version();
  if (version > k_schema_version)
    throw StoreError(m_path.string() + ": the state store has schema version " + std::to_string(version) +
                     ", newer than this kenesd knows (" + std::to_string(k_schema_version) +
                     "); run a newer kenesd, or move the file away to start afresh");
  for (const Migration& step : migrations()) {
    if (step.version <= version)
      continue;
    Transaction tx(*this);
    if (schema_version() >= step.version) // another process migrated meanwhile
      continue;
    exec(step.sql);
    // A PRAGMA takes no bound parameter; the number is ours, not outside input.
    exec(("PRAGMA user_version = " + std::to_string(step.version)).c_str());
    tx.commit();
  }
}

int StateStore::schema_version() const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "PRAGMA user_version");
  return s.step() ? static_cast<int>(s.integer(0)) : 0;
}

void StateStore::with_transaction(const std::function<void()>& work)
{
  Transaction tx(*this);
  work();
  tx.commit();
}

void StateStore::with_snapshot(const std::function<void()>& work)
{
  Transaction tx(*this, Transaction::Mode::snapshot);
  work();
  tx.commit();
}

// --- sources ---

void StateStore::ensure_source(const std::string& id, const std::string& type)
{
  std::lock_guard lock(m_mutex);
  Statement(*m_statements, m_path,
            "INSERT INTO sources (id, type) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET type = excluded.type")
      .bind(id, type)
      .run();
}

std::vector<SourceStatus> StateStore::sources() const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, std::string(k_select_source) + " ORDER BY id");
  std::vector<SourceStatus> out;
  while (s.step())
    out.push_back(read_source(s));
  return out;
}

std::optional<SourceStatus> StateStore::source(const std::string& id) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, std::string(k_select_source) + " WHERE id = ?");
  if (!s.bind(id).step())
    return std::nullopt;
  return read_source(s);
}

namespace {
void update_source(StatementCache& cache, const fs::path& path, const char* sql, const std::string& id, auto... values)
{
  Statement(cache, path, sql).bind(values..., id).run();
  if (sqlite3_changes(cache.db) == 0)
    throw StoreError(path.string() + ": unknown source \"" + id + "\"");
}
} // namespace

void StateStore::record_attempt(const std::string& id, std::int64_t now)
{
  std::lock_guard lock(m_mutex);
  update_source(*m_statements, m_path, "UPDATE sources SET last_attempt = ? WHERE id = ?", id, now);
}

void StateStore::record_success(const std::string& id, std::int64_t now)
{
  std::lock_guard lock(m_mutex);
  update_source(*m_statements, m_path,
                "UPDATE sources SET last_success = ?, failing_since = NULL, error_kind = '', last_error = '' "
                "WHERE id = ?",
                id, now);
}

void StateStore::record_failure(const std::string& id, std::int64_t now, const std::string& kind,
                                const std::string& reason)
{
  std::lock_guard lock(m_mutex);
  update_source(*m_statements, m_path,
                "UPDATE sources SET failing_since = coalesce(failing_since, ?), error_kind = ?, last_error = ? "
                "WHERE id = ?",
                id, now, kind, reason);
}

bool StateStore::accept_removals(const std::string& id, const std::string& by)
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "UPDATE sources SET accept_removals = ? WHERE id = ? RETURNING id");
  const bool found = s.bind(by.empty() ? std::string("(unnamed)") : by, id).step();
  if (found)
    s.run();
  return found;
}

void StateStore::clear_accepted_removals(const std::string& id)
{
  std::lock_guard lock(m_mutex);
  Statement(*m_statements, m_path, "UPDATE sources SET accept_removals = '' WHERE id = ?").bind(id).run();
}

std::vector<std::string> StateStore::remove_source(const std::string& id, std::int64_t at)
{
  Transaction tx(*this);
  std::vector<std::int64_t> collections;
  Statement s(*m_statements, m_path, "SELECT id FROM collections WHERE source_id = ?");
  s.bind(id);
  while (s.step()) {
    collections.push_back(s.integer(0));
  }
  auto gone = before_removal(collections, at);
  Statement(*m_statements, m_path, "DELETE FROM sources WHERE id = ?").bind(id).run();
  tx.commit();
  return gone;
}

// --- collections ---

std::vector<CollectionRow> StateStore::collections(const std::string& source_id) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "SELECT id, source_id, href, display_name, ctag, sync_token FROM collections WHERE source_id = ? "
              "ORDER BY href");
  s.bind(source_id);
  std::vector<CollectionRow> out;
  while (s.step())
    out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)});
  return out;
}

std::int64_t StateStore::ensure_collection(const std::string& source_id, const std::string& href,
                                           const std::string& display_name)
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "INSERT INTO collections (source_id, href, display_name) VALUES (?, ?, ?) "
              "ON CONFLICT (source_id, href) DO UPDATE SET display_name = excluded.display_name RETURNING id");
  if (!s.bind(source_id, href, display_name).step())
    fail(m_path, "cannot store a collection", m_db, m_statements.get());
  std::int64_t id = s.integer(0);
  s.run(); // finishes the statement, which commits it
  return id;
}

std::vector<std::string> StateStore::remove_collection(std::int64_t id, std::int64_t at)
{
  Transaction tx(*this);
  auto gone = before_removal({id}, at);
  Statement(*m_statements, m_path, "DELETE FROM collections WHERE id = ?").bind(id).run();
  tx.commit();
  return gone;
}

// Before `collections` go with their resources (in the removal's transaction): the UIDs they hold
// are queued for a check, and of those no other collection holds (returned), a meeting's text
// waits in removed_meetings (keep_removed): the resource a check would have read, first in
// resources_by_uid's order (collection id, then href). Only those texts are read.
std::vector<std::string> StateStore::before_removal(std::vector<std::int64_t> collections, std::int64_t at)
{
  struct Held
  {
    std::int64_t first = 0; // resource id
    std::int64_t count = 0; // good resources of `collections` with the UID
  };
  std::map<std::string, Held> held;
  std::sort(collections.begin(), collections.end());
  Statement s(*m_statements, m_path,
              "SELECT uid, id FROM resources WHERE collection_id = ? AND raw IS NOT NULL AND uid <> '' ORDER BY href");
  for (std::int64_t id : collections) {
    s.bind(id);
    while (s.step()) {
      ++held.try_emplace(s.text(0), Held{s.integer(1), 0}).first->second.count;
    }
  }
  Statement total(*m_statements, m_path, "SELECT count(*) FROM resources WHERE uid = ? AND raw IS NOT NULL");
  Statement text(
      *m_statements, m_path,
      "SELECT href, raw FROM resources r WHERE id = ? AND EXISTS (SELECT 1 FROM meetings WHERE uid = r.uid)");
  std::vector<std::string> uids;
  std::vector<std::string> gone;
  std::map<std::string, ResourceText> texts;
  for (const auto& [uid, h] : held) {
    uids.push_back(uid);
    if (total.bind(uid).step() && total.integer(0) > h.count) {
      continue; // another collection holds it
    }
    gone.push_back(uid);
    if (text.bind(h.first).step()) {
      texts[uid] = {text.text(0), text.text(1)};
    }
  }
  keep_removed(texts, gone, at);
  queue_checks(uids);
  return gone;
}

std::int64_t StateStore::store_now(std::int64_t at) const
{
  if (at != 0)
    return at;
  return m_clock ? m_clock() : static_cast<std::int64_t>(std::time(nullptr));
}

// Only the UIDs of a meeting: one never checked (or cancelled) has nothing to keep. A row kept
// already (kept 1) stays as it is: the UID came back and went again before any check saw it.
void StateStore::keep_removed(const std::map<std::string, ResourceText>& texts, const std::vector<std::string>& gone,
                              std::int64_t at)
{
  if (gone.empty())
    return;
  const std::int64_t when = store_now(at);
  Statement keep(*m_statements, m_path,
                 "INSERT INTO removed_meetings (uid, href, raw, removed_at) SELECT ?1, ?2, ?3, ?4 "
                 "WHERE EXISTS (SELECT 1 FROM meetings WHERE uid = ?1) ON CONFLICT (uid) DO UPDATE SET "
                 "href = excluded.href, raw = excluded.raw, removed_at = excluded.removed_at WHERE kept = 0");
  for (const std::string& uid : gone) {
    auto text = texts.find(uid);
    if (text != texts.end())
      keep.bind(uid, text->second.href, text->second.raw, when).run();
  }
}

// The UIDs of `uids` that no resource with a good version holds any more.
std::vector<std::string> StateStore::still_missing(const std::vector<std::string>& uids) const
{
  Statement s(*m_statements, m_path, "SELECT 1 FROM resources WHERE uid = ? AND raw IS NOT NULL LIMIT 1");
  std::set<std::string> gone;
  for (const auto& uid : uids)
    if (!s.bind(uid).step())
      gone.insert(uid);
  return listed(gone);
}

// --- resources ---

std::map<std::string, std::string> StateStore::etags(std::int64_t collection_id) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "SELECT href, etag FROM resources INDEXED BY resources_etags WHERE collection_id = ?");
  s.bind(collection_id);
  std::map<std::string, std::string> out;
  while (s.step())
    out.emplace_hint(out.end(), s.text(0), s.text(1));
  return out;
}

int StateStore::held_elsewhere(std::int64_t collection_id, const std::set<std::string>& hrefs) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "SELECT 1 FROM resources r WHERE r.collection_id = ?1 AND r.href = ?2 AND r.uid <> '' AND EXISTS "
              "(SELECT 1 FROM resources o WHERE o.uid = r.uid AND o.collection_id <> ?1 AND o.raw IS NOT NULL)");
  int n = 0;
  for (const std::string& href : hrefs) {
    if (s.bind(collection_id, href).step())
      ++n;
    s.run();
  }
  return n;
}

std::vector<ResourceRow> StateStore::resources(std::int64_t collection_id, bool with_raw) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              with_raw ? "SELECT id, collection_id, href, etag, uid, meaning, quarantine_reason, raw FROM resources "
                         "WHERE collection_id = ? ORDER BY href"
                       : "SELECT id, collection_id, href, etag, uid, meaning, quarantine_reason, NULL FROM resources "
                         "WHERE collection_id = ? ORDER BY href");
  s.bind(collection_id);
  std::vector<ResourceRow> out;
  while (s.step())
    out.push_back(read_resource(s));
  return out;
}

std::vector<ResourceRow> StateStore::resources_by_uid(const std::string& uid) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "SELECT id, collection_id, href, etag, uid, meaning, quarantine_reason, raw FROM resources "
              "WHERE uid = ? ORDER BY collection_id, href");
  s.bind(uid);
  std::vector<ResourceRow> out;
  while (s.step())
    out.push_back(read_resource(s));
  return out;
}

std::int64_t StateStore::resource_count() const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "SELECT count(*) FROM resources");
  return s.step() ? s.integer(0) : 0;
}

namespace {

struct Existing
{
  std::int64_t id;
  std::string uid;
  std::string meaning;
  bool has_good_version;
};

// The statements of one `apply`, prepared once for all its resources.
class CollectionWriter
{
public:
  CollectionWriter(StatementCache& db, const fs::path& path, std::int64_t collection_id)
    : m_collection_id(collection_id)
    , m_find(db, path, "SELECT id, uid, meaning, raw IS NOT NULL FROM resources WHERE collection_id = ? AND href = ?")
    , m_delete(db, path, "DELETE FROM resources WHERE id = ?")
    , m_insert(db, path,
               "INSERT INTO resources (collection_id, href, etag, uid, meaning, raw, quarantine_reason) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)")
    , m_update(db, path,
               "UPDATE resources SET etag = ?, uid = ?, meaning = ?, raw = ?, quarantine_reason = '' WHERE id = ?")
    , m_quarantine(db, path, "UPDATE resources SET etag = ?, quarantine_reason = ? WHERE id = ?")
    , m_text(db, path, "SELECT href, raw FROM resources WHERE id = ? AND raw IS NOT NULL")
  {
  }

  void remove(const std::string& href)
  {
    auto existing = find(href);
    if (!existing)
      return;
    remember(*existing, href);
    m_delete.bind(existing->id).run();
    ++m_outcome.removed;
    m_gone.push_back(existing->uid);
  }

  void put(const ResourcePut& put)
  {
    auto existing = find(put.href);
    if (!existing) {
      m_insert.bind(m_collection_id, put.href, put.etag, put.uid, put.meaning, put.raw, "").run();
    } else {
      if (existing->uid != put.uid)
        remember(*existing, put.href); // the href now holds another UID: the old one may be gone
      m_update.bind(put.etag, put.uid, put.meaning, put.raw, existing->id).run();
    }
    if (!existing || !existing->has_good_version) {
      ++m_outcome.added;
      m_changed.insert(put.uid);
    } else if (existing->meaning == put.meaning && existing->uid == put.uid) {
      ++m_outcome.unchanged;
    } else {
      ++m_outcome.changed;
      m_changed.insert(put.uid);
      if (existing->uid != put.uid)
        m_gone.push_back(existing->uid);
    }
  }

  // The last good text of a resource that goes (read only then: removals are rare, and a
  // sync's lookups of unchanged hrefs do not read the texts). Of a UID several of them held, the
  // one a check read: the first by href, as in resources_by_uid (one collection here), whatever
  // the order they go in.
  void remember(const Existing& existing, const std::string& href)
  {
    if (!existing.has_good_version || existing.uid.empty())
      return;
    if (auto kept = m_texts.find(existing.uid); kept != m_texts.end() && kept->second.href <= href)
      return;
    if (m_text.bind(existing.id).step())
      m_texts[existing.uid] = {m_text.text(0), m_text.text(1)};
    m_text.run();
  }

  // The last good version, if any, stays; the new ETag is kept so the source does not fetch the
  // same broken version again.
  void quarantine(const Quarantine& q)
  {
    if (auto existing = find(q.href))
      m_quarantine.bind(q.etag, q.reason, existing->id).run();
    else
      m_insert.bind(m_collection_id, q.href, q.etag, "", "", std::optional<std::int64_t>(), q.reason).run();
    ++m_outcome.quarantined;
  }

  void unchanged(const std::string& href)
  {
    if (find(href))
      ++m_outcome.unchanged;
  }

  UpdateOutcome& outcome() { return m_outcome; }
  const std::set<std::string>& changed_uids() const { return m_changed; }
  const std::vector<std::string>& gone_candidates() const { return m_gone; }
  const std::map<std::string, ResourceText>& removed_texts() const { return m_texts; }

private:
  std::optional<Existing> find(const std::string& href)
  {
    if (!m_find.bind(m_collection_id, href).step())
      return std::nullopt;
    Existing e{m_find.integer(0), m_find.text(1), m_find.text(2), m_find.integer(3) != 0};
    m_find.run();
    return e;
  }

  std::int64_t m_collection_id;
  Statement m_find, m_delete, m_insert, m_update, m_quarantine, m_text;
  std::map<std::string, ResourceText> m_texts;
  UpdateOutcome m_outcome;
  std::set<std::string> m_changed;
  std::vector<std::string> m_gone;
};

} // namespace

UpdateOutcome StateStore::apply(const CollectionUpdate& update)
{
  Transaction tx(*this);
  const std::int64_t cid = update.collection_id;
  {
    Statement exists(*m_statements, m_path, "SELECT 1 FROM collections WHERE id = ?");
    if (!exists.bind(cid).step())
      throw StoreError(m_path.string() + ": unknown collection " + std::to_string(cid));
  }
  // The first apply of a collection adopts what it holds (SPEC §5 "Rollout"), decided and
  // recorded in this transaction with the data.
  bool adopting = false;
  {
    Statement first(*m_statements, m_path, "SELECT adopted_at IS NULL FROM collections WHERE id = ?");
    adopting = first.bind(cid).step() && first.integer(0) != 0;
  }
  if (adopting)
    Statement(*m_statements, m_path, "UPDATE collections SET adopted_at = unixepoch() WHERE id = ?").bind(cid).run();
  CollectionWriter writer(*m_statements, m_path, cid);

  for (const auto& href : update.removed_hrefs)
    writer.remove(href);
  if (update.full) {
    std::set<std::string> listed_now(update.unchanged_hrefs.begin(), update.unchanged_hrefs.end());
    for (const auto& put : update.put)
      listed_now.insert(put.href);
    for (const auto& q : update.quarantined)
      listed_now.insert(q.href);
    std::vector<std::string> stale;
    Statement s(*m_statements, m_path, "SELECT href FROM resources WHERE collection_id = ?");
    s.bind(cid);
    while (s.step())
      if (!listed_now.contains(s.text(0)))
        stale.push_back(s.text(0));
    for (const auto& href : stale)
      writer.remove(href);
  }
  for (const auto& put : update.put)
    writer.put(put);
  for (const auto& q : update.quarantined)
    writer.quarantine(q);
  for (const auto& href : update.unchanged_hrefs)
    writer.unchanged(href);

  if (update.ctag)
    Statement(*m_statements, m_path, "UPDATE collections SET ctag = ? WHERE id = ?").bind(*update.ctag, cid).run();
  if (update.sync_token)
    Statement(*m_statements, m_path, "UPDATE collections SET sync_token = ? WHERE id = ?")
        .bind(*update.sync_token, cid)
        .run();

  UpdateOutcome outcome = std::move(writer.outcome());
  outcome.changed_uids = listed(writer.changed_uids());
  outcome.removed_uids = still_missing(writer.gone_candidates());
  keep_removed(writer.removed_texts(), outcome.removed_uids, update.at);
  Statement duplicates(*m_statements, m_path,
                       "SELECT uid FROM resources WHERE collection_id = ? AND uid <> '' GROUP BY uid "
                       "HAVING count(*) > 1 ORDER BY uid");
  duplicates.bind(cid);
  while (duplicates.step())
    outcome.duplicate_uids.push_back(duplicates.text(0));
  const Adoption adoption = adopting ? Adoption::yes : Adoption::no;
  queue_checks(outcome.changed_uids, adoption);
  queue_checks(outcome.removed_uids);
  queue_checks(outcome.duplicate_uids, adoption);
  tx.commit();
  return outcome;
}

// --- meetings ---

std::optional<std::int64_t> StateStore::first_seen(const std::string& uid) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "SELECT first_seen FROM meetings WHERE uid = ?");
  if (!s.bind(uid).step())
    return std::nullopt;
  return s.integer(0);
}

void StateStore::put_meeting(const MeetingRow& m)
{
  std::lock_guard lock(m_mutex);
  Statement(*m_statements, m_path,
            "INSERT INTO meetings (uid, source_id, summary, starts_at, ends_at, verdict, json, first_seen, checked_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO UPDATE SET source_id = excluded.source_id, "
            "summary = excluded.summary, starts_at = excluded.starts_at, ends_at = excluded.ends_at, "
            "verdict = excluded.verdict, json = excluded.json, first_seen = min(first_seen, excluded.first_seen), "
            "checked_at = excluded.checked_at")
      .bind(m.uid, m.source_id, m.summary, m.start, m.end, m.verdict, m.json, m.first_seen, m.checked_at)
      .run();
  Statement(*m_statements, m_path, "DELETE FROM occurrences WHERE uid = ?").bind(m.uid).run();
  Statement add(
      *m_statements, m_path,
      "INSERT INTO occurrences (uid, starts_at, ends_at, verdict) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
  for (const OccurrenceRow& o : m.occurrences)
    add.bind(m.uid, o.start, o.end, o.verdict).run();
}

void StateStore::remove_meeting(const std::string& uid)
{
  std::lock_guard lock(m_mutex);
  Statement(*m_statements, m_path, "DELETE FROM meetings WHERE uid = ?").bind(uid).run();
  Statement(*m_statements, m_path, "DELETE FROM occurrences WHERE uid = ?").bind(uid).run();
}

// A check found no meeting for the UID. When its last resource went (apply kept its text, `kept`
// 0), what took place before the removal stays: the meeting's row moves to removed_meetings and
// its later occurrences go. Otherwise (cancelled, or never a meeting) it goes as a whole, unless it
// is a removed meeting already (kept 1), whose past stays.
void StateStore::retire_meeting(const std::string& uid)
{
  Statement history(*m_statements, m_path, "SELECT removed_at, kept FROM removed_meetings WHERE uid = ?");
  if (!history.bind(uid).step()) {
    history.run();
    remove_meeting(uid);
    return;
  }
  const std::int64_t removed_at = history.integer(0);
  const bool kept = history.integer(1) != 0;
  history.run();
  if (kept)
    return;
  Statement(*m_statements, m_path, "DELETE FROM occurrences WHERE uid = ? AND starts_at >= ?")
      .bind(uid, removed_at)
      .run();
  Statement(*m_statements, m_path,
            "UPDATE removed_meetings SET kept = 1, source_id = m.source_id, summary = m.summary, json = m.json "
            "FROM (SELECT source_id, summary, json FROM meetings WHERE uid = ?1) AS m WHERE uid = ?1 AND "
            "EXISTS (SELECT 1 FROM occurrences WHERE uid = ?1)")
      .bind(uid)
      .run();
  Statement(*m_statements, m_path, "DELETE FROM removed_meetings WHERE uid = ? AND kept = 0").bind(uid).run();
  Statement(*m_statements, m_path, "DELETE FROM meetings WHERE uid = ?").bind(uid).run();
}

std::optional<RemovedMeeting> StateStore::removed_meeting(const std::string& uid) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "SELECT uid, source_id, summary, href, raw, json, removed_at FROM removed_meetings "
              "WHERE uid = ? AND kept = 1");
  if (!s.bind(uid).step())
    return std::nullopt;
  RemovedMeeting m{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.integer(6), {}};
  s.run();
  Statement o(*m_statements, m_path,
              "SELECT starts_at, ends_at, verdict FROM occurrences WHERE uid = ? ORDER BY starts_at");
  o.bind(uid);
  while (o.step())
    m.occurrences.push_back({o.integer(0), o.integer(1), o.text(2)});
  return m;
}

std::int64_t StateStore::meeting_count() const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "SELECT count(*) FROM meetings");
  s.step();
  return s.integer(0);
}

std::map<std::string, int> StateStore::findings_by_rule() const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "SELECT json_extract(f.value, '$.rule'), count(*) FROM meetings m, json_each(m.json, '$.findings') f "
              "GROUP BY 1");
  std::map<std::string, int> out;
  while (s.step())
    out[s.text(0)] = static_cast<int>(s.integer(1));
  return out;
}

std::vector<OccurrenceView> StateStore::occurrences_between(std::int64_t from, std::int64_t to, bool with_removed) const
{
  std::lock_guard lock(m_mutex);
  // The occurrences of removed meetings have no row in meetings: the inner join leaves them out.
  Statement s(*m_statements, m_path,
              with_removed
                  ? "SELECT o.uid, coalesce(m.summary, r.summary), coalesce(m.verdict, ''), o.starts_at, o.ends_at, "
                    "o.verdict, r.removed_at FROM occurrences o LEFT JOIN meetings m ON m.uid = o.uid "
                    "LEFT JOIN removed_meetings r ON m.uid IS NULL AND r.uid = o.uid AND r.kept = 1 "
                    "WHERE o.starts_at < ? AND o.starts_at >= ? AND (o.ends_at > ? OR o.starts_at >= ?) "
                    "AND (m.uid IS NOT NULL OR r.uid IS NOT NULL) ORDER BY o.starts_at, o.uid"
                  : "SELECT o.uid, m.summary, m.verdict, o.starts_at, o.ends_at, o.verdict, NULL FROM occurrences o "
                    "JOIN meetings m ON m.uid = o.uid "
                    "WHERE o.starts_at < ? AND o.starts_at >= ? AND (o.ends_at > ? OR o.starts_at >= ?) "
                    "ORDER BY o.starts_at, o.uid");
  s.bind(to, from - k_longest_occurrence, from, from);
  std::vector<OccurrenceView> out;
  while (s.step())
    out.push_back({s.text(0), s.text(1), s.text(2), {s.integer(3), s.integer(4), s.text(5)}, s.optional_integer(6)});
  return out;
}

std::vector<std::string> StateStore::meetings_occurring(std::int64_t from, std::int64_t to) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "SELECT DISTINCT uid FROM occurrences WHERE starts_at < ? AND starts_at >= ? AND "
              "(ends_at > ? OR starts_at >= ?) ORDER BY uid");
  s.bind(to, from - k_longest_occurrence, from, from);
  std::vector<std::string> out;
  while (s.step())
    out.push_back(s.text(0));
  return out;
}

std::vector<MeetingRow> StateStore::meetings_between(std::int64_t from, std::int64_t to) const
{
  std::lock_guard lock(m_mutex);
  // A meeting of no length counts when it starts inside the range.
  Statement s(*m_statements, m_path,
              std::string(k_select_meeting) +
                  " WHERE starts_at < ? AND (ends_at > ? OR starts_at >= ?) ORDER BY starts_at, uid");
  s.bind(to, from, from);
  std::vector<MeetingRow> out;
  while (s.step())
    out.push_back(read_meeting(s));
  return out;
}

std::optional<MeetingRow> StateStore::meeting(const std::string& uid) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, std::string(k_select_meeting) + " WHERE uid = ?");
  if (!s.bind(uid).step())
    return std::nullopt;
  return read_meeting(s);
}

std::map<std::string, int> StateStore::meetings_by_verdict() const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "SELECT verdict, count(*) FROM meetings GROUP BY verdict");
  std::map<std::string, int> out;
  while (s.step())
    out[s.text(0)] = static_cast<int>(s.integer(1));
  return out;
}

// --- sync history ---

void StateStore::record_sync(const SyncRecord& r)
{
  Transaction tx(*this);
  Statement(*m_statements, m_path,
            "INSERT INTO sync_history (source_id, started, finished, requests, added, changed, removed, errors, "
            "outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(r.source_id, r.started, r.finished, r.requests, r.added, r.changed, r.removed, r.errors, r.outcome)
      .run();
  Statement(*m_statements, m_path,
            "DELETE FROM sync_history WHERE source_id = ? AND id NOT IN (SELECT id FROM sync_history "
            "WHERE source_id = ? ORDER BY started DESC, id DESC LIMIT ?)")
      .bind(r.source_id, r.source_id, k_history_per_source)
      .run();
  tx.commit();
}

std::vector<SyncRecord> StateStore::sync_history(const std::string& source_id, int limit) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "SELECT source_id, started, finished, requests, added, changed, removed, errors, outcome "
              "FROM sync_history WHERE source_id = ? ORDER BY started DESC, id DESC LIMIT ?");
  s.bind(source_id, limit);
  std::vector<SyncRecord> out;
  while (s.step())
    out.push_back({s.text(0), s.integer(1), s.integer(2), static_cast<int>(s.integer(3)),
                   static_cast<int>(s.integer(4)), static_cast<int>(s.integer(5)), static_cast<int>(s.integer(6)),
                   static_cast<int>(s.integer(7)), s.text(8)});
  return out;
}

} // namespace kenes::daemon
