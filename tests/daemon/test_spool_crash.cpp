// Issue 23, item 3: `kenesd sync --once` killed with SIGKILL at random moments while it writes
// notices to the spool, over a folder whose meetings are deleted, added and have attendees
// replaced between the runs; then one clean run. What the spool holds and what the store believes
// was sent must agree: every spool message is a row of the outbox, nothing is left half-sent,
// and the last word of each (meeting, recipient) pair is what the final calendars call for — a
// REQUEST for an invitation that stands, a CANCEL for one that is gone. Beside them, weekly series
// begun months before, with a past override inviting someone else, a moved override ahead and a
// cancelled occurrence, whose overrides move, occurrences are taken out by EXDATE and attendees
// change between the runs: the last word to each representative about each occurrence taken out
// must take it out, the clock fixed between two occurrences (`--now`).
#include "daemon/store/state_store.hpp"
#include "support/event_times.hpp"
#include "support/series_fixture.hpp"
#include "support/test_support.hpp"

#include "connectors/mail_transport.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <tuple>

using namespace kenes;
using namespace kenes::test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int k_meetings = 150;
constexpr int k_series = 12;
constexpr int k_kills = 20;
constexpr std::uint32_t k_seed = 20261204;

// Representatives of six bodies: an attendee "replaced" becomes the next of the list.
const std::vector<std::string> k_people = {
    "vice.minister17@economy.gov.kz", "vice.minister24@edu.gov.kz",       "vice.minister29@health.gov.kz",
    "vice.minister34@digital.gov.kz", "vice.minister39@emergency.gov.kz", "vice.minister44@transport.gov.kz",
};

struct Meeting
{
  int number = 0;
  std::vector<int> people; // indexes into k_people
};

// The Friday at 10:00 in Almaty of the last seven days, the Monday after it at noon (the runs'
// clock: between two occurrences of the series) and the series' first occurrence, 12 weeks
// before that Friday.
const std::string k_friday = friday_utc(5, -1);
const std::string k_series_first = shifted_utc(k_friday, -12);
std::string runs_now()
{
  const std::string monday = shifted_utc(k_friday, 0, 3 * 24); // "YYYYMMDDT050000Z"
  return monday.substr(0, 4) + "-" + monday.substr(4, 2) + "-" + monday.substr(6, 2) + "T12:00:00+05:00";
}
constexpr int k_first_ahead = 13; // the series' first week after the runs' clock

// The folder as the test keeps it: file name -> meeting, and the series.
struct Folder
{
  fs::path path;
  std::map<std::string, Meeting> meetings;
  int next = 0;
  std::map<std::string, WeeklySeries> series; // file name -> series

  static std::string series_uid(int n) { return "spool-crash-series-" + std::to_string(n); }

  // Every UID the folder ever held.
  std::vector<std::string> uids() const
  {
    std::vector<std::string> out;
    for (int n = 0; n < next; ++n) {
      out.push_back(uid_of(n));
    }
    for (int n = 0; n < k_series; ++n) {
      out.push_back(series_uid(n));
    }
    return out;
  }

  void write_series(const std::string& name) const
  {
    std::ofstream(path / name, std::ios::binary) << weekly_series_ics(series.at(name));
  }
  void add_series(int n)
  {
    WeeklySeries s;
    s.uid = series_uid(n);
    s.first = shifted_utc(k_series_first, 0, n % 3 - 1); // 09:00, 10:00 or 11:00
    s.attendees = {"mailto:" + k_people[static_cast<std::size_t>(n % 6)]};
    s.moved = {{k_first_ahead - 5, 1, {"mailto:" + k_people[static_cast<std::size_t>((n + 1) % 6)]}},
               {k_first_ahead + 1, 1, {}}};
    s.cancelled = {k_first_ahead + 3};
    const std::string name = "series" + std::to_string(n) + ".ics";
    series[name] = s;
    write_series(name);
  }
  // One series changed: its override ahead moved, one more occurrence ahead taken out by an
  // EXDATE, or its attendee replaced by a representative of another body.
  void change_series(std::mt19937& rng)
  {
    auto it = std::next(series.begin(), static_cast<long>(rng() % series.size()));
    WeeklySeries& s = it->second;
    switch (rng() % 3) {
    case 0: // an hour later, or for the 11:00 series earlier: inside 09:00-13:00
      s.moved[1].hours = s.moved[1].hours != 1 ? 1 : (s.first.substr(9, 2) == "06" ? -1 : 2);
      break;
    case 1: {
      int week = k_first_ahead + 2;
      while (std::find(s.exdates.begin(), s.exdates.end(), week) != s.exdates.end() ||
             std::find(s.cancelled.begin(), s.cancelled.end(), week) != s.cancelled.end()) {
        ++week;
      }
      s.exdates.push_back(week);
      break;
    }
    default: {
      const std::string who = s.attendees.front().substr(7);
      const auto at = std::find(k_people.begin(), k_people.end(), who) - k_people.begin();
      s.attendees = {"mailto:" + k_people[static_cast<std::size_t>((at + 1) % 6)]};
    }
    }
    write_series(it->first);
  }

