// A CalDAV server (SPEC §6 `caldav`): discovery from a base URL (current-user-principal,
// calendar-home-set, /.well-known/caldav) or listed collections; one PROPFIND Depth 1 per home
// reads every collection's getctag and sync-token, so an unchanged home costs one request (the
// first listing of a home asks for names alone, and the first reads bring the tokens); a
// changed collection is read with REPORT sync-collection (RFC 6578), calendar-multiget in bounded
// batches for what it did not carry inline, or calendar-query with ETags and a diff on servers
// without sync-collection; an invalid sync token means a full re-read of that collection.
#pragma once

#include "connectors/http_client.hpp"
#include "connectors/source.hpp"
#include "connectors/webdav_xml.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace kenes::connectors {

struct CaldavOptions
{
  std::string url;                      // where discovery starts (a server, principal or home URL)
  std::vector<std::string> collections; // listed collection URLs: no discovery
  Credentials auth;
  int multiget_batch = 50; // hrefs per calendar-multiget: some servers silently cap larger ones
  std::chrono::milliseconds timeout{30000};
  std::size_t max_resource_bytes = 4 << 20; // a larger event is quarantined
  int parallel_collections = 4;             // changed collections read side by side
  // A home whose calendars all have a sync-token is listed by tokens alone between full listings
  // (names, components, reports) this far apart; a calendar not seen before gets one at once.
  std::chrono::seconds relist_every{3600};
  RetryPolicy retry;
};

class CaldavSource final : public Source
{
public:
  // `http` is the source's own client (its connection limit and request count).
  CaldavSource(HttpClient& http, CaldavOptions options);

  boost::asio::awaitable<Result<SourceOutcome>> sync(const std::vector<KnownCollection>& known,
                                                     DeltaSink sink) override;
  std::uint64_t requests() const override { return m_http.requests_made(); }

  // The calendar homes found by discovery, one URL a line, kept by the daemon between runs so a
  // restart costs no discovery.
  std::string memo() const override;
  void set_memo(const std::string& memo) override;

private:
  struct Listed; // a calendar collection as the home listing showed it

  boost::asio::awaitable<Result<HttpResponse>> dav(const std::string& method, const std::string& url, int depth,
                                                   std::string body);
  boost::asio::awaitable<Result<Multistatus>> dav_multistatus(const std::string& method, const std::string& url,
                                                              int depth, std::string body);
  boost::asio::awaitable<Result<std::vector<std::string>>> discover_homes();
  // What a listing of a home asks each collection for.
  enum class Listing {
    names,      // names, components and reports, no tag: a home seen for the first time
    tags,       // getctag, getetag and sync-token, with names, components and reports
    tokens,     // the same without getctag and getetag
    tokens_only // resourcetype and sync-token: names and the rest come from what is known
  };
  using KnownByHref = std::map<std::string, const KnownCollection*>;
  boost::asio::awaitable<Result<std::vector<Listed>>> list_home(const std::string& home, Listing listing,
                                                                const KnownByHref& known);
  static bool all_by_token(const std::vector<Listed>& listed, Listing listing);
  static bool from_no_token(const Listed& listed, const KnownCollection* known);
  boost::asio::awaitable<Result<Done>> list_tokens(const std::vector<Listed*>& unlisted, const KnownByHref& known);
  boost::asio::awaitable<Result<std::vector<Listed>>> list_collections(const KnownByHref& known);
  boost::asio::awaitable<Result<CollectionDelta>> read_collection(const Listed& listed, const KnownCollection* known);
  boost::asio::awaitable<Result<Done>> read_by_sync(const Listed& listed, const KnownCollection* known,
                                                    CollectionDelta& delta);
  boost::asio::awaitable<Result<Done>> read_by_query(const Listed& listed, const KnownCollection* known,
                                                     CollectionDelta& delta);
  boost::asio::awaitable<Result<Done>> multiget(const std::string& url, const std::vector<std::string>& hrefs,
                                                CollectionDelta& delta);
  void take(const DavResource& r, CollectionDelta& delta) const;
  void sort_listed(const DavResource& r, const std::string& href, const KnownCollection* known, CollectionDelta& delta,
                   std::vector<std::string>& need_data) const;

  HttpClient& m_http;
  CaldavOptions m_options;
  std::vector<std::string> m_homes; // discovered, or from the memo
  bool m_by_token = false;          // every calendar has a sync-token: list by that tag only
  // Whether the server's sync-collection from no token carries calendar-data (Radicale) or only
  // ETags (Xandikos): learnt from the first calendar read so, kept in the memo.
  enum class SyncData { unknown, inline_data, separate };
  SyncData m_sync_data = SyncData::unknown;
  std::int64_t m_listed_at = 0;            // unix time of the last listing with names (Listing::tokens)
  std::set<std::string> m_skipped;         // calendars of the homes that hold no VEVENTs (task lists)
  std::vector<RejectedResource> m_missing; // listed collections the server answered 404 for, this sync
};

} // namespace kenes::connectors
