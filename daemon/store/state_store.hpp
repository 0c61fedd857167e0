// The daemon's state (SPEC §7): one SQLite database in WAL mode, `kenes.sqlite3` in the state
// directory, behind one interface so that a PostgreSQL store can take its place later. It holds
// the sources and their health, the collections with ctag and sync token, the resources with href,
// ETag and raw iCalendar, the meetings with their verdicts, and the sync history.
//
// Every write is one transaction: a crash (kill -9) at any moment leaves either the state before
// a write or the state after it, so the next start goes on incrementally from what is stored.
// A collection's ctag and sync token are written only in the transaction that stores the data they
// describe (`apply`). The calls are blocking; run them off the event loop. One StateStore may be
// shared by threads: calls are serialised, and `with_transaction` holds the store for its callback.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/notices/outbox_records.hpp"

struct sqlite3;

namespace kenes::daemon {

struct StatementCache;

// A store that cannot be opened, migrated or written; the message names the database file and
// SQLite's own message.
class StoreError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

// Times are UTC seconds.
struct SourceStatus
{
  std::string id;
  std::string type;
  std::optional<std::int64_t> last_attempt, last_success;
  std::optional<std::int64_t> failing_since; // first failure of the current run of failures
  std::string error_kind;                    // connectors::ErrorKind as text ("auth", "timeout", …)
  std::string last_error;
  bool degraded = false; // failing now
  int adopted = 0;       // meetings adopted by its first sync (SPEC §5 "Rollout")
  // Who accepted the removals its next sync holds back (error_kind "removals"; issue 23, item 5),
  // until that sync applies them; empty: nobody.
  std::string removals_accepted_by;
};

struct CollectionRow
{
  std::int64_t id = 0;
  std::string source_id;
  std::string href;
  std::string display_name;
  std::string ctag;
  std::string sync_token;
};

struct ResourceRow
{
  std::int64_t id = 0;
  std::int64_t collection_id = 0;
  std::string href;
  std::string etag; // of the latest version the source showed, even when it was quarantined
  std::string uid;
  std::string meaning;
  std::string raw; // only when asked for
  // Non-empty: the latest version was quarantined. uid, meaning and raw are then those of the last
  // good version of this href, kept so a broken edit does not cancel a meeting; all three are
  // empty when there never was a good one.
  std::string quarantine_reason;
};

struct ResourcePut
{
  std::string href, etag, uid, meaning, raw; // meaning: the caller's digest of what the event says
};

struct Quarantine
{
  std::string href, etag, reason;
};

struct CollectionUpdate
{
  std::int64_t collection_id = 0;
  std::optional<std::string> ctag, sync_token; // written with the data, or left as they are
  std::vector<ResourcePut> put;
  std::vector<Quarantine> quarantined;
  std::vector<std::string> removed_hrefs;
  // A full listing: every href of the collection not in put, quarantined or unchanged_hrefs is
  // removed.
  bool full = false;
  std::vector<std::string> unchanged_hrefs;
  // The sync's "now" when it applies this: a meeting whose last resource goes keeps the
  // occurrences that started before it (removed_meeting); 0: the store's clock.
  std::int64_t at = 0;
};

// UID lists are sorted and hold no duplicates; an empty UID is never listed.
struct UpdateOutcome
{
  int added = 0, changed = 0, unchanged = 0, removed = 0, quarantined = 0;
  std::vector<std::string> changed_uids;   // added, or changed in meaning
  std::vector<std::string> removed_uids;   // whose last resource in the whole store went away
  std::vector<std::string> duplicate_uids; // held by more than one resource of this collection now
};

// One occurrence of a meeting inside the horizon, with its own verdict (the week grid).
struct OccurrenceRow
{
  std::int64_t start = 0, end = 0;
  std::string verdict;
};

struct MeetingRow
{
  std::string uid;
  std::string source_id;
  std::string summary;
  std::int64_t start = 0, end = 0;
  std::string verdict;
  std::string json; // the meeting's JSON as `kenesd check` prints it
  std::int64_t first_seen = 0;
  std::int64_t checked_at = 0;
  // Written by put_meeting (replacing the stored ones); empty when read back as a MeetingRow.
  std::vector<OccurrenceRow> occurrences;
};

// An occurrence with what the week grid shows of its meeting.
struct OccurrenceView
{
  std::string uid;
  std::string summary;
  std::string meeting_verdict; // "" for a removed meeting
  OccurrenceRow occurrence;
  std::optional<std::int64_t> removed_at; // of a removed meeting (RemovedMeeting), when asked for
};

// A meeting whose last resource left its calendar (the organizer deleted it, or its calendar or
// source went), with the occurrences that had started when the sync applied that: what took place,
// for the appendix form (SPEC §9). Not a current meeting: nothing that lists those shows it.
struct RemovedMeeting
{
  std::string uid;
  std::string source_id;
  std::string summary;
  std::string href;
  std::string raw;  // the last good iCalendar text of its resource
  std::string json; // the meeting's JSON of its last check (the invitations of each version)
  std::int64_t removed_at = 0;
  std::vector<OccurrenceRow> occurrences; // by start, all before removed_at
};

// The last good text of a resource that went, with its href.
struct ResourceText
{
  std::string href, raw;
};

// A UID whose meeting must be checked again, and since when.
struct PendingCheck
{
  std::string uid;
  std::int64_t queued_at = 0;
  std::int64_t generation = 0; // counts the times it was queued again while queued
  bool adopt = false;          // queued by a collection's first apply: its meeting is adopted
};

// Whether queued UIDs are adopted (SPEC §5 "Rollout"): queued by a collection's first apply.
enum class Adoption { no, yes };

// A warning held in the outbox until the end of the check cycle (see release_held).
struct HeldWarning
{
  std::int64_t id = 0;
  std::string key, uid, recipient, text;
  bool digest = false; // adopted with notices.adopt "digest": goes into a digest whatever the count
};

// The start of a SyncRecord's outcome when the source synced but some of its collections did not:
// "collections failed: URL: reason; URL: reason".
inline constexpr std::string_view k_collections_failed_outcome = "collections failed: ";

struct SyncRecord
{
  std::string source_id;
  std::int64_t started = 0, finished = 0;
  int requests = 0, added = 0, changed = 0, removed = 0, errors = 0;
  std::string outcome; // "ok" or the error
};

class StateStore
{
public:
  static constexpr int k_schema_version = 11;
  static constexpr const char* k_file_name = "kenes.sqlite3";