  static std::string uid_of(int n) { return "spool-crash-" + std::to_string(n); }

  void write(const std::string& name) const
  {
    const Meeting& m = meetings.at(name);
    EventSpec e;
    e.uid = uid_of(m.number);
    e.summary = "Совещание " + e.uid;
    const int hours[] = {4, 6, 7};
    e.start = friday_utc(hours[m.number % 3], 3 + m.number % 40);
    e.end = friday_utc(hours[m.number % 3] + 1, 3 + m.number % 40);
    for (int p : m.people) {
      e.attendees.push_back("mailto:" + k_people[static_cast<std::size_t>(p)]);
    }
    std::ofstream(path / name, std::ios::binary) << event_ics(e);
  }
  void add()
  {
    const int n = next++;
    const std::string name = "m" + std::to_string(n) + ".ics";
    meetings[name] = Meeting{n, {n % 6, (n + 1) % 6}};
    write(name);
  }
  void remove(std::mt19937& rng)
  {
    auto it = std::next(meetings.begin(), static_cast<long>(rng() % meetings.size()));
    fs::remove(path / it->first);
    meetings.erase(it);
  }
  // One attendee of a meeting replaced by a representative it does not list yet.
  void replace(std::mt19937& rng)
  {
    auto it = std::next(meetings.begin(), static_cast<long>(rng() % meetings.size()));
    std::vector<int>& people = it->second.people;
    int& who = people[rng() % people.size()];
    int next_person = who;
    do {
      next_person = (next_person + 1) % 6;
    } while (std::find(people.begin(), people.end(), next_person) != people.end());
    who = next_person;
    write(it->first);
  }
};

std::string config_for(const TempDir& dir, const fs::path& folder, const std::string& name)
{
  const fs::path state = dir.path() / (name + "-state");
  const fs::path spool = dir.path() / (name + "-spool");
  fs::create_directories(spool);
  nlohmann::json config = {
      {"timezone", "Asia/Almaty"},
      {"directory", (source_dir() / "config/demo/directory.json").string()},
      {"state_dir", state.string()},
      {"sources", {{{"id", "local"}, {"type", "dir"}, {"path", folder.string()}}}},
      {"notices",
       {{"from", "kenes@gov.kz"}, {"transport", "spool"}, {"spool_dir", spool.string()}, {"adopt", "none"}}}};
  return dir.write(name + ".json", config.dump(2)).string();
}

using Pair = std::pair<std::string, std::string>; // UID, recipient

// Each request or cancel of the store's outbox, keyed by its spool file name.
struct Sent
{
  std::int64_t id = 0;
  std::string uid, kind, recipient, state;
};
std::map<std::string, Sent> outbox_by_file(const fs::path& state, const std::vector<std::string>& uids)
{
  auto store = daemon::StateStore::open(state);
  std::map<std::string, Sent> out;
  for (const std::string& uid : uids) {
    for (const daemon::OutboxEntry& e : store->outbox(uid)) {
      out[connectors::spool_file_name(e.message_id)] = {e.id, uid, e.kind, e.recipient, e.state};
    }
  }
  return out;
}

} // namespace

