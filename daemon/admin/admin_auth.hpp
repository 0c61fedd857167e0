// Who may see the admin page (SPEC §8): HTTP Basic against a file of `user:crypt-hash` lines
// (hashes as mkpasswd or libxcrypt make them, checked with crypt_r) and bearer tokens, one per
// line. Blank lines and lines starting with '#' are skipped. Neither the files' contents nor a
// presented credential ever reaches a log or an error message.
#pragma once

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kenes::daemon {

class AuthError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

// Equal length and content, in time that depends only on the lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

// Whether an Authorization header carries a bearer token (the scheme is case-insensitive, RFC
// 9110 §11.1), as AdminAuth reads it.
bool is_bearer(std::string_view authorization);

class AdminAuth
{
public:
  AdminAuth() = default; // nothing configured: open
  // Throws AuthError naming the file and the line number of a malformed line.
  static AdminAuth load(const std::filesystem::path& users_file, const std::filesystem::path& tokens_file);

  bool configured() const { return !m_users.empty() || !m_tokens.empty(); }
  // The value of an Authorization header: "Basic …" or "Bearer …". Slow for Basic (the hash's
  // own cost): call it off the event loop.
  bool allows(std::string_view authorization) const;
  // Who an allowed request is, for the log of what they did: "user NAME", "a bearer token" (never
  // the token), or "anyone" when nothing is configured.
  std::string who(std::string_view authorization) const;

private:
  std::map<std::string, std::string> m_users; // user -> crypt hash
  std::vector<std::string> m_tokens;
};

} // namespace kenes::daemon
