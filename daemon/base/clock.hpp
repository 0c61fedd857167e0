// The daemon's clock: "now" is passed into everything that judges time, so tests can fix it.
#pragma once

#include "calendar/time.hpp"

#include <functional>

namespace kenes::daemon {

using Clock = std::function<calendar::Instant()>;

// The system's wall clock, in UTC seconds: the Clock of `run` and `sync --once`.
calendar::Instant system_now();

} // namespace kenes::daemon
