#include "itip.hpp"
#include "ical_digest.hpp"
#include "ical_tree.hpp"
#include "ical_zones.hpp"

#include "ical_ptr.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <deque>
#include <memory>
#include <set>
#include <vector>

namespace kenes::calendar {

namespace {

std::string as_text(icalcomponent* c)
{
  char* s = icalcomponent_as_ical_string_r(c);
  std::string out = s ? s : "";
  free(s);
  return out;
}

std::string as_text(icalproperty* p)
{
  char* s = icalproperty_as_ical_string_r(p);
  std::string out = s ? s : "";
  free(s);
  return out;
}

// Every VEVENT of `uid` in the input, in order.
std::vector<icalcomponent*> events_of(icalcomponent* root, const std::string& uid)
{
  std::vector<icalcomponent*> out;
  auto visit = [&](icalcomponent* cal) {
    for (icalcomponent* ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
      const char* u = icalcomponent_get_uid(ev);
      if (u && uid == u) {
        out.push_back(ev);
      }
    }
  };
  if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
    visit(root);
  } else {
    for (icalcomponent* c = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT); c;
         c = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT)) {
      visit(c);
    }
  }
  return out;
}

// A RECURRENCE-ID's value (with its TZID), as versions() keys its override.
std::string recurrence_key(icalproperty* rid)
{
  std::string line = as_text(rid);
  std::size_t colon = line.find(':');
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.pop_back();
  }
  return line.substr(colon == std::string::npos ? 0 : colon + 1) +
         (line.find("TZID=") != std::string::npos ? " " + line.substr(0, colon) : "");
}

// "" for the master; the RECURRENCE-ID value (with its TZID) for an override.
std::string recurrence_key(icalcomponent* ev)
{
  icalproperty* rid = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY);
  return rid ? recurrence_key(rid) : "";
}

struct IcalPropertyFree
{
  void operator()(icalproperty* p) const { icalproperty_free(p); }
};
using IcalPropertyPtr = std::unique_ptr<icalproperty, IcalPropertyFree>;

// The RECURRENCE-ID an EXDATE names (its value and TZID).
IcalPropertyPtr recurrence_id_for(icalproperty* exdate)
{
  icalproperty* rid = icalproperty_new_recurrenceid(icalproperty_get_exdate(exdate));
  if (icalparameter* tz = icalproperty_get_first_parameter(exdate, ICAL_TZID_PARAMETER)) {
    icalproperty_add_parameter(rid, icalparameter_new_clone(tz));
  }
  return IcalPropertyPtr(rid);
}

// The instant an override's RECURRENCE-ID names (as ical_reader reads it: an Olson TZID in the
// system tz database, another in the file's VTIMEZONE, a floating time in `zone`); none for the
// master.
std::optional<Instant> recurrence_instant(icalcomponent* ev, icalproperty* rid, const RegimeZone* zone)
{
  icaltimetype t = icalproperty_get_recurrenceid(rid);
  if (icaltime_is_null_time(t)) {
    return std::nullopt;
  }
  icaltimezone* z = nullptr;
  if (icaltime_is_utc(t)) {
    z = icaltimezone_get_utc_timezone();
  } else if (icalparameter* p = icalproperty_get_first_parameter(rid, ICAL_TZID_PARAMETER)) {
    if (const char* id = icalparameter_get_tzid(p)) {
      z = builtin_zone(id);
      if (!z) {
        z = builtin_zone_from_tzid(id);
      }
      icalcomponent* cal = icalcomponent_get_parent(ev);
      if (!z && cal) {
        z = icalcomponent_get_timezone(cal, id);
      }
    }
  }
  if (!z) {
    z = zone ? zone->ical() : icaltimezone_get_utc_timezone();
  }
  if (t.is_date) {
    t.hour = t.minute = t.second = 0;
  }
  return static_cast<Instant>(icaltime_as_timet_with_zone(t, z));
}

std::optional<Instant> recurrence_instant(icalcomponent* ev, const RegimeZone* zone)
{
  icalproperty* rid = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY);
  return rid ? recurrence_instant(ev, rid, zone) : std::nullopt;
}

bool is_cancelled(icalcomponent* ev)
{
  return icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED;
}

