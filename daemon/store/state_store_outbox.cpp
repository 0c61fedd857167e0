// The store's checks to do, notice state and outbox (SPEC §5), and the sources' memos.
#include "daemon/store/state_store.hpp"

#include "daemon/store/statement.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

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

void StateStore::queue_checks(const std::vector<std::string>& uids, Adoption adoption)
{
  std::lock_guard lock(m_mutex);
  // Adopted once queued so: a later change before the check does not make the meeting new.
  Statement s(*m_statements, m_path,
              "INSERT INTO pending_checks (uid, queued_at, adopt) VALUES (?, coalesce(nullif(?, 0), unixepoch()), ?) "
              "ON CONFLICT (uid) DO UPDATE SET generation = generation + 1, adopt = max(adopt, excluded.adopt)");
  const std::int64_t now = m_clock ? m_clock() : 0; // 0: the store's own clock
  const std::int64_t adopt = adoption == Adoption::yes ? 1 : 0;
  for (const auto& uid : uids)
    if (!uid.empty())
      s.bind(uid, now, adopt).run();
}

std::vector<PendingCheck> StateStore::pending_checks(std::size_t limit, const std::set<std::string>& except) const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "SELECT uid, queued_at, generation, adopt FROM pending_checks ORDER BY uid LIMIT ?");
  s.bind(static_cast<std::int64_t>(limit + except.size()));
  std::vector<PendingCheck> out;
  while (out.size() < limit && s.step()) {
    PendingCheck p{s.text(0), s.integer(1), s.integer(2), s.integer(3) != 0};
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

std::vector<std::int64_t> StateStore::finish_check(const std::string& uid, const std::optional<MeetingRow>& meeting,
                                                   const std::vector<std::string>& people, const NoticeUpdate& notices,
                                                   std::optional<std::int64_t> generation)
{
  Transaction tx(*this);
  std::vector<std::int64_t> queued(notices.messages.size(), 0);
  if (notices.state) {
    Statement(*m_statements, m_path,
              "INSERT INTO notice_state (uid, state, raw) VALUES (?, ?, ?) ON CONFLICT (uid) DO UPDATE SET "
              "state = excluded.state, raw = CASE WHEN excluded.raw = '' THEN raw ELSE excluded.raw END")
        .bind(uid, *notices.state, notices.raw)
        .run();
  }
  Statement queue(*m_statements, m_path,
                  "INSERT INTO outbox (key, message_id, uid, kind, recipient, sender, created, state, attempts) "
                  "VALUES (?, ?, ?, ?, ?, ?, unixepoch(), ?, ?) ON CONFLICT (key) DO NOTHING RETURNING id");
  Statement body(*m_statements, m_path, "INSERT INTO outbox_messages (id, message, text, digest) VALUES (?, ?, ?, ?)");
  for (std::size_t i = 0; i < notices.messages.size(); ++i) {
    const OutboxMessage& n = notices.messages[i];
    // A key queued before returns no row: that notice keeps the bytes and the state it had.
    // Claimed at once ('sending'): this is its first attempt, as a sender's claim would count it.
    const std::int64_t attempts = n.state == "sending" ? 1 : 0;
    if (!queue.bind(n.key, n.message_id, uid, n.kind, n.recipient, n.sender, n.state, attempts).step())
      continue;
    std::int64_t id = queue.integer(0);
    queue.run();                 // done, or the commit finds it still running
    if (n.state != "suppressed") // never sent: its bytes are not kept
      body.bind(id, n.message, n.text, static_cast<std::int64_t>(n.digest ? 1 : 0)).run();
    if (n.state == "sending")
      queued[i] = id;
  }
  if (notices.adopted && meeting)
    Statement(*m_statements, m_path, "UPDATE sources SET adopted = adopted + 1 WHERE id = ?")
        .bind(meeting->source_id)
        .run();
  // Who the meeting involves: only the addresses that changed are written (none, mostly, when a
  // meeting is checked again).
  std::set<std::string> before;
  {
    Statement old(*m_statements, m_path, "SELECT email FROM meeting_people WHERE uid = ?");
    old.bind(uid);
    while (old.step())
      before.insert(old.text(0));
  }
  const std::set<std::string> now =
      meeting ? std::set<std::string>(people.begin(), people.end()) : std::set<std::string>{};
  if (now != before) {
    Statement drop(*m_statements, m_path, "DELETE FROM meeting_people WHERE uid = ? AND email = ?");
    for (const std::string& email : before)
      if (!now.contains(email))
        drop.bind(uid, email).run();
    Statement add(*m_statements, m_path,
                  "INSERT INTO meeting_people (uid, email) VALUES (?, ?) ON CONFLICT DO NOTHING");
    for (const std::string& email : now)
      if (!before.contains(email))
        add.bind(uid, email).run();
  }
  if (meeting) {
    // A UID that comes back is the meeting again: what was kept of it goes (its resource holds
    // its past again).
    Statement(*m_statements, m_path, "DELETE FROM removed_meetings WHERE uid = ?").bind(uid).run();
    put_meeting(*meeting);
  } else {
    retire_meeting(uid);
  }
  if (generation) {
    Statement(*m_statements, m_path, "DELETE FROM pending_checks WHERE uid = ? AND generation = ?")
        .bind(uid, *generation)
        .run();
  } else {
    Statement(*m_statements, m_path, "DELETE FROM pending_checks WHERE uid = ?").bind(uid).run();
  }
  tx.commit();
  return queued;
}

std::vector<std::string> StateStore::meetings_with(const std::vector<std::string>& emails) const
{
  std::lock_guard lock(m_mutex);
  if (emails.empty())
    return {};
  // One pass over the table (it has no index by email: schema step 11).
  Statement s(*m_statements, m_path,
              "SELECT DISTINCT uid FROM meeting_people WHERE email IN (SELECT value FROM json_each(?)) ORDER BY uid");
  s.bind(nlohmann::json(emails).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  std::vector<std::string> uids;
  while (s.step())
    uids.push_back(s.text(0));
  return uids;
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

std::set<std::string> StateStore::outbox_message_ids() const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path, "SELECT message_id FROM outbox");
  std::set<std::string> out;
  while (s.step())
    out.insert(s.text(0));
  return out;
}

std::vector<OutboxRow> StateStore::claimed() const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "SELECT o.id, o.key, o.message_id, o.uid, o.kind, o.recipient, o.sender, o.attempts, "
              "coalesce(m.message, '') FROM outbox o LEFT JOIN outbox_messages m ON m.id = o.id "
              "WHERE o.state = 'sending' ORDER BY o.id");
  std::vector<OutboxRow> rows;
  while (s.step())
    rows.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(8),
                    static_cast<int>(s.integer(7))});
  return rows;
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

