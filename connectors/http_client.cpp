#include "connectors/http_client.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

namespace kenes::connectors {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

void init_curl_once()
{
  // curl_global_init is not thread-safe before 7.84; a function-local static makes it run once.
  static const CURLcode k_init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (k_init != CURLE_OK) {
    throw std::runtime_error("curl_global_init failed");
  }
}

std::string lower(std::string_view s)
{
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s)
{
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

void replace_all(std::string& text, const std::string& secret)
{
  if (secret.empty()) {
    return;
  }
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
}

// The password of a URL's userinfo, raw and percent-decoded, to scrub from curl's messages.
std::vector<std::string> url_secrets(std::string_view url)
{
  std::vector<std::string> secrets;
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    return secrets;
  }
  std::string_view rest = url.substr(scheme + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) {
    return secrets;
  }
  std::string_view userinfo = authority.substr(0, at);
  std::size_t colon = userinfo.find(':');
  if (colon == std::string_view::npos || colon + 1 == userinfo.size()) {
    return secrets;
  }
  std::string password(userinfo.substr(colon + 1));
  int decoded_length = 0;
  char* decoded = curl_easy_unescape(nullptr, password.c_str(), static_cast<int>(password.size()), &decoded_length);
  if (decoded != nullptr) {
    secrets.emplace_back(decoded, static_cast<std::size_t>(decoded_length));
    curl_free(decoded);
  }
  secrets.push_back(std::move(password));
  return secrets;
}

ErrorKind kind_of(CURLcode code)
{
  switch (code) {
  case CURLE_OPERATION_TIMEDOUT:
    return ErrorKind::timeout;
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING: // "Server disconnected": Radicale over its backlog
    return ErrorKind::connect;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_ENGINE_NOTFOUND:
  case CURLE_SSL_ENGINE_SETFAILED:
  case CURLE_SSL_ENGINE_INITFAILED:
  case CURLE_SSL_SHUTDOWN_FAILED:
  case CURLE_USE_SSL_FAILED:
    return ErrorKind::tls;
  case CURLE_FILESIZE_EXCEEDED:
    return ErrorKind::too_large;
  default:
    return ErrorKind::protocol; // partial file, too many redirects, weird reply, bad URL...
  }
}

// Boost 1.74 has no any_completion_handler: this holds the awaiting coroutine's handler until
// CURLMSG_DONE, keeps the loop alive meanwhile, and resumes it by a post, never from inside curl.
class Completion
{
public:
  virtual ~Completion() = default;
  virtual void complete(Result<HttpResponse> result) = 0;
};

template <typename Handler> class CompletionOf final : public Completion
{
public:
  CompletionOf(Handler handler, asio::io_context& io)
    : m_handler(std::move(handler))
    , m_work(io.get_executor())
  {
  }

  void complete(Result<HttpResponse> result) override
  {
    auto executor = asio::get_associated_executor(m_handler, m_work.get_executor());
    asio::post(executor, [handler = std::move(m_handler), r = std::move(result)]() mutable { handler(std::move(r)); });
    m_work.reset();
  }

private:
  Handler m_handler;
  asio::executor_work_guard<asio::io_context::executor_type> m_work;
};

// A socket curl waits on. The ones curl opens through on_open_socket are owned and closed here
// (asiohiper's way: Asio must forget an fd before it is closed, or a reused fd number meets a stale
// registration); others (the threaded resolver's pipe) are only borrowed and released on REMOVE.
struct Watched
{
  Watched(asio::io_context& io, int fd, bool is_owned)
    : descriptor(io, fd)
    , owned(is_owned)
  {
  }
  asio::posix::stream_descriptor descriptor;
  bool owned;
  int wanted = 0; // CURL_POLL_IN | CURL_POLL_OUT
  bool read_armed = false;
  bool write_armed = false;
  bool closed = false;
};

// One request in flight: curl points into these strings until the transfer is removed.
struct Transfer
{
  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer()
  {
    curl_slist_free_all(header_list);
    if (easy != nullptr) {
      curl_easy_cleanup(easy);
    }
  }

  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  HttpRequest request;
  std::string what; // "PROPFIND https://user:***@host/path": for reasons
  HttpResponse response;
  bool too_large = false;
  std::array<char, CURL_ERROR_SIZE> error{};
  std::unique_ptr<Completion> completion;
};

size_t on_header(char* data, size_t size, size_t count, void* userp)
{
  auto& t = *static_cast<Transfer*>(userp);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) { // a new response: a redirect hop or a 1xx came before
    t.response.headers.clear();
    t.response.body.clear();
    return size * count;
  }
  std::size_t colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    t.response.headers.emplace_back(lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* userp)
{
  auto& t = *static_cast<Transfer*>(userp);
  std::size_t n = size * count;
  if (t.response.body.size() + n > t.request.max_body) {
    t.too_large = true;
    return 0; // aborts the transfer (CURLE_WRITE_ERROR)
  }
  t.response.body.append(data, n);
  return n;
}

bool has_header(const HttpRequest& r, std::string_view name)
{
  return std::any_of(r.headers.begin(), r.headers.end(), [&](const auto& h) { return lower(h.first) == name; });
}

} // namespace

