#include "log.hpp"

#include <cstdio>
#include <cstdlib>

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
