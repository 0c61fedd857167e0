// / and /api/v1/status: sources, verdicts, findings by rule, the outbox, the next meetings.
#include "daemon/admin/admin_pages.hpp"
#include "daemon/base/html.hpp"
#include "daemon/base/log.hpp"

namespace kenes::daemon {

namespace cal = kenes::calendar;

namespace {

ojson sources_json(const std::vector<SourceStatus>& sources, const std::map<std::string, SyncRecord>& last)
{
  ojson out = ojson::array();
  for (const SourceStatus& s : sources) {
    ojson j{{"id", s.id}, {"type", s.type}, {"state", s.degraded ? "failing" : (s.last_success ? "ok" : "never")}};
    j["last_success"] = s.last_success ? ojson(utc_iso(*s.last_success)) : ojson(nullptr);
    j["last_attempt"] = s.last_attempt ? ojson(utc_iso(*s.last_attempt)) : ojson(nullptr);
    j["failing_since"] = s.failing_since ? ojson(utc_iso(*s.failing_since)) : ojson(nullptr);
    j["error_kind"] = s.error_kind;
    j["error"] = s.last_error;
    j["adopted"] = s.adopted; // meetings its first sync adopted (SPEC §5 "Rollout")
    j["removals_accepted_by"] = s.removals_accepted_by;
    auto it = last.find(s.id);
    if (it != last.end()) {
      j["last_duration_seconds"] = static_cast<double>(it->second.finished - it->second.started);
      j["last_requests"] = it->second.requests;
      j["last_outcome"] = it->second.outcome; // "ok", the error, or "collections failed: URL: reason; …"
    }
    out.push_back(std::move(j));
  }
  return out;
}

} // namespace

AdminResponse AdminPages::dashboard_page(const PageContext& ctx)
{
  std::shared_ptr<const Dashboard> d = dashboard();
  if (ctx.api) {
    ojson j{{"sources", sources_json(d->sources, d->last_sync)},
            {"outbox", d->outbox},
            {"meetings", d->meetings},
            {"meetings_by_verdict", d->verdicts},
            {"findings_by_rule", d->findings},
            {"meetings_check_failing", m_metrics.checks_failing()}};
    ojson next = ojson::array();
    for (const OccurrenceView& o : d->next) {
      next.push_back({{"uid", o.uid},
                      {"summary", o.summary},
                      {"start", ctx.zone.iso(o.occurrence.start)},
                      {"end", ctx.zone.iso(o.occurrence.end)},
                      {"verdict", o.occurrence.verdict}});
    }
    j["next_meetings"] = std::move(next);
    return json_response(j, "/api/v1/status");
  }
  Page p{ctx.lang, "/", {}};
  p.open(tr(ctx.lang, Text::dashboard));
  p.out += "<h2>" + std::string(tr(ctx.lang, Text::sources)) + "</h2><table>";
  p.th({Text::source, Text::type, Text::state, Text::last_success, Text::last_attempt, Text::duration, Text::adopted,
        Text::error});
  for (const SourceStatus& s : d->sources) {
    p.out += "<tr>";
    p.td_code("", s.id);
    p.td_code(value_text(ctx.lang, "source_type", s.type), s.type);
    std::string state = s.degraded       ? tr(ctx.lang, Text::failing)
                        : s.last_success ? tr(ctx.lang, Text::ok)
                                         : tr(ctx.lang, Text::never);
    p.td(state, s.degraded ? "failing" : s.last_success ? "ok" : "muted");
    p.td(s.last_success ? local_text(ctx.zone, *s.last_success) : tr(ctx.lang, Text::never));
    p.td(s.last_attempt ? local_text(ctx.zone, *s.last_attempt) : tr(ctx.lang, Text::never));
    auto last = d->last_sync.find(s.id);
    p.td(last == d->last_sync.end()
             ? ""
             : seconds_text(static_cast<double>(last->second.finished - last->second.started), ctx.lang),
         "num");
    p.td(std::to_string(s.adopted), "num");
    // Why in words; the error as the source gave it, beside them as a code.
    std::string why;
    if (s.degraded) {
      why = std::string(s.error_kind == "auth" ? tr(ctx.lang, Text::auth_failed_since)
                                               : tr(ctx.lang, Text::failing_since)) +
            " " + (s.failing_since ? local_text(ctx.zone, *s.failing_since) : "?") + ":";
    }
    const std::string error_code =
        s.degraded && !s.last_error.empty() ? " <code>" + html_escape(s.last_error) + "</code>" : "";
    if (s.error_kind == "removals" && s.removals_accepted_by.empty()) {
      // Held back by max_removal_percent: an administrator may accept (the form's POST is checked
      // to come from this page, see same_origin in admin_pages.cpp).
      p.out += "<td class=\"failing\">" + html_escape(why) + error_code + "<form method=\"post\" action=\"" +
               html_escape("/sources/" + url_encode(s.id) + "/accept-removals") + "\"><button type=\"submit\">" +
               tr(ctx.lang, Text::accept_removals) + "</button></form></td>";
    } else if (!s.removals_accepted_by.empty()) {
      p.out += std::string(s.degraded ? "<td class=\"failing\">" : "<td>") + html_escape(why) + error_code + " (" +
               tr(ctx.lang, Text::removals_accepted_by) + " <code>" + html_escape(s.removals_accepted_by) +
               "</code>)</td>";
    } else if (!s.degraded && last != d->last_sync.end() &&
               last->second.outcome.starts_with(k_collections_failed_outcome)) {
      // The source synced, some of its calendars did not (a 404): which, and why.
      p.td_code(tr(ctx.lang, Text::collections_failed),
                std::string_view(last->second.outcome).substr(k_collections_failed_outcome.size()), "failing");
    } else {
      p.td_code(why, s.degraded ? s.last_error : "", s.degraded ? "failing" : "");
    }
    p.out += "</tr>";
  }
  p.out += "</table><h2>" + std::string(tr(ctx.lang, Text::verdicts)) + "</h2><table>";
  for (const char* v : {"ok", "warning", "invalid"}) {
    auto it = d->verdicts.find(v);
    p.out += "<tr><td class=\"" + std::string(v) + "\">" + verdict_text(ctx.lang, v) + "</td><td class=\"num\">" +
             std::to_string(it == d->verdicts.end() ? 0 : it->second) + "</td></tr>";
  }
  // Meetings left queued because their check throws (check.failed in the log names them).
  const int failing = m_metrics.checks_failing();
  p.out += std::string("<tr><td") + (failing > 0 ? " class=\"failing\">" : ">") + tr(ctx.lang, Text::check_failing) +
           "</td><td class=\"num\">" + std::to_string(failing) + "</td></tr>";
  p.out += "</table><h2>" + std::string(tr(ctx.lang, Text::findings)) + "</h2>";
  if (d->findings.empty()) {
    p.out += "<p class=\"muted\">" + std::string(tr(ctx.lang, Text::none)) + "</p>";
  } else {
    p.out += "<table>";
    p.th({Text::rule, Text::explanation, Text::count});
    for (const auto& [rule, n] : d->findings) {
      p.out += "<tr>";
      const std::optional<cal::RuleId> id = cal::parse_rule_id(rule);
      p.td_code(id ? cal::rule_title(*id, ctx.lang) : std::string_view(), rule);
      p.td(id ? cal::rule_explanation(*id, ctx.lang) : std::string_view(), "muted");
      p.td(std::to_string(n), "num");
      p.out += "</tr>";
    }
    p.out += "</table>";
  }
  p.out += "<h2>" + std::string(tr(ctx.lang, Text::outbox)) + "</h2><table>";
  for (const char* s : {"pending", "held", "sending", "sent", "failed", "digested", "suppressed"}) {
    auto it = d->outbox.find(s);
    p.out += "<tr>";
    p.td(value_text(ctx.lang, "state", s), std::string_view(s) == "failed" ? "failing" : "");
    p.td(std::to_string(it == d->outbox.end() ? 0 : it->second), "num");
    p.out += "</tr>";
  }
  p.out += "</table><h2>" + std::string(tr(ctx.lang, Text::next_meetings)) + "</h2>";
  if (d->next.empty()) {
    p.out += "<p class=\"muted\">" + std::string(tr(ctx.lang, Text::none)) + "</p>";
  } else {
    p.out += "<table>";
    p.th({Text::start, Text::meeting, Text::verdict});
    for (const OccurrenceView& o : d->next) {
      p.out += "<tr>";
      p.td(local_text(ctx.zone, o.occurrence.start));
      p.out +=
          "<td><a href=\"" + html_escape(meeting_link(o.uid, ctx.lang)) + "\">" + html_escape(o.summary) + "</a></td>";
      p.td(verdict_text(ctx.lang, o.occurrence.verdict), o.occurrence.verdict);
      p.out += "</tr>";
    }
    p.out += "</table>";
  }
  return p.close("/");
}

} // namespace kenes::daemon
