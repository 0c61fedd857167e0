// The re-check half of SyncEngine: the queued UIDs are read from the store and checked with the
// calendar core against the directory, the regime and the officials' busy time.
#include "daemon/sync/sync_engine.hpp"

#include "daemon/check/check_report.hpp"
#include "daemon/base/log.hpp"
#include "daemon/notices/notice_flow.hpp"
#include "daemon/base/offload.hpp"
#include "daemon/notices/outbox_sender.hpp"

#include "calendar/checker.hpp"
#include "calendar/holidays.hpp"
#include "calendar/ical_reader.hpp"
#include "connectors/http_client.hpp"
#include "connectors/mail_transport.hpp"
#include "connectors/webdav_xml.hpp"

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

// The form in which collection URLs are compared: absolute, normalized, with a trailing slash.
std::string url_key(const std::string& url)
{
  std::string u = connectors::resolve_url(url, "");
  if (u.empty() || u.back() != '/') {
    u += '/';
  }
  return u;
}

cal::ReadOptions read_options(const cal::RegimeZone& zone, const cal::Regime& regime, cal::Instant now)
{
  return cal::ReadOptions::around(zone, now, regime.horizon_past_days, regime.horizon_days);
}

} // namespace

struct SyncEngine::BusyState
{
  std::shared_ptr<const config::Config> config; // the busy calendar refers to its regime
  std::unique_ptr<cal::RegimeZone> zone;
  std::unique_ptr<cal::BusyCalendar> busy;
  std::shared_ptr<const config::Config> index_config;            // of emails_by_url
  std::map<std::string, std::vector<std::string>> emails_by_url; // official calendars
  bool dirty = true;
};

std::shared_ptr<SyncEngine::BusyState> SyncEngine::make_busy_state()
{
  return std::make_shared<BusyState>();
}

void SyncEngine::index_busy(const std::shared_ptr<const config::Config>& config)
{
  BusyState& b = *m_busy;
  if (b.index_config == config) {
    return;
  }
  b.index_config = config;
  b.emails_by_url.clear();
  for (const cal::Body& body : config->directory->bodies()) {
    for (const cal::Official& o : body.officials) {
      for (const std::string& url : o.calendars) {
        b.emails_by_url[url_key(url)].push_back(o.email);
      }
    }
  }
}

bool SyncEngine::is_busy_calendar(const std::shared_ptr<const config::Config>& config,
                                  const std::string& collection_url)
{
  index_busy(config);
  return m_busy->emails_by_url.contains(url_key(collection_url));
}

std::vector<std::string> SyncEngine::busy_owners(const std::vector<std::string>& collection_urls)
{
  std::vector<std::string> emails;
  for (const std::string& url : collection_urls) {
    auto it = m_busy->emails_by_url.find(url_key(url));
    if (it != m_busy->emails_by_url.end()) {
      emails.insert(emails.end(), it->second.begin(), it->second.end());
    }
  }
  m_busy->dirty = true;
  return emails;
}

// The officials' calendars (directory `calendars`) are collections that some configured source
// syncs; their events, but transparent or cancelled ones, make the official busy.
void SyncEngine::rebuild_busy(const std::shared_ptr<const config::Config>& config)
{
  BusyState& b = *m_busy;
  b.config = config;
  b.zone = std::make_unique<cal::RegimeZone>(config->timezone);
  b.busy = std::make_unique<cal::BusyCalendar>(config->regime, *b.zone);
  index_busy(config);
  b.dirty = false;
  if (b.emails_by_url.empty()) {
    return;
  }
  const cal::ReadOptions options = read_options(*b.zone, config->regime, m_clock());
  std::set<std::string> found;
  for (const config::SourceConfig& s : config->sources) {
    for (const CollectionRow& c : m_store.collections(s.id)) {
      auto owners = b.emails_by_url.find(url_key(c.href));
      if (owners == b.emails_by_url.end()) {
        continue;
      }
      found.insert(owners->first);
      for (const ResourceRow& r : m_store.resources(c.id, true)) {
        if (r.raw.empty()) {
          continue;
        }
        cal::ReadResult read = cal::read_icalendar(r.raw, s.id + " " + r.href, options);
        for (const cal::EventSeries& series : read.series) {
          for (const cal::Occurrence& occ : series.occurrences) {
            const cal::EventData& ev = series.versions[occ.version];
            if (ev.transparent || ev.cancelled) {
              continue;
            }
            for (const std::string& email : owners->second) {
              b.busy->add(email, {occ.start, occ.end, series.uid, ev.summary});
            }
          }
        }
      }
    }
  }
  for (const auto& [url, emails] : b.emails_by_url) {
    if (!found.contains(url)) {
      log(LogLevel::warning, "busy.calendar_not_synced",
          "calendar=" + log_value(connectors::redact_url(url)) + " official=" + log_value(emails.front()) +
              " reason=\"no configured source has this collection; add it to a caldav source\"");
    }
  }
}