std::string lower(std::string s)
{
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The ATTENDEEs of `ev`: its version's, else `fallback`.
const std::vector<ItipAttendee>& attendees_of(icalcomponent* ev, const ItipOptions& o)
{
  if (o.versions.empty()) {
    return o.attendees;
  }
  const std::optional<Instant> rid = recurrence_instant(ev, o.zone);
  for (const ItipVersion& v : o.versions) {
    if (v.recurrence_id == rid) {
      return v.attendees;
    }
  }
  return o.attendees;
}

bool lists(const std::vector<ItipAttendee>& attendees, const std::string& address)
{
  return std::any_of(attendees.begin(), attendees.end(),
                     [&](const ItipAttendee& a) { return lower(a.address) == address; });
}

void remove_all(icalcomponent* c, icalproperty_kind kind)
{
  for (icalproperty* p = icalcomponent_get_first_property(c, kind); p; p = icalcomponent_get_first_property(c, kind)) {
    icalcomponent_remove_property(c, p);
    icalproperty_free(p);
  }
}

// For the CANCEL of an occurrence taken out by an EXDATE: the master's VEVENT as that occurrence,
// with `rid` as its RECURRENCE-ID and start, the master's length, and no rule.
icalcomponent* occurrence_of(icalcomponent* master, icalproperty* rid)
{
  icalcomponent* copy = icalcomponent_new_clone(master);
  for (icalproperty_kind k : {ICAL_RRULE_PROPERTY, ICAL_RDATE_PROPERTY, ICAL_EXDATE_PROPERTY, ICAL_EXRULE_PROPERTY,
                              ICAL_RECURRENCEID_PROPERTY, ICAL_DTSTART_PROPERTY, ICAL_DTEND_PROPERTY}) {
    remove_all(copy, k);
  }
  const icaltimetype at = icalproperty_get_recurrenceid(rid);
  auto with_zone_of_rid = [&](icalproperty* p) {
    if (icalparameter* tz = icalproperty_get_first_parameter(rid, ICAL_TZID_PARAMETER)) {
      icalproperty_add_parameter(p, icalparameter_new_clone(tz));
    }
    icalcomponent_add_property(copy, p);
  };
  with_zone_of_rid(icalproperty_new_dtstart(at));
  icalproperty* start = icalcomponent_get_first_property(master, ICAL_DTSTART_PROPERTY);
  icalproperty* end = icalcomponent_get_first_property(master, ICAL_DTEND_PROPERTY);
  if (start && end) {
    // The master's wall-clock length (its DTSTART and DTEND are written in one zone).
    const icaldurationtype length = icaltime_subtract(icalproperty_get_dtend(end), icalproperty_get_dtstart(start));
    with_zone_of_rid(icalproperty_new_dtend(icaltime_add(at, length)));
  }
  icalcomponent_add_property(copy, icalproperty_new_clone(rid));
  return copy;
}

void collect_tzids(icalcomponent* ev, std::set<std::string>& tzids)
{
  for (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_ANY_PROPERTY); p;
       p = icalcomponent_get_next_property(ev, ICAL_ANY_PROPERTY)) {
    if (icalparameter* tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER)) {
      if (const char* id = icalparameter_get_tzid(tz)) {
        tzids.insert(id);
      }
    }
  }
}

icalcomponent* timezone_for(const std::string& tzid, icalcomponent* root)
{
  if (icaltimezone* z = builtin_zone(tzid.c_str())) {
    icalcomponent* c = icalcomponent_new_clone(icaltimezone_get_component(z));
    // The builtin component may carry libical's TZID prefix; the events name the plain id.
    if (icalproperty* id = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY)) {
      icalproperty_set_tzid(id, tzid.c_str());
    }
    return c;
  }
  std::vector<icalcomponent*> cals;
  if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
    cals.push_back(root);
  }
  for (icalcomponent* c = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT); c;
       c = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT)) {
    cals.push_back(c);
  }
  for (icalcomponent* cal : cals) {
    for (icalcomponent* tz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT); tz;
         tz = icalcomponent_get_next_component(cal, ICAL_VTIMEZONE_COMPONENT)) {
      icalproperty* id = icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY);
      if (id && icalproperty_get_tzid(id) && tzid == icalproperty_get_tzid(id)) {
        return icalcomponent_new_clone(tz);
      }
    }
  }
  return nullptr;
}

} // namespace

