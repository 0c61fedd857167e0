// Instants, local wall-clock times and the regime time zone.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct _icaltimezone;

namespace kenes::calendar {

// Seconds since the Unix epoch, UTC.
using Instant = std::int64_t;
using Days = std::chrono::sys_days;

struct LocalTime
{
  Days day;
  int seconds; // seconds since local midnight, 0..86399

  int minutes() const { return seconds / 60; }
  std::chrono::weekday weekday() const { return std::chrono::weekday(day); }
};

// A time zone from the system tz database (via libical, which reads /usr/share/zoneinfo).
// Wall-clock rules of the regime are evaluated here; nothing is compiled into the program.
class RegimeZone
{
public:
  // Throws std::invalid_argument when the tz database has no such zone.
  explicit RegimeZone(const std::string& tzid);

  const std::string& tzid() const { return m_tzid; }
  _icaltimezone* ical() const { return m_zone; }

  int utc_offset(Instant t) const;
  LocalTime local(Instant t) const;
  // The instant of a local wall-clock time (a time in a DST gap moves forward).
  Instant instant(Days day, int seconds) const;
  // "2026-12-04T10:00:00+05:00"
  std::string iso(Instant t) const;
  // "2026-12-04 10:00": what a page or a notice shows a reader.
  std::string text(Instant t) const;

private:
  std::string m_tzid;
  _icaltimezone* m_zone;
};

Days days_from_instant(Instant t);
Instant instant_from_days(Days d);
std::string iso_date(Days d);          // 2026-12-04
std::string hh_mm(int seconds_of_day); // 09:30
std::optional<Days> parse_iso_date(std::string_view s);
// "09:00" or "9:00" -> seconds since midnight; "24:00" is allowed.
std::optional<int> parse_hh_mm(std::string_view s);
// ISO 8601 date-time: "2026-12-04T10:00:00+05:00", "…Z", or without an offset (read in `zone`);
// a bare date means its local midnight.
std::optional<Instant> parse_iso_instant(std::string_view s, const RegimeZone& zone);
std::optional<std::chrono::weekday> parse_weekday(std::string_view s);
std::string_view weekday_name(std::chrono::weekday w);

} // namespace kenes::calendar
