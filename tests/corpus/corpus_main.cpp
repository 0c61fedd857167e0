// Every file of the real-world corpus (../shared/corpus/ics) either reads, or is rejected with a
// clear error naming the file; never a crash. Every event read is checked against the regime.
// Exit 77 (skipped) when the corpus is not beside the project.
#include "calendar/checker.hpp"
#include "calendar/ical_reader.hpp"
#include "config/config.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;
using namespace kenes;

int main()
{
  fs::path corpus = fs::path(KENES_SOURCE_DIR) / ".." / "shared" / "corpus" / "ics";
  if (!fs::is_directory(corpus)) {
    std::cout << "SKIPPED: " << corpus.string() << " is not there (a clone without ../shared)\n";
    return 77;
  }
  config::Config cfg = config::parse_config(
    R"({"timezone": "Asia/Almaty", "directory": "directory.json"})",
    fs::path(KENES_SOURCE_DIR) / "config" / "demo" / "corpus.json");
  calendar::RegimeZone zone(cfg.timezone);
  calendar::BusyCalendar busy(cfg.regime, zone);
  calendar::Instant now = *calendar::parse_iso_instant("2026-11-24T09:00:00+05:00", zone);
  calendar::CheckContext ctx{*cfg.directory, cfg.regime, zone, busy, now, std::nullopt};
  calendar::ReadOptions opt;
  opt.zone = &zone;
  opt.horizon_start = now - 400 * 86400;
  opt.horizon_end = now + 90 * 86400;

  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    if (e.is_regular_file() && e.path().extension() == ".ics") {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  int failures = 0, read_ok = 0, rejected = 0, events = 0, checked = 0, problems = 0;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    calendar::ReadResult r = calendar::read_icalendar(ss.str(), f.string(), opt);
    for (const auto& p : r.problems) {
      ++problems;
      if (p.origin != f.string() || p.message.empty()) {
        std::cout << "FAIL " << f << ": a problem that does not name its file or has no message\n";
        ++failures;
      }
    }
    if (r.unreadable) {
      ++rejected;
      if (r.problems.empty()) {
        std::cout << "FAIL " << f << ": rejected without a reason\n";
        ++failures;
      }
      continue;
    }
    ++read_ok;
    for (const auto& s : r.series) {
      ++events;
      if (auto m = calendar::check_series(s, ctx)) {
        ++checked;
      }
    }
  }
  std::cout << "corpus: files=" << files.size() << " read=" << read_ok << " rejected=" << rejected
            << " series=" << events << " checked=" << checked << " problems=" << problems << "\n";
  if (files.empty()) {
    std::cout << "FAIL: no .ics files in the corpus\n";
    return 1;
  }
  std::cout << (failures == 0 ? "corpus: 1 passed, 0 failed\n" : "corpus: 0 passed, 1 failed\n");
  return failures == 0 ? 0 : 1;
}
