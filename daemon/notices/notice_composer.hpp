// The messages of a notice plan (SPEC §5): iMIP invitations and cancellations to the
// representatives, the warning to the organizer, in the configured language.
#pragma once

#include "daemon/store/state_store.hpp"

#include "calendar/itip.hpp"
#include "calendar/notice_plan.hpp"
#include "config/config.hpp"

#include <string>
#include <vector>

namespace kenes::daemon {

struct NoticeContext
{
  const config::Config& config;
  const calendar::RegimeZone& zone;
  calendar::Language language;
  const calendar::CheckedMeeting* meeting; // the version the notices are about
  const calendar::ItipEvent& event;        // its iCalendar, parsed
  std::string organizer;                   // e-mail of its ORGANIZER
  std::string location;
  calendar::Instant now = 0;
};

std::vector<OutboxMessage> compose_notices(const NoticeContext& context, const calendar::NoticePlan& plan);

// One message to `recipient` in place of several warnings (SPEC §5 "Rollout"): each warning's
// part (OutboxMessage::text) in turn, under one intro, in the configured language. Its key comes
// from the warnings' keys: the same warnings make the same digest.
OutboxMessage compose_digest(const config::Config& config, const std::string& recipient,
                             const std::vector<std::string>& keys, const std::vector<std::string>& parts,
                             calendar::Instant now);

// The stable Message-ID of the notice with this idempotency key, in the sender's domain.
std::string message_id_for(const std::string& key, const std::string& from);

// The video-conference link of a remote meeting, when `vks.link_template` is configured.
std::string conference_link(const config::Config& config, const calendar::CheckedMeeting& meeting);

} // namespace kenes::daemon
