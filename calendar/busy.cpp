#include "busy.hpp"

#include <algorithm>

namespace kenes::calendar {

namespace {

bool block_applies(const BusyBlock& b, const Official& o, const Body& body)
{
  bool any_filter = !b.ranks.empty() || !b.bodies.empty() || !b.officials.empty();
  if (!any_filter) {
    return true;
  }
  return std::find(b.ranks.begin(), b.ranks.end(), o.rank) != b.ranks.end() ||
         std::find(b.bodies.begin(), b.bodies.end(), body.id) != b.bodies.end() ||
         std::find(b.officials.begin(), b.officials.end(), o.email) != b.officials.end();
}

} // namespace

void BusyCalendar::add(const std::string& email, BusyInterval interval)
{
  auto& v = m_intervals[email];
  auto pos = std::upper_bound(v.begin(), v.end(), interval.start,
                              [](Instant s, const BusyInterval& i) { return s < i.start; });
  v.insert(pos, std::move(interval));
}

std::optional<std::uint64_t> BusyCalendar::block_mask(const Official& official, const Body& body) const
{
  if (m_regime.busy_blocks.size() > 64) {
    return std::nullopt;
  }
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i < m_regime.busy_blocks.size(); ++i) {
    if (block_applies(m_regime.busy_blocks[i], official, body)) {
      mask |= std::uint64_t{1} << i;
    }
  }
  return mask;
}

std::optional<std::string> BusyCalendar::busy(const Official& official, const Body& body, Instant start, Instant end,
                                              const std::string& uid) const
{
  if (!m_regime.busy_blocks.empty()) {
    LocalTime ls = m_zone.local(start);
    LocalTime le = m_zone.local(end);
    for (const BusyBlock& b : m_regime.busy_blocks) {
      if (!block_applies(b, official, body)) {
        continue;
      }
      // A block lies on one day; check the days the meeting touches.
      for (Days d = ls.day; d <= le.day; d += std::chrono::days(1)) {
        if (std::find(b.weekdays.begin(), b.weekdays.end(), std::chrono::weekday(d)) == b.weekdays.end()) {
          continue;
        }
        Instant bs = m_zone.instant(d, b.window.start);
        Instant be = m_zone.instant(d, b.window.end);
        if (start < be && bs < end) {
          return b.label;
        }
      }
    }
  }
  auto it = m_intervals.find(official.email);
  if (it == m_intervals.end()) {
    return std::nullopt;
  }
  for (const BusyInterval& i : it->second) {
    if (i.start >= end) {
      break;
    }
    if (i.end > start && i.uid != uid) {
      return i.label;
    }
  }
  return std::nullopt;
}

} // namespace kenes::calendar
