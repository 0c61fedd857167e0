// libical's components owned in RAII, and the one way calendar/ parses iCalendar text with
// libical (errors are never fatal: a bad line is libical's X-LIC-ERROR, not an abort). Only
// calendar/ sees libical's types.
#pragma once

#include <libical/ical.h>

#include <memory>
#include <string>
#include <string_view>

namespace kenes::calendar {

struct IcalComponentFree
{
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using IcalPtr = std::unique_ptr<icalcomponent, IcalComponentFree>;

// nullptr when libical finds no component at all.
inline IcalPtr ical_parse(const std::string& text)
{
  icalerror_set_errors_are_fatal(0);
  return IcalPtr(icalparser_parse_string(text.c_str()));
}

inline IcalPtr ical_parse(std::string_view text)
{
  return ical_parse(std::string(text));
}

} // namespace kenes::calendar
