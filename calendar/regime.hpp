// The meeting regime of order 140-r as configured: windows, designated days, holidays,
// thresholds, rule severities, the representation table and the lexicon.
#pragma once

#include "directory.hpp"
#include "finding.hpp"
#include "meeting.hpp"
#include "time.hpp"

#include <array>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kenes::calendar {

struct RegimeWindow
{
  int start = 9 * 3600; // seconds since local midnight
  int end = 17 * 3600;
};

// A weekly block of time in which some officials are busy (e.g. the Government session on
// Tuesday for ministers).
struct BusyBlock
{
  std::string label;
  std::vector<std::chrono::weekday> weekdays;
  RegimeWindow window;
  std::vector<Rank> ranks;
  std::vector<std::string> bodies;
  std::vector<std::string> officials;
};

// One row of the representation table: for chairs of these ranks (and, if set, only when the
// body is / is not the main speaker), the ranks that fit for a central and for a local body.
// An empty `central`/`local` with `any_*` set means any rank fits.
struct RepresentationRow
{
  std::vector<Rank> chair;
  std::optional<bool> speaker;
  std::vector<Rank> central;
  bool any_central = false;
  std::vector<Rank> local;
  bool any_local = false;
};

struct Lexicon
{
  using kind_list = std::vector<std::pair<Kind, std::vector<std::string>>>;
  using format_list = std::vector<std::pair<Format, std::vector<std::string>>>;
  // Kind keywords, searched in this order: government_session, kso_session, selector, operative.
  std::vector<std::pair<Kind, std::vector<std::string>>> kind;
  // Format keywords in LOCATION or SUMMARY, searched in order (video first).
  std::vector<std::pair<Format, std::vector<std::string>>> format;
};

struct Regime
{
  RegimeWindow government_window{9 * 3600, 17 * 3600};
  RegimeWindow interagency_window{9 * 3600, 13 * 3600};
  RegimeWindow working_hours{9 * 3600, 18 * 3600 + 30 * 60};
  std::vector<std::chrono::weekday> selector_days{std::chrono::Monday};
  std::vector<std::chrono::weekday> government_session_days{std::chrono::Tuesday};
  std::vector<std::chrono::weekday> kso_session_days{std::chrono::Thursday};
  std::vector<std::chrono::weekday> interagency_days{std::chrono::Friday};
  std::set<Days> holidays;
  std::set<Days> transferred_working_days;
  int lead_time_days = 7;
  int materials_days = 3;
  int max_duration_minutes = 90;
  int suggest_count = 3;
  int slot_step_minutes = 15;
  int suggest_days = 14;
  int horizon_days = 90;
  int horizon_past_days = 400;
  std::array<Severity, k_rule_count> severity{};
  std::vector<BusyBlock> busy_blocks;
  std::vector<RepresentationRow> representation;
  Lexicon lexicon;
  std::vector<std::string> video_hosts; // lower case host names

  Regime(); // the defaults of SPEC.md

  Severity severity_of(RuleId r) const { return severity[static_cast<std::size_t>(r)]; }
  bool is_working_day(Days d) const;
};

std::vector<RepresentationRow> default_representation();
Lexicon default_lexicon();

} // namespace kenes::calendar
