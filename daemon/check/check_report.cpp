#include "daemon/check/check_report.hpp"

#include "calendar/text.hpp"
#include "calendar/words.hpp"

namespace kenes::daemon {

namespace cal = kenes::calendar;
using nlohmann::json;

namespace {

std::string mailto(const std::string& address)
{
  return address.empty() ? std::string() : "mailto:" + address;
}

std::string chair_uri(const std::string& uri)
{
  return mailto(cal::normalize_address(uri));
}

// Writes JSON text the way nlohmann::json::dump() does: compact, non-ASCII as is, control
// characters escaped. Malformed UTF-8 (from a calendar) is written as nlohmann's
// error_handler_t::replace writes it, each bad sequence as U+FFFD, so one bad byte never loses
// the document.
class JsonWriter
{
public:
  explicit JsonWriter(std::string& out)
    : m_out(out)
  {
  }

  enum class Quoted { no, already };

  void string(std::string_view s, Quoted quoted = Quoted::no)
  {
    if (quoted == Quoted::already) {
      m_out += s;
      return;
    }
    if (!cal::valid_utf8(s)) {
      string(nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), Quoted::already);
      return;
    }
    m_out += '"';
    std::size_t run = 0; // start of the characters not yet copied
    for (std::size_t i = 0; i < s.size(); ++i) {
      auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      m_out.append(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
      case '"':
        m_out += "\\\"";
        break;
      case '\\':
        m_out += "\\\\";
        break;
      case '\b':
        m_out += "\\b";
        break;
      case '\f':
        m_out += "\\f";
        break;
      case '\n':
        m_out += "\\n";
        break;
      case '\r':
        m_out += "\\r";
        break;
      case '\t':
        m_out += "\\t";
        break;
      default: {
        static const char* const hex = "0123456789abcdef";
        char buf[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        m_out.append(buf, sizeof buf);
        break;
      }
      }
    }
    m_out.append(s.data() + run, s.size() - run);
    m_out += '"';
  }

  // "key":
  void key(std::string_view k, bool first = false)
  {
    if (!first) {
      m_out += ',';
    }
    m_out += '"';
    m_out += k;
    m_out += "\":";
  }

