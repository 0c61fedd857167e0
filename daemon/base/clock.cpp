#include "daemon/base/clock.hpp"

#include <ctime>

namespace kenes::daemon {

calendar::Instant system_now()
{
  return static_cast<calendar::Instant>(std::time(nullptr));
}

} // namespace kenes::daemon
