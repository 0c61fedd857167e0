#include "time.hpp"
#include "ical_zones.hpp"

#include <libical/ical.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <stdexcept>

namespace kenes::calendar {

namespace {

constexpr std::array<std::string_view, 7> k_weekday_names{"sunday",   "monday", "tuesday", "wednesday",
                                                          "thursday", "friday", "saturday"};

int parse_int(std::string_view s, bool& ok)
{
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  ok = ok && ec == std::errc() && p == s.data() + s.size() && !s.empty();
  return v;
}

} // namespace

RegimeZone::RegimeZone(const std::string& tzid)
  : m_tzid(tzid)
  , m_zone(builtin_zone(tzid.c_str()))
{
  if (!m_zone) {
    throw std::invalid_argument("unknown time zone '" + tzid + "' (not in the system tz database)");
  }
}

namespace {

int offset_from_libical(icaltimezone* zone, Instant t)
{
  icaltimetype u = icaltime_from_timet_with_zone(static_cast<time_t>(t), 0, icaltimezone_get_utc_timezone());
  int is_daylight = 0;
  return icaltimezone_get_utc_offset_of_utc_time(zone, &u, &is_daylight);
}

// The offsets of the UTC hours asked for lately, per thread. Each libical answer costs a gmtime
// and libical's own lock (gmtime takes glibc's tz lock too), and one check asks for a few hundred
// (every slot it tries is turned into local time and back): 11 million of them for 40,000
// meetings. An hour is kept only when its first and last second have the same offset, so the
// cache is exact as long as no zone changes its offset twice within one hour (no zone in the tz
// database does; an hour with a change in it is asked of libical each time). A slot is an hour
// of any zone (a process has one regime zone; another one only evicts it), named by the zone's
// address: builtin zones live as long as the process.
struct HourOffset
{
  const icaltimezone* zone = nullptr;
  Instant hour = 0;
  int offset = 0;
};

constexpr std::size_t k_hour_slots = 512; // a power of two

} // namespace

int RegimeZone::utc_offset(Instant t) const
{
  thread_local std::array<HourOffset, k_hour_slots> recent{};
  const Instant hour = std::chrono::floor<std::chrono::hours>(std::chrono::seconds(t)).count();
  HourOffset& slot = recent[static_cast<std::uint64_t>(hour) & (k_hour_slots - 1)];
  if (slot.zone == m_zone && slot.hour == hour) {
    return slot.offset;
  }
  const int first = offset_from_libical(m_zone, hour * 3600);
  const int last = offset_from_libical(m_zone, hour * 3600 + 3599);
  if (first != last) {
    return offset_from_libical(m_zone, t);
  }
  slot = {m_zone, hour, first};
  return first;
}

LocalTime RegimeZone::local(Instant t) const
{
  Instant shifted = t + utc_offset(t);
  Days day = days_from_instant(shifted);
  return {day, static_cast<int>(shifted - instant_from_days(day))};
}

Instant RegimeZone::instant(Days day, int seconds) const
{
  Instant as_utc = instant_from_days(day) + seconds;
  Instant guess = as_utc - utc_offset(as_utc);
  Instant t = as_utc - utc_offset(guess);
  return t;
}

std::string RegimeZone::text(Instant t) const
{
  const LocalTime l = local(t);
  return iso_date(l.day) + " " + hh_mm(l.seconds);
}

namespace {

// The digits of snprintf's "%0Nd" for 0 <= v < 10^N, without snprintf (dates and times are
// formatted for every occurrence, finding and slot a check reports). False: anything else, for
// snprintf itself.
template <int N> bool put_digits(char* out, long long v)
{
  long long limit = 1;
  for (int i = 0; i < N; ++i) {
    limit *= 10;
  }
  if (v < 0 || v >= limit) {
    return false;
  }
  for (int i = N - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return true;
}

} // namespace

std::string RegimeZone::iso(Instant t) const
{
  int off = utc_offset(t);
  LocalTime l = local(t);
  std::chrono::year_month_day ymd(l.day);
  char sign = off < 0 ? '-' : '+';
  int a = off < 0 ? -off : off;
  char buf[40];
  const int year = static_cast<int>(ymd.year());
  const auto month = static_cast<unsigned>(ymd.month());
  const auto day = static_cast<unsigned>(ymd.day());
  // "YYYY-MM-DDThh:mm:ss+hh:mm"
  if (put_digits<4>(buf, year) && put_digits<2>(buf + 5, month) && put_digits<2>(buf + 8, day) &&
      put_digits<2>(buf + 11, l.seconds / 3600) && put_digits<2>(buf + 14, l.seconds / 60 % 60) &&
      put_digits<2>(buf + 17, l.seconds % 60) && put_digits<2>(buf + 20, a / 3600) &&
      put_digits<2>(buf + 23, a / 60 % 60)) {
    buf[4] = buf[7] = '-';
    buf[10] = 'T';
    buf[13] = buf[16] = buf[22] = ':';
    buf[19] = sign;
    return std::string(buf, 25);
  }
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", year, month, day, l.seconds / 3600,
                l.seconds / 60 % 60, l.seconds % 60, sign, a / 3600, a / 60 % 60);
  return buf;
}

Days days_from_instant(Instant t)
{
  Instant d = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  return Days(std::chrono::days(d));
}

Instant instant_from_days(Days d)
{
  return static_cast<Instant>(d.time_since_epoch().count()) * 86400;
}

std::string iso_date(Days d)
{
  std::chrono::year_month_day ymd(d);
  char buf[16];
  if (put_digits<4>(buf, static_cast<int>(ymd.year())) && put_digits<2>(buf + 5, static_cast<unsigned>(ymd.month())) &&
      put_digits<2>(buf + 8, static_cast<unsigned>(ymd.day()))) {
    buf[4] = buf[7] = '-';
    return std::string(buf, 10);
  }
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string hh_mm(int seconds_of_day)
{
  char buf[16];
  if (put_digits<2>(buf, seconds_of_day / 3600) && put_digits<2>(buf + 3, seconds_of_day / 60 % 60)) {
    buf[2] = ':';
    return std::string(buf, 5);
  }
  std::snprintf(buf, sizeof buf, "%02d:%02d", seconds_of_day / 3600, seconds_of_day / 60 % 60);
  return buf;
}

std::optional<Days> parse_iso_date(std::string_view s)
{
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') {
    return std::nullopt;
  }
  bool ok = true;
  int y = parse_int(s.substr(0, 4), ok);
  int m = parse_int(s.substr(5, 2), ok);
  int d = parse_int(s.substr(8, 2), ok);
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!ok || !ymd.ok()) {
    return std::nullopt;
  }
  return Days(ymd);
}

