#include "daemon/store/state_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace kenes::daemon {

namespace {

namespace fs = std::filesystem;

// "kens": tells a kenes store from any other SQLite file put in its place.
constexpr std::int32_t k_application_id = 0x6b656e73;
constexpr int k_busy_timeout_ms = 5000;
// Occurrences are looked up by start: one that began more than this before a range is not in it
// (the index on starts_at then bounds the scan). No meeting of the regime lasts a week.
constexpr std::int64_t k_longest_occurrence = 7 * 86400;

struct Migration
{
  int version;
  const char* sql;
};

// Forward only. A released step is never edited; a change is a new step appended here, run in its
// own transaction with the new user_version (the outbox of SPEC §5 comes as version 2).
// Times are UTC seconds. An empty string, not NULL, stands for "none" in text columns, except
// resources.raw, which is NULL while an href never had a good version.
constexpr Migration k_migrations[] = {
    {1, R"sql(
PRAGMA application_id = 1801809523;

CREATE TABLE sources (
  id            TEXT PRIMARY KEY,
  type          TEXT NOT NULL,
  last_attempt  INTEGER,
  last_success  INTEGER,
  failing_since INTEGER,
  error_kind    TEXT NOT NULL DEFAULT '',
  last_error    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE collections (
  id           INTEGER PRIMARY KEY,
  source_id    TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  href         TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  ctag         TEXT NOT NULL DEFAULT '',
  sync_token   TEXT NOT NULL DEFAULT '',
  UNIQUE (source_id, href)
);

CREATE TABLE resources (
  id                INTEGER PRIMARY KEY,
  collection_id     INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
  href              TEXT NOT NULL,
  etag              TEXT NOT NULL DEFAULT '',
  uid               TEXT NOT NULL DEFAULT '',
  meaning           TEXT NOT NULL DEFAULT '',
  raw               TEXT,
  quarantine_reason TEXT NOT NULL DEFAULT '',
  UNIQUE (collection_id, href)
);
CREATE INDEX resources_by_uid ON resources (uid);

CREATE TABLE meetings (
  uid        TEXT PRIMARY KEY,
  source_id  TEXT NOT NULL,
  summary    TEXT NOT NULL,
  starts_at  INTEGER NOT NULL,
  ends_at    INTEGER NOT NULL,
  verdict    TEXT NOT NULL,
  json       TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  checked_at INTEGER NOT NULL
);
CREATE INDEX meetings_by_start ON meetings (starts_at);

CREATE TABLE sync_history (
  id        INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL,
  started   INTEGER NOT NULL,
  finished  INTEGER NOT NULL,
  requests  INTEGER NOT NULL,
  added     INTEGER NOT NULL,
  changed   INTEGER NOT NULL,
  removed   INTEGER NOT NULL,
  errors    INTEGER NOT NULL,
  outcome   TEXT NOT NULL
);
CREATE INDEX sync_history_by_source ON sync_history (source_id, started);
)sql"},
    // 2: what a source learnt between runs (discovered homes); the UIDs still to be checked,
    // written in the transaction that changed them, so a crash between a sync and its re-check
    // loses no check; who takes part in each meeting, to re-check on a change of busy time.
    {2, R"sql(
ALTER TABLE sources ADD COLUMN memo TEXT NOT NULL DEFAULT '';

CREATE TABLE pending_checks (
  uid       TEXT PRIMARY KEY,
  queued_at INTEGER NOT NULL
);

CREATE TABLE meeting_people (
  uid   TEXT NOT NULL,
  email TEXT NOT NULL,
  PRIMARY KEY (uid, email)
);
CREATE INDEX meeting_people_by_email ON meeting_people (email);
)sql"},
    // 3: the outbox of SPEC §5 and what was sent for each UID, written with the verdict.
    {3, R"sql(
CREATE TABLE outbox (
  id           INTEGER PRIMARY KEY,
  key          TEXT NOT NULL UNIQUE,
  message_id   TEXT NOT NULL,
  uid          TEXT NOT NULL,
  kind         TEXT NOT NULL,
  recipient    TEXT NOT NULL,
  sender       TEXT NOT NULL,
  message      BLOB NOT NULL,
  state        TEXT NOT NULL DEFAULT 'pending',
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT NOT NULL DEFAULT '',
  created      INTEGER NOT NULL,
  sent_at      INTEGER
);
CREATE INDEX outbox_due ON outbox (state, next_attempt);
CREATE INDEX outbox_by_uid ON outbox (uid);

CREATE TABLE notice_state (
  uid   TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  raw   TEXT NOT NULL
);
)sql"},
    // 4: each meeting's occurrences inside the horizon with their own verdicts, for the week grid
    // and the monthly report. A meeting checked before has its first start until it is checked again.
    {4, R"sql(
CREATE TABLE occurrences (
  uid       TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at   INTEGER NOT NULL,
  verdict   TEXT NOT NULL,
  PRIMARY KEY (uid, starts_at)
);
CREATE INDEX occurrences_by_start ON occurrences (starts_at);
INSERT INTO occurrences (uid, starts_at, ends_at, verdict) SELECT uid, starts_at, ends_at, verdict FROM meetings;
)sql"},
    // 5: the ETags a sync compares with, read from this index alone instead of from every page of
    // the resources (whose rows carry the raw iCalendar).
    {5, R"sql(
CREATE INDEX resources_etags ON resources (collection_id, href, etag);
)sql"},
    // 6: an outbox message's bytes in a table of their own. SQLite rewrites a whole row on any
    // update, so each change of a notice's state (claimed, sent) copied its 3-8 KB again.
    {6, R"sql(
CREATE TABLE outbox_messages (
  id      INTEGER PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
  message BLOB NOT NULL
);
INSERT INTO outbox_messages (id, message) SELECT id, message FROM outbox WHERE state != 'sent';
ALTER TABLE outbox DROP COLUMN message;
)sql"},
    // 7: a queued UID queued again while its check is running counts up its generation, so that
    // the running check's result does not take it off the queue: the new version is checked too.
    {7, R"sql(
ALTER TABLE pending_checks ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
)sql"},
};

static_assert(static_cast<int>(std::size(k_migrations)) == StateStore::k_schema_version,
              "one migration step per schema version");

[[noreturn]] void fail(const fs::path& path, std::string_view what, sqlite3* db)
{
  throw StoreError(path.string() + ": " + std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

} // namespace

// Prepared statements kept for reuse, by their SQL text: preparing one costs more than running
// most of ours. Used only under the store's mutex; a statement in use is out of the cache, so a
// nested use of the same SQL prepares a second one.
struct StatementCache
{
  explicit StatementCache(sqlite3* d)
    : db(d)
  {
  }
  ~StatementCache()
  {
    for (auto& [sql, statements] : idle)
      for (sqlite3_stmt* s : statements)
        sqlite3_finalize(s);
  }
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  sqlite3* db;
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle;
};

namespace {

// One prepared statement (from the cache when it has one); values are only ever bound, never
// spliced into SQL.
class Statement
{
public:
  Statement(StatementCache& cache, const fs::path& path, std::string_view sql)
    : m_cache(cache)
    , m_db(cache.db)
    , m_path(path)
    , m_sql(sql)
  {
    auto idle = cache.idle.find(m_sql);
    if (idle != cache.idle.end() && !idle->second.empty()) {
      m_stmt = idle->second.back();
      idle->second.pop_back();
      return;
    }
    if (sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr) != SQLITE_OK) {
      sqlite3_finalize(m_stmt);
      fail(m_path, "cannot prepare a statement", m_db);
    }
  }
  ~Statement()
  {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    try {
      m_cache.idle[std::move(m_sql)].push_back(m_stmt);
    } catch (...) {
      sqlite3_finalize(m_stmt);
    }
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Resets the statement and binds the parameters in order.
  template <typename... Args> Statement& bind(const Args&... args)
  {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    int index = 0;
    (bind_one(++index, args), ...);
    return *this;
  }

  // True while there is a row to read.
  bool step()
  {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
      return true;
    if (rc == SQLITE_DONE)
      return false;
    sqlite3_reset(m_stmt);
    fail(m_path, "SQL failed", m_db);
  }
  void run()
  {
    while (step()) {
    }
    sqlite3_reset(m_stmt);
  }

  std::int64_t integer(int column) const { return sqlite3_column_int64(m_stmt, column); }
  std::optional<std::int64_t> optional_integer(int column) const
  {
    if (sqlite3_column_type(m_stmt, column) == SQLITE_NULL)
      return std::nullopt;
    return integer(column);
  }
  std::string text(int column) const
  {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))) : std::string();
  }

private:
  void check(int rc)
  {
    if (rc != SQLITE_OK)
      fail(m_path, "cannot bind a value", m_db);
  }
  void bind_one(int i, std::int64_t v) { check(sqlite3_bind_int64(m_stmt, i, v)); }
  void bind_one(int i, int v) { check(sqlite3_bind_int64(m_stmt, i, v)); }
  void bind_one(int i, const std::string& v)
  {
    check(sqlite3_bind_text64(m_stmt, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  void bind_one(int i, const char* v) { bind_one(i, std::string(v)); }
  void bind_one(int i, const std::optional<std::int64_t>& v)
  {
    if (v)
      bind_one(i, *v);
    else
      check(sqlite3_bind_null(m_stmt, i));
  }

  StatementCache& m_cache;
  sqlite3* m_db;
  const fs::path& m_path;
  std::string m_sql;
  sqlite3_stmt* m_stmt = nullptr;
};

template <typename Set> std::vector<std::string> listed(const Set& uids)
{
  std::vector<std::string> out;
  for (const auto& uid : uids)
    if (!uid.empty())
      out.push_back(uid);
  return out;
}

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
  return status;
}
constexpr const char* k_select_source =
    "SELECT id, type, last_attempt, last_success, failing_since, error_kind, last_error FROM sources";

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

} // namespace

// BEGIN IMMEDIATE at the outside (the write lock is taken at once, so a transaction never fails
// half-way on a lock it cannot upgrade), a savepoint inside another transaction. A snapshot is a
// deferred BEGIN: it only reads, so it never needs the write lock.
class StateStore::Transaction
{
public:
  enum class Mode { write, snapshot };
  explicit Transaction(StateStore& store, Mode mode = Mode::write)
    : m_store(store)
    , m_lock(store.m_mutex)
  {
    run(m_store.m_depth != 0 ? "SAVEPOINT nested" : mode == Mode::write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
    ++m_store.m_depth;
  }
  ~Transaction()
  {
    if (m_committed)
      return;
    --m_store.m_depth;
    try {
      m_store.exec(m_store.m_depth == 0 ? "ROLLBACK" : "ROLLBACK TO nested; RELEASE nested");
    } catch (const StoreError&) {
      // SQLite has already rolled back after an I/O or full-disk error.
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit()
  {
    run(m_store.m_depth == 1 ? "COMMIT" : "RELEASE nested");
    --m_store.m_depth;
    m_committed = true;
  }

private:
  void run(const char* sql) { Statement(*m_store.m_statements, m_store.m_path, sql).run(); }

  StateStore& m_store;
  std::lock_guard<std::recursive_mutex> m_lock;
  bool m_committed = false;
};

StateStore::StateStore(fs::path path, sqlite3* db)
  : m_path(std::move(path))
  , m_db(db)
  , m_statements(std::make_unique<StatementCache>(db))
{
}

StateStore::~StateStore()
{
  m_statements.reset();
  sqlite3_close_v2(m_db);
}

std::unique_ptr<StateStore> StateStore::open(const fs::path& dir)
{
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw StoreError(dir.string() + ": cannot create the state directory: " + ec.message());
  fs::path path = dir / k_file_name;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<StateStore> store(new StateStore(path, db)); // closes the handle on every path
  if (rc != SQLITE_OK)
    fail(path, "cannot open the state store", db);
  store->configure();
  store->migrate();
  return store;
}

void StateStore::exec(const char* sql)
{
  if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
    fail(m_path, std::strlen(sql) <= 80 ? std::string("SQL failed (") + sql + ")" : "SQL failed", m_db);
}

void StateStore::configure()
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

void StateStore::migrate()
{
  int version = schema_version();
  if (version > k_schema_version)
    throw StoreError(m_path.string() + ": the state store has schema version " + std::to_string(version) +
                     ", newer than this kenesd knows (" + std::to_string(k_schema_version) +
                     "); run a newer kenesd, or move the file away to start afresh");
  for (const Migration& step : k_migrations) {
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

std::vector<std::string> StateStore::remove_source(const std::string& id)
{
  Transaction tx(*this);
  std::vector<std::string> uids;
  Statement s(*m_statements, m_path,
              "SELECT DISTINCT r.uid FROM resources r JOIN collections c ON c.id = r.collection_id "
              "WHERE c.source_id = ? AND r.raw IS NOT NULL AND r.uid <> ''");
  s.bind(id);
  while (s.step())
    uids.push_back(s.text(0));
  Statement(*m_statements, m_path, "DELETE FROM sources WHERE id = ?").bind(id).run();
  auto gone = still_missing(uids);
  queue_checks(uids);
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
    fail(m_path, "cannot store a collection", m_db);
  std::int64_t id = s.integer(0);
  s.run(); // finishes the statement, which commits it
  return id;
}

std::vector<std::string> StateStore::remove_collection(std::int64_t id)
{
  Transaction tx(*this);
  std::vector<std::string> uids;
  Statement s(*m_statements, m_path,
              "SELECT DISTINCT uid FROM resources WHERE collection_id = ? AND raw IS NOT NULL AND uid <> ''");
  s.bind(id);
  while (s.step())
    uids.push_back(s.text(0));
  Statement(*m_statements, m_path, "DELETE FROM collections WHERE id = ?").bind(id).run();
  auto gone = still_missing(uids);
  queue_checks(uids);
  tx.commit();
  return gone;
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
  {
  }

  void remove(const std::string& href)
  {
    auto existing = find(href);
    if (!existing)
      return;
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

private:
  struct Existing
  {
    std::int64_t id;
    std::string uid;
    std::string meaning;
    bool has_good_version;
  };

  std::optional<Existing> find(const std::string& href)
  {
    if (!m_find.bind(m_collection_id, href).step())
      return std::nullopt;
    Existing e{m_find.integer(0), m_find.text(1), m_find.text(2), m_find.integer(3) != 0};
    m_find.run();
    return e;
  }

  std::int64_t m_collection_id;
  Statement m_find, m_delete, m_insert, m_update, m_quarantine;
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
  Statement duplicates(*m_statements, m_path,
                       "SELECT uid FROM resources WHERE collection_id = ? AND uid <> '' GROUP BY uid "
                       "HAVING count(*) > 1 ORDER BY uid");
  duplicates.bind(cid);
  while (duplicates.step())
    outcome.duplicate_uids.push_back(duplicates.text(0));
  queue_checks(outcome.changed_uids);
  queue_checks(outcome.removed_uids);
  queue_checks(outcome.duplicate_uids);
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

std::vector<OccurrenceView> StateStore::occurrences_between(std::int64_t from, std::int64_t to) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "SELECT o.uid, m.summary, m.verdict, o.starts_at, o.ends_at, o.verdict FROM occurrences o "
              "JOIN meetings m ON m.uid = o.uid "
              "WHERE o.starts_at < ? AND o.starts_at >= ? AND (o.ends_at > ? OR o.starts_at >= ?) "
              "ORDER BY o.starts_at, o.uid");
  s.bind(to, from - k_longest_occurrence, from, from);
  std::vector<OccurrenceView> out;
  while (s.step())
    out.push_back({s.text(0), s.text(1), s.text(2), {s.integer(3), s.integer(4), s.text(5)}});
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

namespace kenes::daemon {

// --- source memo ---

std::string StateStore::source_memo(const std::string& id) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "SELECT memo FROM sources WHERE id = ?");
  return s.bind(id).step() ? s.text(0) : std::string();
}

void StateStore::set_source_memo(const std::string& id, const std::string& memo)
{
  std::lock_guard lock(m_mutex);
  Statement(*m_statements, m_path, "UPDATE sources SET memo = ? WHERE id = ?").bind(memo, id).run();
}

// --- checks to do ---

void StateStore::queue_checks(const std::vector<std::string>& uids)
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "INSERT INTO pending_checks (uid, queued_at) VALUES (?, unixepoch()) "
              "ON CONFLICT (uid) DO UPDATE SET generation = generation + 1");
  for (const auto& uid : uids)
    if (!uid.empty())
      s.bind(uid).run();
}

std::vector<PendingCheck> StateStore::pending_checks(std::size_t limit, const std::set<std::string>& except) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "SELECT uid, queued_at, generation FROM pending_checks ORDER BY uid LIMIT ?");
  s.bind(static_cast<std::int64_t>(limit + except.size()));
  std::vector<PendingCheck> out;
  while (out.size() < limit && s.step()) {
    PendingCheck p{s.text(0), s.integer(1), s.integer(2)};
    if (!except.contains(p.uid))
      out.push_back(std::move(p));
  }
  return out;
}

std::int64_t StateStore::pending_check_count() const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "SELECT count(*) FROM pending_checks");
  s.step();
  return s.integer(0);
}

void StateStore::finish_check(const std::string& uid, const std::optional<MeetingRow>& meeting,
                              const std::vector<std::string>& people, const NoticeUpdate& notices,
                              std::optional<std::int64_t> generation)
{
  Transaction tx(*this);
  if (notices.state) {
    Statement(*m_statements, m_path,
              "INSERT INTO notice_state (uid, state, raw) VALUES (?, ?, ?) ON CONFLICT (uid) DO UPDATE SET "
              "state = excluded.state, raw = CASE WHEN excluded.raw = '' THEN raw ELSE excluded.raw END")
        .bind(uid, *notices.state, notices.raw)
        .run();
  }
  Statement queue(*m_statements, m_path,
                  "INSERT INTO outbox (key, message_id, uid, kind, recipient, sender, created) "
                  "VALUES (?, ?, ?, ?, ?, ?, unixepoch()) ON CONFLICT (key) DO NOTHING RETURNING id");
  Statement body(*m_statements, m_path, "INSERT INTO outbox_messages (id, message) VALUES (?, ?)");
  Statement sent(
      *m_statements, m_path,
      "INSERT INTO outbox (key, message_id, uid, kind, recipient, sender, created, state, attempts, sent_at) "
      "VALUES (?, ?, ?, ?, ?, ?, unixepoch(), 'sent', 1, ?) ON CONFLICT (key) DO NOTHING");
  for (const OutboxMessage& n : notices.messages) {
    if (n.delivered_at) {
      sent.bind(n.key, n.message_id, uid, n.kind, n.recipient, n.sender, n.delivered_at).run();
      continue;
    }
    // A key queued before returns no row: that notice keeps the bytes it had.
    if (!queue.bind(n.key, n.message_id, uid, n.kind, n.recipient, n.sender).step())
      continue;
    std::int64_t id = queue.integer(0);
    queue.run(); // done, or the commit finds it still running
    body.bind(id, n.message).run();
  }
  Statement(*m_statements, m_path, "DELETE FROM meeting_people WHERE uid = ?").bind(uid).run();
  if (meeting) {
    put_meeting(*meeting);
    Statement add(*m_statements, m_path,
                  "INSERT INTO meeting_people (uid, email) VALUES (?, ?) ON CONFLICT DO NOTHING");
    for (const auto& email : people)
      add.bind(uid, email).run();
  } else {
    remove_meeting(uid);
  }
  if (generation) {
    Statement(*m_statements, m_path, "DELETE FROM pending_checks WHERE uid = ? AND generation = ?")
        .bind(uid, *generation)
        .run();
  } else {
    Statement(*m_statements, m_path, "DELETE FROM pending_checks WHERE uid = ?").bind(uid).run();
  }
  tx.commit();
}

std::vector<std::string> StateStore::meetings_with(const std::vector<std::string>& emails) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "SELECT uid FROM meeting_people WHERE email = ?");
  std::set<std::string> uids;
  for (const auto& email : emails) {
    s.bind(email);
    while (s.step())
      uids.insert(s.text(0));
  }
  return listed(uids);
}

