#include "daemon/admin/admin_server.hpp"

#include "daemon/admin/admin_request.hpp"

#include "daemon/admin/metrics.hpp"
#include "daemon/base/html.hpp"
#include "daemon/base/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#pragma GCC diagnostic ignored "-Wmismatched-new-delete" // GCC PR 109224, see caldav_source.cpp

namespace kenes::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// No script anywhere; styles only from the page's own stylesheet.
constexpr const char* k_csp =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// For a client past its limits: written without reading a byte of its request.
constexpr std::string_view k_busy_reply = "HTTP/1.1 503 Service Unavailable\r\nServer: kenesd\r\n"
                                          "Content-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\n"
                                          "Connection: close\r\nContent-Length: 21\r\n\r\ntoo many connections\n";

} // namespace

struct AdminServer::Shared
{
  Shared(asio::io_context& context, Handler h, Metrics& m, AdminLimits l)
    : io(context)
    , acceptor(context)
    , handler(std::move(h))
    , metrics(m)
    , limits(l)
  {
  }
  asio::io_context& io;
  tcp::acceptor acceptor;
  Handler handler;
  Metrics& metrics;
  AdminLimits limits;
  std::set<beast::tcp_stream*> open;
  std::map<asio::ip::address, std::size_t> per_address;
  bool stopped = false;
};

tcp::endpoint parse_listen(const std::string& listen)
{
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size()) {
    throw AdminListenError("admin.listen: expected ADDRESS:PORT, got '" + listen + "'");
  }
  std::string host = listen.substr(0, colon);
  std::string port_text = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") {
    host = "127.0.0.1";
  }
  int port = -1;
  try {
    std::size_t used = 0;
    port = std::stoi(port_text, &used);
    if (used != port_text.size()) {
      port = -1;
    }
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) {
    throw AdminListenError("admin.listen: '" + port_text + "' is not a port number");
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    throw AdminListenError("admin.listen: '" + host + "' is not an IP address (or localhost)");
  }
  return {address, static_cast<unsigned short>(port)};
}

bool is_loopback(const tcp::endpoint& endpoint)
{
  return endpoint.address().is_loopback();
}

AdminServer::AdminServer(asio::io_context& io, const tcp::endpoint& endpoint, Handler handler, Metrics& metrics,
                         AdminLimits limits)
  : m_shared(std::make_shared<Shared>(io, std::move(handler), metrics, limits))
{
  boost::system::error_code ec;
  tcp::acceptor& a = m_shared->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) {
    a.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    a.bind(endpoint, ec);
  }
  if (!ec) {
    a.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    std::ostringstream where;
    where << endpoint;
    throw AdminListenError("admin.listen: cannot listen on " + where.str() + ": " + ec.message());
  }
}

AdminServer::~AdminServer()
{
  stop();
}

tcp::endpoint AdminServer::local_endpoint() const
{
  boost::system::error_code ec;
  return m_shared->acceptor.local_endpoint(ec);
}

void AdminServer::start()
{
  asio::co_spawn(m_shared->io, accept_loop(), asio::detached);
}

void AdminServer::stop()
{
  if (m_shared->stopped) {
    return;
  }
  m_shared->stopped = true;
  boost::system::error_code ec;
  m_shared->acceptor.close(ec);
  for (beast::tcp_stream* s : m_shared->open) {
    s->socket().close(ec);
  }
}

