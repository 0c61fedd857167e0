#include "appendix.hpp"

#include "classify.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

namespace kenes::calendar {

namespace {

constexpr std::array<std::string_view, k_appendix_column_count> k_keys{"ministers",
                                                                       "ministers_selector",
                                                                       "vice_ministers",
                                                                       "vice_ministers_selector",
                                                                       "committee_chairs",
                                                                       "deputy_committee_chairs",
                                                                       "directors",
                                                                       "akims",
                                                                       "akims_selector",
                                                                       "deputy_akims",
                                                                       "deputy_akims_selector",
                                                                       "heads_of_staff",
                                                                       "heads_of_departments"};

constexpr std::array<std::string_view, k_appendix_column_count> k_headers{"министры",
                                                                          "в том числе в режиме селектора",
                                                                          "вице-министры",
                                                                          "в том числе в режиме селектора",
                                                                          "председатели комитетов",
                                                                          "заместители председателей комитетов",
                                                                          "директора",
                                                                          "акимы",
                                                                          "в том числе в режиме селектора",
                                                                          "заместители акима",
                                                                          "в том числе в режиме селектора",
                                                                          "руководители аппарата",
                                                                          "начальники управлений (акиматы)"};

// The attendee of the event who stands for the representative: the official's own address, else
// the body's group address the representative replaced.
const Attendee* attendee_of(const EventData& event, const Invitation& invitation)
{
  const Attendee* group = nullptr;
  for (const Attendee& a : event.attendees) {
    if (a.address == invitation.official->email) {
      return &a;
    }
    if (!group && !invitation.body->group_address.empty() && a.address == invitation.body->group_address) {
      group = &a;
    }
  }
  return group;
}

AppendixCounts count_occurrence(Format format, const std::vector<const Invitation*>& invited, const EventData& event,
                                const Directory& directory)
{
  AppendixCounts counts;
  const OrganizerMarks marks = format == Format::hybrid ? read_marks(event, directory) : OrganizerMarks{};
  for (const Invitation* inv : invited) {
    const Attendee* a = attendee_of(event, *inv);
    if (a && a->partstat == "DECLINED") {
      continue;
    }
    if (std::optional<AppendixColumn> c = rank_column(inv->official->rank)) {
      ++counts[*c];
    }
    bool remote = format == Format::selector || format == Format::video ||
                  (format == Format::hybrid && attends_remotely(marks, a, *inv->body, *inv->official));
    if (std::optional<AppendixColumn> c = selector_column(inv->official->rank); c && remote) {
      ++counts[*c];
    }
  }
  return counts;
}

std::size_t index_in(const Body& body, const std::vector<Body>& bodies)
{
  return static_cast<std::size_t>(&body - bodies.data());
}

std::size_t index_in(const Official& official, const Body& body)
{
  return static_cast<std::size_t>(&official - body.officials.data());
}

} // namespace

std::string_view json_key(AppendixColumn c)
{
  return k_keys[static_cast<std::size_t>(c)];
}

std::string_view form_header(AppendixColumn c)
{
  return k_headers[static_cast<std::size_t>(c)];
}

std::optional<AppendixColumn> rank_column(Rank r)
{
  switch (r) {
  case Rank::minister:
    return AppendixColumn::ministers;
  case Rank::vice_minister:
    return AppendixColumn::vice_ministers;
  case Rank::committee_chair:
    return AppendixColumn::committee_chairs;
  case Rank::deputy_committee_chair:
    return AppendixColumn::deputy_committee_chairs;
  case Rank::director:
    return AppendixColumn::directors;
  case Rank::akim:
    return AppendixColumn::akims;
  case Rank::first_deputy_akim:
  case Rank::deputy_akim:
    return AppendixColumn::deputy_akims;
  case Rank::head_of_staff:
    return AppendixColumn::heads_of_staff;
  case Rank::head_of_department:
    return AppendixColumn::heads_of_departments;
  default:
    return std::nullopt;
  }
}

std::optional<AppendixColumn> selector_column(Rank r)
{
  switch (r) {
  case Rank::minister:
    return AppendixColumn::ministers_selector;
  case Rank::vice_minister:
    return AppendixColumn::vice_ministers_selector;
  case Rank::akim:
    return AppendixColumn::akims_selector;
  case Rank::first_deputy_akim:
  case Rank::deputy_akim:
    return AppendixColumn::deputy_akims_selector;
  default:
    return std::nullopt;
  }
}

std::string_view rank_title_ru(Rank r)
{
  switch (r) {
  case Rank::prime_minister:
    return "Премьер-Министр";
  case Rank::deputy_prime_minister:
    return "Заместитель Премьер-Министра";
  case Rank::head_of_government_office:
    return "Руководитель Канцелярии Премьер-Министра";
  case Rank::presidential_assistant:
    return "Помощник Президента";
  case Rank::presidential_adviser:
    return "Советник Президента";
  case Rank::minister:
    return "Министр";
  case Rank::vice_minister:
    return "Вице-министр";
  case Rank::committee_chair:
    return "Председатель комитета";
  case Rank::deputy_committee_chair:
    return "Заместитель председателя комитета";
  case Rank::director:
    return "Директор департамента";
  case Rank::akim:
    return "Аким";
  case Rank::first_deputy_akim:
    return "Первый заместитель акима";
  case Rank::deputy_akim:
    return "Заместитель акима";
  case Rank::head_of_staff:
    return "Руководитель аппарата";
  case Rank::head_of_department:
    return "Начальник управления";
  }
  return "";
}

AppendixCounts& AppendixCounts::operator+=(const AppendixCounts& other)
{
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] += other.values[i];
  }
  return *this;
}