  // Creates `dir` and the database when no file is there, checks the store's integrity
  // (quick_check; skipped when the last kenesd to use it closed it cleanly and the file has not
  // changed since: see checked_at_open) and migrates it forward. Throws StoreError, also for a schema newer than this
  // build knows, for a damaged store and for a file that is there but is not a kenes store (an
  // empty file, another application's, an SQLite file without the kenes schema).
  static std::unique_ptr<StateStore> open(const std::filesystem::path& dir);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  // Whether open() ran quick_check: false when the store was closed cleanly by the last kenesd
  // and nothing has written to the file since (its closed-clean mark still names it).
  bool checked_at_open() const { return m_checked_at_open; }
  int schema_version() const;

  // Sources. The record_* calls need an ensured source.
  void ensure_source(const std::string& id, const std::string& type);
  std::vector<SourceStatus> sources() const;
  std::optional<SourceStatus> source(const std::string& id) const;
  void record_attempt(const std::string& id, std::int64_t now);
  void record_success(const std::string& id, std::int64_t now);
  void record_failure(const std::string& id, std::int64_t now, const std::string& kind, const std::string& reason);
  // An administrator (`by`: a user name, "sync --once") lets the next sync of the source apply the
  // removals the guard holds back (max_removal_percent); false: no such source in the store. The
  // sync that applies them clears it.
  bool accept_removals(const std::string& id, const std::string& by);
  void clear_accepted_removals(const std::string& id);
  // Drops a source that left the config with its collections and resources; returns the UIDs that
  // no longer have a resource anywhere (their meetings keep what took place before `at`, as apply's).
  std::vector<std::string> remove_source(const std::string& id, std::int64_t at = 0);

  // Collections.
  std::vector<CollectionRow> collections(const std::string& source_id) const;
  std::int64_t ensure_collection(const std::string& source_id, const std::string& href,
                                 const std::string& display_name);
  // Returns the UIDs that no longer have a resource anywhere (their meetings keep what took place
  // before `at`, as apply's).
  std::vector<std::string> remove_collection(std::int64_t id, std::int64_t at = 0);

