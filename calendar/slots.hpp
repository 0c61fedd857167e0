// Valid alternative slots for a meeting with a slot-related finding (SPEC §4).
#pragma once

#include "busy.hpp"
#include "meeting.hpp"
#include "regime.hpp"
#include "representation.hpp"
#include "time.hpp"

#include <vector>

namespace kenes::calendar {

struct Slot
{
  Instant start = 0;
  Instant end = 0;
};

// The first `regime.suggest_count` slots of the same duration with no day.*/hours.* error and
// no conflict.busy for the chair and the representatives, on the `slot_step_minutes` grid, from
// the later of `now` and the start of the original date up to the end of the
// `suggest_days`-th working day after it, inside `working_hours`.
std::vector<Slot> suggest_slots(const MeetingFacts& meeting, const std::vector<Invitation>& invitations,
                                Instant original_start, Instant duration, Instant now, const Regime& regime,
                                const RegimeZone& zone, const BusyCalendar& busy);

} // namespace kenes::calendar