// On the worker: the config's holidays and those of the holiday feeds (sources with role
// "holidays"); remembered for holidays().
cal::Regime SyncEngine::effective_regime(const std::shared_ptr<const config::Config>& config)
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

std::set<cal::Days> SyncEngine::holidays() const
{
  std::lock_guard lock(m_holidays_mutex);
  return m_holidays;
}

boost::asio::awaitable<SyncEngine::CheckAnswer> SyncEngine::check_text(std::string text, std::string origin)
{
  std::function<CheckAnswer()> work = [this, config = m_config, text = std::move(text), origin]() {
    ensure_busy(config);
    const cal::RegimeZone& zone = *m_busy->zone;
    const cal::Regime regime = effective_regime(config);
    const cal::Instant now = m_clock();
    cal::ReadResult read = cal::read_icalendar(text, origin, read_options(zone, regime, now));
    cal::SlotCache slot_cache;
    cal::CheckContext ctx{*config->directory, regime, zone, *m_busy->busy, now, std::nullopt, &slot_cache};
    CheckAnswer answer;
    answer.unreadable = read.unreadable;
    answer.json = "{\"meetings\": [";
    bool first = true;
    for (const cal::EventSeries& series : read.series) {
      if (auto m = cal::check_series(series, ctx)) {
        answer.json += first ? "\n" : ",\n";
        append_meeting_json(answer.json, *m, zone, config->notices.language);
        first = false;
      }
    }
    nlohmann::json errors = nlohmann::json::array();
    for (const cal::ReadProblem& p : read.problems) {
      errors.push_back(problem_json(p));
    }
    answer.json += "\n], \"errors\": " + errors.dump() + "}\n";
    return answer;
  };
  co_return co_await run_on<CheckAnswer>(m_worker, std::move(work));
}

// What a check needs from the store, read on the worker before the batch is checked.
struct SyncEngine::CheckJob
{
  PendingCheck pending;
  std::vector<ResourceRow> resources;
  std::optional<cal::Instant> first_seen;
  std::optional<NoticeRecord> notice_record;
  std::set<std::string> outbox_keys; // read with a direct transport: a key there is not sent again
  // The result, for finish_check.
  std::optional<MeetingRow> row;
  std::vector<std::string> people;
  NoticeUpdate notices;
};

// One UID: its first good resource read and checked, the notices planned and composed. Touches
// no store and nothing shared but read-only state, so several run at once.
void SyncEngine::check_one(const config::Config& config, const cal::Regime& regime, const cal::ReadOptions& options,
                           cal::Instant now, const std::map<std::int64_t, std::string>& source_of,
                           cal::SlotCache& slot_cache, CheckJob& job) const
{
  const cal::RegimeZone& zone = *m_busy->zone;
  const std::string& uid = job.pending.uid;
  for (const ResourceRow& r : job.resources) {
    if (r.raw.empty()) {
      continue; // never had a good version
    }
    auto known = source_of.find(r.collection_id);
    const std::string source_id = known == source_of.end() ? "" : known->second;
    cal::ReadResult read = cal::read_icalendar(r.raw, source_id + " " + r.href, options);
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
    cal::CheckContext ctx{*config.directory, regime, zone, *m_busy->busy, now, first_seen, &slot_cache};
    std::optional<cal::CheckedMeeting> m = cal::check_series(*series, ctx);
    if (!m) {
      break; // cancelled: not a meeting
    }
    std::string json;
    append_meeting_json(json, *m, zone, config.notices.language);
    job.row = MeetingRow{uid,
                         source_id,
                         m->summary,
                         m->start,
                         m->end,
                         std::string(cal::to_string(m->verdict)),
                         std::move(json),
                         first_seen,
                         now,
                         {}};
    for (const cal::CheckedOccurrence& o : m->occurrence_list) {
      job.row->occurrences.push_back({o.start, o.end, std::string(cal::to_string(o.verdict))});
    }
    job.people.push_back(cal::normalize_address(m->chair));
    for (const cal::Invitation& inv : m->invitations) {
      if (inv.official) {
        job.people.push_back(inv.official->email);
      }
    }
    CheckedVersion version{*m, *series, r.raw, read.tree};
    job.notices = notices_for(job.notice_record, config, ctx, uid, &version);
    return; // the first resource of a UID is the meeting; duplicates are reported at sync
  }
  cal::CheckContext ctx{*config.directory, regime, zone, *m_busy->busy, now, std::nullopt, &slot_cache};
  job.notices = notices_for(job.notice_record, config, ctx, uid, nullptr);
}

