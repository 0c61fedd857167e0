// The one direct path of notices out of the process. Every other notice leaves through the
// outbox and its sender (outbox_sender.hpp); with the spool transport, the checks write the
// notices they composed themselves, one batch at a time, without waiting for the sender.
//
// The spool and the store agree after a crash at any moment (issue 23, item 3): a batch's
// transaction records its messages in the outbox as 'sending', with their bytes, together with
// the verdicts and the notice state that says who was invited; only after that commit are they
// written to the spool (each to a file without a name or a hidden temporary one, one syncfs,
// then renamed to its final name), and then recorded as sent, their bytes dropped. So the spool
// never holds a message the store does not know, and the store never believes a REQUEST sent
// that it could not send again: a crash between the commit and the record leaves the rows
// 'sending', and the next start (reconcile_spool) finds each one's file — sent — or writes it
// then, before any check can plan a CANCEL after it. A message the spool refused keeps its bytes
// and waits in the outbox ('pending') for the sender to retry.
#pragma once

#include "daemon/notices/outbox_records.hpp"
#include "daemon/store/state_store.hpp"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace kenes::daemon {

struct SpoolOutcome
{
  std::size_t sent = 0, refused = 0;
};

// Writes `rows` (claimed: 'sending' in the store, with their bytes) to the spool folder, then
// records in one transaction each written one as sent (logged as notice.sent) and each refused
// one as pending, due now, with the reason (logged once as notice.spool_refused with the first).
// `sync --once` counts the refused in notices_failed.
SpoolOutcome deliver_to_spool(StateStore& store, const std::filesystem::path& spool_dir, std::int64_t now,
                              std::vector<OutboxRow> rows);

// At start, before anything is checked or sent: every message a crash left 'sending' is recorded
// as sent when its spool file is there, and written now otherwise (in the order of the outbox,
// so a REQUEST is in the spool before a later CANCEL for it); spool files that no outbox row
// names (left by an older kenesd's crash) are counted and logged as spool.unknown_files.
struct SpoolReconciled
{
  std::size_t found = 0, written = 0, refused = 0, unknown_files = 0;
};
SpoolReconciled reconcile_spool(StateStore& store, const std::filesystem::path& spool_dir, std::int64_t now);

} // namespace kenes::daemon
