// Fuzz target (d): the admin request path without sockets. The input is what a client sends on
// one connection: Boost.Beast's request_parser with the server's limits reads a request from it,
// then framing_problem and admit_request (daemon/admin/admin_request.hpp, as the server's session
// calls them), then AdminPages::handle: authentication (a users file with one crypt hash, a tokens
// file with one token) and the route table, against an empty store in a temporary folder and the
// demo config. Pipelined requests follow while the connection stays open (at most 8).
#include "tests/fuzz/fuzz_support.hpp"

#include "daemon/admin/admin_pages.hpp"
#include "daemon/admin/admin_request.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/parser.hpp>

#include <crypt.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace fs = std::filesystem;
using namespace kenes;

// Username "admin", password "fuzz-secret"; this token. (sha256crypt at its lowest cost, so an
// input with the right user does not make the run slow.)
constexpr const char* k_token = "fuzz-token-0123456789abcdef0123456789abcdef";

struct Harness
{
  fs::path dir;
  std::unique_ptr<daemon::StateStore> store;
  daemon::Metrics metrics;
  std::shared_ptr<const config::Config> config;
  std::unique_ptr<daemon::AdminPages> pages;
  asio::io_context io;

  Harness()
  {
    std::string tmpl = (fs::temp_directory_path() / "kenes-fuzz-admin-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::cerr << "fuzz_admin_request: mkdtemp failed\n";
      std::abort();
    }
    dir = tmpl;
    crypt_data data{};
    const char* hash = crypt_r("fuzz-secret", "$5$rounds=1000$kenesfuzz$", &data);
    if (hash == nullptr || hash[0] == '*') {
      std::cerr << "fuzz_admin_request: crypt_r failed\n";
      std::abort();
    }
    std::ofstream(dir / "users") << "# fuzz\nadmin:" << hash << "\n";
    std::ofstream(dir / "tokens") << k_token << "\n";
    store = daemon::StateStore::open(dir / "state");
    const fuzz::Fixture& f = fuzz::fixture();
    config = std::shared_ptr<const config::Config>(&f.config, [](const config::Config*) {});
    daemon::AdminHooks hooks;
    hooks.config = [this] { return config; };
    hooks.ready = [] { return true; };
    hooks.sync_now = [] {};
    hooks.check = [](std::string text) -> asio::awaitable<std::pair<std::string, bool>> {
      co_return std::pair<std::string, bool>{"{\"meetings\": [], \"bytes\": " + std::to_string(text.size()) + "}",
                                             text.empty()};
    };
    hooks.holidays = [] { return std::set<calendar::Days>{}; };
    hooks.now = [] { return fuzz::fixture().now; };
    pages = std::make_unique<daemon::AdminPages>(*store, metrics, std::move(hooks),
                                                 daemon::AdminAuth::load(dir / "users", dir / "tokens"));
  }
  ~Harness()
  {
    pages.reset();
    store.reset();
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

  daemon::AdminResponse handle(daemon::AdminRequest request)
  {
    daemon::AdminResponse out;
    std::exception_ptr failed;
    asio::co_spawn(io, pages->handle(std::move(request)), [&](std::exception_ptr e, daemon::AdminResponse r) {
      failed = e;
      out = std::move(r);
    });
    io.restart();
    io.run();
    if (failed) {
      std::rethrow_exception(failed); // the server answers 500; here it is a finding
    }
    return out;
  }
};

Harness& harness()
{
  static Harness* h = [] {
    auto* p = new Harness;
    std::atexit([] { delete &harness(); });
    return p;
  }();
  return *h;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  Harness& h = harness();
  const daemon::AdminLimits limits;
  boost::asio::const_buffer rest(data, size);
  for (int requests = 0; requests < 8 && rest.size() > 0; ++requests) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
    parser.body_limit(limits.body_bytes);
    parser.eager(true);
    boost::system::error_code ec;
    std::string framing;
    bool framing_checked = false;
    while (!parser.is_done()) {
      if (rest.size() == 0) {
        return 0; // the client stopped sending before the request ended: no answer
      }
      std::size_t used = parser.put(rest, ec);
      rest += used;
      if (!framing_checked && parser.is_header_done()) {
        framing_checked = true;
        framing = daemon::framing_problem(parser.get());
        if (!framing.empty()) {
          break; // the server answers without reading the body
        }
      }
      if (ec == http::error::need_more) {
        ec = {}; // read more, as async_read does
      } else if (ec) {
        break;
      }
      if (used == 0 && !parser.is_done()) {
        return 0; // waiting for bytes the client does not send
      }
    }
    daemon::AdminRequest request;
    bool close = false;
    bool keep_alive = !ec && framing.empty() && parser.get().keep_alive();
    if (std::optional<daemon::AdminResponse> answer =
            daemon::admit_request(ec, framing, parser.get(), limits, false, request, close)) {
      if (answer->status < 400 || answer->body.empty()) {
        std::cerr << "fuzz_admin_request: a refusal that is not an error\n";
        std::abort();
      }
    } else {
      daemon::AdminResponse response = h.handle(std::move(request));
      if (response.status < 100 || response.status > 599) {
        std::cerr << "fuzz_admin_request: status " << response.status << "\n";
        std::abort();
      }
    }
    if (close || !keep_alive) {
      break;
    }
  }
  return 0;
}
