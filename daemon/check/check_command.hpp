// `kenesd check`: checks the events of iCalendar files offline.
#pragma once

#include "config/config.hpp"
#include "daemon/base/command_line.hpp"

#include <ostream>

namespace kenes::daemon {

// Returns the exit code: 0 fine, 1 an invalid slot, 2 unreadable input.
int run_check(const CommandLine& cl, const config::Config& cfg, std::ostream& out);

} // namespace kenes::daemon
