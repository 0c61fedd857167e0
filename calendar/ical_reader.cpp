#include "ical_reader.hpp"
#include "ical_tree.hpp"
#include "ical_zones.hpp"

#include "text.hpp"

#include "ical_ptr.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

namespace kenes::calendar {

namespace {

struct RecurIteratorDeleter
{
  void operator()(icalrecur_iterator* i) const { icalrecur_iterator_free(i); }
};

std::string str(const char* s)
{
  return s ? std::string(s) : std::string();
}

// Resolves the zone of a time property: a TZID naming a zone of the system tz database is read
// there (a stale VTIMEZONE in the file must not move a meeting); other TZIDs use the calendar's
// VTIMEZONE; floating times and unknown TZIDs use the regime zone.
class ZoneResolver
{
public:
  ZoneResolver(icalcomponent* vcalendar, const RegimeZone& regime, const ParseRepairs* repairs = nullptr)
    : m_vcalendar(vcalendar)
    , m_regime(regime)
    , m_repairs(repairs)
  {
  }

  // Why the calendar's VTIMEZONE of this TZID was not used (ical_parse removed it), or nothing.
  const std::string* removed(const char* tzid) const
  {
    if (!m_repairs || !tzid) {
      return nullptr;
    }
    auto it = m_repairs->removed_zones.find(tzid);
    return it == m_repairs->removed_zones.end() ? nullptr : &it->second;
  }

  icaltimezone* zone(const char* tzid, bool& known)
  {
    known = true;
    if (!tzid || !*tzid) {
      return m_regime.ical();
    }
    auto [it, inserted] = m_cache.try_emplace(tzid, nullptr);
    if (inserted) {
      it->second = lookup(tzid);
    }
    if (!it->second) {
      known = false;
      return m_regime.ical();
    }
    return it->second;
  }

private:
  icaltimezone* lookup(const char* tzid)
  {
    std::string_view id(tzid);
    if (id.find("..") == std::string_view::npos) {
      if (icaltimezone* z = builtin_zone(tzid)) {
        return z;
      }
      if (icaltimezone* z = builtin_zone_from_tzid(tzid)) {
        return z;
      }
    }
    if (m_vcalendar) {
      return icalcomponent_get_timezone(m_vcalendar, tzid);
    }
    return nullptr;
  }

