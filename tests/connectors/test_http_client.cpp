// HttpClient against the hand-made fault server (tests/support/fault_server.py), one per test case.
#include "connectors/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>

// GCC 12 inlines coroutine lambdas and then mistakes Asio's awaitable frame operator new/delete pair
// for a mismatch (a false positive, GCC PR 109224).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

using namespace kenes::connectors;
using namespace kenes::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

ServerSpec fault_server_spec(const std::vector<std::string>& args = {})
{
  ServerSpec spec;
  spec.argv = {"/usr/bin/python3", (source_dir() / "tests/support/fault_server.py").string()};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  return spec;
}

struct FaultServer
{
  ServerProcess process{fault_server_spec()};
  std::string url(const std::string& path) const { return process.base_url() + path; }
};

// Runs `body` on `io` and fails the test, instead of hanging, if it is not done in `limit`.
void run_loop(asio::io_context& io, const std::function<asio::awaitable<void>()>& body,
              std::chrono::seconds limit = 20s)
{
  bool finished = false;
  bool timed_out = false;
  std::exception_ptr failure;
  asio::steady_timer watchdog(io, limit);
  watchdog.async_wait([&](boost::system::error_code ec) {
    if (!ec) {
      timed_out = true;
      io.stop();
    }
  });
  asio::co_spawn(io, body(), [&](std::exception_ptr e) {
    finished = true;
    failure = e;
    watchdog.cancel();
    io.stop(); // idle keep-alive connections would keep run() going
  });
  io.run();
  if (failure) {
    std::rethrow_exception(failure);
  }
  REQUIRE_FALSE(timed_out);
  REQUIRE(finished);
}

std::string why(const Result<HttpResponse>& r)
{
  return r.ok() ? "status " + std::to_string(r->status)
                : std::string(to_string(r.error().kind)) + ": " + r.error().reason;
}

HttpRequest get(const std::string& url)
{
  HttpRequest r;
  r.url = url;
  return r;
}

// Sends all at once; results in the order of the requests.
asio::awaitable<std::vector<Result<HttpResponse>>> send_all(HttpClient& client, std::vector<HttpRequest> requests)
{
  auto executor = co_await asio::this_coro::executor;
  std::vector<std::optional<Result<HttpResponse>>> results(requests.size());
  std::size_t left = requests.size();
  asio::steady_timer all_done(executor, Clock::time_point::max());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    asio::co_spawn(
        executor,
        [&, i]() -> asio::awaitable<void> {
          results[i] = co_await client.send(requests[i]);
          if (--left == 0) {
            all_done.cancel();
          }
        },
        asio::detached);
  }
  boost::system::error_code ec;
  co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  std::vector<Result<HttpResponse>> out;
  for (auto& r : results) {
    out.push_back(std::move(*r));
  }
  co_return out;
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d)
{
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

asio::awaitable<nlohmann::json> stats(HttpClient& client, const FaultServer& server)
{
  auto r = co_await client.send(get(server.url("/stats")));
  REQUIRE(r.ok());
  co_return nlohmann::json::parse(r->body);
}

} // namespace

TEST_CASE("http: GET returns the status, lower-case headers and the body", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    auto r = co_await client.send(get(server.url("/ok")));
    INFO(why(r));
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(r->body == "ok");
    CHECK(r->header("Content-Length") == "2");
    CHECK(r->header("content-type") == "text/plain");
    CHECK(r->header("x-absent").empty());
    for (const auto& [name, value] : r->headers) {
      CHECK(std::none_of(name.begin(), name.end(), [](unsigned char c) { return std::isupper(c); }));
    }
    CHECK(client.requests_made() == 1);
  });
}

TEST_CASE("http: PROPFIND carries its body and headers, the method survives a redirect", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    HttpRequest r;
    r.method = "PROPFIND";
    r.url = server.url("/redirect-to?url=/echo");
    r.headers = {{"Depth", "1"}, {"Content-Type", "application/xml; charset=utf-8"}};
    r.body = "<propfind xmlns=\"DAV:\"><prop><getetag/></prop></propfind>";
    auto res = co_await client.send(r);
    INFO(why(res));
    REQUIRE(res.ok());
    REQUIRE(res->status == 200);
    auto echo = nlohmann::json::parse(res->body);
    CHECK(echo["method"] == "PROPFIND");
    CHECK(echo["path"] == "/echo");
    CHECK(echo["body"] == r.body);
    CHECK(echo["headers"]["Depth"] == "1");
    CHECK(echo["headers"]["Content-Type"] == "application/xml; charset=utf-8");
    CHECK(echo["headers"]["User-Agent"] == "kenesd/0.1");
    CHECK_FALSE(echo["headers"].contains("Expect"));
    CHECK(client.requests_made() == 2);
  });
}

