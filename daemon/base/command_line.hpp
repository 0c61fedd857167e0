// The parsed command line of kenesd (SPEC §10), as the commands read it; daemon/cli.hpp parses it.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kenes::daemon {

// Bad usage: exit code 2 with the message and a hint to --help.
class UsageError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

struct CommandLine
{
  std::string config;  // --config FILE
  std::string command; // run, sync, check, report, config-check, help, version
  bool json = false;
  bool once = false;
  std::optional<std::string> now;
  std::optional<std::string> lang;
  std::optional<std::string> month;
  std::optional<std::string> format;
  std::optional<std::string> out;
  std::optional<std::string> emit;            // check --emit DIR
  std::optional<std::string> accept_removals; // sync --once --accept-removals SOURCE
  std::vector<std::string> files;
};

} // namespace kenes::daemon
