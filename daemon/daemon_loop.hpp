// `kenesd run` (SPEC §10): the daemon's loop.
#pragma once

#include "config/config.hpp"

#include <filesystem>

namespace kenes::daemon {

// The daemon in the foreground: each source on its interval, systemd notify (READY, STATUS,
// WATCHDOG), SIGHUP reloads `config_file` (a bad one keeps the running config), SIGTERM/SIGINT
// finish the current step and exit 0.
int run_daemon(const config::Config& config, const std::filesystem::path& config_file);

} // namespace kenes::daemon
