// /meetings/{uid} and its API: findings, invited and dropped, suggested slots, notice history.
#include "daemon/admin/admin_pages.hpp"
#include "daemon/base/html.hpp"
#include "daemon/base/log.hpp"

namespace kenes::daemon {

namespace cal = kenes::calendar;

AdminResponse AdminPages::meeting_page(const PageContext& ctx)
{
  const std::string uid = ctx.page.substr(10);
  std::optional<MeetingRow> m = m_store.meeting(uid);
  const std::string route = ctx.api ? "/ctx.api/v1/meetings/{uid}" : "/meetings/{uid}";
  if (!m) {
    return ctx.api ? json_response({{"error", "no meeting with this UID"}}, route, 404)
                   : text_response(404, tr(ctx.lang, Text::not_found), route);
  }
  ojson j = ojson::parse(m->json, nullptr, false);
  if (j.is_discarded()) {
    j = ojson::object();
  }
  std::vector<OutboxEntry> notices = m_store.outbox(uid);
  if (ctx.api) {
    ojson list = ojson::array();
    for (const OutboxEntry& n : notices) {
      list.push_back({{"kind", n.kind},
                      {"recipient", n.recipient},
                      {"state", n.state},
                      {"attempts", n.attempts},
                      {"created", utc_iso(n.created)},
                      {"sent_at", n.sent_at ? ojson(utc_iso(*n.sent_at)) : ojson(nullptr)},
                      {"last_error", n.last_error}});
    }
    j["notices"] = std::move(list);
    return json_response(j, route);
  }
  auto str = [&](const ojson& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  Page p{ctx.lang, "/meetings/" + url_encode(uid), {}};
  p.open(m->summary.empty() ? uid : m->summary);
  p.out += "<table>";
  auto row = [&](Text key, const std::string& value, std::string_view cls = {}) {
    p.out += "<tr><th>" + std::string(tr(ctx.lang, key)) + "</th>";
    p.td(value, cls);
    p.out += "</tr>";
  };
  row(Text::verdict, verdict_text(ctx.lang, m->verdict), m->verdict);
  row(Text::start, str(j, "start"));
  row(Text::end, str(j, "end"));
  row(Text::kind, str(j, "kind"));
  row(Text::format, str(j, "format"));
  row(Text::chair, str(j, "chair"));
  row(Text::source, m->source_id);
  p.out += "<tr><th>UID</th>";
  p.td(uid);
  p.out += "</tr></table>";
  auto section = [&](Text title, const char* key, std::initializer_list<Text> heads,
                     std::initializer_list<const char*> fields) {
    p.out += "<h2>" + std::string(tr(ctx.lang, title)) + "</h2>";
    auto it = j.find(key);
    if (it == j.end() || !it->is_array() || it->empty()) {
      p.out += "<p class=\"muted\">" + std::string(tr(ctx.lang, Text::none)) + "</p>";
      return;
    }
    p.out += "<table>";
    p.th(heads);
    for (const ojson& item : *it) {
      p.out += "<tr>";
      for (const char* f : fields) {
        std::string v = str(item, f);
        p.td(v, std::string_view(f) == "severity" ? v : "");
      }
      p.out += "</tr>";
    }
    p.out += "</table>";
  };
  section(Text::findings, "findings", {Text::rule, Text::severity, Text::occurrence, Text::reference, Text::message},
          {"rule", "severity", "occurrence", "ref", "message"});
  section(Text::invitations, "invitations", {Text::body, Text::attendee, Text::rank}, {"body", "to", "rank"});
  section(Text::dropped, "dropped", {Text::body, Text::attendee, Text::rule}, {"body", "attendee", "rule"});
  section(Text::suggested, "suggested_slots", {Text::start, Text::end}, {"start", "end"});
  p.out += "<h2>" + std::string(tr(ctx.lang, Text::notices)) + "</h2>";
  if (notices.empty()) {
    p.out += "<p class=\"muted\">" + std::string(tr(ctx.lang, Text::none)) + "</p>";
  } else {
    p.out += "<table>";
    p.th({Text::kind, Text::recipient, Text::state, Text::attempts, Text::created, Text::sent, Text::error});
    for (const OutboxEntry& n : notices) {
      p.out += "<tr>";
      p.td(n.kind);
      p.td(n.recipient);
      p.td(n.state, n.state == "failed" ? "failing" : "");
      p.td(std::to_string(n.attempts), "num");
      p.td(local_text(ctx.zone, n.created));
      p.td(n.sent_at ? local_text(ctx.zone, *n.sent_at) : "");
      p.td(n.last_error);
      p.out += "</tr>";
    }
    p.out += "</table>";
  }
  return p.close(route);
}

} // namespace kenes::daemon
