#include "text.hpp"

#include <cwctype>
#include <locale.h>

namespace kenes::calendar {

namespace {

locale_t utf8_locale()
{
  static locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    return l;
  }();
  return loc;
}

bool is_ascii(std::string_view s)
{
  for (unsigned char c : s) {
    if (c >= 0x80) {
      return false;
    }
  }
  return true;
}

} // namespace

std::string ascii_lower(std::string_view s)
{
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

std::string_view trim(std::string_view s)
{
  const char* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) {
    return {};
  }
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::string utf8_lower(std::string_view s)
{
  locale_t loc = utf8_locale();
  if (is_ascii(s) || loc == static_cast<locale_t>(nullptr)) {
    return ascii_lower(s);
  }
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
      ++i;
      continue;
    }
    // Two-byte sequences cover Cyrillic and the Kazakh letters; others are copied unchanged.
    if ((c & 0xE0) == 0xC0 && i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
      auto cp = static_cast<wint_t>(((c & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F));
      auto lower = static_cast<unsigned>(towlower_l(cp, loc));
      if (lower >= 0x80 && lower < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (lower >> 6)));
        out.push_back(static_cast<char>(0x80 | (lower & 0x3F)));
      } else {
        out.append(s.substr(i, 2));
      }
      i += 2;
      continue;
    }
    out.push_back(s[i]);
    ++i;
  }
  return out;
}

std::string comma_joined(const std::vector<std::string>& words)
{
  std::string out;
  for (const std::string& w : words) {
    out += out.empty() ? w : ", " + w;
  }
  return out;
}

} // namespace kenes::calendar
