#include "daemon/admin/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace kenes::daemon {

namespace {

std::string number(double v)
{
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

} // namespace

std::string prometheus_label(std::string_view v)
{
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Metrics::sync_finished(const std::string& source, double seconds, bool failed)
{
  std::lock_guard lock(m_mutex);
  Histogram& h = m_sync[source];
  for (std::size_t i = 0; i < k_sync_buckets.size(); ++i) {
    if (seconds <= k_sync_buckets[i]) {
      ++h.buckets[i];
    }
  }
  ++h.count;
  h.sum += seconds;
  std::uint64_t& errors = m_sync_errors[source];
  if (failed) {
    ++errors;
  }
}

void Metrics::checks_failed(int count, int failing_now)
{
  std::lock_guard lock(m_mutex);
  m_check_failures += static_cast<std::uint64_t>(std::max(0, count));
  m_checks_failing = std::max(0, failing_now);
}

int Metrics::checks_failing() const
{
  std::lock_guard lock(m_mutex);
  return m_checks_failing;
}

void Metrics::http_request(std::string_view route, int status)
{
  std::lock_guard lock(m_mutex);
  ++m_http[{std::string(route), status}];
}

std::string Metrics::render() const
{
  std::lock_guard lock(m_mutex);
  std::string out;
  out += "# HELP kenes_sync_duration_seconds Time of one sync of a source, checks included.\n"
         "# TYPE kenes_sync_duration_seconds histogram\n";
  for (const auto& [source, h] : m_sync) {
    const std::string label = "source=\"" + prometheus_label(source) + "\"";
    for (std::size_t i = 0; i < k_sync_buckets.size(); ++i) {
      out += "kenes_sync_duration_seconds_bucket{" + label + ",le=\"" + number(k_sync_buckets[i]) + "\"} " +
             std::to_string(h.buckets[i]) + "\n";
    }
    out += "kenes_sync_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    out += "kenes_sync_duration_seconds_sum{" + label + "} " + number(h.sum) + "\n";
    out += "kenes_sync_duration_seconds_count{" + label + "} " + std::to_string(h.count) + "\n";
  }
  out += "# HELP kenes_sync_errors_total Syncs of a source that failed.\n"
         "# TYPE kenes_sync_errors_total counter\n";
  for (const auto& [source, n] : m_sync_errors) {
    out += "kenes_sync_errors_total{source=\"" + prometheus_label(source) + "\"} " + std::to_string(n) + "\n";
  }
  // Failures, not attempts: a meeting that keeps failing is retried at every sync, counted once
  // (again when it changes); kenes_meetings_check_failing says how many fail now.
  out += "# HELP kenes_check_failures_total Meetings whose check began to fail (left queued and retried by every "
         "sync); each counted once until it is checked or changes.\n"
         "# TYPE kenes_check_failures_total counter\n"
         "kenes_check_failures_total " +
         std::to_string(m_check_failures) + "\n";
  out += "# HELP kenes_meetings_check_failing Meetings whose last check failed (not checked since).\n"
         "# TYPE kenes_meetings_check_failing gauge\n"
         "kenes_meetings_check_failing " +
         std::to_string(m_checks_failing) + "\n";
  out += "# HELP kenes_http_requests_total Requests answered by the admin server.\n"
         "# TYPE kenes_http_requests_total counter\n";
  for (const auto& [key, n] : m_http) {
    out += "kenes_http_requests_total{route=\"" + prometheus_label(key.first) + "\",code=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
  }
  return out;
}

} // namespace kenes::daemon
