#include "support/test_support.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kenes::test {

namespace fs = std::filesystem;

fs::path source_dir()
{
  return KENES_SOURCE_DIR;
}

fs::path demo_dir()
{
  return source_dir() / "config" / "demo";
}

std::vector<fs::path> hostile_files()
{
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(source_dir() / "tests" / "daemon" / "data" / "hostile")) {
    if (e.path().extension() == ".ics") {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

const config::Config& demo_config()
{
  // The demo directory with the smallest config of SPEC §11 around it (no busy blocks).
  static const config::Config cfg = [] {
    std::string text = R"({"timezone": "Asia/Almaty", "directory": "directory.json",
                           "regime": {"holidays": ["2026-12-16", "2026-12-17"]}})";
    return config::parse_config(text, demo_dir() / "test-config.json");
  }();
  return cfg;
}

const calendar::RegimeZone& almaty()
{
  static const calendar::RegimeZone zone("Asia/Almaty");
  return zone;
}

calendar::Instant at(const std::string& local)
{
  auto t = calendar::parse_iso_instant(local, almaty());
  if (!t) {
    throw std::invalid_argument("bad time in test: " + local);
  }
  return *t;
}

std::string vcalendar_raw(const std::string& body)
{
  std::string crlf;
  std::string text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//kenes//tests//EN\n" + body + "END:VCALENDAR\n";
  for (char c : text) {
    if (c == '\n') {
      crlf += "\r\n";
    } else {
      crlf += c;
    }
  }
  return crlf;
}

std::string vcalendar(const std::vector<std::string>& vevent_lines)
{
  std::string body = "BEGIN:VEVENT\n";
  for (const std::string& l : vevent_lines) {
    body += l + "\n";
  }
  body += "END:VEVENT\n";
  return vcalendar_raw(body);
}

std::string event_ics(const EventSpec& s)
{
  return vcalendar_raw(vevent_text(s));
}

std::string series_ics(const std::vector<EventSpec>& versions)
{
  std::string body;
  for (const EventSpec& v : versions) {
    body += vevent_text(v);
  }
  return vcalendar_raw(body);
}

std::string vevent_text(const EventSpec& s)
{
  std::vector<std::string> lines{"UID:" + s.uid, "DTSTAMP:20261101T000000Z"};
  auto time_line = [](const std::string& prop, const std::string& v) {
    if (!v.empty() && v.back() == 'Z') {
      return prop + ":" + v;
    }
    if (v.find(':') != std::string::npos) {
      return prop + ";" + v; // "TZID=Asia/Tashkent:20261225T100000"
    }
    return prop + ";TZID=Asia/Almaty:" + v;
  };
  lines.push_back(time_line("DTSTART", s.start));
  if (!s.end.empty()) {
    lines.push_back(time_line("DTEND", s.end));
  }
  lines.push_back("SUMMARY:" + s.summary);
  if (!s.description.empty()) {
    lines.push_back("DESCRIPTION:" + s.description);
  }
  if (!s.created.empty()) {
    lines.push_back("CREATED:" + s.created);
  }
  if (!s.organizer.empty()) {
    lines.push_back("ORGANIZER:mailto:" + s.organizer);
  }
  for (const std::string& a : s.attendees) {
    lines.push_back("ATTENDEE" + std::string(a.rfind(";", 0) == 0 ? "" : ":") + a);
  }
  lines.insert(lines.end(), s.extra.begin(), s.extra.end());
  std::string body = "BEGIN:VEVENT\n";
  for (const std::string& l : lines) {
    body += l + "\n";
  }
  return body + "END:VEVENT\n";
}

CheckRun check_text(const std::string& ics, const std::string& now_local, const calendar::Regime* regime,
                    const calendar::BusyCalendar* busy)
{
  const config::Config& cfg = demo_config();
  const calendar::Regime& r = regime ? *regime : cfg.regime;
  calendar::BusyCalendar empty(r, almaty());
  const calendar::BusyCalendar& b = busy ? *busy : empty;
  calendar::Instant now = at(now_local);
  calendar::ReadOptions opt;
  opt.zone = &almaty();
  opt.horizon_start = now - static_cast<calendar::Instant>(r.horizon_past_days) * 86400;
  opt.horizon_end = now + static_cast<calendar::Instant>(r.horizon_days) * 86400;
  CheckRun run;
  run.read = calendar::read_icalendar(ics, "test.ics", opt);
  calendar::CheckContext ctx{*cfg.directory, r, almaty(), b, now, std::nullopt};
  for (const auto& s : run.read.series) {
    if (auto m = calendar::check_series(s, ctx)) {
      run.meetings.push_back(std::move(*m));
    }
  }
  return run;
}

