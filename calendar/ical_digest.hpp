// What a stored calendar resource means, independent of how it was exported: feeds and servers
// rewrite DTSTAMP and LAST-MODIFIED on every export, reorder properties and components; none of
// that is a change of the meeting.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kenes::calendar {

struct IcalTree; // ical_tree.hpp

struct ResourceMeaning
{
  bool parsed = false;           // libical could read a VCALENDAR from it
  std::vector<std::string> uids; // the UIDs of its VEVENTs, in order, without repeats
  std::string digest;            // 16 hex digits; equal digests = the same meaning
};

// FNV-1a, 64 bits, as 16 hex digits: a change detector and key maker compared only with values
// made the same way, not a security boundary. Another `basis` gives an independent digest.
std::string fnv_digest(std::string_view s, std::uint64_t basis = 14695981039346656037ull);
// The same in steps: fnv_hex(fnv_update(fnv_update(basis, a), b)) == fnv_digest(a + b, basis).
std::uint64_t fnv_update(std::uint64_t h, std::string_view s);
std::string fnv_hex(std::uint64_t h);

// Digest of the text with DTSTAMP, LAST-MODIFIED and PRODID left out and properties and
// components in a canonical order. Unparseable text is digested as it is. With `keep`, the tree
// libical parsed from the text is handed over there (nothing when it parsed none), so that
// read_icalendar of the same text need not parse it again.
ResourceMeaning resource_meaning(std::string_view ics, std::shared_ptr<IcalTree>* keep = nullptr);

// One VCALENDAR per UID (with every VTIMEZONE of the input), for feeds that put all their
// events in one file: each UID becomes a resource of its own, so a change to one event re-checks
// that event only.
struct UidPart
{
  std::string uid;
  std::string ics;
};
std::vector<UidPart> split_by_uid(std::string_view ics);

} // namespace kenes::calendar
