#include "slots.hpp"

#include "rules.hpp"

namespace kenes::calendar {

namespace {

bool anyone_busy(const MeetingFacts& m, const std::vector<Invitation>& invitations, Instant s, Instant e,
                 const Regime& regime, const BusyCalendar& busy)
{
  if (regime.severity_of(RuleId::conflict_busy) == Severity::off) {
    return false;
  }
  const std::string& uid = m.event->uid;
  if (m.chair_official && m.chair_body && busy.busy(*m.chair_official, *m.chair_body, s, e, uid)) {
    return true;
  }
  for (const Invitation& i : invitations) {
    if (busy.busy(*i.official, *i.body, s, e, uid)) {
      return true;
    }
  }
  return false;
}

} // namespace

std::vector<Slot> suggest_slots(const MeetingFacts& m, const std::vector<Invitation>& invitations,
                                Instant original_start, Instant duration, Instant now, const Regime& regime,
                                const RegimeZone& zone, const BusyCalendar& busy)
{
  std::vector<Slot> out;
  if (regime.suggest_count <= 0 || regime.slot_step_minutes <= 0) {
    return out;
  }
  Days original_day = zone.local(original_start).day;
  Instant from = std::max(now, zone.instant(original_day, 0));
  Days first_day = zone.local(from).day;
  Days last_day = first_day;
  for (int working = 0; working < regime.suggest_days;) {
    last_day += std::chrono::days(1);
    if (regime.is_working_day(last_day)) {
      ++working;
    }
  }
  const int step = regime.slot_step_minutes * 60;
  const int first_grid = (regime.working_hours.start + step - 1) / step * step;
  for (Days day = first_day; day <= last_day; day += std::chrono::days(1)) {
    for (int t = first_grid; t + duration <= regime.working_hours.end; t += step) {
      Instant s = zone.instant(day, t);
      if (s < from) {
        continue;
      }
      Instant e = s + duration;
      if (check_slot(m, s, e, regime, zone, nullptr) || anyone_busy(m, invitations, s, e, regime, busy)) {
        continue;
      }
      out.push_back({s, e});
      if (static_cast<int>(out.size()) >= regime.suggest_count) {
        return out;
      }
    }
  }
  return out;
}

} // namespace kenes::calendar
