#include "check_report.hpp"

namespace kenes::daemon {

namespace cal = kenes::calendar;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

std::string mailto(const std::string& address)
{
  return address.empty() ? std::string() : "mailto:" + address;
}

std::string chair_uri(const std::string& uri)
{
  return mailto(cal::normalize_address(uri));
}

bool is_slot_validity_rule(cal::RuleId r)
{
  return r == cal::RuleId::day_non_working || r == cal::RuleId::day_regime || r == cal::RuleId::hours_government ||
         r == cal::RuleId::hours_interagency;
}

} // namespace

bool has_invalid_slot(const cal::CheckedMeeting& m)
{
  for (const cal::Finding& f : m.findings) {
    if (f.severity == cal::Severity::error && is_slot_validity_rule(f.rule)) {
      return true;
    }
  }
  return false;
}

nlohmann::ordered_json meeting_json(const cal::CheckedMeeting& m, const cal::RegimeZone& zone, cal::Language lang)
{
  ordered_json findings = ordered_json::array();
  for (const cal::Finding& f : m.findings) {
    const cal::RuleInfo& info = cal::rule_info(f.rule);
    findings.push_back({{"rule", info.name},
                        {"severity", cal::to_string(f.severity)},
                        {"occurrence", zone.iso(f.occurrence)},
                        {"ref", info.ref},
                        {"message", cal::render_message(f, lang)}});
  }
  ordered_json invitations = ordered_json::array();
  for (const cal::Invitation& i : m.invitations) {
    invitations.push_back(
      {{"body", i.body->id}, {"to", mailto(i.official->email)}, {"rank", cal::to_string(i.official->rank)}});
  }
  ordered_json dropped = ordered_json::array();
  for (const cal::Dropped& d : m.dropped) {
    dropped.push_back({{"body", d.body ? ordered_json(d.body->id) : ordered_json(nullptr)},
                       {"attendee", chair_uri(d.attendee)},
                       {"rule", cal::rule_info(d.rule).name}});
  }
  ordered_json slots = ordered_json::array();
  for (const cal::Slot& s : m.suggested_slots) {
    slots.push_back({{"start", zone.iso(s.start)}, {"end", zone.iso(s.end)}});
  }
  return {{"uid", m.uid},
          {"recurrence_id", m.recurrence_id ? ordered_json(zone.iso(*m.recurrence_id)) : ordered_json(nullptr)},
          {"summary", m.summary},
          {"start", zone.iso(m.start)},
          {"end", zone.iso(m.end)},
          {"kind", cal::to_string(m.kind)},
          {"format", cal::to_string(m.format)},
          {"chair", chair_uri(m.chair)},
          {"verdict", cal::to_string(m.verdict)},
          {"findings", std::move(findings)},
          {"invitations", std::move(invitations)},
          {"dropped", std::move(dropped)},
          {"suggested_slots", std::move(slots)}};
}

json problem_json(const cal::ReadProblem& p)
{
  return {{"file", p.origin},
          {"uid", p.uid.empty() ? json(nullptr) : json(p.uid)},
          {"message", p.message},
          {"skipped", p.fatal}};
}

void write_meeting_text(std::ostream& out, const cal::CheckedMeeting& m, const cal::RegimeZone& zone,
                        cal::Language lang)
{
  static const char* const k_verdict_mark[] = {"OK", "WARNING", "INVALID"};
  out << k_verdict_mark[static_cast<int>(m.verdict)] << "  " << zone.iso(m.start) << " – " << zone.iso(m.end) << "  "
      << m.summary << "\n";
  out << "    uid " << m.uid << ", " << cal::to_string(m.kind) << ", " << cal::to_string(m.format) << ", chair "
      << cal::normalize_address(m.chair);
  if (m.occurrences > 1) {
    out << ", " << m.occurrences << " occurrences";
  }
  out << "\n";
  for (const cal::Finding& f : m.findings) {
    const cal::RuleInfo& info = cal::rule_info(f.rule);
    out << "    " << cal::to_string(f.severity) << " " << info.name << " [" << info.ref << "] " << zone.iso(f.occurrence)
        << "\n        " << cal::render_message(f, lang) << "\n";
  }
  for (const cal::Invitation& i : m.invitations) {
    out << "    invite  " << i.body->id << ": " << i.official->email << " (" << cal::to_string(i.official->rank)
        << ")\n";
  }
  for (const cal::Dropped& d : m.dropped) {
    out << "    dropped " << (d.body ? d.body->id : std::string("?")) << ": " << cal::normalize_address(d.attendee)
        << " (" << cal::rule_info(d.rule).name << ")\n";
  }
  for (const cal::Slot& s : m.suggested_slots) {
    out << "    suggest " << zone.iso(s.start) << " – " << zone.iso(s.end) << "\n";
  }
  out << "\n";
}

} // namespace kenes::daemon
