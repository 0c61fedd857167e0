// Checks an event series against the regime: every occurrence, the representatives, the
// suggested slots and the verdict.
#pragma once

#include "busy.hpp"
#include "directory.hpp"
#include "finding.hpp"
#include "meeting.hpp"
#include "regime.hpp"
#include "representation.hpp"
#include "slots.hpp"
#include "time.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace kenes::calendar {

enum class Verdict { ok, warning, invalid };
std::string_view to_string(Verdict v);

// Suggested slots remembered between the series of one run, for a busy calendar without
// intervals: the search depends only on the slot rules that apply, the date and duration of the
// occurrence, `now` and which busy blocks apply to the people (see checker.cpp).
struct SlotCache
{
  using Key = std::tuple<const void*, const void*, int, std::int64_t, Instant, Instant, std::uint64_t>;
  std::map<Key, std::vector<Slot>> slots;
};

struct CheckContext
{
  const Directory& directory;
  const Regime& regime;
  const RegimeZone& zone;
  const BusyCalendar& busy;
  Instant now = 0;
  // When the daemon first saw the event; CREATED counts when earlier. Unset in `check`, where
  // first seen is CREATED if present, else `now`.
  std::optional<Instant> first_seen;
  // Optional; makes runs over many similar meetings faster. Not shared between threads.
  SlotCache* slot_cache = nullptr;
};

// One occurrence as the week grid shows it: its own slot findings and the series' attendance and
// format findings make its verdict.
struct CheckedOccurrence
{
  Instant start = 0;
  Instant end = 0;
  Verdict verdict = Verdict::ok;
  std::size_t version = 0; // index into CheckedMeeting::versions (and EventSeries::versions)
  bool past = false;       // ended at the check's `now`
};

// One version (the master or a RECURRENCE-ID override, SPEC §3 "Versions"): its own kind, format
// and chair, and its representatives, chosen for its first occurrence that has not ended (else its
// first).
struct CheckedVersion
{
  std::optional<Instant> recurrence_id; // none for the master
  Kind kind = Kind::internal;
  Format format = Format::in_person;
  std::string chair; // as written (the CHAIR attendee's URI, else the ORGANIZER's)
  std::vector<Invitation> invitations;
  std::vector<Dropped> dropped;
  bool has_occurrences = false; // false: cancelled or outside the horizon, nothing chosen
  bool has_future = false;      // an occurrence of it had not ended at `now`
};

struct CheckedMeeting
{
  std::string uid;
  std::string origin;
  std::optional<Instant> recurrence_id;
  std::string summary;
  Instant start = 0;
  Instant end = 0;
  Kind kind = Kind::internal;
  Format format = Format::in_person;
  Venue venue = Venue::unknown;
  std::string chair;
  Verdict verdict = Verdict::ok;
  std::vector<Finding> findings;
  // The master version's (versions[0]); an override's are in `versions`.
  std::vector<Invitation> invitations;
  std::vector<Dropped> dropped;
  std::vector<Slot> suggested_slots;
  std::size_t occurrences = 0;
  std::vector<CheckedOccurrence> occurrence_list; // in start order
  std::vector<CheckedVersion> versions;           // as EventSeries::versions: [0] the master
  bool all_past = false;                          // it has occurrences and every one has ended
};

// Whether a finding decides the verdict, `hold`, the warning and the exit code (SPEC §3 "Past
// and future"): one that is not past; when every occurrence is past, those of the last one.
bool decides(const CheckedMeeting& m, const Finding& f);

// SPEC §4: a slot is invalid when a day.* or hours.* finding that decides is an error.
bool has_invalid_slot(const CheckedMeeting& m);

// Everyone chosen in a version that has an occurrence not ended at the check's `now` (the
// recipients of REQUESTs), each official once, master first.
std::vector<Invitation> future_invitations(const CheckedMeeting& m);

// Returns nothing for a series with nothing to check (cancelled).
std::optional<CheckedMeeting> check_series(const EventSeries& series, const CheckContext& ctx);

} // namespace kenes::calendar