struct ItipEvent::Impl
{
  std::shared_ptr<const IcalTree> tree; // parsed here, or by read_icalendar
  std::string uid;

  icalcomponent* root() const { return tree ? tree->root : nullptr; }
};

ItipEvent::ItipEvent(std::string_view raw, std::string uid)
  : m_impl(std::make_unique<Impl>())
{
  auto tree = std::make_shared<IcalTree>();
  tree->root = ical_parse(raw).release();
  m_impl->tree = std::move(tree);
  m_impl->uid = std::move(uid);
}

ItipEvent::ItipEvent(std::shared_ptr<const IcalTree> tree, std::string uid)
  : m_impl(std::make_unique<Impl>())
{
  m_impl->tree = std::move(tree);
  m_impl->uid = std::move(uid);
}

ItipEvent::~ItipEvent() = default;

std::map<std::string, std::string> component_versions(std::string_view raw, const std::string& uid)
{
  return ItipEvent(raw, uid).versions();
}

int event_sequence(std::string_view raw, const std::string& uid)
{
  return ItipEvent(raw, uid).sequence();
}

std::optional<std::string> build_itip(std::string_view raw, const ItipOptions& options)
{
  return ItipEvent(raw, options.uid).build(options);
}

std::map<std::string, std::string> ItipEvent::versions() const
{
  return both_versions().all;
}

// Each VEVENT's digest: its property lines but DTSTAMP, LAST-MODIFIED and SEQUENCE, sorted; the
// live one also without EXDATEs, and none for a cancelled override (the same lines in the same
// order without those: one sort serves both).
ItipEvent::Versions ItipEvent::both_versions() const
{
  Versions out;
  icalcomponent* root = m_impl->root();
  if (!root) {
    return out;
  }
  std::deque<std::string> made_here; // texts resource_meaning did not make already
  struct Line
  {
    const std::string* text;
    bool exdate;
  };
  std::vector<Line> lines;
  for (icalcomponent* ev : events_of(root, m_impl->uid)) {
    const std::string key = recurrence_key(ev);
    lines.clear();
    for (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_ANY_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_ANY_PROPERTY)) {
      icalproperty_kind k = icalproperty_isa(p);
      if (k == ICAL_DTSTAMP_PROPERTY || k == ICAL_LASTMODIFIED_PROPERTY || k == ICAL_SEQUENCE_PROPERTY) {
        continue;
      }
      auto made = m_impl->tree->property_texts.find(p);
      const std::string* text =
          made != m_impl->tree->property_texts.end() ? &made->second : &made_here.emplace_back(as_text(p));
      lines.push_back({text, k == ICAL_EXDATE_PROPERTY});
    }
    std::sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return *a.text < *b.text; });
    constexpr std::uint64_t basis = 14695981039346656037ull;
    std::uint64_t all = basis, live = basis;
    for (const Line& l : lines) {
      all = fnv_update(all, *l.text);
      if (!l.exdate) {
        live = fnv_update(live, *l.text);
      }
    }
    out.all[key] = fnv_hex(all);
    if (key.empty() || !is_cancelled(ev)) {
      out.live[key] = fnv_hex(live);
    }
  }
  return out;
}

std::map<std::string, Instant> ItipEvent::cancelled(const RegimeZone* zone) const
{
  std::map<std::string, Instant> out = overrides(zone, true);
  icalcomponent* root = m_impl->root();
  if (!root) {
    return out;
  }
  for (icalcomponent* ev : events_of(root, m_impl->uid)) {
    if (icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY)) {
      continue;
    }
    for (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY)) {
      IcalPropertyPtr rid = recurrence_id_for(p);
      if (std::optional<Instant> at = recurrence_instant(ev, rid.get(), zone)) {
        out[recurrence_key(rid.get())] = *at;
      }
    }
  }
  return out;
}

