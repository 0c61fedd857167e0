// Fuzz target (b): a server's answer → parse_multistatus (libxml2, namespace-aware), and the
// hrefs it holds → normalize_href / resolve_url, as the CalDAV source uses them.
#include "connectors/webdav_xml.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace kenes::connectors;
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  const std::string_view base = "https://caldav.example.kz/dav/calendars/user/";
  auto r = parse_multistatus(xml, base);
  if (r) {
    for (const DavResource& res : r->resources) {
      (void)normalize_href(res.href, base);
      (void)resolve_url(base, res.href);
      for (const std::string& home : res.calendar_home_set) {
        (void)normalize_href(home, base);
      }
    }
  }
  (void)is_invalid_sync_token(403, xml);
  (void)is_invalid_sync_token(409, xml);
  return 0;
}
