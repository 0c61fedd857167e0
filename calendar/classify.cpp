#include "classify.hpp"

#include "text.hpp"

#include <algorithm>

namespace kenes::calendar {

namespace {

bool contains_keyword(const std::string& haystack_lower, const std::vector<std::string>& keywords)
{
  return std::any_of(keywords.begin(), keywords.end(), [&](const std::string& k) {
    return !k.empty() && haystack_lower.find(k) != std::string::npos;
  });
}

void add_body(std::vector<const Body*>& bodies, const Body* b)
{
  if (b && std::find(bodies.begin(), bodies.end(), b) == bodies.end()) {
    bodies.push_back(b);
  }
}

Kind detect_kind(const EventData& ev, const Regime& regime, const std::string& summary_lower, std::size_t body_count)
{
  if (ev.x_kind) {
    if (auto k = parse_kind(*ev.x_kind)) {
      return *k;
    }
  }
  for (const std::string& c : ev.categories) {
    if (auto k = parse_kind(ascii_lower(c))) {
      return *k;
    }
  }
  for (const auto& [kind, words] : regime.lexicon.kind) {
    if (contains_keyword(summary_lower, words)) {
      return kind;
    }
  }
  return body_count >= 2 ? Kind::interagency : Kind::internal;
}

bool names_video_host(const std::string& text_lower, const Regime& regime)
{
  return std::any_of(regime.video_hosts.begin(), regime.video_hosts.end(),
                     [&](const std::string& h) { return !h.empty() && text_lower.find(h) != std::string::npos; });
}

Format detect_format(const EventData& ev, const Regime& regime, const std::string& summary_lower)
{
  if (ev.x_format) {
    if (auto f = parse_format(*ev.x_format)) {
      return *f;
    }
  }
  std::string location_lower = utf8_lower(ev.location);
  if (ev.has_conference || names_video_host(location_lower, regime) ||
      names_video_host(ascii_lower(ev.url), regime)) {
    return Format::video;
  }
  for (const auto& [format, words] : regime.lexicon.format) {
    if (contains_keyword(location_lower, words) || contains_keyword(summary_lower, words)) {
      return format;
    }
  }
  return Format::in_person;
}

Venue detect_venue(const MeetingFacts& m)
{
  if (m.chair_official) {
    Rank r = m.chair_official->rank;
    if (is_government_level(r)) {
      return Venue::government;
    }
    if (m.kind == Kind::government_session) {
      return Venue::government;
    }
    if (r == Rank::presidential_assistant || r == Rank::presidential_adviser) {
      return Venue::presidential_administration;
    }
  }
  if (m.kind == Kind::government_session) {
    return Venue::government;
  }
  if (!m.chair_body) {
    return Venue::unknown;
  }
  switch (m.chair_body->kind) {
  case BodyKind::central:
    return Venue::central;
  case BodyKind::local:
    return Venue::local;
  case BodyKind::government:
    return Venue::government;
  case BodyKind::presidential_administration:
    return Venue::presidential_administration;
  case BodyKind::parliament:
    return Venue::parliament;
  }
  return Venue::unknown;
}

} // namespace

MeetingFacts classify(const EventData& ev, const Directory& directory, const Regime& regime)
{
  MeetingFacts m;
  m.event = &ev;
  auto chair = std::find_if(ev.attendees.begin(), ev.attendees.end(),
                            [](const Attendee& a) { return a.role == AttendeeRole::chair; });
  if (chair != ev.attendees.end()) {
    m.chair_uri = chair->uri;
    m.chair_address = chair->address;
  } else {
    m.chair_uri = ev.organizer_uri;
    m.chair_address = ev.organizer_address;
  }
  if (!m.chair_address.empty()) {
    if (auto match = directory.lookup(m.chair_address)) {
      m.chair_body = match->body;
      m.chair_official = match->official;
    }
  }
  add_body(m.bodies, m.chair_body);

  for (const Attendee& a : ev.attendees) {
    if (a.role == AttendeeRole::non_participant || a.address == m.chair_address || a.address.empty()) {
      continue;
    }
    Participant p{&a, nullptr, nullptr};
    if (auto match = directory.lookup(a.address)) {
      p.body = match->body;
      p.official = match->official;
      add_body(m.bodies, p.body);
      if (a.speaker) {
        add_body(m.speaker_bodies, p.body);
      }
    }
    m.counted.push_back(p);
  }

  for (const std::string& c : ev.categories) {
    std::string t = utf8_lower(trim(c));
    if (!parse_kind(t) && std::find(m.topics.begin(), m.topics.end(), t) == m.topics.end()) {
      m.topics.push_back(t);
    }
  }
  for (const std::string& c : ev.x_topics) {
    std::string t = utf8_lower(trim(c));
    if (std::find(m.topics.begin(), m.topics.end(), t) == m.topics.end()) {
      m.topics.push_back(t);
    }
  }
  if (ev.x_kso) {
    m.kso = directory.kso(*ev.x_kso);
  }

  std::string summary_lower = utf8_lower(ev.summary);
  m.kind = detect_kind(ev, regime, summary_lower, m.bodies.size());
  m.format = detect_format(ev, regime, summary_lower);
  m.venue = detect_venue(m);
  return m;
}

} // namespace kenes::calendar
