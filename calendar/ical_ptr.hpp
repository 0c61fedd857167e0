// libical's components owned in RAII, and the one way calendar/ parses iCalendar text with
// libical (errors are never fatal: a bad line is libical's X-LIC-ERROR, not an abort). Only
// calendar/ sees libical's types.
//
// The parse is also where text from outside is made safe for everything after it: ill-formed
// UTF-8 becomes U+FFFD before libical reads it (so no UID, SUMMARY or ORGANIZER downstream can
// break a JSON writer, and the UIDs of the sync and of the checks agree), and a VTIMEZONE whose
// rules would make libical expand millions of changes (RRULE:FREQ=SECONDLY in a STANDARD part;
// libical expands every change from DTSTART on when a time is converted) is removed.
#pragma once

#include <libical/ical.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kenes::calendar {

struct IcalComponentFree
{
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using IcalPtr = std::unique_ptr<icalcomponent, IcalComponentFree>;

// What ical_parse changed: for the reader's problems.
struct ParseRepairs
{
  std::vector<std::string> utf8_properties;         // whose ill-formed UTF-8 became U+FFFD, each name once
  std::map<std::string, std::string> removed_zones; // TZID -> why its VTIMEZONE was removed
};

// A real time zone changes at most a few times a year, by yearly rules.
constexpr int k_max_zone_changes_a_year = 4;
constexpr long k_max_zone_changes = 10000;     // one VTIMEZONE, from its first DTSTART on
constexpr long k_max_calendar_changes = 50000; // every VTIMEZONE of one parse together

// The reader's problem for an event whose TZID's VTIMEZONE was removed.
std::string zone_not_used(const std::string& tzid, const std::string& why);
// A note of what a parse repaired, kept in a VEVENT that split_by_uid wrote out repaired (so the
// reader can still report it for the event).
constexpr const char* k_repaired_property = "X-KENES-REPAIRED";

// Removes every X- property of `c` named `name` (case-insensitive, as RFC 5545 names are); how
// many there were.
std::size_t remove_x_properties(icalcomponent* c, const char* name);

// nullptr when libical finds no component at all.
IcalPtr ical_parse(std::string_view text, ParseRepairs* repairs = nullptr);

} // namespace kenes::calendar
