// `kenesd --config CONFIG run` in a process group of its own, stderr to a file; killed with the
// object.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace kenes::test {

class DaemonProcess
{
public:
  // `env`: NAME=VALUE entries added to the daemon's environment.
  DaemonProcess(const std::filesystem::path& config, const std::filesystem::path& log,
                std::vector<std::string> env = {});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  std::string log() const;
  int count(const std::string& text) const; // how often the log holds `text`
  // Waits until the log holds `text` `times` times; false after `limit`.
  bool wait_log(const std::string& text, int times = 1, std::chrono::seconds limit = std::chrono::seconds(20)) const;
  bool alive() const;
  void signal(int sig) const;
  // The exit code after `sig` (128 + signal when killed by one), or -1 if it did not exit in 10 s.
  int stop(int sig);
  int stop();

private:
  std::filesystem::path m_log;
  pid_t m_pid = -1;
};

} // namespace kenes::test
