// One request as the admin server reads it, apart from the socket (admin_server's session calls
// these in turn; so does the fuzz target tests/fuzz/fuzz_admin_request.cpp): the framing checks
// once the header is read, then what the handler gets, or the answer given in its place.
#pragma once

#include "daemon/admin/admin_server.hpp"

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace kenes::daemon {

// RFC 9112 §6.3: why the header's framing is refused (answer 400 and close), or "".
std::string framing_problem(const boost::beast::http::fields& fields);

// "/path?k=v&…" → AdminRequest::path and ::query, percent-decoded; false when malformed.
bool split_target(std::string_view target, AdminRequest& out);

// After the read: `ec` its error (not one that ends the connection without an answer: end of
// stream, timeout), `framing` what framing_problem said. Returns the answer to give instead of
// the handler's, and sets `close` when the connection must close after it; or nothing, and
// `out` is the request for the handler (the body moved out of `request`).
std::optional<AdminResponse> admit_request(const boost::system::error_code& ec, const std::string& framing,
                                           boost::beast::http::request<boost::beast::http::string_body>& request,
                                           const AdminLimits& limits, bool reserve, AdminRequest& out, bool& close);

} // namespace kenes::daemon
