// The output of `kenesd check`: the JSON of SPEC §10 and a readable text for people.
#pragma once

#include "calendar/checker.hpp"
#include "calendar/ical_reader.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace kenes::daemon {

// Appends the meeting's JSON object of SPEC §10 to `out` (compact, as nlohmann's dump() writes it):
// the one writer of a meeting's JSON, for `check --json`, the store and `POST /api/v1/check`.
void append_meeting_json(std::string& out, const calendar::CheckedMeeting& m, const calendar::RegimeZone& zone,
                         calendar::Language lang);
nlohmann::json problem_json(const calendar::ReadProblem& p);
void write_meeting_text(std::ostream& out, const calendar::CheckedMeeting& m, const calendar::RegimeZone& zone,
                        calendar::Language lang);

} // namespace kenes::daemon
