#include "directory.hpp"

#include "text.hpp"

#include <array>

namespace kenes::calendar {

namespace {

constexpr std::array<std::string_view, k_rank_count> k_rank_names{"prime_minister",
                                                                  "deputy_prime_minister",
                                                                  "head_of_government_office",
                                                                  "presidential_assistant",
                                                                  "presidential_adviser",
                                                                  "minister",
                                                                  "vice_minister",
                                                                  "committee_chair",
                                                                  "deputy_committee_chair",
                                                                  "director",
                                                                  "akim",
                                                                  "first_deputy_akim",
                                                                  "deputy_akim",
                                                                  "head_of_staff",
                                                                  "head_of_department"};

constexpr std::array<std::string_view, 5> k_body_kind_names{"central", "local", "government",
                                                            "presidential_administration", "parliament"};

} // namespace

std::optional<Rank> parse_rank(std::string_view s)
{
  for (std::size_t i = 0; i < k_rank_names.size(); ++i) {
    if (k_rank_names[i] == s) {
      return static_cast<Rank>(i);
    }
  }
  return std::nullopt;
}

std::string_view to_string(Rank r)
{
  return k_rank_names[static_cast<std::size_t>(r)];
}

std::optional<BodyKind> parse_body_kind(std::string_view s)
{
  for (std::size_t i = 0; i < k_body_kind_names.size(); ++i) {
    if (k_body_kind_names[i] == s) {
      return static_cast<BodyKind>(i);
    }
  }
  return std::nullopt;
}

std::string_view to_string(BodyKind k)
{
  return k_body_kind_names[static_cast<std::size_t>(k)];
}

bool is_government_level(Rank r)
{
  return r == Rank::prime_minister || r == Rank::deputy_prime_minister || r == Rank::head_of_government_office;
}

const std::string& name_in(const Names& names, std::string_view lang, const std::string& fallback)
{
  for (std::string_view l : {lang, std::string_view("ru")}) {
    if (auto it = names.find(std::string(l)); it != names.end() && !it->second.empty()) {
      return it->second;
    }
  }
  return fallback;
}

const std::string& Body::display_name(std::string_view lang) const
{
  return name_in(name, lang, id);
}

const std::string& Directory::topic_name(const std::string& tag, std::string_view lang) const
{
  auto topic = m_topics.find(tag);
  return topic == m_topics.end() ? tag : name_in(topic->second, lang, tag);
}

std::string Directory::topics_in_words(std::string_view tags, std::string_view lang) const
{
  std::string out;
  while (!tags.empty()) {
    const std::size_t comma = tags.find(',');
    std::string_view tag = tags.substr(0, comma);
    tags = comma == std::string_view::npos ? std::string_view() : tags.substr(comma + 1);
    while (!tag.empty() && tag.front() == ' ') {
      tag.remove_prefix(1);
    }
    while (!tag.empty() && tag.back() == ' ') {
      tag.remove_suffix(1);
    }
    if (!tag.empty()) {
      out += (out.empty() ? "" : ", ") + topic_name(std::string(tag), lang);
    }
  }
  return out;
}

std::string normalize_address(std::string_view uri)
{
  std::string s = ascii_lower(trim(uri));
  if (s.rfind("mailto:", 0) == 0) {
    s.erase(0, 7);
  }
  return s;
}

Directory::Directory(std::vector<Body> bodies, std::vector<Kso> kso)
  : m_bodies(std::move(bodies))
  , m_kso(std::move(kso))
{
  index();
}

void Directory::index()
{
  for (const Body& b : m_bodies) {
    for (const Official& o : b.officials) {
      m_by_email.emplace(o.email, AddressMatch{&b, &o});
    }
    if (!b.group_address.empty()) {
      m_by_group.emplace(b.group_address, &b);
    }
    for (const std::string& d : b.domains) {
      m_by_domain.emplace(d, &b);
    }
  }
}

std::optional<AddressMatch> Directory::lookup(std::string_view address) const
{
  std::string a(address);
  if (auto it = m_by_email.find(a); it != m_by_email.end()) {
    return it->second;
  }
  if (auto it = m_by_group.find(a); it != m_by_group.end()) {
    return AddressMatch{it->second, nullptr};
  }
  // By domain: the part after '@', or the whole address when it is a bare domain ("mailto:minfin.gov.kz").
  auto at = a.rfind('@');
  std::string domain = at == std::string::npos ? a : a.substr(at + 1);
  if (auto it = m_by_domain.find(domain); it != m_by_domain.end()) {
    return AddressMatch{it->second, nullptr};
  }
  return std::nullopt;
}

const Body* Directory::body(std::string_view id) const
{
  for (const Body& b : m_bodies) {
    if (b.id == id) {
      return &b;
    }
  }
  return nullptr;
}

const Kso* Directory::kso(std::string_view id) const
{
  for (const Kso& k : m_kso) {
    if (k.id == id) {
      return &k;
    }
  }
  return nullptr;
}

} // namespace kenes::calendar
