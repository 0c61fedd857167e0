// The WebDAV/CalDAV XML of a sync (SPEC §6): request bodies and the parsing of multistatus
// answers. Pure functions, no I/O. Parsing matches elements on namespace URI + local name, never
// on prefixes (Radicale writes a default namespace, Xandikos `ns0:`, others `d:`/`D:`/`C:`), and
// treats the answer as untrusted: no network, no DTD (a DOCTYPE is refused outright, so no
// entity can be expanded), a size limit.
#pragma once

#include "connectors/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kenes::connectors {

inline constexpr std::string_view k_ns_dav = "DAV:";
inline constexpr std::string_view k_ns_caldav = "urn:ietf:params:xml:ns:caldav";
inline constexpr std::string_view k_ns_calendarserver = "http://calendarserver.org/ns/";

// Larger answers are refused with ErrorKind::too_large before parsing.
inline constexpr std::size_t k_max_multistatus_bytes = std::size_t{64} << 20;

// Request bodies: complete UTF-8 XML documents built with libxml2, so text is escaped.
std::string propfind_principal_body();   // DAV:current-user-principal
std::string propfind_home_body();        // CALDAV:calendar-home-set
std::string propfind_collections_body(); // what a PROPFIND Depth 1 of a home needs per collection
// The same without getctag and getetag, for servers whose collections all have a sync-token:
// Radicale computes each of these from every event of the collection, so asking for one tag
// instead of three makes an unchanged home's PROPFIND about twice as cheap.
std::string propfind_collections_by_token_body();
// Only resourcetype and sync-token, for a home whose calendars are known: Xandikos spends as long
// again on displayname, supported-calendar-component-set and supported-report-set of 200
// calendars as on their tokens.
std::string propfind_collections_tokens_body();
// Names, components and reports without any tag, for a home seen for the first time: its calendars
// are then read by sync-collection from no token, whose answer carries the token. Radicale reads
// every event of a calendar to tell its sync-token (3.5 s for 200 x 200 events, against 0.07 s
// for this listing), and its sync-collection reads them again.
std::string propfind_collections_names_body();
// RFC 6578 sync-collection, sync-level 1; an empty token is the initial sync.
std::string sync_collection_body(std::string_view token, bool with_data);
std::string multiget_body(const std::vector<std::string>& hrefs); // getetag + calendar-data
std::string calendar_query_body(bool with_data);                  // VCALENDAR/VEVENT, getetag, calendar-data if asked

struct DavResource
{
  // As the server wrote it, made an absolute path: scheme and authority removed, relative hrefs
  // resolved against the request URL, percent-encoding kept as given. Compare with
  // normalize_href(), not with ==.
  std::string href;
  // The response's own status if it has one (404 = deleted in a sync-collection), else 200 when a
  // propstat is 200, else the first propstat's status; 0 when the server gave none.
  int status = 0;
  std::string etag; // as written, quotes included
  // As the XML parser delivers it: raw CRLFs (Radicale and Xandikos write them so) arrive as LF
  // by XML end-of-line handling; only a server writing &#13; keeps the CR.
  std::string calendar_data;
  bool is_collection = false;
  bool is_calendar = false;
  bool has_vevent = true; // supported-calendar-component-set lists VEVENT, or is absent
  bool supports_sync_collection = false;
  std::string display_name;
  std::string ctag;
  std::string sync_token;
  // Absolute URLs (resolve_url against the request URL): a home may live on another host.
  std::string current_user_principal;
  std::vector<std::string> calendar_home_set;
};

struct Multistatus
{
  std::vector<DavResource> resources; // the 507 response that marks truncation is not among them
  std::string sync_token;             // top-level, sync-collection
  bool truncated = false;             // a 507 response for the request URI: more to fetch
};

// Properties inside a propstat whose status is not 2xx are ignored. Malformed or truncated XML,
// a DOCTYPE, or a root that is not DAV:multistatus → ErrorKind::protocol with the line.
Result<Multistatus> parse_multistatus(std::string_view xml, std::string_view request_url);

// 403/409 whose body is a DAV:error holding DAV:valid-sync-token (RFC 6578 §3.2).
bool is_invalid_sync_token(int http_status, std::string_view body);

// The canonical absolute path of an href, for comparing and for sending back:
// - an absolute URL loses scheme and authority; a relative reference is resolved against the
//   path of `base_url` (RFC 3986 §5.2); query kept, fragment dropped;
// - percent-encoding is normalized: an escape of an unreserved character (RFC 3986 §2.3) is
//   decoded, every other byte but '/' is escaped, hex digits upper-case. So "/a%20b/" and
//   "/a b/" both give "/a%20b/", "/%7Euser/" gives "/~user/", "a+b@c" gives "a%2Bb%40c", and an
//   escaped '/' (%2F) stays escaped: it is not a separator. That is exactly how Radicale and
//   Xandikos write hrefs (Python's quote()), and servers decode hrefs, so the result is accepted
//   back in a multiget even by a server that wrote sub-delimiters raw;
// - dot-segments are removed after that; a trailing slash stays as given.
std::string normalize_href(std::string_view href, std::string_view base_url);

// The absolute URL of an href: the href's own scheme and authority if it has them, else those of
// `base_url`, followed by normalize_href(href, base_url).
std::string resolve_url(std::string_view base_url, std::string_view href);

} // namespace kenes::connectors
