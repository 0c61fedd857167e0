#include "support/daemon_process.hpp"

#include "support/test_support.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace kenes::test {

DaemonProcess::DaemonProcess(const std::filesystem::path& config, const std::filesystem::path& log,
                             std::vector<std::string> env)
  : m_log(log)
{
  m_pid = fork();
  REQUIRE(m_pid >= 0);
  if (m_pid == 0) {
    setpgid(0, 0);
    int err = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(err, 2);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    for (std::string& e : env) {
      putenv(e.data());
    }
    std::string bin = kenesd_binary();
    std::string cfg = config.string();
    execl(bin.c_str(), bin.c_str(), "--config", cfg.c_str(), "run", static_cast<char*>(nullptr));
    _exit(127);
  }
}

DaemonProcess::~DaemonProcess()
{
  if (m_pid > 0) {
    kill(-m_pid, SIGKILL);
    waitpid(m_pid, nullptr, 0);
  }
}

std::string DaemonProcess::log() const
{
  std::ifstream in(m_log);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int DaemonProcess::count(const std::string& text) const
{
  const std::string l = log();
  int n = 0;
  for (std::size_t at = l.find(text); at != std::string::npos; at = l.find(text, at + 1)) {
    ++n;
  }
  return n;
}

bool DaemonProcess::wait_log(const std::string& text, int times, std::chrono::seconds limit) const
{
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (count(text) >= times) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

bool DaemonProcess::alive() const
{
  return kill(m_pid, 0) == 0 && waitpid(m_pid, nullptr, WNOHANG) == 0;
}

void DaemonProcess::signal(int sig) const
{
  kill(m_pid, sig);
}

int DaemonProcess::stop()
{
  return stop(SIGTERM);
}

int DaemonProcess::stop(int sig)
{
  kill(m_pid, sig);
  for (int i = 0; i < 200; ++i) {
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

} // namespace kenes::test