void StateStore::unclaim(const std::vector<std::int64_t>& ids)
{
  Transaction tx(*this);
  Statement s(
      *m_statements, m_path,
      "UPDATE outbox SET state = 'pending', attempts = max(0, attempts - 1) WHERE id = ? AND state = 'sending'");
  for (std::int64_t id : ids)
    s.bind(id).run();
  tx.commit();
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

std::vector<HeldWarning> StateStore::held_warnings() const
{
  std::lock_guard lock(m_mutex);
  Statement s(*m_statements, m_path,
              "SELECT o.id, o.key, o.uid, o.recipient, coalesce(m.text, ''), coalesce(m.digest, 0) FROM outbox o "
              "LEFT JOIN outbox_messages m ON m.id = o.id WHERE o.state = 'held' ORDER BY o.recipient, o.id");
  std::vector<HeldWarning> out;
  while (s.step())
    out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5) != 0});
  return out;
}

void StateStore::release_held(const std::vector<std::int64_t>& ids, const std::optional<OutboxMessage>& digest)
{
  Transaction tx(*this);
  if (digest) {
    Statement queue(*m_statements, m_path,
                    "INSERT INTO outbox (key, message_id, uid, kind, recipient, sender, created, state) "
                    "VALUES (?, ?, '', ?, ?, ?, unixepoch(), ?) ON CONFLICT (key) DO NOTHING RETURNING id");
    if (queue.bind(digest->key, digest->message_id, digest->kind, digest->recipient, digest->sender, digest->state)
            .step()) {
      std::int64_t id = queue.integer(0);
      queue.run();
      if (digest->state != "suppressed")
        Statement(*m_statements, m_path, "INSERT INTO outbox_messages (id, message) VALUES (?, ?)")
            .bind(id, digest->message)
            .run();
    }
  }
  Statement pending(*m_statements, m_path, "UPDATE outbox SET state = 'pending' WHERE id = ? AND state = 'held'");
  Statement digested(*m_statements, m_path,
                     "UPDATE outbox SET state = 'digested', sent_at = unixepoch() WHERE id = ? AND state = 'held'");
  Statement drop(*m_statements, m_path, "DELETE FROM outbox_messages WHERE id = ?");
  for (std::int64_t id : ids) {
    if (digest) {
      digested.bind(id).run();
      drop.bind(id).run();
    } else {
      pending.bind(id).run();
    }
  }
  tx.commit();
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
