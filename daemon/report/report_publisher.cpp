#include "daemon/report/report_publisher.hpp"

#include "daemon/base/log.hpp"
#include "daemon/base/offload.hpp"
#include "daemon/base/secrets.hpp"
#include "daemon/report/report_command.hpp"

#include "calendar/publish_schedule.hpp"

#include <stdexcept>
#include <utility>

#pragma GCC diagnostic ignored "-Wmismatched-new-delete" // GCC PR 109224, see caldav_source.cpp

namespace kenes::daemon {

namespace asio = boost::asio;
namespace cal = kenes::calendar;
namespace con = kenes::connectors;

std::string report_publish_source(std::chrono::year_month month)
{
  return "report:publish:" + cal::month_string(month);
}

std::string report_publish_url(const std::string& publish_url, std::chrono::year_month month, const std::string& format)
{
  std::string url = publish_url;
  if (url.empty() || url.back() != '/') {
    url += '/';
  }
  return url + "appendix-" + cal::month_string(month) + "." + format;
}

ReportPublisher::ReportPublisher(asio::io_context& io, StateStore& store, std::function<cal::Instant()> now)
  : m_store(store)
  , m_now(std::move(now))
  , m_http(io)
{
}

ReportPublisher::~ReportPublisher()
{
  m_worker.join();
}

void ReportPublisher::cancel()
{
  m_cancelled = true; // a render still on the worker sends nothing when it comes back
  m_http.cancel_all();
}

namespace {

// The previous month of `today` if its publishing has an "ok" in the sync history.
std::optional<std::chrono::year_month> published_month(const StateStore& store, cal::Days today)
{
  std::chrono::year_month_day ymd(today);
  std::chrono::year_month previous = ymd.year() / ymd.month() - std::chrono::months(1);
  for (const SyncRecord& r : store.sync_history(report_publish_source(previous), 100)) {
    if (r.outcome == "ok") {
      return previous;
    }
  }
  return std::nullopt;
}

con::Credentials report_credentials(const config::ReportConfig& r)
{
  con::Credentials auth;
  if (!r.token_file.empty()) {
    auth.kind = con::Credentials::Kind::bearer;
    auth.secret = read_secret(r.token_file);
  } else if (!r.username.empty()) {
    auth.kind = con::Credentials::Kind::basic;
    auth.username = r.username;
    if (!r.password_file.empty()) {
      auth.secret = read_secret(r.password_file);
    }
  }
  return auth;
}

} // namespace

asio::awaitable<void> ReportPublisher::check(std::shared_ptr<const config::Config> config, std::set<cal::Days> holidays)
{
  if (config->report.publish_url.empty()) {
    co_return;
  }
  cal::Instant now = m_now();
  std::function<std::optional<std::chrono::year_month>()> decide = [this, config, now,
                                                                    holidays = std::move(holidays)]() {
    cal::RegimeZone zone(config->timezone);
    cal::Days today = zone.local(now).day;
    cal::Regime regime = config->regime;
    regime.holidays.insert(holidays.begin(), holidays.end());
    return cal::due_report_month(today, regime, published_month(m_store, today));
  };
  std::optional<std::chrono::year_month> due = co_await run_on(m_worker, std::move(decide));
  if (due) {
    co_await publish(config, *due);
  }
}

asio::awaitable<void> ReportPublisher::publish(std::shared_ptr<const config::Config> config,
                                               std::chrono::year_month month)
{
  const config::ReportConfig& rc = config->report;
  SyncRecord record;
  record.source_id = report_publish_source(month);
  record.started = m_now();
  const std::string url = report_publish_url(rc.publish_url, month, rc.format);
  const std::string shown = con::redact_url(url);

  std::string error;
  con::HttpRequest request;
  request.method = "PUT";
  request.url = url;
  request.timeout = std::chrono::seconds(rc.timeout_seconds);
  try {
    request.auth = report_credentials(rc);
    std::function<AppendixOutput()> render = [this, config, month, now = record.started]() {
      return render_appendix(m_store, *config, cal::month_string(month), config->report.format, now);
    };
    AppendixOutput out = co_await run_on(m_worker, std::move(render));
    request.headers.emplace_back("Content-Type", out.content_type);
    request.body = std::move(out.body);
  } catch (const SecretError& e) {
    error = std::string("report: ") + e.what();
  } catch (const std::exception& e) {
    error = std::string("render: ") + e.what();
  }
  if (error.empty() && m_cancelled) {
    error = "cancelled: kenesd is stopping";
  }
  if (error.empty()) {
    record.requests = 1;
    con::Result<con::HttpResponse> r = co_await m_http.send(std::move(request));
    if (!r) {
      error = std::string(con::to_string(r.error().kind)) + ": " + r.error().reason;
    } else if (r->status < 200 || r->status >= 300) {
      error = "PUT " + shown + " answered HTTP " + std::to_string(r->status);
    }
  }
  record.finished = m_now();
  record.outcome = error.empty() ? "ok" : error;
  record.errors = error.empty() ? 0 : 1;
  std::function<bool()> save = [this, record]() {
    m_store.record_sync(record);
    return true;
  };
  co_await run_on(m_worker, std::move(save));
  if (error.empty()) {
    log(LogLevel::info, "report.published", "month=" + cal::month_string(month) + " url=" + log_value(shown));
  } else {
    log(LogLevel::warning, "report.publish_failed",
        "month=" + cal::month_string(month) + " url=" + log_value(shown) + " error=" + log_value(error));
  }
}

} // namespace kenes::daemon