class HttpClient::Impl : public std::enable_shared_from_this<HttpClient::Impl>
{
public:
  Impl(asio::io_context& io, HttpOptions options);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  asio::io_context& io() { return m_io; }
  void start(HttpRequest request, std::unique_ptr<Completion> completion);
  void cancel_all();
  std::optional<milliseconds> retry_delay(const Result<HttpResponse>& result, int attempt, const RetryPolicy& policy);

  std::uint64_t m_requests_made = 0;
  std::set<asio::steady_timer*> m_backoff_timers; // retries waiting, for cancel_all

private:
  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* userp, void* socketp);
  static int on_timer(CURLM* multi, long timeout_ms, void* userp);
  static curl_socket_t on_open_socket(void* clientp, curlsocktype purpose, curl_sockaddr* address);
  static int on_close_socket(void* clientp, curl_socket_t fd);

  std::optional<Error> configure(Transfer& t);
  void arm(const std::shared_ptr<Watched>& w, curl_socket_t fd, int direction);
  void on_ready(const std::shared_ptr<Watched>& w, curl_socket_t fd, int direction, boost::system::error_code ec);
  void on_timeout();
  void drain_messages();
  void finish(CURL* easy, CURLcode code);
  void count_requests(CURL* easy);
  void forget(curl_socket_t fd);

  asio::io_context& m_io;
  HttpOptions m_options;
  CURLM* m_multi = nullptr;
  asio::steady_timer m_timer;
  std::map<curl_socket_t, std::shared_ptr<Watched>> m_sockets;
  std::map<CURL*, std::unique_ptr<Transfer>> m_transfers;
  std::mt19937_64 m_random{std::random_device{}()};
};

HttpClient::Impl::Impl(asio::io_context& io, HttpOptions options)
  : m_io(io)
  , m_options(std::move(options))
  , m_timer(io)
{
  init_curl_once();
  m_multi = curl_multi_init();
  if (m_multi == nullptr) {
    throw std::runtime_error("curl_multi_init failed");
  }
  long per_host = std::max(1, m_options.max_connections_per_host);
  curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
  curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
  curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(m_multi, CURLMOPT_MAX_HOST_CONNECTIONS, per_host);           // beyond it, transfers queue in curl
  curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, std::max(16L, 4 * per_host)); // the keep-alive cache
}

HttpClient::Impl::~Impl()
{
  cancel_all();
  m_timer.cancel();
  curl_multi_cleanup(m_multi); // closes the cached connections through on_close_socket
  for (auto& [fd, w] : m_sockets) {
    w->closed = true;
    boost::system::error_code ignored;
    if (w->owned) {
      w->descriptor.close(ignored);
    } else {
      w->descriptor.cancel(ignored);
      w->descriptor.release();
    }
  }
}

