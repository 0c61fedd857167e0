// `kenesd run`: one io_context thread; each source syncs on its own interval; systemd notify;
// SIGHUP reloads, SIGTERM drains (Kea's processSignal is the model).
#include "daemon/daemon_loop.hpp"
#include "daemon/start_checks.hpp"

#include "daemon/admin/admin_pages.hpp"
#include "daemon/admin/admin_server.hpp"
#include "daemon/admin/metrics.hpp"
#include "daemon/base/log.hpp"
#include "daemon/base/secrets.hpp"
#include "daemon/notices/outbox_sender.hpp"
#include "daemon/report/report_publisher.hpp"
#include "daemon/store/state_store.hpp"
#include "daemon/sync/sync_engine.hpp"
#include "daemon/sync_command.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <systemd/sd-daemon.h>

#include <csignal>
#include <ctime>
#include <iostream>
#include <set>
#include <sstream>

#pragma GCC diagnostic ignored "-Wmismatched-new-delete" // GCC PR 109224, see caldav_source.cpp

namespace kenes::daemon {

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class Daemon
{
public:
  Daemon(asio::io_context& io, std::shared_ptr<const config::Config> config, std::filesystem::path config_file,
         StateStore& store)
    : m_io(io)
    , m_config_file(std::move(config_file))
    , m_store(store)
    , m_engine(io, config, store, system_now)
    , m_sender(std::make_unique<OutboxSender>(store, *config, system_now))
    , m_publisher(io, store, system_now)
    , m_signals(io, SIGTERM, SIGINT, SIGHUP)
    , m_watchdog(io)
    , m_outbox_timer(io)
  {
  }

  // Binds the admin server now: a taken port is an error at start, not a surprise later.
  void start_admin(const boost::asio::ip::tcp::endpoint& endpoint, AdminAuth auth)
  {
    AdminHooks hooks;
    hooks.config = [this] { return m_engine.config(); };
    hooks.ready = [this] { return m_synced.size() >= m_engine.config()->sources.size(); };
    hooks.sync_now = [this] {
      log(LogLevel::info, "daemon.sync_requested", "by=admin");
      wake_all();
    };
    hooks.check = [this](std::string text) -> asio::awaitable<std::pair<std::string, bool>> {
      CheckAnswer a = co_await m_engine.check_text(std::move(text), "POST /api/v1/check");
      co_return std::pair<std::string, bool>{std::move(a.json), a.unreadable};
    };
    hooks.holidays = [this] { return m_engine.holidays(); };
    hooks.now = [] { return system_now(); };
    m_pages = std::make_unique<AdminPages>(m_store, m_metrics, std::move(hooks), std::move(auth));
    m_admin = std::make_unique<AdminServer>(
        m_io, endpoint, [this](AdminRequest r) { return m_pages->handle(std::move(r)); }, m_metrics);
    std::ostringstream where;
    where << m_admin->local_endpoint();
    log(LogLevel::info, "admin.listening", "address=" + where.str());
    m_admin->start();
  }

  void start()
  {
    wait_signal();
    start_watchdog();
    asio::co_spawn(m_io, startup(), asio::detached);
  }

private:
  asio::awaitable<void> startup()
  {
    // Checks a crash left queued come first, then every source on its interval.
    int leftover = co_await m_engine.check_pending();
    if (leftover > 0) {
      log(LogLevel::info, "daemon.recovered", "checked=" + std::to_string(leftover));
    }
    if (m_stopping) {
      co_return;
    }
    start_sources();
    asio::co_spawn(m_io, outbox_loop(), asio::detached);
    asio::co_spawn(m_io, report_loop(), asio::detached);
    auto config = m_engine.config();
    log(LogLevel::info, "daemon.ready",
        "sources=" + std::to_string(config->sources.size()) + " state=" + log_value(config->state_dir.string()));
    sd_notify(0, "READY=1\nSTATUS=started, first sync running");
  }

  void start_sources()
  {
    auto config = m_engine.config();
    for (const config::SourceConfig& s : config->sources) {
      asio::co_spawn(m_io, source_loop(s.id, s.interval_seconds, m_generation), asio::detached);
    }
  }

  asio::awaitable<void> source_loop(std::string id, int interval_seconds, std::uint64_t generation)
  {
    ++m_running;
    while (!m_stopping && generation == m_generation) {
      SyncTotals t = co_await m_engine.sync_source(id);
      m_metrics.sync_finished(id, t.seconds, t.failed_sources > 0);
      m_metrics.checks_failed(t.checks_failed, t.checks_failing);
      m_attempted.insert(id);
      m_notices_sent += t.notices_sent;     // written to the spool by the checks
      m_notices_failed += t.notices_failed; // refused by the spool (then queued in the outbox)
      if (t.checked > 0) {
        m_outbox_kick = true; // new notices may be queued: deliver them now
        m_outbox_timer.cancel();
      }
      if (t.failed_sources > 0) {
        m_failing.insert(id);
      } else {
        m_synced.insert(id); // /readyz: every source has synced once
        m_failing.erase(id);
      }
      notify_status();
      if (m_stopping || generation != m_generation) {
        break;
      }
      co_await sleep(std::chrono::seconds(std::max(1, interval_seconds)));
    }
    if (--m_running == 0 && m_stopping) {
      finish();
    }
  }

  // Delivers what is due, then sleeps until the next retry is due (at most 30 s) or a sync
  // queued new notices.
  asio::awaitable<void> outbox_loop()
  {
    ++m_running;
    while (!m_stopping) {
      m_outbox_kick = false;
      DeliveryTotals d = co_await m_sender->deliver_due();
      m_notices_sent += d.sent;
      m_notices_failed += d.failed + d.spool_refused; // as sync --once counts them
      if (m_stopping) {
        break;
      }
      if (m_outbox_kick) {
        continue;
      }
      std::optional<std::int64_t> retry = m_store.next_retry();
      auto wait = std::chrono::seconds(30);
      if (retry) {
        wait = std::clamp(std::chrono::seconds(*retry - system_now()), std::chrono::seconds(1), wait);
      }
      m_outbox_timer.expires_after(wait);
      boost::system::error_code ec;
      co_await m_outbox_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (--m_running == 0 && m_stopping) {
      finish();
    }
  }

  // Publishes last month's appendix when it is due (SPEC §9); looks again every
  // report.check_interval_seconds, so a failed PUT is retried then. Reads the config anew each
  // time: a reload may set or change report.publish_url.
  asio::awaitable<void> report_loop()
  {
    ++m_running;
    // The month is published from what the sources hold: wait until each has synced once.
    while (!m_stopping && m_attempted.size() < m_engine.config()->sources.size()) {
      asio::steady_timer timer(m_io, std::chrono::milliseconds(200));
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    while (!m_stopping) {
      auto config = m_engine.config();
      co_await m_publisher.check(config, m_engine.holidays());
      if (m_stopping) {
        break;
      }
      co_await sleep(std::chrono::seconds(config->report.check_interval_seconds));
    }
    if (--m_running == 0 && m_stopping) {
      finish();
    }
  }

  // Sleeps, or less when wake_all() (a reload, a stop, POST /api/v1/sync) cuts it short.
  asio::awaitable<void> sleep(std::chrono::seconds duration)
  {
    asio::steady_timer timer(m_io, duration);
    m_sleeping.insert(&timer);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    m_sleeping.erase(&timer);
  }

  void notify_status()
  {
    auto config = m_engine.config();
    std::string status = "STATUS=" + std::to_string(m_synced.size()) + "/" + std::to_string(config->sources.size()) +
                         " sources synced, " + std::to_string(m_failing.size()) + " failing, " +
                         std::to_string(m_notices_sent) + " notices sent";
    sd_notify(0, status.c_str());
  }

  void wait_signal()
  {
    m_signals.async_wait([this](boost::system::error_code ec, int signo) {
      if (ec) {
        return;
      }
      if (signo == SIGHUP) {
        reload();
        wait_signal();
        return;
      }
      stop(signo);
    });
  }

  void reload()
  {
    if (m_stopping) {
      return;
    }
    sd_notify(0, "RELOADING=1");
    try {
      auto config = std::make_shared<const config::Config>(config::load_config(m_config_file));
      if (auto problems = start_problems(*config, StartOf::run); !problems.empty()) {
        throw config::ConfigError(std::move(problems)); // a spool_dir typo is kept out as well
      }
      auto sender = std::make_unique<OutboxSender>(m_store, *config, system_now); // the new transport
      m_sender->stop(); // its lanes end now (a paced one would wait out its gaps); the new one goes on
      m_sender = std::move(sender);
      reload_admin(*config);
      m_engine.reconfigure(config);
      ++m_generation;
      wake_all();
      start_sources();
      log(LogLevel::info, "daemon.reloaded",
          "config=" + log_value(m_config_file.string()) + " sources=" + std::to_string(config->sources.size()));
    } catch (const config::ConfigError& e) {
      for (const config::ConfigProblem& p : e.problems()) {
        log(LogLevel::error, "daemon.reload_failed", "problem=" + log_value(p.to_string()));
      }
      log(LogLevel::warning, "daemon.reload_kept_old", "config=" + log_value(m_config_file.string()));
    } catch (const SecretError& e) {
      log(LogLevel::error, "daemon.reload_failed", "problem=" + log_value(std::string("notices.smtp: ") + e.what()));
      log(LogLevel::warning, "daemon.reload_kept_old", "config=" + log_value(m_config_file.string()));
    }
    sd_notify(0, "READY=1");
  }

  // New users and tokens apply at once; a new listen address needs a restart. Never leaves a
  // non-loopback page without authentication.
  void reload_admin(const config::Config& config)
  {
    if (!m_pages) {
      return;
    }
    if (config.admin.listen != m_engine.config()->admin.listen) {
      log(LogLevel::warning, "admin.listen_kept",
          "listen=" + log_value(config.admin.listen) + " reason=\"a new admin.listen takes effect at the next start\"");
    }
    try {
      AdminAuth auth = AdminAuth::load(config.admin.users_file, config.admin.tokens_file);
      if (!auth.configured() && !is_loopback(m_admin->local_endpoint())) {
        log(LogLevel::error, "admin.auth_kept",
            "reason=\"the admin page listens on a non-loopback address and must keep its authentication\"");
        return;
      }
      m_pages->set_auth(std::move(auth));
    } catch (const AuthError& e) {
      log(LogLevel::error, "admin.auth_kept", "reason=" + log_value(e.what()));
    }
  }

  void stop(int signo)
  {
    log(LogLevel::info, "daemon.stopping", "signal=" + std::to_string(signo) + " running=" + std::to_string(m_running));
    sd_notify(0, "STOPPING=1");
    m_stopping = true;
    if (m_admin) {
      m_admin->stop();
    }
    wake_all();
    m_outbox_timer.cancel();
    m_sender->stop(); // a paced sender does not wait out its gaps; the rest stays queued
    // Requests in flight end now (a stalled server would outlast systemd's stop timeout); what
    // was read is committed collection by collection, so nothing is lost, and the next start
    // goes on from there.
    m_engine.cancel();
    m_publisher.cancel();
    if (m_running == 0) {
      finish();
    }
  }

  void finish()
  {
    m_signals.cancel();
    m_watchdog.cancel();
    log(LogLevel::info, "daemon.stopped");
  }

  void wake_all()
  {
    for (asio::steady_timer* t : m_sleeping) {
      t->cancel();
    }
  }

  void start_watchdog()
  {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) {
      return;
    }
    m_watchdog_limit = std::chrono::microseconds(usec);
    m_watchdog_period = std::chrono::microseconds(usec / 2);
    ping_watchdog();
  }

  // Fed from the loop (a blocked loop never gets here), and only while the work off the loop
  // makes progress: a check or sync that has done nothing for a whole WatchdogSec is stuck, and
  // systemd is left to restart the daemon.
  void ping_watchdog()
  {
    if (!m_engine.stalled(m_watchdog_limit)) {
      sd_notify(0, "WATCHDOG=1");
      if (m_withheld) {
        m_withheld = false;
        log(LogLevel::info, "daemon.watchdog_resumed");
      }
    } else if (!m_withheld) {
      m_withheld = true;
      log(LogLevel::error, "daemon.watchdog_withheld",
          "reason=\"the checks and syncs have made no progress for " + std::to_string(m_watchdog_limit.count() / 1000) +
              " ms\"");
    }
    m_watchdog.expires_after(m_watchdog_period);
    m_watchdog.async_wait([this](boost::system::error_code ec) {
      if (!ec && !m_stopping) {
        ping_watchdog();
      }
    });
  }

  asio::io_context& m_io;
  Metrics m_metrics;
  std::filesystem::path m_config_file;
  StateStore& m_store;
  SyncEngine m_engine;
  std::unique_ptr<OutboxSender> m_sender;
  ReportPublisher m_publisher;
  asio::signal_set m_signals;
  asio::steady_timer m_watchdog;
  asio::steady_timer m_outbox_timer;
  int m_notices_sent = 0, m_notices_failed = 0;
  bool m_outbox_kick = false;
  std::chrono::microseconds m_watchdog_period{0}, m_watchdog_limit{0};
  bool m_withheld = false; // the last watchdog tick found the work stalled
  std::set<asio::steady_timer*> m_sleeping;
  std::set<std::string> m_synced, m_failing, m_attempted;
  std::uint64_t m_generation = 0;
  int m_running = 0;
  bool m_stopping = false;
  std::unique_ptr<AdminPages> m_pages; // last: gone before what its hooks use
  std::unique_ptr<AdminServer> m_admin;
};

} // namespace

int run_daemon(const config::Config& config, const std::filesystem::path& config_file)
{
  boost::asio::ip::tcp::endpoint admin_endpoint;
  AdminAuth auth;
  try {
    admin_endpoint = parse_listen(config.admin.listen);
    auth = AdminAuth::load(config.admin.users_file, config.admin.tokens_file);
  } catch (const AdminListenError& e) {
    std::cerr << "kenesd: " << config_file.string() << ": " << e.what() << "\n";
    return 2;
  } catch (const AuthError& e) {
    std::cerr << "kenesd: admin: " << e.what() << "\n";
    return 2;
  }
  if (!is_loopback(admin_endpoint) && !auth.configured()) {
    std::cerr << "kenesd: " << config_file.string() << ": /admin/listen: " << config.admin.listen
              << " is not a loopback address; refusing to serve the admin page without authentication "
                 "(set admin.users_file or admin.tokens_file, or listen on 127.0.0.1)\n";
    return 2;
  }
  std::unique_ptr<StateStore> store = open_state(config);
  if (!store) {
    return 2;
  }
  asio::io_context io;
  try {
    Daemon daemon(io, std::make_shared<const config::Config>(config), config_file, *store);
    daemon.start_admin(admin_endpoint, std::move(auth));
    daemon.start();
    io.run();
  } catch (const SecretError& e) {
    std::cerr << "kenesd: notices.smtp: " << e.what() << "\n";
    return 2;
  } catch (const AdminListenError& e) {
    std::cerr << "kenesd: " << config_file.string() << ": " << e.what() << "\n";
    return 2;
  }
  store->checkpoint();
  return 0;
}

} // namespace kenes::daemon
