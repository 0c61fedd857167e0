// The daemon's own counters for `/metrics` (Prometheus text format 0.0.4): sync durations as a
// histogram and errors per source, meetings whose check failed, HTTP requests of the admin server. What the store knows
// (meetings by verdict, findings by rule, outbox by state) is added by the admin page when it
// renders. Safe to use from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace kenes::daemon {

class Metrics
{
public:
  static constexpr std::array<double, 10> k_sync_buckets{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120};

  void sync_finished(const std::string& source, double seconds, bool failed);
  // Meetings whose check began to throw (check.failed; left queued and retried by the next sync),
  // each counted once until it is checked or changes; and how many fail now (a gauge).
  void checks_failed(int count, int failing_now);
  int checks_failing() const;
  void http_request(std::string_view route, int status);
  // The text of every metric this object holds, with HELP and TYPE lines.
  std::string render() const;

private:
  struct Histogram
  {
    std::array<std::uint64_t, k_sync_buckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex m_mutex;
  std::map<std::string, Histogram> m_sync;
  std::map<std::string, std::uint64_t> m_sync_errors;
  std::uint64_t m_check_failures = 0;
  int m_checks_failing = 0;
  std::map<std::pair<std::string, int>, std::uint64_t> m_http;
};

// A label value in Prometheus' quoting (backslash, double quote and newline escaped).
std::string prometheus_label(std::string_view v);

} // namespace kenes::daemon
