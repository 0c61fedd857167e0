// The pages of the admin server (SPEC §8): dashboard, week grid, meeting page, report, metrics,
// and their JSON under /api/v1/. Every path but /healthz and /readyz needs authentication when
// users or tokens are configured. Store reads and rendering run on a pool of their own; the
// dashboard's aggregates are computed at most once a second, in the background, so a busy page
// never waits for them.
#pragma once

#include "daemon/admin/admin_auth.hpp"
#include "daemon/admin/admin_page.hpp"
#include "daemon/admin/admin_server.hpp"
#include "daemon/admin/metrics.hpp"
#include "daemon/store/state_store.hpp"

#include "calendar/time.hpp"
#include "config/config.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace kenes::daemon {

// What the pages need from the running daemon. The functions are called on the event loop.
struct AdminHooks
{
  std::function<std::shared_ptr<const config::Config>()> config;
  std::function<bool()> ready;    // every source has synced once
  std::function<void()> sync_now; // POST /api/v1/sync
  // POST /api/v1/check: the JSON of `kenesd check` and whether the text was unreadable.
  std::function<boost::asio::awaitable<std::pair<std::string, bool>>(std::string)> check;
  std::function<std::set<calendar::Days>()> holidays; // any thread
  std::function<calendar::Instant()> now;             // any thread
};

class AdminPages
{
public:
  AdminPages(StateStore& store, Metrics& metrics, AdminHooks hooks, AdminAuth auth);
  ~AdminPages();

  boost::asio::awaitable<AdminResponse> handle(AdminRequest request);
  // SIGHUP: new users and tokens for the requests from now on.
  void set_auth(AdminAuth auth);

  // The parts, public for the tests.
  static std::optional<calendar::Days> parse_iso_week(std::string_view week); // "2026-W49" -> its Monday
  static std::string iso_week(calendar::Days day);                            // the week of a day

private:
  // What the dashboard and /metrics show, computed at most once a second.
  struct Dashboard
  {
    std::vector<SourceStatus> sources;
    std::map<std::string, SyncRecord> last_sync;
    std::map<std::string, int> outbox, verdicts, findings;
    std::int64_t meetings = 0;
    std::vector<OccurrenceView> next;
  };
  AdminResponse route(const AdminRequest& request, const std::shared_ptr<const config::Config>& config);
  std::shared_ptr<const Dashboard> dashboard();
  // The pages, one file each (admin_<page>.cpp), each serving its HTML and its JSON.
  AdminResponse kenes_css(const PageContext& ctx);    // admin_static.cpp
  AdminResponse appendix_css(const PageContext& ctx); // admin_static.cpp
  AdminResponse metrics_page(const PageContext& ctx);
  AdminResponse dashboard_page(const PageContext& ctx);
  AdminResponse week_page(const PageContext& ctx);
  AdminResponse meeting_page(const PageContext& ctx);
  AdminResponse removed_meeting_page(const PageContext& ctx, const RemovedMeeting& m, const std::string& route);
  AdminResponse report_page(const PageContext& ctx); // admin_report.cpp

  StateStore& m_store;
  Metrics& m_metrics;
  AdminHooks m_hooks;
  std::mutex m_auth_mutex;
  std::shared_ptr<const AdminAuth> m_auth;
  boost::asio::thread_pool m_pool{1};    // pages, in turn (libical's time zones stay on one thread)
  boost::asio::thread_pool m_refresh{1}; // the dashboard's aggregates
  std::mutex m_dashboard_mutex;
  std::shared_ptr<const Dashboard> m_dashboard;
  std::int64_t m_dashboard_at = 0;
  bool m_refreshing = false;
};

} // namespace kenes::daemon
