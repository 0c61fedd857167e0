#include "ical_zones.hpp"

namespace kenes::calendar {

namespace {

std::mutex& zones_mutex()
{
  static std::mutex m;
  return m;
}

// Loaded now, under the lock; a zone whose data cannot be read is not handed out (libical would
// try again later, outside it).
icaltimezone* loaded(icaltimezone* zone)
{
  return zone && icaltimezone_get_component(zone) ? zone : nullptr;
}

} // namespace

std::unique_lock<std::mutex> zones_lock()
{
  return std::unique_lock<std::mutex>(zones_mutex());
}

icaltimezone* builtin_zone(const char* location)
{
  std::lock_guard lock(zones_mutex());
  return loaded(icaltimezone_get_builtin_timezone(location));
}

icaltimezone* builtin_zone_from_tzid(const char* tzid)
{
  std::lock_guard lock(zones_mutex());
  return loaded(icaltimezone_get_builtin_timezone_from_tzid(tzid));
}

} // namespace kenes::calendar
