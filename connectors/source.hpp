// A source of calendars (SPEC §6): it is told what the store already holds and reports what
// changed, one collection at a time, so each collection can be committed as soon as it is read
// and memory does not grow with the size of the source.
#pragma once

#include "connectors/result.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kenes::connectors {

// What the store knows of one collection.
struct KnownCollection
{
  std::string href;
  std::string display_name;
  std::string ctag;
  std::string sync_token;
  std::map<std::string, std::string> etags; // resource href -> ETag
};

struct FetchedResource
{
  std::string href;
  std::string etag;
  std::string raw;
};

// A resource the source could not take (too large, unreadable answer): quarantined and reported;
// the rest of its collection still syncs.
struct RejectedResource
{
  std::string href;
  std::string etag;
  std::string reason;
};

struct CollectionDelta
{
  std::string href;
  std::string display_name;
  std::optional<std::string> ctag;       // to store with the data
  std::optional<std::string> sync_token; // to store with the data
  bool full = false;                     // a complete listing: known hrefs not in put/rejected/unchanged are gone
  std::vector<FetchedResource> put;
  std::vector<RejectedResource> rejected;
  std::vector<std::string> removed;
  std::vector<std::string> unchanged; // with `full`: still there, not fetched again
};

struct SourceOutcome
{
  // Every collection the source has now, when it could list them all; the store drops the
  // others. Empty and `listing_complete` false when the listing failed or is not known.
  std::vector<std::string> collections;
  bool listing_complete = false;
  int collections_read = 0; // collections that needed more than the listing
  // Collections named in the config that the server does not have (404), and listed or discovered
  // collections whose read it refused (a 404 or another permanent 4xx): the others synced, these
  // are reported and their stored data kept (the listing is then not complete).
  std::vector<RejectedResource> failed_collections; // href = the collection's URL, reason
};

// Takes one collection's changes; the source awaits it before it reads further, so memory holds a
// few collections at most however fast the server answers (backpressure).
using DeltaSink = std::function<boost::asio::awaitable<void>(CollectionDelta&&)>;

class Source
{
public:
  virtual ~Source() = default;
  // Reads what changed since `known` and hands each changed collection to `sink` as soon as it is
  // complete. An Error means the source as a whole failed (what reached the sink stays valid).
  virtual boost::asio::awaitable<Result<SourceOutcome>> sync(const std::vector<KnownCollection>& known,
                                                             DeltaSink sink) = 0;
  // HTTP requests made so far (0 for local sources).
  virtual std::uint64_t requests() const = 0;
  // What the source learnt that is worth keeping between runs (a CalDAV source's discovered
  // homes): the daemon stores it with the source and gives it back before the next sync.
  virtual std::string memo() const { return {}; }
  virtual void set_memo(const std::string& /*memo*/) {}
};

} // namespace kenes::connectors
