// `kenesd sync --once` killed with SIGKILL at random moments against a real Radicale, with events
// changed, added and deleted on the server between some of the kills: one more sync must then
// succeed and leave the store holding exactly what the server holds (SPEC §7: every write is one
// transaction, a collection's ctag and sync token are stored only with the data they describe).
#include "support/server_process.hpp"
#include "support/test_support.hpp"

#include "daemon/store/state_store.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

using namespace kenes;
using namespace kenes::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int k_calendars = 10;
constexpr int k_events = 30;
constexpr int k_kills = 40;
constexpr std::uint32_t k_seed = 20261201;
const std::string k_user = "alice";
const std::string k_password = "any-password";

std::string two(int n)
{
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", n);
  return buf;
}

std::string three(int n)
{
  char buf[8];
  std::snprintf(buf, sizeof buf, "%03d", n);
  return buf;
}

std::string calendar_path(int c)
{
  return "/" + k_user + "/cal" + two(c) + "/";
}

// A timed, non-cancelled event: a meeting. `n` spreads them over December 2026, 08:00–14:00 in
// Almaty (UTC+5); `revision` > 0 is a changed version (new summary, another hour).
std::string meeting_ics(const std::string& uid, int n, int revision)
{
  const int day = n % 28 + 1;
  const int hour = 3 + (n + revision) % 6; // UTC
  char start[32], end[32];
  std::snprintf(start, sizeof start, "202612%02dT%02d0000Z", day, hour);
  std::snprintf(end, sizeof end, "202612%02dT%02d3000Z", day, hour + 1);
  EventSpec spec;
  spec.uid = uid;
  spec.start = start;
  spec.end = end;
  spec.summary = (revision == 0 ? std::string() : "Перенесено (" + std::to_string(revision) + "): ") +
                 "Совещание по вопросу № " + std::to_string(n);
  spec.extra = {"SEQUENCE:" + std::to_string(revision)};
  return event_ics(spec);
}