void HttpClient::Impl::start(HttpRequest request, std::unique_ptr<Completion> completion)
{
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  t->what = t->request.method + " " + redact_url(t->request.url);
  t->completion = std::move(completion);
  t->easy = curl_easy_init();
  std::optional<Error> refused =
      t->easy == nullptr ? Error{ErrorKind::protocol, t->what + ": curl_easy_init failed"} : configure(*t);
  if (!refused) {
    CURLMcode added = curl_multi_add_handle(m_multi, t->easy);
    if (added != CURLM_OK) {
      refused = Error{ErrorKind::protocol, t->what + ": " + curl_multi_strerror(added)};
    }
  }
  if (refused) {
    t->completion->complete(std::move(*refused));
    return;
  }
  CURL* easy = t->easy;
  m_transfers.emplace(easy, std::move(t));
}

std::optional<Error> HttpClient::Impl::configure(Transfer& t)
{
  CURL* e = t.easy;
  const HttpRequest& r = t.request;
  for (const auto& [name, value] : r.headers) {
    if (name.empty() || name.find_first_of(":\r\n \t") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      return Error{ErrorKind::permanent, t.what + ": bad request header name or value"};
    }
    // curl sends "Name;" as an empty header; "Name:" would remove it.
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    t.header_list = curl_slist_append(t.header_list, line.c_str());
  }
  if (!has_header(r, "expect")) { // no 100-continue round trip for bodies
    t.header_list = curl_slist_append(t.header_list, "Expect:");
  }
  if (!r.body.empty() && !has_header(r, "content-type")) { // not curl's form-urlencoded default
    t.header_list = curl_slist_append(t.header_list, "Content-Type:");
  }

  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) {
      rc = curl_easy_setopt(e, option, value);
    }
  };
  set(CURLOPT_URL, r.url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_HTTPHEADER, t.header_list);
  set(CURLOPT_USERAGENT, m_options.user_agent.c_str());
  set(CURLOPT_FOLLOWLOCATION, 1L);
  set(CURLOPT_MAXREDIRS, m_options.max_redirects);
  set(CURLOPT_UNRESTRICTED_AUTH, 0L);                             // credentials stay with the host they were given for
  set(CURLOPT_POSTREDIR, static_cast<long>(CURL_REDIR_POST_ALL)); // method and body kept on 301/302/303
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  if (!m_options.ca_file.empty()) {
    set(CURLOPT_CAINFO, m_options.ca_file.c_str());
  }
  if (r.timeout.count() > 0) {
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
    set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<milliseconds::rep>(r.timeout.count(), 15000)));
  }
  // A stalled transfer (no byte for this long) fails even without an overall timeout.
  long stall_seconds = r.timeout.count() > 0 ? std::clamp<long>((r.timeout.count() + 999) / 1000, 1, 60) : 60;
  set(CURLOPT_LOW_SPEED_LIMIT, 1L);
  set(CURLOPT_LOW_SPEED_TIME, stall_seconds);
  set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(std::min<std::size_t>(r.max_body, INT64_MAX)));
  set(CURLOPT_HEADERFUNCTION, &on_header);
  set(CURLOPT_HEADERDATA, &t);
  set(CURLOPT_WRITEFUNCTION, &on_body);
  set(CURLOPT_WRITEDATA, &t);
  set(CURLOPT_ERRORBUFFER, t.error.data());
  set(CURLOPT_OPENSOCKETFUNCTION, &Impl::on_open_socket);
  set(CURLOPT_OPENSOCKETDATA, this);
  set(CURLOPT_CLOSESOCKETFUNCTION, &Impl::on_close_socket);
  set(CURLOPT_CLOSESOCKETDATA, this);

  if (r.method == "GET" && r.body.empty()) {
    set(CURLOPT_HTTPGET, 1L);
  } else if (r.method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else {
    // POSTFIELDS gives the body and Content-Length; CUSTOMREQUEST names the method on every hop.
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    set(CURLOPT_POSTFIELDS, r.body.c_str());
    if (r.method != "POST") {
      set(CURLOPT_CUSTOMREQUEST, r.method.c_str());
    }
  }

  switch (r.auth.kind) {
  case Credentials::Kind::none:
    break;
  case Credentials::Kind::basic:
    set(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    set(CURLOPT_USERNAME, r.auth.username.c_str());
    set(CURLOPT_PASSWORD, r.auth.secret.c_str());
    break;
  case Credentials::Kind::bearer:
    set(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BEARER));
    set(CURLOPT_XOAUTH2_BEARER, r.auth.secret.c_str());
    break;
  }
  if (rc != CURLE_OK) {
    return Error{kind_of(rc), t.what + ": " + curl_easy_strerror(rc)};
  }
  return std::nullopt;
}

