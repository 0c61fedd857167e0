#include "daemon/notices/spool_delivery.hpp"

#include "daemon/base/log.hpp"

#include "connectors/mail_transport.hpp"

#include <memory>
#include <string>

namespace kenes::daemon {

std::size_t deliver_to_spool(const std::filesystem::path& spool_dir, std::int64_t now,
                             const std::vector<OutboxMessage*>& messages)
{
  if (messages.empty()) {
    return 0;
  }
  std::vector<connectors::Envelope> envelopes;
  envelopes.reserve(messages.size());
  for (OutboxMessage* m : messages) {
    envelopes.push_back({m->sender, m->recipient, m->message_id, std::move(m->message)});
  }
  std::unique_ptr<connectors::MailTransport> spool = connectors::make_spool_transport(spool_dir);
  const std::vector<connectors::Delivery> outcomes = spool->deliver_all(envelopes);
  std::size_t refused = 0;
  std::string reason;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (i < outcomes.size() && outcomes[i].outcome == connectors::Delivery::Outcome::sent) {
      messages[i]->delivered_at = now;
    } else {
      messages[i]->message = std::move(envelopes[i].message);
      if (refused++ == 0) {
        reason = i < outcomes.size() ? outcomes[i].reply : "no outcome";
      }
    }
  }
  if (refused > 0) {
    log(LogLevel::warning, "notice.spool_refused",
        "count=" + std::to_string(refused) + " reason=" + log_value(reason) +
            " next=" + log_value("queued in the outbox for the sender to retry"));
  }
  return refused;
}

} // namespace kenes::daemon
