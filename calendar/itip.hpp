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

// The ATTENDEEs of one version (SPEC §3 "Versions"): the master, or the override whose
// RECURRENCE-ID is `recurrence_id`.
struct ItipVersion
{
  std::optional<Instant> recurrence_id; // none: the master
  std::vector<ItipAttendee> attendees;  // its chair and its chosen representatives
};

struct ItipOptions
{
  ItipMethod method = ItipMethod::request;
  std::string uid;
  int sequence = 0;
  Instant dtstamp = 0;
  // The ATTENDEEs of a VEVENT whose version is not in `versions` (every VEVENT when `versions` is
  // empty): the chair and the chosen representatives; the event's own ATTENDEEs all go.
  std::vector<ItipAttendee> attendees;
  // Each version's own ATTENDEEs: a VEVENT takes those of the entry whose recurrence_id its
  // RECURRENCE-ID names (TZID, UTC, or floating in `zone`), the master those of the entry without.
  std::vector<ItipVersion> versions;
  const RegimeZone* zone = nullptr; // where a floating RECURRENCE-ID is read; none: UTC
  // Set: the calendar of this one attendee (an e-mail). Only the VEVENTs listing them as ATTENDEE
  // go, and the master, when it goes, has an EXDATE for each override that does not list them (so
  // their client shows no occurrence they are not invited to, RFC 5546 §3.2.2). Nothing when no
  // VEVENT lists them. `only` is kept when they are ATTENDEE of every VEVENT it names, else their
  // whole calendar goes (a REQUEST replacing what they have, without what they were dropped from).
  std::string recipient;
  // The RECURRENCE-IDs (as component_versions names them) of the only VEVENTs to send; empty:
  // the master and every override. For a CANCEL, an occurrence taken out by an EXDATE has no
  // VEVENT of its own: the master's is sent for it, with that RECURRENCE-ID, start and end.
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

  std::map<std::string, std::string> versions() const; // as component_versions()
  struct Versions
  {
    std::map<std::string, std::string> all; // versions()
    // The same without what cancels occurrences: the master's EXDATEs and the cancelled
    // overrides. Equal before and after a change: that change only cancelled occurrences.
    std::map<std::string, std::string> live;
  };
  Versions both_versions() const; // the two, from one walk of the event
  // The occurrences taken out of the series, keyed as versions() keys an override's RECURRENCE-ID:
  // each EXDATE of the master and each STATUS:CANCELLED override, with the instant it names
  // (a floating time read in `zone`, none: UTC).
  std::map<std::string, Instant> cancelled(const RegimeZone* zone) const;
  // Each override (cancelled or not; `cancelled_only`: the STATUS:CANCELLED ones) keyed as
  // versions() keys it, with the instant its RECURRENCE-ID names (floating: read in `zone`).
  std::map<std::string, Instant> overrides(const RegimeZone* zone, bool cancelled_only = false) const;
  int sequence() const;                                               // as event_sequence()
  std::optional<std::string> build(const ItipOptions& options) const; // as build_itip()

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The VCALENDAR with METHOD, the VEVENTs of `uid` (SEQUENCE, DTSTAMP, ATTENDEEs replaced by their
// version's; the ORGANIZER kept; STATUS:CANCELLED for a cancel), and a VTIMEZONE for each TZID they use (the
// system tz database's for Olson names, else the file's). Nothing when `raw` has no such VEVENT.
std::optional<std::string> build_itip(std::string_view raw, const ItipOptions& options);

// A digest of each VEVENT of `uid`, keyed by RECURRENCE-ID ("" for the master): what tells a
// change of one occurrence from a change of the series. DTSTAMP, LAST-MODIFIED and SEQUENCE
// are left out.
std::map<std::string, std::string> component_versions(std::string_view raw, const std::string& uid);

// The SEQUENCE of the master (or the first VEVENT) of `uid`; 0 when absent.
int event_sequence(std::string_view raw, const std::string& uid);

} // namespace kenes::calendar
