// Reads iCalendar text into event series: one series per UID, recurrences expanded over the
// horizon in the zone of each event, times as instants.
#pragma once

#include "meeting.hpp"
#include "time.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kenes::calendar {

// Whether X-KENES-REPAIRED (what split_by_uid's parse repaired, ical_ptr.hpp) is reported: only
// for a text kenes split itself (a dir or ical source's stored part). In a text from anyone else
// (a CalDAV server, POST /api/v1/check) it is an outside claim, ignored: it could fake or hide a
// problem line.
enum class RepairNotes { ignore, report };

struct ReadOptions
{
  const RegimeZone* zone = nullptr; // floating times and unknown TZIDs are read here
  Instant horizon_start = 0;        // recurrences are expanded inside [horizon_start, horizon_end)
  Instant horizon_end = 0;
  std::size_t max_occurrences = 5000; // per series, inside the horizon
  // Against runaway rules (RRULE:FREQ=DAILY;BYHOUR=…;BYMINUTE=…;BYSECOND=… from 1970, a rule no
  // date matches): the steps of a series' rules together, and the time (a steady clock, not
  // "now") all expansions of one read may take together, the parse and the rest of the read not
  // counted. What is beyond is reported for its event.
  std::size_t max_steps = 100000;
  std::chrono::milliseconds expand_budget{10000};
  const std::atomic<bool>* stop = nullptr; // set by another thread: expanding stops at once
  bool keep_tree = false;                  // ReadResult::tree, for an ItipEvent of the same text
  RepairNotes repair_notes = RepairNotes::ignore;

  // The horizon of SPEC §3 around `now`: `past_days` before it to `days` after it (the regime's
  // horizon_past_days and horizon_days). The one builder of what a check reads.
  static ReadOptions around(const RegimeZone& zone, Instant now, int past_days, int days)
  {
    ReadOptions o;
    o.zone = &zone;
    o.horizon_start = now - static_cast<Instant>(past_days) * 86400;
    o.horizon_end = now + static_cast<Instant>(days) * 86400;
    return o;
  }
};

struct IcalTree; // ical_tree.hpp

// A problem with the input. `fatal` means the item named was skipped.
struct ReadProblem
{
  std::string origin;
  std::string uid; // empty when unknown or for the whole file
  std::string message;
  bool fatal = true;
};

struct ReadResult
{
  std::vector<EventSeries> series;
  std::vector<ReadProblem> problems;
  bool unreadable = false;              // no calendar could be read from the input at all
  std::shared_ptr<const IcalTree> tree; // with keep_tree: what was parsed, so as not to parse it again
};

// `origin` names the input in messages (a file name, a source href). `parsed`: the whole of
// `text` as libical parsed it already (resource_meaning's `keep`), read instead of parsing the
// text again; it is taken over (with keep_tree it becomes ReadResult::tree).
ReadResult read_icalendar(std::string_view text, const std::string& origin, const ReadOptions& options,
                          std::shared_ptr<IcalTree> parsed = nullptr);

} // namespace kenes::calendar
