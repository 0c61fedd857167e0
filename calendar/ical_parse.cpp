#include "ical_ptr.hpp"

#include "text.hpp"

#include <strings.h>

#include <algorithm>
#include <optional>
#include <utility>

namespace kenes::calendar {

namespace {

// The text with its folded lines joined (RFC 5545 3.1: CRLF or LF, then one space or tab), then
// each line's ill-formed UTF-8 replaced; the names of the properties whose lines changed are
// noted. Joined first: a character split by a fold is well-formed once unfolded.
std::string unfold_and_repair(std::string_view text, std::vector<std::string>& names)
{
  std::string unfolded;
  unfolded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    std::size_t skip = 0;
    if (c == '\r' && i + 2 < text.size() && text[i + 1] == '\n' && (text[i + 2] == ' ' || text[i + 2] == '\t')) {
      skip = 3;
    } else if (c == '\n' && i + 1 < text.size() && (text[i + 1] == ' ' || text[i + 1] == '\t')) {
      skip = 2;
    }
    if (skip > 0) {
      i += skip - 1;
      continue;
    }
    unfolded += c;
  }
  std::string out;
  out.reserve(unfolded.size() + 16);
  std::size_t pos = 0;
  while (pos < unfolded.size()) {
    std::size_t nl = unfolded.find('\n', pos);
    std::size_t next = nl == std::string::npos ? unfolded.size() : nl + 1;
    std::string_view line(unfolded.data() + pos, next - pos);
    if (valid_utf8(line)) {
      out += line;
    } else {
      std::string fixed = repair_utf8(line);
      std::string name = fixed.substr(0, std::min(fixed.find_first_of(";:\r\n"), fixed.size()));
      for (char& ch : name) {
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      }
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(std::move(name));
      }
      out += fixed;
    }
    pos = next;
  }
  return out;
}

constexpr int k_last_year = 2040; // beyond the last year libical expands a zone to (ICALTIMEZONE_MAX_YEAR)

// How many changes libical would expand the observance (STANDARD or DAYLIGHT) into, or why it
// must not be used.
std::optional<std::string> observance_problem(icalcomponent* obs, long& changes)
{
  const char* part = icalcomponent_isa(obs) == ICAL_XSTANDARD_COMPONENT ? "STANDARD" : "DAYLIGHT";
  icalproperty* start = icalcomponent_get_first_property(obs, ICAL_DTSTART_PROPERTY);
  if (!start) {
    return std::nullopt; // libical ignores it
  }
  icaltimetype dtstart = icalproperty_get_dtstart(start);
  changes += 1 + icalcomponent_count_properties(obs, ICAL_RDATE_PROPERTY);
  for (icalproperty* p = icalcomponent_get_first_property(obs, ICAL_RRULE_PROPERTY); p;
       p = icalcomponent_get_next_property(obs, ICAL_RRULE_PROPERTY)) {
    icalrecurrencetype rule = icalproperty_get_rrule(p);
    if (rule.freq == ICAL_NO_RECURRENCE) {
      continue; // libical cannot expand it either
    }
    if (rule.freq != ICAL_YEARLY_RECURRENCE) {
      return std::string("its ") + part + " rule repeats FREQ=" + icalrecur_freq_to_string(rule.freq) +
             "; a time zone changes by yearly rules";
    }
    std::unique_ptr<icalrecur_iterator, decltype(&icalrecur_iterator_free)> it(icalrecur_iterator_new(rule, dtstart),
                                                                               &icalrecur_iterator_free);
    if (!it) {
      continue;
    }
    // The changes of its first two years tell how many a year it gives.
    int first_year = 0, in_two_years = 0;
    for (icaltimetype t = icalrecur_iterator_next(it.get()); !icaltime_is_null_time(t);
         t = icalrecur_iterator_next(it.get())) {
      if (first_year == 0) {
        first_year = t.year;
      }
      if (t.year > first_year + 1) {
        break;
      }
      if (++in_two_years > 2 * k_max_zone_changes_a_year) {
        return std::string("its ") + part + " rule changes the offset more than " +
               std::to_string(k_max_zone_changes_a_year) + " times a year";
      }
    }
    const int a_year = std::max(1, (in_two_years + 1) / 2);
    int last = k_last_year;
    if (!icaltime_is_null_time(rule.until)) {
      last = std::min(last, rule.until.year);
    }
    long years = std::max(0, last - std::max(dtstart.year, 0) + 1);
    long n = years * a_year;
    if (rule.count > 0) {
      n = std::min<long>(n, rule.count);
    }
    changes += n;
  }
  return std::nullopt;
}