  // Resources, ordered by href (by collection, then href, for a UID).
  std::vector<ResourceRow> resources(std::int64_t collection_id, bool with_raw = false) const;
  // href -> ETag of a collection's resources, from an index alone (what a sync compares with).
  std::map<std::string, std::string> etags(std::int64_t collection_id) const;
  // How many of `hrefs` of the collection hold a UID that a good resource of another collection
  // holds too: going from this one, they are not a meeting removed (the removal guard).
  int held_elsewhere(std::int64_t collection_id, const std::set<std::string>& hrefs) const;
  std::vector<ResourceRow> resources_by_uid(const std::string& uid) const; // with raw
  std::int64_t resource_count() const;

  // One collection's changes and its new ctag/sync token, in one transaction. Removals are applied
  // first, so an href both removed and put ends up put. A UID whose last good resource goes has its
  // text kept (removed_meeting) until its check: finish_check without a meeting then keeps what of
  // the meeting took place before `update.at`.
  UpdateOutcome apply(const CollectionUpdate& update);

  // Meetings. first_seen is forgotten with the meeting: a UID deleted and re-created is new.
  std::optional<std::int64_t> first_seen(const std::string& uid) const;
  void put_meeting(const MeetingRow& meeting); // keeps the earliest first_seen
  void remove_meeting(const std::string& uid);
  // Meetings overlapping [from, to), by start then UID.
  std::vector<MeetingRow> meetings_between(std::int64_t from, std::int64_t to) const;
  std::optional<MeetingRow> meeting(const std::string& uid) const;
  std::map<std::string, int> meetings_by_verdict() const;
  std::int64_t meeting_count() const;
  std::map<std::string, int> findings_by_rule() const; // over the stored meetings' JSON
  // Occurrences overlapping [from, to), by start (an occurrence of no length: starting inside);
  // one that started more than 7 days before `from` is not looked for. With `with_removed`, also
  // those of removed meetings that took place (the week grid of past weeks), with removed_at.
  std::vector<OccurrenceView> occurrences_between(std::int64_t from, std::int64_t to, bool with_removed = false) const;
  // UIDs of the meetings with an occurrence overlapping [from, to), sorted.
  // Removed meetings included (the report's question).
  std::vector<std::string> meetings_occurring(std::int64_t from, std::int64_t to) const;
  // A meeting that left its calendar, with what of it took place; nullopt for a current one and
  // for one of which nothing took place.
  std::optional<RemovedMeeting> removed_meeting(const std::string& uid) const;

  // What a source learnt between runs (Source::memo).
  std::string source_memo(const std::string& id) const;
  void set_source_memo(const std::string& id, const std::string& memo);

  // Checks to do. `apply`, `remove_collection` and `remove_source` queue the UIDs they touched in
  // their own transaction; `finish_check` stores the result (or removes the meeting when it is
  // nullopt), who takes part, and takes the UID off the queue, in one transaction.
  void queue_checks(const std::vector<std::string>& uids, Adoption adoption = Adoption::no);
  // The clock of `queued_at` (a new UID's first sight); the system's unless a run fixes its own
  // (`sync --once --now`).
  void set_clock(std::function<std::int64_t()> clock) { m_clock = std::move(clock); }
  // By UID, leaving out `except` (those being checked now).
  std::vector<PendingCheck> pending_checks(std::size_t limit, const std::set<std::string>& except = {}) const;
  std::int64_t pending_check_count() const;
  // The UID leaves the queue unless it was queued again after `generation` was read (then its
  // newer version is still to be checked); without a generation it leaves it anyway.
  // A message in state 'sending' (the spool's direct path, see spool_delivery.hpp) enters the
  // outbox claimed, with its bytes; its row id is returned at its index (0 for every other message,
  // and for a key the outbox had already).
  std::vector<std::int64_t> finish_check(const std::string& uid, const std::optional<MeetingRow>& meeting,
                                         const std::vector<std::string>& people, const NoticeUpdate& notices = {},
                                         std::optional<std::int64_t> generation = std::nullopt);
  // Meetings in which any of these e-mails takes part (chair or representative).
  std::vector<std::string> meetings_with(const std::vector<std::string>& emails) const;
  std::vector<std::string> meeting_uids() const;

