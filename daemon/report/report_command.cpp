#include "daemon/report/report_command.hpp"

#include "daemon/base/html.hpp"

#include "daemon/base/log.hpp"
#include "daemon/check/check_command.hpp"
#include "daemon/report/appendix_formats.hpp"

#include "calendar/busy.hpp"
#include "calendar/checker.hpp"
#include "calendar/ical_reader.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iostream>
#include <stdexcept>

namespace kenes::daemon {

namespace cal = kenes::calendar;

namespace {

struct Month
{
  int year = 0;
  unsigned month = 0;
};

Month parse_month(std::string_view s)
{
  auto digits = [&](std::size_t from, std::size_t n) {
    return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(from), s.begin() + static_cast<std::ptrdiff_t>(from + n),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  if (s.size() != 7 || s[4] != '-' || !digits(0, 4) || !digits(5, 2)) {
    throw std::invalid_argument("month '" + quoted_value(s) + "' is not YYYY-MM");
  }
  Month m{std::stoi(std::string(s.substr(0, 4))), static_cast<unsigned>(std::stoi(std::string(s.substr(5, 2))))};
  if (m.month < 1 || m.month > 12 || m.year < 1970) {
    throw std::invalid_argument("month '" + quoted_value(s) + "' is not a month (YYYY-MM, 1970 or later, 01..12)");
  }
  return m;
}

struct FormatInfo
{
  std::string_view name;
  std::string_view content_type;
  std::string (*render)(const cal::AppendixReport&, const cal::RegimeZone&);
};

std::string html_inline(const cal::AppendixReport& report, const cal::RegimeZone& zone)
{
  return appendix_html(report, zone);
}

constexpr FormatInfo k_formats[] = {
    {"html", "text/html; charset=utf-8", html_inline},
    {"csv", "text/csv; charset=utf-8", appendix_csv},
    {"json", "application/json", appendix_json},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", appendix_xlsx},
};

const FormatInfo& find_format(std::string_view format)
{
  for (const FormatInfo& f : k_formats) {
    if (f.name == format) {
      return f;
    }
  }
  throw std::invalid_argument("format '" + quoted_value(format) + "' is not one of html, csv, json, xlsx");
}

std::vector<cal::Invitation> invitations_from(const nlohmann::json& list, const cal::Directory& directory)
{
  std::vector<cal::Invitation> out;
  if (!list.is_array()) {
    return out;
  }
  for (const nlohmann::json& i : list) {
    if (!i.is_object() || !i.contains("to") || !i["to"].is_string()) {
      continue;
    }
    std::optional<cal::AddressMatch> m = directory.lookup(cal::normalize_address(i["to"].get<std::string>()));
    if (m && m->official && m->body) {
      out.push_back({m->body, m->official});
    }
  }
  return out;
}

// SPEC §9 "Counted per occurrence": each version's representatives as they were invited — the
// sync's check as stored with the meeting (never chosen again here, where nobody is busy), and
// where invitations went out, those the notice state holds invited (for an occurrence that took
// place, also those whose invitation to what is ahead was cancelled after it: per occurrence, so
// a version with occurrences of the month on both sides of now counts each side as it is).
// `stored_json`: the meeting's JSON of that check (of a removed meeting, its last).
void as_invited(cal::AppendixInput& in, const std::string& stored_json, const StateStore& store,
                const config::Config& config, const cal::RegimeZone& zone)
{
  cal::CheckedMeeting& m = in.checked;
  nlohmann::json j = nlohmann::json::parse(stored_json, nullptr, false);
  if (!j.is_object()) {
    return;
  }
  const cal::Directory& directory = *config.directory;
  for (std::size_t v = 0; v < m.versions.size(); ++v) {
    cal::CheckedVersion& version = m.versions[v];
    if (v == 0) {
      version.invitations = invitations_from(j.value("invitations", nlohmann::json()), directory);
      continue;
    }
    if (!version.recurrence_id) {
      continue;
    }
    const std::string rid = zone.iso(*version.recurrence_id);
    for (const nlohmann::json& stored : j.value("versions", nlohmann::json::array())) {
      if (stored.is_object() && stored.value("recurrence_id", nlohmann::json()) == rid) {
        version.invitations = invitations_from(stored.value("invitations", nlohmann::json()), directory);
      }
    }
  }
  std::optional<NoticeRecord> record = store.notice_state(m.uid);
  if (!record) {
    return;
  }
  nlohmann::json state = nlohmann::json::parse(record->state, nullptr, false);
  if (!state.is_object() || state.value("sequence", -1) < 0) {
    return; // no invitation went out (held): as the check chose them
  }
  const std::map<std::string, bool> invited = state.value("invited", std::map<std::string, bool>{});
  for (std::size_t v = 0; v < m.versions.size(); ++v) {
    // What took place counts one invited then whose invitation to what is ahead was cancelled
    // later (false: invited once); what is ahead, only those invited now.
    std::vector<cal::Invitation>& ahead = m.versions[v].invitations;
    std::erase_if(ahead, [&](const cal::Invitation& i) { return !invited.contains(i.official->email); });
    std::vector<cal::Invitation> once = ahead;
    std::erase_if(ahead, [&](const cal::Invitation& i) { return !invited.at(i.official->email); });
    if (once.size() != ahead.size()) {
      in.past_invitations[v] = std::move(once);
    }
  }
}

// The meetings of the store with an occurrence in [from, to), read and checked as the sync checks
// them, but with nobody's busy time; the representatives are those of the sync's check. A meeting
// removed from its calendar is read from the text kept of it, up to its removal: only what took
// place before it counts.
std::vector<cal::AppendixInput> checked_meetings(const StateStore& store, const config::Config& config,
                                                 const cal::RegimeZone& zone, cal::Instant from, cal::Instant to,
                                                 cal::Instant now)
{
  const cal::BusyCalendar busy(config.regime, zone);
  cal::SlotCache slot_cache;
  const cal::CheckContext ctx{*config.directory, config.regime, zone, busy, now, std::nullopt, &slot_cache};
  std::vector<cal::AppendixInput> out;
  for (const std::string& uid : store.meetings_occurring(from, to)) {
    cal::ReadOptions options;
    options.zone = &zone;
    options.horizon_start = from;
    options.horizon_end = to;
    std::string raw, href, stored_json;
    std::vector<ResourceRow> resources = store.resources_by_uid(uid);
    auto r = std::find_if(resources.begin(), resources.end(), [](const ResourceRow& row) { return !row.raw.empty(); });
    if (r != resources.end()) {
      raw = std::move(r->raw);
      href = std::move(r->href);
      if (std::optional<MeetingRow> row = store.meeting(uid)) {
        stored_json = std::move(row->json);
      }
    } else if (std::optional<RemovedMeeting> removed = store.removed_meeting(uid)) {
      raw = std::move(removed->raw);
      href = std::move(removed->href);
      stored_json = std::move(removed->json);
      options.horizon_end = std::min(to, removed->removed_at);
    } else {
      continue;
    }
    if (options.horizon_end <= options.horizon_start) {
      continue;
    }
    cal::ReadResult read = cal::read_icalendar(raw, href, options);
    auto series =
        std::find_if(read.series.begin(), read.series.end(), [&](const cal::EventSeries& s) { return s.uid == uid; });
    if (series == read.series.end()) {
      log(LogLevel::warning, "report.meeting_unreadable", "uid=" + log_value(uid) + " href=" + log_value(href));
      continue;
    }
    if (std::optional<cal::CheckedMeeting> m = cal::check_series(*series, ctx)) {
      cal::AppendixInput& in = out.emplace_back(cal::AppendixInput{std::move(*series), std::move(*m), now, {}});
      as_invited(in, stored_json, store, config, zone);
    }
  }
  return out;
}

} // namespace

AppendixOutput render_appendix(const StateStore& store, const config::Config& config, std::string_view month,
                               std::string_view format, std::int64_t now, std::string_view stylesheet_href)
{
  const FormatInfo& f = find_format(format);
  const Month m = parse_month(month);
  const cal::RegimeZone zone(config.timezone);
  const auto [from, to] = cal::month_bounds(m.year, m.month, zone);
  const std::vector<cal::AppendixInput> meetings = checked_meetings(store, config, zone, from, to, now);
  const cal::AppendixReport report = cal::build_appendix(meetings, *config.directory, zone, m.year, m.month);
  std::string body = f.name == "html" ? appendix_html(report, zone, stylesheet_href) : f.render(report, zone);
  return {std::move(body), std::string(f.content_type),
          "kenes-appendix-" + appendix_month(report) + "." + std::string(f.name)};
}

int run_report(const CommandLine& cl, const config::Config& config, std::ostream& out)
{
  const std::string format = cl.format.value_or("html");
  AppendixOutput output;
  try {
    find_format(format); // before the store is opened
    // Opened without release_claims (unlike sync): a running daemon may own the claims.
    std::unique_ptr<StateStore> store = StateStore::open(config.state_dir);
    output = render_appendix(*store, config, cl.month.value_or(""), format,
                             parse_now(cl, config).value_or(static_cast<std::int64_t>(std::time(nullptr))));
  } catch (const std::invalid_argument& e) {
    std::cerr << "kenesd: report: " << e.what() << "\n";
    return 2;
  } catch (const StoreError& e) {
    std::cerr << "kenesd: " << e.what() << "\n";
    return 2;
  }
  if (!cl.out) {
    out.write(output.body.data(), static_cast<std::streamsize>(output.body.size()));
    out.flush();
    return 0;
  }
  std::ofstream file(*cl.out, std::ios::binary | std::ios::trunc);
  file.write(output.body.data(), static_cast<std::streamsize>(output.body.size()));
  file.close();
  if (!file) {
    std::cerr << "kenesd: report: cannot write " << *cl.out << "\n";
    return 2;
  }
  return 0;
}

} // namespace kenes::daemon
