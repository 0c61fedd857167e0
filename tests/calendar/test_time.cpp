// RegimeZone's UTC offsets (kept per UTC hour) against glibc's reading of the same tz database.
#include "calendar/time.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

using namespace kenes::calendar;

namespace {

// TZ set for the scope of one check, then put back as it was.
class ScopedTz
{
public:
  explicit ScopedTz(const std::string& tzid)
  {
    if (const char* old = std::getenv("TZ")) {
      m_old = old;
    }
    ::setenv("TZ", tzid.c_str(), 1);
    ::tzset();
  }
  ~ScopedTz()
  {
    if (m_old) {
      ::setenv("TZ", m_old->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  ScopedTz(const ScopedTz&) = delete;
  ScopedTz& operator=(const ScopedTz&) = delete;

private:
  std::optional<std::string> m_old;
};

int glibc_offset(Instant t)
{
  const auto tt = static_cast<std::time_t>(t);
  std::tm tm{};
  ::localtime_r(&tt, &tm);
  return static_cast<int>(tm.tm_gmtoff);
}

constexpr Instant k_2020 = 1577836800; // 2020-01-01T00:00:00Z
constexpr Instant k_2028 = 1830297600; // 2028-01-01T00:00:00Z

} // namespace

TEST_CASE("utc_offset agrees with the tz database at every quarter hour and around every change", "[time]")
{
  // Almaty: +06:00 to +05:00 on 2024-03-01. St John's: -03:30/-02:30, changes at 05:30 UTC, not
  // on an hour. Lord Howe: a half-hour DST. Berlin: an ordinary DST. Kolkata: no change at all.
  const char* zones[] = {"Asia/Almaty", "America/St_Johns", "Australia/Lord_Howe", "Europe/Berlin", "Asia/Kolkata"};
  for (const char* tzid : zones) {
    SECTION(tzid)
    {
      const RegimeZone zone(tzid);
      const ScopedTz tz(tzid);
      int changes = 0;
      int before = glibc_offset(k_2020);
      for (Instant t = k_2020; t < k_2028; t += 900) {
        const int expected = glibc_offset(t);
        INFO(tzid << " at " << t);
        REQUIRE(zone.utc_offset(t) == expected);
        if (expected != before) {
          ++changes;
          // The change is somewhere in the last quarter hour: every second of it, asked in an
          // order that has the hour cached already.
          for (Instant s = t - 900; s <= t; ++s) {
            INFO(tzid << " at " << s);
            REQUIRE(zone.utc_offset(s) == glibc_offset(s));
          }
          before = expected;
        }
      }
      if (std::string(tzid) == "Asia/Kolkata") {
        CHECK(changes == 0);
      } else {
        CHECK(changes > 0);
      }
    }
  }
}

TEST_CASE("local and instant round-trip through a cached hour and across a change", "[time]")
{
  const RegimeZone almaty("Asia/Almaty");
  // 2024-02-29 23:59:59 +06:00 is the last second at +06:00; a second later it is 23:00 +05:00.
  const Instant last_at_six = 1709229599; // 2024-02-29T17:59:59Z
  CHECK(almaty.utc_offset(last_at_six) == 6 * 3600);
  CHECK(almaty.utc_offset(last_at_six + 1) == 5 * 3600);
  CHECK(almaty.iso(last_at_six) == "2024-02-29T23:59:59+06:00");
  CHECK(almaty.iso(last_at_six + 1) == "2024-02-29T23:00:00+05:00");
  const Instant meeting = 1764831600; // 2025-12-04T07:00:00Z
  const LocalTime l = almaty.local(meeting);
  CHECK(l.seconds == 12 * 3600);
  CHECK(almaty.instant(l.day, l.seconds) == meeting);
  CHECK(almaty.iso(meeting) == "2025-12-04T12:00:00+05:00");
}

TEST_CASE("two zones asked in turn on one thread keep their own offsets", "[time]")
{
  // The same UTC hours through Almaty and Berlin alternately: a cache that kept an hour without
  // its zone would answer one with the other's offset.
  const RegimeZone almaty("Asia/Almaty");
  const RegimeZone berlin("Europe/Berlin");
  constexpr Instant k_2024 = 1704067200; // 2024-01-01T00:00:00Z
  constexpr Instant k_2025 = 1735689600;
  std::vector<int> at_almaty;
  std::vector<int> at_berlin;
  {
    const ScopedTz tz("Asia/Almaty");
    for (Instant t = k_2024; t < k_2025; t += 900) {
      at_almaty.push_back(glibc_offset(t));
    }
  }
  {
    const ScopedTz tz("Europe/Berlin");
    for (Instant t = k_2024; t < k_2025; t += 900) {
      at_berlin.push_back(glibc_offset(t));
    }
  }
  std::size_t i = 0;
  for (Instant t = k_2024; t < k_2025; t += 900, ++i) {
    INFO("at " << t);
    REQUIRE(almaty.utc_offset(t) == at_almaty[i]);
    REQUIRE(berlin.utc_offset(t) == at_berlin[i]);
  }
}
