// HTML output: every value from a calendar, a config or a request goes through `html_escape`.
#pragma once

#include <string>
#include <string_view>

namespace kenes::daemon {

// & < > " ' escaped; safe in text and in quoted attribute values.
inline std::string html_escape(std::string_view s)
{
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

// A path or query component: unreserved characters kept, everything else %XX.
// A value from a request, to be quoted in an error text: printable ASCII only (anything else is
// '?'), no markup characters, at most `max` characters ("…" after). Never the raw bytes.
std::string quoted_value(std::string_view s, std::size_t max = 64);

std::string url_encode(std::string_view s);
// %XX and '+' decoded; nothing on a malformed escape.
bool url_decode(std::string_view s, std::string& out);

} // namespace kenes::daemon
