// The system tz database's zones as libical holds them, safe to look up from several threads.
// libical loads a zone's VTIMEZONE on its first use and then replaces the zone's location string,
// which another thread's lookup may be reading (found by ThreadSanitizer with two check lanes).
// Every lookup here is serialized, and a zone is loaded before it is handed out, so libical never
// loads one lazily later.
#pragma once

#include <libical/ical.h>

#include <mutex>

namespace kenes::calendar {

icaltimezone* builtin_zone(const char* location);       // icaltimezone_get_builtin_timezone
icaltimezone* builtin_zone_from_tzid(const char* tzid); // icaltimezone_get_builtin_timezone_from_tzid

// Held around a libical call that may look a zone up (or load one) by itself: the times of a
// component without a VCALENDAR. No builtin_zone call inside it.
std::unique_lock<std::mutex> zones_lock();

} // namespace kenes::calendar
