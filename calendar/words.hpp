// The words of the domain's ids, in ru, kk and en: what a page or a notice shows where the JSON
// and the store keep the id (kinds, formats, ranks, severities, weekdays).
#pragma once

#include "directory.hpp"
#include "finding.hpp"

#include <string>
#include <string_view>

namespace kenes::calendar {

// `what` names the field: "kind", "format", "rank", "severity", "weekday" (as time.hpp writes
// weekdays: "friday"). An id the table does not hold comes back as it is.
std::string_view id_words(Language lang, std::string_view what, std::string_view id);

// Each weekday name of `text` ("2026-12-25 (friday)", "thursday, friday") in words (en: "Friday").
std::string weekdays_in_words(std::string text, Language lang);

// A finding's message for a reader (a page, `kenesd check`): `render_message`, with the topic tags
// it names (attendance.competence, agenda.chair_competence) by the directory's topic names.
std::string render_message(const Finding& f, Language lang, const Directory& directory);

} // namespace kenes::calendar