  // Notices (SPEC §5). The outbox is written by finish_check, with the verdict; a sender claims
  // up to `limit` due messages, oldest first ('pending' -> 'sending'), then marks each sent, to
  // retry, or failed.
  std::optional<NoticeRecord> notice_state(const std::string& uid) const;
  std::set<std::string> outbox_message_ids() const; // every Message-ID it has, in any state
  std::vector<OutboxRow> claim_due(std::int64_t now, std::size_t limit);
  // What is 'sending' now, with its bytes, by id: at start, what a crash left between the record
  // of a message and its delivery (reconcile_spool).
  std::vector<OutboxRow> claimed() const;
  void release_claims(); // at start: what a crash left 'sending' is 'pending' again
  // Claimed messages not handed to the transport (the sender stops): 'pending' again, the attempt
  // not counted.
  void unclaim(const std::vector<std::int64_t>& ids);
  void mark_sent(std::int64_t id, std::int64_t now);
  void mark_retry(std::int64_t id, std::int64_t next_attempt, const std::string& error);
  void mark_failed(std::int64_t id, const std::string& error);
  std::map<std::string, int> outbox_counts() const;              // by state
  std::vector<OutboxEntry> outbox(const std::string& uid) const; // "" for all
  std::optional<std::int64_t> next_retry() const;                // earliest next_attempt of a pending one
  // Warnings held until the end of a check cycle, by recipient then id.
  std::vector<HeldWarning> held_warnings() const;
  // Held warnings go out one by one ('pending'), or, with a digest, the digest is queued and they
  // are recorded as 'digested' (their keys stay: none is sent again). One transaction.
  void release_held(const std::vector<std::int64_t>& ids, const std::optional<OutboxMessage>& digest);

  // Sync history, newest first; the oldest records beyond k_history_per_source are dropped.
  static constexpr int k_history_per_source = 1000;
  void record_sync(const SyncRecord& record);
  std::vector<SyncRecord> sync_history(const std::string& source_id, int limit) const;

  // Copies the write-ahead log into the database and empties it, so the next start does not
  // pay for the last run's writes (`sync --once` and `run` call it before they exit).
  void checkpoint();

  // Runs `work` in one transaction: everything it writes through this store is committed together,
  // or nothing if it throws (the exception goes on). May nest; other threads wait meanwhile.
  void with_transaction(const std::function<void()>& work);
  // Runs `work`, which only reads, on one snapshot of the store (one read lock for all its
  // statements instead of one a statement); it takes no write lock. May nest.
  void with_snapshot(const std::function<void()>& work);

private:
  class Transaction;

  StateStore(std::filesystem::path path, sqlite3* db);
  enum class Found { new_file, existing_file };
  static void create_new(const std::filesystem::path& path);
  void configure(Found found);
  void check_integrity();
  void migrate();
  void exec(const char* sql);
  std::vector<std::string> still_missing(const std::vector<std::string>& uids) const;
  // In remove_source's and remove_collection's transaction, before `collections` are deleted:
  // their UIDs queued, those no other collection holds kept (keep_removed) and returned.
  std::vector<std::string> before_removal(std::vector<std::int64_t> collections, std::int64_t at);
  // Of `texts` (UID -> its last good resource), those of `gone` with a meeting wait for their check
  // in removed_meetings, removed at `at`.
  void keep_removed(const std::map<std::string, ResourceText>& texts, const std::vector<std::string>& gone,
                    std::int64_t at);
  std::int64_t store_now(std::int64_t at) const;
  void retire_meeting(const std::string& uid);

  std::filesystem::path m_path;
  sqlite3* m_db = nullptr;
  std::unique_ptr<StatementCache> m_statements;
  mutable std::recursive_mutex m_mutex;
  int m_depth = 0; // open transactions: 0, or 1 + savepoints
  std::function<std::int64_t()> m_clock;
  bool m_checked_at_open = true;
  bool m_mark_when_closed = false; // opened whole: its clean close leaves the closed-clean mark
};

} // namespace kenes::daemon