asio::awaitable<void> AdminServer::accept_loop()
{
  std::shared_ptr<Shared> shared = m_shared;
  while (!shared->stopped) {
    boost::system::error_code ec;
    tcp::socket socket = co_await shared->acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (shared->stopped || ec == asio::error::operation_aborted) {
        break;
      }
      log(LogLevel::warning, "admin.accept_failed", "reason=" + log_value(ec.message()));
      continue;
    }
    asio::co_spawn(shared->io, session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> AdminServer::session(tcp::socket socket)
{
  std::shared_ptr<Shared> shared = m_shared;
  const AdminLimits& limits = shared->limits;
  beast::tcp_stream stream(std::move(socket));
  if (shared->stopped) {
    co_return;
  }
  boost::system::error_code peer_ec;
  const asio::ip::address peer = stream.socket().remote_endpoint(peer_ec).address();
  // Per client address, then overall: a slow client from one address cannot take every
  // connection, and /healthz keeps a reserve of its own.
  const bool over_address = !peer_ec && shared->per_address[peer] >= limits.max_per_address;
  const bool reserve = shared->open.size() >= limits.max_connections;
  if (over_address || shared->open.size() >= limits.max_connections + limits.reserve_connections) {
    shared->metrics.http_request("(too many connections)", 503);
    stream.expires_after(std::chrono::seconds(limits.reserve_header_seconds));
    boost::system::error_code ignored;
    co_await asio::async_write(stream, asio::buffer(k_busy_reply.data(), k_busy_reply.size()),
                               asio::redirect_error(asio::use_awaitable, ignored));
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    co_return;
  }
  shared->open.insert(&stream);
  if (!peer_ec) {
    ++shared->per_address[peer];
  }
  struct Forget
  {
    Shared& s;
    beast::tcp_stream* p;
    std::optional<asio::ip::address> peer;
    ~Forget()
    {
      s.open.erase(p);
      if (peer) {
        auto it = s.per_address.find(*peer);
        if (it != s.per_address.end() && --it->second == 0) {
          s.per_address.erase(it);
        }
      }
    }
  } forget{*shared, &stream, peer_ec ? std::nullopt : std::optional<asio::ip::address>(peer)};

  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
    parser.body_limit(limits.body_bytes);
    // A deadline for the whole header, not for each byte: a client sending a line every few
    // seconds is cut off all the same.
    stream.expires_after(std::chrono::seconds(
        std::min(limits.idle_seconds, reserve ? limits.reserve_header_seconds : limits.header_seconds)));
    boost::system::error_code ec;
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    std::string framing;
    if (!ec) {
      framing = framing_problem(parser.get());
      if (framing.empty()) {
        stream.expires_after(std::chrono::seconds(limits.idle_seconds));
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    AdminResponse response;
    bool keep_alive = false;
    bool head = false;
    unsigned version = 11;
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || shared->stopped) {
      break;
    }
    http::request<http::string_body>& req = parser.get();
    if (!ec && framing.empty()) {
      version = req.version();
      head = req.method() == http::verb::head;
      keep_alive = req.keep_alive();
    }
    AdminRequest r;
    bool close = false;
    if (std::optional<AdminResponse> answer = admit_request(ec, framing, req, limits, reserve, r, close)) {
      response = std::move(*answer);
      keep_alive = keep_alive && !close;
    } else {
      try {
        response = co_await shared->handler(std::move(r));
      } catch (const std::exception& e) {
        log(LogLevel::error, "admin.handler_failed", "reason=" + log_value(e.what()));
        response.status = 500;
        response.content_type = "text/plain; charset=utf-8";
        response.body = "internal error; see the daemon's log\n";
        response.route = "(error)";
      }
    }
    if (ec || reserve) {
      keep_alive = false;
    }
    shared->metrics.http_request(response.route, response.status);
    http::response<http::string_body> res{static_cast<http::status>(response.status), version};
    res.set(http::field::server, "kenesd");
    res.set(http::field::content_type, response.content_type);
    res.set("Content-Security-Policy", k_csp);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "no-referrer");
    res.set(http::field::cache_control, "no-store");
    for (const auto& [k, v] : response.headers) {
      res.set(k, v);
    }
    res.keep_alive(keep_alive && !shared->stopped);
    res.body() = std::move(response.body);
    res.prepare_payload();
    if (head) {
      res.body().clear(); // the headers of the GET, no body
    }
    stream.expires_after(std::chrono::seconds(limits.idle_seconds));
    boost::system::error_code wec;
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, wec));
    if (wec || !res.keep_alive()) {
      break;
    }
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

} // namespace kenes::daemon
