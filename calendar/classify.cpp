#include "classify.hpp"

#include "text.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>

namespace kenes::calendar {

namespace {

bool contains_keyword(const std::string& haystack_lower, const std::vector<std::string>& keywords)
{
  return std::any_of(keywords.begin(), keywords.end(),
                     [&](const std::string& k) { return !k.empty() && haystack_lower.find(k) != std::string::npos; });
}

void add_body(std::vector<const Body*>& bodies, const Body* b)
{
  if (b && std::find(bodies.begin(), bodies.end(), b) == bodies.end()) {
    bodies.push_back(b);
  }
}

Kind detect_kind(const EventData& ev, const Regime& regime, const std::string& summary_lower, std::size_t body_count,
                 bool one_body, bool named_kso)
{
  if (ev.x_kind) {
    if (auto k = parse_kind(*ev.x_kind)) {
      return *k;
    }
  }
  for (const std::string& c : ev.categories) {
    if (auto k = parse_kind(ascii_lower(trim(c)))) {
      return *k;
    }
  }
  // One body alone is internal whatever the words (SPEC §3): an akimat's attestation commission
  // is no KSO session of the order.
  if (one_body) {
    return Kind::internal;
  }
  if (named_kso) {
    return Kind::kso_session;
  }
  for (const auto& [kind, words] : regime.lexicon.kind) {
    if (contains_keyword(summary_lower, words)) {
      return kind;
    }
  }
  return body_count >= 2 ? Kind::interagency : Kind::internal;
}

// "Докладчик: Минфин, Даулетова Д.С." -> the text after the label of each line that starts with
// one of `labels` (lower case, with the colon), case-insensitively.
std::vector<std::string> labelled_values(const std::string& description, std::initializer_list<std::string_view> labels)
{
  std::vector<std::string> out;
  // Only the head of a line can hold a label: lower-cased is what a label can match, one byte
  // more (utf8_lower keeps every character's byte length, so a letter cut in two there is beyond
  // any label's bytes).
  std::size_t head = 0;
  for (std::string_view label : labels) {
    head = std::max(head, label.size() + 1);
  }
  std::size_t at = 0;
  while (at <= description.size()) {
    std::size_t nl = description.find('\n', at);
    std::string_view line =
        trim(std::string_view(description).substr(at, nl == std::string::npos ? std::string::npos : nl - at));
    std::string lower = utf8_lower(line.substr(0, head));
    for (std::string_view label : labels) {
      if (lower.rfind(label, 0) == 0) {
        // utf8_lower keeps the byte length of Cyrillic letters, so the label's bytes are the line's.
        out.emplace_back(trim(line.substr(label.size())));
        break;
      }
    }
    if (nl == std::string::npos) {
      break;
    }
    at = nl + 1;
  }
  return out;
}

std::vector<std::string> split_names(const std::string& values)
{
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= values.size()) {
    std::size_t sep = values.find_first_of(",;", at);
    std::string_view piece =
        trim(std::string_view(values).substr(at, sep == std::string::npos ? std::string::npos : sep - at));
    while (!piece.empty() && piece.back() == '.' && piece.find('.') == piece.size() - 1) {
      piece.remove_suffix(1); // "Минфин." at the end of a sentence, not "Д.С."
    }
    if (!piece.empty()) {
      out.emplace_back(utf8_lower(piece));
    }
    if (sep == std::string::npos) {
      break;
    }
    at = sep + 1;
  }
  return out;
}

// A body or an official the directory knows by `name_lower`: a body's name (any language), short
// name, id or group address; an official's name or e-mail.
AddressMatch lookup_name(const std::string& name_lower, const Directory& directory)
{
  std::string address = name_lower.rfind("mailto:", 0) == 0 ? name_lower.substr(7) : name_lower;
  if (address.find('@') != std::string::npos) {
    if (auto m = directory.lookup(address)) {
      return *m;
    }
    return {};
  }
  for (const Body& b : directory.bodies()) {
    bool named = utf8_lower(b.short_name) == name_lower || ascii_lower(b.id) == name_lower;
    for (const auto& [lang, n] : b.name) {
      named = named || utf8_lower(n) == name_lower;
    }
    if (named && !name_lower.empty()) {
      return {&b, nullptr};
    }
    for (const Official& o : b.officials) {
      if (!o.name.empty() && utf8_lower(o.name) == name_lower) {
        return {&b, &o};
      }
    }
  }
  return {};
}

template <typename T> void add_unique(std::vector<const T*>& v, const T* x)
{
  if (x && std::find(v.begin(), v.end(), x) == v.end()) {
    v.push_back(x);
  }
}

bool is_word_char(unsigned char c)
{
  return c >= 0x80 || std::isalnum(c) || c == '-' || c == '_';
}

// `word` occurs in `text` not inside a longer word.
bool has_word(const std::string& text, const std::string& word)
{
  if (word.empty()) {
    return false;
  }
  for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    bool left = at == 0 || !is_word_char(static_cast<unsigned char>(text[at - 1]));
    std::size_t after = at + word.size();
    bool right = after >= text.size() || !is_word_char(static_cast<unsigned char>(text[after]));
    if (left && right) {
      return true;
    }
  }
  return false;
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
  if (ev.has_conference || names_video_host(location_lower, regime) || names_video_host(ascii_lower(ev.url), regime)) {
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

OrganizerMarks read_marks(const EventData& ev, const Directory& directory)
{
  OrganizerMarks marks;
  if (ev.description.empty()) {
    return marks;
  }
  for (const std::string& line : labelled_values(ev.description, {"основной докладчик:", "докладчик:"})) {
    for (const std::string& name : split_names(line)) {
      add_unique(marks.speaker_bodies, lookup_name(name, directory).body);
    }
  }
  for (const std::string& line : labelled_values(ev.description, {"замена согласована:"})) {
    for (const std::string& name : split_names(line)) {
      add_unique(marks.approved, lookup_name(name, directory).official);
    }
  }
  for (const std::string& line : labelled_values(ev.description, {"онлайн:", "по вкс:"})) {
    for (const std::string& name : split_names(line)) {
      AddressMatch m = lookup_name(name, directory);
      if (m.official) {
        add_unique(marks.remote_officials, m.official);
      } else {
        add_unique(marks.remote_bodies, m.body);
      }
    }
  }
  return marks;
}

bool attends_remotely(const OrganizerMarks& marks, const Attendee* attendee, const Body& body, const Official& official)
{
  return (attendee && attendee->remote) ||
         std::find(marks.remote_officials.begin(), marks.remote_officials.end(), &official) !=
             marks.remote_officials.end() ||
         std::find(marks.remote_bodies.begin(), marks.remote_bodies.end(), &body) != marks.remote_bodies.end();
}

const Kso* named_kso(const EventData& ev, const Directory& directory)
{
  if (ev.x_kso) {
    return directory.kso(*ev.x_kso); // the X-KENES form wins, even when it names no KSO
  }
  std::string summary = utf8_lower(ev.summary);
  for (const Kso& k : directory.kso_list()) {
    std::string id = utf8_lower(k.id);
    std::string name = utf8_lower(k.name);
    for (const std::string& c : ev.categories) {
      std::string t = utf8_lower(trim(c));
      if (t == id || (!name.empty() && t == name)) {
        return &k;
      }
    }
    if (has_word(summary, id) || has_word(summary, name)) {
      return &k;
    }
  }
  return nullptr;
}

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

  m.kso = named_kso(ev, directory);
  for (const std::string& c : ev.categories) {
    std::string t = utf8_lower(trim(c));
    bool names_kso = m.kso && (t == utf8_lower(m.kso->id) || t == utf8_lower(m.kso->name));
    if (!parse_kind(t) && !names_kso && std::find(m.topics.begin(), m.topics.end(), t) == m.topics.end()) {
      m.topics.push_back(t);
    }
  }
  for (const std::string& c : ev.x_topics) {
    std::string t = utf8_lower(trim(c));
    if (std::find(m.topics.begin(), m.topics.end(), t) == m.topics.end()) {
      m.topics.push_back(t);
    }
  }
  // The X-KENES form wins when both are present (SPEC §3).
  OrganizerMarks marks = read_marks(ev, directory);
  if (m.speaker_bodies.empty()) {
    m.speaker_bodies = std::move(marks.speaker_bodies);
  }
  if (std::none_of(ev.attendees.begin(), ev.attendees.end(),
                   [](const Attendee& a) { return a.substitution_approved; })) {
    m.approved = std::move(marks.approved);
  }

  std::string summary_lower = utf8_lower(ev.summary);
  // One body alone: the chair's, with no counted attendee of another body of the directory.
  const bool one_body = m.chair_body && m.bodies.size() == 1;
  m.kind = detect_kind(ev, regime, summary_lower, m.bodies.size(), one_body, m.kso != nullptr);
  m.format = detect_format(ev, regime, summary_lower);
  m.venue = detect_venue(m);
  return m;
}

} // namespace kenes::calendar
