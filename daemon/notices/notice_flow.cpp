#include "daemon/notices/notice_flow.hpp"

#include "daemon/notices/notice_composer.hpp"

#include "calendar/ical_reader.hpp"
#include "calendar/itip.hpp"
#include "calendar/notice_plan.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace kenes::daemon {

namespace cal = kenes::calendar;
using nlohmann::json;

namespace {

json to_json(const cal::NoticeState& s)
{
  return json{{"sequence", s.sequence}, {"versions", s.versions}, {"invited", s.invited}, {"warned", s.warned}};
}

cal::NoticeState from_json(const std::string& text)
{
  cal::NoticeState s;
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) {
    return s;
  }
  s.sequence = j.value("sequence", -1);
  s.versions = j.value("versions", std::map<std::string, std::string>{});
  s.invited = j.value("invited", std::map<std::string, bool>{});
  s.warned = j.value("warned", std::string());
  return s;
}

cal::Instant last_end(const cal::EventSeries& series)
{
  cal::Instant end = series.first_end;
  for (const cal::Occurrence& o : series.occurrences) {
    end = std::max(end, o.end);
  }
  return end;
}

bool same(const cal::NoticeState& a, const cal::NoticeState& b)
{
  return a.sequence == b.sequence && a.versions == b.versions && a.invited == b.invited && a.warned == b.warned;
}

NoticeUpdate plan_and_compose(const config::Config& config, const cal::CheckContext& ctx,
                              const cal::NoticeState& before, const std::string& uid,
                              const cal::CheckedMeeting& meeting, const cal::EventSeries& series,
                              const std::string& raw, bool gone,
                              const std::shared_ptr<const cal::IcalTree>& tree = nullptr)
{
  const cal::EventData& master = series.versions.front();
  cal::NoticeInput in;
  in.uid = uid;
  in.meeting = gone ? nullptr : &meeting;
  // Parsed once for the plan and every message, or not at all when the check kept its tree.
  const cal::ItipEvent event = tree ? cal::ItipEvent(tree, uid) : cal::ItipEvent(raw, uid);
  in.versions = event.versions();
  in.event_sequence = event.sequence();
  in.organizer = master.organizer_address;
  in.enforcement = config.notices.enforcement == config::Enforcement::hold ? cal::NoticeEnforcement::hold
                                                                           : cal::NoticeEnforcement::warn;
  in.now = ctx.now;
  in.last_end = last_end(series);
  cal::NoticePlan plan = cal::plan_notices(before, in);
  NoticeUpdate update;
  if (!same(plan.next, before)) {
    update.state = to_json(plan.next).dump();
  }
  bool requests = std::any_of(plan.notices.begin(), plan.notices.end(),
                              [](const cal::PlannedNotice& n) { return n.kind == cal::NoticeKind::request; });
  if (requests) {
    update.raw = raw; // what a later CANCEL is built from
  }
  if (plan.notices.empty()) {
    return update;
  }
  NoticeContext c{config,          ctx.zone, config.notices.language, &meeting, event, master.organizer_address,
                  master.location, ctx.now};
  update.messages = compose_notices(c, plan);
  return update;
}

} // namespace

NoticeUpdate first_notices(const config::Config& config, const cal::CheckContext& ctx, const std::string& uid,
                           const CheckedVersion& version)
{
  return plan_and_compose(config, ctx, cal::NoticeState{}, uid, version.meeting, version.series, version.raw, false,
                          version.tree);
}

NoticeUpdate notices_for(const std::optional<NoticeRecord>& record, const config::Config& config,
                         const cal::CheckContext& ctx, const std::string& uid, const CheckedVersion* version)
{
  cal::NoticeState before = record ? from_json(record->state) : cal::NoticeState{};
  if (version) {
    return plan_and_compose(config, ctx, before, uid, version->meeting, version->series, version->raw, false,
                            version->tree);
  }
  bool anyone = std::any_of(before.invited.begin(), before.invited.end(), [](const auto& kv) { return kv.second; });
  if (!record || !anyone || record->raw.empty()) {
    return {};
  }
  // The last version the representatives were invited to, to tell them it is off.
  const cal::ReadOptions options =
      cal::ReadOptions::around(ctx.zone, ctx.now, ctx.regime.horizon_past_days, ctx.regime.horizon_days);
  cal::ReadResult read = cal::read_icalendar(record->raw, "notice state " + uid, options);
  for (const cal::EventSeries& s : read.series) {
    if (s.uid != uid) {
      continue;
    }
    if (std::optional<cal::CheckedMeeting> old = cal::check_series(s, ctx)) {
      return plan_and_compose(config, ctx, before, uid, *old, s, record->raw, true);
    }
  }
  return {};
}

} // namespace kenes::daemon