// A batch of queued UIDs being checked on the check pool, with everything its checks read: the
// busy calendar and zone stay as they are while any batch is out (see ensure_busy).
struct SyncEngine::CheckBatch
{
  std::shared_ptr<const config::Config> config;
  cal::Regime regime;
  cal::ReadOptions options;
  cal::Instant now = 0;
  std::shared_ptr<const std::map<std::int64_t, std::string>> source_of; // collection id -> source id
  std::vector<CheckJob> jobs;
  std::vector<cal::SlotCache> slot_caches; // one a lane: a cache is not shared
  bool direct = false;                     // the notices go to the spool from the lanes (see deliver_direct)
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::condition_variable idle;
  std::size_t lanes_out = 0;  // lane tasks on the pool not finished, under mutex
  std::exception_ptr failure; // the first, under mutex
};

// Takes the next job of the batch until none is left; the first exception is kept for finish.
void SyncEngine::run_lane(CheckBatch& b, std::size_t lane) const
{
  try {
    std::vector<CheckJob*> mine;
    for (std::size_t i = b.next++; i < b.jobs.size(); i = b.next++) {
      check_one(*b.config, b.regime, b.options, b.now, *b.source_of, b.slot_caches[lane], b.jobs[i]);
      mine.push_back(&b.jobs[i]);
    }
    bool failed = false;
    {
      std::lock_guard lock(b.mutex);
      failed = b.failure != nullptr;
    }
    // A batch that failed is not written; its UIDs are checked again, and their notices then
    // written once, not once for every failed try.
    if (b.direct && !failed) {
      deliver_direct(*b.config, b.now, mine);
    }
  } catch (...) {
    std::lock_guard lock(b.mutex);
    if (!b.failure) {
      b.failure = std::current_exception();
    }
    b.next = b.jobs.size();
  }
}

// With the spool, a lane writes the notices it composed at once, in one batch (one syncfs), and
// the batch's transaction records them as sent: the outbox never holds their bytes, and no
// sender reads them back. The spool makes this safe: the same Message-ID (it comes from the
// notice's key) written again is the same one file, so a crash or a failed batch before the
// commit only leads to the same files being found again when the UIDs are checked again. A key
// the outbox has already is left to it, as finish_check would; a message the spool refused is
// queued with its bytes as any other, for the sender to retry.
void SyncEngine::deliver_direct(const config::Config& config, cal::Instant now,
                                const std::vector<CheckJob*>& jobs) const
{
  std::vector<OutboxMessage*> messages;
  std::vector<connectors::Envelope> envelopes;
  for (CheckJob* job : jobs) {
    for (OutboxMessage& m : job->notices.messages) {
      if (!job->outbox_keys.contains(m.key)) {
        messages.push_back(&m);
        envelopes.push_back({m.sender, m.recipient, m.message_id, std::move(m.message)});
      }
    }
  }
  if (messages.empty()) {
    return;
  }
  std::unique_ptr<connectors::MailTransport> spool = connectors::make_spool_transport(config.notices.spool_dir);
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
}

// Before the busy calendar is rebuilt, no batch may be reading it.
void SyncEngine::ensure_busy(const std::shared_ptr<const config::Config>& config)
{
  if (m_busy->dirty || m_busy->config != config) {
    while (!m_in_flight.empty()) {
      finish_oldest_batch();
    }
    rebuild_busy(config);
  }
}

