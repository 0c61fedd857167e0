#include "app.hpp"

#include "daemon/check_command.hpp"
#include "daemon/cli.hpp"
#include "daemon/log.hpp"

#include "config/config.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>

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

// Until the sync daemon exists (issue 3), `run` checks the calendars of the config's `dir`
// sources once and prints the result.
int run_dir_sources(const config::Config& cfg)
{
  CommandLine cl;
  cl.command = "check";
  for (const config::SourceConfig& s : cfg.sources) {
    if (s.type == config::SourceType::dir) {
      cl.files.push_back(s.path.string());
    } else {
      log(LogLevel::warning, "run.source_skipped",
          "source=" + log_value(s.id) + " reason=\"caldav and ical sources are not built yet\"");
    }
  }
  if (cl.files.empty()) {
    log(LogLevel::error, "run.no_sources", "reason=\"no dir source in the config\"");
    return 2;
  }
  log(LogLevel::info, "run.check", "sources=" + std::to_string(cl.files.size()));
  int rc = run_check(cl, cfg, std::cout);
  return rc == 2 ? 2 : 0;
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
  if (cl.command == "config-check") {
    std::cout << "config OK: " << cfg.file.string() << " (" << cfg.directory->bodies().size() << " bodies, "
              << cfg.sources.size() << " sources)\n";
    return 0;
  }

  try {
    if (cl.command == "check") {
      return run_check(cl, cfg, std::cout);
    }
    if (cl.command == "run") {
      return run_dir_sources(cfg);
    }
  } catch (const UsageError& e) {
    std::cerr << "kenesd: " << e.what() << "\n";
    return 2;
  }
  std::cerr << "kenesd: '" << cl.command << "' is not built yet (see README.md, \"What is not built yet\")\n";
  return 2;
}

} // namespace kenes::daemon
