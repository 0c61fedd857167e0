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

// The length of the well-formed sequence at `p` (1 to 4), or 0 when it is ill-formed; `bad` is
// then how many bytes its maximal subpart holds (at least 1).
std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end, std::size_t& bad)
{
  unsigned char c = *p;
  bad = 1;
  if (c < 0x80) {
    return 1;
  }
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 2;
    lo = c == 0xE0 ? 0xA0 : 0x80;
    hi = c == 0xED ? 0x9F : 0xBF;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 3;
    lo = c == 0xF0 ? 0x90 : 0x80;
    hi = c == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  for (std::size_t i = 1; i <= n; ++i) {
    if (p + i >= end) {
      return 0;
    }
    unsigned char b = p[i];
    if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) {
      return 0;
    }
    bad = i + 1;
  }
  return n + 1;
}

} // namespace

bool valid_utf8(std::string_view s)
{
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    std::size_t bad = 0;
    std::size_t n = utf8_sequence(p, end, bad);
    if (n == 0) {
      return false;
    }
    p += n;
  }
  return true;
}

std::string repair_utf8(std::string_view s)
{
  std::string out;
  out.reserve(s.size() + 8);
  const auto* begin = reinterpret_cast<const unsigned char*>(s.data());
  const auto* p = begin;
  const auto* end = p + s.size();
  while (p < end) {
    std::size_t bad = 0;
    std::size_t n = *p < 0x80 ? 1 : utf8_sequence(p, end, bad);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      p += bad;
      continue;
    }
    out.append(s.substr(static_cast<std::size_t>(p - begin), n));
    p += n;
  }
  return out;
}

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
