#include "daemon/check/check_command.hpp"

#include "daemon/base/log.hpp"
#include "daemon/check/check_report.hpp"
#include "daemon/notices/notice_flow.hpp"

#include "connectors/mail_transport.hpp"

#include "calendar/checker.hpp"
#include "calendar/ical_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace kenes::daemon {

namespace cal = kenes::calendar;
namespace fs = std::filesystem;

namespace {

// A FILE argument that is a folder stands for the .ics files in it, in name order.
std::vector<fs::path> expand_inputs(const std::vector<std::string>& args)
{
  std::vector<fs::path> out;
  for (const std::string& a : args) {
    std::error_code ec;
    if (fs::is_directory(a, ec)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(a, ec)) {
        if (e.path().extension() == ".ics") {
          files.push_back(e.path());
        }
      }
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.emplace_back(a);
    }
  }
  return out;
}

// Reads a regular file in one go (its size known); anything else, and every failure, goes
// through config::read_text_file, which also words the error.
bool read_input(const fs::path& file, std::string& text, std::string& error)
{
  std::error_code ec;
  if (fs::is_regular_file(file, ec)) {
    auto size = fs::file_size(file, ec);
    std::ifstream in(file, std::ios::binary);
    if (!ec && in) {
      text.resize(static_cast<std::size_t>(size));
      in.read(text.data(), static_cast<std::streamsize>(size));
      if (static_cast<std::uintmax_t>(in.gcount()) == size && in.peek() == std::ifstream::traits_type::eof()) {
        return true;
      }
    }
  }
  text.clear();
  return config::read_text_file(file, text, error);
}

} // namespace

std::optional<cal::Instant> parse_now(const CommandLine& cl, const config::Config& cfg)
{
  if (!cl.now) {
    return std::nullopt;
  }
  auto parsed = cal::parse_iso_instant(*cl.now, cal::RegimeZone(cfg.timezone));
  if (!parsed) {
    throw UsageError("--now: expected an ISO 8601 date-time such as 2026-12-04T10:00:00+05:00, got '" + *cl.now + "'");
  }
  return parsed;
}

int run_check(const CommandLine& cl, const config::Config& cfg, std::ostream& out)
{
  cal::RegimeZone zone(cfg.timezone);
  cal::Instant now = parse_now(cl, cfg).value_or(static_cast<cal::Instant>(std::time(nullptr)));
  cal::Language lang = cl.lang ? *cal::parse_language(*cl.lang) : cfg.notices.language;
  const cal::Regime& regime = cfg.regime;
  cal::BusyCalendar busy(regime, zone);
  const cal::ReadOptions options = cal::ReadOptions::around(zone, now, regime.horizon_past_days, regime.horizon_days);
  cal::SlotCache slot_cache;
  cal::CheckContext ctx{*cfg.directory, regime, zone, busy, now, std::nullopt, &slot_cache};

  std::unique_ptr<connectors::MailTransport> emit;
  if (cl.emit) {
    emit = connectors::make_spool_transport(*cl.emit);
  }
  bool unreadable = false;
  bool invalid_slot = false;
  std::vector<cal::ReadProblem> problems;
  bool first = true;
  std::string json_buffer;
  if (cl.json) {
    out << "{\"meetings\": [";
  }
  for (const fs::path& file : expand_inputs(cl.files)) {
    std::string text, error;
    if (!read_input(file, text, error)) {
      problems.push_back({file.string(), "", error, true});
      unreadable = true;
      continue;
    }
    cal::ReadResult result = cal::read_icalendar(text, file.string(), options);
    const std::string text_of_file = emit ? std::move(text) : std::string();
    text.clear();
    text.shrink_to_fit();
    unreadable = unreadable || result.unreadable;
    for (const cal::EventSeries& series : result.series) {
      auto checked = cal::check_series(series, ctx);
      if (!checked) {
        continue;
      }
      invalid_slot = invalid_slot || cal::has_invalid_slot(*checked);
      if (emit) {
        // What the daemon would send for this event seen for the first time.
        CheckedVersion version{*checked, series, text_of_file};
        NoticeUpdate update = first_notices(cfg, ctx, series.uid, version);
        for (const OutboxMessage& m : update.messages) {
          connectors::Delivery d = emit->deliver({m.sender, m.recipient, m.message_id, m.message});
          if (d.outcome != connectors::Delivery::Outcome::sent) {
            throw UsageError("--emit: " + d.reply);
          }
        }
      }
      if (cl.json) {
        json_buffer.assign(first ? "\n" : ",\n");
        append_meeting_json(json_buffer, *checked, zone, lang, *cfg.directory);
        out << json_buffer;
      } else {
        write_meeting_text(out, *checked, zone, lang, *cfg.directory);
      }
      first = false;
    }
    problems.insert(problems.end(), result.problems.begin(), result.problems.end());
  }
  if (cl.json) {
    nlohmann::json errors = nlohmann::json::array();
    for (const cal::ReadProblem& p : problems) {
      errors.push_back(problem_json(p));
    }
    out << "\n], \"errors\": " << errors.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "}\n";
  }
  out.flush();
  for (const cal::ReadProblem& p : problems) {
    log(p.fatal ? LogLevel::error : LogLevel::warning, p.fatal ? "check.input_error" : "check.input_warning",
        "file=" + log_value(p.origin) + (p.uid.empty() ? "" : " uid=" + log_value(p.uid)) +
            " problem=" + log_value(p.message));
  }
  if (unreadable) {
    return 2;
  }
  return invalid_slot ? 1 : 0;
}

} // namespace kenes::daemon
