// RegimeZone's UTC offsets (kept per UTC hour) against glibc's reading of the same tz database.
#include "calendar/time.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
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

TEST_CASE("iso, iso_date and hh_mm write what snprintf wrote, also for negative offsets and odd values", "[time]")
{
  // Issue 22 item 5: the three format without snprintf; the text must stay byte for byte the
  // same (stored meeting JSON, finding messages, notices).
  auto reference_iso = [](const RegimeZone& z, Instant t) {
    const int off = z.utc_offset(t);
    const LocalTime l = z.local(t);
    const std::chrono::year_month_day ymd(l.day);
    const int a = off < 0 ? -off : off;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), l.seconds / 3600,
                  l.seconds / 60 % 60, l.seconds % 60, off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    return std::string(buf);
  };
  const RegimeZone almaty("Asia/Almaty");
  const RegimeZone st_johns("America/St_Johns"); // -03:30 / -02:30
  for (Instant t = k_2020; t < k_2028; t += 86400 * 7 + 3607) {
    CHECK(almaty.iso(t) == reference_iso(almaty, t));
    CHECK(st_johns.iso(t) == reference_iso(st_johns, t));
  }
  CHECK(st_johns.iso(k_2020) == "2019-12-31T20:30:00-03:30");
  CHECK(almaty.iso(-62135596800 + 86400) == reference_iso(almaty, -62135596800 + 86400));             // year 1
  CHECK(almaty.iso(253402300799 + 86400 * 400) == reference_iso(almaty, 253402300799 + 86400 * 400)); // year 10000
  CHECK(iso_date(Days(std::chrono::days(20791))) == "2026-12-04");
  CHECK(iso_date(Days(std::chrono::days(-719162))) == "0001-01-01");
  CHECK(iso_date(Days(std::chrono::days(2932897))) == "10000-01-01");
  CHECK(hh_mm(0) == "00:00");
  CHECK(hh_mm(9 * 3600 + 30 * 60) == "09:30");
  CHECK(hh_mm(86400) == "24:00");
  CHECK(hh_mm(100 * 3600 + 5 * 60) == "100:05");
  CHECK(hh_mm(-60) == "00:-1");
}