calendar::CheckedMeeting check_one(const EventSpec& spec, const std::string& now_local, const calendar::Regime* regime)
{
  CheckRun run = check_text(event_ics(spec), now_local, regime);
  if (run.meetings.size() != 1) {
    throw std::runtime_error("expected one meeting, got " + std::to_string(run.meetings.size()));
  }
  return run.meetings.front();
}

bool has_rule(const calendar::CheckedMeeting& m, calendar::RuleId rule)
{
  return count_rule(m, rule) > 0;
}

int count_rule(const calendar::CheckedMeeting& m, calendar::RuleId rule)
{
  return static_cast<int>(
      std::count_if(m.findings.begin(), m.findings.end(), [&](const calendar::Finding& f) { return f.rule == rule; }));
}

std::vector<std::string> invited(const calendar::CheckedMeeting& m)
{
  std::vector<std::string> out;
  for (const auto& i : m.invitations) {
    out.push_back(i.official->email);
  }
  return out;
}

TempDir::TempDir()
{
  std::random_device rd;
  m_path = fs::temp_directory_path() / ("kenes-test-" + std::to_string(rd()) + std::to_string(::getpid()));
  fs::create_directories(m_path);
}

TempDir::~TempDir()
{
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

fs::path TempDir::write(const std::string& name, const std::string& content) const
{
  fs::path p = m_path / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

std::string kenesd_binary()
{
  return KENES_BINARY;
}

std::string slurp(const fs::path& file)
{
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::set<std::string> names_in(const fs::path& folder)
{
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    out.insert(e.path().filename().string());
  }
  return out;
}

void exec_argv(const std::vector<std::string>& argv)
{
  std::vector<char*> args;
  for (const std::string& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  std::_Exit(127);
}

std::string describe_status(int status)
{
  if (WIFEXITED(status)) {
    return "exited with code " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  }
  return "status " + std::to_string(status);
}

KilledRun run_and_kill(const std::vector<std::string>& argv, std::chrono::microseconds delay, const fs::path& log,
                       const std::function<bool()>& kill_now)
{
  using Clock = std::chrono::steady_clock;
  std::fflush(nullptr);
  const auto start = Clock::now();
  pid_t pid = ::fork();
  if (pid < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out < 0) {
      std::_Exit(126);
    }
    ::dup2(out, 1);
    ::dup2(out, 2);
    exec_argv(argv);
  }
  KilledRun run;
  const auto deadline = start + delay;
  for (;;) {
    if (::waitpid(pid, &run.status, WNOHANG) == pid) {
      break; // done before the kill
    }
    if (Clock::now() >= deadline || (kill_now && kill_now())) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &run.status, 0);
      break;
    }
    const auto step = kill_now ? Clock::duration(std::chrono::microseconds(200)) : std::chrono::milliseconds(1);
    std::this_thread::sleep_for(std::min<Clock::duration>(deadline - Clock::now(), step));
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

ProcessResult run_process(const std::vector<std::string>& argv)
{
  TempDir tmp;
  fs::path out = tmp.path() / "out";
  fs::path err = tmp.path() / "err";
  std::fflush(nullptr); // or the child repeats what the parent had buffered
  pid_t pid = ::fork();
  if (pid == 0) {
    FILE* o = std::freopen(out.c_str(), "w", stdout);
    FILE* e = std::freopen(err.c_str(), "w", stderr);
    (void)o;
    (void)e;
    exec_argv(argv);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream o(out), e(err);
  std::stringstream so, se;
  so << o.rdbuf();
  se << e.rdbuf();
  r.out = so.str();
  r.err = se.str();
  return r;
}

} // namespace kenes::test

namespace kenes::test {

std::vector<std::filesystem::path> eml_files(const std::filesystem::path& folder)
{
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(folder, ec)) {
    if (e.path().extension() == ".eml") {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::filesystem::path> new_eml_files(const std::filesystem::path& folder,
                                                 std::set<std::filesystem::path>& seen)
{
  std::vector<std::filesystem::path> out;
  for (const std::filesystem::path& f : eml_files(folder)) {
    if (seen.insert(f).second) {
      out.push_back(f);
    }
  }
  return out;
}

std::vector<nlohmann::json> read_imip(const std::vector<std::filesystem::path>& files)
{
  std::vector<std::string> argv = {"/usr/bin/python3", (source_dir() / "tests/support/read_imip.py").string()};
  for (const auto& f : files) {
    argv.push_back(f.string());
  }
  ProcessResult r = run_process(argv);
  if (r.exit_code != 0) {
    throw std::runtime_error("read_imip.py failed: " + r.err);
  }
  std::vector<nlohmann::json> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

} // namespace kenes::test
