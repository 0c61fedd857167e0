// /reports/appendix and /api/v1/reports/appendix: the form of `kenesd report`, for a month
// (default: the current one) and a format (default html; the API: json).
#include "daemon/admin/admin_pages.hpp"
#include "daemon/report/appendix_formats.hpp"
#include "daemon/report/report_command.hpp"

#include <cstdio>

namespace kenes::daemon {

AdminResponse AdminPages::report_page(const PageContext& ctx)
{
  const AdminRequest& request = ctx.request;
  const config::Config& config = ctx.config;
  const bool api = ctx.api;
  AdminResponse r;
  r.route = api ? "/api/v1/reports/appendix" : "/reports/appendix";
  std::string month;
  if (auto m = request.query.find("month"); m != request.query.end()) {
    month = m->second;
  } else {
    const calendar::RegimeZone zone(config.timezone);
    const auto ymd = std::chrono::year_month_day(zone.local(m_hooks.now()).day);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()));
    month = buf;
  }
  std::string format = api ? "json" : "html";
  if (auto f = request.query.find("format"); f != request.query.end()) {
    format = f->second;
  }
  AppendixOutput out;
  try {
    out = render_appendix(m_store, config, month, format, m_hooks.now(), "/static/appendix.css");
  } catch (const std::invalid_argument& e) {
    r.status = 400;
    r.content_type = "text/plain; charset=utf-8";
    r.body = std::string(e.what()) + "\n";
    return r;
  }
  if (format != "html") {
    r.headers["Content-Disposition"] = "attachment; filename=\"" + out.filename + "\"";
  }
  r.content_type = out.content_type;
  r.body = std::move(out.body);
  return r;
}

} // namespace kenes::daemon
