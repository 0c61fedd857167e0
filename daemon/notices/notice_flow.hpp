// From a check to the outbox: plans the notices of a meeting version against what was sent
// before (the store's notice state) and composes their messages, for finish_check to write in
// the transaction of the verdict.
#pragma once

#include "daemon/store/state_store.hpp"

#include "calendar/checker.hpp"
#include "calendar/ical_reader.hpp"
#include "config/config.hpp"

#include <memory>
#include <string>

namespace kenes::daemon {

// The version of a meeting a check produced.
struct CheckedVersion
{
  const calendar::CheckedMeeting& meeting;
  const calendar::EventSeries& series;
  const std::string& raw;
  std::shared_ptr<const calendar::IcalTree> tree = {}; // what read_icalendar parsed of raw, if kept
};

// `version` null: the meeting was deleted, cancelled or is no meeting any more; whoever was
// invited gets a CANCEL built from the last version sent. `context` checks that version again.
// `record` is the store's notice state of the UID (StateStore::notice_state). Pure: may run on
// any thread.
// `adoption` yes: the version is adopted (SPEC §5 "Rollout"; the caller decides, see
// CheckQueue): with notices.adopt "silent" its state is recorded as notified and no message is
// composed; with "digest" only its warning is kept, for the organizer's digest; with "none" it is
// notified as new.
NoticeUpdate notices_for(const std::optional<NoticeRecord>& record, const config::Config& config,
                         const calendar::CheckContext& context, const std::string& uid, const CheckedVersion* version,
                         Adoption adoption = Adoption::no);

// Whether notices.only_to lets a notice go to `recipient` (an e-mail): listed itself, its domain
// ("gov.kz" or "@gov.kz") or the id of the body the directory finds for it. An empty list lets
// everyone.
bool notice_allowed(const config::Config& config, const std::string& recipient);

// The notices of a version as if nothing had been sent for it before (`check --emit`).
NoticeUpdate first_notices(const config::Config& config, const calendar::CheckContext& context, const std::string& uid,
                           const CheckedVersion& version);

} // namespace kenes::daemon