std::pair<Instant, Instant> month_bounds(int year, unsigned month, const RegimeZone& zone)
{
  if (month < 1 || month > 12) {
    throw std::invalid_argument("month must be 01..12");
  }
  const std::chrono::year_month first{std::chrono::year{year}, std::chrono::month{month}};
  const std::chrono::year_month next = first + std::chrono::months{1};
  return {zone.instant(Days{first / std::chrono::day{1}}, 0), zone.instant(Days{next / std::chrono::day{1}}, 0)};
}

AppendixReport build_appendix(const std::vector<AppendixInput>& meetings, const Directory& directory,
                              const RegimeZone& zone, int year, unsigned month)
{
  AppendixReport report;
  report.year = year;
  report.month = month;
  std::tie(report.from, report.to) = month_bounds(year, month, zone);

  // (body kind, body index, rank, official index) -> rows; the map's order is the form's.
  using Key = std::tuple<int, std::size_t, int, std::size_t>;
  std::map<Key, AppendixOfficial> by_chair;
  const std::vector<Body>& bodies = directory.bodies();
  for (const AppendixInput& in : meetings) {
    const CheckedMeeting& m = in.checked;
    std::optional<AddressMatch> chair = directory.lookup(normalize_address(m.chair));
    if (!chair || !chair->body || !chair->official ||
        (chair->body->kind != BodyKind::central && chair->body->kind != BodyKind::local)) {
      continue;
    }
    const Key key{chair->body->kind == BodyKind::central ? 0 : 1, index_in(*chair->body, bodies),
                  static_cast<int>(chair->official->rank), index_in(*chair->official, *chair->body)};
    for (const Occurrence& o : in.series.occurrences) {
      const EventData& event = in.series.versions[o.version];
      if (o.start < report.from || o.start >= report.to || event.cancelled || o.version >= m.versions.size()) {
        continue;
      }
      // Each occurrence with its own version's kind, format and representatives (SPEC §9 "Counted
      // per occurrence", §3 "Versions"): an override that makes one occurrence internal leaves it out.
      const CheckedVersion& version = m.versions[o.version];
      if (version.kind == Kind::internal) {
        continue;
      }
      auto past = in.past_invitations.find(o.version);
      const std::vector<Invitation>& invitations =
          past != in.past_invitations.end() && o.end <= in.now ? past->second : version.invitations;
      std::vector<const Invitation*> invited;
      for (const Invitation& inv : invitations) {
        if (inv.official && inv.body && inv.body != chair->body && inv.official != chair->official) {
          invited.push_back(&inv);
        }
      }
      if (invited.empty()) {
        continue;
      }
      AppendixOfficial& official = by_chair[key];
      official.official = chair->official;
      official.meetings.push_back(
          {m.uid, event.summary, o.start, o.end, count_occurrence(version.format, invited, event, directory)});
    }
  }

  for (auto& [key, official] : by_chair) {
    const Body* body = &bodies[std::get<1>(key)];
    if (report.bodies.empty() || report.bodies.back().body != body) {
      report.bodies.push_back({body, {}, {}});
    }
    AppendixBody& b = report.bodies.back();
    std::stable_sort(
        official.meetings.begin(), official.meetings.end(),
        [](const AppendixRow& x, const AppendixRow& y) { return std::tie(x.start, x.uid) < std::tie(y.start, y.uid); });
    for (const AppendixRow& row : official.meetings) {
      b.total += row.counts;
      report.total += row.counts;
    }
    b.officials.push_back(std::move(official));
  }
  return report;
}

} // namespace kenes::calendar
