// The command line of kenesd (SPEC §10).
#pragma once

#include "daemon/base/command_line.hpp"

#include <string>
#include <vector>

namespace kenes::daemon {

// Throws UsageError.
CommandLine parse_command_line(const std::vector<std::string>& args);
std::string usage_text();

} // namespace kenes::daemon
