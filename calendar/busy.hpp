// When officials are busy: weekly regime blocks from the config and intervals from their
// synced calendars.
#pragma once

#include "directory.hpp"
#include "regime.hpp"
#include "time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace kenes::calendar {

struct BusyInterval
{
  Instant start = 0;
  Instant end = 0;
  std::string uid; // the event that makes the official busy; a meeting never conflicts with itself
  std::string label;
};

class BusyCalendar
{
public:
  BusyCalendar(const Regime& regime, const RegimeZone& zone) : m_regime(regime), m_zone(zone) {}

  void add(const std::string& email, BusyInterval interval);

  // What makes the official busy in [start, end), if anything; `uid` is the meeting asked about.
  std::optional<std::string> busy(const Official& official, const Body& body, Instant start, Instant end,
                                  const std::string& uid) const;

  // Whether any interval was added (else only the regime's busy blocks make people busy).
  bool has_intervals() const { return !m_intervals.empty(); }
  // Bit i is set when busy block i of the regime applies to the official; nothing when the
  // regime has more than 64 blocks.
  std::optional<std::uint64_t> block_mask(const Official& official, const Body& body) const;

private:
  const Regime& m_regime;
  const RegimeZone& m_zone;
  std::unordered_map<std::string, std::vector<BusyInterval>> m_intervals; // by e-mail, sorted by start
};

} // namespace kenes::calendar
