// The async HTTP client: libcurl's multi interface driven by the Asio loop (curl's asiohiper
// example), one CURLM per client, no thread of ours. A response for any HTTP status; an Error only
// when the transfer itself failed.
#pragma once

#include "connectors/result.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kenes::connectors {

struct Credentials
{
  enum class Kind { none, basic, bearer };
  Kind kind = Kind::none;
  std::string username;
  std::string secret; // password or bearer token: never logged, never in an Error
};

struct HttpRequest
{
  std::string method = "GET"; // any token: GET, PUT, PROPFIND, REPORT...
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Credentials auth;
  std::chrono::milliseconds timeout{30000}; // whole transfer, queueing and redirects included; 0: none
  std::size_t max_body = 32 * 1024 * 1024;
};

struct HttpResponse
{
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers; // names lower-case, of the final hop
  std::string body;
  std::string header(std::string_view name) const; // "" if absent; name in any case
};

struct HttpOptions
{
  int max_connections_per_host = 4; // Radicale's backlog is 5: more gets connections reset
  std::string user_agent = "kenesd/0.1";
  long max_redirects = 5;
  std::string ca_file; // empty: the system's trust store
};

struct RetryPolicy
{
  int attempts = 4; // in all, the first included
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{30000};
};

// 401/403 -> auth, 429 and 5xx -> temporary, other 4xx -> permanent, anything else -> nullopt.
std::optional<ErrorKind> classify_status(int status);

// Retry-After as delta-seconds or an HTTP-date; nullopt if unreadable. A date in the past is 0.
std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// The URL with the password of any userinfo replaced by "***": the only form of a URL that goes
// into an Error or a log.
std::string redact_url(std::string_view url);

class HttpClient
{
public:
  explicit HttpClient(boost::asio::io_context& io, HttpOptions options = {});
  ~HttpClient(); // pending requests complete with ErrorKind::cancelled
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Must be awaited on a coroutine of the client's io_context.
  boost::asio::awaitable<Result<HttpResponse>> send(HttpRequest request);

  // Retries connect errors, timeouts, 429 and 502/503/504 with exponential backoff and full
  // jitter, honouring Retry-After up to max_delay. Returns the last response or error.
  boost::asio::awaitable<Result<HttpResponse>> send_with_retry(HttpRequest request, RetryPolicy policy = {});

  // Requests that went out on the wire: every retry and every redirect hop.
  std::uint64_t requests_made() const;

  // Completes every request in flight and every retry waiting with ErrorKind::cancelled.
  void cancel_all();

private:
  class Impl;
  std::shared_ptr<Impl> m_impl; // shared so that late Asio handlers can tell it is gone
};

} // namespace kenes::connectors
