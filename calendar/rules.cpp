#include "rules.hpp"

#include <algorithm>

namespace kenes::calendar {

namespace {

std::string day_label(Days d)
{
  return iso_date(d) + " (" + std::string(weekday_name(std::chrono::weekday(d))) + ")";
}

std::string window_label(const RegimeWindow& w)
{
  return hh_mm(w.start) + "–" + hh_mm(w.end);
}

std::string days_label(const std::vector<std::chrono::weekday>& days)
{
  std::string out;
  for (auto w : days) {
    out += (out.empty() ? "" : ", ") + std::string(weekday_name(w));
  }
  return out;
}

std::string central_bodies(const MeetingFacts& m)
{
  std::string out;
  for (const Body* b : m.bodies) {
    if (b->kind == BodyKind::central) {
      out += (out.empty() ? "" : ", ") + (b->short_name.empty() ? b->display_name("ru") : b->short_name);
    }
  }
  return out;
}

bool inside(const RegimeWindow& w, const LocalTime& s, Instant duration)
{
  return s.seconds >= w.start && s.seconds + duration <= w.end;
}

} // namespace

const std::vector<std::chrono::weekday>* designated_days(const MeetingFacts& m, const Regime& r)
{
  switch (m.kind) {
  case Kind::selector:
    if (m.chair_official && is_government_level(m.chair_official->rank)) {
      return &r.selector_days;
    }
    return nullptr;
  case Kind::government_session:
    return &r.government_session_days;
  case Kind::kso_session:
    return &r.kso_session_days;
  case Kind::interagency:
    if (m.venue == Venue::central || m.venue == Venue::local) {
      return &r.interagency_days;
    }
    return nullptr;
  case Kind::operative:
  case Kind::internal:
    break;
  }
  return nullptr;
}

const RegimeWindow* hours_window(const MeetingFacts& m, const Regime& r, RuleId& rule)
{
  if (m.venue == Venue::government) {
    rule = RuleId::hours_government;
    return &r.government_window;
  }
  if ((m.venue == Venue::central || m.venue == Venue::local) && m.central_body_count() >= 2) {
    rule = RuleId::hours_interagency;
    return &r.interagency_window;
  }
  return nullptr;
}

bool check_slot(const MeetingFacts& m, Instant start, Instant end, const Regime& r, const RegimeZone& zone,
                std::vector<Finding>* out)
{
  bool invalid = false;
  // `args` makes the finding's texts, only when they are kept: the slot search (out == nullptr)
  // asks this of thousands of candidate slots and needs the verdict alone.
  auto fire = [&](RuleId rule, auto&& args) {
    Severity sev = r.severity_of(rule);
    if (sev == Severity::off) {
      return false;
    }
    invalid = invalid || sev == Severity::error;
    if (out) {
      out->push_back({rule, sev, start, args()});
    }
    return invalid && !out;
  };
  LocalTime s = zone.local(start);
  if (!r.is_working_day(s.day)) {
    if (fire(RuleId::day_non_working, [&] { return FindingArgs{day_label(s.day), "", ""}; })) {
      return true;
    }
  }
  if (const auto* days = designated_days(m, r)) {
    if (std::find(days->begin(), days->end(), s.weekday()) == days->end()) {
      if (fire(RuleId::day_regime, [&] {
            return FindingArgs{std::string(to_string(m.kind)), day_label(s.day), days_label(*days)};
          })) {
        return true;
      }
    }
  }
  RuleId rule = RuleId::hours_government;
  if (const RegimeWindow* w = hours_window(m, r, rule)) {
    if (!inside(*w, s, end - start)) {
      if (fire(rule, [&] {
            LocalTime e = zone.local(end);
            std::string slot = iso_date(s.day) + " " + hh_mm(s.seconds) + "–" + hh_mm(e.seconds);
            return FindingArgs{window_label(*w), std::move(slot),
                               rule == RuleId::hours_interagency ? central_bodies(m) : ""};
          })) {
        return true;
      }
    }
  }
  return invalid;
}

} // namespace kenes::calendar