void write_file(const fs::path& path, const std::string& content)
{
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

// What the test put on the server: href -> UID, and how often each was changed.
struct Model
{
  std::map<std::string, std::string> uid_of;
  std::map<std::string, int> revision_of;
  int next_number = 0;
};

class Radicale
{
public:
  explicit Radicale(const fs::path& root)
    : m_storage(root / "radicale")
    , m_uploads(root / "uploads")
  {
    // Radicale's multifilesystem layout, written before it starts: collection-root/alice/ is the
    // principal (a plain folder, as Radicale makes it at the first login), each calendar a folder
    // with its .Radicale.props and one .ics per event.
    for (int c = 0; c < k_calendars; ++c) {
      fs::path dir = m_storage / "collection-root" / k_user / ("cal" + two(c));
      nlohmann::json props = {{"tag", "VCALENDAR"},
                              {"D:displayname", "Календарь " + two(c)},
                              {"C:supported-calendar-component-set", "VEVENT"}};
      write_file(dir / ".Radicale.props", props.dump());
      for (int e = 0; e < k_events; ++e) {
        const std::string href = calendar_path(c) + "ev" + three(e) + ".ics";
        const std::string uid = "crash-" + two(c) + "-" + three(e) + "@kenes.test";
        const int n = m_model.next_number++;
        write_file(dir / ("ev" + three(e) + ".ics"), meeting_ics(uid, n, 0));
        m_model.uid_of[href] = uid;
        m_model.revision_of[href] = 0;
        m_number_of[href] = n;
      }
    }
    ServerSpec spec;
    spec.port = free_port();
    spec.ready = ServerSpec::Ready::port_accepts;
    spec.env = {{"RADICALE_CONFIG", ""}}; // no /etc/radicale/config: only what is given here
    spec.argv = {"/usr/bin/radicale",
                 "--storage-filesystem-folder=" + m_storage.string(),
                 "--server-hosts=127.0.0.1:" + std::to_string(spec.port),
                 "--auth-type=none",
                 "--rights-type=owner_only",
                 "--logging-level=warning"};
    m_process = std::make_unique<ServerProcess>(spec);
  }

  std::string base_url() const { return m_process->base_url(); }
  const Model& model() const { return m_model; }
  std::string log() const { return m_process->stderr_text(); }

  // change, add and remove are sent with the next flush(), all in one curl (one connection).
  void change(const std::string& href)
  {
    const int revision = ++m_model.revision_of.at(href);
    put(href, meeting_ics(m_model.uid_of.at(href), m_number_of.at(href), revision));
  }

  void add(int c)
  {
    const int n = m_model.next_number++;
    const std::string href = calendar_path(c) + "new" + three(n) + ".ics";
    const std::string uid = "crash-new-" + three(n) + "@kenes.test";
    put(href, meeting_ics(uid, n, 0));
    m_model.uid_of[href] = uid;
    m_model.revision_of[href] = 0;
    m_number_of[href] = n;
  }

  void remove(std::string href) // a copy: the caller's may be a key of the model
  {
    m_pending.push_back({"-X", "DELETE", base_url() + href});
    m_model.uid_of.erase(href);
    m_model.revision_of.erase(href);
  }

  void flush()
  {
    if (m_pending.empty()) {
      return;
    }
    std::vector<std::string> argv = {"/usr/bin/curl", "--fail-early"};
    for (std::size_t i = 0; i < m_pending.size(); ++i) {
      if (i > 0) {
        argv.push_back("--next");
      }
      argv.insert(argv.end(), {"-s", "-S", "-f", "-o", "/dev/null", "-u", k_user + ":" + k_password});
      argv.insert(argv.end(), m_pending[i].begin(), m_pending[i].end());
    }
    ProcessResult r = run_process(argv);
    if (r.exit_code != 0) {
      throw std::runtime_error("curl failed (" + std::to_string(r.exit_code) + ") on a batch of " +
                               std::to_string(m_pending.size()) + ": " + r.err + "\nRadicale: " + log());
    }
    m_pending.clear();
    fs::remove_all(m_uploads);
  }

  // The server's own listing of a calendar: href -> ETag (PROPFIND Depth 1, getetag).
  std::map<std::string, std::string> listing(int c) const
  {
    std::string xml = curl({"-X", "PROPFIND", "-H", "Depth: 1", "-H", "Content-Type: application/xml", "--data",
                            "<?xml version=\"1.0\"?><propfind xmlns=\"DAV:\"><prop><getetag/></prop></propfind>",
                            base_url() + calendar_path(c)});
    static const std::regex response("<(?:[A-Za-z0-9]+:)?response[ >]([\\s\\S]*?)</(?:[A-Za-z0-9]+:)?response>");
    static const std::regex href("<(?:[A-Za-z0-9]+:)?href>([^<]*)</(?:[A-Za-z0-9]+:)?href>");
    static const std::regex etag("<(?:[A-Za-z0-9]+:)?getetag>([^<]*)</(?:[A-Za-z0-9]+:)?getetag>");
    std::map<std::string, std::string> out;
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), response); it != std::sregex_iterator(); ++it) {
      const std::string body = (*it)[1].str();
      std::smatch h, e;
      if (!std::regex_search(body, h, href)) {
        throw std::runtime_error("a response without href in: " + xml);
      }
      if (h[1].str().back() == '/') {
        continue; // the calendar itself
      }
      if (!std::regex_search(body, e, etag)) {
        throw std::runtime_error("no getetag for " + h[1].str() + " in: " + xml);
      }
      std::string value = e[1].str();
      for (std::size_t at = value.find("&quot;"); at != std::string::npos; at = value.find("&quot;")) {
        value.replace(at, 6, "\"");
      }
      if (!out.emplace(h[1].str(), value).second) {
        throw std::runtime_error("href listed twice by the server: " + h[1].str());
      }
    }
    return out;
  }

private:
  void put(const std::string& href, const std::string& ics)
  {
    const fs::path file = m_uploads / (std::to_string(m_pending.size()) + ".ics");
    write_file(file, ics);
    m_pending.push_back({"-X", "PUT", "-H", "Content-Type: text/calendar; charset=utf-8", "--data-binary",
                         "@" + file.string(), base_url() + href});
  }

  std::string curl(std::vector<std::string> args) const
  {
    std::vector<std::string> argv = {"/usr/bin/curl", "-s", "-S", "-f", "-u", k_user + ":" + k_password};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult r = run_process(argv);
    if (r.exit_code != 0) {
      throw std::runtime_error("curl " + args.back() + " failed (" + std::to_string(r.exit_code) + "): " + r.err +
                               "\nRadicale: " + log());
    }
    return r.out;
  }

  fs::path m_storage;
  fs::path m_uploads;
  std::vector<std::vector<std::string>> m_pending; // curl arguments of each request
  Model m_model;
  std::map<std::string, int> m_number_of;
  std::unique_ptr<ServerProcess> m_process;
};

