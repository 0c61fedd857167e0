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

} // namespace kenes::test
