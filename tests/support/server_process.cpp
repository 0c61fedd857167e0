#include "support/server_process.hpp"

#include "support/test_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace kenes::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string read_file(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path make_log_dir()
{
  std::string pattern = (fs::temp_directory_path() / "kenes-server-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
  }
  return pattern;
}

int open_log(const fs::path& path)
{
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  return fd;
}

// The test's environment with the spec's variables set over it.
std::vector<std::string> environment(const std::vector<std::pair<std::string, std::string>>& overrides)
{
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& [n, v] : overrides) {
      replaced = replaced || n == name;
    }
    if (!replaced) {
      env.push_back(std::move(entry));
    }
  }
  for (const auto& [n, v] : overrides) {
    env.push_back(n + "=" + v);
  }
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings)
{
  std::vector<char*> out;
  for (std::string& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

bool port_accepts(int port)
{
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

} // namespace

ServerProcess::ServerProcess(ServerSpec spec)
  : m_log_dir(make_log_dir())
  , m_port(spec.port)
{
  if (spec.argv.empty()) {
    throw std::invalid_argument("ServerProcess: empty argv");
  }
  // Everything the child needs is built before fork: between fork and exec only async-signal-safe calls.
  std::vector<std::string> args = spec.argv;
  std::vector<std::string> env = environment(spec.env);
  std::vector<char*> argv = pointers(args);
  std::vector<char*> envp = pointers(env);
  std::string dir = spec.working_dir.string();
  int out = open_log(m_log_dir / "stdout.log");
  int err = open_log(m_log_dir / "stderr.log");
  int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int exec_status[2]; // the child writes errno here if exec fails; EOF means it succeeded
  if (::pipe2(exec_status, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2 failed");
  }
  std::fflush(nullptr);
  m_pid = ::fork();
  if (m_pid == 0) {
    ::setpgid(0, 0);
    int e = 0;
    if (!dir.empty() && ::chdir(dir.c_str()) != 0) {
      e = errno;
    } else {
      ::dup2(null_in, 0);
      ::dup2(out, 1);
      ::dup2(err, 2);
      ::execvpe(argv[0], argv.data(), envp.data());
      e = errno;
    }
    [[maybe_unused]] ssize_t n = ::write(exec_status[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(exec_status[1]);
  ::close(out);
  ::close(err);
  ::close(null_in);
  if (m_pid < 0) {
    ::close(exec_status[0]);
    throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
  }
  ::setpgid(m_pid, m_pid); // as the child does: whichever runs first
  int child_errno = 0;
  ssize_t n = 0;
  do {
    n = ::read(exec_status[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(exec_status[0]);
  if (n == sizeof child_errno) {
    ::waitpid(m_pid, nullptr, 0);
    m_pid = -1;
    std::error_code ignored;
    fs::remove_all(m_log_dir, ignored);
    throw std::runtime_error("cannot run " + spec.argv[0] + ": " + std::strerror(child_errno));
  }
  try {
    wait_ready(spec);
  } catch (...) {
    stop();
    std::error_code ignored;
    fs::remove_all(m_log_dir, ignored);
    throw;
  }
}

ServerProcess::~ServerProcess()
{
  stop();
  std::error_code ignored;
  fs::remove_all(m_log_dir, ignored);
}

void ServerProcess::wait_ready(const ServerSpec& spec)
{
  auto deadline = std::chrono::steady_clock::now() + spec.ready_timeout;
  for (;;) {
    if (spec.ready == ServerSpec::Ready::first_line) {
      std::string out = stdout_text();
      std::size_t end = out.find('\n');
      if (end != std::string::npos) {
        m_first_line = out.substr(0, end);
        char* rest = nullptr;
        long number = std::strtol(m_first_line.c_str(), &rest, 10);
        if (rest != m_first_line.c_str() && *rest == '\0' && number > 0 && number < 65536) {
          m_port = static_cast<int>(number);
        }
        return;
      }
    } else if (port_accepts(spec.port)) {
      return;
    }
    if (exited()) {
      throw std::runtime_error(spec.argv[0] + " exited before it was ready:\n" + stderr_text());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(spec.argv[0] + " not ready in time:\n" + stderr_text());
    }
    std::this_thread::sleep_for(20ms);
  }
}

bool ServerProcess::exited()
{
  int status = 0;
  return ::waitpid(m_pid, &status, WNOHANG) == m_pid;
}

void ServerProcess::stop()
{
  if (m_pid <= 0) {
    return;
  }
  ::kill(-m_pid, SIGTERM);
  bool gone = false;
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!gone && std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = ::waitpid(m_pid, &status, WNOHANG);
    gone = r == m_pid || (r < 0 && errno == ECHILD);
    if (!gone) {
      std::this_thread::sleep_for(10ms);
    }
  }
  ::kill(-m_pid, SIGKILL); // the rest of the group, or the leader itself if it ignored SIGTERM
  if (!gone) {
    ::waitpid(m_pid, nullptr, 0);
  }
  m_pid = -1;
}

std::string ServerProcess::base_url() const
{
  return "http://127.0.0.1:" + std::to_string(m_port);
}

std::string ServerProcess::stdout_text() const
{
  return read_file(m_log_dir / "stdout.log");
}

std::string ServerProcess::stderr_text() const
{
  return read_file(m_log_dir / "stderr.log");
}

int free_port()
{
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw std::runtime_error("socket failed");
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = 0;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

ServerSpec smtp_sink_spec(const std::filesystem::path& folder, std::vector<std::string> args)
{
  ServerSpec s;
  s.argv = {"/usr/bin/python3", (source_dir() / "tests/support/smtp_sink.py").string(), folder.string()};
  s.argv.insert(s.argv.end(), args.begin(), args.end());
  return s;
}

ServerSpec fault_caldav_spec()
{
  ServerSpec s;
  s.argv = {"/usr/bin/python3", (source_dir() / "tests/support/fault_caldav_server.py").string()};
  return s;
}

} // namespace kenes::test
