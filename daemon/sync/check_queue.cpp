#include "daemon/sync/check_queue.hpp"

#include "daemon/base/log.hpp"
#include "daemon/base/offload.hpp"
#include "daemon/check/check_report.hpp"
#include "daemon/notices/notice_flow.hpp"
#include "daemon/notices/outbox_sender.hpp"
#include "daemon/notices/spool_delivery.hpp"
#include "daemon/notices/warning_digest.hpp"

#include "calendar/checker.hpp"
#include "calendar/holidays.hpp"
#include "calendar/ical_reader.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <set>
#include <utility>

namespace kenes::daemon {

namespace cal = kenes::calendar;

namespace {

constexpr std::size_t k_check_batch = 200;
// Checked meetings written in one transaction, at most (write_results).
constexpr std::size_t k_write_batch = 1000;
// keep_parsed trees held at most: the resources of a few collections between their apply and
// their check (a bound, should a source apply many resources that are never checked).
constexpr std::size_t k_max_parsed = 4096;

cal::ReadOptions read_options(const cal::RegimeZone& zone, const cal::Regime& regime, cal::Instant now)
{
  return cal::ReadOptions::around(zone, now, regime.horizon_past_days, regime.horizon_days);
}

// A dir or ical source stores kenes's own split of what it read (split_by_uid), whose repair notes
// are kenes's; a CalDAV resource is the server's text, whose notes are not believed.
cal::RepairNotes repair_notes_of(const config::Config& config, const std::string& source_id)
{
  for (const config::SourceConfig& s : config.sources) {
    if (s.id == source_id) {
      return s.type == config::SourceType::caldav ? cal::RepairNotes::ignore : cal::RepairNotes::report;
    }
  }
  return cal::RepairNotes::ignore;
}

} // namespace

CheckQueue::CheckQueue(StateStore& store, Clock clock, Heartbeat& heartbeat)
  : m_store(store)
  , m_clock(std::move(clock))
  , m_heartbeat(heartbeat)
  , m_busy(store)
  , m_lanes(std::clamp<std::size_t>(std::thread::hardware_concurrency(), 2, 4))
  , m_pool(m_lanes)
{
}

CheckQueue::~CheckQueue()
{
  drop_batches();
  m_pool.join();
}

bool CheckQueue::is_busy_calendar(const std::shared_ptr<const config::Config>& config,
                                  const std::string& collection_url)
{
  return m_busy.is_busy_calendar(config, collection_url);
}

void CheckQueue::keep_parsed(std::int64_t collection_id, const std::string& href, const std::string& raw,
                             std::shared_ptr<cal::IcalTree> tree)
{
  if (!tree) {
    return;
  }
  if (m_parsed.size() >= k_max_parsed) {
    m_parsed.clear(); // only a saving: those are parsed again
  }
  m_parsed[{collection_id, href}] = Parsed{raw, std::move(tree)};
}

void CheckQueue::for_each_index(std::size_t n, const std::function<void(std::size_t)>& work)
{
  struct Shared
  {
    const std::function<void(std::size_t)>* work; // used only for an i < n, before the caller returns
    std::size_t n;
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    std::condition_variable all_done;
    std::size_t done = 0; // under mutex
    std::exception_ptr failure;
    void run()
    {
      for (std::size_t i = next++; i < n; i = next++) {
        std::exception_ptr e;
        try {
          (*work)(i);
        } catch (...) {
          e = std::current_exception();
        }
        std::lock_guard lock(mutex);
        if (e && !failure) {
          failure = e;
        }
        if (++done == n) {
          all_done.notify_all();
        }
      }
    }
  };
  if (n == 0) {
    return;
  }
  auto shared = std::make_shared<Shared>();
  shared->work = &work;
  shared->n = n;
  for (std::size_t l = 0; l < std::min(m_lanes, n - 1); ++l) {
    boost::asio::post(m_pool, [shared] { shared->run(); });
  }
  shared->run();
  std::unique_lock lock(shared->mutex);
  shared->all_done.wait(lock, [&] { return shared->done == n; });
  if (shared->failure) {
    std::rethrow_exception(shared->failure);
  }
}

std::vector<std::string> CheckQueue::busy_owners(const std::vector<std::string>& collection_urls)
{
  return m_busy.owners(collection_urls);
}

// On the worker: the config's holidays and those of the holiday feeds (sources with role
// "holidays"); remembered for holidays().
cal::Regime CheckQueue::effective_regime(const std::shared_ptr<const config::Config>& config)
{
  cal::Regime regime = config->regime;
  for (const config::SourceConfig& s : config->sources) {
    if (s.role != config::SourceRole::holidays) {
      continue;
    }
    for (const CollectionRow& c : m_store.collections(s.id)) {
      for (const ResourceRow& r : m_store.resources(c.id, true)) {
        for (cal::Days d : cal::holiday_dates(r.raw)) {
          if (!regime.transferred_working_days.contains(d)) {
            regime.holidays.insert(d);
          }
        }
      }
    }
  }
  std::lock_guard lock(m_holidays_mutex);
  m_holidays.clear();
  m_holidays.insert(regime.holidays.begin(), regime.holidays.end());
  return regime;
}

std::set<cal::Days> CheckQueue::holidays() const
{
  std::lock_guard lock(m_holidays_mutex);
  return m_holidays;
}

CheckAnswer CheckQueue::check_text(const std::shared_ptr<const config::Config>& config, const std::string& text,
                                   const std::string& origin)
{
  {
    ensure_busy(config);
    const cal::RegimeZone& zone = m_busy.zone();
    const cal::Regime regime = effective_regime(config);
    const cal::Instant now = m_clock();
    cal::ReadOptions options = read_options(zone, regime, now);
    options.stop = &m_stopping;
    cal::ReadResult read = cal::read_icalendar(text, origin, options);
    cal::SlotCache slot_cache;
    cal::CheckContext ctx{*config->directory, regime, zone, m_busy.busy(), now, std::nullopt, &slot_cache};
    CheckAnswer answer;
    answer.unreadable = read.unreadable;
    answer.json = "{\"meetings\": [";
    bool first = true;
    for (const cal::EventSeries& series : read.series) {
      if (auto m = cal::check_series(series, ctx)) {
        answer.json += first ? "\n" : ",\n";
        append_meeting_json(answer.json, *m, zone, config->notices.language, *config->directory);
        first = false;
      }
    }
    nlohmann::json errors = nlohmann::json::array();
    for (const cal::ReadProblem& p : read.problems) {
      errors.push_back(problem_json(p));
    }
    answer.json += "\n], \"errors\": " + errors.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "}\n";
    return answer;
  }
}

// What a check needs from the store, read on the worker before the batch is checked.
struct CheckQueue::Job
{
  PendingCheck pending;
  std::vector<ResourceRow> resources;
  std::optional<cal::Instant> first_seen;
  std::optional<NoticeRecord> notice_record;
  std::shared_ptr<cal::IcalTree> parsed; // the first good resource's text as the sync parsed it, if kept
  // The result, for finish_check.
  std::optional<MeetingRow> row;
  std::vector<std::string> people;
  NoticeUpdate notices;
  // Only a checked job is written; a failed one (its check threw) and one not checked to the end
  // (stopping) stay queued.
  enum class Outcome { pending, checked, failed } outcome = Outcome::pending;
};

// One UID: its first good resource read and checked, the notices planned and composed. Touches
// no store and nothing shared but read-only state, so several run at once.
void CheckQueue::check_one(const config::Config& config, const cal::Regime& regime, const cal::ReadOptions& options,
                           cal::Instant now, const std::map<std::int64_t, std::string>& source_of,
                           cal::SlotCache& slot_cache, Job& job) const
{
  const cal::RegimeZone& zone = m_busy.zone();
  const std::string& uid = job.pending.uid;
  for (const ResourceRow& r : job.resources) {
    if (r.raw.empty()) {
      continue; // never had a good version
    }
    auto known = source_of.find(r.collection_id);
    const std::string source_id = known == source_of.end() ? "" : known->second;
    cal::ReadOptions own = options;
    own.repair_notes = repair_notes_of(config, source_id);
    cal::ReadResult read = cal::read_icalendar(r.raw, source_id + " " + r.href, own, std::move(job.parsed));
    for (const cal::ReadProblem& problem : read.problems) {
      log(LogLevel::warning, "check.event_problem",
          "source=" + log_value(source_id) + " href=" + log_value(problem.origin) + " uid=" + log_value(uid) +
              " problem=" + log_value(problem.message));
    }
    auto series =
        std::find_if(read.series.begin(), read.series.end(), [&](const cal::EventSeries& s) { return s.uid == uid; });
    if (series == read.series.end()) {
      break;
    }
    cal::Instant first_seen = job.first_seen ? *job.first_seen : std::min(job.pending.queued_at, now);
    cal::CheckContext ctx{*config.directory, regime, zone, m_busy.busy(), now, first_seen, &slot_cache};
    std::optional<cal::CheckedMeeting> m = m_checker(*series, ctx);
    if (!m) {
      break; // cancelled: not a meeting
    }
    std::string json;
    append_meeting_json(json, *m, zone, config.notices.language, *config.directory, MeetingJsonFor::store);
    job.row = MeetingRow{
        uid,        source_id, m->summary, m->start, m->end, std::string(cal::to_string(m->verdict)), std::move(json),
        first_seen, now,       {}};
    for (const cal::CheckedOccurrence& o : m->occurrence_list) {
      job.row->occurrences.push_back({o.start, o.end, std::string(cal::to_string(o.verdict))});
    }
    job.people.push_back(cal::normalize_address(m->chair));
    for (const cal::CheckedVersion& v : m->versions) {
      for (const cal::Invitation& inv : v.invitations) {
        if (inv.official) {
          job.people.push_back(inv.official->email);
        }
      }
    }
    CheckedVersion version{*m, *series, r.raw, read.tree};
    // Adopted: queued by its collection's first apply, and never checked before (a UID the
    // daemon knows from another collection keeps what was sent for it).
    const Adoption adoption = job.pending.adopt && !job.first_seen ? Adoption::yes : Adoption::no;
    job.notices = notices_for(job.notice_record, config, ctx, uid, &version, adoption);
    return; // the first resource of a UID is the meeting; duplicates are reported at sync
  }
  cal::CheckContext ctx{*config.directory, regime, zone, m_busy.busy(), now, std::nullopt, &slot_cache};
  job.notices = notices_for(job.notice_record, config, ctx, uid, nullptr);
}

// A batch of queued UIDs being checked on the check pool, with everything its checks read: the
// busy calendar and zone stay as they are while any batch is out (see ensure_busy).
struct CheckQueue::Batch
{
  std::shared_ptr<const config::Config> config;
  cal::Regime regime;
  cal::ReadOptions options;
  cal::Instant now = 0;
  std::shared_ptr<const std::map<std::int64_t, std::string>> source_of; // collection id -> source id
  std::vector<Job> jobs;
  std::vector<cal::SlotCache> slot_caches; // one a lane: a cache is not shared
  bool direct = false;                     // the batch writes its notices to the spool (deliver_to_spool)
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::condition_variable idle;
  std::size_t lanes_out = 0;  // lane tasks on the pool not finished, under mutex
  std::exception_ptr failure; // the first, under mutex
};

// Takes the next job of the batch until none is left; the first exception is kept for finish.
void CheckQueue::run_lane(Batch& b, std::size_t lane)
{
  try {
    for (std::size_t i = b.next++; i < b.jobs.size() && !m_stopping; i = b.next++) {
      Job& job = b.jobs[i];
      // One meeting's failure is its own: logged, left queued, and the batch goes on.
      try {
        check_one(*b.config, b.regime, b.options, b.now, *b.source_of, b.slot_caches[lane], job);
      } catch (const std::exception& e) {
        job.outcome = Job::Outcome::failed;
        log(LogLevel::error, "check.failed",
            "uid=" + log_value(job.pending.uid) + " reason=" + log_value(e.what()) +
                " next=\"left queued; the other meetings are checked\"");
        continue;
      }
      if (m_stopping) {
        break; // its read may have been cut short: not written
      }
      job.outcome = Job::Outcome::checked;
      m_heartbeat.beat();
    }
  } catch (...) {
    std::lock_guard lock(b.mutex);
    if (!b.failure) {
      b.failure = std::current_exception();
    }
    b.next = b.jobs.size();
  }
}

// Before the busy calendar is rebuilt, no batch may be reading it.
void CheckQueue::ensure_busy(const std::shared_ptr<const config::Config>& config)
{
  if (m_busy.stale(config)) {
    while (!m_in_flight.empty()) {
      finish_oldest_batch();
    }
    write_results();
    m_busy.rebuild(config, m_clock(), [this] { m_heartbeat.beat(); });
  }
}

// On the worker: the next queued UIDs (not those out already) with their inputs from the store,
// handed to the check pool. Nothing when the queue has no other UID.
bool CheckQueue::start_batch(const std::shared_ptr<const config::Config>& config, const cal::Regime& regime,
                             cal::Instant now,
                             const std::shared_ptr<const std::map<std::int64_t, std::string>>& source_of)
{
  if (m_stopping) {
    return false;
  }
  std::set<std::string> out(m_failed.begin(), m_failed.end());
  out.insert(m_deferred.begin(), m_deferred.end());
  for (const auto* batches : {&m_in_flight, &m_unwritten}) {
    for (const auto& b : *batches) {
      for (const Job& job : b->jobs) {
        out.insert(job.pending.uid);
      }
    }
  }
  std::vector<PendingCheck> pending = m_store.pending_checks(k_check_batch, out);
  if (pending.empty()) {
    return false;
  }
  auto b = std::make_shared<Batch>();
  b->config = config;
  b->regime = regime;
  b->now = now;
  b->options = read_options(m_busy.zone(), b->regime, now);
  b->options.keep_tree = true; // one resource: its notices use what the check parsed
  b->options.stop = &m_stopping;
  b->source_of = source_of;
  b->direct = config->notices.transport == config::Transport::spool;
  b->jobs.resize(pending.size());
  // The batch's reads on one snapshot: one read lock instead of four a UID.
  m_store.with_snapshot([&] {
    for (std::size_t i = 0; i < pending.size(); ++i) {
      Job& job = b->jobs[i];
      job.pending = std::move(pending[i]);
      job.resources = m_store.resources_by_uid(job.pending.uid);
      job.first_seen = m_store.first_seen(job.pending.uid);
      job.notice_record = m_store.notice_state(job.pending.uid);
      // The resource check_one reads: the first with a good version.
      auto first =
          std::find_if(job.resources.begin(), job.resources.end(), [](const ResourceRow& r) { return !r.raw.empty(); });
      if (first != job.resources.end()) {
        auto kept = m_parsed.find({first->collection_id, first->href});
        if (kept != m_parsed.end()) {
          if (kept->second.raw == first->raw) {
            job.parsed = std::move(kept->second.tree);
          }
          m_parsed.erase(kept);
        }
      }
    }
  });
  b->slot_caches.resize(m_lanes + 1); // the last for the worker, when it helps
  b->lanes_out = m_lanes;
  for (std::size_t l = 0; l < m_lanes; ++l) {
    boost::asio::post(m_pool, [this, b, l] {
      run_lane(*b, l);
      std::lock_guard lock(b->mutex);
      if (--b->lanes_out == 0) {
        b->idle.notify_all();
      }
    });
  }
  m_in_flight.push_back(std::move(b));
  return true;
}

// On the worker: helps the oldest batch out with its last jobs and waits for its lanes; its
// results wait for write_results.
void CheckQueue::finish_oldest_batch()
{
  std::shared_ptr<Batch> b = std::move(m_in_flight.front());
  m_in_flight.pop_front();
  run_lane(*b, m_lanes);
  std::exception_ptr failure;
  {
    std::unique_lock lock(b->mutex);
    b->idle.wait(lock, [&] { return b->lanes_out == 0; });
    failure = b->failure;
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
  m_unwritten_jobs += b->jobs.size();
  m_unwritten.push_back(std::move(b));
}

// On the worker: the results of the batches finished since the last call, in one transaction
// (one commit for up to k_write_batch meetings: each commit rewrites every page its inserts
// touched, and the indexes by start time are touched all over; each UID leaves the queue with
// its result, unless it was queued again meanwhile). Counted for the next check_queued.
void CheckQueue::write_results()
{
  if (m_unwritten.empty()) {
    return;
  }
  std::deque<std::shared_ptr<Batch>> batches = std::exchange(m_unwritten, {});
  m_unwritten_jobs = 0;
  // With the spool, the batch's messages enter the outbox claimed ('sending', with their bytes) in
  // the transaction of the verdicts and the notice state, and are written to the spool only after
  // it (spool_delivery.hpp): a crash in between leaves rows that the next start writes or finds.
  // A meeting whose check failed is not written: it stays queued (m_failed), the others go on.
  for (const auto& b : batches) {
    if (!b->direct) {
      continue;
    }
    for (Job& job : b->jobs) {
      if (job.outcome != Job::Outcome::checked) {
        continue;
      }
      for (OutboxMessage& m : job.notices.messages) {
        if (m.state == "pending") {
          m.state = "sending";
        }
      }
    }
  }
  std::vector<std::vector<OutboxRow>> direct(batches.size());
  int done = 0;
  m_store.with_transaction([&] {
    for (std::size_t n = 0; n < batches.size(); ++n) {
      for (Job& job : batches[n]->jobs) {
        if (job.outcome == Job::Outcome::failed) {
          m_failed.insert(job.pending.uid);
        }
        if (job.outcome != Job::Outcome::checked) {
          continue;
        }
        const std::vector<std::int64_t> ids =
            m_store.finish_check(job.pending.uid, job.row, job.people, job.notices, job.pending.generation);
        ++done;
        for (std::size_t i = 0; i < ids.size(); ++i) {
          if (ids[i] != 0) {
            OutboxMessage& m = job.notices.messages[i];
            direct[n].push_back(
                {ids[i], m.key, m.message_id, job.pending.uid, m.kind, m.recipient, m.sender, std::move(m.message), 1});
          }
        }
      }
    }
  });
  m_checks_done += done;
  // Each failing meeting counted once, until checked or queued again (a new generation).
  for (const auto& b : batches) {
    for (const Job& job : b->jobs) {
      if (job.outcome == Job::Outcome::checked) {
        m_failing.erase(job.pending.uid);
      } else if (job.outcome == Job::Outcome::failed) {
        auto [at, fresh] = m_failing.try_emplace(job.pending.uid, job.pending.generation);
        if (fresh || at->second != job.pending.generation) {
          at->second = job.pending.generation;
          ++m_failures;
        }
      }
    }
  }
  m_failing_count = static_cast<int>(m_failing.size());
  for (std::size_t n = 0; n < batches.size(); ++n) {
    if (!direct[n].empty()) {
      const Batch& b = *batches[n];
      const SpoolOutcome out = deliver_to_spool(m_store, b.config->notices.spool_dir, b.now, std::move(direct[n]));
      m_delivered += static_cast<int>(out.sent);
      m_refused += static_cast<int>(out.refused);
    }
  }
}

// On the worker: every queued UID, in batches. A batch is read from the store and checked on the
// pool while the worker writes the results of the one before; with `leave_last`, the last batch
// is still being checked on return (the worker meanwhile applies the next collection), and the
// next call or check_pending writes it.
int CheckQueue::check_queued(const std::shared_ptr<const config::Config>& config, LastBatch last)
{
  ensure_busy(config);
  const cal::Regime regime = effective_regime(config);
  const cal::Instant now = m_clock();
  auto source_of = std::make_shared<std::map<std::int64_t, std::string>>();
  for (const config::SourceConfig& s : config->sources) {
    for (const CollectionRow& c : m_store.collections(s.id)) {
      (*source_of)[c.id] = s.id;
    }
  }
  try {
    while (start_batch(config, regime, now, source_of)) {
      while (m_in_flight.size() > 1) {
        finish_oldest_batch();
      }
      if (m_unwritten_jobs >= k_write_batch) {
        write_results();
      }
    }
    while (!m_in_flight.empty() && last == LastBatch::wait) {
      finish_oldest_batch();
    }
    if (last == LastBatch::wait) {
      write_results();
      m_parsed.clear(); // what was not checked by now will not be
      release_held_warnings(*config, m_store, now);
      m_failed.clear(); // the sync is over: the next one retries them
    }
  } catch (...) {
    // A batch that failed (or that the store refused) leaves its UIDs queued; the others out are
    // waited for and dropped, their UIDs still queued, for the next check.
    drop_batches();
    if (last == LastBatch::wait) {
      m_failed.clear();
    }
    throw;
  }
  return std::exchange(m_checks_done, 0);
}

// A batch out on the lanes is stopped (its jobs not started are skipped) and waited for; its
// UIDs stay queued.
void CheckQueue::drop_batches()
{
  for (const auto& b : m_in_flight) {
    b->next = b->jobs.size();
    std::unique_lock lock(b->mutex);
    b->idle.wait(lock, [&] { return b->lanes_out == 0; });
  }
  m_in_flight.clear();
  m_unwritten.clear(); // checked, not written: their UIDs stay queued too
  m_unwritten_jobs = 0;
}

} // namespace kenes::daemon
