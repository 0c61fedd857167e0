// Delivers the outbox (SPEC §5): due messages are claimed from the store, a transport batch at a time, and handed
// to the configured transport by a few threads (each with its own transport, so an SMTP
// connection is reused from one message to the next); temporary failures are retried with
// backoff, permanent ones parked as failed with the server's answer. A message is marked sent
// only after the transport accepted it: a crash in between sends it again, with the same
// Message-ID.
#pragma once

#include "daemon/base/clock.hpp"
#include "daemon/store/state_store.hpp"

#include "config/config.hpp"
#include "connectors/mail_transport.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kenes::daemon {

// The fields that name a notice in its log lines (notice.sent, notice.retry, notice.failed),
// whoever delivered it: the sender, or a check writing to the spool.
std::string notice_log_fields(const std::string& kind, const std::string& recipient, const std::string& uid,
                              const std::string& message_id);
// The one place a notice.sent line is written, by the sender and by the spool's direct path.
void log_notice_sent(const std::string& kind, const std::string& recipient, const std::string& uid,
                     const std::string& message_id);

struct DeliveryTotals
{
  int sent = 0, failed = 0, retried = 0;
  // Of the retried: messages the spool refused at their first attempt (a warning or a digest,
  // which enter the outbox and are not written by the checks). With the ones the checks' direct
  // path counts when the spool refuses them, each refused message is counted once, in the run
  // that first tried it (`sync --once`'s notices_failed).
  int spool_refused = 0;
};

// Spreads SMTP delivery over time (notices.max_per_minute) so that a relay's rate limit is never
// hit: each message takes the next free slot, 60/max_per_minute seconds after the one before,
// whichever lane sends it. A temporary (4xx) answer doubles the gap, up to a minute; each message
// taken brings it back a little towards the configured rate. Thread-safe.
class Pacer
{
public:
  explicit Pacer(int per_minute);
  // Waits for the next slot; false, at once, once stop() was called (also while waiting).
  bool acquire();
  void slow_down();
  void delivered();
  void stop();
  double gap_seconds() const;

private:
  mutable std::mutex m_mutex;
  std::condition_variable m_stopped;
  bool m_stopping = false;
  double m_base, m_gap;
  std::chrono::steady_clock::time_point m_next;
};

class OutboxSender
{
public:
  // Throws SecretError when the SMTP password file cannot be read. At start, before the first
  // sender, StateStore::release_claims() puts back what a crash left claimed.
  OutboxSender(StateStore& store, const config::Config& config, Clock clock);
  ~OutboxSender();
  OutboxSender(const OutboxSender&) = delete;
  OutboxSender& operator=(const OutboxSender&) = delete;

  // Sends every message due now and returns when none is left due (retries wait for later).
  boost::asio::awaitable<DeliveryTotals> deliver_due();
  // The same, blocking (for `check --emit` and tests).
  DeliveryTotals deliver_due_blocking();
  // The daemon stops: the lanes take no more messages and a paced lane stops waiting at once;
  // what it had claimed and not handed to the transport is pending again (the queue stays
  // durable). A delivery in progress ends as usual. Irreversible.
  void stop();

private:
  void work(std::size_t lane, DeliveryTotals& totals);

  StateStore& m_store;
  Clock m_clock;
  int m_retry_seconds, m_max_attempts;
  std::vector<std::unique_ptr<connectors::MailTransport>> m_transports; // one per lane
  std::unique_ptr<boost::asio::thread_pool> m_pool;
  std::unique_ptr<Pacer> m_pacer; // SMTP only
  bool m_spool = false;           // the transport is the spool
  std::atomic<bool> m_stopping{false};
};

std::unique_ptr<connectors::MailTransport> make_transport(const config::Config& config);

} // namespace kenes::daemon