  icalcomponent* m_vcalendar;
  const RegimeZone& m_regime;
  const ParseRepairs* m_repairs;
  std::unordered_map<std::string, icaltimezone*> m_cache;
};

struct TimeValue
{
  icaltimetype local{}; // as written, with its zone attached
  icaltimezone* zone = nullptr;
  Instant instant = 0;
  bool valid = false;
  bool date_only = false;
  bool unknown_tzid = false;
  std::string tzid; // when unknown
};

TimeValue resolve_time(icaltimetype t, icalproperty* prop, ZoneResolver& zones)
{
  TimeValue v;
  if (icaltime_is_null_time(t) || !icaltime_is_valid_time(t)) {
    return v;
  }
  v.valid = true;
  v.date_only = t.is_date != 0;
  if (icaltime_is_utc(t)) {
    v.zone = icaltimezone_get_utc_timezone();
  } else {
    const char* tzid = nullptr;
    if (icalparameter* p = icalproperty_get_first_parameter(prop, ICAL_TZID_PARAMETER)) {
      tzid = icalparameter_get_tzid(p);
    }
    bool known = true;
    v.zone = zones.zone(tzid, known);
    v.unknown_tzid = !known;
    if (!known && tzid) {
      v.tzid = tzid;
    }
  }
  v.local = t;
  v.local.zone = v.zone;
  if (v.date_only) {
    v.local.hour = v.local.minute = v.local.second = 0;
  }
  v.instant = static_cast<Instant>(icaltime_as_timet_with_zone(t, v.zone));
  return v;
}

std::string x_param(icalproperty* prop, std::string_view name)
{
  for (icalparameter* p = icalproperty_get_first_parameter(prop, ICAL_X_PARAMETER); p;
       p = icalproperty_get_next_parameter(prop, ICAL_X_PARAMETER)) {
    const char* n = icalparameter_get_xname(p);
    if (n && ascii_lower(n) == ascii_lower(name)) {
      return str(icalparameter_get_xvalue(p));
    }
  }
  return {};
}

Attendee read_attendee(icalproperty* prop)
{
  Attendee a;
  a.uri = std::string(trim(str(icalproperty_get_attendee(prop))));
  a.address = normalize_address(a.uri);
  if (icalparameter* p = icalproperty_get_first_parameter(prop, ICAL_CN_PARAMETER)) {
    a.name = str(icalparameter_get_cn(p));
  }
  if (icalparameter* p = icalproperty_get_first_parameter(prop, ICAL_ROLE_PARAMETER)) {
    switch (icalparameter_get_role(p)) {
    case ICAL_ROLE_CHAIR:
      a.role = AttendeeRole::chair;
      break;
    case ICAL_ROLE_OPTPARTICIPANT:
      a.role = AttendeeRole::opt_participant;
      break;
    case ICAL_ROLE_NONPARTICIPANT:
      a.role = AttendeeRole::non_participant;
      break;
    default:
      a.role = AttendeeRole::req_participant;
      break;
    }
  }
  if (icalparameter* p = icalproperty_get_first_parameter(prop, ICAL_PARTSTAT_PARAMETER)) {
    const char* s = icalparameter_enum_to_string(icalparameter_get_partstat(p));
    a.partstat = s ? ascii_lower(s) : std::string();
    for (char& c : a.partstat) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  a.speaker = ascii_lower(x_param(prop, "X-KENES-SPEAKER")) == "true";
  a.substitution_approved = ascii_lower(x_param(prop, "X-KENES-SUBSTITUTION")) == "approved";
  a.remote = ascii_lower(x_param(prop, "X-KENES-MODE")) == "remote";
  return a;
}

void split_categories(std::string_view value, std::vector<std::string>& out)
{
  std::size_t pos = 0;
  while (pos <= value.size()) {
    auto comma = value.find(',', pos);
    auto piece = trim(value.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    if (!piece.empty()) {
      out.emplace_back(piece);
    }
    if (comma == std::string_view::npos) {
      break;
    }
    pos = comma + 1;
  }
}

// One VEVENT as read, before the VEVENTs of a UID are put together.
struct RawEvent
{
  EventData data;
  TimeValue start;
  Instant end = 0;
  Instant duration = 0;
  std::optional<Instant> recurrence_id;
  std::vector<icalproperty*> rrules, rdates, exdates; // valid only while the VEVENT is alive
  bool has_recurrence = false;                        // RRULE or RDATE present
  std::vector<std::pair<Instant, Instant>> generated; // occurrences of a master, inside the horizon
  bool capped = false;
  bool beyond_horizon = false; // a rule of the master had an occurrence at or after the horizon's end
};

class EventReader
{
public:
  EventReader(ZoneResolver& zones, const std::string& origin, ReadResult& result, RepairNotes repair_notes)
    : m_zones(zones)
    , m_origin(origin)
    , m_result(result)
    , m_repair_notes(repair_notes)
  {
  }

  // Returns false when the event is skipped (the problem is recorded).
  bool read(icalcomponent* vevent, RawEvent& ev);

private:
  void problem(const std::string& uid, std::string message, bool fatal)
  {
    m_result.problems.push_back({m_origin, uid, std::move(message), fatal});
  }

  ZoneResolver& m_zones;
  const std::string& m_origin;
  ReadResult& m_result;
  RepairNotes m_repair_notes;
};

bool EventReader::read(icalcomponent* vevent, RawEvent& ev)
{
  EventData& d = ev.data;
  icalproperty* dtstart = nullptr;
  icalproperty* dtend = nullptr;
  icalproperty* duration = nullptr;
  icalproperty* rid = nullptr;
  std::string first_error;
  std::vector<std::string> notes; // X-KENES-REPAIRED: what split_by_uid's parse repaired
  for (icalproperty* p = icalcomponent_get_first_property(vevent, ICAL_ANY_PROPERTY); p;
       p = icalcomponent_get_next_property(vevent, ICAL_ANY_PROPERTY)) {
    switch (icalproperty_isa(p)) {
    case ICAL_UID_PROPERTY:
      d.uid = std::string(trim(str(icalproperty_get_uid(p))));
      break;
    case ICAL_SUMMARY_PROPERTY:
      d.summary = str(icalproperty_get_summary(p));
      break;
    case ICAL_DESCRIPTION_PROPERTY:
      d.description = str(icalproperty_get_description(p));
      break;
    case ICAL_LOCATION_PROPERTY:
      d.location = str(icalproperty_get_location(p));
      break;
    case ICAL_URL_PROPERTY:
      d.url = str(icalproperty_get_url(p));
      break;
    case ICAL_ATTACH_PROPERTY:
      d.has_attach = true;
      break;
    case ICAL_CONFERENCE_PROPERTY:
      d.has_conference = true;
      break;
    case ICAL_STATUS_PROPERTY:
      d.cancelled = icalproperty_get_status(p) == ICAL_STATUS_CANCELLED;
      break;
    case ICAL_TRANSP_PROPERTY:
      d.transparent = icalproperty_get_transp(p) == ICAL_TRANSP_TRANSPARENT;
      break;
    case ICAL_SEQUENCE_PROPERTY:
      d.sequence = icalproperty_get_sequence(p);
      break;
    case ICAL_CREATED_PROPERTY: {
      TimeValue t = resolve_time(icalproperty_get_created(p), p, m_zones);
      if (t.valid) {
        d.created = t.instant;
      }
      break;
    }
    case ICAL_ORGANIZER_PROPERTY:
      d.organizer_uri = std::string(trim(str(icalproperty_get_organizer(p))));
      d.organizer_address = normalize_address(d.organizer_uri);
      break;
    case ICAL_ATTENDEE_PROPERTY:
      d.attendees.push_back(read_attendee(p));
      break;
    case ICAL_CATEGORIES_PROPERTY:
      split_categories(str(icalproperty_get_categories(p)), d.categories);
      break;
    case ICAL_DTSTART_PROPERTY:
      dtstart = p;
      break;
    case ICAL_DTEND_PROPERTY:
      dtend = p;
      break;
    case ICAL_DURATION_PROPERTY:
      duration = p;
      break;
    case ICAL_RECURRENCEID_PROPERTY:
      rid = p;
      break;
    case ICAL_RRULE_PROPERTY:
      ev.rrules.push_back(p);
      break;
    case ICAL_RDATE_PROPERTY:
      ev.rdates.push_back(p);
      break;
    case ICAL_EXDATE_PROPERTY:
      ev.exdates.push_back(p);
      break;
    case ICAL_XLICERROR_PROPERTY:
      if (first_error.empty()) {
        first_error = str(icalproperty_get_xlicerror(p));
      }
      break;
    case ICAL_X_PROPERTY: {
      std::string name = ascii_lower(str(icalproperty_get_x_name(p)));
      std::string value(trim(str(icalproperty_get_value_as_string(p))));
      if (name == "x-kenes-kind") {
        d.x_kind = ascii_lower(value);
      } else if (name == "x-kenes-format") {
        d.x_format = ascii_lower(value);
      } else if (name == "x-kenes-kso") {
        d.x_kso = value;
      } else if (name == "x-kenes-topic") {
        split_categories(value, d.x_topics);
      } else if (name == "conference") {
        d.has_conference = true;
      } else if (name == ascii_lower(k_repaired_property) && m_repair_notes == RepairNotes::report) {
        notes.push_back(value);
      }
      break;
    }
    default:
      break;
    }
  }

  const std::string& uid = d.uid;
  if (uid.empty()) {
    problem(uid, "VEVENT without UID skipped", true);
    return false;
  }
  if (!first_error.empty()) {
    problem(uid, "malformed property ignored: " + first_error, false);
  }
  for (const std::string& n : notes) {
    problem(uid, n, false);
  }
  if (!dtstart) {
    problem(uid, "VEVENT without DTSTART skipped", true);
    return false;
  }
  ev.start = resolve_time(icalproperty_get_dtstart(dtstart), dtstart, m_zones);
  if (!ev.start.valid) {
    problem(uid, "VEVENT with an invalid DTSTART skipped", true);
    return false;
  }
  if (ev.start.unknown_tzid) {
    if (const std::string* why = m_zones.removed(ev.start.tzid.c_str())) {
      problem(uid, zone_not_used(ev.start.tzid, *why), false);
    } else if (std::none_of(notes.begin(), notes.end(), [&](const std::string& n) {
                 return n.starts_with("TZID " + ev.start.tzid + ":"); // said by the note already
               })) {
      problem(uid, "unknown TZID, read in the regime time zone", false);
    }
  }
  ev.end = ev.start.instant + (ev.start.date_only ? 86400 : 0);
  if (dtend) {
    TimeValue e = resolve_time(icalproperty_get_dtend(dtend), dtend, m_zones);
    if (!e.valid) {
      problem(uid, "VEVENT with an invalid DTEND skipped", true);
      return false;
    }
    ev.end = e.instant;
  } else if (duration) {
    icaldurationtype dur = icalproperty_get_duration(duration);
    ev.end = ev.start.instant + icaldurationtype_as_int(dur);
  }
  if (ev.end < ev.start.instant) {
    problem(uid, "DTEND is before DTSTART; VEVENT skipped", true);
    return false;
  }
  ev.duration = ev.end - ev.start.instant;
  ev.has_recurrence = !ev.rrules.empty() || !ev.rdates.empty();
  if (rid) {
    TimeValue r = resolve_time(icalproperty_get_recurrenceid(rid), rid, m_zones);
    if (!r.valid) {
      problem(uid, "VEVENT with an invalid RECURRENCE-ID skipped", true);
      return false;
    }
    ev.recurrence_id = r.instant;
  }
  return true;
}

// The time the expansions of one read have taken together (ReadOptions::expand_budget): only while
// expanding, so the parse of a big input, or the reading of its other events, does not use it up
// (a series late in a big file would stop at its first step).
class ExpandClock
{
public:
  using Clock = std::chrono::steady_clock;

  explicit ExpandClock(std::chrono::milliseconds budget)
    : m_budget(budget)
  {
  }

  // One expansion, counted from its start to its end.
  class Running
  {
  public:
    explicit Running(ExpandClock& clock)
      : m_clock(clock)
      , m_start(Clock::now())
    {
    }
    ~Running() { m_clock.m_spent += Clock::now() - m_start; }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

    bool spent() const { return m_clock.m_spent + (Clock::now() - m_start) > m_clock.m_budget; }

  private:
    ExpandClock& m_clock;
    Clock::time_point m_start;
  };

private:
  Clock::duration m_budget;
  Clock::duration m_spent{0};
};

// Expands RRULE and RDATE minus EXDATE of a master event inside the horizon. DTSTART is always
// the first instance (RFC 5545 3.8.5.3), whether or not the rule matches it.
void expand(RawEvent& ev, const ReadOptions& opt, ZoneResolver& zones, ReadResult& result, const std::string& origin,
            ExpandClock& clock)
{
  const ExpandClock::Running running(clock);
  std::set<Instant> excluded;
  std::set<std::tuple<int, int, int>> excluded_dates;
  for (icalproperty* p : ev.exdates) {
    TimeValue t = resolve_time(icalproperty_get_exdate(p), p, zones);
    if (!t.valid) {
      continue;
    }
    if (t.date_only) {
      excluded_dates.emplace(t.local.year, t.local.month, t.local.day);
    } else {
      excluded.insert(t.instant);
    }
  }
  auto is_excluded = [&](Instant s, const icaltimetype& local) {
    return excluded.contains(s) || excluded_dates.contains({local.year, local.month, local.day});
  };
  std::map<Instant, Instant> occ; // start -> end
  auto add = [&](Instant s, Instant e, const icaltimetype& local) {
    if (s >= opt.horizon_start && s < opt.horizon_end && !is_excluded(s, local)) {
      occ.emplace(s, e);
    }
  };
  add(ev.start.instant, ev.end, ev.start.local);

  // Steps of all the series' rules together; the clock is read every 64 steps.
  std::size_t steps = 0;
  std::string stopped; // why expanding stopped early
  for (icalproperty* p : ev.rrules) {
    icalrecurrencetype rule = icalproperty_get_rrule(p);
    if (rule.freq == ICAL_NO_RECURRENCE) {
      result.problems.push_back({origin, ev.data.uid, "invalid RRULE ignored", false});
      continue;
    }
    // libical steps a sub-daily rule second by second (or minute, hour) through the dates its
    // BYMONTH or BYMONTHDAY leave out: one step can take minutes. A meeting repeats by days.
    if (rule.freq == ICAL_SECONDLY_RECURRENCE || rule.freq == ICAL_MINUTELY_RECURRENCE ||
        rule.freq == ICAL_HOURLY_RECURRENCE) {
      result.problems.push_back({origin, ev.data.uid,
                                 std::string("RRULE FREQ=") + icalrecur_freq_to_string(rule.freq) +
                                     " ignored: a meeting repeats daily, weekly, monthly or yearly",
                                 false});
      continue;
    }
    if (!stopped.empty()) {
      break;
    }
    std::unique_ptr<icalrecur_iterator, RecurIteratorDeleter> it(icalrecur_iterator_new(rule, ev.start.local));
    if (!it) {
      result.problems.push_back({origin, ev.data.uid, "RRULE could not be expanded", false});
      continue;
    }
    for (icaltimetype t = icalrecur_iterator_next(it.get()); !icaltime_is_null_time(t);
         t = icalrecur_iterator_next(it.get())) {
      if (occ.size() >= opt.max_occurrences) {
        ev.capped = true;
        break;
      }
      if (++steps > opt.max_steps) {
        stopped = "its rules took more than " + std::to_string(opt.max_steps) + " steps";
        break;
      }
      if (steps % 64 == 0 || steps == 1) {
        if (opt.stop && opt.stop->load(std::memory_order_relaxed)) {
          stopped = "the read was stopped";
          break;
        }
        if (running.spent()) {
          stopped = "the time for expanding the recurrences of one input (" +
                    std::to_string(opt.expand_budget.count()) + " ms) was spent";
          break;
        }
      }
      t.zone = ev.start.zone;
      Instant s = static_cast<Instant>(icaltime_as_timet_with_zone(t, ev.start.zone));
      if (s >= opt.horizon_end) {
        ev.beyond_horizon = true;
        break;
      }
      add(s, s + ev.duration, t);
    }
  }
  for (icalproperty* p : ev.rdates) {
    icaldatetimeperiodtype rd = icalproperty_get_rdate(p);
    if (!icalperiodtype_is_null_period(rd.period)) {
      TimeValue s = resolve_time(rd.period.start, p, zones);
      if (!s.valid) {
        continue;
      }
      Instant e = s.instant + ev.duration;
      if (!icaltime_is_null_time(rd.period.end)) {
        TimeValue pe = resolve_time(rd.period.end, p, zones);
        e = pe.valid ? pe.instant : e;
      } else {
        e = s.instant + icaldurationtype_as_int(rd.period.duration);
      }
      add(s.instant, std::max(e, s.instant), s.local);
      continue;
    }
    icaltimetype t = rd.time;
    if (t.is_date) {
      t.is_date = 0;
      t.hour = ev.start.local.hour;
      t.minute = ev.start.local.minute;
      t.second = ev.start.local.second;
    }
    TimeValue s = resolve_time(t, p, zones);
    if (s.valid) {
      add(s.instant, s.instant + ev.duration, s.local);
    }
  }
  if (!stopped.empty()) {
    ev.capped = true;
    result.problems.push_back(
        {origin, ev.data.uid,
         "recurrence stopped after " + std::to_string(occ.size()) + " occurrences in the horizon: " + stopped, false});
  } else if (ev.capped) {
    result.problems.push_back(
        {origin, ev.data.uid, "recurrence stopped after " + std::to_string(occ.size()) + " occurrences", false});
  }
  ev.generated.assign(occ.begin(), occ.end());
}

// Puts the VEVENTs of one UID together: the master's occurrences, with overrides applied.
EventSeries assemble(std::vector<RawEvent>& group, const std::string& origin, const ReadOptions& opt)
{
  EventSeries s;
  s.uid = group.front().data.uid;
  s.origin = origin;
  auto master_it =
      std::find_if(group.begin(), group.end(), [](const RawEvent& e) { return !e.recurrence_id.has_value(); });
  if (master_it != group.end() && master_it != group.begin()) {
    std::iter_swap(group.begin(), master_it);
  }
  bool has_master = !group.front().recurrence_id.has_value();
  for (RawEvent& e : group) {
    s.versions.push_back(std::move(e.data));
    s.versions.back().recurrence_id = e.recurrence_id;
  }
  const RawEvent& first = group.front();
  s.first_start = first.start.instant;
  s.first_end = first.end;
  if (!has_master) {
    // Only overrides: each is an occurrence of its own.
    s.recurring = true;
    s.master_recurrence_id = first.recurrence_id;
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (!s.versions[i].cancelled) {
        s.occurrences.push_back({group[i].start.instant, group[i].end, group[i].recurrence_id, i});
      }
    }
  } else {
    s.recurring = first.has_recurrence;
    s.beyond_horizon = first.beyond_horizon || first.capped;
    if (s.versions.front().cancelled) {
      return s; // a cancelled series has no occurrences to check
    }
    std::map<Instant, Occurrence> occ;
    if (s.recurring) {
      for (auto [start, end] : first.generated) {
        occ.emplace(start, Occurrence{start, end, start, 0});
      }
    } else {
      occ.emplace(first.start.instant, Occurrence{first.start.instant, first.end, std::nullopt, 0});
    }
    for (std::size_t i = 1; i < group.size(); ++i) {
      const RawEvent& o = group[i];
      Instant rid = *o.recurrence_id;
      auto it = occ.find(rid);
      if (it == occ.end() && !(o.start.instant >= opt.horizon_start && o.start.instant < opt.horizon_end)) {
        continue;
      }
      if (it != occ.end()) {
        occ.erase(it);
      }
      if (!s.versions[i].cancelled) {
        occ.emplace(rid,
                    Occurrence{o.start.instant, o.end, s.recurring ? std::optional<Instant>(rid) : std::nullopt, i});
      }
    }
    for (auto& [rid, o] : occ) {
      s.occurrences.push_back(o);
    }
  }
  std::sort(s.occurrences.begin(), s.occurrences.end(),
            [](const Occurrence& a, const Occurrence& b) { return a.start < b.start; });
  return s;
}

bool looks_like_icalendar(std::string_view text)
{
  std::string head = ascii_lower(text.substr(0, std::min<std::size_t>(text.size(), 4096)));
  return head.find("begin:vcalendar") != std::string::npos || head.find("begin:vevent") != std::string::npos;
}

void collect_calendars(icalcomponent* root, std::vector<icalcomponent*>& out)
{
  icalcomponent_kind k = icalcomponent_isa(root);
  if (k == ICAL_VCALENDAR_COMPONENT || k == ICAL_VEVENT_COMPONENT) {
    out.push_back(root);
    return;
  }
  for (icalcomponent* c = icalcomponent_get_first_component(root, ICAL_ANY_COMPONENT); c;
       c = icalcomponent_get_next_component(root, ICAL_ANY_COMPONENT)) {
    icalcomponent_kind ck = icalcomponent_isa(c);
    if (ck == ICAL_VCALENDAR_COMPONENT || ck == ICAL_VEVENT_COMPONENT) {
      out.push_back(c);
    }
  }
}

// The layout of an input that is one VCALENDAR whose VEVENTs can be parsed one at a time: the
// text of each VEVENT, and the rest of the calendar (VTIMEZONEs and calendar properties).
// Parsing VEVENT by VEVENT gives libical exactly the lines it would see in the whole file, in the
// same order, but keeps one VEVENT's tree in memory instead of the whole file's. Anything unusual
// (several top-level components, unbalanced or irregular BEGIN/END lines, a BEGIN/END line folded,
// NUL bytes) returns nothing, and the whole text is parsed at once as before.
struct CalendarLayout
{
  std::string rest;
  std::vector<std::string_view> events;
};

bool is_name_char(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

bool starts_with_word(std::string_view line, std::string_view word)
{
  if (line.size() < word.size()) {
    return false;
  }
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(line[i])) != word[i]) {
      return false;
    }
  }
  // The property name ends where libical's does, at ';' or ':' (or the end of the line).
  return line.size() == word.size() || line[word.size()] == ';' || line[word.size()] == ':';
}

std::optional<CalendarLayout> split_calendar(std::string_view text)
{
  if (text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  CalendarLayout layout;
  layout.rest.reserve(4096);
  std::vector<std::string_view> stack; // names of the open components
  bool seen_top = false;
  std::size_t event_begin = std::string_view::npos;
  std::size_t copied = 0; // text before this offset is already in `rest` or in an event
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::size_t next = nl == std::string_view::npos ? text.size() : nl + 1;
    std::string_view line = text.substr(pos, (nl == std::string_view::npos ? text.size() : nl) - pos);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    bool begin = starts_with_word(line, "BEGIN");
    bool end = !begin && starts_with_word(line, "END");
    if (begin || end) {
      std::size_t name_at = begin ? 6 : 4;
      if (line.size() <= name_at || line[name_at - 1] != ':' ||
          line.compare(0, name_at - 1, begin ? "BEGIN" : "END") != 0) {
        return std::nullopt;
      }
      std::string_view name = line.substr(name_at);
      if (!std::all_of(name.begin(), name.end(), is_name_char)) {
        return std::nullopt;
      }
      if (next < text.size() && (text[next] == ' ' || text[next] == '\t')) {
        return std::nullopt; // a folded BEGIN/END line
      }
      if (begin) {
        if (stack.empty()) {
          if (seen_top || name != "VCALENDAR") {
            return std::nullopt;
          }
          seen_top = true;
        } else if (stack.size() == 1 && name == "VEVENT") {
          layout.rest.append(text.substr(copied, pos - copied));
          event_begin = pos;
        }
        stack.push_back(name);
      } else {
        if (stack.empty() || stack.back() != name) {
          return std::nullopt;
        }
        stack.pop_back();
        if (stack.size() == 1 && name == "VEVENT") {
          layout.events.push_back(text.substr(event_begin, next - event_begin));
          copied = next;
        }
      }
    }
    pos = next;
  }
  if (!seen_top || !stack.empty()) {
    return std::nullopt;
  }
  layout.rest.append(text.substr(copied));
  return layout;
}

} // namespace

