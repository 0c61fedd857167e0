#include "daemon/start_checks.hpp"

#include "daemon/admin/admin_auth.hpp"
#include "daemon/admin/admin_server.hpp"
#include "daemon/base/secrets.hpp"

#include <algorithm>
#include <filesystem>
#include <string>

namespace kenes::daemon {

namespace fs = std::filesystem;

bool spool_in_state_dir(const config::Config& config)
{
  auto normal = [](const fs::path& p) {
    fs::path n = fs::absolute(p).lexically_normal();
    return n.has_filename() ? n : n.parent_path(); // "a/b/" is "a/b"
  };
  const fs::path state = normal(config.state_dir);
  const fs::path spool = normal(config.notices.spool_dir);
  auto [s, p] = std::mismatch(state.begin(), state.end(), spool.begin(), spool.end());
  return s == state.end() && p != spool.end();
}

std::vector<config::ConfigProblem> start_problems(const config::Config& config, StartOf what)
{
  std::vector<config::ConfigProblem> problems;
  const std::string file = config.file.string();
  auto add = [&](const char* pointer, std::string message) { problems.push_back({file, pointer, std::move(message)}); };
  std::error_code ec;

  // The state store's folder is the one folder kenesd makes (and logs that it did); a path that
  // is there but is no folder cannot hold it.
  if (fs::exists(config.state_dir, ec) && !fs::is_directory(config.state_dir, ec))
    add("/state_dir", config.state_dir.string() + " is not a folder");

  // A spool folder is read by the mail system; one kenesd made itself (a typo, a missing mount)
  // is read by nobody while its notices count as sent.
  if (config.notices.transport == config::Transport::spool && !fs::is_directory(config.notices.spool_dir, ec) &&
      !(spool_in_state_dir(config) && !fs::exists(config.notices.spool_dir, ec)))
    add("/notices/spool_dir",
        config.notices.spool_dir.string() + (fs::exists(config.notices.spool_dir, ec)
                                                 ? " is not a folder"
                                                 : " does not exist; kenesd does not create it: create the "
                                                   "folder the mail system reads, or correct the path"));
  if (config.notices.transport == config::Transport::smtp && !config.notices.smtp.password_file.empty()) {
    try {
      read_secret(config.notices.smtp.password_file);
    } catch (const SecretError& e) {
      add("/notices/smtp/password_file", e.what());
    }
  }

  if (what == StartOf::run) {
    bool listen_ok = false;
    boost::asio::ip::tcp::endpoint endpoint;
    try {
      endpoint = parse_listen(config.admin.listen);
      listen_ok = true;
    } catch (const AdminListenError& e) {
      add("/admin/listen", e.what());
    }
    const std::size_t problems_before_auth = problems.size();
    bool auth_configured = false;
    try {
      auth_configured |= AdminAuth::load(config.admin.users_file, {}).configured();
    } catch (const AuthError& e) {
      add("/admin/users_file", e.what());
    }
    try {
      auth_configured |= AdminAuth::load({}, config.admin.tokens_file).configured();
    } catch (const AuthError& e) {
      add("/admin/tokens_file", e.what());
    }
    const bool auth_failed = problems.size() > problems_before_auth;
    if (listen_ok && !is_loopback(endpoint) && !auth_configured && !auth_failed)
      add("/admin/listen", config.admin.listen +
                               " is not a loopback address; refusing to serve the admin page without "
                               "authentication (set admin.users_file or admin.tokens_file, or listen on 127.0.0.1)");
  }
  return problems;
}

} // namespace kenes::daemon