std::string path_of(const std::string& url)
{
  std::size_t scheme = url.find("://");
  std::size_t path = scheme == std::string::npos ? 0 : url.find('/', scheme + 3);
  return path == std::string::npos ? "/" : url.substr(path);
}

} // namespace

TEST_CASE("sync crash: kill -9 at random moments, then one sync leaves exactly the server's events", "[crash]")
{
  const auto t0 = Clock::now();
  TempDir dir;
  fs::create_directories(dir.path() / "spool"); // the default spool_dir: kenesd does not make it
  Radicale radicale(dir.path());
  const fs::path password = dir.write("password", k_password + "\n");
  auto config_for = [&](const fs::path& state) {
    nlohmann::json config = {{"timezone", "Asia/Almaty"},
                             {"directory", (demo_dir() / "directory.json").string()},
                             {"state_dir", state.string()},
                             {"sources",
                              {{{"id", "rad"},
                                {"type", "caldav"},
                                {"url", radicale.base_url() + "/"},
                                {"username", k_user},
                                {"password_file", password.string()},
                                {"timeout_seconds", 20}}}}};
    return dir.write(state.filename().string() + ".json", config.dump(2));
  };
  const fs::path state = dir.path() / "state";
  const fs::path config = config_for(state);
  const std::vector<std::string> sync = {kenesd_binary(), "--config", config.string(), "sync", "--once"};

  // How long one full sync takes: a first one (Radicale builds its caches then) and a second one
  // into fresh stores of their own, so the real store starts empty.
  double full_seconds = 0;
  for (int round = 0; round < 2; ++round) {
    const fs::path scratch = dir.path() / ("scratch" + std::to_string(round));
    const auto start = Clock::now();
    ProcessResult r = run_process({kenesd_binary(), "--config", config_for(scratch).string(), "sync", "--once"});
    full_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.out.find("sources=1 collections=10 ") == 0);
    REQUIRE(r.out.find(" added=300 changed=0 removed=0 errors=0 quarantined=0 checked=300 ") != std::string::npos);
  }

  // The delays: the even runs' spread over one full sync, the odd runs' over the last run that
  // ended by itself (an incremental sync is much shorter than a full one, and a kill after it
  // ended tests nothing).
  std::mt19937 rng(k_seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> calendar_of(0, k_calendars - 1);
  const fs::path log = dir.path() / "killed-runs.log";
  int killed = 0, finished = 0, changes = 0;
  double last_run_seconds = full_seconds, change_seconds = 0;
  std::ostringstream history;
  for (int i = 0; i < k_kills; ++i) {
    // Between some kills, the server changes: a few events changed, added, deleted, and now and
    // then every event of one calendar changed, so the next sync has work to be killed in.
    const auto changing = Clock::now();
    const int what = static_cast<int>(rng() % 4);
    if (what == 1 || what == 2) {
      for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) {
        const auto& events = radicale.model().uid_of;
        radicale.change(std::next(events.begin(), static_cast<long>(rng() % events.size()))->first);
        ++changes;
      }
      radicale.add(calendar_of(rng));
      ++changes;
      const auto& events = radicale.model().uid_of;
      radicale.remove(std::next(events.begin(), static_cast<long>(rng() % events.size()))->first);
      ++changes;
    } else if (what == 3) {
      const std::string cal = calendar_path(calendar_of(rng));
      std::vector<std::string> hrefs;
      for (const auto& [href, uid] : radicale.model().uid_of) {
        if (href.rfind(cal, 0) == 0) {
          hrefs.push_back(href);
        }
      }
      for (const std::string& href : hrefs) {
        radicale.change(href);
        ++changes;
      }
    }
    radicale.flush();
    change_seconds += std::chrono::duration<double>(Clock::now() - changing).count();
    const double window = i % 2 == 0 ? full_seconds : last_run_seconds;
    const auto delay = std::chrono::microseconds(static_cast<long>(unit(rng) * window * 1e6));
    const KilledRun run = run_and_kill(sync, delay, log);
    history << "run " << i << " (changes so far " << changes << "): kill after " << delay.count() / 1000 << " ms of a "
            << static_cast<int>(window * 1000) << " ms window: " << describe_status(run.status) << " after "
            << static_cast<int>(run.seconds * 1000) << " ms\n";
    if (WIFSIGNALED(run.status) && WTERMSIG(run.status) == SIGKILL) {
      ++killed;
    } else {
      ++finished;
      last_run_seconds = run.seconds;
      CHECK(describe_status(run.status) == "exited with code 0"); // a sync that was not killed succeeded
    }
  }
  INFO("full sync " << full_seconds << " s; " << killed << " runs killed, " << finished << " finished; " << changes
                    << " changes on the server in " << change_seconds << " s; "
                    << std::chrono::duration<double>(Clock::now() - t0).count() << " s so far\n"
                    << history.str());
  // Many kills must land inside a sync, or the test would not test much.
  CHECK(killed >= k_kills / 4);

  ProcessResult last = run_process(sync);
  INFO("last sync: " << last.out << last.err << "\nkilled runs' output:\n" << std::ifstream(log).rdbuf());
  REQUIRE(last.exit_code == 0);
  CHECK(last.out.find(" errors=0 quarantined=0 ") != std::string::npos);

  auto store = daemon::StateStore::open(state);
  const std::optional<daemon::SourceStatus> source = store->source("rad");
  REQUIRE(source.has_value());
  CHECK_FALSE(source->degraded);
  CHECK(source->last_error.empty());

  const Model& model = radicale.model();
  std::map<std::string, std::int64_t> collection_of; // calendar path -> collection id
  for (const daemon::CollectionRow& c : store->collections("rad")) {
    CHECK(collection_of.emplace(path_of(c.href), c.id).second); // no collection twice
  }
  std::set<std::string> expected_calendars;
  for (int c = 0; c < k_calendars; ++c) {
    expected_calendars.insert(calendar_path(c));
  }
  std::set<std::string> stored_calendars;
  for (const auto& [path, id] : collection_of) {
    stored_calendars.insert(path);
  }
  REQUIRE(stored_calendars == expected_calendars);

  std::set<std::string> server_uids;
  std::size_t server_events = 0;
  for (int c = 0; c < k_calendars; ++c) {
    const std::map<std::string, std::string> server = radicale.listing(c);
    server_events += server.size();
    std::vector<daemon::ResourceRow> rows = store->resources(collection_of.at(calendar_path(c)));
    std::map<std::string, std::string> stored;
    std::string stored_text, server_text;
    for (const daemon::ResourceRow& r : rows) {
      CHECK(stored.emplace(r.href, r.etag).second); // no href twice
      CHECK(r.quarantine_reason.empty());
      auto in_model = model.uid_of.find(r.href);
      CHECK(r.uid == (in_model == model.uid_of.end() ? std::string("(not on the server)") : in_model->second));
      stored_text += r.href + " " + r.etag + "\n";
    }
    for (const auto& [href, etag] : server) {
      server_text += href + " " + etag + "\n";
      auto in_model = model.uid_of.find(href);
      REQUIRE(in_model != model.uid_of.end()); // the server holds what the test put there
      server_uids.insert(in_model->second);
    }
    INFO("calendar " << calendar_path(c));
    CHECK(stored_text == server_text);
  }
  CHECK(server_events == model.uid_of.size());
  CHECK(store->resource_count() == static_cast<std::int64_t>(server_events));
  // Every UID is held once, and each is a meeting: exactly the server's UIDs.
  for (const std::string& uid : server_uids) {
    INFO(uid);
    CHECK(store->resources_by_uid(uid).size() == 1);
  }
  const std::vector<std::string> meetings = store->meeting_uids();
  CHECK(std::set<std::string>(meetings.begin(), meetings.end()).size() == meetings.size());
  CHECK(std::set<std::string>(meetings.begin(), meetings.end()) == server_uids);
  CHECK(store->pending_check_count() == 0);
  // A changed event is checked again: its meeting carries the latest summary.
  for (const auto& [href, revision] : model.revision_of) {
    if (revision == 0) {
      continue;
    }
    std::optional<daemon::MeetingRow> m = store->meeting(model.uid_of.at(href));
    REQUIRE(m.has_value());
    INFO(href);
    CHECK(m->summary.rfind("Перенесено (" + std::to_string(revision) + "): ", 0) == 0);
  }
}
