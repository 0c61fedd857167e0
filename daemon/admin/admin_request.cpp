#include "daemon/admin/admin_request.hpp"

#include "daemon/base/html.hpp"

#include <cctype>
#include <iterator>
#include <vector>

namespace kenes::daemon {

namespace http = boost::beast::http;

namespace {

AdminResponse plain(int status, std::string text)
{
  AdminResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(text) + "\n";
  r.route = "(bad request)";
  return r;
}

} // namespace

bool split_target(std::string_view target, AdminRequest& out)
{
  auto q = target.find('?');
  if (!url_decode(target.substr(0, q), out.path) || out.path.empty() || out.path[0] != '/') {
    return false;
  }
  if (q == std::string_view::npos) {
    return true;
  }
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    std::string key, value;
    if (!url_decode(pair.substr(0, eq), key) ||
        !url_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), value)) {
      return false;
    }
    if (!key.empty()) {
      out.query.emplace(std::move(key), std::move(value));
    }
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
  }
  return true;
}

// RFC 9112 §6.3: a request whose Transfer-Encoding does not end in chunked has no length the
// server can know, and a body read as the next request is request smuggling. We take exactly
// "chunked" (no other coding is of use here) and one Content-Length (identical duplicates too are
// refused: a proxy in front may pick another). Beast rejects differing ones itself.
std::string framing_problem(const http::fields& fields)
{
  std::string codings;
  std::size_t content_lengths = 0;
  for (const auto& f : fields) {
    if (f.name() == http::field::transfer_encoding) {
      codings += (codings.empty() ? "" : ",") + std::string(f.value());
    } else if (f.name() == http::field::content_length) {
      ++content_lengths;
    }
  }
  if (content_lengths > 1) {
    return "more than one Content-Length";
  }
  if (fields.count(http::field::transfer_encoding) == 0) {
    return "";
  }
  std::vector<std::string> list;
  std::string item;
  for (char c : codings + ",") {
    if (c == ',') {
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
        item.pop_back();
      if (!item.empty())
        list.push_back(item);
      item.clear();
    } else if (!(item.empty() && (c == ' ' || c == '\t'))) {
      item += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (list.size() != 1 || list[0] != "chunked") {
    return "Transfer-Encoding must be exactly chunked";
  }
  if (content_lengths > 0) {
    return "both Transfer-Encoding and Content-Length";
  }
  return "";
}

std::optional<AdminResponse> admit_request(const boost::system::error_code& ec, const std::string& framing,
                                           http::request<http::string_body>& req, const AdminLimits& limits,
                                           bool reserve, AdminRequest& out, bool& close)
{
  close = false;
  if (!framing.empty()) {
    close = true;
    return plain(400, "malformed request: " + framing);
  }
  if (ec == http::error::body_limit) {
    close = true;
    return plain(413, "request body larger than " + std::to_string(limits.body_bytes) + " bytes");
  }
  if (ec == http::error::header_limit) {
    close = true;
    return plain(431, "request header larger than " + std::to_string(limits.header_bytes) + " bytes");
  }
  if (ec) {
    close = true;
    return plain(400, "malformed request: " + ec.message());
  }
  std::size_t fields = static_cast<std::size_t>(std::distance(req.begin(), req.end()));
  const bool target_ok = split_target(std::string_view(req.target().data(), req.target().size()), out);
  if (reserve && out.path != "/healthz" && out.path != "/readyz") {
    close = true;
    AdminResponse r = plain(503, "too many connections");
    r.headers["Retry-After"] = "1";
    return r;
  }
  if (fields > limits.header_fields) {
    close = true;
    return plain(431, "more than " + std::to_string(limits.header_fields) + " header fields");
  }
  if (!target_ok) {
    return plain(400, "malformed request target");
  }
  out.method = std::string(req.method_string());
  out.body = std::move(req.body());
  out.authorization = std::string(req[http::field::authorization]);
  out.accept_language = std::string(req[http::field::accept_language]);
  out.host = std::string(req[http::field::host]);
  out.origin = std::string(req[http::field::origin]);
  out.fetch_site = std::string(req["Sec-Fetch-Site"]);
  return std::nullopt;
}

} // namespace kenes::daemon
