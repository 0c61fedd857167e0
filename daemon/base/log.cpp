#include "daemon/base/log.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace kenes::daemon {

void log(LogLevel level, std::string_view event, std::string_view fields)
{
  static const bool journal = std::getenv("JOURNAL_STREAM") != nullptr;
  std::string line;
  if (journal) {
    line += "<" + std::to_string(static_cast<int>(level)) + ">";
  }
  line += event;
  if (!fields.empty()) {
    line += " ";
    line += fields;
  }
  line += "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

std::string log_value(std::string_view v)
{
  if (!v.empty() && v.find_first_of(" \t\"=\n\r") == std::string_view::npos) {
    return std::string(v);
  }
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

} // namespace kenes::daemon

namespace kenes::daemon {

std::string utc_iso(std::int64_t t)
{
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

} // namespace kenes::daemon
