// When a month's appendix is due for publishing (SPEC §9): on the first working day of the next
// month, or any later day until it has been published.
#pragma once

#include "calendar/regime.hpp"
#include "calendar/time.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kenes::calendar {

// The first day of `month` that is a working day of `regime` (weekends, holidays and transferred
// working days as Regime::is_working_day has them). Looks at most a month ahead; a month with no
// working day at all gives the first day of the next month.
Days first_working_day(std::chrono::year_month month, const Regime& regime);

// The previous month of `today` when `today` is on or after the first working day of its month
// and that month is not `last_published` (or later); nullopt otherwise. Older unpublished months
// are not caught up: the document library wants the month that just ended.
std::optional<std::chrono::year_month> due_report_month(Days today, const Regime& regime,
                                                        std::optional<std::chrono::year_month> last_published);

std::string month_string(std::chrono::year_month month); // "2026-11"
std::optional<std::chrono::year_month> parse_month(std::string_view s);

} // namespace kenes::calendar