ReadResult read_icalendar(std::string_view text, const std::string& origin, const ReadOptions& options,
                          std::shared_ptr<IcalTree> parsed)
{
  ReadResult result;
  if (!looks_like_icalendar(text)) {
    result.unreadable = true;
    result.problems.push_back({origin, "", "not an iCalendar file (no BEGIN:VCALENDAR)", true});
    return result;
  }
  icalerror_set_errors_are_fatal(0);

  ExpandClock expand_clock(options.expand_budget);
  // Text that was not UTF-8, named for its event (or for the file, uid ""), once.
  auto report_utf8 = [&](const ParseRepairs& repairs, const std::string& uid) {
    if (repairs.utf8_properties.empty()) {
      return;
    }
    std::string names;
    for (const std::string& n : repairs.utf8_properties) {
      names += (names.empty() ? "" : ", ") + n;
    }
    result.problems.push_back({origin, uid, "invalid UTF-8 in " + names + " replaced with U+FFFD", false});
  };

  // UIDs in the order first seen; VEVENTs of one UID grouped.
  std::vector<std::string> order;
  std::unordered_map<std::string, std::vector<RawEvent>> groups;
  auto handle = [&](icalcomponent* vevent, EventReader& reader, ZoneResolver& zones, const ParseRepairs* repairs) {
    RawEvent ev;
    bool ok = reader.read(vevent, ev);
    if (repairs) {
      report_utf8(*repairs, ev.data.uid);
    }
    if (!ok) {
      return;
    }
    if (ev.start.date_only) {
      return; // all-day events are not meetings
    }
    if (!ev.recurrence_id && ev.has_recurrence) {
      expand(ev, options, zones, result, origin, expand_clock);
    }
    ev.rrules.clear();
    ev.rdates.clear();
    ev.exdates.clear();
    auto [it, inserted] = groups.try_emplace(ev.data.uid);
    if (inserted) {
      order.push_back(ev.data.uid);
    }
    it->second.push_back(std::move(ev));
  };

  IcalPtr root;
  ParseRepairs calendar_repairs; // of the calendar's own lines and VTIMEZONEs, or of the whole text
  if (parsed && parsed->root) {
    root.reset(std::exchange(parsed->root, nullptr)); // the text parsed whole, as below (nothing repaired)
  }
  std::optional<CalendarLayout> layout = root ? std::nullopt : split_calendar(text);
  if (layout) {
    root = ical_parse(layout->rest, &calendar_repairs);
    if (!root || icalcomponent_isa(root.get()) != ICAL_VCALENDAR_COMPONENT) {
      root.reset();
      layout.reset();
      calendar_repairs = {};
    }
  }
  if (layout) {
    layout->rest.clear();
    layout->rest.shrink_to_fit();
    ZoneResolver zones(root.get(), *options.zone, &calendar_repairs);
    EventReader reader(zones, origin, result, options.repair_notes);
    for (std::string_view event_text : layout->events) {
      ParseRepairs event_repairs;
      IcalPtr vevent = ical_parse(event_text, &event_repairs);
      if (vevent && icalcomponent_isa(vevent.get()) == ICAL_VEVENT_COMPONENT) {
        handle(vevent.get(), reader, zones, &event_repairs);
        if (options.keep_tree) {
          icalcomponent_add_component(root.get(), vevent.release()); // after the VTIMEZONEs, in order
        }
      } else {
        report_utf8(event_repairs, "");
      }
    }
  } else {
    if (!root) {
      root = ical_parse(text, &calendar_repairs);
    }
    if (!root) {
      result.unreadable = true;
      result.problems.push_back({origin, "", "iCalendar could not be parsed", true});
      return result;
    }
    std::vector<icalcomponent*> calendars;
    collect_calendars(root.get(), calendars);
    if (calendars.empty()) {
      result.unreadable = true;
      result.problems.push_back({origin, "", "no VCALENDAR in the input", true});
      return result;
    }
    for (icalcomponent* cal : calendars) {
      bool is_event = icalcomponent_isa(cal) == ICAL_VEVENT_COMPONENT;
      ZoneResolver zones(is_event ? nullptr : cal, *options.zone, &calendar_repairs);
      EventReader reader(zones, origin, result, options.repair_notes);
      if (is_event) {
        handle(cal, reader, zones, nullptr);
        continue;
      }
      for (icalcomponent* c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); c;
           c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        handle(c, reader, zones, nullptr);
      }
    }
  }
  report_utf8(calendar_repairs, "");
  if (options.keep_tree && root) {
    // allocated before the root is handed over; a parsed tree keeps its property texts
    auto tree = parsed ? std::move(parsed) : std::make_shared<IcalTree>();
    tree->root = root.release();
    result.tree = std::move(tree);
  }
  for (const std::string& uid : order) {
    std::vector<RawEvent>& group = groups[uid];
    // Two masters of one UID are both kept, as separate series, and reported.
    std::vector<std::vector<RawEvent>> parts(1);
    for (RawEvent& e : group) {
      if (!e.recurrence_id &&
          std::any_of(parts.back().begin(), parts.back().end(), [](const RawEvent& x) { return !x.recurrence_id; })) {
        result.problems.push_back({origin, uid, "two VEVENTs with the same UID; both are kept", false});
        parts.emplace_back();
      }
      parts.back().push_back(std::move(e));
    }
    for (auto& part : parts) {
      result.series.push_back(assemble(part, origin, options));
    }
  }
  return result;
}

} // namespace kenes::calendar
