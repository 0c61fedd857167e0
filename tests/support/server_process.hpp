// A server process for a test (the fault server, Radicale, Xandikos, an SMTP sink): started in its own
// process group, ready when it prints its first line or when its port accepts, stopped with the object.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace kenes::test {

struct ServerSpec
{
  enum class Ready {
    first_line,   // ready when stdout has a first line; a number there is the port
    port_accepts, // ready when 127.0.0.1:port accepts a connection
  };

  std::vector<std::string> argv;                        // argv[0] is looked up in PATH
  std::vector<std::pair<std::string, std::string>> env; // set on top of the test's environment
  std::filesystem::path working_dir;                    // empty: the test's
  Ready ready = Ready::first_line;
  int port = 0; // for port_accepts (see free_port)
  std::chrono::milliseconds ready_timeout{15000};
};

class ServerProcess
{
public:
  // Throws std::runtime_error (with the server's stderr) if it cannot start or is not ready in time.
  explicit ServerProcess(ServerSpec spec);
  ~ServerProcess(); // SIGTERM to the group, SIGKILL after 2 s
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return m_port; }
  pid_t pid() const { return m_pid; }
  std::string base_url() const; // "http://127.0.0.1:PORT"
  const std::string& first_line() const { return m_first_line; }

  // What it has written so far (its stdout and stderr go to files, so it never blocks on a pipe).
  std::string stdout_text() const;
  std::string stderr_text() const;

  // Stops it now; the destructor then has nothing to do.
  void stop();

private:
  void wait_ready(const ServerSpec& spec);
  bool exited();

  std::filesystem::path m_log_dir;
  pid_t m_pid = -1;
  int m_port = 0;
  std::string m_first_line;
};

// A port on 127.0.0.1 that was free a moment ago.
int free_port();

// The aiosmtpd sink of tests/support/smtp_sink.py, storing each message it accepts in `folder`;
// `args` as that script reads them.
ServerSpec smtp_sink_spec(const std::filesystem::path& folder, std::vector<std::string> args = {});

// The hand-made FAULT CalDAV server of tests/support/fault_caldav_server.py (its modes: POST
// /control/mode/NAME), for the faults Radicale and Xandikos cannot be made to show.
ServerSpec fault_caldav_spec();

} // namespace kenes::test
