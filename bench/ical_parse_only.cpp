// The "libical alone" floor of the `kenesd check` benchmark (issue 2): reads the file, parses it
// with libical in one go, and walks the VEVENTs reading DTSTART (with its zone) so that nothing is
// left unparsed. Prints the event count and the sum of the start times, so the work is not dead.
//
//     bench_ical_parse_only FILE.ics
#include <libical/ical.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

int main(int argc, char** argv)
{
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FILE.ics\n", argv[0]);
    return 2;
  }
  std::string text;
  {
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot read\n", argv[1]);
      return 2;
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  icalerror_set_errors_are_fatal(0);
  icalcomponent* root = icalparser_parse_string(text.c_str());
  text.clear();
  text.shrink_to_fit();
  if (!root) {
    std::fprintf(stderr, "%s: not parsed\n", argv[1]);
    return 2;
  }
  long events = 0;
  long long sum = 0;
  for (icalcomponent* c = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); c;
       c = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
    icalproperty* p = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
    if (!p) {
      continue;
    }
    icaltimetype t = icalproperty_get_dtstart(p);
    icaltimezone* zone = icaltimezone_get_utc_timezone();
    if (icalparameter* tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER)) {
      if (icaltimezone* z = icalcomponent_get_timezone(root, icalparameter_get_tzid(tz))) {
        zone = z;
      }
    }
    sum += static_cast<long long>(icaltime_as_timet_with_zone(t, zone));
    ++events;
  }
  icalcomponent_free(root);
  std::printf("events=%ld checksum=%lld\n", events, sum);
  return events > 0 ? 0 : 1;
}
