#include "daemon/admin/admin_pages.hpp"

#include "daemon/base/log.hpp"
#include "daemon/base/offload.hpp"

#include "calendar/finding.hpp"

#include <boost/asio/post.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

#pragma GCC diagnostic ignored "-Wmismatched-new-delete" // GCC PR 109224, see caldav_source.cpp

namespace kenes::daemon {

namespace asio = boost::asio;
namespace cal = kenes::calendar;

namespace {

constexpr std::size_t k_next_meetings = 20; // on the dashboard

// ?lang=, else the configured admin.language.
cal::Language page_language(const AdminRequest& request, const config::Config& config)
{
  if (auto q = request.query.find("lang"); q != request.query.end()) {
    if (auto l = cal::parse_language(q->second)) {
      return *l;
    }
  }
  return config.admin.language;
}

// Whether a POST of the admin page's forms comes from the admin page itself, not from another
// site the administrator's browser is on (cross-site request forgery: the browser would add the
// Basic credentials by itself). A bearer token is never added by a browser; otherwise the
// browser's Origin must be this server's, or, without one, Sec-Fetch-Site must say same-origin.
bool same_origin(const AdminRequest& r)
{
  if (is_bearer(r.authorization)) {
    return true;
  }
  if (!r.origin.empty()) {
    return !r.host.empty() && (r.origin == "http://" + r.host || r.origin == "https://" + r.host);
  }
  return r.fetch_site == "same-origin";
}

} // namespace

AdminPages::AdminPages(StateStore& store, Metrics& metrics, AdminHooks hooks, AdminAuth auth)
  : m_store(store)
  , m_metrics(metrics)
  , m_hooks(std::move(hooks))
  , m_auth(std::make_shared<const AdminAuth>(std::move(auth)))
{
}

void AdminPages::set_auth(AdminAuth auth)
{
  auto next = std::make_shared<const AdminAuth>(std::move(auth));
  std::lock_guard lock(m_auth_mutex);
  m_auth = std::move(next);
}

AdminPages::~AdminPages()
{
  m_pool.join();
  m_refresh.join();
}

std::optional<cal::Days> AdminPages::parse_iso_week(std::string_view week)
{
  int year = 0, number = 0;
  char tail = 0;
  if (week.size() != 8 || week[4] != '-' || (week[5] != 'W' && week[5] != 'w') ||
      std::sscanf(std::string(week).c_str(), "%4d-%*c%2d%c", &year, &number, &tail) != 2 || year < 1970 ||
      year > 2200 || number < 1 || number > 53) {
    return std::nullopt;
  }
  using namespace std::chrono;
  sys_days jan4 = year_month_day{std::chrono::year(year), January, day(4)};
  sys_days monday = jan4 - days((weekday(jan4).iso_encoding() - 1)) + weeks(number - 1);
  if (iso_week(monday) != std::string(week.substr(0, 5)) + "W" + std::string(week.substr(6))) {
    return std::nullopt; // week 53 of a year with 52
  }
  return monday;
}

std::string AdminPages::iso_week(cal::Days d)
{
  using namespace std::chrono;
  sys_days thursday = d + days(4 - static_cast<int>(weekday(d).iso_encoding()));
  year_month_day ymd(thursday);
  sys_days jan1 = year_month_day{ymd.year(), January, day(1)};
  int number = static_cast<int>((thursday - jan1).count() / 7 + 1);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-W%02d", static_cast<int>(ymd.year()), number);
  return buf;
}

std::shared_ptr<const AdminPages::Dashboard> AdminPages::dashboard()
{
  auto compute = [this] {
    auto d = std::make_shared<Dashboard>();
    d->sources = m_store.sources();
    for (const SourceStatus& s : d->sources) {
      auto h = m_store.sync_history(s.id, 1);
      if (!h.empty()) {
        d->last_sync[s.id] = h.front();
      }
    }
    d->outbox = m_store.outbox_counts();
    d->verdicts = m_store.meetings_by_verdict();
    d->findings = m_store.findings_by_rule();
    d->meetings = m_store.meeting_count();
    const std::int64_t now = m_hooks.now();
    d->next = m_store.occurrences_between(now, now + 14 * 86400);
    if (d->next.size() > k_next_meetings) {
      d->next.resize(k_next_meetings);
    }
    return std::shared_ptr<const Dashboard>(std::move(d));
  };
  const std::int64_t now = m_hooks.now();
  std::unique_lock lock(m_dashboard_mutex);
  if (!m_dashboard) {
    lock.unlock();
    auto fresh = compute();
    lock.lock();
    m_dashboard = fresh;
    m_dashboard_at = now;
  } else if (now - m_dashboard_at >= 1 && !m_refreshing) {
    m_refreshing = true;
    asio::post(m_refresh, [this, compute] {
      std::shared_ptr<const Dashboard> fresh;
      try {
        fresh = compute();
      } catch (const std::exception& e) {
        log(LogLevel::error, "admin.dashboard_failed", "reason=" + log_value(e.what()));
      }
      std::lock_guard inner(m_dashboard_mutex);
      if (fresh) {
        m_dashboard = fresh;
      }
      m_dashboard_at = m_hooks.now();
      m_refreshing = false;
    });
  }
  return m_dashboard;
}

asio::awaitable<AdminResponse> AdminPages::handle(AdminRequest request)
{
  if (request.path == "/healthz") {
    co_return text_response(200, "ok", "/healthz");
  }
  if (request.path == "/readyz") {
    bool ready = m_hooks.ready();
    co_return text_response(ready ? 200 : 503, ready ? "ready" : "not ready: not every source has synced yet",
                            "/readyz");
  }
  std::shared_ptr<const config::Config> config = m_hooks.config();
  std::shared_ptr<const AdminAuth> auth;
  {
    std::lock_guard lock(m_auth_mutex);
    auth = m_auth;
  }
  std::function<std::optional<AdminResponse>()> gate = [auth, authorization = request.authorization,
                                                        lang = page_language(request, *config)]() {
    if (auth->allows(authorization)) {
      return std::optional<AdminResponse>();
    }
    AdminResponse r = text_response(401, tr(lang, Text::auth_required), "(unauthorized)");
    r.headers["WWW-Authenticate"] = "Basic realm=\"kenes\", charset=\"UTF-8\"";
    return std::optional<AdminResponse>(r);
  };
  if (auth->configured()) {
    if (std::optional<AdminResponse> refused = co_await run_on<std::optional<AdminResponse>>(m_pool, gate)) {
      co_return *refused;
    }
  }
  if (request.path == "/api/v1/sync") {
    if (request.method != "POST") {
      AdminResponse r = text_response(405, "use POST", "/api/v1/sync");
      r.headers["Allow"] = "POST";
      co_return r;
    }
    m_hooks.sync_now();
    co_return json_response({{"started", true}}, "/api/v1/sync", 202);
  }
  // The button on a source's row of the dashboard: the removals that max_removal_percent holds
  // back are accepted, recorded with who accepted them, and applied by a sync started now.
  constexpr std::string_view accept_prefix = "/sources/", accept_suffix = "/accept-removals";
  if (request.path.size() > accept_prefix.size() + accept_suffix.size() && request.path.starts_with(accept_prefix) &&
      request.path.ends_with(accept_suffix)) {
    const std::string route = "/sources/{id}/accept-removals";
    if (request.method != "POST") {
      AdminResponse r = text_response(405, "use POST", route);
      r.headers["Allow"] = "POST";
      co_return r;
    }
    if (!same_origin(request)) {
      log(LogLevel::warning, "admin.cross_site_refused", "path=" + log_value(route));
      co_return text_response(403, "refused: this form is sent from the admin page only", route);
    }
    const std::string id =
        request.path.substr(accept_prefix.size(), request.path.size() - accept_prefix.size() - accept_suffix.size());
    const std::string by = auth->who(request.authorization);
    std::function<bool()> accept = [this, id, by] { return m_store.accept_removals(id, by); };
    if (!co_await run_on<bool>(m_pool, std::move(accept))) {
      co_return text_response(404, "no such source", route);
    }
    log(LogLevel::warning, "sync.removals_accepted_by",
        "source=" + log_value(id) + " by=" + log_value(by) + " next=" + log_value("a sync applies them now"));
    {
      std::lock_guard lock(m_dashboard_mutex);
      m_dashboard.reset(); // the row shows the acceptance at once
    }
    m_hooks.sync_now();
    AdminResponse r = text_response(303, "accepted; a sync applies the removals now", route);
    r.headers["Location"] = "/";
    co_return r;
  }
  if (request.path == "/api/v1/check") {
    if (request.method != "POST") {
      AdminResponse r = text_response(405, "use POST with an iCalendar body", "/api/v1/check");
      r.headers["Allow"] = "POST";
      co_return r;
    }
    auto [json, unreadable] = co_await m_hooks.check(std::move(request.body));
    AdminResponse r;
    r.status = unreadable ? 422 : 200;
    r.content_type = "application/json";
    r.body = std::move(json);
    r.route = "/api/v1/check";
    co_return r;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    AdminResponse r = text_response(405, "method not allowed", "(method)");
    r.headers["Allow"] = "GET, HEAD";
    co_return r;
  }
  std::function<AdminResponse()> work = [this, request = std::move(request), config]() {
    return route(request, config);
  };
  co_return co_await run_on<AdminResponse>(m_pool, std::move(work));
}

namespace {

// "/x" and "/api/v1/x" are one page in HTML and in JSON; an empty api path: HTML only.
struct Route
{
  std::string_view path, api_path;
  bool prefix; // the path is followed by something (a UID)
  AdminResponse (AdminPages::*page)(const PageContext&);
};

} // namespace

AdminResponse AdminPages::route(const AdminRequest& request, const std::shared_ptr<const config::Config>& config)
{
  static const Route routes[] = {
      {"/static/kenes.css", "", false, &AdminPages::kenes_css},
      {"/static/appendix.css", "", false, &AdminPages::appendix_css},
      {"/metrics", "", false, &AdminPages::metrics_page},
      {"/", "/api/v1/status", false, &AdminPages::dashboard_page},
      {"/meetings", "/api/v1/meetings", false, &AdminPages::week_page},
      {"/meetings/", "/api/v1/meetings/", true, &AdminPages::meeting_page},
      {"/reports/appendix", "/api/v1/reports/appendix", false, &AdminPages::report_page},
  };
  const cal::Language lang = page_language(request, *config);
  static thread_local std::unique_ptr<cal::RegimeZone> zone;
  if (!zone || zone->tzid() != config->timezone) {
    zone = std::make_unique<cal::RegimeZone>(config->timezone);
  }
  const std::string& path = request.path;
  const bool api = path.rfind("/api/v1/", 0) == 0;
  for (const Route& r : routes) {
    const std::string_view want = api ? r.api_path : r.path;
    const bool match = !want.empty() && (r.prefix ? path.size() > want.size() && path.starts_with(want) : path == want);
    if (match) {
      const std::string page = api ? std::string(r.path) + path.substr(want.size()) : path;
      return (this->*r.page)(PageContext{request, *config, lang, *zone, api, r.prefix ? page : std::string(r.path)});
    }
  }
  return api ? json_response({{"error", "no such path"}}, "(not found)", 404)
             : text_response(404, tr(lang, Text::not_found), "(not found)");
}

} // namespace kenes::daemon
