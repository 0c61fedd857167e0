// /meetings?week=YYYY-Www and its API: the week grid, Monday to Friday, 08:00–18:00.
#include "daemon/admin/admin_pages.hpp"
#include "daemon/base/html.hpp"
#include "daemon/base/log.hpp"

#include <algorithm>

namespace kenes::daemon {

namespace cal = kenes::calendar;

namespace {

constexpr int k_grid_from = 8 * 3600; // the week grid shows 08:00–18:00
constexpr int k_grid_to = 18 * 3600;

// GET /api/v1/meetings: the week's days (holiday or not) and occurrences.
ojson week_json(const cal::RegimeZone& zone, cal::Days monday, const std::vector<OccurrenceView>& occ,
                const std::set<cal::Days>& holidays)
{
  ojson days = ojson::array();
  for (int i = 0; i < 5; ++i) {
    cal::Days d = monday + std::chrono::days(i);
    days.push_back({{"date", cal::iso_date(d)}, {"holiday", holidays.contains(d)}});
  }
  ojson list = ojson::array();
  for (const OccurrenceView& o : occ) {
    ojson item{{"uid", o.uid},
               {"summary", o.summary},
               {"start", zone.iso(o.occurrence.start)},
               {"end", zone.iso(o.occurrence.end)},
               {"verdict", o.occurrence.verdict}};
    if (o.removed_at) {
      item["removed_at"] = zone.iso(*o.removed_at); // took place; since removed from its calendar
    }
    list.push_back(std::move(item));
  }
  return {{"week", AdminPages::iso_week(monday)},
          {"previous", AdminPages::iso_week(monday - std::chrono::days(7))},
          {"next", AdminPages::iso_week(monday + std::chrono::days(7))},
          {"days", days},
          {"occurrences", list}};
}

// A day's occurrences as blocks on the grid (quarter hours from 08:00, lanes side by side).
void write_day_blocks(Page& p, const PageContext& ctx, cal::Days day, const std::vector<OccurrenceView>& occ)
{
  // Lanes: an occurrence takes the first lane free at its start; a day's lane count is the most used.
  struct Block
  {
    const OccurrenceView* o;
    int top, height, lane;
  };
  std::vector<Block> blocks;
  std::vector<int> lane_end;
  const std::int64_t day_start = ctx.zone.instant(day, 0);
  const std::int64_t day_end = ctx.zone.instant(day + std::chrono::days(1), 0);
  for (const OccurrenceView& o : occ) {
    if (o.occurrence.start >= day_end || (o.occurrence.end <= day_start && o.occurrence.start < day_start)) {
      continue;
    }
    int s = static_cast<int>(std::clamp<std::int64_t>(o.occurrence.start - day_start, k_grid_from, k_grid_to));
    int e = static_cast<int>(std::clamp<std::int64_t>(o.occurrence.end - day_start, k_grid_from, k_grid_to));
    int top = (s - k_grid_from) / 900;
    int height = std::max(1, (e - s + 899) / 900);
    if (top >= 40) {
      top = 39; // after 18:00: shown at the bottom edge
      height = 1;
    }
    height = std::min(height, 40 - top);
    int lane = 0;
    while (lane < static_cast<int>(lane_end.size()) && lane_end[static_cast<std::size_t>(lane)] > top) {
      ++lane;
    }
    if (lane == static_cast<int>(lane_end.size())) {
      lane_end.push_back(0);
    }
    lane_end[static_cast<std::size_t>(lane)] = top + height;
    blocks.push_back({&o, top, height, lane});
  }
  const int lanes = std::clamp(static_cast<int>(lane_end.size()), 1, 4);
  for (const Block& b : blocks) {
    const OccurrenceView& o = *b.o;
    const std::string removed = o.removed_at ? std::string(" (") + tr(ctx.lang, Text::removed_on) + " " +
                                                   local_text(ctx.zone, *o.removed_at) + ")"
                                             : std::string();
    p.out += "<a class=\"blk v-" + html_escape(o.occurrence.verdict) + (o.removed_at ? " removed" : "") + " t" +
             std::to_string(b.top) + " h" + std::to_string(b.height) + " l" + std::to_string(lanes) + "-" +
             std::to_string(b.lane % lanes) + "\" href=\"" + html_escape(meeting_link(o.uid, ctx.lang)) +
             "\" title=\"" + html_escape(local_text(ctx.zone, o.occurrence.start) + " " + o.summary + removed) + "\">" +
             html_escape(cal::hh_mm(ctx.zone.local(o.occurrence.start).seconds)) + " " + html_escape(o.summary) +
             "</a>";
  }
}

} // namespace

AdminResponse AdminPages::week_page(const PageContext& ctx)
{
  cal::Days monday;
  auto w = ctx.request.query.find("week");
  if (w != ctx.request.query.end()) {
    auto parsed = parse_iso_week(w->second);
    if (!parsed) {
      return text_response(400, tr(ctx.lang, Text::bad_week), ctx.page);
    }
    monday = *parsed;
  } else {
    cal::Days today = ctx.zone.local(m_hooks.now()).day;
    monday = today - std::chrono::days(std::chrono::weekday(today).iso_encoding() - 1);
  }
  const std::string week = iso_week(monday);
  const std::int64_t from = ctx.zone.instant(monday, 0);
  const std::int64_t to = ctx.zone.instant(monday + std::chrono::days(5), 0);
  // Removed meetings too: an occurrence that took place is a fact, shown as removed since.
  std::vector<OccurrenceView> occ = m_store.occurrences_between(from, to, true);
  std::set<cal::Days> holidays = m_hooks.holidays();
  if (ctx.api) {
    return json_response(week_json(ctx.zone, monday, occ, holidays), "/api/v1/meetings");
  }
  Page p{ctx.lang, "/meetings?week=" + week, {}};
  p.open(std::string(tr(ctx.lang, Text::week)) + " " + week);
  const std::string l = "&lang=" + std::string(cal::to_string(ctx.lang));
  p.out += "<p class=\"week-nav\"><a href=\"/meetings?week=" + iso_week(monday - std::chrono::days(7)) + l + "\">" +
           tr(ctx.lang, Text::previous) + "</a><a href=\"/meetings?week=" + iso_week(monday + std::chrono::days(7)) +
           l + "\">" + tr(ctx.lang, Text::next) + "</a></p>";
  p.out += "<p class=\"legend\"><span class=\"key-gov\">" + std::string(tr(ctx.lang, Text::window_gov)) +
           "</span><span class=\"key-ia\">" + tr(ctx.lang, Text::window_ia) + "</span><span class=\"key-ok\">" +
           verdict_text(ctx.lang, "ok") + "</span><span class=\"key-warning\">" + verdict_text(ctx.lang, "warning") +
           "</span><span class=\"key-invalid\">" + verdict_text(ctx.lang, "invalid") + "</span></p>";
  p.out += "<div class=\"grid\"><div class=\"hours\">";
  for (int h = 8; h <= 18; ++h) {
    p.out += "<div class=\"t" + std::to_string((h - 8) * 4) + "\">" + cal::hh_mm(h * 3600) + "</div>";
  }
  p.out += "</div>";
  static const char* const day_names[][3] = {
      {"Пн", "Дс", "Mon"}, {"Вт", "Сс", "Tue"}, {"Ср", "Ср", "Wed"}, {"Чт", "Бс", "Thu"}, {"Пт", "Жм", "Fri"}};
  for (int i = 0; i < 5; ++i) {
    cal::Days day = monday + std::chrono::days(i);
    const bool holiday = holidays.contains(day);
    p.out += std::string("<section class=\"day") + (holiday ? " holiday" : "") + "\"><h3>" +
             day_names[i][static_cast<int>(ctx.lang)] + " " + cal::iso_date(day) +
             (holiday ? std::string("<br>") + tr(ctx.lang, Text::holiday) : "") + "</h3><div class=\"col\">";
    p.out += "<div class=\"win win-gov\"></div><div class=\"win win-ia\"></div>";
    for (int h = 0; h < 10; ++h) {
      p.out += "<div class=\"hour-line t" + std::to_string(h * 4) + "\"></div>";
    }
    write_day_blocks(p, ctx, day, occ);
    p.out += "</div></section>";
  }
  p.out += "</div>";
  return p.close("/meetings");
}

} // namespace kenes::daemon
