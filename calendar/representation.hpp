// Who represents each invited body (SPEC §4, "Who represents a body").
#pragma once

#include "busy.hpp"
#include "directory.hpp"
#include "finding.hpp"
#include "meeting.hpp"
#include "regime.hpp"

#include <vector>

namespace kenes::calendar {

struct Invitation
{
  const Body* body = nullptr;
  const Official* official = nullptr;
};

struct Dropped
{
  const Body* body = nullptr; // null for an attendee in no body
  std::string attendee;       // the attendee's URI as written
  RuleId rule = RuleId::attendance_unknown;
};

struct Representation
{
  std::vector<Invitation> invitations;
  std::vector<Dropped> dropped;
  // Findings of the attendance.* rules (severity and occurrence filled in by the caller).
  std::vector<Finding> findings;
};

// The ranks that fit for a body: `any`, or a list in order of preference.
struct FittingRanks
{
  bool any = false;
  std::vector<Rank> ranks;
};

FittingRanks fitting_ranks(const MeetingFacts& meeting, const Body& body, const Regime& regime);

// Why `d` was not invited, as a sentence in `lang` (render_dropped): the person by their name in the
// directory (else the address), their body as organizers write it, and who of `invitations` (the
// same version's) is invited from that body instead.
std::string explain_dropped(const Dropped& d, const Directory& directory, const std::vector<Invitation>& invitations,
                            Language lang);

// `slot_start`/`slot_end` is the occurrence used for the "free in the slot" tie-break.
Representation choose_representatives(const MeetingFacts& meeting, const Regime& regime, const BusyCalendar& busy,
                                      Instant slot_start, Instant slot_end);

} // namespace kenes::calendar