// On the worker: the next queued UIDs (not those out already) with their inputs from the store,
// handed to the check pool. Nothing when the queue has no other UID.
bool SyncEngine::start_batch(const std::shared_ptr<const config::Config>& config, const cal::Regime& regime,
                             cal::Instant now,
                             const std::shared_ptr<const std::map<std::int64_t, std::string>>& source_of)
{
  std::set<std::string> out;
  for (const auto& b : m_in_flight) {
    for (const CheckJob& job : b->jobs) {
      out.insert(job.pending.uid);
    }
  }
  std::vector<PendingCheck> pending = m_store.pending_checks(k_check_batch, out);
  if (pending.empty()) {
    return false;
  }
  auto b = std::make_shared<CheckBatch>();
  b->config = config;
  b->regime = regime;
  b->now = now;
  b->options = read_options(*m_busy->zone, b->regime, now);
  b->options.keep_tree = true; // one resource: its notices use what the check parsed
  b->source_of = source_of;
  b->direct = config->notices.transport == config::Transport::spool;
  b->jobs.resize(pending.size());
  // The batch's reads on one snapshot: one read lock instead of four a UID.
  m_store.with_snapshot([&] {
    for (std::size_t i = 0; i < pending.size(); ++i) {
      CheckJob& job = b->jobs[i];
      job.pending = std::move(pending[i]);
      job.resources = m_store.resources_by_uid(job.pending.uid);
      job.first_seen = m_store.first_seen(job.pending.uid);
      job.notice_record = m_store.notice_state(job.pending.uid);
      if (b->direct) {
        job.outbox_keys = m_store.outbox_keys(job.pending.uid);
      }
    }
  });
  b->slot_caches.resize(m_check_threads + 1); // the last for the worker, when it helps
  b->lanes_out = m_check_threads;
  for (std::size_t l = 0; l < m_check_threads; ++l) {
    boost::asio::post(m_check_pool, [this, b, l] {
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

// On the worker: helps the oldest batch out with its last jobs, waits for its lanes, and writes
// its results in one transaction (one commit instead of one a meeting; each UID leaves the queue
// with its result, unless it was queued again meanwhile). Counted for the next check_queued.
void SyncEngine::finish_oldest_batch()
{
  std::shared_ptr<CheckBatch> b = std::move(m_in_flight.front());
  m_in_flight.pop_front();
  run_lane(*b, m_check_threads);
  std::exception_ptr failure;
  {
    std::unique_lock lock(b->mutex);
    b->idle.wait(lock, [&] { return b->lanes_out == 0; });
    failure = b->failure;
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
  m_store.with_transaction([&] {
    for (const CheckJob& job : b->jobs) {
      m_store.finish_check(job.pending.uid, job.row, job.people, job.notices, job.pending.generation);
    }
  });
  m_checks_done += static_cast<int>(b->jobs.size());
  for (const CheckJob& job : b->jobs) {
    for (const OutboxMessage& m : job.notices.messages) {
      if (m.delivered_at) {
        ++m_notices_delivered;
        log(LogLevel::info, "notice.sent", notice_log_fields(m.kind, m.recipient, job.pending.uid, m.message_id));
      }
    }
  }
}

// On the worker: every queued UID, in batches. A batch is read from the store and checked on the
// pool while the worker writes the results of the one before; with `leave_last`, the last batch
// is still being checked on return (the worker meanwhile applies the next collection), and the
// next call or check_pending writes it.
int SyncEngine::check_queued(const std::shared_ptr<const config::Config>& config, bool leave_last)
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
    }
    while (!m_in_flight.empty() && !leave_last) {
      finish_oldest_batch();
    }
  } catch (...) {
    // A batch that failed (or that the store refused) leaves its UIDs queued; the others out are
    // waited for and dropped, their UIDs still queued, for the next check.
    drop_batches();
    throw;
  }
  return std::exchange(m_checks_done, 0);
}

void SyncEngine::drop_batches()
{
  for (const auto& b : m_in_flight) {
    b->next = b->jobs.size();
    std::unique_lock lock(b->mutex);
    b->idle.wait(lock, [&] { return b->lanes_out == 0; });
  }
  m_in_flight.clear();
}

} // namespace kenes::daemon
