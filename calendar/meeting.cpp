#include "meeting.hpp"

#include <algorithm>
#include <array>

namespace kenes::calendar {

namespace {

constexpr std::array<std::string_view, 6> k_kinds{"selector",    "operative",   "government_session",
                                                   "kso_session", "interagency", "internal"};
constexpr std::array<std::string_view, 4> k_formats{"in_person", "selector", "video", "hybrid"};
constexpr std::array<std::string_view, 6> k_venues{"government", "presidential_administration", "central",
                                                   "local",      "parliament",                  "unknown"};

} // namespace

std::optional<Kind> parse_kind(std::string_view s)
{
  for (std::size_t i = 0; i < k_kinds.size(); ++i) {
    if (k_kinds[i] == s) {
      return static_cast<Kind>(i);
    }
  }
  return std::nullopt;
}

std::string_view to_string(Kind k)
{
  return k_kinds[static_cast<std::size_t>(k)];
}

std::optional<Format> parse_format(std::string_view s)
{
  for (std::size_t i = 0; i < k_formats.size(); ++i) {
    if (k_formats[i] == s) {
      return static_cast<Format>(i);
    }
  }
  return std::nullopt;
}

std::string_view to_string(Format f)
{
  return k_formats[static_cast<std::size_t>(f)];
}

std::string_view to_string(Venue v)
{
  return k_venues[static_cast<std::size_t>(v)];
}

int MeetingFacts::central_body_count() const
{
  return static_cast<int>(
    std::count_if(bodies.begin(), bodies.end(), [](const Body* b) { return b->kind == BodyKind::central; }));
}

bool MeetingFacts::has_central() const
{
  return central_body_count() > 0;
}

bool MeetingFacts::has_local() const
{
  return std::any_of(bodies.begin(), bodies.end(), [](const Body* b) { return b->kind == BodyKind::local; });
}

} // namespace kenes::calendar