std::map<std::string, Instant> ItipEvent::overrides(const RegimeZone* zone, bool cancelled_only) const
{
  std::map<std::string, Instant> out;
  icalcomponent* root = m_impl->root();
  if (!root) {
    return out;
  }
  for (icalcomponent* ev : events_of(root, m_impl->uid)) {
    if (icalproperty* rid = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY);
        rid && (!cancelled_only || is_cancelled(ev))) {
      if (std::optional<Instant> at = recurrence_instant(ev, rid, zone)) {
        out[recurrence_key(rid)] = *at;
      }
    }
  }
  return out;
}

int ItipEvent::sequence() const
{
  icalcomponent* root = m_impl->root();
  if (!root) {
    return 0;
  }
  int seq = 0;
  for (icalcomponent* ev : events_of(root, m_impl->uid)) {
    if (recurrence_key(ev).empty()) {
      return icalcomponent_get_sequence(ev);
    }
    seq = std::max(seq, icalcomponent_get_sequence(ev));
  }
  return seq;
}

std::optional<std::string> ItipEvent::build(const ItipOptions& o) const
{
  icalcomponent* root = m_impl->root();
  if (!root || o.uid != m_impl->uid) {
    return std::nullopt;
  }
  std::vector<icalcomponent*> events = events_of(root, o.uid);
  // Each VEVENT with its own version's ATTENDEEs; for one recipient, those that list them.
  std::vector<const std::vector<ItipAttendee>*> attendees;
  for (icalcomponent* ev : events) {
    attendees.push_back(&attendees_of(ev, o));
  }
  const std::string recipient = lower(o.recipient);
  auto listed = [&](std::size_t i) { return recipient.empty() || lists(*attendees[i], recipient); };
  auto in_only = [&](std::size_t i) {
    return std::find(o.only.begin(), o.only.end(), recurrence_key(events[i])) != o.only.end();
  };
  bool keep_only = !o.only.empty();
  for (std::size_t i = 0; i < events.size() && keep_only; ++i) {
    keep_only = !in_only(i) || listed(i);
  }
  // A CANCEL of occurrences an EXDATE took out: the master's VEVENT as each of them.
  std::vector<IcalPtr> occurrences;
  if (o.method == ItipMethod::cancel && !o.only.empty()) {
    for (icalcomponent* ev : events) {
      if (icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY)) {
        continue;
      }
      // Collected first: recurrence_key() below moves the master's property iterator.
      std::vector<icalproperty*> exdates;
      for (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); p;
           p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY)) {
        exdates.push_back(p);
      }
      for (icalproperty* p : exdates) {
        IcalPropertyPtr rid = recurrence_id_for(p);
        const std::string key = recurrence_key(rid.get());
        const bool has_own =
            std::any_of(events.begin(), events.end(), [&](icalcomponent* e) { return recurrence_key(e) == key; });
        if (!has_own && std::find(o.only.begin(), o.only.end(), key) != o.only.end()) {
          occurrences.emplace_back(occurrence_of(ev, rid.get()));
        }
      }
    }
    for (const IcalPtr& occurrence : occurrences) {
      events.push_back(occurrence.get());
    }
    attendees.resize(events.size(), &o.attendees);
  }
  std::vector<std::size_t> sent;
  std::vector<icalproperty*> left_out; // the RECURRENCE-IDs of overrides that do not list the recipient
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (!listed(i)) {
      if (icalproperty* rid = icalcomponent_get_first_property(events[i], ICAL_RECURRENCEID_PROPERTY)) {
        left_out.push_back(rid);
      }
    } else if (!keep_only || in_only(i)) {
      sent.push_back(i);
    }
  }
  if (sent.empty()) {
    return std::nullopt;
  }
  IcalPtr cal(icalcomponent_new(ICAL_VCALENDAR_COMPONENT));
  icalcomponent_add_property(cal.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(cal.get(), icalproperty_new_prodid("-//kenes//kenesd//RU"));
  icalcomponent_add_property(cal.get(), icalproperty_new_calscale("GREGORIAN"));
  icalcomponent_add_property(
      cal.get(), icalproperty_new_method(o.method == ItipMethod::request ? ICAL_METHOD_REQUEST : ICAL_METHOD_CANCEL));
  std::set<std::string> tzids;
  std::vector<icalcomponent*> out_events;
  const icaltimetype stamp =
      icaltime_from_timet_with_zone(static_cast<time_t>(o.dtstamp), 0, icaltimezone_get_utc_timezone());
  for (std::size_t i : sent) {
    icalcomponent* ev = events[i];
    icalcomponent* copy = icalcomponent_new_clone(ev);
    if (!icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY)) {
      for (icalproperty* rid : left_out) {
        icalproperty* exdate = icalproperty_new_exdate(icalproperty_get_recurrenceid(rid));
        if (icalparameter* tz = icalproperty_get_first_parameter(rid, ICAL_TZID_PARAMETER)) {
          icalproperty_add_parameter(exdate, icalparameter_new_clone(tz));
        }
        icalcomponent_add_property(copy, exdate);
      }
    }
    remove_all(copy, ICAL_ATTENDEE_PROPERTY);
    remove_all(copy, ICAL_SEQUENCE_PROPERTY);
    remove_all(copy, ICAL_DTSTAMP_PROPERTY);
    // kenes's own note of what the read repaired is for its check and pages, not for the
    // representatives' calendars (the repaired text itself goes: it is what they should read).
    remove_x_properties(copy, k_repaired_property);
    icalcomponent_add_property(copy, icalproperty_new_sequence(o.sequence));
    icalcomponent_add_property(copy, icalproperty_new_dtstamp(stamp));
    if (o.method == ItipMethod::cancel) {
      remove_all(copy, ICAL_STATUS_PROPERTY);
      icalcomponent_add_property(copy, icalproperty_new_status(ICAL_STATUS_CANCELLED));
    }
    for (const ItipAttendee& a : *attendees[i]) {
      std::string uri = "mailto:" + a.address;
      icalproperty* p = icalproperty_new_attendee(uri.c_str());
      if (!a.name.empty()) {
        icalproperty_add_parameter(p, icalparameter_new_cn(a.name.c_str()));
      }
      icalproperty_add_parameter(p, icalparameter_new_role(a.chair ? ICAL_ROLE_CHAIR : ICAL_ROLE_REQPARTICIPANT));
      icalproperty_add_parameter(
          p, icalparameter_new_partstat(a.chair ? ICAL_PARTSTAT_ACCEPTED : ICAL_PARTSTAT_NEEDSACTION));
      if (!a.chair) {
        icalproperty_add_parameter(p, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
      }
      icalcomponent_add_property(copy, p);
    }
    if (!o.conference_url.empty()) {
      remove_all(copy, ICAL_URL_PROPERTY);
      icalcomponent_add_property(copy, icalproperty_new_url(o.conference_url.c_str()));
      std::string line = "CONFERENCE;VALUE=URI;FEATURE=VIDEO:" + o.conference_url;
      if (icalproperty* conf = icalproperty_new_from_string(line.c_str())) {
        icalcomponent_add_property(copy, conf);
      }
    }
    collect_tzids(copy, tzids);
    out_events.push_back(copy);
  }
  // The zones' rules from the first start sent on: the system's Asia/Almaty alone holds a century
  // of history that no client needs for a meeting in 2027.
  icaltimetype first = icaltime_null_time();
  for (icalcomponent* ev : out_events) {
    // The copies have no VCALENDAR: libical looks their TZID up in the tz database itself.
    std::unique_lock lock = zones_lock();
    icaltimetype start = icalcomponent_get_dtstart(ev);
    if (icaltime_is_null_time(start) || start.is_date) {
      continue;
    }
    icaltimetype utc = icaltime_convert_to_zone(start, icaltimezone_get_utc_timezone());
    lock.unlock();
    if (icaltime_is_null_time(first) || icaltime_compare(utc, first) < 0) {
      first = utc;
    }
  }
  for (const std::string& tzid : tzids) {
    if (icalcomponent* tz = timezone_for(tzid, root)) {
      if (!icaltime_is_null_time(first)) {
        icaltimezone_truncate_vtimezone(tz, first, icaltime_null_time(), 1);
      }
      icalcomponent_add_component(cal.get(), tz);
    }
  }
  for (icalcomponent* ev : out_events) {
    icalcomponent_add_component(cal.get(), ev);
  }
  return as_text(cal.get());
}

} // namespace kenes::calendar
