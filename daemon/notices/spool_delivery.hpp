// The one direct path of notices out of the process. Every other notice leaves through the
// outbox and its sender (outbox_sender.hpp); with the spool transport, the check lanes write the
// notices they composed at once, in one batch (one syncfs), and the batch's transaction records
// them as sent: the outbox never holds their bytes, and no sender reads them back.
//
// The spool makes this safe: the same Message-ID (it comes from the notice's key) written again
// is the same one file, so a crash or a failed batch before the commit only leads to the same
// files being found again when the UIDs are checked again. A message the spool refused keeps its
// bytes and is queued in the outbox as any other, for the sender to retry.
#pragma once

#include "daemon/notices/outbox_records.hpp"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace kenes::daemon {

// Writes `messages` to the spool folder: each one written gets delivered_at = now and gives up its
// bytes; each refused one keeps them (logged once as notice.spool_refused with the first reason).
// Returns how many were refused: `sync --once` counts them in notices_failed.
std::size_t deliver_to_spool(const std::filesystem::path& spool_dir, std::int64_t now,
                             const std::vector<OutboxMessage*>& messages);

} // namespace kenes::daemon
