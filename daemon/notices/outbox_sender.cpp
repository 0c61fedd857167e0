#include "daemon/notices/outbox_sender.hpp"

#include "daemon/base/log.hpp"
#include "daemon/base/secrets.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#pragma GCC diagnostic ignored "-Wmismatched-new-delete" // GCC PR 109224, see caldav_source.cpp

namespace kenes::daemon {

namespace asio = boost::asio;
namespace con = kenes::connectors;

std::unique_ptr<con::MailTransport> make_transport(const config::Config& c)
{
  if (c.notices.transport == config::Transport::spool) {
    return con::make_spool_transport(c.notices.spool_dir);
  }
  con::SmtpOptions o;
  o.url = c.notices.smtp.url;
  o.starttls = c.notices.smtp.starttls == config::StartTls::required   ? con::SmtpTls::required
               : c.notices.smtp.starttls == config::StartTls::optional ? con::SmtpTls::optional
                                                                       : con::SmtpTls::never;
  o.username = c.notices.smtp.username;
  if (!c.notices.smtp.password_file.empty()) {
    o.password = read_secret(c.notices.smtp.password_file);
  }
  o.timeout = std::chrono::seconds(c.notices.smtp.timeout_seconds);
  return con::make_smtp_transport(std::move(o));
}

std::string notice_log_fields(const std::string& kind, const std::string& recipient, const std::string& uid,
                              const std::string& message_id)
{
  return "kind=" + kind + " to=" + log_value(recipient) + " uid=" + log_value(uid) +
         " message_id=" + log_value(message_id);
}

void log_notice_sent(const std::string& kind, const std::string& recipient, const std::string& uid,
                     const std::string& message_id)
{
  log(LogLevel::info, "notice.sent", notice_log_fields(kind, recipient, uid, message_id));
}

Pacer::Pacer(int per_minute)
  : m_base(60.0 / std::max(1, per_minute))
  , m_gap(m_base)
  , m_next(std::chrono::steady_clock::now())
{
}

bool Pacer::acquire()
{
  std::unique_lock lock(m_mutex);
  if (m_stopping) {
    return false;
  }
  const std::chrono::steady_clock::time_point slot = std::max(m_next, std::chrono::steady_clock::now());
  m_next = slot + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(m_gap));
  // Not sleep_until: a stop must not wait for the slot (a slowed-down gap is up to a minute).
  return !m_stopped.wait_until(lock, slot, [this] { return m_stopping; });
}

void Pacer::stop()
{
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_stopped.notify_all();
}

void Pacer::slow_down()
{
  std::lock_guard lock(m_mutex);
  m_gap = std::min(60.0, m_gap * 2);
  m_next = std::max(m_next, std::chrono::steady_clock::now()) +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(m_gap));
}

void Pacer::delivered()
{
  std::lock_guard lock(m_mutex);
  m_gap = std::max(m_base, m_gap * 0.95);
}

double Pacer::gap_seconds() const
{
  std::lock_guard lock(m_mutex);
  return m_gap;
}

OutboxSender::OutboxSender(StateStore& store, const config::Config& config, Clock clock)
  : m_store(store)
  , m_clock(std::move(clock))
  , m_retry_seconds(config.notices.retry_seconds)
  , m_max_attempts(config.notices.max_attempts)
{
  // The spool is one folder: more writers only contend for its lock (its batches are large instead).
  m_spool = config.notices.transport == config::Transport::spool;
  const int lanes = m_spool ? 1 : std::max(1, config.notices.concurrency);
  for (int i = 0; i < lanes; ++i) {
    m_transports.push_back(make_transport(config));
  }
  m_pool = std::make_unique<asio::thread_pool>(static_cast<std::size_t>(lanes) + 1); // + the waiter
  if (config.notices.transport == config::Transport::smtp) {
    m_pacer = std::make_unique<Pacer>(config.notices.max_per_minute);
  }
}

OutboxSender::~OutboxSender()
{
  m_pool->join();
}

