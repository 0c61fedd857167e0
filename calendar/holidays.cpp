#include "holidays.hpp"

#include "ical_ptr.hpp"

#include <libical/ical.h>

#include <memory>
#include <string>

namespace kenes::calendar {

namespace {

Days day_of(const icaltimetype& t)
{
  return std::chrono::sys_days(std::chrono::year(t.year) / std::chrono::month(static_cast<unsigned>(t.month)) /
                               std::chrono::day(static_cast<unsigned>(t.day)));
}

} // namespace

std::vector<Days> holiday_dates(std::string_view ics)
{
  std::vector<Days> out;
  IcalPtr root = ical_parse(ics);
  if (!root) {
    return out;
  }
  auto take = [&](icalcomponent* ev) {
    if (icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED) {
      return;
    }
    icaltimetype start = icalcomponent_get_dtstart(ev);
    if (icaltime_is_null_time(start) || !start.is_date || !icaltime_is_valid_time(start)) {
      return;
    }
    icaltimetype end = icalcomponent_get_dtend(ev);
    Days first = day_of(start);
    Days last = first + std::chrono::days(1);
    if (!icaltime_is_null_time(end) && end.is_date && icaltime_is_valid_time(end)) {
      last = std::max(last, std::min(day_of(end), first + std::chrono::days(31)));
    }
    for (Days d = first; d < last; d += std::chrono::days(1)) {
      out.push_back(d);
    }
  };
  if (icalcomponent_isa(root.get()) == ICAL_VEVENT_COMPONENT) {
    take(root.get());
  }
  for (icalcomponent* c = icalcomponent_get_first_component(root.get(), ICAL_VEVENT_COMPONENT); c;
       c = icalcomponent_get_next_component(root.get(), ICAL_VEVENT_COMPONENT)) {
    take(c);
  }
  return out;
}

} // namespace kenes::calendar
