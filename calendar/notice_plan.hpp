// Which notices a meeting version calls for (SPEC §5): a REQUEST to each chosen representative,
// a CANCEL to one who was replaced, a CANCEL to everyone invited when the meeting is cancelled
// or deleted, and one organizer warning for each distinct set of findings of a version. Pure:
// the state of what was sent comes in, the notices and the next state come out; each notice has
// an idempotency key that is the same whenever the same decision is taken again.
#pragma once

#include "checker.hpp"

#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kenes::calendar {

enum class NoticeKind { request, cancel, warning };
std::string_view to_string(NoticeKind k);

enum class NoticeEnforcement { hold, warn };

// What the daemon has sent for one UID.
struct NoticeState
{
  int sequence = -1;                           // of the last REQUEST/CANCEL; -1: none sent yet
  std::map<std::string, std::string> versions; // component_versions() as last sent
  std::map<std::string, bool> invited;         // recipient -> still invited (false: cancelled)
  std::string warned;                          // key of the last organizer warning
  std::vector<std::string> warned_findings;    // what it listed (sorted), see plan_notices
  // ItipEvent::both_versions().live and the keys of ItipEvent::cancelled() as last planned: what tells
  // a change that only cancels occurrences (empty in a state written before they were kept).
  std::map<std::string, std::string> live;
  std::set<std::string> cancelled;
  // Recipient -> the end of the last occurrence (in the horizon) of the versions they were last
  // invited to: one chosen now only for occurrences that are over, but invited before to one
  // still ahead (the master's representative replaced, chosen also for a past override), is told.
  // k_until_open: invited to the master of a series that went on beyond the horizon.
  std::map<std::string, Instant> until;
  // The RECURRENCE-ID (instant) of each override not over -> who its VEVENT listed as last
  // planned: its own representatives, or the master's when it had none chosen. Who is told when
  // it is cancelled (empty in a state written before it was kept: then everyone invited is).
  std::map<Instant, std::vector<std::string>> listed;
  // Who the master's VEVENT listed as last planned (its representatives, or everyone invited
  // ahead when it had none chosen), sorted: one it drops or adds while still invited is told
  // (nullopt in a state written before it was kept: nobody is).
  std::optional<std::vector<std::string>> master;
};

// NoticeState::until of one whose invitation has no end the horizon could see.
inline constexpr Instant k_until_open = std::numeric_limits<Instant>::max();

struct PlannedNotice
{
  NoticeKind kind = NoticeKind::request;
  std::string recipient; // e-mail
  std::string key;       // idempotency key
  int sequence = 0;
  std::vector<std::string> only; // RECURRENCE-IDs of the only VEVENTs to send; empty: all
  Instant occurrence = 0;        // a CANCEL of occurrences: the first of them
};

struct NoticePlan
{
  std::vector<PlannedNotice> notices;
  NoticeState next;
  bool held = false; // invitations wait for the organizer to fix an invalid slot
};

struct NoticeInput
{
  std::string uid;
  // The checked meeting; nullopt when it was deleted, cancelled or is no meeting any more.
  const CheckedMeeting* meeting = nullptr;
  // Then, the version last sent as checked now, when there is one: who was chosen only for
  // occurrences that are over is told nothing (SPEC §5 "What is over gets nothing").
  const CheckedMeeting* last_sent = nullptr;
  std::map<std::string, std::string> versions;      // component_versions() of the event now
  std::map<std::string, std::string> live_versions; // ItipEvent::both_versions().live
  std::map<std::string, Instant> cancelled;         // ItipEvent::cancelled()
  std::map<std::string, Instant> overrides;         // ItipEvent::overrides()
  int event_sequence = 0;                           // the organizer's SEQUENCE
  std::string organizer;                            // e-mail of the ORGANIZER (warnings go there)
  NoticeEnforcement enforcement = NoticeEnforcement::hold;
  Instant now = 0;
  Instant last_end = 0; // end of the meeting's last occurrence: nothing is sent once it is over
  // The master's recurrence goes on after the horizon the meeting was read in
  // (EventSeries::beyond_horizon): its representatives are invited with no end in sight.
  bool beyond_horizon = false;
};

NoticePlan plan_notices(const NoticeState& before, const NoticeInput& input);

} // namespace kenes::calendar