TEST_CASE("http: a status is a response, not an error, classify_status says what it means", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    auto r = co_await client.send_with_retry(get(server.url("/status/500")));
    INFO(why(r));
    REQUIRE(r.ok());
    CHECK(r->status == 500);
    CHECK(r->body == "status 500");
    CHECK(classify_status(r->status) == ErrorKind::temporary);
    CHECK(client.requests_made() == 1); // 500 is not retried
    auto missing = co_await client.send(get(server.url("/status/404")));
    REQUIRE(missing.ok());
    CHECK(missing->status == 404);
  });
  CHECK(classify_status(200) == std::nullopt);
  CHECK(classify_status(207) == std::nullopt);
  CHECK(classify_status(304) == std::nullopt);
  CHECK(classify_status(401) == ErrorKind::auth);
  CHECK(classify_status(403) == ErrorKind::auth);
  CHECK(classify_status(404) == ErrorKind::permanent);
  CHECK(classify_status(409) == ErrorKind::permanent);
  CHECK(classify_status(429) == ErrorKind::temporary);
  CHECK(classify_status(503) == ErrorKind::temporary);
}

TEST_CASE("http: basic and bearer credentials reach the server", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    HttpRequest basic = get(server.url("/echo"));
    basic.auth = {Credentials::Kind::basic, "alice", "wonder:land"};
    auto b = co_await client.send(basic);
    REQUIRE(b.ok());
    CHECK(nlohmann::json::parse(b->body)["headers"]["Authorization"] == "Basic YWxpY2U6d29uZGVyOmxhbmQ=");

    HttpRequest bearer = get(server.url("/echo"));
    bearer.auth = {Credentials::Kind::bearer, "", "tok-123.abc"};
    auto t = co_await client.send(bearer);
    REQUIRE(t.ok());
    CHECK(nlohmann::json::parse(t->body)["headers"]["Authorization"] == "Bearer tok-123.abc");

    auto none = co_await client.send(get(server.url("/echo")));
    REQUIRE(none.ok());
    CHECK_FALSE(nlohmann::json::parse(none->body)["headers"].contains("Authorization"));
  });
}

TEST_CASE("http: credentials do not follow a redirect to another host", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    HttpRequest r =
        get(server.url("/redirect-to?url=http://localhost:" + std::to_string(server.process.port()) + "/echo"));
    r.auth = {Credentials::Kind::basic, "alice", "secret"};
    auto res = co_await client.send(r);
    INFO(why(res));
    REQUIRE(res.ok());
    REQUIRE(res->status == 200);
    CHECK_FALSE(nlohmann::json::parse(res->body)["headers"].contains("Authorization"));
  });
}

TEST_CASE("http: a failing URL with userinfo keeps the password and the secret out of the reason", "[http]")
{
  int port = free_port(); // nobody listens there
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    HttpRequest r = get("http://alice:s3cr3t-pw@127.0.0.1:" + std::to_string(port) + "/cal/");
    r.auth = {Credentials::Kind::basic, "bob", "hunter2-password"};
    auto res = co_await client.send(r);
    REQUIRE_FALSE(res.ok());
    CHECK(res.error().kind == ErrorKind::connect);
    CHECK(res.error().reason.find("s3cr3t") == std::string::npos);
    CHECK(res.error().reason.find("hunter2") == std::string::npos);
    CHECK(res.error().reason.find("alice:***@127.0.0.1:" + std::to_string(port) + "/cal/") != std::string::npos);
    CHECK(client.requests_made() == 0);
  });
  CHECK(redact_url("https://u:p%40ss@h.example/x?y=1") == "https://u:***@h.example/x?y=1");
  CHECK(redact_url("https://u@h.example/x") == "https://u@h.example/x");
  CHECK(redact_url("https://h.example/a@b") == "https://h.example/a@b");
}