std::vector<std::string> StateStore::meeting_uids() const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "SELECT uid FROM meetings ORDER BY uid");
  std::vector<std::string> out;
  while (s.step())
    out.push_back(s.text(0));
  return out;
}

} // namespace kenes::daemon

namespace kenes::daemon {

// --- notices and the outbox ---

std::optional<NoticeRecord> StateStore::notice_state(const std::string& uid) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "SELECT state, raw FROM notice_state WHERE uid = ?");
  if (!s.bind(uid).step())
    return std::nullopt;
  return NoticeRecord{s.text(0), s.text(1)};
}

std::set<std::string> StateStore::outbox_keys(const std::string& uid) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "SELECT key FROM outbox WHERE uid = ?");
  s.bind(uid);
  std::set<std::string> out;
  while (s.step())
    out.insert(s.text(0));
  return out;
}

std::vector<OutboxRow> StateStore::claim_due(std::int64_t now, std::size_t limit)
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id IN (SELECT id FROM outbox "
              "WHERE state = 'pending' AND next_attempt <= ? ORDER BY id LIMIT ?) "
              "RETURNING id, key, message_id, uid, kind, recipient, sender, attempts");
  s.bind(now, static_cast<std::int64_t>(limit));
  std::vector<OutboxRow> rows;
  while (s.step()) {
    OutboxRow& row = rows.emplace_back();
    row.id = s.integer(0);
    row.key = s.text(1);
    row.message_id = s.text(2);
    row.uid = s.text(3);
    row.kind = s.text(4);
    row.recipient = s.text(5);
    row.sender = s.text(6);
    row.attempts = static_cast<int>(s.integer(7)); // the bytes come from outbox_messages below
  }
  // RETURNING gives no order; the queue's is by id.
  std::sort(rows.begin(), rows.end(), [](const OutboxRow& a, const OutboxRow& b) { return a.id < b.id; });
  Statement body(*m_statements, m_path, "SELECT message FROM outbox_messages WHERE id = ?");
  for (OutboxRow& row : rows)
    if (body.bind(row.id).step())
      row.message = body.text(0);
  return rows;
}

