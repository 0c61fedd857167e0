#include "ical_digest.hpp"

#include "ical_ptr.hpp"
#include "ical_tree.hpp"

#include <libical/ical.h>
#include <strings.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <unordered_map>

namespace kenes::calendar {

namespace {

IcalPtr parse(std::string_view text, ParseRepairs* repairs = nullptr)
{
  if (text.find("BEGIN:VCALENDAR") == std::string_view::npos &&
      text.find("begin:vcalendar") == std::string_view::npos) {
    return nullptr;
  }
  return ical_parse(text, repairs);
}

std::string as_text(icalcomponent* c)
{
  char* s = icalcomponent_as_ical_string_r(c);
  std::string text = s ? s : "";
  free(s);
  return text;
}

// What the parse repaired in this VEVENT, said in the event itself (X-KENES-REPAIRED): its text is
// stored repaired, and the reader reports the note for the event at every check.
std::vector<std::string> repair_notes(icalcomponent* vevent, const std::string& text, const ParseRepairs& repairs)
{
  std::vector<std::string> notes;
  if (!repairs.utf8_properties.empty() && text.find("\xEF\xBF\xBD") != std::string::npos) {
    // Only this event's own repaired properties: the file's list names the others' too, and a
    // note that changed with another event's text would make this one look changed.
    auto has_repaired = [&](const std::string& wanted) {
      bool found = false;
      for (icalproperty* p = icalcomponent_get_first_property(vevent, ICAL_ANY_PROPERTY); p && !found;
           p = icalcomponent_get_next_property(vevent, ICAL_ANY_PROPERTY)) {
        char* name = icalproperty_get_property_name_r(p);
        if (name && strcasecmp(name, wanted.c_str()) == 0) {
          char* line = icalproperty_as_ical_string_r(p);
          found = line && std::strstr(line, "\xEF\xBF\xBD");
          free(line);
        }
        free(name);
      }
      return found;
    };
    std::string names;
    for (const std::string& n : repairs.utf8_properties) {
      if (has_repaired(n)) {
        names += (names.empty() ? "" : ", ") + n;
      }
    }
    if (!names.empty()) {
      notes.push_back("invalid UTF-8 in " + names + " replaced with U+FFFD");
    }
  }
  if (icalproperty* start = icalcomponent_get_first_property(vevent, ICAL_DTSTART_PROPERTY)) {
    if (icalparameter* p = icalproperty_get_first_parameter(start, ICAL_TZID_PARAMETER)) {
      const char* tzid = icalparameter_get_tzid(p);
      auto it = tzid ? repairs.removed_zones.find(tzid) : repairs.removed_zones.end();
      if (it != repairs.removed_zones.end()) {
        notes.push_back(zone_not_used(it->first, it->second));
      }
    }
  }
  return notes;
}

bool ignored(icalproperty* p)
{
  switch (icalproperty_isa(p)) {
  case ICAL_DTSTAMP_PROPERTY:
  case ICAL_LASTMODIFIED_PROPERTY:
  case ICAL_PRODID_PROPERTY:
    return true;
  default:
    return false;
  }
}

std::string property_text(icalproperty* p)
{
  char* s = icalproperty_as_ical_string_r(p);
  std::string text = s ? s : "";
  free(s);
  return text;
}

// Canonical text of a component: its kind, its property lines sorted, its subcomponents'
// canonical texts sorted. With `texts`, every property's text is kept there too (IcalTree).
std::string canonical(icalcomponent* c, std::unordered_map<const icalproperty*, std::string>* texts)
{
  std::deque<std::string> own; // the texts, when `texts` does not keep them
  std::vector<const std::string*> props;
  std::size_t size = 0;
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
       p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
    const bool left_out = ignored(p);
    if (left_out && !texts) {
      continue;
    }
    const std::string& text =
        texts ? texts->emplace(p, property_text(p)).first->second : own.emplace_back(property_text(p));
    if (!left_out) {
      props.push_back(&text);
      size += text.size();
    }
  }
  std::vector<std::string> subs;
  for (icalcomponent* s = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); s;
       s = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
    subs.push_back(canonical(s, texts));
    size += subs.back().size();
  }
  std::sort(props.begin(), props.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
  std::sort(subs.begin(), subs.end());
  const char* kind = icalcomponent_kind_to_string(icalcomponent_isa(c));
  std::string out;
  out.reserve(size + std::strlen(kind) + 12);
  out += "BEGIN:";
  out += kind;
  out += "\n";
  for (const std::string* p : props) {
    out += *p;
  }
  for (const std::string& s : subs) {
    out += s;
  }
  out += "END\n";
  return out;
}

std::string digest(std::string_view s)
{
  return fnv_digest(s);
}

std::vector<icalcomponent*> calendars_of(icalcomponent* root)
{
  std::vector<icalcomponent*> out;
  if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
    out.push_back(root);
    return out;
  }
  for (icalcomponent* c = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT); c;
       c = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT)) {
    out.push_back(c);
  }
  return out;
}

} // namespace

