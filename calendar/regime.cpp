#include "regime.hpp"

namespace kenes::calendar {

Regime::Regime() : representation(default_representation()), lexicon(default_lexicon())
{
  for (const RuleInfo& r : all_rules()) {
    severity[static_cast<std::size_t>(r.id)] = r.default_severity;
  }
}

bool Regime::is_working_day(Days d) const
{
  if (transferred_working_days.contains(d)) {
    return true;
  }
  auto w = std::chrono::weekday(d);
  if (w == std::chrono::Saturday || w == std::chrono::Sunday) {
    return false;
  }
  return !holidays.contains(d);
}

std::vector<RepresentationRow> default_representation()
{
  using enum Rank;
  std::vector<RepresentationRow> t;
  t.push_back({{prime_minister}, true, {minister}, false, {akim}, false});
  t.push_back({{prime_minister}, false, {vice_minister}, false, {first_deputy_akim, deputy_akim}, false});
  t.push_back({{deputy_prime_minister, presidential_assistant, presidential_adviser, head_of_government_office, minister},
               std::nullopt,
               {vice_minister},
               false,
               {first_deputy_akim, deputy_akim},
               false});
  t.push_back({{vice_minister}, std::nullopt, {vice_minister, committee_chair, director}, false,
               {head_of_department, deputy_akim}, false});
  return t;
}

Lexicon default_lexicon()
{
  Lexicon l;
  l.kind = {
    {Kind::government_session, {"заседание правительства", "үкімет отырысы"}},
    {Kind::kso_session, {"заседание ксо", "комиссии", "совета", "комиссия отырысы"}},
    {Kind::selector, {"селектор"}},
    {Kind::operative, {"оперативн", "жедел"}},
  };
  l.format = {
    {Format::video, {"вкс", "видеоконференц", "бейнеконференц"}},
    {Format::selector, {"селектор"}},
  };
  return l;
}

} // namespace kenes::calendar
