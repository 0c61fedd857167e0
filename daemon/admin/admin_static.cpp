// /static/kenes.css and /static/appendix.css: the stylesheets (CSP allows no inline style).
#include "daemon/admin/admin_pages.hpp"
#include "daemon/report/appendix_formats.hpp"

namespace kenes::daemon {

namespace cal = kenes::calendar;

AdminResponse AdminPages::kenes_css(const PageContext&)
{
  static const std::string css = stylesheet();
  AdminResponse r;
  r.content_type = "text/css; charset=utf-8";
  r.body = css;
  r.route = "/static";
  r.headers["Cache-Control"] = "max-age=3600";
  return r;
}

AdminResponse AdminPages::appendix_css(const PageContext&)
{
  AdminResponse r;
  r.content_type = "text/css; charset=utf-8";
  r.body = std::string(appendix_stylesheet());
  r.route = "/static";
  r.headers["Cache-Control"] = "max-age=3600";
  return r;
}

} // namespace kenes::daemon
