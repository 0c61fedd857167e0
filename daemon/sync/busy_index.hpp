// Who is busy when, from the officials' calendars (directory `calendars`): collections that some
// configured source syncs, whose events (but transparent or cancelled ones) make the official
// busy (SPEC §4 `conflict.busy`). Built from the store, rebuilt when one of those calendars or
// the config changed. Touched by one thread at a time (the sync engine's worker); the checks of
// a batch read it while no rebuild can happen (CheckQueue waits for them first).
#pragma once

#include "daemon/store/state_store.hpp"

#include "calendar/busy.hpp"
#include "calendar/time.hpp"
#include "config/config.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kenes::daemon {

class BusyIndex
{
public:
  explicit BusyIndex(StateStore& store);

  // True when `collection_url` is an official's calendar of this config.
  bool is_busy_calendar(const std::shared_ptr<const config::Config>& config, const std::string& collection_url);
  // The officials whose calendars these are; the index is rebuilt before the next check.
  std::vector<std::string> owners(const std::vector<std::string>& collection_urls);
  // Whether rebuild must run before the next check.
  bool stale(const std::shared_ptr<const config::Config>& config) const;
  // `progress` is called for each calendar resource read.
  void rebuild(const std::shared_ptr<const config::Config>& config, calendar::Instant now,
               const std::function<void()>& progress = {});

  const calendar::RegimeZone& zone() const { return *m_zone; }
  const calendar::BusyCalendar& busy() const { return *m_busy; }

private:
  void index(const std::shared_ptr<const config::Config>& config);

  StateStore& m_store;
  std::shared_ptr<const config::Config> m_config; // the busy calendar refers to its regime
  std::unique_ptr<calendar::RegimeZone> m_zone;
  std::unique_ptr<calendar::BusyCalendar> m_busy;
  std::shared_ptr<const config::Config> m_index_config;            // of m_emails_by_url
  std::map<std::string, std::vector<std::string>> m_emails_by_url; // official calendars
  bool m_dirty = true;
};

} // namespace kenes::daemon
