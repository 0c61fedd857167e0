// kenesd's commands, from parsed arguments to an exit code.
#pragma once

#include <string>
#include <vector>

namespace kenes::daemon {

// Startup: parse arguments → load and validate the config (`config check` stops here) → run the
// command. Returns the exit code; prints its own errors.
int run_kenesd(const std::vector<std::string>& args);

} // namespace kenes::daemon