std::optional<int> parse_hh_mm(std::string_view s)
{
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || s.size() != colon + 3) {
    return std::nullopt;
  }
  bool ok = true;
  int h = parse_int(s.substr(0, colon), ok);
  int m = parse_int(s.substr(colon + 1), ok);
  if (!ok || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0)) {
    return std::nullopt;
  }
  return h * 3600 + m * 60;
}

std::optional<Instant> parse_iso_instant(std::string_view s, const RegimeZone& zone)
{
  auto day = parse_iso_date(s.substr(0, std::min<std::size_t>(10, s.size())));
  if (!day) {
    return std::nullopt;
  }
  if (s.size() == 10) {
    return zone.instant(*day, 0);
  }
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
    return std::nullopt;
  }
  std::string_view rest = s.substr(11);
  auto offset_pos = rest.find_first_of("Zz+-");
  std::string_view clock = rest.substr(0, offset_pos);
  std::string_view offset = offset_pos == std::string_view::npos ? std::string_view() : rest.substr(offset_pos);
  bool ok = true;
  int h = 0, m = 0, sec = 0;
  if (clock.size() == 5 && clock[2] == ':') {
    h = parse_int(clock.substr(0, 2), ok);
    m = parse_int(clock.substr(3, 2), ok);
  } else if (clock.size() >= 8 && clock[2] == ':' && clock[5] == ':') {
    h = parse_int(clock.substr(0, 2), ok);
    m = parse_int(clock.substr(3, 2), ok);
    sec = parse_int(clock.substr(6, 2), ok); // fractions of a second are ignored
    if (clock.size() > 8 && clock[8] != '.') {
      ok = false;
    }
  } else {
    ok = false;
  }
  if (!ok || h > 23 || m > 59 || sec > 60) {
    return std::nullopt;
  }
  int local = h * 3600 + m * 60 + sec;
  if (offset.empty()) {
    return zone.instant(*day, local);
  }
  if (offset == "Z" || offset == "z") {
    return instant_from_days(*day) + local;
  }
  int sign = offset[0] == '-' ? -1 : 1;
  std::string_view digits = offset.substr(1);
  int oh = 0, om = 0;
  if (digits.size() == 5 && digits[2] == ':') {
    oh = parse_int(digits.substr(0, 2), ok);
    om = parse_int(digits.substr(3, 2), ok);
  } else if (digits.size() == 4) {
    oh = parse_int(digits.substr(0, 2), ok);
    om = parse_int(digits.substr(2, 2), ok);
  } else if (digits.size() == 2) {
    oh = parse_int(digits, ok);
  } else {
    ok = false;
  }
  if (!ok || oh > 14 || om > 59) {
    return std::nullopt;
  }
  return instant_from_days(*day) + local - sign * (oh * 3600 + om * 60);
}

std::optional<std::chrono::weekday> parse_weekday(std::string_view s)
{
  for (unsigned i = 0; i < k_weekday_names.size(); ++i) {
    if (k_weekday_names[i] == s) {
      return std::chrono::weekday(i);
    }
  }
  return std::nullopt;
}

std::string_view weekday_name(std::chrono::weekday w)
{
  return k_weekday_names[w.c_encoding()];
}

} // namespace kenes::calendar
