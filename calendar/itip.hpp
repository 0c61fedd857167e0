// iTIP calendars (RFC 5546) built from the organizer's event: what an invitation or a
// cancellation carries as its text/calendar part. Pure: text in, text out (libical).
#pragma once

#include "time.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kenes::calendar {

enum class ItipMethod { request, cancel };

struct IcalTree; // ical_tree.hpp

struct ItipAttendee
{
  std::string address; // e-mail, no "mailto:"
  std::string name;    // CN, may be empty
  bool chair = false;  // ROLE=CHAIR, else REQ-PARTICIPANT with RSVP=TRUE
};

struct ItipOptions
{
  ItipMethod method = ItipMethod::request;
  std::string uid;
  int sequence = 0;
  Instant dtstamp = 0;
  std::vector<ItipAttendee> attendees; // the chair and the chosen representatives: all others go
  // The RECURRENCE-IDs (as component_versions names them) of the only VEVENTs to send; empty:
  // the master and every override.
  std::vector<std::string> only;
  std::string conference_url; // added as CONFERENCE (RFC 7986) and URL when not empty
};

// One organizer's event parsed once, for everything its notices need.
class ItipEvent
{
public:
  ItipEvent(std::string_view raw, std::string uid);
  // The same, from what read_icalendar parsed of `raw` (ReadOptions::keep_tree), not parsed again.
  ItipEvent(std::shared_ptr<const IcalTree> tree, std::string uid);
  ~ItipEvent();
  ItipEvent(const ItipEvent&) = delete;
  ItipEvent& operator=(const ItipEvent&) = delete;

  std::map<std::string, std::string> versions() const;                // as component_versions()
  int sequence() const;                                               // as event_sequence()
  std::optional<std::string> build(const ItipOptions& options) const; // as build_itip()

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The VCALENDAR with METHOD, the VEVENTs of `uid` (SEQUENCE, DTSTAMP, ATTENDEEs replaced; the
// ORGANIZER kept; STATUS:CANCELLED for a cancel), and a VTIMEZONE for each TZID they use (the
// system tz database's for Olson names, else the file's). Nothing when `raw` has no such VEVENT.
std::optional<std::string> build_itip(std::string_view raw, const ItipOptions& options);

// A digest of each VEVENT of `uid`, keyed by RECURRENCE-ID ("" for the master): what tells a
// change of one occurrence from a change of the series. DTSTAMP, LAST-MODIFIED and SEQUENCE
// are left out.
std::map<std::string, std::string> component_versions(std::string_view raw, const std::string& uid);

// The SEQUENCE of the master (or the first VEVENT) of `uid`; 0 when absent.
int event_sequence(std::string_view raw, const std::string& uid);

} // namespace kenes::calendar
