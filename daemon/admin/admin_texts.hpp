// The words of the admin pages in ru, kk and en: one table, looked up by key.
#pragma once

#include "calendar/finding.hpp"

#include <string_view>

namespace kenes::daemon {

enum class Text {
  title,
  dashboard,
  week,
  report,
  metrics,
  sources,
  source,
  type,
  state,
  last_success,
  last_attempt,
  duration,
  adopted,
  error,
  ok,
  failing,
  never,
  outbox,
  verdicts,
  findings,
  next_meetings,
  none,
  meeting,
  start,
  end,
  verdict,
  kind,
  format,
  chair,
  invitations,
  dropped,
  suggested,
  notices,
  recipient,
  attempts,
  sent,
  rule,
  severity,
  occurrence,
  reference,
  message,
  body,
  rank,
  attendee,
  previous,
  next,
  holiday,
  window_gov,
  window_ia,
  not_found,
  auth_failed_since,
  failing_since,
  month,
  created,
  count,
  past,
  uid,
  auth_required,
  bad_week,
  seconds,
  explanation,
  why,
  accept_removals,
  removals_accepted_by,
  collections_failed,
  removed_on, // a meeting that left its calendar (RemovedMeeting)
  took_place,
  check_failing // meetings whose last check failed (CheckQueue::failing)
};

const char* tr(calendar::Language lang, Text key);
// "ok", "warning", "invalid" in words.
const char* verdict_text(calendar::Language lang, std::string_view verdict);
// A value the store or the JSON holds as an id, in words: `what` is "state" (of a notice in the
// outbox), "notice" (its kind), "source_type", or one of calendar::id_words' fields. An id no
// table holds comes back as it is.
std::string_view value_text(calendar::Language lang, std::string_view what, std::string_view id);
// Each language named in itself, for the language switch: "Русский", "Қазақша", "English".
const char* language_name(calendar::Language lang);

} // namespace kenes::daemon
