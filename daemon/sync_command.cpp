#include "daemon/sync_command.hpp"

#include "daemon/base/log.hpp"
#include "daemon/base/secrets.hpp"
#include "daemon/notices/outbox_sender.hpp"
#include "daemon/notices/spool_delivery.hpp"
#include "daemon/start_checks.hpp"
#include "daemon/store/state_store.hpp"
#include "daemon/sync/sync_engine.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iostream>

#pragma GCC diagnostic ignored "-Wmismatched-new-delete" // GCC PR 109224, see caldav_source.cpp

namespace kenes::daemon {

namespace asio = boost::asio;

std::unique_ptr<StateStore> open_state(const config::Config& config)
{
  try {
    std::error_code ec;
    const bool new_dir = !std::filesystem::exists(config.state_dir, ec);
    std::unique_ptr<StateStore> store = StateStore::open(config.state_dir);
    if (new_dir) {
      // The one folder kenesd makes; said, so that a typo in state_dir is seen in the log.
      log(LogLevel::warning, "store.state_dir_created",
          "path=" + log_value(config.state_dir.string()) + " store=" + log_value(store->path().string()));
    }
    if (config.notices.transport == config::Transport::spool && spool_in_state_dir(config) &&
        !std::filesystem::exists(config.notices.spool_dir, ec)) {
      std::filesystem::create_directories(config.notices.spool_dir, ec);
      log(LogLevel::warning, "store.spool_dir_created",
          "path=" + log_value(config.notices.spool_dir.string()) + " reason=" + log_value("inside state_dir"));
    }
    if (config.notices.transport == config::Transport::spool) {
      // What a crash left between the outbox's record and the spool: found there, or written now.
      reconcile_spool(*store, config.notices.spool_dir, system_now());
    }
    store->release_claims(); // what a crash left claimed for sending is due again
    return store;
  } catch (const StoreError& e) {
    log(LogLevel::error, "store.open_failed", "reason=" + log_value(e.what()));
    std::cerr << "kenesd: " << e.what() << "\n";
    return nullptr;
  }
}

int run_sync_once(const config::Config& config, std::optional<calendar::Instant> now,
                  const std::optional<std::string>& accept_removals)
{
  const Clock clock = now ? Clock([at = *now] { return at; }) : Clock(system_now);
  if (accept_removals && std::none_of(config.sources.begin(), config.sources.end(),
                                      [&](const config::SourceConfig& s) { return s.id == *accept_removals; })) {
    std::cerr << "kenesd: --accept-removals: no source '" << *accept_removals << "' in the config\n";
    return 2;
  }
  std::unique_ptr<StateStore> store = open_state(config);
  if (!store) {
    return 2;
  }
  if (accept_removals) {
    const passwd* pw = ::getpwuid(::geteuid());
    const std::string by = std::string("sync --once by ") + (pw ? pw->pw_name : std::to_string(::geteuid()));
    if (store->accept_removals(*accept_removals, by)) {
      log(LogLevel::warning, "sync.removals_accepted_by",
          "source=" + log_value(*accept_removals) + " by=" + log_value(by) +
              " next=" + log_value("this sync applies the removals held back"));
    }
  }
  if (now) {
    store->set_clock(clock);
  }
  std::unique_ptr<OutboxSender> sender;
  try {
    sender = std::make_unique<OutboxSender>(*store, config, clock);
  } catch (const SecretError& e) {
    std::cerr << "kenesd: notices.smtp: " << e.what() << "\n";
    return 2;
  }
  asio::io_context io;
  auto shared = std::make_shared<const config::Config>(config);
  SyncTotals totals;
  std::exception_ptr failure;
  {
    const auto t0 = std::chrono::steady_clock::now();
    SyncEngine engine(io, shared, *store, clock);
    // The lambda outlives the coroutine it starts (its captures are read through it). A complete
    // cycle: read the sources, check, deliver what is due.
    // Notices go out while the sources are still read (the sender's threads wait on the mail
    // server or the disk, the worker checks); what is due at the end is delivered before exit.
    bool synced = false;
    DeliveryTotals delivered;
    asio::steady_timer pause(io); // the pump's wait; cancelled when the sync is done
    auto pump = [&]() -> asio::awaitable<void> {
      while (!synced) {
        DeliveryTotals d = co_await sender->deliver_due();
        delivered.sent += d.sent;
        delivered.failed += d.failed;
        delivered.spool_refused += d.spool_refused;
        if (d.sent + d.failed + d.retried == 0 && !synced) {
          pause.expires_after(std::chrono::milliseconds(200));
          boost::system::error_code ec;
          co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
      }
    };
    auto body = [&]() -> asio::awaitable<void> { totals = co_await engine.sync_all(); };
    asio::co_spawn(io, body(), [&](std::exception_ptr e) {
      failure = e;
      synced = true; // done or failed, the pump stops too
      pause.cancel();
    });
    asio::co_spawn(io, pump(), [&](std::exception_ptr e) {
      if (e && !failure) {
        failure = e;
      }
    });
    io.run();
    if (!failure) {
      DeliveryTotals last = sender->deliver_due_blocking();
      delivered.sent += last.sent;
      delivered.failed += last.failed;
      delivered.spool_refused += last.spool_refused;
    }
    totals.notices_sent += delivered.sent; // and those the checks wrote to the spool themselves
    // and those the spool refused the checks, and those it refused the sender at their first
    // attempt (warnings and digests: they go through the outbox)
    totals.notices_failed += delivered.failed + delivered.spool_refused;

    totals.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      std::cerr << "kenesd: sync failed: " << e.what() << "\n";
      return 2;
    }
  }
  store->checkpoint();
  std::cout << totals.summary_line() << std::endl;
  return totals.failed_sources > 0 || totals.failed_collections > 0 || totals.notices_failed > 0 ||
                 totals.checks_failed > 0
             ? 1
             : 0;
}

} // namespace kenes::daemon
