// Structured logs to stderr: a stable event name and key=value fields. Under journald
// (JOURNAL_STREAM set) each line carries its priority prefix.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kenes::daemon {

enum class LogLevel { error = 3, warning = 4, info = 6, debug = 7 };

void log(LogLevel level, std::string_view event, std::string_view fields = {});
// Quotes a value for a key=value field when it has spaces or quotes.
std::string log_value(std::string_view v);
// UTC seconds as "2026-12-01T19:30:00Z".
std::string utc_iso(std::int64_t t);

} // namespace kenes::daemon
