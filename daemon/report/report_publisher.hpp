// Publishes the appendix of the month that just ended to the WebDAV folder of `report.publish_url`
// (SPEC §9) on the first working day of the next month. Each attempt is a row of the sync history
// under report_publish_source(month): "ok", or the error, retried at the next check.
#pragma once

#include "daemon/store/state_store.hpp"

#include "calendar/time.hpp"
#include "config/config.hpp"
#include "connectors/http_client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace kenes::daemon {

// "report:publish:2026-11": the reserved source id of a month's publishing in the sync history.
std::string report_publish_source(std::chrono::year_month month);

// publish_url + "appendix-YYYY-MM.<format>" (a '/' is put between when the URL lacks it).
std::string report_publish_url(const std::string& publish_url, std::chrono::year_month month,
                               const std::string& format);

class ReportPublisher
{
public:
  ReportPublisher(boost::asio::io_context& io, StateStore& store, std::function<calendar::Instant()> now);
  ~ReportPublisher();

  // Publishes the previous month if it is due and not yet published; nothing when
  // report.publish_url is empty. `holidays` are added to the regime's (the holiday feed).
  boost::asio::awaitable<void> check(std::shared_ptr<const config::Config> config, std::set<calendar::Days> holidays);

  void cancel(); // a PUT in flight ends now, recorded as cancelled

private:
  boost::asio::awaitable<void> publish(std::shared_ptr<const config::Config> config, std::chrono::year_month month);

  StateStore& m_store;
  std::function<calendar::Instant()> m_now;
  boost::asio::thread_pool m_worker{1}; // store reads and rendering, off the loop
  connectors::HttpClient m_http;
  bool m_cancelled = false; // touched on the loop only
};

} // namespace kenes::daemon