  void raw(std::string_view s) { m_out += s; }

private:
  std::string& m_out;
};

} // namespace

void append_meeting_json(std::string& out, const cal::CheckedMeeting& m, const cal::RegimeZone& zone,
                         cal::Language lang, const cal::Directory& directory, MeetingJsonFor reader)
{
  JsonWriter w(out);
  auto object_array = [&](std::string_view name, const auto& items, auto&& write_item) {
    w.key(name);
    w.raw("[");
    bool first = true;
    for (const auto& item : items) {
      w.raw(first ? "{" : ",{");
      write_item(item);
      w.raw("}");
      first = false;
    }
    w.raw("]");
  };
  w.raw("{");
  w.key("uid", true);
  w.string(m.uid);
  w.key("recurrence_id");
  if (m.recurrence_id) {
    w.string(zone.iso(*m.recurrence_id));
  } else {
    w.raw("null");
  }
  w.key("summary");
  w.string(m.summary);
  w.key("start");
  w.string(zone.iso(m.start));
  w.key("end");
  w.string(zone.iso(m.end));
  w.key("kind");
  w.string(cal::to_string(m.kind));
  w.key("format");
  w.string(cal::to_string(m.format));
  w.key("chair");
  w.string(chair_uri(m.chair));
  w.key("verdict");
  w.string(cal::to_string(m.verdict));
  object_array("findings", m.findings, [&](const cal::Finding& f) {
    const cal::RuleInfo& info = cal::rule_info(f.rule);
    w.key("rule", true);
    w.string(info.name);
    w.key("severity");
    w.string(cal::to_string(f.severity));
    w.key("occurrence");
    w.string(zone.iso(f.occurrence));
    if (reader == MeetingJsonFor::report) { // the store's readers render both from the rule and args
      w.key("ref");
      w.string(info.ref);
      w.key("message");
      w.string(cal::render_message(f, lang, directory));
    }
    w.key("past");
    w.raw(f.past ? "true" : "false");
    if (reader == MeetingJsonFor::store) {
      const std::string* args[] = {&f.args.a, &f.args.b, &f.args.c};
      std::size_t n = 3;
      while (n > 0 && args[n - 1]->empty()) {
        --n;
      }
      w.key("args");
      w.raw("[");
      for (std::size_t i = 0; i < n; ++i) {
        w.raw(i == 0 ? "" : ",");
        w.string(*args[i]);
      }
      w.raw("]");
    }
  });
  auto invitation = [&](const cal::Invitation& i) {
    w.key("body", true);
    w.string(i.body->id);
    w.key("to");
    w.string(mailto(i.official->email));
    w.key("rank");
    w.string(cal::to_string(i.official->rank));
  };
  auto dropped = [&](const cal::Dropped& d) {
    w.key("body", true);
    if (d.body) {
      w.string(d.body->id);
    } else {
      w.raw("null");
    }
    w.key("attendee");
    w.string(chair_uri(d.attendee));
    w.key("rule");
    w.string(cal::rule_info(d.rule).name);
  };
  object_array("invitations", m.invitations, invitation);
  object_array("dropped", m.dropped, dropped);
  if (m.versions.size() > 1) {
    std::vector<const cal::CheckedVersion*> overrides;
    for (std::size_t i = 1; i < m.versions.size(); ++i) {
      overrides.push_back(&m.versions[i]);
    }
    object_array("versions", overrides, [&](const cal::CheckedVersion* v) {
      w.key("recurrence_id", true);
      if (v->recurrence_id) {
        w.string(zone.iso(*v->recurrence_id));
      } else {
        w.raw("null");
      }
      object_array("invitations", v->invitations, invitation);
      object_array("dropped", v->dropped, dropped);
    });
  }
  object_array("suggested_slots", m.suggested_slots, [&](const cal::Slot& s) {
    w.key("start", true);
    w.string(zone.iso(s.start));
    w.key("end");
    w.string(zone.iso(s.end));
  });
  w.raw("}");
}

json problem_json(const cal::ReadProblem& p)
{
  return {{"file", p.origin},
          {"uid", p.uid.empty() ? json(nullptr) : json(p.uid)},
          {"message", p.message},
          {"skipped", p.fatal}};
}

void write_meeting_text(std::ostream& out, const cal::CheckedMeeting& m, const cal::RegimeZone& zone,
                        cal::Language lang, const cal::Directory& directory)
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
    out << "    " << (f.past ? "past " : "") << cal::to_string(f.severity) << " " << cal::rule_title(f.rule, lang)
        << " [" << cal::rule_reference(f.rule, lang) << "] " << zone.iso(f.occurrence) << "\n        "
        << cal::render_message(f, lang, directory) << "\n";
  }
  for (const cal::Invitation& i : m.invitations) {
    out << "    invite  " << i.body->id << ": " << i.official->email << " (" << cal::to_string(i.official->rank)
        << ")\n";
  }
  for (const cal::Dropped& d : m.dropped) {
    out << "    dropped " << (d.body ? d.body->id : std::string("?")) << ": " << cal::normalize_address(d.attendee)
        << " (" << cal::rule_title(d.rule, lang) << ")\n";
  }
  for (std::size_t v = 1; v < m.versions.size(); ++v) {
    const cal::CheckedVersion& cv = m.versions[v];
    const std::string rid = cv.recurrence_id ? zone.iso(*cv.recurrence_id) : std::string("?");
    for (const cal::Invitation& i : cv.invitations) {
      out << "    " << rid << " invite  " << i.body->id << ": " << i.official->email << " ("
          << cal::to_string(i.official->rank) << ")\n";
    }
    for (const cal::Dropped& d : cv.dropped) {
      out << "    " << rid << " dropped " << (d.body ? d.body->id : std::string("?")) << ": "
          << cal::normalize_address(d.attendee) << " (" << cal::rule_title(d.rule, lang) << ")\n";
    }
  }
  for (const cal::Slot& s : m.suggested_slots) {
    out << "    suggest " << zone.iso(s.start) << " – " << zone.iso(s.end) << "\n";
  }
  out << "\n";
}

} // namespace kenes::daemon
