// An iCalendar feed over http(s) (SPEC §6 `ical`): read-only, one collection (the feed URL), one
// resource per UID ("#uid"); a conditional GET (If-None-Match / If-Modified-Since) makes an
// unchanged feed cost one request that carries no body. The feed's ETag is stored as the
// collection's ctag and its Last-Modified as the sync token.
#pragma once

#include "connectors/http_client.hpp"
#include "connectors/source.hpp"

#include <chrono>
#include <cstddef>
#include <string>

namespace kenes::connectors {

struct IcalOptions
{
  std::string url;
  Credentials auth;
  std::chrono::milliseconds timeout{30000};
  std::size_t max_feed_bytes = 64 << 20;
  std::size_t max_resource_bytes = 4 << 20;
  RetryPolicy retry;
};

class IcalSource final : public Source
{
public:
  IcalSource(HttpClient& http, IcalOptions options);
  boost::asio::awaitable<Result<SourceOutcome>> sync(const std::vector<KnownCollection>& known,
                                                     DeltaSink sink) override;
  std::uint64_t requests() const override { return m_http.requests_made(); }

private:
  HttpClient& m_http;
  IcalOptions m_options;
};

} // namespace kenes::connectors
