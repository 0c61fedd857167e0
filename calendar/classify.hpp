// Reads a VEVENT as the regime sees it (SPEC §3): chair, kind, format, bodies, topics, venue.
#pragma once

#include "directory.hpp"
#include "meeting.hpp"
#include "regime.hpp"

namespace kenes::calendar {

MeetingFacts classify(const EventData& event, const Directory& directory, const Regime& regime);

// What an organizer can write without X- parameters (SPEC §3 "What an organizer can write"):
// DESCRIPTION lines «Докладчик:» / «Основной докладчик:», «Замена согласована:», «Онлайн:» /
// «По ВКС:», each naming bodies or officials of the directory.
struct OrganizerMarks
{
  std::vector<const Body*> speaker_bodies;
  std::vector<const Official*> approved; // agreed substitutes
  std::vector<const Body*> remote_bodies;
  std::vector<const Official*> remote_officials;
};
OrganizerMarks read_marks(const EventData& event, const Directory& directory);

// Whether `official` of `body` attends a hybrid meeting remotely: X-KENES-MODE=REMOTE on
// `attendee` (theirs, or the group address they replaced), or named on an «Онлайн:» line.
bool attends_remotely(const OrganizerMarks& marks, const Attendee* attendee, const Body& body,
                      const Official& official);

// The KSO of the directory an event names: X-KENES-KSO, else a CATEGORIES value or words of
// SUMMARY equal to a KSO's id or name.
const Kso* named_kso(const EventData& event, const Directory& directory);

} // namespace kenes::calendar
