#include "daemon/store/schema.hpp"

#include "daemon/store/state_store.hpp"

#include <iterator>

namespace kenes::daemon {

namespace {

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
    // 8: rollout (SPEC §5 "Rollout"). A collection's first apply adopts what it holds: the UIDs it
    // queues carry `adopt`, written in the same transaction as the data, so a crash between the
    // sync and the check cannot turn an adopted meeting into a new one. Collections stored before
    // this step were synced already (adopted_at 0). A source counts the meetings it adopted. A
    // warning waits in the outbox ('held', with its text) until the end of the check cycle, when it
    // is released alone or goes into a digest (`digest`: it was adopted with notices.adopt
    // "digest").
    {8, R"sql(
ALTER TABLE collections ADD COLUMN adopted_at INTEGER;
UPDATE collections SET adopted_at = 0;
ALTER TABLE pending_checks ADD COLUMN adopt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN adopted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox_messages ADD COLUMN text TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox_messages ADD COLUMN digest INTEGER NOT NULL DEFAULT 0;
)sql"},
    // 9: a sync that would remove more than max_removal_percent of a source's meetings is held
    // back until an administrator accepts it (issue 23, item 5): who accepted, until the sync that
    // applies the removals; '' when nobody.
    {9, R"sql(
ALTER TABLE sources ADD COLUMN accept_removals TEXT NOT NULL DEFAULT '';
)sql"},
    // 10: a meeting whose last resource left its calendar keeps what took place, for the appendix
    // form (SPEC §9): the apply that removes the resource writes its last good text here with the
    // sync's time (`kept` 0); the check that then finds no meeting moves the meeting's row here
    // (`kept` 1: summary, source and the JSON of its last check, whose invitations the report
    // counts) and its occurrences that started before removed_at stay in `occurrences`, the later
    // ones go. Nothing that lists the current meetings reads this table; a UID that comes back
    // is the meeting again (its row here goes). A meeting of which nothing took place is not kept.
    {10, R"sql(
CREATE TABLE removed_meetings (
  uid        TEXT PRIMARY KEY,
  source_id  TEXT NOT NULL DEFAULT '',
  summary    TEXT NOT NULL DEFAULT '',
  href       TEXT NOT NULL,
  raw        TEXT NOT NULL,
  json       TEXT NOT NULL DEFAULT '',
  removed_at INTEGER NOT NULL,
  kept       INTEGER NOT NULL DEFAULT 0
);
)sql"},
    // 11: who a meeting involves, one b-tree keyed by (uid, email) instead of a rowid table with
    // two indexes: a check rewrites only the addresses that changed, and a new meeting inserts
    // each address once, next to its other rows. The index by email went: inserted at ~100 places
    // at once, it rewrote ~100 pages a commit (10% of the first sync's CPU for 40,000 events);
    // meetings_with (an official's busy time changed, at most once a sync) reads the whole table
    // instead, about 10 ms for 40,000 meetings.
    {11, R"sql(
CREATE TABLE meeting_people_v11 (
  uid   TEXT NOT NULL,
  email TEXT NOT NULL,
  PRIMARY KEY (uid, email)
) WITHOUT ROWID;
INSERT INTO meeting_people_v11 (uid, email) SELECT uid, email FROM meeting_people;
DROP TABLE meeting_people;
ALTER TABLE meeting_people_v11 RENAME TO meeting_people;
)sql"},
};

static_assert(static_cast<int>(std::size(k_migrations)) == StateStore::k_schema_version,
              "one migration step per schema version");

} // namespace

std::span<const Migration> migrations()
{
  return k_migrations;
}

} // namespace kenes::daemon
