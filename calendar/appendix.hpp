// The monthly appendix form of order 140-r (SPEC §9): who held which meetings with how many
// participants of other bodies, by rank.
#pragma once

#include "checker.hpp"
#include "directory.hpp"
#include "meeting.hpp"
#include "time.hpp"

#include <array>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

namespace kenes::calendar {

// The thirteen count columns, in the form's order.
enum class AppendixColumn {
  ministers,
  ministers_selector,
  vice_ministers,
  vice_ministers_selector,
  committee_chairs,
  deputy_committee_chairs,
  directors,
  akims,
  akims_selector,
  deputy_akims,
  deputy_akims_selector,
  heads_of_staff,
  heads_of_departments,
};
inline constexpr std::size_t k_appendix_column_count = 13;

std::string_view json_key(AppendixColumn c);    // "ministers_selector"
std::string_view form_header(AppendixColumn c); // "в том числе в режиме селектора"
// The column a rank counts in, and its "by selector" column; none for the Government level and
// the Presidential Administration.
std::optional<AppendixColumn> rank_column(Rank r);
std::optional<AppendixColumn> selector_column(Rank r);
// "Министр", "Заместитель акима" …, as the form names the officials who held meetings.
std::string_view rank_title_ru(Rank r);

struct AppendixCounts
{
  std::array<int, k_appendix_column_count> values{};

  int& operator[](AppendixColumn c) { return values[static_cast<std::size_t>(c)]; }
  int operator[](AppendixColumn c) const { return values[static_cast<std::size_t>(c)]; }
  AppendixCounts& operator+=(const AppendixCounts& other);
};

// One occurrence under its chair.
struct AppendixRow
{
  std::string uid;
  std::string summary;
  Instant start = 0;
  Instant end = 0;
  AppendixCounts counts;
};

struct AppendixOfficial
{
  const Official* official = nullptr;
  std::vector<AppendixRow> meetings; // by start
};

struct AppendixBody
{
  const Body* body = nullptr;
  std::vector<AppendixOfficial> officials; // by rank (seniority), then directory order
  AppendixCounts total;
};

struct AppendixReport
{
  int year = 0;
  unsigned month = 0;
  Instant from = 0;                 // local midnight of the 1st
  Instant to = 0;                   // local midnight of the 1st of the next month
  std::vector<AppendixBody> bodies; // central, then local; directory order
  AppendixCounts total;
};

// A series as read and checked (the checked meeting refers to the directory, not to the series).
struct AppendixInput
{
  EventSeries series;
  CheckedMeeting checked;
  // Who counts for a version's occurrences that ended by `now`, where not its invitations (the
  // report: those invited once, against those invited now for what is ahead); by version index.
  Instant now = 0;
  std::map<std::size_t, std::vector<Invitation>> past_invitations;
};

// The local bounds of a month; throws std::invalid_argument for a month outside 1..12.
std::pair<Instant, Instant> month_bounds(int year, unsigned month, const RegimeZone& zone);

// Every occurrence starting in the month whose own version is not internal, chaired by an official
// of a central or local body, with at least one chosen representative of another body. The counts
// are of the chosen representatives who have not declined in that occurrence's version, "by
// selector" by that version's format.
AppendixReport build_appendix(const std::vector<AppendixInput>& meetings, const Directory& directory,
                              const RegimeZone& zone, int year, unsigned month);

} // namespace kenes::calendar
