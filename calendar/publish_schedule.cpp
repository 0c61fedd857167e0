#include "calendar/publish_schedule.hpp"

#include <charconv>
#include <cstdio>

namespace kenes::calendar {

using namespace std::chrono;

Days first_working_day(year_month month, const Regime& regime)
{
  Days first{month / 1};
  for (int i = 0; i < 31; ++i) {
    Days d = first + days(i);
    if (year_month_day(d).month() != month.month()) {
      return d;
    }
    if (regime.is_working_day(d)) {
      return d;
    }
  }
  return first + days(31);
}

std::optional<year_month> due_report_month(Days today, const Regime& regime, std::optional<year_month> last_published)
{
  year_month_day ymd(today);
  year_month current = ymd.year() / ymd.month();
  year_month previous = current - months(1);
  if (today < first_working_day(current, regime)) {
    return std::nullopt;
  }
  if (last_published && *last_published >= previous) {
    return std::nullopt;
  }
  return previous;
}

std::string month_string(year_month month)
{
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(month.year()), static_cast<unsigned>(month.month()));
  return buf;
}

std::optional<year_month> parse_month(std::string_view s)
{
  if (s.size() != 7 || s[4] != '-') {
    return std::nullopt;
  }
  int y = 0;
  unsigned m = 0;
  if (std::from_chars(s.data(), s.data() + 4, y).ptr != s.data() + 4 ||
      std::from_chars(s.data() + 5, s.data() + 7, m).ptr != s.data() + 7 || m < 1 || m > 12) {
    return std::nullopt;
  }
  return year(y) / month(m);
}

} // namespace kenes::calendar
