// What read_icalendar parsed, kept for an ItipEvent of the same text (ReadOptions::keep_tree):
// one VCALENDAR holding the input's VTIMEZONEs and VEVENTs, or the whole input as libical read
// it. Only calendar/ sees libical's types; elsewhere it is an opaque handle.
#pragma once

#include <libical/ical.h>

#include <string>
#include <unordered_map>

namespace kenes::calendar {

struct IcalTree
{
  IcalTree() = default;
  ~IcalTree()
  {
    if (root) {
      icalcomponent_free(root);
    }
  }
  IcalTree(const IcalTree&) = delete;
  IcalTree& operator=(const IcalTree&) = delete;

  // Read only: libical's component iterators live in the components, so one tree is used by one
  // thread at a time.
  icalcomponent* root = nullptr;
  // The text of each property of the tree (icalproperty_as_ical_string_r) when resource_meaning
  // parsed it, for ItipEvent::versions of the same tree; empty otherwise. Made before the tree is
  // shared, read only afterwards.
  std::unordered_map<const icalproperty*, std::string> property_texts;
};

} // namespace kenes::calendar
