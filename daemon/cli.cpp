#include "daemon/cli.hpp"

namespace kenes::daemon {

namespace {

// Options that take a value, and the commands that accept them.
struct ValueOption
{
  const char* name;
  std::optional<std::string> CommandLine::*field;
};

constexpr ValueOption k_value_options[] = {
    {"--now", &CommandLine::now},
    {"--lang", &CommandLine::lang},
    {"--month", &CommandLine::month},
    {"--format", &CommandLine::format},
    {"--out", &CommandLine::out},
    {"--emit", &CommandLine::emit},
    {"--accept-removals", &CommandLine::accept_removals},
};

bool starts_with(const std::string& s, const std::string& prefix)
{
  return s.rfind(prefix, 0) == 0;
}

} // namespace

std::string usage_text()
{
  return R"(Usage: kenesd [--config FILE] COMMAND [OPTIONS]

Keeps the meetings of government bodies within the meeting regime of the
Prime Minister's order No. 140-r.

Commands:
  run                          the daemon, in the foreground
  sync --once [--now ISO8601] [--accept-removals SOURCE]
                               one sync cycle, then a one-line summary (--now: the
                               cycle's clock, for tests and replaying a day;
                               --accept-removals: apply the removals of SOURCE that
                               max_removal_percent holds back)
  check [--json] [--now ISO8601] [--lang ru|kk|en] [--emit DIR] FILE.ics|DIR...
                               check the events of the files offline; --emit
                               writes the notices it would send as .eml files
  report --month YYYY-MM [--format html|csv|json|xlsx] [--out FILE] [--now ISO8601]
                               the monthly appendix form from the state store
                               (default html; to stdout without --out)
  config check                 validate the config

Options:
  --config FILE   the config file (default: $KENES_CONFIG, else /etc/kenes/kenes.json)
  --help          this text
  --version       the version

Exit codes: 0 fine; 1 check found an invalid slot; 2 bad usage, bad config or
unreadable input.
)";
}

CommandLine parse_command_line(const std::vector<std::string>& args)
{
  CommandLine cl;
  std::vector<std::string> words;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& name) -> std::string {
      if (a.size() > name.size() && a[name.size()] == '=') {
        return a.substr(name.size() + 1);
      }
      if (i + 1 >= args.size()) {
        throw UsageError(name + " needs a value");
      }
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      cl.command = "help";
      return cl;
    }
    if (a == "--version" || a == "-V") {
      cl.command = "version";
      return cl;
    }
    if (a == "--config" || starts_with(a, "--config=")) {
      cl.config = value("--config");
      continue;
    }
    if (a == "--json") {
      cl.json = true;
      continue;
    }
    if (a == "--once") {
      cl.once = true;
      continue;
    }
    bool matched = false;
    for (const ValueOption& o : k_value_options) {
      std::string name = o.name;
      if (a == name || starts_with(a, name + "=")) {
        cl.*(o.field) = value(name);
        matched = true;
        break;
      }
    }
    if (matched) {
      continue;
    }
    if (starts_with(a, "-") && a != "-") {
      throw UsageError("unknown option '" + a + "'");
    }
    words.push_back(a);
  }
  if (words.empty()) {
    throw UsageError("no command given");
  }
  cl.command = words[0];
  std::vector<std::string> rest(words.begin() + 1, words.end());
  if (cl.command == "config") {
    if (rest.size() != 1 || rest[0] != "check") {
      throw UsageError("expected 'config check'");
    }
    cl.command = "config-check";
    rest.clear();
  }
  if (cl.command == "check") {
    if (rest.empty()) {
      throw UsageError("check needs at least one FILE.ics");
    }
    cl.files = rest;
    rest.clear();
  }
  if (cl.command != "run" && cl.command != "sync" && cl.command != "check" && cl.command != "report" &&
      cl.command != "config-check") {
    throw UsageError("unknown command '" + cl.command + "'");
  }
  if (!rest.empty()) {
    throw UsageError("unexpected argument '" + rest[0] + "'");
  }
  if (cl.command == "sync" && !cl.once) {
    throw UsageError("sync needs --once (the daemon is 'run')");
  }
  if (cl.accept_removals && cl.command != "sync") {
    throw UsageError("--accept-removals goes with sync --once");
  }
  if (cl.command == "report" && !cl.month) {
    throw UsageError("report needs --month YYYY-MM");
  }
  if (cl.lang && *cl.lang != "ru" && *cl.lang != "kk" && *cl.lang != "en") {
    throw UsageError("--lang takes ru, kk or en");
  }
  return cl;
}

} // namespace kenes::daemon
