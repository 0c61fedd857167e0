// Reads a VEVENT as the regime sees it (SPEC §3): chair, kind, format, bodies, topics, venue.
#pragma once

#include "directory.hpp"
#include "meeting.hpp"
#include "regime.hpp"

namespace kenes::calendar {

MeetingFacts classify(const EventData& event, const Directory& directory, const Regime& regime);

} // namespace kenes::calendar
