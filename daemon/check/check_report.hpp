// The output of `kenesd check`: the JSON of SPEC §10 and a readable text for people.
#pragma once

#include "calendar/checker.hpp"
#include "calendar/ical_reader.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace kenes::daemon {

nlohmann::ordered_json meeting_json(const calendar::CheckedMeeting& m, const calendar::RegimeZone& zone,
                                    calendar::Language lang);
// Appends meeting_json(m, zone, lang).dump() to `out`, faster.
void append_meeting_json(std::string& out, const calendar::CheckedMeeting& m, const calendar::RegimeZone& zone,
                         calendar::Language lang);
nlohmann::json problem_json(const calendar::ReadProblem& p);
void write_meeting_text(std::ostream& out, const calendar::CheckedMeeting& m, const calendar::RegimeZone& zone,
                        calendar::Language lang);
// True when a day.* or hours.* finding is an error (exit code 1 of `check`).

} // namespace kenes::daemon
