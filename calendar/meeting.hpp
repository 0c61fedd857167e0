// Events as read from iCalendar, and meetings as the regime sees them.
#pragma once

#include "directory.hpp"
#include "time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kenes::calendar {

enum class Kind { selector, operative, government_session, kso_session, interagency, internal };
enum class Format { in_person, selector, video, hybrid };
enum class Venue { government, presidential_administration, central, local, parliament, unknown };
enum class AttendeeRole { chair, req_participant, opt_participant, non_participant };

std::optional<Kind> parse_kind(std::string_view s);
std::string_view to_string(Kind k);
std::optional<Format> parse_format(std::string_view s);
std::string_view to_string(Format f);
std::string_view to_string(Venue v);

struct Attendee
{
  std::string uri;     // as written, e.g. "mailto:A.B@minfin.gov.kz"
  std::string address; // normalized: "a.b@minfin.gov.kz"
  std::string name;    // CN
  AttendeeRole role = AttendeeRole::req_participant;
  std::string partstat; // upper case, empty when absent
  bool speaker = false;
  bool substitution_approved = false;
  bool remote = false; // X-KENES-MODE=REMOTE
};

// One VEVENT: the master of a series, a RECURRENCE-ID override, or a single event.
struct EventData
{
  std::string uid;
  std::optional<Instant> recurrence_id; // set on a RECURRENCE-ID override
  std::string summary;
  std::string description;
  std::string location;
  std::string url;
  bool has_attach = false;
  bool has_conference = false;
  bool cancelled = false;
  bool transparent = false;
  int sequence = 0;
  std::optional<Instant> created;
  std::string organizer_uri;
  std::string organizer_address;
  std::vector<Attendee> attendees;
  std::vector<std::string> categories; // as written
  std::optional<std::string> x_kind;
  std::optional<std::string> x_format;
  std::optional<std::string> x_kso;
  std::vector<std::string> x_topics;
};

struct Occurrence
{
  Instant start = 0;
  Instant end = 0;
  std::optional<Instant> recurrence_id; // the original start, for occurrences of a series
  std::size_t version = 0;              // index into EventSeries::versions
};

// All VEVENTs of one UID in one input, with their occurrences inside the horizon (sorted by
// start). Cancelled occurrences are left out of `occurrences`.
struct EventSeries
{
  std::string uid;
  std::string origin; // file name or source href, for messages
  bool recurring = false;
  std::optional<Instant> master_recurrence_id; // set when only an override is present
  std::vector<EventData> versions;
  std::vector<Occurrence> occurrences;
  Instant first_start = 0; // DTSTART of the master (or the first version)
  Instant first_end = 0;
  // The master's recurrence goes on after the last occurrence read: its rule has one at or after
  // the horizon's end, or expanding it stopped short (a cap).
  bool beyond_horizon = false;
};

// A participant resolved against the directory.
struct Participant
{
  const Attendee* attendee = nullptr;
  const Body* body = nullptr;         // null: unknown
  const Official* official = nullptr; // null: the body's group or domain address, or unknown
};

// One VEVENT as the regime reads it (SPEC §3).
struct MeetingFacts
{
  const EventData* event = nullptr;
  std::string chair_uri;
  std::string chair_address;
  const Body* chair_body = nullptr;
  const Official* chair_official = nullptr;
  Kind kind = Kind::internal;
  Format format = Format::in_person;
  Venue venue = Venue::unknown;
  std::vector<Participant> counted;        // counted attendees other than the chair
  std::vector<const Body*> bodies;         // distinct bodies of the chair and the counted attendees
  std::vector<const Body*> speaker_bodies; // X-KENES-SPEAKER, or named on a «Докладчик:» line
  std::vector<const Official*> approved;   // named on a «Замена согласована:» line
  std::vector<std::string> topics;         // lower case
  const Kso* kso = nullptr;

  int central_body_count() const;
  bool has_central() const;
  bool has_local() const;
};

} // namespace kenes::calendar
