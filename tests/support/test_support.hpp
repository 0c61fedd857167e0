// Shared test fixtures: the demo directory, a regime, iCalendar builders, temp dirs.
#pragma once

#include "calendar/busy.hpp"
#include "calendar/checker.hpp"
#include "calendar/directory.hpp"
#include "calendar/ical_reader.hpp"
#include "calendar/regime.hpp"
#include "calendar/time.hpp"
#include "config/config.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace kenes::test {

std::filesystem::path source_dir();
std::filesystem::path demo_dir();
// The hostile calendars of issue 23 (tests/daemon/data/hostile/*.ics), sorted by name.
std::vector<std::filesystem::path> hostile_files();

// The test directory of bodies (config/demo/directory.json, a copy of the fixture).
const config::Config& demo_config();
const calendar::RegimeZone& almaty();

// "2026-12-04T10:00" (local, Asia/Almaty) -> instant.
calendar::Instant at(const std::string& local);

// Builds one VCALENDAR around VEVENT lines (CRLF added).
std::string vcalendar(const std::vector<std::string>& vevent_lines);
std::string vcalendar_raw(const std::string& body); // body: complete components, '\n'-separated

// A VEVENT for tests: the given lines plus UID/DTSTAMP defaults.
struct EventSpec
{
  std::string uid = "test-1";
  std::string start = "20261204T100000"; // local Asia/Almaty; or "TZID=…:…", or UTC with Z
  std::string end = "20261204T110000";
  std::string summary = "Совещание";
  std::string description = "Повестка: 1. Вопрос.";
  std::string organizer = "vice.minister8@minfin.gov.kz";
  std::vector<std::string> attendees; // full ATTENDEE values, e.g. "mailto:x@y" or ";ROLE=CHAIR:mailto:x@y"
  std::vector<std::string> extra;     // more property lines
  std::string created = "20261101T000000Z";
};
std::string event_ics(const EventSpec& spec);
// One VEVENT ("BEGIN:VEVENT\n…END:VEVENT\n"); a series: the master and its overrides in one VCALENDAR
// (an override's `extra` carries its RECURRENCE-ID).
std::string vevent_text(const EventSpec& spec);
std::string series_ics(const std::vector<EventSpec>& versions);

// Reads and checks; `regime` defaults to the demo config's.
struct CheckRun
{
  calendar::ReadResult read;
  std::vector<calendar::CheckedMeeting> meetings;
};
CheckRun check_text(const std::string& ics, const std::string& now_local = "2026-11-24T09:00",
                    const calendar::Regime* regime = nullptr, const calendar::BusyCalendar* busy = nullptr);
calendar::CheckedMeeting check_one(const EventSpec& spec, const std::string& now_local = "2026-11-24T09:00",
                                   const calendar::Regime* regime = nullptr);

bool has_rule(const calendar::CheckedMeeting& m, calendar::RuleId rule);
int count_rule(const calendar::CheckedMeeting& m, calendar::RuleId rule);
std::vector<std::string> invited(const calendar::CheckedMeeting& m); // e-mails

// A fresh temporary directory, removed with the object.
class TempDir
{
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path write(const std::string& name, const std::string& content) const;

private:
  std::filesystem::path m_path;
};

// A file's bytes ("" when it cannot be read); the names in a folder (none when it is missing).
std::string slurp(const std::filesystem::path& file);
std::set<std::string> names_in(const std::filesystem::path& folder);

// Runs a command, capturing stdout and the exit code.
struct ProcessResult
{
  int exit_code = -1;
  std::string out;
  std::string err;
};
ProcessResult run_process(const std::vector<std::string>& argv);
// In a forked child: runs argv[0] (a path) with argv, or exits 127 when it cannot.
[[noreturn]] void exec_argv(const std::vector<std::string>& argv);
// Starts `argv` (stdout and stderr appended to `log`) and SIGKILLs it after `delay`, or as soon as
// `kill_now` (asked every 0.2 ms) says so, unless it is done by then: its wait status, and the
// seconds until it exited by itself or until the kill.
struct KilledRun
{
  int status = 0;
  double seconds = 0;
};
KilledRun run_and_kill(const std::vector<std::string>& argv, std::chrono::microseconds delay,
                       const std::filesystem::path& log, const std::function<bool()>& kill_now = {});
std::string describe_status(int status); // "exited with code 1", "killed by signal 9"

// The .eml files of a spool or mail folder, sorted; each read back by tests/support/read_imip.py
// (Python's email and icalendar): one JSON object a file (subject, to, text, method, events).
std::vector<std::filesystem::path> eml_files(const std::filesystem::path& folder);
// Those of them not in `seen`, which takes them in: what a step of a test added.
std::vector<std::filesystem::path> new_eml_files(const std::filesystem::path& folder,
                                                 std::set<std::filesystem::path>& seen);
std::vector<nlohmann::json> read_imip(const std::vector<std::filesystem::path>& files);
std::string kenesd_binary();

} // namespace kenes::test
