// /metrics: the Prometheus text of the counters and the dashboard's aggregates.
#include "daemon/admin/admin_pages.hpp"
#include "daemon/admin/metrics.hpp"

namespace kenes::daemon {

namespace cal = kenes::calendar;

AdminResponse AdminPages::metrics_page(const PageContext& ctx)
{
  std::shared_ptr<const Dashboard> d = dashboard();
  std::string out = m_metrics.render();
  out += "# HELP kenes_meetings Meetings in the store by verdict.\n# TYPE kenes_meetings gauge\n";
  for (const char* v : {"ok", "warning", "invalid"}) {
    auto it = d->verdicts.find(v);
    out += std::string("kenes_meetings{verdict=\"") + v + "\"} " +
           std::to_string(it == d->verdicts.end() ? 0 : it->second) + "\n";
  }
  // The rules by name in the admin's language (the label keeps the id).
  out += "# HELP kenes_findings Findings of the stored meetings by rule:";
  for (const cal::RuleInfo& r : cal::all_rules()) {
    out += std::string(&r == cal::all_rules().data() ? " " : "; ") + std::string(r.name) + " — " +
           std::string(cal::rule_title(r.id, ctx.lang));
  }
  out += ".\n# TYPE kenes_findings gauge\n";
  for (const auto& [rule, n] : d->findings) {
    out += "kenes_findings{rule=\"" + prometheus_label(rule) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP kenes_outbox_messages Notices in the outbox by state.\n# TYPE kenes_outbox_messages gauge\n";
  for (const char* s : {"pending", "held", "sending", "sent", "failed", "digested", "suppressed"}) {
    auto it = d->outbox.find(s);
    out += std::string("kenes_outbox_messages{state=\"") + s + "\"} " +
           std::to_string(it == d->outbox.end() ? 0 : it->second) + "\n";
  }
  out += "# HELP kenes_source_up 1 when the source's last sync succeeded.\n# TYPE kenes_source_up gauge\n";
  for (const SourceStatus& s : d->sources) {
    out += "kenes_source_up{source=\"" + prometheus_label(s.id) + "\"} " + (s.degraded ? "0" : "1") + "\n";
  }
  out += "# HELP kenes_source_removals_held 1 while removals over max_removal_percent are held back.\n"
         "# TYPE kenes_source_removals_held gauge\n";
  for (const SourceStatus& s : d->sources) {
    out += "kenes_source_removals_held{source=\"" + prometheus_label(s.id) + "\"} " +
           (s.degraded && s.error_kind == "removals" ? "1" : "0") + "\n";
  }
  AdminResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = std::move(out);
  r.route = "/metrics";
  return r;
}

} // namespace kenes::daemon
