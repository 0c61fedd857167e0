// Times for test events that stay in the checks' horizon whenever the tests run.
#pragma once

#include <cstdio>
#include <ctime>
#include <string>

namespace kenes::test {

// A Friday `weeks` ahead of today, at `hour_utc`:00Z, as iCalendar writes it (05 is 10:00 in
// Almaty: a valid slot; 14 is 19:00, outside the working hours).
inline std::string friday_utc(int hour_utc, int weeks = 3)
{
  std::time_t t = std::time(nullptr) + static_cast<std::time_t>(weeks) * 7 * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  t += ((5 - tm.tm_wday + 7) % 7) * 86400;
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d0000Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, hour_utc);
  return buf;
}

// `utc` as iCalendar writes it ("20261204T050000Z") moved by `weeks` weeks and `hours` hours.
inline std::string shifted_utc(const std::string& utc, int weeks, int hours = 0)
{
  std::tm tm{};
  std::sscanf(utc.c_str(), "%4d%2d%2dT%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
              &tm.tm_sec);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t t = timegm(&tm) + static_cast<std::time_t>(weeks) * 7 * 86400 + static_cast<std::time_t>(hours) * 3600;
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buf;
}

} // namespace kenes::test
