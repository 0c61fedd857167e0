// What the store keeps of notices (SPEC §5 "Outbox"): the messages a check queues, the notice
// state of a meeting, and the outbox rows the sender claims and the admin page lists. Plain
// records with no dependency of ours, so that the store can hold them without knowing how a
// notice is planned, composed or sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kenes::daemon {

// A notice to send, as finish_check writes it into the outbox.
struct OutboxMessage
{
  std::string key;        // idempotency key: a second message with it is never queued
  std::string message_id; // stable, without angle brackets
  std::string kind;       // "request", "cancel", "warning"
  std::string recipient;  // e-mail
  std::string sender;     // envelope sender
  std::string message;    // the complete message
  // How it enters the outbox: "pending" (for the sender), "held" (a warning waiting for the end
  // of the check cycle, which may put it into a digest), "suppressed" (a recipient outside
  // notices.only_to: recorded, never sent) or "sending" (the spool's direct path: claimed at
  // once by the check that composed it, written to the spool after the commit, see
  // spool_delivery.hpp).
  std::string state = "pending";
  std::string text;    // held: the part of its text a digest repeats
  bool digest = false; // held: adopted with notices.adopt "digest"
};

// What a check decided about notices: the new state of what was sent (nullopt: unchanged), the
// event text the next CANCEL is built from (empty: keep), and the messages.
struct NoticeUpdate
{
  std::optional<std::string> state;
  std::string raw;
  std::vector<OutboxMessage> messages;
  bool adopted = false; // the version was adopted: recorded as notified, counted for its source
};

struct NoticeRecord
{
  std::string state, raw;
};

// A message claimed for sending.
struct OutboxRow
{
  std::int64_t id = 0;
  std::string key, message_id, uid, kind, recipient, sender, message;
  int attempts = 0;
};

// A message as the admin page lists it (without its bytes).
struct OutboxEntry
{
  std::int64_t id = 0;
  std::string kind, recipient, message_id, state;
  int attempts = 0;
  std::string last_error;
  std::int64_t created = 0;
  std::optional<std::int64_t> sent_at;
};

} // namespace kenes::daemon
