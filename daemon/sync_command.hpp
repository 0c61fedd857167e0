// `kenesd sync --once` (SPEC §10), and the store both it and `run` open.
#pragma once

#include "daemon/store/state_store.hpp"

#include "config/config.hpp"

#include <filesystem>
#include <memory>
#include <optional>

namespace kenes::daemon {

// The state store of the config, with what a crash left claimed for sending put back; nullptr
// (and the reason on stderr) when it cannot be opened.
std::unique_ptr<StateStore> open_state(const config::Config& config);

// One cycle: every source, then the checks; prints the summary line. Exit code 0 when every
// source synced, 1 when one failed (the summary's errors= and the log say which and why), 2 when
// the state store cannot be opened.
// `now`: the clock of the cycle (`--now`, for tests and for replaying a day), else the system's.
// `accept_removals`: the id of a source whose removals max_removal_percent holds back, accepted
// by the one who runs the command (recorded and logged), and applied by this sync.
int run_sync_once(const config::Config& config, std::optional<calendar::Instant> now = std::nullopt,
                  const std::optional<std::string>& accept_removals = std::nullopt);

} // namespace kenes::daemon
