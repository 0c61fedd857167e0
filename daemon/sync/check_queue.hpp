// The check pipeline (SPEC §4, §5): the UIDs the store has queued for a check are read from the
// store in batches, checked with the calendar core against the directory, the regime (with the
// holiday feeds' dates) and the officials' busy time on a pool of check lanes (one a core, 2 to
// 4), their notices planned and composed, and the results written back in one transaction a
// batch, with the notices in the outbox. With the spool transport the lanes deliver their notices
// themselves (notices/spool_delivery.hpp).
//
// Every call but holidays() and take_delivered() runs on one thread at a time: the sync engine's
// worker, in turn with its store work.
#pragma once

#include "daemon/base/clock.hpp"
#include "daemon/base/heartbeat.hpp"
#include "daemon/store/state_store.hpp"
#include "daemon/sync/busy_index.hpp"

#include "calendar/checker.hpp"
#include "calendar/regime.hpp"
#include "calendar/time.hpp"
#include "config/config.hpp"

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kenes::calendar {
struct IcalTree;
struct ReadOptions;
struct SlotCache;
} // namespace kenes::calendar

namespace kenes::daemon {

// `POST /api/v1/check`: the JSON of `kenesd check --json` ({"meetings", "errors"}) and whether
// the text was unreadable.
struct CheckAnswer
{
  std::string json;
  bool unreadable = false;
};

class CheckQueue
{
public:
  // `leave_last` of check_queued: whether the last batch may still be out on return.
  enum class LastBatch { wait, leave };
  // What checks one series of a queued UID: calendar::check_series, or (tests) one that throws
  // for a chosen meeting. Called on the lanes, several at once.
  using Checker = std::function<std::optional<calendar::CheckedMeeting>(const calendar::EventSeries&,
                                                                        const calendar::CheckContext&)>;

  // `heartbeat` beats for each meeting checked.
  CheckQueue(StateStore& store, Clock clock, Heartbeat& heartbeat);
  ~CheckQueue();
  CheckQueue(const CheckQueue&) = delete;
  CheckQueue& operator=(const CheckQueue&) = delete;

  // Every queued UID, in batches: a batch is read from the store and checked on the lanes while
  // the one before is written; with LastBatch::leave the last one is still being checked on
  // return (the worker meanwhile applies the next collection), and the next call writes it.
  // Returns how many UIDs were written. A failed batch leaves its UIDs queued and throws.
  int check_queued(const std::shared_ptr<const config::Config>& config, LastBatch last);
  // The events of an iCalendar text checked with the daemon's directory, regime, holidays and
  // busy times, as `kenesd check --json` prints them.
  CheckAnswer check_text(const std::shared_ptr<const config::Config>& config, const std::string& text,
                         const std::string& origin);

  // For the sync, when it applies a resource: the tree calendar::resource_meaning parsed from its
  // text, for the check of that text (read once, not twice). Kept until the resource's UID is
  // checked, at most until check_queued with LastBatch::wait returns.
  void keep_parsed(std::int64_t collection_id, const std::string& href, const std::string& raw,
                   std::shared_ptr<calendar::IcalTree> tree);

  // work(i) for every i < n, on the calling thread and on the lanes that are free (a lane busy
  // with a batch joins when it is done with it); returns when every i is done, rethrowing the
  // first exception. For the sync's pure work on a collection (its resources' meanings).
  void for_each_index(std::size_t n, const std::function<void(std::size_t)>& work);

  // For the sync: a changed collection that is an official's calendar makes these officials'
  // meetings due for a check, with the busy time rebuilt first.
  bool is_busy_calendar(const std::shared_ptr<const config::Config>& config, const std::string& collection_url);
  std::vector<std::string> busy_owners(const std::vector<std::string>& collection_urls);