int HttpClient::Impl::on_socket(CURL*, curl_socket_t fd, int what, void* userp, void*)
{
  auto& self = *static_cast<Impl*>(userp);
  auto it = self.m_sockets.find(fd);
  if (what == CURL_POLL_REMOVE) {
    if (it != self.m_sockets.end()) {
      if (it->second->owned) {
        // An idle kept-alive connection: no wait left on the loop, so run() can return when
        // nothing is in flight. A wait curl asks for again meanwhile is re-armed in on_ready.
        it->second->wanted = 0;
        boost::system::error_code ignored;
        it->second->descriptor.cancel(ignored);
      } else {
        self.forget(fd);
      }
    }
    return 0;
  }
  if (it == self.m_sockets.end()) {
    try {
      it = self.m_sockets.emplace(fd, std::make_shared<Watched>(self.m_io, fd, false)).first;
    } catch (const boost::system::system_error&) {
      return -1; // curl fails the transfer
    }
  }
  it->second->wanted = what;
  if ((what & CURL_POLL_IN) != 0) {
    self.arm(it->second, fd, CURL_POLL_IN);
  }
  if ((what & CURL_POLL_OUT) != 0) {
    self.arm(it->second, fd, CURL_POLL_OUT);
  }
  return 0;
}

void HttpClient::Impl::arm(const std::shared_ptr<Watched>& w, curl_socket_t fd, int direction)
{
  bool& armed = direction == CURL_POLL_IN ? w->read_armed : w->write_armed;
  if (armed || w->closed) {
    return;
  }
  armed = true;
  auto wait = direction == CURL_POLL_IN ? asio::posix::stream_descriptor::wait_read
                                        : asio::posix::stream_descriptor::wait_write;
  w->descriptor.async_wait(wait, [weak = weak_from_this(), w, fd, direction](boost::system::error_code ec) {
    (direction == CURL_POLL_IN ? w->read_armed : w->write_armed) = false;
    if (w->closed) {
      return;
    }
    if (auto self = weak.lock()) {
      self->on_ready(w, fd, direction, ec);
    }
  });
}

void HttpClient::Impl::on_ready(const std::shared_ptr<Watched>& w, curl_socket_t fd, int direction,
                                boost::system::error_code ec)
{
  if ((w->wanted & direction) == 0) {
    return; // curl stopped waiting for this meanwhile
  }
  if (ec != asio::error::operation_aborted) {
    int action = ec ? CURL_CSELECT_ERR : (direction == CURL_POLL_IN ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
    int running = 0;
    curl_multi_socket_action(m_multi, fd, action, &running);
    drain_messages();
  }
  // The socket may have been closed or its interest changed inside curl_multi_socket_action.
  if (!w->closed && (w->wanted & direction) != 0) {
    arm(w, fd, direction);
  }
}

int HttpClient::Impl::on_timer(CURLM*, long timeout_ms, void* userp)
{
  auto& self = *static_cast<Impl*>(userp);
  self.m_timer.cancel();
  if (timeout_ms < 0) {
    return 0;
  }
  // Never call back into curl from here: the timer fires on the loop, even for 0 ms.
  self.m_timer.expires_after(milliseconds(timeout_ms));
  self.m_timer.async_wait([weak = self.weak_from_this()](boost::system::error_code ec) {
    if (ec) {
      return;
    }
    if (auto s = weak.lock()) {
      s->on_timeout();
    }
  });
  return 0;
}

void HttpClient::Impl::on_timeout()
{
  int running = 0;
  curl_multi_socket_action(m_multi, CURL_SOCKET_TIMEOUT, 0, &running);
  drain_messages();
}

curl_socket_t HttpClient::Impl::on_open_socket(void* clientp, curlsocktype purpose, curl_sockaddr* address)
{
  auto& self = *static_cast<Impl*>(clientp);
  if (purpose != CURLSOCKTYPE_IPCXN) {
    return CURL_SOCKET_BAD;
  }
  int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd < 0) {
    return CURL_SOCKET_BAD;
  }
  self.forget(fd); // a stale entry under a reused number, if curl ever closed one behind our back
  try {
    self.m_sockets.emplace(fd, std::make_shared<Watched>(self.m_io, fd, true));
  } catch (const boost::system::system_error&) {
    ::close(fd);
    return CURL_SOCKET_BAD;
  }
  return fd;
}