TEST_CASE("http: 20 concurrent requests share at most 4 kept-alive connections", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpOptions options;
  options.max_connections_per_host = 4;
  HttpClient client(io, options);
  run_loop(io, [&]() -> asio::awaitable<void> {
    std::vector<HttpRequest> requests(20, get(server.url("/slow/0.1")));
    auto start = Clock::now();
    auto results = co_await send_all(client, requests);
    auto elapsed = Clock::now() - start;
    for (const auto& r : results) {
      INFO(why(r));
      REQUIRE(r.ok());
      CHECK(r->status == 200);
    }
    CHECK(elapsed >= 450ms); // 20 × 0.1 s over 4 connections: 5 rounds
    CHECK(client.requests_made() == 20);
    auto s = co_await stats(client, server);
    CHECK(s["requests"] == 20);
    CHECK(s["max_concurrent_connections"] == 4);
    CHECK(s["connections"] == 4);
  });
}

TEST_CASE("http: 100 requests in a row go over one kept-alive connection", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    auto start = Clock::now();
    for (int i = 0; i < 100; ++i) {
      auto r = co_await client.send(get(server.url("/ok")));
      REQUIRE(r.ok());
    }
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    INFO("100 requests in " << elapsed.count() << " ms");
    CHECK(elapsed < 1s); // ~40 ms here; a Nagle / delayed-ACK stall would make it ~4 s
    auto s = co_await stats(client, server);
    CHECK(s["ok"] == 100);
    CHECK(s["connections"] == 1);
  });
}

TEST_CASE("http: a stalled transfer times out", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    HttpRequest r = get(server.url("/stall"));
    r.timeout = 1s;
    auto start = Clock::now();
    auto res = co_await client.send(r);
    auto elapsed = Clock::now() - start;
    REQUIRE_FALSE(res.ok());
    CHECK(res.error().kind == ErrorKind::timeout);
    CHECK(elapsed >= 900ms);
    CHECK(elapsed < 3s);
  });
}

TEST_CASE("http: a truncated body is a protocol error", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    auto res = co_await client.send(get(server.url("/truncated")));
    INFO(why(res));
    REQUIRE_FALSE(res.ok());
    CHECK(res.error().kind == ErrorKind::protocol);
  });
}

TEST_CASE("http: a body over max_body is too_large, with or without Content-Length", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    for (const char* path : {"/big/4", "/big/4?chunked=1"}) {
      HttpRequest r = get(server.url(path));
      r.max_body = 1024 * 1024;
      auto res = co_await client.send(r);
      INFO(path << ": " << why(res));
      REQUIRE_FALSE(res.ok());
      CHECK(res.error().kind == ErrorKind::too_large);
    }
    HttpRequest fits = get(server.url("/big/2"));
    fits.max_body = 2 * 1024 * 1024;
    auto res = co_await client.send(fits);
    INFO(why(res));
    REQUIRE(res.ok());
    CHECK(res->body.size() == 2u * 1024 * 1024);
  });
}

TEST_CASE("http: a redirect loop is a protocol error after max_redirects hops", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    auto res = co_await client.send(get(server.url("/redirect-loop")));
    INFO(why(res));
    REQUIRE_FALSE(res.ok());
    CHECK(res.error().kind == ErrorKind::protocol);
    CHECK(client.requests_made() == 6); // the first and 5 redirects
  });
}

TEST_CASE("http: connection refused is a connect error, retried with backoff", "[http]")
{
  int port = free_port();
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    auto res = co_await client.send(get("http://127.0.0.1:" + std::to_string(port) + "/"));
    REQUIRE_FALSE(res.ok());
    CHECK(res.error().kind == ErrorKind::connect);
    RetryPolicy quick{3, 20ms, 100ms};
    auto start = Clock::now();
    auto retried = co_await client.send_with_retry(get("http://127.0.0.1:" + std::to_string(port) + "/"), quick);
    REQUIRE_FALSE(retried.ok());
    CHECK(retried.error().kind == ErrorKind::connect);
    CHECK(Clock::now() - start < 1s);
  });
}

