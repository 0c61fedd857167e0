#include "daemon/notices/spool_delivery.hpp"

#include "daemon/base/log.hpp"
#include "daemon/notices/outbox_sender.hpp"

#include "connectors/mail_transport.hpp"

#include <memory>
#include <set>
#include <string>
#include <utility>

namespace kenes::daemon {

namespace fs = std::filesystem;

SpoolOutcome deliver_to_spool(StateStore& store, const fs::path& spool_dir, std::int64_t now,
                              std::vector<OutboxRow> rows)
{
  SpoolOutcome outcome;
  if (rows.empty()) {
    return outcome;
  }
  std::vector<connectors::Envelope> envelopes;
  envelopes.reserve(rows.size());
  for (OutboxRow& r : rows) {
    envelopes.push_back({r.sender, r.recipient, r.message_id, std::move(r.message)});
  }
  std::unique_ptr<connectors::MailTransport> spool = connectors::make_spool_transport(spool_dir);
  const std::vector<connectors::Delivery> delivered = spool->deliver_all(envelopes);
  std::string reason;
  std::vector<bool> sent(rows.size(), false);
  store.with_transaction([&] {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i < delivered.size() && delivered[i].outcome == connectors::Delivery::Outcome::sent) {
        store.mark_sent(rows[i].id, now);
        sent[i] = true;
      } else {
        const std::string why = i < delivered.size() ? delivered[i].reply : "no outcome";
        store.mark_retry(rows[i].id, now, why);
        if (reason.empty()) {
          reason = why;
        }
      }
    }
  });
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (sent[i]) {
      ++outcome.sent;
      log_notice_sent(rows[i].kind, rows[i].recipient, rows[i].uid, rows[i].message_id);
    } else {
      ++outcome.refused;
    }
  }
  if (outcome.refused > 0) {
    log(LogLevel::warning, "notice.spool_refused",
        "count=" + std::to_string(outcome.refused) + " reason=" + log_value(reason) +
            " next=" + log_value("queued in the outbox for the sender to retry"));
  }
  return outcome;
}

SpoolReconciled reconcile_spool(StateStore& store, const fs::path& spool_dir, std::int64_t now)
{
  SpoolReconciled done;
  std::vector<OutboxRow> missing;
  std::vector<OutboxRow> found;
  for (OutboxRow& row : store.claimed()) {
    std::error_code ec;
    if (fs::exists(spool_dir / connectors::spool_file_name(row.message_id), ec)) {
      found.push_back(std::move(row));
    } else {
      missing.push_back(std::move(row));
    }
  }
  if (!found.empty()) {
    store.with_transaction([&] {
      for (const OutboxRow& row : found) {
        store.mark_sent(row.id, now);
      }
    });
    done.found = found.size();
  }
  const SpoolOutcome written = deliver_to_spool(store, spool_dir, now, std::move(missing));
  done.written = written.sent;
  done.refused = written.refused;
  if (done.found + done.written + done.refused > 0) {
    log(LogLevel::warning, "notice.spool_reconciled",
        "found=" + std::to_string(done.found) + " written=" + std::to_string(done.written) +
            " refused=" + std::to_string(done.refused) +
            " reason=" + log_value("a stop came between recording these messages and writing them to the spool"));
  }
  // The outbox's Message-IDs (every one ever queued) are read only when the spool holds a
  // message: once the mail system has taken the files, it is empty at most starts.
  std::vector<std::string> waiting;
  std::error_code ec;
  for (fs::directory_iterator it(spool_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > 4 && name.front() != '.' && name.ends_with(".eml")) {
      waiting.push_back(name);
    }
  }
  std::string first;
  if (!waiting.empty()) {
    std::set<std::string> known;
    for (const std::string& id : store.outbox_message_ids()) {
      known.insert(connectors::spool_file_name(id));
    }
    for (const std::string& name : waiting) {
      if (!known.contains(name) && done.unknown_files++ == 0) {
        first = name;
      }
    }
  }
  if (done.unknown_files > 0) {
    log(LogLevel::warning, "spool.unknown_files",
        "path=" + log_value(spool_dir.string()) + " count=" + std::to_string(done.unknown_files) +
            " first=" + log_value(first) + " reason=" +
            log_value("messages in the spool that the outbox does not know (an older kenesd's crash, or "
                      "written by someone else); left as they are"));
  }
  return done;
}

} // namespace kenes::daemon
