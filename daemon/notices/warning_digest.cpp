#include "daemon/notices/warning_digest.hpp"

#include "daemon/base/log.hpp"
#include "daemon/notices/notice_composer.hpp"
#include "daemon/notices/notice_flow.hpp"

#include <algorithm>

namespace kenes::daemon {

int release_held_warnings(const config::Config& config, StateStore& store, calendar::Instant now)
{
  const std::vector<HeldWarning> held = store.held_warnings(); // by recipient
  int digests = 0;
  for (std::size_t i = 0; i < held.size();) {
    std::size_t end = i;
    while (end < held.size() && held[end].recipient == held[i].recipient) {
      ++end;
    }
    std::vector<std::int64_t> ids;
    std::vector<std::string> keys, parts;
    bool adopted = false;
    for (std::size_t k = i; k < end; ++k) {
      ids.push_back(held[k].id);
      keys.push_back(held[k].key);
      parts.push_back(held[k].text);
      adopted = adopted || held[k].digest;
    }
    const std::string& recipient = held[i].recipient;
    if (adopted || static_cast<int>(ids.size()) > config.notices.digest_after) {
      OutboxMessage digest = compose_digest(config, recipient, keys, parts, now);
      if (!notice_allowed(config, recipient)) {
        digest.state = "suppressed";
      }
      store.release_held(ids, digest);
      ++digests;
      log(LogLevel::info, "notice.digest",
          "to=" + log_value(recipient) + " warnings=" + std::to_string(ids.size()) +
              " message_id=" + log_value(digest.message_id));
    } else {
      store.release_held(ids, std::nullopt);
    }
    i = end;
  }
  return digests;
}

} // namespace kenes::daemon
