#include "daemon/sync/sync_engine.hpp"

#include "daemon/base/offload.hpp"

#include "daemon/base/log.hpp"
#include "daemon/base/secrets.hpp"
#include "daemon/check/check_report.hpp"

#include "calendar/checker.hpp"
#include "calendar/ical_digest.hpp"
#include "calendar/ical_reader.hpp"
#include "connectors/bounded.hpp"
#include "connectors/caldav_source.hpp"
#include "connectors/dir_source.hpp"
#include "connectors/http_client.hpp"
#include "connectors/ical_source.hpp"
#include "connectors/source.hpp"
#include "connectors/webdav_xml.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <set>
#include <thread>
#include <utility>

// GCC 12 mistakes Asio's awaitable frame operator new/delete pair for a mismatch (GCC PR 109224).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace kenes::daemon {

namespace asio = boost::asio;
namespace cal = kenes::calendar;
namespace con = kenes::connectors;

namespace {

constexpr std::size_t k_max_resource_bytes = 4 << 20;
// Fetched iCalendar waiting for the worker, per source sync (see sync_one).
constexpr std::size_t k_backlog_bytes = 16 << 20;

std::size_t delta_bytes(const con::CollectionDelta& d)
{
  std::size_t n = 1;
  for (const con::FetchedResource& r : d.put) {
    n += r.raw.size() + r.href.size();
  }
  return n;
}

std::string type_name(config::SourceType t)
{
  switch (t) {
  case config::SourceType::caldav:
    return "caldav";
  case config::SourceType::ical:
    return "ical";
  case config::SourceType::dir:
    return "dir";
  }
  return "dir";
}

double seconds_since(std::chrono::steady_clock::time_point t0)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

void SyncTotals::add(const SyncTotals& o)
{
  sources += o.sources;
  collections += o.collections;
  requests += o.requests;
  added += o.added;
  changed += o.changed;
  removed += o.removed;
  quarantined += o.quarantined;
  failed_sources += o.failed_sources;
  failed_collections += o.failed_collections;
  checked += o.checked;
  notices_sent += o.notices_sent;
  notices_failed += o.notices_failed;
  removals_held += o.removals_held;
  checks_failed += o.checks_failed;
}

std::string SyncTotals::summary_line() const
{
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f", seconds);
  return "sources=" + std::to_string(sources) + " collections=" + std::to_string(collections) +
         " requests=" + std::to_string(requests) + " added=" + std::to_string(added) +
         " changed=" + std::to_string(changed) + " removed=" + std::to_string(removed) +
         " errors=" + std::to_string(errors()) + " quarantined=" + std::to_string(quarantined) +
         " checked=" + std::to_string(checked) + " notices_sent=" + std::to_string(notices_sent) +
         " notices_failed=" + std::to_string(notices_failed) + " removals_held=" + std::to_string(removals_held) +
         " seconds=" + secs;
}

// A source of the config, with its own HTTP client (its connection limit and request count).
struct SyncEngine::Runtime
{
  std::unique_ptr<con::HttpClient> http;
  std::unique_ptr<con::Source> source;
  std::string setup_error; // a secret that cannot be read: the source fails until the config changes
};

// The fetched data of one source sync that waits for the worker; touched on the loop only.
struct SyncEngine::Backlog
{
  explicit Backlog(asio::io_context& io)
    : wake(io)
  {
  }
  std::size_t bytes = 0;
  asio::steady_timer wake; // cancelled whenever the worker finished a collection
};

// What the worker did with the collections of one source sync.
struct SyncEngine::Applied
{
  SyncTotals totals;
  std::string store_error;
  std::vector<std::string> changed_busy_urls;
  // The removal guard (max_removal_percent): what the source held when its sync began, whether an
  // administrator accepted its removals, what was removed so far and what was held back.
  int source_total = 0;
  int max_removal_percent = 100;
  bool accepted = false;
  int removed = 0;
  int held = 0;
  std::string held_reason;
  // A collection whose removals are over the limit as it comes: decided at the end of the sync,
  // when the source's other collections are applied (what went to one of them is no removal).
  struct OverLimit
  {
    CollectionUpdate update;
    std::string href;
    std::set<std::string> removing;
    int of = 0; // what the collection held
  };
  std::vector<OverLimit> over_limit;
  // UIDs whose resources went from a collection: checked once every collection is applied
  // (CheckQueue::defer), so that a meeting moved to another calendar of the source is no removal.
  std::vector<std::string> deferred_checks;
};

namespace {

// Fewer removals than this are never held back: a calendar of a few meetings may lose them all.
constexpr int k_min_removals_held = 5;

// Whether removing `removing` more meetings is more than the guard lets one sync remove: more than
// `percent` of what their collection held (`of`), or, with what this sync removed before
// (`removed`), of what the whole source held when it began (`total`).
bool over_removal_limit(int percent, int removing, int of, int removed, int total)
{
  if (removing < k_min_removals_held) {
    return false;
  }
  const auto over = [&](int part, int whole) {
    return static_cast<std::int64_t>(part) * 100 > static_cast<std::int64_t>(percent) * whole;
  };
  return over(removing, of) || over(removed + removing, total);
}

} // namespace

SyncEngine::SyncEngine(asio::io_context& io, std::shared_ptr<const config::Config> config, StateStore& store,
                       Clock clock)
  : m_io(io)
  , m_config(std::move(config))
  , m_store(store)
  , m_clock(std::move(clock))
  , m_checks(store, m_clock, m_heartbeat)
{
}

SyncEngine::~SyncEngine()
{
  cancel();
  m_worker.join();
}

void SyncEngine::cancel()
{
  m_checks.stop(); // a check out ends at once; what it did not finish stays queued
  for (auto& [id, rt] : m_runtimes) {
    if (rt->http) {
      rt->http->cancel_all();
    }
  }
}

void SyncEngine::reconfigure(std::shared_ptr<const config::Config> config)
{
  const bool changed = config->inputs_digest != m_config->inputs_digest;
  m_config = std::move(config);
  m_runtimes.clear(); // the busy time follows on the next check (its config differs)
  if (changed) {
    // What decides a check may have changed (the directory: who represents a body, ranks; the
    // regime): every meeting is checked again, by the next check after a sync, and its notices
    // planned against what was sent (a replaced representative gets the CANCEL, the new one the
    // REQUEST). Queued on the worker, in turn with the store work.
    asio::post(m_worker, [this] {
      Heartbeat::Work busy(m_heartbeat);
      try {
        const std::vector<std::string> uids = m_store.meeting_uids();
        m_store.queue_checks(uids);
        log(LogLevel::info, "sync.recheck_all",
            "meetings=" + std::to_string(uids.size()) + " reason=" + log_value("the config or the directory changed"));
      } catch (const std::exception& e) {
        log(LogLevel::error, "sync.recheck_failed", "reason=" + log_value(e.what()));
      }
    });
  }
}

// Runs `work` on the worker thread and resumes on the loop with its value (or its exception).
template <typename T> asio::awaitable<T> SyncEngine::blocking(std::function<T()> work)
{
  std::function<T()> watched = [this, work = std::move(work)] {
    Heartbeat::Work busy(m_heartbeat);
    return work();
  };
  co_return co_await run_on<T>(m_worker, std::move(watched));
}

std::shared_ptr<SyncEngine::Runtime> SyncEngine::runtime(const config::SourceConfig& s)
{
  auto& slot = m_runtimes[s.id];
  if (slot) {
    return slot;
  }
  slot = std::make_shared<Runtime>();
  Runtime& rt = *slot;
  if (s.type == config::SourceType::dir) {
    rt.source = std::make_unique<con::DirSource>(s.path, k_max_resource_bytes);
    return slot;
  }
  con::Credentials auth;
  try {
    if (!s.token_file.empty()) {
      auth.kind = con::Credentials::Kind::bearer;
      auth.secret = read_secret(s.token_file);
    } else if (!s.password_file.empty()) {
      auth.kind = con::Credentials::Kind::basic;
      auth.username = s.username;
      auth.secret = read_secret(s.password_file);
    } else if (!s.username.empty()) {
      auth.kind = con::Credentials::Kind::basic;
      auth.username = s.username;
    }
  } catch (const SecretError& e) {
    rt.setup_error = e.what();
    return slot;
  }
  con::HttpOptions http;
  http.max_connections_per_host = s.max_connections;
  rt.http = std::make_unique<con::HttpClient>(m_io, http);
  const std::chrono::milliseconds timeout(static_cast<std::int64_t>(s.timeout_seconds) * 1000);
  if (s.type == config::SourceType::caldav) {
    con::CaldavOptions o;
    o.url = s.url;
    o.collections = s.collections;
    o.auth = auth;
    o.multiget_batch = s.multiget_batch;
    o.relist_every = std::chrono::seconds(s.relist_seconds);
    o.timeout = timeout;
    o.max_resource_bytes = k_max_resource_bytes;
    o.parallel_collections = s.max_connections;
    rt.source = std::make_unique<con::CaldavSource>(*rt.http, std::move(o));
  } else {
    con::IcalOptions o;
    o.url = s.url;
    o.auth = auth;
    o.timeout = timeout;
    o.max_resource_bytes = k_max_resource_bytes;
    rt.source = std::make_unique<con::IcalSource>(*rt.http, std::move(o));
  }
  return slot;
}

// On the worker: one collection into the store, with what its events mean.
bool SyncEngine::apply_delta(const std::shared_ptr<const config::Config>& config, const std::string& source_id,
                             con::CollectionDelta& delta, Applied& applied)
{
  CollectionUpdate update;
  update.collection_id = m_store.ensure_collection(source_id, delta.href, delta.display_name);
  update.ctag = delta.ctag;
  update.sync_token = delta.sync_token;
  update.full = delta.full;
  update.removed_hrefs = std::move(delta.removed);
  update.unchanged_hrefs = std::move(delta.unchanged);
  int not_events = 0;
  // What each text means, parsed on the lanes that are free and here together; each tree is kept
  // for the check of its text (CheckQueue::keep_parsed).
  std::vector<cal::ResourceMeaning> meanings(delta.put.size());
  std::vector<std::shared_ptr<cal::IcalTree>> trees(delta.put.size());
  m_checks.for_each_index(delta.put.size(), [&](std::size_t i) {
    meanings[i] = cal::resource_meaning(delta.put[i].raw, &trees[i]);
    m_heartbeat.beat();
  });
  for (std::size_t i = 0; i < delta.put.size(); ++i) {
    con::FetchedResource& r = delta.put[i];
    cal::ResourceMeaning& meaning = meanings[i];
    std::shared_ptr<cal::IcalTree>& tree = trees[i];
    if (meaning.parsed && meaning.uids.empty()) {
      // No VEVENT at all: a task or a journal entry in a calendar that holds them beside its
      // events (Cyrus, Radicale, Xandikos can). Not ours to check, and no error: it is left out,
      // and whatever the store had under its href before goes.
      update.removed_hrefs.push_back(r.href);
      ++not_events;
      continue;
    }
    if (!meaning.parsed) {
      update.quarantined.push_back({r.href, r.etag, "not iCalendar"});
      continue;
    }
    m_checks.keep_parsed(update.collection_id, r.href, r.raw, std::move(tree));
    update.put.push_back({r.href, r.etag, meaning.uids.front(), meaning.digest, std::move(r.raw)});
  }
  for (con::RejectedResource& r : delta.rejected) {
    update.quarantined.push_back({r.href, r.etag, r.reason});
  }
  if (not_events > 0) {
    log(LogLevel::info, "sync.not_events",
        "source=" + source_id + " collection=" + log_value(delta.href) + " skipped=" + std::to_string(not_events));
  }
  // The removal guard: what this update would remove of what the collection holds (nothing, and
  // nothing to read, for a delta that only adds and changes: most incremental syncs).
  if (update.full || !update.removed_hrefs.empty()) {
    const std::map<std::string, std::string> stored = m_store.etags(update.collection_id);
    std::set<std::string> removing;
    for (const std::string& href : update.removed_hrefs) {
      if (stored.contains(href)) {
        removing.insert(href);
      }
    }
    if (update.full) {
      std::set<std::string> kept(update.unchanged_hrefs.begin(), update.unchanged_hrefs.end());
      for (const ResourcePut& p : update.put) {
        kept.insert(p.href);
      }
      for (const Quarantine& q : update.quarantined) {
        kept.insert(q.href);
      }
      for (const auto& [href, etag] : stored) {
        if (!kept.contains(href)) {
          removing.insert(href);
        }
      }
    }
    // A resource whose UID another collection holds (moved there) removes no meeting.
    const int n = static_cast<int>(removing.size()) -
                  (removing.empty() ? 0 : m_store.held_elsewhere(update.collection_id, removing));
    if (!applied.accepted && over_removal_limit(applied.max_removal_percent, n, static_cast<int>(stored.size()),
                                                applied.removed, applied.source_total)) {
      // Perhaps moved to a collection of the source not applied yet: decided at the end of the sync.
      applied.over_limit.push_back(
          {std::move(update), delta.href, std::move(removing), static_cast<int>(stored.size())});
      return false;
    }
    applied.removed += n;
  }
  return apply_update(config, source_id, delta.href, update, applied);
}

bool SyncEngine::apply_update(const std::shared_ptr<const config::Config>& config, const std::string& source_id,
                              const std::string& href, CollectionUpdate& update, Applied& applied)
{
  update.at = m_clock(); // a removed meeting keeps what took place before now
  UpdateOutcome out = m_store.apply(update);
  m_checks.defer(out.removed_uids);
  applied.deferred_checks.insert(applied.deferred_checks.end(), out.removed_uids.begin(), out.removed_uids.end());
  applied.totals.added += out.added;
  applied.totals.changed += out.changed;
  applied.totals.removed += out.removed;
  applied.totals.quarantined += out.quarantined;
  for (const Quarantine& q : update.quarantined) {
    log(LogLevel::warning, "sync.quarantined",
        "source=" + log_value(source_id) + " href=" + log_value(q.href) + " reason=" + log_value(q.reason));
  }
  for (const std::string& uid : out.duplicate_uids) {
    log(LogLevel::warning, "sync.duplicate_uid",
        "source=" + log_value(source_id) + " collection=" + log_value(con::redact_url(href)) +
            " uid=" + log_value(uid) + " reason=\"several resources hold this UID; all are kept\"");
  }
  const bool changed = out.added + out.changed + out.removed > 0;
  if (changed && m_checks.is_busy_calendar(config, href)) {
    applied.changed_busy_urls.push_back(href);
  }
  return changed;
}

asio::awaitable<SyncTotals> SyncEngine::sync_one(const config::SourceConfig& s)
{
  const auto t0 = std::chrono::steady_clock::now();
  std::shared_ptr<Runtime> held = runtime(s);
  Runtime& rt = *held;
  const std::string id = s.id;
  const std::string type = type_name(s.type);
  const cal::Instant started = m_clock();
  // What the store knows: collections with their tokens and the ETag of each resource.
  struct Known
  {
    std::vector<con::KnownCollection> collections;
    std::string memo;
    std::string accepted_by; // an administrator accepted the removals the guard held back
  };
  // GCC 12 mishandles a temporary lambda in a co_await expression: every work item is named first.
  std::function<Known()> load = [this, id, type, started] {
    m_store.ensure_source(id, type);
    m_store.record_attempt(id, started);
    Known k;
    for (const CollectionRow& c : m_store.collections(id)) {
      con::KnownCollection kc{c.href, c.display_name, c.ctag, c.sync_token, m_store.etags(c.id)};
      k.collections.push_back(std::move(kc));
    }
    k.memo = m_store.source_memo(id);
    if (std::optional<SourceStatus> st = m_store.source(id)) {
      k.accepted_by = st->removals_accepted_by;
    }
    return k;
  };
  Known known = co_await blocking(std::move(load));

  auto applied = std::make_shared<Applied>();
  applied->max_removal_percent = s.max_removal_percent;
  applied->accepted = !known.accepted_by.empty() || s.max_removal_percent >= 100;
  for (const con::KnownCollection& c : known.collections) {
    applied->source_total += static_cast<int>(c.etags.size());
  }
  con::Result<con::SourceOutcome> outcome = con::Error{con::ErrorKind::permanent, rt.setup_error};
  std::uint64_t requests_before = rt.source ? rt.source->requests() : 0;
  if (rt.source) {
    rt.source->set_memo(known.memo);
    // Each collection is queued for the worker (applied, then checked) and its reader goes on
    // at once, while less than k_backlog_bytes of fetched data wait there; beyond that a reader
    // waits until the worker has caught up. The worker runs in order, so `record` below comes
    // after every queued collection.
    auto backlog = std::make_shared<Backlog>(m_io);
    con::DeltaSink sink = [this, config = m_config, id, applied,
                           backlog](con::CollectionDelta&& delta) -> asio::awaitable<void> {
      const std::size_t size = delta_bytes(delta);
      while (backlog->bytes > 0 && backlog->bytes + size > k_backlog_bytes) {
        backlog->wake.expires_at(asio::steady_timer::time_point::max());
        boost::system::error_code ec;
        co_await backlog->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      backlog->bytes += size;
      asio::post(m_worker, [this, config, id, applied, backlog, size, d = std::move(delta)]() mutable {
        Heartbeat::Work busy(m_heartbeat);
        if (applied->store_error.empty()) {
          try {
            // A collection that changed nothing queued nothing: its check (and the setup of one,
            // which reads the store and the holiday feeds) waits for the end of the sync.
            if (apply_delta(config, id, d, *applied)) {
              applied->totals.checked += m_checks.check_queued(config, CheckQueue::LastBatch::leave);
            }
          } catch (const std::exception& e) {
            applied->store_error = e.what();
          }
        }
        asio::post(m_io, [backlog, size] {
          backlog->bytes -= size;
          backlog->wake.cancel();
        });
      });
      co_return;
    };
    try {
      outcome = co_await rt.source->sync(known.collections, sink);
    } catch (const std::exception& e) {
      outcome = con::Error{con::ErrorKind::protocol, std::string("unexpected: ") + e.what()};
    }
  }
  SyncTotals totals;
  totals.sources = 1;
  totals.requests = rt.source ? rt.source->requests() - requests_before : 0;
  std::string failed_collections; // "URL: reason; …", the last sync's outcome on the dashboard
  if (outcome) {
    totals.collections = static_cast<int>(outcome->collections.size());
    totals.failed_collections = static_cast<int>(outcome->failed_collections.size());
    for (const con::RejectedResource& c : outcome->failed_collections) {
      failed_collections += (failed_collections.empty() ? "" : "; ") + c.href + ": " + c.reason;
      log(LogLevel::error, "sync.collection_failed",
          "source=" + log_value(id) + " collection=" + log_value(c.href) + " reason=" + log_value(c.reason) +
              " next=" + log_value("the source's other collections synced; this one's stored meetings are kept"));
    }
  }
  const std::string memo = rt.source ? rt.source->memo() : known.memo;
  const cal::Instant finished = m_clock();
  const bool source_ok = outcome.ok();
  std::vector<std::string> listing =
      source_ok && outcome->listing_complete ? outcome->collections : std::vector<std::string>{};
  const bool prune = source_ok && outcome->listing_complete;
  std::string kind = source_ok ? "" : std::string(con::to_string(outcome.error().kind));
  std::string reason = source_ok ? "" : outcome.error().reason;
  // After everything the sink posted (the worker runs in order): drop collections that are gone,
  // queue the meetings of officials whose busy time changed, record the outcome.
  const bool holidays = s.role == config::SourceRole::holidays;
  std::function<int()> record = [this, config = m_config, id, applied, listing, prune, memo, started, finished, kind,
                                 reason, holidays, failed_collections, failed_count = totals.failed_collections,
                                 accepted_by = known.accepted_by, requests = totals.requests]() mutable {
    // The checks of what went from a collection are due once every collection is applied.
    struct Release
    {
      CheckQueue& checks;
      std::vector<std::string>& uids;
      ~Release() { checks.release(std::exchange(uids, {})); }
    } release{m_checks, applied->deferred_checks};
    // The collections whose removals were over the limit as they came, now that the others are
    // applied: what one of them holds now was moved there, not removed.
    for (Applied::OverLimit& o : std::exchange(applied->over_limit, {})) {
      if (!applied->store_error.empty()) {
        break;
      }
      try {
        const int n = static_cast<int>(o.removing.size()) - m_store.held_elsewhere(o.update.collection_id, o.removing);
        if (!applied->accepted &&
            over_removal_limit(applied->max_removal_percent, n, o.of, applied->removed, applied->source_total)) {
          applied->held += n;
          log(LogLevel::warning, "sync.removals_held",
              "source=" + log_value(id) + " collection=" + log_value(con::redact_url(o.href)) +
                  " removing=" + std::to_string(n) + " of=" + std::to_string(o.of) + " next=" +
                  log_value("not applied: nothing of this collection changes until its meetings come back "
                            "or an administrator accepts the removal"));
          continue;
        }
        applied->removed += n;
        apply_update(config, id, o.href, o.update, *applied);
      } catch (const std::exception& e) {
        applied->store_error = e.what();
      }
    }
    if (applied->store_error.empty() && prune) {
      std::set<std::string> now(listing.begin(), listing.end());
      for (const CollectionRow& c : m_store.collections(id)) {
        if (!now.contains(c.href)) {
          const int n = static_cast<int>(m_store.etags(c.id).size());
          if (!applied->accepted &&
              over_removal_limit(applied->max_removal_percent, n, n, applied->removed, applied->source_total)) {
            applied->held += n;
            log(LogLevel::warning, "sync.removals_held",
                "source=" + log_value(id) + " collection=" + log_value(con::redact_url(c.href)) +
                    " removing=" + std::to_string(n) + " of=" + std::to_string(n) + " next=" +
                    log_value("the collection is no longer listed; kept until it comes back or an "
                              "administrator accepts the removal"));
            continue;
          }
          applied->removed += n;
          applied->totals.removed += static_cast<int>(m_store.resources(c.id).size());
          m_store.remove_collection(c.id, m_clock());
        }
      }
    }
    if (applied->store_error.empty() && kind.empty() && applied->held > 0) {
      kind = "removals";
      reason = "this sync would remove " + std::to_string(applied->held + applied->removed) + " of the " +
               std::to_string(applied->source_total) + " meetings the source holds at once (more than " +
               "max_removal_percent " + std::to_string(applied->max_removal_percent) + "%); " +
               std::to_string(applied->held) +
               " removals not applied, nothing of them cancelled, until the meetings come back or an administrator "
               "accepts: kenesd sync --once --accept-removals " +
               id + ", or the admin page";
      applied->held_reason = reason;
    } else if (applied->store_error.empty() && kind.empty() && !accepted_by.empty() && prune && failed_count == 0) {
      // The accepted removals are applied now (or the meetings came back): the acceptance is used
      // up. Not by a sync that could not apply them: a calendar it could not read, or a listing
      // not complete (what is no longer listed is removed only from a complete one).
      m_store.clear_accepted_removals(id);
      log(LogLevel::warning, "sync.removals_accepted",
          "source=" + log_value(id) + " by=" + log_value(accepted_by) + " removed=" + std::to_string(applied->removed));
    }
    // New holidays change the verdict of any meeting on those days.
    const SyncTotals& changes = applied->totals;
    if (holidays && changes.added + changes.changed + changes.removed > 0) {
      m_store.queue_checks(m_store.meeting_uids());
    }
    if (!applied->changed_busy_urls.empty()) {
      m_store.queue_checks(m_store.meetings_with(m_checks.busy_owners(applied->changed_busy_urls)));
    }
    m_store.set_source_memo(id, memo);
    if (!applied->store_error.empty()) {
      kind = "store";
      reason = "the state store refused the data: " + applied->store_error;
    }
    if (kind.empty()) {
      m_store.record_success(id, finished);
    } else if (kind != "cancelled") { // stopping is not a failure of the source
      m_store.record_failure(id, finished, kind, reason);
    }
    const SyncTotals& t = applied->totals;
    // A sync whose source succeeded but some of whose collections failed records them as its
    // outcome (the dashboard shows it beside the source).
    m_store.record_sync({id, started, finished, static_cast<int>(requests), t.added, t.changed, t.removed,
                         t.quarantined + failed_count + (kind.empty() ? 0 : 1),
                         !kind.empty() ? reason
                         : failed_collections.empty()
                             ? "ok"
                             : std::string(k_collections_failed_outcome) + failed_collections});
    return 0;
  };
  co_await blocking(std::move(record));
  totals.added = applied->totals.added;
  totals.changed = applied->totals.changed;
  totals.removed = applied->totals.removed;
  totals.quarantined = applied->totals.quarantined;
  totals.checked = applied->totals.checked;
  totals.removals_held = applied->held;
  totals.seconds = seconds_since(t0);
  const bool failed = !source_ok || !applied->store_error.empty() || !applied->held_reason.empty();
  totals.failed_sources = failed ? 1 : 0;
  if (!applied->held_reason.empty() && source_ok && applied->store_error.empty()) {
    log(LogLevel::error, "sync.failed",
        "source=" + log_value(id) + " kind=removals reason=" + log_value(applied->held_reason));
  } else if (failed) {
    std::function<std::optional<SourceStatus>()> status = [this, id] { return m_store.source(id); };
    std::optional<SourceStatus> st = co_await blocking(std::move(status));
    std::string since = st && st->failing_since ? utc_iso(*st->failing_since) : "";
    log(LogLevel::error, "sync.failed",
        "source=" + log_value(id) + " kind=" + (applied->store_error.empty() ? kind : "store") + " since=" + since +
            " reason=" + log_value(applied->store_error.empty() ? reason : applied->store_error));
  } else {
    log(LogLevel::info, "sync.done",
        "source=" + log_value(id) + " collections=" + std::to_string(totals.collections) +
            " requests=" + std::to_string(totals.requests) + " added=" + std::to_string(totals.added) +
            " changed=" + std::to_string(totals.changed) + " removed=" + std::to_string(totals.removed) +
            " quarantined=" + std::to_string(totals.quarantined) + " seconds=" + std::to_string(totals.seconds));
  }
  co_return totals;
}

void SyncEngine::forget_removed_sources()
{
  std::set<std::string> configured;
  for (const config::SourceConfig& s : m_config->sources) {
    configured.insert(s.id);
  }
  for (const SourceStatus& st : m_store.sources()) {
    if (!configured.contains(st.id)) {
      log(LogLevel::info, "sync.source_removed", "source=" + log_value(st.id));
      m_store.remove_source(st.id, m_clock());
    }
  }
}

asio::awaitable<SyncTotals> SyncEngine::sync_source(std::string id)
{
  SyncTotals totals;
  auto config = m_config;
  for (const config::SourceConfig& s : config->sources) {
    if (s.id != id) {
      continue;
    }
    if (!m_in_progress.insert(id).second) {
      log(LogLevel::info, "sync.skipped", "source=" + log_value(id) + " reason=\"a sync of it is running\"");
      co_return totals;
    }
    try {
      totals = co_await sync_one(s);
    } catch (...) {
      m_in_progress.erase(id);
      throw;
    }
    m_in_progress.erase(id);
  }
  totals.checked += co_await check_pending();
  totals.notices_sent += m_checks.take_delivered();
  totals.notices_failed += m_checks.take_refused();
  totals.checks_failed += m_checks.take_failed();
  totals.checks_failing = m_checks.failing();
  co_return totals;
}

asio::awaitable<SyncTotals> SyncEngine::sync_all()
{
  const auto t0 = std::chrono::steady_clock::now();
  auto config = m_config;
  std::function<int()> forget = [this] {
    forget_removed_sources();
    return 0;
  };
  co_await blocking(std::move(forget));
  SyncTotals totals;
  co_await con::run_bounded(config->sources.size(), config->sources.size(),
                            [&](std::size_t i) -> asio::awaitable<void> {
                              const std::string& id = config->sources[i].id;
                              if (!m_in_progress.insert(id).second) {
                                co_return;
                              }
                              SyncTotals t = co_await sync_one(config->sources[i]);
                              m_in_progress.erase(id);
                              totals.add(t);
                            });
  totals.checked += co_await check_pending();
  totals.notices_sent += m_checks.take_delivered();
  totals.notices_failed += m_checks.take_refused();
  totals.checks_failed += m_checks.take_failed();
  totals.checks_failing = m_checks.failing();
  totals.seconds = seconds_since(t0);
  co_return totals;
}

asio::awaitable<int> SyncEngine::check_pending()
{
  auto config = m_config;
  std::function<int()> check = [this, config] { return m_checks.check_queued(config, CheckQueue::LastBatch::wait); };
  co_return co_await blocking(std::move(check));
}

asio::awaitable<CheckAnswer> SyncEngine::check_text(std::string text, std::string origin)
{
  std::function<CheckAnswer()> work = [this, config = m_config, text = std::move(text), origin]() {
    return m_checks.check_text(config, text, origin);
  };
  co_return co_await blocking(std::move(work));
}

std::set<calendar::Days> SyncEngine::holidays() const
{
  return m_checks.holidays();
}

} // namespace kenes::daemon
