// `kenesd sync --once` and `kenesd run` (SPEC §10).
#pragma once

#include "daemon/state_store.hpp"

#include "config/config.hpp"

#include <filesystem>
#include <memory>

namespace kenes::daemon {

// The state store of the config, with what a crash left claimed for sending put back; nullptr
// (and the reason on stderr) when it cannot be opened.
std::unique_ptr<StateStore> open_state(const config::Config& config);

// One cycle: every source, then the checks; prints the summary line. Exit code 0 when every
// source synced, 1 when one failed (the summary's errors= and the log say which and why), 2 when
// the state store cannot be opened.
int run_sync_once(const config::Config& config);

// The daemon in the foreground: each source on its interval, systemd notify (READY, STATUS,
// WATCHDOG), SIGHUP reloads `config_file` (a bad one keeps the running config), SIGTERM/SIGINT
// finish the current step and exit 0.
int run_daemon(const config::Config& config, const std::filesystem::path& config_file);

} // namespace kenes::daemon
