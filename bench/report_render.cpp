// The appendix report benchmark: render_appendix of one month from a synced store, in every
// format, against the 1 s target (bench/report_bench.sh fills the store).
//
//     bench_report_render CONFIG MONTH [RUNS]
#include "daemon/report/report_command.hpp"
#include "daemon/store/state_store.hpp"

#include "config/config.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

int main(int argc, char** argv)
{
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_report_render CONFIG MONTH [RUNS]\n");
    return 2;
  }
  const kenes::config::Config config = kenes::config::load_config(argv[1]);
  const int runs = argc > 3 ? std::stoi(argv[3]) : 3;
  auto store = kenes::daemon::StateStore::open(config.state_dir);
  bool ok = true;
  for (const char* format : {"json", "csv", "html", "xlsx"}) {
    double best = 1e9;
    std::size_t bytes = 0;
    for (int i = 0; i < runs; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      kenes::daemon::AppendixOutput out = kenes::daemon::render_appendix(*store, config, argv[2], format,
                                                                         static_cast<std::int64_t>(std::time(nullptr)));
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      bytes = out.body.size();
    }
    std::printf("format=%s seconds=%.3f bytes=%zu target=1.000 %s\n", format, best, bytes,
                best <= 1.0 ? "ok" : "MISSED");
    ok = ok && best <= 1.0;
  }
  return ok ? 0 : 1;
}
