// The directory of government bodies, their officials and the KSO list.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kenes::calendar {

enum class Rank {
  prime_minister,
  deputy_prime_minister,
  head_of_government_office,
  presidential_assistant,
  presidential_adviser,
  minister,
  vice_minister,
  committee_chair,
  deputy_committee_chair,
  director,
  akim,
  first_deputy_akim,
  deputy_akim,
  head_of_staff,
  head_of_department,
};
inline constexpr int k_rank_count = 15;

enum class BodyKind { central, local, government, presidential_administration, parliament };

std::optional<Rank> parse_rank(std::string_view s);
std::string_view to_string(Rank r);
std::optional<BodyKind> parse_body_kind(std::string_view s);
std::string_view to_string(BodyKind k);
bool is_government_level(Rank r); // PM, Deputy PM, Head of the Government Office

struct Official
{
  std::string email; // lower case, no "mailto:"
  std::string name;
  Rank rank = Rank::director;
  std::vector<std::string> competence;
  std::vector<std::string> calendars;
};

// A name in each language: language ("ru", "kk", "en") -> name.
using Names = std::map<std::string, std::string>;

// The name in `lang`, else in Russian, else `fallback` (a body's id, a topic's tag).
const std::string& name_in(const Names& names, std::string_view lang, const std::string& fallback);

struct Body
{
  std::string id;
  BodyKind kind = BodyKind::central;
  Names name;
  std::string short_name; // optional, e.g. «Минфин»: how organizers write it
  std::vector<std::string> domains;
  std::string group_address;
  std::vector<Official> officials;

  const std::string& display_name(std::string_view lang) const;
};

struct Kso
{
  std::string id;
  std::string name;
  std::vector<std::string> members; // e-mails, lower case
};

// A topic tag (an official's competence, an event's CATEGORIES: "economy") by name in each
// language. The directory's optional "topics".
using TopicNames = std::map<std::string, Names>;

// Who an address names: an official of a body, or the body itself (group address or a bare
// address of one of its domains).
struct AddressMatch
{
  const Body* body = nullptr;
  const Official* official = nullptr;
};

class Directory
{
public:
  Directory() = default;
  Directory(std::vector<Body> bodies, std::vector<Kso> kso);
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;
  Directory(Directory&&) = default;
  Directory& operator=(Directory&&) = default;

  const std::vector<Body>& bodies() const { return m_bodies; }
  const std::vector<Kso>& kso_list() const { return m_kso; }

  // `address` as normalize_address gives it; looked up as an official's e-mail, then a body's
  // group address, then by domain.
  std::optional<AddressMatch> lookup(std::string_view address) const;
  const Body* body(std::string_view id) const;
  const Kso* kso(std::string_view id) const;

  // Topic tags by name: the directory's "topics" (tags in lower case, as the loader keeps them).
  void set_topics(TopicNames topics) { m_topics = std::move(topics); }
  const TopicNames& topics() const { return m_topics; }
  // A tag by its name in `lang` ("ru", "kk", "en"), else in Russian, else the tag itself.
  const std::string& topic_name(const std::string& tag, std::string_view lang) const;
  // Each tag of a comma-separated list ("economy, budget", as a finding keeps topics) by name.
  std::string topics_in_words(std::string_view tags, std::string_view lang) const;

private:
  void index();

  std::vector<Body> m_bodies;
  std::vector<Kso> m_kso;
  TopicNames m_topics;
  std::unordered_map<std::string, AddressMatch> m_by_email;
  std::unordered_map<std::string, const Body*> m_by_group;
  std::unordered_map<std::string, const Body*> m_by_domain;
};

// "MAILTO:A.B@X.KZ" -> "a.b@x.kz"
std::string normalize_address(std::string_view uri);

} // namespace kenes::calendar
