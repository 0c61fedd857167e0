// Secrets are never inline in the config (SPEC §11): a `*_file` path, or a systemd credential.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace kenes::daemon {

// The message names the file and the problem, never the content.
class SecretError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

// The content of `file` without its trailing newline. When the file does not exist and
// $CREDENTIALS_DIRECTORY is set (systemd LoadCredential=), the credential of the same file name
// there is read instead.
std::string read_secret(const std::filesystem::path& file);

} // namespace kenes::daemon
