#include "daemon/admin/admin_auth.hpp"

#include "config/config.hpp"

#include <boost/beast/core/detail/base64.hpp>

#include <crypt.h>

#include <memory>
#include <sstream>

namespace kenes::daemon {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const fs::path& file)
{
  std::string text, error;
  if (!config::read_text_file(file, text, error)) {
    throw AuthError(file.string() + ": " + error);
  }
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
    out.push_back(line);
  }
  return out;
}

bool skipped(const std::string& line)
{
  return line.empty() || line[0] == '#';
}

bool starts_with_ci(std::string_view s, std::string_view prefix)
{
  if (s.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

} // namespace

bool is_bearer(std::string_view authorization)
{
  return authorization.size() > 7 && starts_with_ci(authorization, "Bearer ");
}

bool constant_time_equal(std::string_view a, std::string_view b)
{
  // Walks the longer string whatever the content; a length difference is folded in.
  std::size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

AdminAuth AdminAuth::load(const fs::path& users_file, const fs::path& tokens_file)
{
  AdminAuth auth;
  if (!users_file.empty()) {
    int number = 0;
    for (const std::string& line : lines_of(users_file)) {
      ++number;
      if (skipped(line)) {
        continue;
      }
      auto colon = line.find(':');
      std::string user = line.substr(0, colon == std::string::npos ? 0 : colon);
      std::string hash = colon == std::string::npos ? "" : line.substr(colon + 1);
      if (user.empty() || hash.size() < 2 || hash[0] != '$') {
        throw AuthError(users_file.string() + ":" + std::to_string(number) +
                        ": expected user:crypt-hash (a hash made by mkpasswd, starting with '$')");
      }
      auth.m_users[user] = hash;
    }
  }
  if (!tokens_file.empty()) {
    int number = 0;
    for (const std::string& line : lines_of(tokens_file)) {
      ++number;
      if (skipped(line)) {
        continue;
      }
      if (line.size() < 16 || line.find_first_of(" \t") != std::string::npos) {
        throw AuthError(tokens_file.string() + ":" + std::to_string(number) +
                        ": a token must be at least 16 characters without spaces");
      }
      auth.m_tokens.push_back(line);
    }
  }
  return auth;
}

std::string AdminAuth::who(std::string_view authorization) const
{
  if (!configured()) {
    return "anyone";
  }
  if (starts_with_ci(authorization, "Bearer ")) {
    return "a bearer token";
  }
  std::string_view encoded = starts_with_ci(authorization, "Basic ") ? authorization.substr(6) : "";
  namespace b64 = boost::beast::detail::base64;
  std::string decoded(b64::decoded_size(std::min<std::size_t>(encoded.size(), 4096)), '\0');
  auto [written, read] = b64::decode(decoded.data(), encoded.data(), std::min<std::size_t>(encoded.size(), 4096));
  decoded.resize(std::min(written, decoded.find(':')));
  return "user " + decoded;
}

bool AdminAuth::allows(std::string_view authorization) const
{
  if (!configured()) {
    return true;
  }
  if (starts_with_ci(authorization, "Bearer ")) {
    std::string_view token = authorization.substr(7);
    bool ok = false;
    for (const std::string& t : m_tokens) {
      ok = constant_time_equal(token, t) || ok; // every token compared
    }
    return ok;
  }
  if (!starts_with_ci(authorization, "Basic ")) {
    return false;
  }
  std::string_view encoded = authorization.substr(6);
  if (encoded.size() > 4096) {
    return false;
  }
  namespace b64 = boost::beast::detail::base64;
  // decoded_size(n) is n / 4 * 3: too small for a last group without its '=' padding, which
  // decode() still writes (up to 2 bytes past it; the admin fuzzer found the overflow). Room for
  // one more group.
  std::string decoded(b64::decoded_size(encoded.size() + 3), '\0');
  auto [written, read] = b64::decode(decoded.data(), encoded.data(), encoded.size());
  std::size_t padding = encoded.size() - std::min(encoded.size(), encoded.find_last_not_of('=') + 1);
  if (read + padding < encoded.size() || padding > 2) {
    return false; // not base64 throughout
  }
  decoded.resize(written);
  auto colon = decoded.find(':');
  if (colon == std::string::npos) {
    return false;
  }
  auto user = m_users.find(decoded.substr(0, colon));
  if (user == m_users.end()) {
    return false;
  }
  const std::string password = decoded.substr(colon + 1);
  // crypt_r reads up to the first NUL: "secret\0anything" would pass as "secret". No password
  // of ours holds a control character.
  for (char c : decoded) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return false;
    }
  }
  auto data = std::make_unique<crypt_data>();
  const char* hashed = crypt_r(password.c_str(), user->second.c_str(), data.get());
  return hashed && hashed[0] != '*' && constant_time_equal(hashed, user->second);
}

} // namespace kenes::daemon
