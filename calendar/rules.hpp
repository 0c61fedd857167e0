// The slot rules of order 140-r: working days, designated days and hours windows.
#pragma once

#include "finding.hpp"
#include "meeting.hpp"
#include "regime.hpp"
#include "time.hpp"

#include <vector>

namespace kenes::calendar {

// Checks day.* and hours.* for the meeting held at [start, end). Findings are appended to
// `out` when it is given; the result says whether the slot is invalid (an error among them).
// With `out == nullptr` it stops at the first error (the fast path of the slot search).
bool check_slot(const MeetingFacts& meeting, Instant start, Instant end, const Regime& regime, const RegimeZone& zone,
                std::vector<Finding>* out);

// The weekdays on which the meeting must be held, or empty when any day will do.
const std::vector<std::chrono::weekday>* designated_days(const MeetingFacts& meeting, const Regime& regime);

// The hours window of the meeting's venue, if one applies.
const RegimeWindow* hours_window(const MeetingFacts& meeting, const Regime& regime, RuleId& rule);

} // namespace kenes::calendar
