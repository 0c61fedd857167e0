// The output of `kenesd check`: the JSON of SPEC §10 and a readable text for people.
#pragma once

#include "calendar/checker.hpp"
#include "calendar/ical_reader.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace kenes::daemon {

// Who reads a meeting's JSON: a program (`check --json`, `POST /api/v1/check`: SPEC §10 as it is)
// or the store, which keeps each finding's arguments (`"args": ["a", "b", "c"]`, trailing empty
// ones left out) instead of its `ref` and `message`: the meeting page and its API render both from
// the rule and the arguments in their reader's language (a stored meeting is then about 40%
// smaller, half a page of SQLite). Rows stored before kept `ref` and `message` (in
// `notices.language`), shown as they are.
enum class MeetingJsonFor { report, store };

// Appends the meeting's JSON object of SPEC §10 to `out` (compact, as nlohmann's dump() writes it):
// the one writer of a meeting's JSON, for `check --json`, the store and `POST /api/v1/check`.
// Messages in `lang`, topics by the directory's names.
void append_meeting_json(std::string& out, const calendar::CheckedMeeting& m, const calendar::RegimeZone& zone,
                         calendar::Language lang, const calendar::Directory& directory,
                         MeetingJsonFor reader = MeetingJsonFor::report);
nlohmann::json problem_json(const calendar::ReadProblem& p);
// The readable block of one meeting: each rule by its name and decree reference in words in `lang`
// (the ids are `--json`'s), messages in `lang` with topics by the directory's names.
void write_meeting_text(std::ostream& out, const calendar::CheckedMeeting& m, const calendar::RegimeZone& zone,
                        calendar::Language lang, const calendar::Directory& directory);

} // namespace kenes::daemon