void StateStore::release_claims()
{
  std::lock_guard lock(m_mutex);
  Statement(*m_statements, m_path, "UPDATE outbox SET state = 'pending' WHERE state = 'sending'").run();
}

void StateStore::mark_sent(std::int64_t id, std::int64_t now)
{
  std::lock_guard lock(m_mutex);
  // The bytes are not needed once the server took them (the history keeps everything else), and
  // a store of 50,000 sent invitations would otherwise carry 300 MB.
  Statement(*m_statements, m_path, "UPDATE outbox SET state = 'sent', sent_at = ?, last_error = '' WHERE id = ?")
      .bind(now, id)
      .run();
  Statement(*m_statements, m_path, "DELETE FROM outbox_messages WHERE id = ?").bind(id).run();
}

void StateStore::mark_retry(std::int64_t id, std::int64_t next_attempt, const std::string& error)
{
  std::lock_guard lock(m_mutex);
  Statement(*m_statements, m_path, "UPDATE outbox SET state = 'pending', next_attempt = ?, last_error = ? WHERE id = ?")
      .bind(next_attempt, error, id)
      .run();
}

void StateStore::mark_failed(std::int64_t id, const std::string& error)
{
  std::lock_guard lock(m_mutex);
  Statement(*m_statements, m_path, "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?")
      .bind(error, id)
      .run();
}

