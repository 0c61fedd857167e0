#include "daemon/app.hpp"

#include "daemon/base/log.hpp"
#include "daemon/check/check_command.hpp"
#include "daemon/cli.hpp"
#include "daemon/daemon_loop.hpp"
#include "daemon/report/report_command.hpp"
#include "daemon/start_checks.hpp"
#include "daemon/sync_command.hpp"

#include "config/config.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#ifndef KENES_VERSION
#define KENES_VERSION "0.0.0"
#endif

namespace kenes::daemon {

namespace {

std::string config_path(const CommandLine& cl)
{
  if (!cl.config.empty()) {
    return cl.config;
  }
  if (const char* env = std::getenv("KENES_CONFIG"); env && *env) {
    return env;
  }
  return "/etc/kenes/kenes.json";
}

} // namespace

int run_kenesd(const std::vector<std::string>& args)
{
  CommandLine cl;
  try {
    cl = parse_command_line(args);
  } catch (const UsageError& e) {
    std::cerr << "kenesd: " << e.what() << "\nTry 'kenesd --help'.\n";
    return 2;
  }
  if (cl.command == "help") {
    std::cout << usage_text();
    return 0;
  }
  if (cl.command == "version") {
    std::cout << "kenesd " << KENES_VERSION << "\n";
    return 0;
  }

  // Load and validate the config; every problem names its file and JSON pointer.
  config::Config cfg;
  try {
    cfg = config::load_config(config_path(cl));
  } catch (const config::ConfigError& e) {
    for (const config::ConfigProblem& p : e.problems()) {
      std::cerr << "kenesd: " << p.to_string() << "\n";
    }
    return 2;
  }
  // What `run` (and `config check`, which must find all of it) or `sync --once` would refuse.
  if (cl.command == "config-check" || cl.command == "run" || cl.command == "sync") {
    const auto problems = start_problems(cfg, cl.command == "sync" ? StartOf::sync_once : StartOf::run);
    for (const config::ConfigProblem& p : problems) {
      std::cerr << "kenesd: " << p.to_string() << "\n";
    }
    if (!problems.empty()) {
      return 2;
    }
  }
  if (cl.command == "config-check") {
    std::cout << "config OK: " << cfg.file.string() << " (" << cfg.directory->bodies().size() << " bodies, "
              << cfg.sources.size() << " sources)\n";
    return 0;
  }

  try {
    if (cl.command == "check") {
      return run_check(cl, cfg, std::cout);
    }
    // The state store, the sources and the loop start inside these.
    if (cl.command == "run") {
      return run_daemon(cfg, config_path(cl));
    }
    if (cl.command == "sync") {
      return run_sync_once(cfg, parse_now(cl, cfg), cl.accept_removals);
    }
    if (cl.command == "report") {
      return run_report(cl, cfg, std::cout);
    }
  } catch (const UsageError& e) {
    std::cerr << "kenesd: " << e.what() << "\n";
    return 2;
  }
  // parse_command_line accepts only the commands above.
  throw std::logic_error("the command line let through the unknown command '" + cl.command + "'");
}

} // namespace kenes::daemon
