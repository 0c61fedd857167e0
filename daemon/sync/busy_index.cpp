#include "daemon/sync/busy_index.hpp"

#include "daemon/base/log.hpp"

#include "calendar/ical_reader.hpp"
#include "connectors/http_client.hpp"
#include "connectors/webdav_xml.hpp"

#include <set>

namespace kenes::daemon {

namespace cal = kenes::calendar;

namespace {

// The form in which collection URLs are compared: absolute, normalized, with a trailing slash.
std::string url_key(const std::string& url)
{
  std::string u = connectors::resolve_url(url, "");
  if (u.empty() || u.back() != '/') {
    u += '/';
  }
  return u;
}

} // namespace

BusyIndex::BusyIndex(StateStore& store)
  : m_store(store)
{
}

void BusyIndex::index(const std::shared_ptr<const config::Config>& config)
{
  if (m_index_config == config) {
    return;
  }
  m_index_config = config;
  m_emails_by_url.clear();
  for (const cal::Body& body : config->directory->bodies()) {
    for (const cal::Official& o : body.officials) {
      for (const std::string& url : o.calendars) {
        m_emails_by_url[url_key(url)].push_back(o.email);
      }
    }
  }
}

bool BusyIndex::is_busy_calendar(const std::shared_ptr<const config::Config>& config, const std::string& collection_url)
{
  index(config);
  return m_emails_by_url.contains(url_key(collection_url));
}

std::vector<std::string> BusyIndex::owners(const std::vector<std::string>& collection_urls)
{
  std::vector<std::string> emails;
  for (const std::string& url : collection_urls) {
    auto it = m_emails_by_url.find(url_key(url));
    if (it != m_emails_by_url.end()) {
      emails.insert(emails.end(), it->second.begin(), it->second.end());
    }
  }
  m_dirty = true;
  return emails;
}

bool BusyIndex::stale(const std::shared_ptr<const config::Config>& config) const
{
  return m_dirty || m_config != config;
}

void BusyIndex::rebuild(const std::shared_ptr<const config::Config>& config, cal::Instant now,
                        const std::function<void()>& progress)
{
  m_config = config;
  m_zone = std::make_unique<cal::RegimeZone>(config->timezone);
  m_busy = std::make_unique<cal::BusyCalendar>(config->regime, *m_zone);
  index(config);
  m_dirty = false;
  if (m_emails_by_url.empty()) {
    return;
  }
  const cal::ReadOptions options =
      cal::ReadOptions::around(*m_zone, now, config->regime.horizon_past_days, config->regime.horizon_days);
  std::set<std::string> found;
  for (const config::SourceConfig& s : config->sources) {
    for (const CollectionRow& c : m_store.collections(s.id)) {
      auto owners = m_emails_by_url.find(url_key(c.href));
      if (owners == m_emails_by_url.end()) {
        continue;
      }
      found.insert(owners->first);
      for (const ResourceRow& r : m_store.resources(c.id, true)) {
        if (r.raw.empty()) {
          continue;
        }
        if (progress) {
          progress();
        }
        cal::ReadResult read = cal::read_icalendar(r.raw, s.id + " " + r.href, options);
        for (const cal::EventSeries& series : read.series) {
          for (const cal::Occurrence& occ : series.occurrences) {
            const cal::EventData& ev = series.versions[occ.version];
            if (ev.transparent || ev.cancelled) {
              continue;
            }
            for (const std::string& email : owners->second) {
              m_busy->add(email, {occ.start, occ.end, series.uid, ev.summary});
            }
          }
        }
      }
    }
  }
  for (const auto& [url, emails] : m_emails_by_url) {
    if (!found.contains(url)) {
      log(LogLevel::warning, "busy.calendar_not_synced",
          "calendar=" + log_value(connectors::redact_url(url)) + " official=" + log_value(emails.front()) +
              " reason=\"no configured source has this collection; add it to a caldav source\"");
    }
  }
}

} // namespace kenes::daemon
