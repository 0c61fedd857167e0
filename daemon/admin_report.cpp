#include "daemon/admin_pages.hpp"

namespace kenes::daemon {

AdminResponse AdminPages::appendix(const AdminRequest&, const std::shared_ptr<const config::Config>&,
                                   calendar::Language, bool)
{
  AdminResponse r;
  r.status = 501;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "the appendix report is not built yet\n";
  r.route = "/reports/appendix";
  return r;
}

} // namespace kenes::daemon