std::uint64_t fnv_update(std::uint64_t h, std::string_view s)
{
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string fnv_hex(std::uint64_t h)
{
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) {
    out[static_cast<std::size_t>(i)] = k_hex[h & 0xf];
  }
  return out;
}

std::string fnv_digest(std::string_view s, std::uint64_t basis)
{
  return fnv_hex(fnv_update(basis, s));
}

ResourceMeaning resource_meaning(std::string_view ics, std::shared_ptr<IcalTree>* keep)
{
  ResourceMeaning m;
  ParseRepairs repairs;
  IcalPtr root = parse(ics, &repairs);
  auto cals = root ? calendars_of(root.get()) : std::vector<icalcomponent*>{};
  if (cals.empty()) {
    m.digest = digest(ics);
    return m;
  }
  m.parsed = true;
  std::unordered_map<const icalproperty*, std::string> texts; // for the kept tree
  std::vector<std::string> parts;
  for (icalcomponent* cal : cals) {
    parts.push_back(canonical(cal, keep ? &texts : nullptr));
    for (icalcomponent* ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
      const char* uid = icalcomponent_get_uid(ev);
      std::string u = uid ? uid : "";
      if (std::find(m.uids.begin(), m.uids.end(), u) == m.uids.end()) {
        m.uids.push_back(u);
      }
    }
  }
  std::sort(parts.begin(), parts.end());
  std::uint64_t all = 14695981039346656037ull; // the digest of the parts one after the other
  for (const std::string& p : parts) {
    all = fnv_update(all, p);
  }
  m.digest = fnv_hex(all);
  // A text the parse had to repair is not handed over: the check parses it again, to report the
  // repairs for its events (ReadResult problems).
  if (keep && repairs.utf8_properties.empty() && repairs.removed_zones.empty()) {
    auto tree = std::make_shared<IcalTree>(); // allocated before the root is handed over
    tree->root = root.release();
    tree->property_texts = std::move(texts);
    *keep = std::move(tree);
  }
  return m;
}

std::vector<UidPart> split_by_uid(std::string_view ics)
{
  std::vector<UidPart> out;
  ParseRepairs repairs;
  IcalPtr root = parse(ics, &repairs);
  if (!root) {
    return out;
  }
  std::string timezones;
  std::vector<std::string> order;
  std::map<std::string, std::string> events;
  for (icalcomponent* cal : calendars_of(root.get())) {
    for (icalcomponent* c = icalcomponent_get_first_component(cal, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(cal, ICAL_ANY_COMPONENT)) {
      icalcomponent_kind k = icalcomponent_isa(c);
      if (k != ICAL_VTIMEZONE_COMPONENT && k != ICAL_VEVENT_COMPONENT) {
        continue;
      }
      std::string text = as_text(c);
      if (k == ICAL_VTIMEZONE_COMPONENT) {
        timezones += text;
        continue;
      }
      // The note is kenes's own: one the file brought is an outside claim, and it goes.
      const bool forged = remove_x_properties(c, k_repaired_property) > 0;
      std::vector<std::string> notes = repair_notes(c, text, repairs);
      if (forged || !notes.empty()) {
        for (const std::string& n : notes) {
          icalproperty* note = icalproperty_new_x(n.c_str());
          icalproperty_set_x_name(note, k_repaired_property);
          icalcomponent_add_property(c, note);
        }
        text = as_text(c);
      }
      const char* uid = icalcomponent_get_uid(c);
      std::string u = uid ? uid : "";
      auto [it, inserted] = events.try_emplace(u);
      if (inserted) {
        order.push_back(u);
      }
      it->second += text;
    }
  }
  for (const std::string& u : order) {
    out.push_back({u, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kenes//split//EN\r\n" + timezones + events[u] +
                          "END:VCALENDAR\r\n"});
  }
  return out;
}

} // namespace kenes::calendar
