// The admin HTTP server (SPEC §8): Boost.Beast on the daemon's io_context. Connections, request
// size, header size and idle time are bounded; every answer carries the security headers; the
// pages are rendered by AdminPages off the event loop (they read the store).
#pragma once

#include "daemon/admin/admin_auth.hpp"

#include <utility> // boost/asio/awaitable.hpp (1.74) needs std::exchange

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

namespace kenes::daemon {

class AdminPages;
class Metrics;

struct AdminLimits
{
  std::size_t max_connections = 256;
  // Past max_connections, this many more are read, briefly, for /healthz and /readyz alone; past
  // both, a connection gets 503 before a byte is read.
  std::size_t reserve_connections = 32;
  std::size_t max_per_address = 16; // connections from one client address; more get 503 at once
  std::size_t header_bytes = 16 * 1024;
  std::size_t header_fields = 64;
  std::size_t body_bytes = 1024 * 1024; // POST /api/v1/check
  int idle_seconds = 30;
  // The whole request header (and the wait for it) must arrive within this, however often a
  // slow client sends a byte; a connection in the reserve has reserve_header_seconds.
  int header_seconds = 10;
  int reserve_header_seconds = 2;
};

// A request as the pages see it; the target is split, the query decoded.
struct AdminRequest
{
  std::string method; // "GET", "POST", …
  std::string path;   // decoded
  std::map<std::string, std::string> query;
  std::string body;
  std::string authorization;
  std::string accept_language;
  // Where a browser says a request comes from (the admin page's POST forms are refused from any
  // other site): Host, Origin and Sec-Fetch-Site.
  std::string host, origin, fetch_site;
};

struct AdminResponse
{
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::map<std::string, std::string> headers; // extra ones (Allow, WWW-Authenticate, Content-Disposition …)
  std::string route;                          // for the metrics: "/meetings/{uid}", not the UID
};

class AdminListenError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

// "127.0.0.1:8080", "[::1]:8080", "localhost:8080" → endpoint. Throws AdminListenError.
boost::asio::ip::tcp::endpoint parse_listen(const std::string& listen);
bool is_loopback(const boost::asio::ip::tcp::endpoint& endpoint);

class AdminServer
{
public:
  // The handler runs on a thread of its own pool and may block; it is called for every path.
  using Handler = std::function<boost::asio::awaitable<AdminResponse>(AdminRequest)>;

  // Binds at once (throws AdminListenError naming the address and the system's reason).
  AdminServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint, Handler handler,
              Metrics& metrics, AdminLimits limits = {});
  ~AdminServer();

  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void start();
  void stop(); // closes the acceptor and every open connection

private:
  struct Shared;
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);

  std::shared_ptr<Shared> m_shared;
};

} // namespace kenes::daemon
