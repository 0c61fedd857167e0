// `kenesd sync --once` and `kenesd run` (SPEC §10).
#pragma once

#include "config/config.hpp"

#include <filesystem>

namespace kenes::daemon {

// One cycle: every source, then the checks; prints the summary line. Exit code 0 when every
// source synced, 1 when one failed (the summary's errors= and the log say which and why), 2 when
// the state store cannot be opened.
int run_sync_once(const config::Config& config);

// The daemon in the foreground: each source on its interval, systemd notify (READY, STATUS,
// WATCHDOG), SIGHUP reloads `config_file` (a bad one keeps the running config), SIGTERM/SIGINT
// finish the current step and exit 0.
int run_daemon(const config::Config& config, const std::filesystem::path& config_file);

} // namespace kenes::daemon
