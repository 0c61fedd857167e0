#include "connectors/caldav_source.hpp"

#include "connectors/bounded.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

// GCC 12 mistakes Asio's awaitable frame operator new/delete pair for a mismatch (GCC PR 109224).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace kenes::connectors {

namespace asio = boost::asio;

namespace {

constexpr int k_max_sync_rounds = 100;                  // 507-truncated sync-collection answers followed in a row
constexpr const char* k_by_token = "#by-sync-token";    // memo flag: list collections by sync-token only
constexpr std::string_view k_listed_at = "#listed-at "; // memo: unix time of the last listing with names
constexpr std::string_view k_skipped = "#skip ";        // memo: a calendar of a home without VEVENTs
constexpr std::string_view k_sync_data = "#sync-data "; // memo: "inline" or "separate" (SyncData)

std::int64_t unix_now()
{
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string with_slash(std::string url)
{
  if (url.empty() || url.back() != '/') {
    url += '/';
  }
  return url;
}

bool same_url(const std::string& a, const std::string& b)
{
  return with_slash(resolve_url(a, "")) == with_slash(resolve_url(b, ""));
}

// "scheme://authority" of a URL, for /.well-known/caldav.
std::string origin_of(const std::string& url)
{
  std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) {
    return url;
  }
  std::size_t path = url.find('/', scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

Error status_error(const std::string& what, int status)
{
  auto kind = classify_status(status).value_or(ErrorKind::protocol);
  std::string reason = what + ": HTTP " + std::to_string(status);
  if (status == 401) {
    reason = "authentication failed (HTTP 401) at " + what;
  } else if (status == 403) {
    reason = "access refused (HTTP 403) at " + what;
  }
  return Error{kind, reason, status};
}

// A collection that answers so is refused alone (SPEC §6: "one collection that fails (404, 403)
// degrades that collection"): a permanent 4xx, or 403 — signed in, but not let into that one
// calendar (a share withdrawn, an ACL). 401, and 403 on the home or the principal, stay the
// source's: its credentials are what is wrong.
bool refused_alone(const Error& e)
{
  return e.kind == ErrorKind::permanent || (e.kind == ErrorKind::auth && e.http_status == 403);
}

} // namespace

struct CaldavSource::Listed
{
  std::string url; // absolute, the key of the collection in the store
  std::string display_name;
  std::string ctag;
  std::string sync_token;
  bool supports_sync = false;
};

CaldavSource::CaldavSource(HttpClient& http, CaldavOptions options)
  : m_http(http)
  , m_options(std::move(options))
{
  m_options.multiget_batch = std::max(1, m_options.multiget_batch);
}

std::string CaldavSource::memo() const
{
  std::string out;
  for (const std::string& h : m_homes) {
    out += h + "\n";
  }
  if (!m_homes.empty() && m_by_token) {
    out += std::string(k_by_token) + "\n";
  }
  if (!m_homes.empty() && m_listed_at != 0) {
    out += std::string(k_listed_at) + std::to_string(m_listed_at) + "\n";
  }
  for (const std::string& url : m_skipped) {
    out += std::string(k_skipped) + url + "\n";
  }
  if (m_sync_data != SyncData::unknown) {
    out += std::string(k_sync_data) + (m_sync_data == SyncData::inline_data ? "inline" : "separate") + "\n";
  }
  return out;
}

void CaldavSource::set_memo(const std::string& memo)
{
  m_homes.clear();
  m_by_token = false;
  m_listed_at = 0;
  m_skipped.clear();
  m_sync_data = SyncData::unknown;
  std::istringstream in(memo);
  for (std::string line; std::getline(in, line);) {
    if (line == k_by_token) {
      m_by_token = true;
    } else if (line.starts_with(k_listed_at)) {
      // A bad number (a hand-edited store) only means a full listing next.
      try {
        m_listed_at = std::stoll(line.substr(k_listed_at.size()));
      } catch (const std::exception&) {
        m_listed_at = 0;
      }
    } else if (line.starts_with(k_skipped)) {
      m_skipped.insert(line.substr(k_skipped.size()));
    } else if (line.starts_with(k_sync_data)) {
      std::string v = line.substr(k_sync_data.size());
      m_sync_data = v == "inline" ? SyncData::inline_data : v == "separate" ? SyncData::separate : SyncData::unknown;
    } else if (!line.empty() && line.front() != '#') {
      m_homes.push_back(line);
    }
  }
}

asio::awaitable<Result<HttpResponse>> CaldavSource::dav(const std::string& method, const std::string& url, int depth,
                                                        std::string body)
{
  HttpRequest request;
  request.method = method;
  request.url = url;
  request.body = std::move(body);
  request.headers = {{"Content-Type", "application/xml; charset=utf-8"}};
  if (depth >= 0) {
    request.headers.emplace_back("Depth", std::to_string(depth));
  }
  request.auth = m_options.auth;
  request.timeout = m_options.timeout;
  request.max_body = k_max_multistatus_bytes;
  co_return co_await m_http.send_with_retry(std::move(request), m_options.retry);
}

asio::awaitable<Result<Multistatus>> CaldavSource::dav_multistatus(const std::string& method, const std::string& url,
                                                                   int depth, std::string body)
{
  Result<HttpResponse> response = co_await dav(method, url, depth, std::move(body));
  if (!response) {
    co_return response.error();
  }
  const std::string what = method + " " + redact_url(url);
  if (response->status != 207) {
    co_return status_error(what, response->status);
  }
  Result<Multistatus> ms = parse_multistatus(response->body, url);
  if (!ms) {
    co_return Error{ms.error().kind, what + ": " + ms.error().reason};
  }
  co_return ms;
}

// current-user-principal of the URL (or of /.well-known/caldav), then its calendar-home-set. A
// URL that names no principal and no home is taken as the home itself.
asio::awaitable<Result<std::vector<std::string>>> CaldavSource::discover_homes()
{
  std::string principal;
  std::vector<std::string> candidates = {m_options.url, origin_of(m_options.url) + "/.well-known/caldav"};
  std::optional<Error> first_error;
  for (const std::string& url : candidates) {
    Result<Multistatus> ms = co_await dav_multistatus("PROPFIND", url, 0, propfind_principal_body());
    if (!ms) {
      if (ms.error().kind == ErrorKind::auth) {
        co_return ms.error();
      }
      first_error = first_error.value_or(ms.error());
      continue;
    }
    for (const DavResource& r : ms->resources) {
      if (!r.current_user_principal.empty()) {
        principal = r.current_user_principal;
      }
    }
    if (!principal.empty()) {
      break;
    }
  }
  if (principal.empty() && first_error) {
    co_return *first_error;
  }
  std::string home_of = principal.empty() ? m_options.url : principal;
  Result<Multistatus> ms = co_await dav_multistatus("PROPFIND", home_of, 0, propfind_home_body());
  if (!ms) {
    co_return ms.error();
  }
  std::vector<std::string> homes;
  for (const DavResource& r : ms->resources) {
    homes.insert(homes.end(), r.calendar_home_set.begin(), r.calendar_home_set.end());
  }
  if (homes.empty()) {
    homes.push_back(with_slash(home_of));
  }
  co_return homes;
}

// Every calendar can be followed by sync-token: it has sync-collection, and a token unless the
// listing asked for none (a listing by names: the reads bring the tokens).
bool CaldavSource::all_by_token(const std::vector<Listed>& listed, Listing listing)
{
  return std::all_of(listed.begin(), listed.end(), [listing](const Listed& l) {
    return l.supports_sync && (listing == Listing::names || !l.sync_token.empty());
  });
}

// A calendar read by sync-collection from no token: one with sync-collection that neither the
// store nor the listing has a token for. (With a listed token, a calendar never read is one
// calendar-query with data under it.)
bool CaldavSource::from_no_token(const Listed& listed, const KnownCollection* known)
{
  return listed.supports_sync && listed.sync_token.empty() && (known == nullptr || known->sync_token.empty());
}

asio::awaitable<Result<std::vector<CaldavSource::Listed>>>
CaldavSource::list_home(const std::string& home, Listing listing, const KnownByHref& known)
{
  std::string body = listing == Listing::names    ? propfind_collections_names_body()
                     : listing == Listing::tags   ? propfind_collections_body()
                     : listing == Listing::tokens ? propfind_collections_by_token_body()
                                                  : propfind_collections_tokens_body();
  Result<Multistatus> ms = co_await dav_multistatus("PROPFIND", home, 1, std::move(body));
  if (!ms) {
    co_return ms.error();
  }
  std::vector<Listed> out;
  for (const DavResource& r : ms->resources) {
    if (!r.is_calendar || (r.status != 0 && r.status != 200)) {
      continue;
    }
    std::string url = resolve_url(home, r.href);
    if (listing == Listing::tokens_only) {
      if (m_skipped.contains(url)) {
        continue;
      }
      // A known calendar keeps its name; sync-collection was there when it was listed in full.
      auto k = known.find(url);
      out.push_back({url, k == known.end() ? "" : k->second->display_name, "", r.sync_token, !r.sync_token.empty()});
      continue;
    }
    if (!r.has_vevent) {
      m_skipped.insert(url);
      continue;
    }
    m_skipped.erase(url);
    out.push_back({url, r.display_name, r.ctag, r.sync_token, r.supports_sync_collection});
  }
  co_return out;
}

asio::awaitable<Result<std::vector<CaldavSource::Listed>>> CaldavSource::list_collections(const KnownByHref& known)
{
  std::vector<Listed> out;
  if (!m_options.collections.empty()) {
    // Listed collections: a PROPFIND Depth 0 of each tells its ctag and sync token. One that is
    // not there (a typo, a calendar removed) is reported alone; the others still sync.
    m_missing.clear();
    for (const std::string& url : m_options.collections) {
      Result<Multistatus> ms = co_await dav_multistatus("PROPFIND", url, 0, propfind_collections_body());
      if (!ms && refused_alone(ms.error()) && m_missing.size() + 1 < m_options.collections.size()) {
        m_missing.push_back({redact_url(url), "", ms.error().reason});
        continue;
      }
      if (!ms) {
        co_return ms.error();
      }
      for (const DavResource& r : ms->resources) {
        if (same_url(resolve_url(url, r.href), url)) {
          out.push_back({resolve_url(url, r.href), r.display_name, r.ctag, r.sync_token, r.supports_sync_collection});
        }
      }
    }
    co_return out;
  }
  bool remembered = !m_homes.empty();
  // What discovery found stays known through a failed sync: forgotten, the next sync would
  // discover again, and a server that is down for a while would be asked for discovery each time.
  const std::vector<std::string> known_homes = m_homes;
  for (int round = 0; round < 2; ++round) {
    if (m_homes.empty()) {
      Result<std::vector<std::string>> homes = co_await discover_homes();
      if (!homes) {
        m_homes = known_homes;
        co_return homes.error();
      }
      m_homes = std::move(*homes);
    }
    out.clear();
    std::optional<Error> failed;
    // A home seen for the first time is listed by names alone: its calendars are read by
    // sync-collection from no token, whose answer carries the token (unless this server's answer
    // carries no data: then by sync-token, for the calendar-query under it). Only if one of its
    // calendars has no sync-collection is it listed again with getctag and getetag.
    const bool guess = !remembered;
    // Between full listings, a home whose calendars all have a sync-token is asked for the tokens
    // alone; a calendar not seen before makes it listed in full at once.
    const std::int64_t now = unix_now();
    const bool tokens_only = remembered && m_by_token && m_listed_at != 0 && now >= m_listed_at &&
                             now - m_listed_at < m_options.relist_every.count();
    const Listing first = tokens_only                                  ? Listing::tokens_only
                          : guess && m_sync_data != SyncData::separate ? Listing::names
                          : (m_by_token || guess)                      ? Listing::tokens
                                                                       : Listing::tags;
    bool named = true; // every home listed with names this round
    if (!tokens_only) {
      m_skipped.clear(); // found again by this listing
    }
    for (const std::string& home : m_homes) {
      Result<std::vector<Listed>> listed = co_await list_home(home, first, known);
      if (listed && tokens_only) {
        bool unknown =
            std::any_of(listed->begin(), listed->end(), [&](const Listed& l) { return !known.contains(l.url); });
        if (unknown || !all_by_token(*listed, Listing::tokens_only)) {
          listed = co_await list_home(home, Listing::tokens, known);
        } else {
          named = false;
        }
      }
      if (listed && guess && !m_by_token && !all_by_token(*listed, first)) {
        listed = co_await list_home(home, Listing::tags, known);
      }
      if (!listed) {
        failed = listed.error();
        break;
      }
      out.insert(out.end(), listed->begin(), listed->end());
    }
    if (!failed) {
      // When every calendar has a sync-token, the next listings ask for that tag only.
      m_by_token = !out.empty() && all_by_token(out, first);
      if (named) {
        m_listed_at = now;
      }
      co_return out;
    }
    // A remembered home that is not there any more (moved, removed: 404, or an answer that is
    // no home's): discover once more. A server that does not answer now (timeout, connection,
    // 5xx) keeps its homes for the next sync.
    if (!remembered || (failed->kind != ErrorKind::permanent && failed->kind != ErrorKind::protocol)) {
      co_return *failed;
    }
    m_homes.clear();
    remembered = false;
  }
  if (m_homes.empty()) {
    m_homes = known_homes;
  }
  co_return Error{ErrorKind::protocol, "no calendar home found at " + redact_url(m_options.url)};
}

// The sync-tokens of calendars listed without one: one listing by tokens of each home.
asio::awaitable<Result<Done>> CaldavSource::list_tokens(const std::vector<Listed*>& unlisted, const KnownByHref& known)
{
  std::map<std::string, std::string> tokens; // url -> sync-token
  for (const std::string& home : m_homes) {
    Result<std::vector<Listed>> listed = co_await list_home(home, Listing::tokens, known);
    if (!listed) {
      co_return listed.error();
    }
    for (const Listed& l : *listed) {
      tokens[l.url] = l.sync_token;
    }
  }
  for (Listed* l : unlisted) {
    auto t = tokens.find(l->url);
    if (t != tokens.end()) {
      l->sync_token = t->second;
    }
  }
  co_return Done{};
}

// A resource of an answer becomes a put (or a quarantined item) of the delta.
void CaldavSource::take(const DavResource& r, CollectionDelta& delta) const
{
  std::string href = normalize_href(r.href, "/");
  if (r.calendar_data.size() > m_options.max_resource_bytes) {
    delta.rejected.push_back({href, r.etag,
                              "larger than " + std::to_string(m_options.max_resource_bytes / 1024) + " KiB (" +
                                  std::to_string(r.calendar_data.size() / 1024) + " KiB)"});
    return;
  }
  delta.put.push_back({href, r.etag, r.calendar_data});
}

// A listed resource: unchanged when its ETag is the stored one, taken when its data came inline,
// else fetched later.
void CaldavSource::sort_listed(const DavResource& r, const std::string& href, const KnownCollection* known,
                               CollectionDelta& delta, std::vector<std::string>& need_data) const
{
  if (known && !r.etag.empty()) {
    auto k = known->etags.find(href);
    if (k != known->etags.end() && k->second == r.etag) {
      delta.unchanged.push_back(href);
      return;
    }
  }
  if (!r.calendar_data.empty()) {
    take(r, delta);
  } else {
    need_data.push_back(r.href);
  }
}

asio::awaitable<Result<Done>> CaldavSource::multiget(const std::string& url, const std::vector<std::string>& hrefs,
                                                     CollectionDelta& delta)
{
  const std::size_t batch = static_cast<std::size_t>(m_options.multiget_batch);
  for (std::size_t i = 0; i < hrefs.size(); i += batch) {
    std::vector<std::string> part(hrefs.begin() + static_cast<std::ptrdiff_t>(i),
                                  hrefs.begin() + static_cast<std::ptrdiff_t>(std::min(hrefs.size(), i + batch)));
    Result<Multistatus> ms = co_await dav_multistatus("REPORT", url, 0, multiget_body(part));
    if (!ms) {
      co_return ms.error();
    }
    std::set<std::string> answered;
    for (const DavResource& r : ms->resources) {
      std::string href = normalize_href(r.href, "/");
      answered.insert(href);
      if (r.status == 404) {
        delta.removed.push_back(href); // deleted since the listing
      } else if (r.calendar_data.empty()) {
        delta.rejected.push_back(
            {href, r.etag, "the server sent no calendar-data (HTTP " + std::to_string(r.status) + ")"});
      } else {
        take(r, delta);
      }
    }
    for (const std::string& h : part) {
      if (!answered.contains(normalize_href(h, "/"))) {
        // A server that caps its answer silently: the item is kept as it was and asked again
        // next time (its ETag is not stored).
        delta.rejected.push_back({normalize_href(h, "/"), "", "not in the calendar-multiget answer"});
      }
    }
  }
  co_return Done{};
}

// RFC 6578: what changed since the stored token; an empty or invalid token lists everything.
asio::awaitable<Result<Done>> CaldavSource::read_by_sync(const Listed& listed, const KnownCollection* known,
                                                         CollectionDelta& delta)
{
  std::string token = known ? known->sync_token : "";
  std::vector<std::string> need_data;
  std::map<std::string, DavResource> changed; // href -> latest answer
  for (int round = 0; round < k_max_sync_rounds; ++round) {
    std::string body = sync_collection_body(token, true);
    Result<HttpResponse> response = co_await dav("REPORT", listed.url, 0, std::move(body));
    if (!response) {
      co_return response.error();
    }
    const std::string what = "REPORT " + redact_url(listed.url);
    // An invalid token: RFC 6578 403/409 valid-sync-token; Xandikos answers a bare 500.
    bool invalid = is_invalid_sync_token(response->status, response->body) ||
                   (!token.empty() && response->status >= 500 && !delta.full);
    if (invalid && !token.empty()) {
      token.clear();
      changed.clear();
      delta.full = true;
      delta.put.clear();
      delta.rejected.clear();
      delta.removed.clear();
      delta.unchanged.clear();
      continue;
    }
    if (response->status != 207) {
      co_return status_error(what, response->status);
    }
    Result<Multistatus> ms = parse_multistatus(response->body, listed.url);
    if (!ms) {
      co_return Error{ms.error().kind, what + ": " + ms.error().reason};
    }
    if (token.empty()) {
      delta.full = true;
    }
    for (DavResource& r : ms->resources) {
      if (same_url(resolve_url(listed.url, r.href), listed.url)) {
        continue; // the collection itself
      }
      changed[normalize_href(r.href, "/")] = std::move(r);
    }
    token = ms->sync_token;
    if (!ms->truncated || token.empty()) {
      break;
    }
  }
  delta.sync_token = token;
  if (delta.full && m_sync_data == SyncData::unknown) {
    for (const auto& [href, r] : changed) {
      if (r.status != 404) {
        m_sync_data = r.calendar_data.empty() ? SyncData::separate : SyncData::inline_data;
        break;
      }
    }
  }
  for (auto& [href, r] : changed) {
    if (r.status == 404) {
      if (!delta.full) {
        delta.removed.push_back(href);
      }
      continue;
    }
    sort_listed(r, href, known, delta, need_data);
  }
  if (need_data.empty()) {
    co_return Done{};
  }
  // Servers that carry no calendar-data in sync-collection (Xandikos): a full read is one
  // calendar-query with data, cheaper than many multigets; a few changes are a multiget.
  if (delta.full && need_data.size() > static_cast<std::size_t>(m_options.multiget_batch)) {
    Result<Multistatus> ms = co_await dav_multistatus("REPORT", listed.url, 1, calendar_query_body(true));
    if (!ms) {
      co_return ms.error();
    }
    std::set<std::string> wanted;
    for (const std::string& h : need_data) {
      wanted.insert(normalize_href(h, "/"));
    }
    std::vector<std::string> still;
    for (const DavResource& r : ms->resources) {
      std::string href = normalize_href(r.href, "/");
      if (wanted.erase(href) == 0) {
        if (!r.calendar_data.empty() && !same_url(resolve_url(listed.url, r.href), listed.url)) {
          take(r, delta); // created between the two requests
        }
        continue;
      }
      if (r.calendar_data.empty()) {
        still.push_back(href);
      } else {
        take(r, delta);
      }
    }
    co_return co_await multiget(listed.url, still, delta);
  }
  co_return co_await multiget(listed.url, need_data, delta);
}

// Without sync-collection: calendar-query with ETags, a diff against the store, a multiget of
// what changed. A collection never read is one calendar-query with data.
asio::awaitable<Result<Done>> CaldavSource::read_by_query(const Listed& listed, const KnownCollection* known,
                                                          CollectionDelta& delta)
{
  const bool with_data = known == nullptr || known->etags.empty();
  Result<Multistatus> ms = co_await dav_multistatus("REPORT", listed.url, 1, calendar_query_body(with_data));
  if (!ms) {
    co_return ms.error();
  }
  delta.full = true;
  std::vector<std::string> need_data;
  for (const DavResource& r : ms->resources) {
    if (same_url(resolve_url(listed.url, r.href), listed.url) || r.status == 404) {
      continue;
    }
    sort_listed(r, normalize_href(r.href, "/"), known, delta, need_data);
  }
  co_return co_await multiget(listed.url, need_data, delta);
}

asio::awaitable<Result<CollectionDelta>> CaldavSource::read_collection(const Listed& listed,
                                                                       const KnownCollection* known)
{
  CollectionDelta delta;
  delta.href = listed.url;
  delta.display_name = listed.display_name;
  delta.ctag = listed.ctag;
  // A collection with no token yet is read whole in one calendar-query with data, under the
  // token the listing showed: the data is at least as new as that token, so the next
  // sync-collection from it loses nothing (at worst it reads a change again). Listed without a
  // token (a first listing by names), it is read by sync-collection from none.
  const bool fresh = known == nullptr || known->sync_token.empty();
  Result<Done> done = Done{};
  if ((listed.supports_sync && !fresh) || from_no_token(listed, known)) {
    done = co_await read_by_sync(listed, known, delta);
  } else {
    done = co_await read_by_query(listed, known, delta);
  }
  if (!done) {
    co_return done.error();
  }
  if (!delta.sync_token) {
    delta.sync_token = listed.sync_token;
  }
  co_return delta;
}

asio::awaitable<Result<SourceOutcome>> CaldavSource::sync(const std::vector<KnownCollection>& known, DeltaSink sink)
{
  KnownByHref by_href;
  for (const KnownCollection& k : known) {
    by_href[k.href] = &k;
  }
  Result<std::vector<Listed>> listed = co_await list_collections(by_href);
  if (!listed) {
    co_return listed.error();
  }
  SourceOutcome outcome;
  outcome.failed_collections = m_options.collections.empty() ? std::vector<RejectedResource>{} : m_missing;
  outcome.listing_complete = outcome.failed_collections.empty();
  std::vector<Listed*> to_read;
  for (Listed& l : *listed) {
    outcome.collections.push_back(l.url);
    auto k = by_href.find(l.url);
    const KnownCollection* before = k == by_href.end() ? nullptr : k->second;
    // Unchanged when the server's change tag is the one stored with the data.
    bool unchanged = before && ((!l.ctag.empty() && l.ctag == before->ctag) ||
                                (l.ctag.empty() && !l.sync_token.empty() && l.sync_token == before->sync_token));
    if (!unchanged) {
      to_read.push_back(&l);
    } else if (!l.display_name.empty() && l.display_name != before->display_name) {
      // Renamed but otherwise unchanged: its new name alone (a listing by tokens alone carries
      // the known names, and a server without one keeps it).
      CollectionDelta renamed;
      renamed.href = l.url;
      renamed.display_name = l.display_name;
      co_await sink(std::move(renamed));
    }
  }
  outcome.collections_read = static_cast<int>(to_read.size());
  std::optional<Error> failed;
  int failures = 0;
  // A collection the listing named that then answers a permanent 4xx or 403 (404: deleted between
  // the listing and the read; 403: a server that lists what it refuses) fails alone, as a listed
  // one does (SPEC §6): the others sync, its stored meetings are kept (the listing is then not
  // complete, so nothing of it is dropped), and it is reported with its reason.
  std::vector<RejectedResource> refused;
  std::optional<Error> first_refused;
  auto read = [&](std::size_t i) -> asio::awaitable<void> {
    const Listed& l = *to_read[i];
    auto k = by_href.find(l.url);
    Result<CollectionDelta> delta = co_await read_collection(l, k == by_href.end() ? nullptr : k->second);
    if (!delta && refused_alone(delta.error())) {
      refused.push_back({redact_url(l.url), "", delta.error().reason});
      if (!first_refused) {
        first_refused = delta.error();
      }
      co_return;
    }
    if (!delta) {
      ++failures;
      if (!failed) {
        failed = delta.error();
      }
      co_return;
    }
    co_await sink(std::move(*delta));
  };
  // A calendar listed without a token is read by sync-collection from none. Until one such
  // answer shows whether this server puts calendar-data in it, they are read one at a time; a
  // server that does not (Xandikos: ETags only, then a calendar-query) is asked for the tokens
  // of the rest, which are then read by one calendar-query each under their token.
  auto untokened = [&](const Listed* l) {
    auto k = by_href.find(l->url);
    return from_no_token(*l, k == by_href.end() ? nullptr : k->second);
  };
  std::size_t first = 0;
  while (first < to_read.size() && m_sync_data == SyncData::unknown && untokened(to_read[first])) {
    co_await read(first++);
  }
  if (m_sync_data == SyncData::separate) {
    std::vector<Listed*> unlisted;
    for (std::size_t i = first; i < to_read.size(); ++i) {
      if (untokened(to_read[i])) {
        unlisted.push_back(to_read[i]);
      }
    }
    if (!unlisted.empty()) {
      Result<Done> tokens = co_await list_tokens(unlisted, by_href);
      if (!tokens) { // the rest are read from no token, two requests each
        failed = tokens.error();
        ++failures;
      }
    }
  }
  // Collections are read side by side up to the connection limit; each goes to the sink (and
  // so to the store) as soon as it is complete, so memory holds a few collections at most.
  co_await run_bounded(to_read.size() - first, static_cast<std::size_t>(m_options.parallel_collections),
                       [&](std::size_t i) -> asio::awaitable<void> { co_await read(first + i); });
  failures += static_cast<int>(refused.size());
  if (!failed && !refused.empty() && refused.size() >= listed->size()) {
    failed = first_refused; // not one collection of the source is left: the source fails
  }
  if (failed) {
    Error e = *failed;
    if (failures > 1) {
      e.reason += " (and " + std::to_string(failures - 1) + " more collections failed)";
    }
    co_return e;
  }
  if (!refused.empty()) {
    outcome.failed_collections.insert(outcome.failed_collections.end(), refused.begin(), refused.end());
    outcome.listing_complete = false;
  }
  co_return outcome;
}

} // namespace kenes::connectors
