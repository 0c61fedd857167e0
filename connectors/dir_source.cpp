#include "dir_source.hpp"

#include "calendar/ical_digest.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace kenes::connectors {

namespace fs = std::filesystem;

constexpr std::uintmax_t k_max_file_bytes = std::uintmax_t{512} << 20;

DirSource::DirSource(fs::path folder, std::size_t max_resource_bytes)
  : m_folder(std::move(folder))
  , m_max_resource_bytes(max_resource_bytes)
{
}

boost::asio::awaitable<Result<SourceOutcome>> DirSource::sync(const std::vector<KnownCollection>& known, DeltaSink sink)
{
  std::error_code ec;
  if (!fs::is_directory(m_folder, ec)) {
    co_return Error{ErrorKind::permanent, "'" + m_folder.string() + "' is not a folder"};
  }
  const std::string href = m_folder.string();
  const KnownCollection* before = nullptr;
  for (const KnownCollection& k : known) {
    if (k.href == href) {
      before = &k;
    }
  }
  std::vector<fs::directory_entry> files;
  for (fs::directory_iterator it(m_folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".ics" && it->is_regular_file(ec)) {
      files.push_back(*it);
    }
  }
  if (ec) {
    co_return Error{ErrorKind::permanent, "'" + m_folder.string() + "' cannot be listed: " + ec.message()};
  }
  std::sort(files.begin(), files.end());

  // The store holds one resource per UID: "file.ics#uid" (all with the file's ETag), or
  // "file.ics" itself when the file has no readable event (the daemon quarantines it).
  std::map<std::string, std::vector<std::string>> known_by_file; // file -> store hrefs
  std::map<std::string, std::string> etag_by_file;
  if (before) {
    for (const auto& [h, etag] : before->etags) {
      std::string file = h.substr(0, h.find('#'));
      known_by_file[file].push_back(h);
      etag_by_file[file] = etag;
    }
  }
  CollectionDelta delta;
  delta.href = href;
  delta.display_name = m_folder.filename().string();
  delta.full = true;
  bool changed = before == nullptr;
  std::size_t seen_files = 0;
  for (const fs::directory_entry& f : files) {
    std::string name = f.path().filename().string();
    auto size = f.file_size(ec);
    auto mtime = f.last_write_time(ec);
    std::string etag = std::to_string(size) + "-" + std::to_string(mtime.time_since_epoch().count());
    if (known_by_file.contains(name)) {
      ++seen_files;
      if (etag_by_file[name] == etag) {
        const auto& hrefs = known_by_file[name];
        delta.unchanged.insert(delta.unchanged.end(), hrefs.begin(), hrefs.end());
        continue;
      }
    }
    changed = true;
    // A folder's file may hold a whole export: the limit is on each of its events, and on the
    // file only at k_max_file_bytes.
    if (size > k_max_file_bytes) {
      delta.rejected.push_back({name, etag,
                                "larger than " + std::to_string(k_max_file_bytes / 1024) + " KiB (" +
                                    std::to_string(size / 1024) + " KiB)"});
      continue;
    }
    std::ifstream in(f.path(), std::ios::binary);
    if (!in) {
      delta.rejected.push_back({name, etag, "cannot be read"});
      continue;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string raw = ss.str();
    auto parts = calendar::split_by_uid(raw);
    if (parts.empty()) {
      delta.put.push_back({name, etag, std::move(raw)});
      continue;
    }
    for (calendar::UidPart& part : parts) {
      if (part.ics.size() > m_max_resource_bytes) {
        delta.rejected.push_back({name + "#" + part.uid, etag,
                                  "larger than " + std::to_string(m_max_resource_bytes / 1024) + " KiB (" +
                                      std::to_string(part.ics.size() / 1024) + " KiB)"});
        continue;
      }
      delta.put.push_back({name + "#" + part.uid, etag, std::move(part.ics)});
    }
  }
  if (seen_files != known_by_file.size()) {
    changed = true; // a file was deleted
  }
  SourceOutcome outcome;
  outcome.collections = {href};
  outcome.listing_complete = true;
  if (changed) {
    outcome.collections_read = 1;
    co_await sink(std::move(delta));
  }
  co_return outcome;
}

} // namespace kenes::connectors