TEST_CASE("spool crash: kill -9 during sync --once, then one clean run, and the spool and the outbox agree on "
          "every message and on the last word to each recipient",
          "[crash][spool]")
{
  const auto t0 = Clock::now();
  TempDir dir;
  Folder folder{dir.path() / "cal", {}, 0, {}};
  fs::create_directories(folder.path);
  for (int i = 0; i < k_meetings; ++i) {
    folder.add();
  }
  for (int i = 0; i < k_series; ++i) {
    folder.add_series(i);
  }
  const std::string now = runs_now();
  const std::string config = config_for(dir, folder.path, "crashed");
  const fs::path state = dir.path() / "crashed-state";
  const fs::path spool = dir.path() / "crashed-spool";
  const std::vector<std::string> sync = {kenesd_binary(), "--config", config, "sync", "--once", "--now", now};

  // How long a full sync takes, into a store of its own.
  const auto start = Clock::now();
  ProcessResult scratch = run_process(
      {kenesd_binary(), "--config", config_for(dir, folder.path, "scratch"), "sync", "--once", "--now", now});
  const double full_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  INFO(scratch.out << scratch.err);
  REQUIRE(scratch.exit_code == 0);
  // Two representatives a meeting, one a series (the past override's is not invited).
  REQUIRE(scratch.out.find(" notices_sent=" + std::to_string(2 * k_meetings + k_series) + " ") != std::string::npos);

  std::mt19937 rng(k_seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const fs::path log = dir.path() / "killed-runs.log";
  int killed = 0, finished = 0;
  double last_run_seconds = full_seconds;
  std::ostringstream history;
  for (int i = 0; i < k_kills; ++i) {
    if (i > 0) {
      // Between the runs: attendees replaced, meetings deleted and added, many at once, so that
      // each run has notices to be killed while writing, and the next one changes some of the
      // meetings whose notices the kill interrupted.
      for (int k = 0; k < 40; ++k) {
        folder.replace(rng);
      }
      for (int k = 0; k < 10; ++k) {
        folder.remove(rng);
        folder.add();
      }
      for (int k = 0; k < 4; ++k) {
        folder.change_series(rng);
      }
    }
    // Every other kill comes at a random moment of the second half of a run, where the checks
    // compose and write notices (before it, a run only reads the folder and the store; the window
    // is the last run that ended by itself, or a full sync's until one did); the others as soon
    // as the spool folder changes, which is the moment the issue is about: a message is in the
    // spool, and the process may not have recorded it yet.
    const double window = finished == 0 ? full_seconds : last_run_seconds;
    const bool at_spool = i % 2 == 1;
    const auto delay =
        std::chrono::microseconds(static_cast<long>((at_spool ? 3.0 : 0.45 + 0.6 * unit(rng)) * window * 1e6));
    std::error_code ec;
    const fs::file_time_type spool_before = fs::last_write_time(spool, ec);
    const KilledRun run = at_spool ? run_and_kill(sync, delay, log,
                                                  [&] {
                                                    std::error_code e;
                                                    return fs::last_write_time(spool, e) != spool_before;
                                                  })
                                   : run_and_kill(sync, delay, log);
    history << "run " << i << (at_spool ? ": kill when the spool changes, or after " : ": kill after ")
            << delay.count() / 1000 << " ms: " << describe_status(run.status) << " after "
            << static_cast<int>(run.seconds * 1000) << " ms\n";
    if (WIFSIGNALED(run.status)) {
      ++killed;
    } else {
      ++finished;
      last_run_seconds = run.seconds;
    }
  }
  ProcessResult last = run_process(sync);
  INFO("full sync " << full_seconds << " s, " << killed << " of " << k_kills << " runs killed, "
                    << std::chrono::duration<double>(Clock::now() - t0).count() << " s so far\n"
                    << history.str() << "last run: " << last.out << last.err);
  REQUIRE(last.exit_code == 0);
  CHECK(killed >= k_kills / 4);

  // What the final calendars call for: the REQUESTs a fresh store sends for them.
  ProcessResult reference = run_process(
      {kenesd_binary(), "--config", config_for(dir, folder.path, "reference"), "sync", "--once", "--now", now});
  REQUIRE(reference.exit_code == 0);
  std::set<Pair> invited;
  for (const auto& [file, sent] : outbox_by_file(dir.path() / "reference-state", folder.uids())) {
    if (sent.kind == "request") {
      invited.insert({sent.uid, sent.recipient});
    }
  }
  REQUIRE(invited.size() == 2 * folder.meetings.size() + folder.series.size());

  // Every message in the spool is one the outbox holds as sent; nothing is left in between.
  const std::map<std::string, Sent> outbox = outbox_by_file(state, folder.uids());
  // The last word to each pair: the spool's messages in the order they were written, those of one
  // moment in the outbox's order. A message the outbox does not know is read from its file.
  struct Word
  {
    fs::file_time_type written;
    std::int64_t id = 0;
    std::string kind;
  };
  std::map<Pair, Word> last_word;
  auto say = [&](const Pair& pair, const Word& w) {
    auto it = last_word.find(pair);
    if (it == last_word.end() || std::tie(it->second.written, it->second.id) < std::tie(w.written, w.id)) {
      last_word[pair] = w;
    }
  };
  int unknown = 0;
  std::string unknown_names;
  std::vector<fs::path> to_read; // the series' messages, and those the outbox does not know
  std::map<std::string, std::int64_t> ids;
  for (const std::string& name : names_in(spool)) {
    const fs::file_time_type written = fs::last_write_time(spool / name);
    auto row = outbox.find(name);
    if (row == outbox.end()) {
      if (++unknown <= 5) {
        unknown_names += " " + name;
      }
      to_read.push_back(spool / name);
      continue;
    }
    CHECK(row->second.state == "sent");
    if (row->second.kind == "warning") {
      continue;
    }
    if (row->second.uid.rfind("spool-crash-series-", 0) == 0) {
      to_read.push_back(spool / name);
      ids[(spool / name).string()] = row->second.id;
    } else {
      say({row->second.uid, row->second.recipient}, {written, row->second.id, row->second.kind});
    }
  }
  // Read from their files: a CANCEL of occurrences (each VEVENT with a RECURRENCE-ID) is no last
  // word about the series; what each message says about the occurrences is kept for the series.
  struct Said
  {
    fs::file_time_type written;
    std::int64_t id = 0;
    nlohmann::json message;
  };
  std::map<Pair, std::vector<Said>> series_said;
  for (const nlohmann::json& m : read_imip(to_read)) {
    const std::string method = m["method"].is_string() ? m["method"].get<std::string>() : "";
    if ((method == "REQUEST" || method == "CANCEL") && !m["events"].empty()) {
      std::string to = m["to"].get<std::string>();
      if (const auto lt = to.find('<'); lt != std::string::npos) {
        to = to.substr(lt + 1, to.find('>') - lt - 1);
      }
      const std::string file = m["file"].get<std::string>();
      const Pair pair{m["events"][0]["uid"].get<std::string>(), to};
      const Word word{fs::last_write_time(file), ids.contains(file) ? ids.at(file) : 0,
                      method == "REQUEST" ? "request" : "cancel"};
      const bool occurrences =
          method == "CANCEL" && std::all_of(m["events"].begin(), m["events"].end(),
                                            [](const nlohmann::json& e) { return !e["recurrence_id"].is_null(); });
      if (!occurrences) {
        say(pair, word);
      }
      series_said[pair].push_back({word.written, word.id, m});
    }
  }
  INFO(unknown << " spool files unknown to the outbox:" << unknown_names);
  CHECK(unknown == 0);
  // And every request or cancel the outbox holds as sent is in the spool.
  int missing = 0;
  for (const auto& [name, sent] : outbox) {
    if (sent.kind != "warning" && sent.state == "sent" && !fs::exists(spool / name)) {
      ++missing;
    }
    CHECK(sent.state != "sending");
    CHECK(sent.state != "pending");
  }
  CHECK(missing == 0);

  // The last word to each recipient: REQUEST for the invitations that stand, CANCEL for the rest.
  int wrong = 0;
  std::string wrong_pairs;
  for (const Pair& p : invited) {
    auto w = last_word.find(p);
    if (w == last_word.end() || w->second.kind != "request") {
      if (++wrong <= 5) {
        wrong_pairs += " " + p.first + "/" + p.second + ":" + (w == last_word.end() ? "none" : w->second.kind);
      }
    }
  }
  for (const auto& [p, w] : last_word) {
    if (!invited.contains(p) && w.kind != "cancel") {
      if (++wrong <= 5) {
        wrong_pairs += " " + p.first + "/" + p.second + ":" + w.kind + " (should be cancel)";
      }
    }
  }
  INFO(wrong << " pairs with the wrong last word:" << wrong_pairs);
  CHECK(wrong == 0);

  // Each occurrence ahead that a series' final calendar takes out (an EXDATE, a cancelled
  // override): the last message to each of its representatives that speaks of it takes it out —
  // its CANCEL, or a REQUEST of the series with the EXDATE or the cancelled override.
  int standing = 0;
  std::string standing_names;
  for (const auto& [name, series] : folder.series) {
    std::vector<int> out = series.exdates;
    out.insert(out.end(), series.cancelled.begin(), series.cancelled.end());
    for (const Pair& p : invited) {
      if (p.first != series.uid) {
        continue;
      }
      std::vector<Said>& said = series_said[p];
      std::sort(said.begin(), said.end(),
                [](const Said& a, const Said& b) { return std::tie(a.written, a.id) < std::tie(b.written, b.id); });
      for (int week : out) {
        const std::string rid = series_week(series, week);
        std::string verdict = "nothing";
        for (const Said& w : said) {
          const bool cancel = w.message["method"] == "CANCEL";
          bool master = false, names = false, takes_out = false;
          for (const nlohmann::json& e : w.message["events"]) {
            if (e["recurrence_id"].is_null()) {
              master = true;
              const nlohmann::json& ex = e["exdates"];
              takes_out = takes_out || cancel || std::find(ex.begin(), ex.end(), rid) != ex.end();
            } else if (e["recurrence_id"] == rid) {
              names = true;
              takes_out = cancel || e["status"] == "CANCELLED";
            }
          }
          if (master || names) {
            verdict = takes_out ? "out" : "standing";
          }
        }
        if (verdict != "out" && ++standing <= 5) {
          standing_names += " " + p.first + "/" + p.second + "@" + rid + ":" + verdict;
        }
      }
    }
  }
  INFO(standing << " occurrences taken out whose last word does not take them out:" << standing_names);
  CHECK(standing == 0);
}