std::map<std::string, int> StateStore::outbox_counts() const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "SELECT state, count(*) FROM outbox GROUP BY state");
  std::map<std::string, int> out;
  while (s.step())
    out[s.text(0)] = static_cast<int>(s.integer(1));
  return out;
}

std::vector<OutboxEntry> StateStore::outbox(const std::string& uid) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "SELECT id, kind, recipient, message_id, state, attempts, last_error, created, sent_at FROM outbox "
              "WHERE (? = '' OR uid = ?) ORDER BY id");
  s.bind(uid, uid);
  std::vector<OutboxEntry> out;
  while (s.step())
    out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), static_cast<int>(s.integer(5)), s.text(6),
                   s.integer(7), s.optional_integer(8)});
  return out;
}

std::optional<std::int64_t> StateStore::next_retry() const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "SELECT min(next_attempt) FROM outbox WHERE state = 'pending'");
  if (!s.step())
    return std::nullopt;
  return s.optional_integer(0);
}

} // namespace kenes::daemon

namespace kenes::daemon {

void StateStore::checkpoint()
{
  std::lock_guard lock(m_mutex);
  // Best effort: another process holding the database makes it a partial checkpoint, which is
  // fine; the data is in the log either way.
  sqlite3_exec(m_db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
}

} // namespace kenes::daemon