// One lane: claim as many as the transport takes in one call, deliver, record the outcomes in one
// transaction, until nothing is due.
void OutboxSender::work(std::size_t lane, DeliveryTotals& totals)
{
  static std::mutex totals_mutex;
  thread_local std::mt19937 rng(std::random_device{}());
  con::MailTransport& transport = *m_transports[lane];
  while (!m_stopping) {
    std::vector<OutboxRow> rows = m_store.claim_due(m_clock(), std::max<std::size_t>(1, transport.batch_size()));
    if (rows.empty()) {
      return;
    }
    if (m_pacer) {
      // SMTP takes one message a call. A claimed message waiting here is 'sending'; a crash puts
      // it back (release_claims), a stop at once (unclaim), so the queue stays durable.
      for (std::size_t i = 0; i < rows.size(); ++i) {
        if (!m_pacer->acquire()) {
          std::vector<std::int64_t> ids;
          for (const OutboxRow& row : rows) {
            ids.push_back(row.id);
          }
          m_store.unclaim(ids);
          return;
        }
      }
    }
    std::vector<con::Envelope> envelopes;
    envelopes.reserve(rows.size());
    for (const OutboxRow& row : rows) {
      envelopes.push_back({row.sender, row.recipient, row.message_id, row.message});
    }
    const std::vector<con::Delivery> deliveries = transport.deliver_all(envelopes);
    std::lock_guard lock(totals_mutex);
    m_store.with_transaction([&] {
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const OutboxRow& row = rows[i];
        const con::Delivery& d = deliveries.at(i);
        const std::string fields = notice_log_fields(row.kind, row.recipient, row.uid, row.message_id);
        if (m_pacer) {
          if (d.outcome == con::Delivery::Outcome::temporary) {
            m_pacer->slow_down(); // the relay asks to wait (rate limited, greylisted, busy)
          } else {
            m_pacer->delivered();
          }
        }
        if (d.outcome == con::Delivery::Outcome::sent) {
          m_store.mark_sent(row.id, m_clock());
          ++totals.sent;
          log_notice_sent(row.kind, row.recipient, row.uid, row.message_id);
        } else if (d.outcome == con::Delivery::Outcome::permanent || row.attempts >= m_max_attempts) {
          std::string reason = d.outcome == con::Delivery::Outcome::permanent
                                   ? d.reply
                                   : d.reply + " (gave up after " + std::to_string(row.attempts) + " attempts)";
          m_store.mark_failed(row.id, reason);
          ++totals.failed;
          log(LogLevel::error, "notice.failed", fields + " reason=" + log_value(reason));
        } else {
          // Exponential backoff with jitter: retry_seconds × 2^(attempts-1), at most an hour, ±20%.
          double delay = std::min(3600.0, m_retry_seconds * std::pow(2.0, row.attempts - 1));
          delay *= std::uniform_real_distribution<double>(0.8, 1.2)(rng);
          m_store.mark_retry(row.id, m_clock() + static_cast<std::int64_t>(std::max(1.0, delay)), d.reply);
          ++totals.retried;
          // Its first attempt (the checks' direct path counted those it tried first itself).
          if (m_spool && row.attempts == 1) {
            ++totals.spool_refused;
          }
          log(LogLevel::warning, "notice.retry",
              fields + " attempt=" + std::to_string(row.attempts) + " reason=" + log_value(d.reply));
        }
      }
    });
  }
}

void OutboxSender::stop()
{
  m_stopping = true;
  if (m_pacer) {
    m_pacer->stop();
  }
}

DeliveryTotals OutboxSender::deliver_due_blocking()
{
  DeliveryTotals totals;
  std::atomic<std::size_t> done{0};
  std::mutex m;
  std::condition_variable cv;
  for (std::size_t lane = 0; lane < m_transports.size(); ++lane) {
    asio::post(*m_pool, [this, lane, &totals, &done, &m, &cv] {
      work(lane, totals);
      std::lock_guard lock(m);
      ++done;
      cv.notify_all();
    });
  }
  std::unique_lock lock(m);
  cv.wait(lock, [&] { return done == m_transports.size(); });
  return totals;
}

asio::awaitable<DeliveryTotals> OutboxSender::deliver_due()
{
  auto loop = co_await asio::this_coro::executor;
  auto initiate = [this, loop](auto handler) {
    // The pool's spare thread waits for the lanes, so the loop never blocks.
    asio::post(*m_pool, [this, loop, handler = std::move(handler)]() mutable {
      DeliveryTotals totals = deliver_due_blocking();
      asio::post(loop, [handler = std::move(handler), totals]() mutable { handler(totals); });
    });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(DeliveryTotals)>(initiate,
                                                                                                asio::use_awaitable);
}

} // namespace kenes::daemon