int HttpClient::Impl::on_close_socket(void* clientp, curl_socket_t fd)
{
  auto& self = *static_cast<Impl*>(clientp);
  auto it = self.m_sockets.find(fd);
  if (it == self.m_sockets.end() || !it->second->owned) {
    return ::close(fd);
  }
  self.forget(fd);
  return 0;
}

// Stops watching fd; closes it if it is ours. Handlers still queued see `closed` and do nothing.
void HttpClient::Impl::forget(curl_socket_t fd)
{
  auto it = m_sockets.find(fd);
  if (it == m_sockets.end()) {
    return;
  }
  Watched& w = *it->second;
  w.closed = true;
  w.wanted = 0;
  boost::system::error_code ignored;
  w.descriptor.cancel(ignored); // before release(): it would destroy pending waits uncompleted
  if (w.owned) {
    w.descriptor.close(ignored);
  } else {
    w.descriptor.release();
  }
  m_sockets.erase(it);
}

void HttpClient::Impl::drain_messages()
{
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(m_multi, &left)) {
    if (msg->msg == CURLMSG_DONE) {
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;
      finish(easy, code); // msg is invalid after this
    }
  }
}

void HttpClient::Impl::count_requests(CURL* easy)
{
  // Each followed redirect is a request; the last hop counts if a request was written for it.
  long redirects = 0;
  long request_bytes = 0;
  curl_easy_getinfo(easy, CURLINFO_REDIRECT_COUNT, &redirects);
  curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_bytes);
  m_requests_made += static_cast<std::uint64_t>(redirects) + (request_bytes > 0 ? 1 : 0);
}

void HttpClient::Impl::finish(CURL* easy, CURLcode code)
{
  auto node = m_transfers.extract(easy);
  if (node.empty()) {
    return;
  }
  Transfer& t = *node.mapped();
  curl_multi_remove_handle(m_multi, easy);
  count_requests(easy);
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    t.response.status = static_cast<int>(status);
    t.completion->complete(std::move(t.response));
    return;
  }
  ErrorKind kind = t.too_large ? ErrorKind::too_large : kind_of(code);
  std::string reason = t.what + ": " + curl_easy_strerror(code);
  if (t.too_large) {
    reason += " (body over " + std::to_string(t.request.max_body) + " bytes)";
  } else if (t.error[0] != '\0') {
    std::string detail(t.error.data());
    replace_all(detail, t.request.auth.secret);
    for (const std::string& secret : url_secrets(t.request.url)) {
      replace_all(detail, secret);
    }
    reason += " (" + detail + ")";
  }
  t.completion->complete(Error{kind, std::move(reason)});
}

void HttpClient::Impl::cancel_all()
{
  auto transfers = std::move(m_transfers);
  m_transfers.clear();
  for (auto& [easy, t] : transfers) {
    curl_multi_remove_handle(m_multi, easy);
    count_requests(easy);
    t->completion->complete(Error{ErrorKind::cancelled, t->what + ": cancelled"});
  }
  for (asio::steady_timer* timer : m_backoff_timers) {
    timer->cancel();
  }
  m_backoff_timers.clear();
}