std::optional<std::string> zone_problem(icalcomponent* vtimezone, long& calendar_changes)
{
  long changes = 0;
  for (icalcomponent* obs = icalcomponent_get_first_component(vtimezone, ICAL_ANY_COMPONENT); obs;
       obs = icalcomponent_get_next_component(vtimezone, ICAL_ANY_COMPONENT)) {
    icalcomponent_kind k = icalcomponent_isa(obs);
    if (k != ICAL_XSTANDARD_COMPONENT && k != ICAL_XDAYLIGHT_COMPONENT) {
      continue;
    }
    if (auto problem = observance_problem(obs, changes)) {
      return problem;
    }
    if (changes > k_max_zone_changes) {
      return "its rules give more than " + std::to_string(k_max_zone_changes) + " offset changes";
    }
  }
  calendar_changes += changes;
  if (calendar_changes > k_max_calendar_changes) {
    return "the calendar's time zones together give more than " + std::to_string(k_max_calendar_changes) +
           " offset changes";
  }
  return std::nullopt;
}

void collect_zones(icalcomponent* c, std::vector<std::pair<icalcomponent*, icalcomponent*>>& out)
{
  for (icalcomponent* child = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); child;
       child = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
    if (icalcomponent_isa(child) == ICAL_VTIMEZONE_COMPONENT) {
      out.emplace_back(c, child);
    } else {
      collect_zones(child, out);
    }
  }
}

// Removes each VTIMEZONE that libical must not expand; its TZID is then unknown to libical.
void guard_zones(icalcomponent* root, ParseRepairs* repairs)
{
  std::vector<std::pair<icalcomponent*, icalcomponent*>> zones;
  collect_zones(root, zones);
  long calendar_changes = 0;
  for (auto [parent, zone] : zones) {
    std::optional<std::string> problem = zone_problem(zone, calendar_changes);
    if (!problem) {
      continue;
    }
    if (repairs) {
      icalproperty* id = icalcomponent_get_first_property(zone, ICAL_TZID_PROPERTY);
      const char* tzid = id ? icalproperty_get_tzid(id) : nullptr;
      repairs->removed_zones.emplace(tzid ? repair_utf8(tzid) : std::string(), std::move(*problem));
    }
    icalcomponent_remove_component(parent, zone);
    icalcomponent_free(zone);
  }
}

} // namespace

std::string zone_not_used(const std::string& tzid, const std::string& why)
{
  return "TZID " + tzid + ": the calendar's VTIMEZONE is not used (" + why + "), read in the regime time zone";
}

std::size_t remove_x_properties(icalcomponent* c, const char* name)
{
  std::vector<icalproperty*> found;
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
       p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY)) {
    const char* x = icalproperty_get_x_name(p);
    if (x && strcasecmp(x, name) == 0) {
      found.push_back(p);
    }
  }
  for (icalproperty* p : found) {
    icalcomponent_remove_property(c, p);
    icalproperty_free(p);
  }
  return found.size();
}

IcalPtr ical_parse(std::string_view text, ParseRepairs* repairs)
{
  icalerror_set_errors_are_fatal(0);
  std::string copy;
  if (valid_utf8(text)) {
    copy.assign(text); // NUL-terminated for libical
  } else {
    std::vector<std::string> names;
    copy = unfold_and_repair(text, names);
    if (repairs) {
      for (std::string& n : names) {
        if (std::find(repairs->utf8_properties.begin(), repairs->utf8_properties.end(), n) ==
            repairs->utf8_properties.end()) {
          repairs->utf8_properties.push_back(std::move(n));
        }
      }
    }
  }
  IcalPtr root(icalparser_parse_string(copy.c_str()));
  if (root) {
    if (icalcomponent_isa(root.get()) == ICAL_VTIMEZONE_COMPONENT) {
      long changes = 0;
      if (auto problem = zone_problem(root.get(), changes)) {
        return nullptr; // a time zone alone, and one libical must not expand
      }
    } else {
      guard_zones(root.get(), repairs);
    }
  }
  return root;
}

} // namespace kenes::calendar
