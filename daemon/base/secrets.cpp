#include "daemon/base/secrets.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace kenes::daemon {

namespace fs = std::filesystem;

std::string read_secret(const fs::path& file)
{
  fs::path path = file;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir) {
      fs::path credential = fs::path(dir) / file.filename();
      if (fs::exists(credential, ec)) {
        path = credential;
      }
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw SecretError("secret file '" + path.string() + "' " +
                      (fs::exists(path, ec) ? "cannot be read (permissions?)" : "does not exist"));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string secret = ss.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) {
    secret.pop_back();
  }
  if (secret.empty()) {
    throw SecretError("secret file '" + path.string() + "' is empty");
  }
  return secret;
}

} // namespace kenes::daemon
