#include "connectors/ical_source.hpp"

#include "calendar/ical_digest.hpp"

#pragma GCC diagnostic ignored "-Wmismatched-new-delete" // GCC PR 109224, see caldav_source.cpp

namespace kenes::connectors {

namespace asio = boost::asio;

IcalSource::IcalSource(HttpClient& http, IcalOptions options)
  : m_http(http)
  , m_options(std::move(options))
{
}

asio::awaitable<Result<SourceOutcome>> IcalSource::sync(const std::vector<KnownCollection>& known, DeltaSink sink)
{
  const KnownCollection* before = nullptr;
  for (const KnownCollection& k : known) {
    if (k.href == m_options.url) {
      before = &k;
    }
  }
  HttpRequest request;
  request.url = m_options.url;
  request.auth = m_options.auth;
  request.timeout = m_options.timeout;
  request.max_body = m_options.max_feed_bytes;
  request.headers = {{"Accept", "text/calendar"}};
  if (before && !before->ctag.empty()) {
    request.headers.emplace_back("If-None-Match", before->ctag);
  }
  if (before && !before->sync_token.empty()) {
    request.headers.emplace_back("If-Modified-Since", before->sync_token);
  }
  Result<HttpResponse> response = co_await m_http.send_with_retry(std::move(request), m_options.retry);
  if (!response) {
    co_return response.error();
  }
  const std::string what = "GET " + redact_url(m_options.url);
  SourceOutcome outcome;
  outcome.collections = {m_options.url};
  outcome.listing_complete = true;
  if (response->status == 304 && before) {
    co_return outcome;
  }
  if (response->status != 200) {
    auto kind = classify_status(response->status).value_or(ErrorKind::protocol);
    std::string reason = kind == ErrorKind::auth
                             ? "authentication failed (HTTP " + std::to_string(response->status) + ") at " + what
                             : what + ": HTTP " + std::to_string(response->status);
    co_return Error{kind, reason};
  }
  if (response->body.find("BEGIN:VCALENDAR") == std::string::npos) {
    co_return Error{ErrorKind::protocol, what + ": the answer is not iCalendar (no BEGIN:VCALENDAR)"};
  }
  CollectionDelta delta;
  delta.href = m_options.url;
  delta.display_name = m_options.url;
  delta.full = true;
  delta.ctag = response->header("etag");
  delta.sync_token = response->header("last-modified");
  // Each UID is a resource; its ETag is the digest of what it says, so a feed that rewrites
  // DTSTAMP on every export changes nothing.
  for (calendar::UidPart& part : calendar::split_by_uid(response->body)) {
    std::string href = "#" + part.uid;
    std::string etag = calendar::resource_meaning(part.ics).digest;
    auto k = before ? before->etags.find(href) : std::map<std::string, std::string>::const_iterator{};
    if (before && k != before->etags.end() && k->second == etag) {
      delta.unchanged.push_back(href);
    } else if (part.ics.size() > m_options.max_resource_bytes) {
      delta.rejected.push_back(
          {href, etag, "larger than " + std::to_string(m_options.max_resource_bytes / 1024) + " KiB"});
    } else {
      delta.put.push_back({href, etag, std::move(part.ics)});
    }
  }
  outcome.collections_read = 1;
  co_await sink(std::move(delta));
  co_return outcome;
}

} // namespace kenes::connectors
