// /meetings/{uid} and its API: findings, invited and dropped, suggested slots, notice history.
#include "daemon/admin/admin_pages.hpp"
#include "daemon/base/html.hpp"
#include "daemon/base/log.hpp"

#include "calendar/representation.hpp"
#include "calendar/words.hpp"

namespace kenes::daemon {

namespace cal = kenes::calendar;

namespace {

// A stored finding's message in `lang`: rendered from its rule and arguments (`"args"`, which
// the store keeps beside the message), with topic tags by the directory's names. A meeting stored
// by an earlier version has only the message, in notices.language: shown as it is.
std::string finding_message(const ojson& f, cal::Language lang, const cal::Directory& directory)
{
  auto stored = [&] {
    auto it = f.find("message");
    return it != f.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto rule = f.find("rule");
  auto args = f.find("args");
  if (rule == f.end() || !rule->is_string() || args == f.end() || !args->is_array() || args->size() > 3) {
    return stored();
  }
  std::optional<cal::RuleId> id = cal::parse_rule_id(rule->get<std::string>());
  if (!id) {
    return stored();
  }
  cal::Finding finding{*id, cal::Severity::notice, 0, {}};
  std::string* slots[] = {&finding.args.a, &finding.args.b, &finding.args.c};
  for (std::size_t i = 0; i < args->size(); ++i) {
    if (!(*args)[i].is_string()) {
      return stored();
    }
    *slots[i] = (*args)[i].get<std::string>();
  }
  return cal::render_message(finding, lang, directory);
}

// A stored finding as SPEC §10 has it: rule, severity, occurrence, ref, message (in `lang`), past;
// the stored arguments stay inside. `ref` is the rule's (a row stored before kept its own).
ojson api_finding(const ojson& f, cal::Language lang, const cal::Directory& directory)
{
  ojson out = ojson::object();
  for (const char* key : {"rule", "severity", "occurrence"}) {
    if (auto it = f.find(key); it != f.end()) {
      out[key] = *it;
    }
  }
  auto rule = f.find("rule");
  const std::optional<cal::RuleId> id =
      rule != f.end() && rule->is_string() ? cal::parse_rule_id(rule->get<std::string>()) : std::nullopt;
  if (id) {
    out["ref"] = cal::rule_info(*id).ref;
  } else if (auto ref = f.find("ref"); ref != f.end()) {
    out["ref"] = *ref;
  }
  out["message"] = finding_message(f, lang, directory);
  if (auto past = f.find("past"); past != f.end()) {
    out["past"] = *past;
  }
  return out;
}

} // namespace

// A meeting that left its calendar: when, and its occurrences that took place (what the report
// counts); its notices as for any meeting. Findings and suggestions are of a meeting ahead: none.
AdminResponse AdminPages::removed_meeting_page(const PageContext& ctx, const RemovedMeeting& m,
                                               const std::string& route)
{
  std::vector<OutboxEntry> notices = m_store.outbox(m.uid);
  if (ctx.api) {
    ojson occurrences = ojson::array();
    for (const OccurrenceRow& o : m.occurrences) {
      occurrences.push_back({{"start", ctx.zone.iso(o.start)}, {"end", ctx.zone.iso(o.end)}, {"verdict", o.verdict}});
    }
    ojson list = ojson::array();
    for (const OutboxEntry& n : notices) {
      list.push_back(
          {{"kind", n.kind}, {"recipient", n.recipient}, {"state", n.state}, {"created", utc_iso(n.created)}});
    }
    return json_response({{"uid", m.uid},
                          {"summary", m.summary},
                          {"source", m.source_id},
                          {"removed_at", ctx.zone.iso(m.removed_at)},
                          {"occurrences", occurrences},
                          {"notices", list}},
                         route);
  }
  Page p{ctx.lang, "/meetings/" + url_encode(m.uid), {}};
  p.open(m.summary.empty() ? m.uid : m.summary);
  p.out += "<p class=\"removed\">" + std::string(tr(ctx.lang, Text::removed_on)) + " " +
           html_escape(local_text(ctx.zone, m.removed_at)) + "</p><table><tr><th>" + tr(ctx.lang, Text::source) +
           "</th>";
  p.td_code("", m.source_id);
  p.out += "</tr><tr><th>" + std::string(tr(ctx.lang, Text::uid)) + "</th>";
  p.td_code("", m.uid);
  p.out += "</tr></table><h2>" + std::string(tr(ctx.lang, Text::took_place)) + "</h2><table>";
  p.th({Text::start, Text::end, Text::verdict});
  for (const OccurrenceRow& o : m.occurrences) {
    p.out += "<tr>";
    p.td(local_text(ctx.zone, o.start));
    p.td(local_text(ctx.zone, o.end));
    p.td(verdict_text(ctx.lang, o.verdict), o.verdict);
    p.out += "</tr>";
  }
  p.out += "</table><h2>" + std::string(tr(ctx.lang, Text::notices)) + "</h2><table>";
  p.th({Text::kind, Text::recipient, Text::state, Text::created});
  for (const OutboxEntry& n : notices) {
    p.out += "<tr>";
    p.td(value_text(ctx.lang, "notice", n.kind));
    p.td_code("", n.recipient);
    p.td(value_text(ctx.lang, "state", n.state));
    p.td(local_text(ctx.zone, n.created));
    p.out += "</tr>";
  }
  p.out += "</table>";
  return p.close(route);
}

AdminResponse AdminPages::meeting_page(const PageContext& ctx)
{
  const std::string uid = ctx.page.substr(10);
  std::optional<MeetingRow> m = m_store.meeting(uid);
  const std::string route = ctx.api ? "/api/v1/meetings/{uid}" : "/meetings/{uid}";
  if (!m) {
    if (std::optional<RemovedMeeting> removed = m_store.removed_meeting(uid)) {
      return removed_meeting_page(ctx, *removed, route);
    }
    return ctx.api ? json_response({{"error", "no meeting with this UID"}}, route, 404)
                   : text_response(404, tr(ctx.lang, Text::not_found), route);
  }
  ojson j = ojson::parse(m->json, nullptr, false);
  if (j.is_discarded()) {
    j = ojson::object();
  }
  std::vector<OutboxEntry> notices = m_store.outbox(uid);
  const cal::Directory& directory = *ctx.config.directory;
  if (ctx.api) {
    // SPEC §10's findings, each message in the answer's language; the arguments stay inside.
    if (auto findings = j.find("findings"); findings != j.end() && findings->is_array()) {
      for (ojson& f : *findings) {
        if (f.is_object()) {
          f = api_finding(f, ctx.lang, directory);
        }
      }
    }
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
  // A time of the JSON as a reader sees it ("2026-12-04 10:00").
  auto when = [&](const std::string& iso) {
    std::optional<cal::Instant> t = cal::parse_iso_instant(iso, ctx.zone);
    return t ? ctx.zone.text(*t) : iso;
  };
  // A person by their name in the directory, the address beside it as a code.
  auto person = [&](const std::string& uri) {
    const std::string address = cal::normalize_address(uri);
    std::optional<cal::AddressMatch> match = directory.lookup(address);
    return std::pair<std::string, std::string>(match && match->official ? match->official->name : "", address);
  };
  auto body_name = [&](const std::string& id) {
    const cal::Body* b = directory.body(id);
    return b ? b->display_name(cal::to_string(ctx.lang)) : std::string();
  };
  auto items_of = [&](const char* key, bool past) {
    std::vector<const ojson*> items;
    auto it = j.find(key);
    if (it != j.end() && it->is_array()) {
      for (const ojson& item : *it) {
        if (item.is_object() && item.value("past", false) == past) {
          items.push_back(&item);
        }
      }
    }
    return items;
  };
  // A section's heading, and "none" when it has nothing; true when there is something to list.
  auto heading = [&](Text title, bool any) {
    p.out += "<h2>" + std::string(tr(ctx.lang, title)) + "</h2>";
    if (!any) {
      p.out += "<p class=\"muted\">" + std::string(tr(ctx.lang, Text::none)) + "</p>";
    }
    return any;
  };

  p.out += "<table>";
  auto row = [&](Text key, std::string_view value, std::string_view code = {}, std::string_view cls = {}) {
    p.out += "<tr><th>" + std::string(tr(ctx.lang, key)) + "</th>";
    p.td_code(value, code, cls);
    p.out += "</tr>";
  };
  row(Text::verdict, verdict_text(ctx.lang, m->verdict), {}, m->verdict);
  row(Text::start, when(str(j, "start")));
  row(Text::end, when(str(j, "end")));
  row(Text::kind, value_text(ctx.lang, "kind", str(j, "kind")));
  row(Text::format, value_text(ctx.lang, "format", str(j, "format")));
  const auto [chair_name, chair_address] = person(str(j, "chair"));
  row(Text::chair, chair_name, chair_address);
  row(Text::source, "", m->source_id);
  row(Text::uid, "", uid);
  p.out += "</table>";
  // The findings of occurrences ahead, then of those already over (SPEC §3, they decide nothing).
  for (bool past : {false, true}) {
    std::vector<const ojson*> findings = items_of("findings", past);
    if (!heading(past ? Text::past : Text::findings, !findings.empty())) {
      continue;
    }
    p.out += "<table>";
    p.th({Text::rule, Text::severity, Text::occurrence, Text::reference, Text::message});
    for (const ojson* f : findings) {
      const std::string rule = str(*f, "rule"), severity = str(*f, "severity");
      const std::optional<cal::RuleId> id = cal::parse_rule_id(rule);
      p.out += "<tr>";
      p.td_code(id ? cal::rule_title(*id, ctx.lang) : std::string_view(), rule);
      p.td(value_text(ctx.lang, "severity", severity), severity);
      p.td(when(str(*f, "occurrence")));
      p.td_code(id ? cal::rule_reference(*id, ctx.lang) : std::string_view(), id ? std::string() : str(*f, "ref"));
      p.td(finding_message(*f, ctx.lang, directory));
      p.out += "</tr>";
    }
    p.out += "</table>";
  }
  // Invitations, and who is not invited and why, in a sentence (as the organizer's warning says it).
  std::vector<const ojson*> invitations = items_of("invitations", false);
  std::vector<cal::Invitation> invited;
  if (heading(Text::invitations, !invitations.empty())) {
    p.out += "<table>";
    p.th({Text::body, Text::attendee, Text::rank});
    for (const ojson* i : invitations) {
      const std::string body = str(*i, "body"), rank = str(*i, "rank");
      const auto [name, address] = person(str(*i, "to"));
      p.out += "<tr>";
      p.td_code(body_name(body), body);
      p.td_code(name, address);
      p.td(value_text(ctx.lang, "rank", rank));
      p.out += "</tr>";
      std::optional<cal::AddressMatch> match = directory.lookup(address);
      invited.push_back({directory.body(body), match ? match->official : nullptr});
    }
    p.out += "</table>";
  }
  std::vector<const ojson*> dropped = items_of("dropped", false);
  if (heading(Text::dropped, !dropped.empty())) {
    p.out += "<table>";
    p.th({Text::why, Text::rule});
    for (const ojson* d : dropped) {
      const std::string rule = str(*d, "rule");
      cal::Dropped one{directory.body(str(*d, "body")), str(*d, "attendee"),
                       cal::parse_rule_id(rule).value_or(cal::RuleId::attendance_unknown)};
      p.out += "<tr>";
      p.td(cal::explain_dropped(one, directory, invited, ctx.lang));
      p.td_code("", rule);
      p.out += "</tr>";
    }
    p.out += "</table>";
  }
  std::vector<const ojson*> slots = items_of("suggested_slots", false);
  if (heading(Text::suggested, !slots.empty())) {
    p.out += "<table>";
    p.th({Text::start, Text::end});
    for (const ojson* s : slots) {
      p.out += "<tr>";
      p.td(when(str(*s, "start")));
      p.td(when(str(*s, "end")));
      p.out += "</tr>";
    }
    p.out += "</table>";
  }
  if (heading(Text::notices, !notices.empty())) {
    p.out += "<table>";
    p.th({Text::kind, Text::recipient, Text::state, Text::attempts, Text::created, Text::sent, Text::error});
    for (const OutboxEntry& n : notices) {
      const auto [name, address] = person(n.recipient);
      p.out += "<tr>";
      p.td(value_text(ctx.lang, "notice", n.kind));
      p.td_code(name, address);
      p.td(value_text(ctx.lang, "state", n.state), n.state == "failed" ? "failing" : "");
      p.td(std::to_string(n.attempts), "num");
      p.td(local_text(ctx.zone, n.created));
      p.td(n.sent_at ? local_text(ctx.zone, *n.sent_at) : "");
      p.td_code("", n.last_error); // as the transport gave it
      p.out += "</tr>";
    }
    p.out += "</table>";
  }
  return p.close(route);
}

} // namespace kenes::daemon
