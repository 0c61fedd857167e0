#include "daemon/base/html.hpp"

#include <curl/curl.h>

#include <cctype>
#include <memory>

namespace kenes::daemon {

std::string quoted_value(std::string_view s, std::size_t max)
{
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    out += c < 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '&' || c == '"' ? '?' : static_cast<char>(c);
  }
  if (s.size() > max) {
    out += "...";
  }
  return out;
}

std::string url_encode(std::string_view s)
{
  std::unique_ptr<char, decltype(&curl_free)> e(curl_easy_escape(nullptr, s.data(), static_cast<int>(s.size())),
                                                &curl_free);
  return e ? std::string(e.get()) : std::string();
}

bool url_decode(std::string_view s, std::string& out)
{
  std::string plus(s);
  for (std::size_t i = 0; i < plus.size(); ++i) {
    if (plus[i] == '+') {
      plus[i] = ' ';
    } else if (plus[i] == '%' && (i + 2 >= plus.size() || !std::isxdigit(static_cast<unsigned char>(plus[i + 1])) ||
                                  !std::isxdigit(static_cast<unsigned char>(plus[i + 2])))) {
      return false;
    }
  }
  int length = 0;
  std::unique_ptr<char, decltype(&curl_free)> d(
      curl_easy_unescape(nullptr, plus.data(), static_cast<int>(plus.size()), &length), &curl_free);
  if (!d) {
    return false;
  }
  out.assign(d.get(), static_cast<std::size_t>(length));
  return true;
}

} // namespace kenes::daemon
