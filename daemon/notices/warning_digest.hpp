// The end of a check cycle (SPEC §5 "Rollout"): the organizer warnings the cycle held in the
// outbox go out one by one, or as one digest to an organizer who would get more than
// notices.digest_after of them, or any adopted with notices.adopt "digest". Each warning's key
// stays in the outbox ('digested'), so none is sent again.
#pragma once

#include "daemon/store/state_store.hpp"

#include "calendar/time.hpp"
#include "config/config.hpp"

namespace kenes::daemon {

// Returns how many digests were queued.
int release_held_warnings(const config::Config& config, StateStore& store, calendar::Instant now);

} // namespace kenes::daemon