std::optional<milliseconds> HttpClient::Impl::retry_delay(const Result<HttpResponse>& result, int attempt,
                                                          const RetryPolicy& policy)
{
  if (result.ok()) {
    int s = result->status;
    if (s != 429 && s != 502 && s != 503 && s != 504) {
      return std::nullopt;
    }
    if (auto after = parse_retry_after(result->header("retry-after"))) {
      return std::min(*after, policy.max_delay);
    }
  } else if (result.error().kind != ErrorKind::connect && result.error().kind != ErrorKind::timeout) {
    return std::nullopt;
  }
  // Full jitter: uniform in [0, min(max, base * 2^(attempt-1))].
  double ceiling = static_cast<double>(policy.base_delay.count()) * std::pow(2.0, std::min(attempt - 1, 30));
  auto top = static_cast<milliseconds::rep>(std::min(ceiling, static_cast<double>(policy.max_delay.count())));
  std::uniform_int_distribution<milliseconds::rep> pick(0, std::max<milliseconds::rep>(top, 0));
  return milliseconds(pick(m_random));
}

HttpClient::HttpClient(asio::io_context& io, HttpOptions options)
  : m_impl(std::make_shared<Impl>(io, std::move(options)))
{
}

HttpClient::~HttpClient() = default;

asio::awaitable<Result<HttpResponse>> HttpClient::send(HttpRequest request)
{
  Impl* impl = m_impl.get();
  auto initiate = [impl](auto handler, HttpRequest r) {
    using Handler = decltype(handler);
    impl->start(std::move(r), std::make_unique<CompletionOf<Handler>>(std::move(handler), impl->io()));
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Result<HttpResponse>)>(
      initiate, asio::use_awaitable, std::move(request));
}

asio::awaitable<Result<HttpResponse>> HttpClient::send_with_retry(HttpRequest request, RetryPolicy policy)
{
  const int attempts = std::max(1, policy.attempts);
  std::weak_ptr<Impl> weak = m_impl;
  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> result = co_await send(request);
    auto impl = weak.lock();
    std::optional<milliseconds> delay = impl ? impl->retry_delay(result, attempt, policy) : std::nullopt;
    if (!delay || attempt >= attempts) {
      co_return result;
    }
    asio::steady_timer timer(co_await asio::this_coro::executor, *delay);
    impl->m_backoff_timers.insert(&timer);
    impl.reset();
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    impl = weak.lock();
    if (ec || !impl) { // cancel_all or the client's end took the timer out of the set already
      co_return Error{ErrorKind::cancelled, request.method + " " + redact_url(request.url) + ": cancelled"};
    }
    impl->m_backoff_timers.erase(&timer);
  }
}

std::uint64_t HttpClient::requests_made() const
{
  return m_impl->m_requests_made;
}

void HttpClient::cancel_all()
{
  m_impl->cancel_all();
}

std::string HttpResponse::header(std::string_view name) const
{
  std::string wanted = lower(name);
  for (const auto& [n, v] : headers) {
    if (n == wanted) {
      return v;
    }
  }
  return {};
}

std::optional<ErrorKind> classify_status(int status)
{
  if (status == 401 || status == 403) {
    return ErrorKind::auth;
  }
  if (status == 429 || (status >= 500 && status <= 599)) {
    return ErrorKind::temporary;
  }
  if (status >= 400 && status <= 499) {
    return ErrorKind::permanent;
  }
  return std::nullopt;
}

std::optional<milliseconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now)
{
  value = trim(value);
  if (value.empty()) {
    return std::nullopt;
  }
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (value.size() > 9) {
      return milliseconds(std::chrono::hours(24 * 365)); // absurd, capped by the caller's max_delay
    }
    return std::chrono::seconds(std::stol(std::string(value)));
  }
  time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when == -1) {
    return std::nullopt;
  }
  auto delta = std::chrono::system_clock::from_time_t(when) - now;
  return std::max(milliseconds(0), std::chrono::ceil<milliseconds>(delta));
}

std::string redact_url(std::string_view url)
{
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    return std::string(url);
  }
  std::size_t start = scheme + 3;
  std::size_t end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? url.npos : end - start);
  std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) {
    return std::string(url);
  }
  std::size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) {
    return std::string(url);
  }
  std::string out(url.substr(0, start + colon + 1));
  out += "***";
  out += url.substr(start + at);
  return out;
}

} // namespace kenes::connectors
