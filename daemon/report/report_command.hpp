// `kenesd report` and the admin page's /reports/appendix (SPEC §9): the appendix form of a month
// from the state store.
#pragma once

#include "daemon/base/command_line.hpp"
#include "daemon/store/state_store.hpp"

#include "calendar/appendix.hpp"
#include "config/config.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace kenes::daemon {

struct AppendixOutput
{
  std::string body;
  std::string content_type;
  std::string filename;
};

// month "YYYY-MM"; format "html" | "csv" | "json" | "xlsx"; throws std::invalid_argument with a
// readable message on a bad month or format. `stylesheet_href`: see appendix_html.
AppendixOutput render_appendix(const StateStore& store, const config::Config& config, std::string_view month,
                               std::string_view format, std::int64_t now, std::string_view stylesheet_href = {});

// `kenesd report --month YYYY-MM [--format F] [--out FILE]`: 0, or 2 with a message on stderr.
int run_report(const CommandLine& cl, const config::Config& config, std::ostream& out);

} // namespace kenes::daemon
