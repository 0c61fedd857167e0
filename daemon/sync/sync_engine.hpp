// One sync of the configured sources (SPEC §6, §7): each source reads what changed since what the
// store holds, each changed collection is applied to the store as soon as it is read (with its
// ctag and sync token, in one transaction that also queues the UIDs it touched for a check), then
// the CheckQueue checks the queued meetings again. Runs on the caller's io_context; SQLite and
// libical work goes to one worker thread, in order, and comes back to the loop.
#pragma once

#include "daemon/base/clock.hpp"
#include "daemon/store/state_store.hpp"
#include "daemon/sync/check_queue.hpp"

#include "calendar/time.hpp"
#include "config/config.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace kenes::connectors {
class HttpClient;
class Source;
struct CollectionDelta;
} // namespace kenes::connectors

namespace kenes::daemon {

// What one or more source syncs did; `sync --once` prints it as its summary line.
struct SyncTotals
{
  int sources = 0;
  int collections = 0; // listed by the sources
  std::uint64_t requests = 0;
  int added = 0, changed = 0, removed = 0;
  int quarantined = 0;
  int failed_sources = 0;
  int failed_collections = 0; // listed collections the server does not have; the rest synced
  int checked = 0;            // meetings checked again
  int notices_sent = 0, notices_failed = 0;
  // Removals held back by max_removal_percent (the source is then degraded and counted in
  // failed_sources).
  int removals_held = 0;
  // Meetings whose check began to throw (check.failed): left queued, retried by the next sync;
  // each counted once until it is checked or changes (CheckQueue::take_failed).
  int checks_failed = 0;
  // Meetings whose last check threw, at the end of this sync: a gauge, not added up.
  int checks_failing = 0;
  double seconds = 0;
  int errors() const { return failed_sources + failed_collections + quarantined + checks_failed; }
  void add(const SyncTotals& other);
  std::string summary_line() const; // "sources=2 collections=200 requests=201 added=… seconds=12.30"
};

class SyncEngine
{
public:
  SyncEngine(boost::asio::io_context& io, std::shared_ptr<const config::Config> config, StateStore& store, Clock clock);
  ~SyncEngine();
  SyncEngine(const SyncEngine&) = delete;
  SyncEngine& operator=(const SyncEngine&) = delete;

  // A new config (SIGHUP): sources are rebuilt; sources no longer configured leave the store.
  void reconfigure(std::shared_ptr<const config::Config> config);
  std::shared_ptr<const config::Config> config() const { return m_config; }

  // Syncs one source, then checks what changed. A failing source is recorded as such (degraded,
  // with its reason) and counted in failed_sources; it never throws for outside errors.
  boost::asio::awaitable<SyncTotals> sync_source(std::string id);
  // Every source side by side, then the checks.
  boost::asio::awaitable<SyncTotals> sync_all();
  // Checks every queued UID (also those a crash left queued); returns how many.
  boost::asio::awaitable<int> check_pending();

  // Whether the work on the worker has gone `limit` without progress (the watchdog's question).
  bool stalled(std::chrono::steady_clock::duration limit) const { return m_heartbeat.stalled(limit); }

  // Stopping: HTTP requests in flight complete as cancelled, the checks out end at once (what
  // they did not finish stays queued for the next start).
  void cancel();

  // `POST /api/v1/check`: the events of an iCalendar text checked with the daemon's directory,
  // regime, holidays and busy times, as `kenesd check --json` prints them ({"meetings", "errors"}),
  // and whether the text was unreadable. On the worker, in turn with the syncs.
  boost::asio::awaitable<CheckAnswer> check_text(std::string text, std::string origin);
  // The holidays of the config and of the holiday feeds, as of the last check. Any thread.
  std::set<calendar::Days> holidays() const;

  // Tests: the checks use `checker` instead of calendar::check_series (CheckQueue::set_checker).
  // Before the first sync.
  void set_checker(CheckQueue::Checker checker) { m_checks.set_checker(std::move(checker)); }

private:
  struct Runtime;
  struct Applied;
  struct Backlog; // the fetched data of one source sync that waits for the worker

  std::shared_ptr<Runtime> runtime(const config::SourceConfig& source);
  boost::asio::awaitable<SyncTotals> sync_one(const config::SourceConfig& source);
  void forget_removed_sources();
  // True when it added, changed or removed an event (and so queued checks).
  bool apply_delta(const std::shared_ptr<const config::Config>& config, const std::string& source_id,
                   connectors::CollectionDelta& delta, Applied& applied);
  // The store's part of apply_delta, once the removal guard let the update through.
  bool apply_update(const std::shared_ptr<const config::Config>& config, const std::string& source_id,
                    const std::string& href, CollectionUpdate& update, Applied& applied);
  template <typename T> boost::asio::awaitable<T> blocking(std::function<T()> work);

  boost::asio::io_context& m_io;
  std::shared_ptr<const config::Config> m_config;
  StateStore& m_store;
  Clock m_clock;
  boost::asio::thread_pool m_worker{1}; // store and libical work, in order
  Heartbeat m_heartbeat;                // of the worker's work, and the check lanes'
  CheckQueue m_checks;                  // on the worker
  // By source id; a sync holds its runtime, so a reload never takes it away mid-sync.
  std::map<std::string, std::shared_ptr<Runtime>> m_runtimes;
  std::set<std::string> m_in_progress; // sources syncing now: never two syncs of one source at once
};

} // namespace kenes::daemon