  // The holidays of the config and of the holiday feeds, as of the last check. Any thread.
  std::set<calendar::Days> holidays() const;
  // Notices the batches wrote to the spool since the last call. Any thread.
  int take_delivered() { return m_delivered.exchange(0); }
  // Notices the spool refused since the last call (queued in the outbox instead). Any thread.
  int take_refused() { return m_refused.exchange(0); }
  // Meetings whose check began to throw (check.failed; left queued) since the last call: each
  // counted once until a check of it succeeds or it is queued again (its event changed, or what
  // it is checked against), not at every sync that retries it. Any thread.
  int take_failed() { return m_failures.exchange(0); }
  // For the sync, on the worker: the check of these UIDs (their resources went from a collection)
  // waits until released, at the end of their source's sync: one moved to another collection of
  // the source is not checked as gone (a CANCEL, then a REQUEST) before that one is applied.
  void defer(const std::vector<std::string>& uids) { m_deferred.insert(uids.begin(), uids.end()); }
  void release(const std::vector<std::string>& uids)
  {
    for (const std::string& uid : uids)
      if (auto at = m_deferred.find(uid); at != m_deferred.end())
        m_deferred.erase(at);
  }
  // Meetings whose last check threw and that were not checked since: a gauge. Any thread.
  int failing() const { return m_failing_count.load(); }
  // Tests: the queued checks use `checker` instead of calendar::check_series. Not while a batch
  // is out (on the worker, or before the first check).
  void set_checker(Checker checker) { m_checker = std::move(checker); }
  // Stopping (SIGTERM), any thread: the reads out end at once, no new check starts, and what was
  // not checked to the end stays queued for the next start.
  void stop() { m_stopping = true; }

private:
  struct Job;
  struct Batch;
  struct Parsed // a keep_parsed tree and the text it was parsed from
  {
    std::string raw;
    std::shared_ptr<calendar::IcalTree> tree;
  };

  calendar::Regime effective_regime(const std::shared_ptr<const config::Config>& config); // with the feeds' holidays
  void ensure_busy(const std::shared_ptr<const config::Config>& config);                  // rebuilt if it must be
  bool start_batch(const std::shared_ptr<const config::Config>& config, const calendar::Regime& regime,
                   calendar::Instant now, const std::shared_ptr<const std::map<std::int64_t, std::string>>& source_of);
  void finish_oldest_batch(); // its results wait in m_unwritten
  void write_results();       // m_unwritten's, in one transaction
  void drop_batches();
  void run_lane(Batch& batch, std::size_t lane);
  void check_one(const config::Config& config, const calendar::Regime& regime, const calendar::ReadOptions& options,
                 calendar::Instant now, const std::map<std::int64_t, std::string>& source_of,
                 calendar::SlotCache& slot_cache, Job& job) const;

  StateStore& m_store;
  Clock m_clock;
  Heartbeat& m_heartbeat;
  BusyIndex m_busy;
  // The pure part of a batch (libical, the checker, composing notices) runs on these lanes while
  // the worker reads the next batch and writes the last; the worker helps with a batch's last
  // jobs before it writes it.
  std::size_t m_lanes;
  boost::asio::thread_pool m_pool;
  std::deque<std::shared_ptr<Batch>> m_in_flight;                  // batches out on the pool, oldest first
  std::deque<std::shared_ptr<Batch>> m_unwritten;                  // checked, their results not written yet
  std::size_t m_unwritten_jobs = 0;                                // UIDs in m_unwritten
  std::map<std::pair<std::int64_t, std::string>, Parsed> m_parsed; // (collection id, href) -> keep_parsed
  int m_checks_done = 0;                                           // UIDs written since check_queued last returned
  std::atomic<int> m_delivered{0}; // written to the spool by the batches, since last taken
  std::atomic<int> m_refused{0};   // refused by the spool, since last taken
  std::atomic<int> m_failures{0};  // checks that threw, since last taken
  Checker m_checker = calendar::check_series;
  std::atomic<bool> m_stopping{false};
  // UIDs whose check threw: left queued, not retried until check_queued with LastBatch::wait
  // returns (the end of a sync: the next sync retries them).
  std::set<std::string> m_failed;
  std::multiset<std::string> m_deferred; // defer, by each source sync that removed the UID
  // UIDs whose last check threw -> the queue generation it threw at (counted then, in m_failures).
  std::map<std::string, std::int64_t> m_failing;
  std::atomic<int> m_failing_count{0};
  mutable std::mutex m_holidays_mutex;
  std::set<calendar::Days> m_holidays;
};

} // namespace kenes::daemon
