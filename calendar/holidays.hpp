// Public holidays from an iCalendar holiday feed (SPEC §4 `day.non_working`, a source with
// `role: "holidays"`): every all-day VEVENT that is not cancelled makes its dates holidays.
#pragma once

#include "time.hpp"

#include <string_view>
#include <vector>

namespace kenes::calendar {

// The dates from DTSTART up to DTEND (exclusive; one day without DTEND), at most 31 per event.
// Timed events and recurrence rules are ignored: holiday feeds list each year's dates.
std::vector<Days> holiday_dates(std::string_view ics);

} // namespace kenes::calendar
