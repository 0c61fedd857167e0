// Fills a state store with N meetings (issue 5's admin benchmark): each with a finding or two and
// a weekly occurrence list, spread over the weeks around now, as the checker would store them.
// usage: bench_admin_fill STATE_DIR COUNT
#include "daemon/store/state_store.hpp"

#include <ctime>
#include <iostream>
#include <string>

int main(int argc, char** argv)
{
  if (argc != 3) {
    std::cerr << "usage: bench_admin_fill STATE_DIR COUNT\n";
    return 2;
  }
  const int count = std::stoi(argv[2]);
  auto store = kenes::daemon::StateStore::open(argv[1]);
  store->ensure_source("bench", "dir");
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  const std::int64_t monday = now - now % (7 * 86400) + 4 * 86400 - 5 * 3600; // a Monday 00:00 +05:00
  const char* rules[] = {"hours.interagency", "day.regime", "materials.agenda", "attendance.one_per_body"};
  const char* verdicts[] = {"ok", "warning", "invalid"};
  int done = 0;
  while (done < count) {
    store->with_transaction([&] {
      for (int k = 0; k < 1000 && done < count; ++k, ++done) {
        const int i = done;
        const std::int64_t start = monday + (i % 26 - 13) * 7 * 86400 + (i % 5) * 86400 + (9 + i % 8) * 3600;
        const std::string verdict = verdicts[i % 3];
        const std::string rule = rules[i % 4];
        kenes::daemon::MeetingRow m;
        m.uid = "bench-" + std::to_string(i);
        m.source_id = "bench";
        m.summary = "Совещание по вопросам бюджета № " + std::to_string(i);
        m.start = start;
        m.end = start + 3600;
        m.verdict = verdict;
        m.json = R"({"uid":")" + m.uid + R"(","summary":")" + m.summary + R"(","verdict":")" + verdict +
                 R"(","findings":[{"rule":")" + rule + R"(","severity":"warning","ref":"order p.2"}]})";
        m.first_seen = now;
        m.checked_at = now;
        m.occurrences = {{start, start + 3600, verdict}};
        store->put_meeting(m);
      }
    });
  }
  store->checkpoint();
  std::cout << "meetings=" << store->meeting_count() << "\n";
  return 0;
}
