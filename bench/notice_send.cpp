// The notice benchmark's kenesd side (issue 4): queues the .eml files of a folder in a fresh
// store's outbox and delivers them with the daemon's OutboxSender to an SMTP URL, timing the
// delivery only. Prints "sent=N failed=N seconds=S rate=R".
#include "daemon/notices/outbox_sender.hpp"
#include "daemon/store/state_store.hpp"

#include "config/config.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace fs = std::filesystem;
using namespace kenes;

int main(int argc, char** argv)
{
  if (argc != 5) {
    std::cerr << "usage: bench_notice_send EML_DIR RCPT SMTP_URL STATE_DIR\n";
    return 2;
  }
  fs::path folder = argv[1];
  std::string rcpt = argv[2], url = argv[3];
  auto store = daemon::StateStore::open(argv[4]);
  daemon::NoticeUpdate update;
  int n = 0;
  for (const auto& e : fs::directory_iterator(folder)) {
    if (e.path().extension() != ".eml") {
      continue;
    }
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string id = "bench-" + std::to_string(n++);
    update.messages.push_back({id, id + "@bench", "request", rcpt, "kenes@gov.kz", ss.str(), "pending", {}, false});
  }
  store->finish_check("bench", std::nullopt, {}, update);
  std::string text = R"({"timezone": "Asia/Almaty", "directory": {"bodies": []}, "notices": {"transport": "smtp",
    "smtp": {"url": ")" +
                     url + R"(", "starttls": "never"}}})";
  config::Config cfg = config::parse_config(text, fs::path(argv[4]) / "bench.json");
  daemon::OutboxSender sender(*store, cfg, [] { return static_cast<calendar::Instant>(std::time(nullptr)); });
  auto t0 = std::chrono::steady_clock::now();
  daemon::DeliveryTotals t = sender.deliver_due_blocking();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("sent=%d failed=%d seconds=%.3f rate=%.1f\n", t.sent, t.failed, s, t.sent / s);
  return t.failed == 0 && t.sent == n ? 0 : 1;
}