TEST_CASE("http: send_with_retry honours Retry-After on 503 and succeeds on the third attempt", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    auto start = Clock::now();
    auto res = co_await client.send_with_retry(get(server.url("/retry-after/2/x")));
    auto elapsed = Clock::now() - start;
    INFO(why(res));
    REQUIRE(res.ok());
    CHECK(res->status == 200);
    CHECK(res->body == "ok after 2");
    CHECK(elapsed >= 1900ms);
    CHECK(elapsed < 5s);
    CHECK(client.requests_made() == 3);
  });
}

TEST_CASE("http: send_with_retry retries 429 and gives the last answer when attempts run out", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    auto ok = co_await client.send_with_retry(get(server.url("/429/1/a")));
    REQUIRE(ok.ok());
    CHECK(ok->status == 200);
    RetryPolicy two{2, 10ms, 200ms}; // Retry-After: 1 is capped at 200 ms
    auto start = Clock::now();
    auto last = co_await client.send_with_retry(get(server.url("/429/5/b")), two);
    REQUIRE(last.ok());
    CHECK(last->status == 429);
    CHECK(last->header("retry-after") == "1");
    CHECK(Clock::now() - start < 900ms);
    CHECK(client.requests_made() == 4);
  });
}

TEST_CASE("http: cancel_all completes requests in flight and retries waiting with cancelled", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpClient client(io);
  run_loop(io, [&]() -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    std::optional<Result<HttpResponse>> waiting;
    asio::co_spawn(
        executor,
        [&]() -> asio::awaitable<void> {
          waiting = co_await client.send_with_retry(get(server.url("/retry-after/9/c")));
        },
        asio::detached);
    asio::co_spawn(
        executor,
        [&]() -> asio::awaitable<void> {
          co_await sleep_for(300ms);
          client.cancel_all();
        },
        asio::detached);
    auto start = Clock::now();
    auto results = co_await send_all(client, std::vector<HttpRequest>(3, get(server.url("/slow/10"))));
    CHECK(Clock::now() - start < 2s);
    for (const auto& r : results) {
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().kind == ErrorKind::cancelled);
    }
    co_await sleep_for(10ms);
    REQUIRE(waiting.has_value());
    REQUIRE_FALSE(waiting->ok());
    CHECK(waiting->error().kind == ErrorKind::cancelled);
    // The client still works after cancel_all.
    auto after = co_await client.send(get(server.url("/ok")));
    CHECK(after.ok());
  });
}

TEST_CASE("http: Retry-After is read as seconds or as an HTTP-date", "[http]")
{
  auto now = std::chrono::system_clock::from_time_t(1445412480); // Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(parse_retry_after("120", now) == 120s);
  CHECK(parse_retry_after(" 0 ", now) == 0s);
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now) == 30s);
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now) == 0s);
  CHECK(parse_retry_after("soon", now) == std::nullopt);
  CHECK(parse_retry_after("", now) == std::nullopt);
}

TEST_CASE("http: TLS is verified: an unknown certificate is a tls error, the same one trusted by ca_file works",
          "[http]")
{
  TempDir dir;
  std::string cert = (dir.path() / "cert.pem").string();
  std::string key = (dir.path() / "key.pem").string();
  auto made = run_process({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                           "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                           "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"});
  REQUIRE(made.exit_code == 0);
  ServerProcess server(fault_server_spec({"--tls", cert, key}));
  std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/ok";
  asio::io_context io;
  HttpClient untrusting(io);
  HttpOptions options;
  options.ca_file = cert;
  HttpClient trusting(io, options);
  run_loop(io, [&]() -> asio::awaitable<void> {
    auto refused = co_await untrusting.send(get(url));
    INFO(why(refused));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::tls);
    auto ok = co_await trusting.send(get(url));
    INFO(why(ok));
    REQUIRE(ok.ok());
    CHECK(ok->status == 200);
    CHECK(ok->body == "ok");
  });
}

TEST_CASE("http: a client with nothing in flight leaves no work on the loop, so run() returns", "[http]")
{
  FaultServer server;
  asio::io_context io;
  HttpClient client(io);
  std::optional<Result<HttpResponse>> result;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { result = co_await client.send(get(server.url("/ok"))); }, asio::detached);
  auto start = Clock::now();
  io.run_for(10s); // returns early only if the idle kept-alive connection holds no wait
  CHECK(Clock::now() - start < 5s);
  REQUIRE(result.has_value());
  CHECK(result->ok());
  CHECK(client.requests_made() == 1);
}
