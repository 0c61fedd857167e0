#include "daemon/notices/notice_flow.hpp"

#include "daemon/notices/notice_composer.hpp"

#include "calendar/directory.hpp"
#include "calendar/ical_reader.hpp"
#include "calendar/itip.hpp"
#include "calendar/notice_plan.hpp"
#include "calendar/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace kenes::daemon {

namespace cal = kenes::calendar;
using nlohmann::json;

namespace {

json to_json(const cal::NoticeState& s)
{
  json j{{"sequence", s.sequence}, {"versions", s.versions}, {"invited", s.invited}, {"warned", s.warned}};
  if (!s.warned_findings.empty()) {
    j["warned_findings"] = s.warned_findings;
  }
  if (!s.live.empty()) {
    j["live"] = s.live;
    j["cancelled"] = s.cancelled;
  }
  if (!s.until.empty()) {
    j["until"] = s.until;
  }
  if (!s.listed.empty()) {
    j["listed"] = s.listed; // [[RECURRENCE-ID instant, [e-mail, ...]], ...]
  }
  if (s.master) {
    j["master"] = *s.master;
  }
  return j;
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
  s.warned_findings = j.value("warned_findings", std::vector<std::string>{});
  s.live = j.value("live", std::map<std::string, std::string>{});
  s.cancelled = j.value("cancelled", std::set<std::string>{});
  s.until = j.value("until", std::map<std::string, cal::Instant>{});
  s.listed = j.value("listed", std::map<cal::Instant, std::vector<std::string>>{});
  if (j.contains("master")) {
    s.master = j.value("master", std::vector<std::string>{});
  }
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
  return a.sequence == b.sequence && a.versions == b.versions && a.invited == b.invited && a.warned == b.warned &&
         a.warned_findings == b.warned_findings && a.live == b.live && a.cancelled == b.cancelled &&
         a.until == b.until && a.listed == b.listed && a.master == b.master;
}

NoticeUpdate plan_and_compose(const config::Config& config, const cal::CheckContext& ctx,
                              const cal::NoticeState& before, const std::string& uid,
                              const cal::CheckedMeeting& meeting, const cal::EventSeries& series,
                              const std::string& raw, bool gone,
                              const std::shared_ptr<const cal::IcalTree>& tree = nullptr,
                              Adoption adoption = Adoption::no)
{
  const cal::EventData& master = series.versions.front();
  cal::NoticeInput in;
  in.uid = uid;
  in.meeting = gone ? nullptr : &meeting;
  in.last_sent = gone ? &meeting : nullptr;
  // Parsed once for the plan and every message, or not at all when the check kept its tree.
  const cal::ItipEvent event = tree ? cal::ItipEvent(tree, uid) : cal::ItipEvent(raw, uid);
  cal::ItipEvent::Versions versions = event.both_versions();
  in.versions = std::move(versions.all);
  in.live_versions = std::move(versions.live);
  in.cancelled = event.cancelled(&ctx.zone);
  in.overrides = event.overrides(&ctx.zone);
  in.event_sequence = event.sequence();
  in.organizer = master.organizer_address;
  in.enforcement = config.notices.enforcement == config::Enforcement::hold ? cal::NoticeEnforcement::hold
                                                                           : cal::NoticeEnforcement::warn;
  in.now = ctx.now;
  in.last_end = last_end(series);
  in.beyond_horizon = series.beyond_horizon;
  cal::NoticePlan plan = cal::plan_notices(before, in);
  NoticeUpdate update;
  const bool adopting = adoption == Adoption::yes && config.notices.adopt != config::Adopt::none;
  // A recipient outside notices.only_to gets nothing: a REQUEST to one who was not invited before
  // leaves them not invited, so no later CANCEL can reach someone who never had the invitation.
  // One invited before (the list shrank) keeps that invitation, and a later CANCEL is judged
  // against the list of that time. An adopted version suppresses nothing: it counts as notified.
  for (const cal::PlannedNotice& n : plan.notices) {
    if (!adopting && n.kind == cal::NoticeKind::request && !notice_allowed(config, n.recipient)) {
      auto b = before.invited.find(n.recipient);
      if (b == before.invited.end()) {
        plan.next.invited.erase(n.recipient);
      } else if (!b->second) {
        plan.next.invited[n.recipient] = false;
      }
    }
  }
  if (!same(plan.next, before)) {
    update.state = to_json(plan.next).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  bool requests = std::any_of(plan.notices.begin(), plan.notices.end(),
                              [](const cal::PlannedNotice& n) { return n.kind == cal::NoticeKind::request; });
  if (requests) {
    update.raw = raw; // what a later CANCEL is built from
  }
  if (adopting) {
    // Recorded as notified; with a digest only the warning stays, for the organizer's digest.
    update.adopted = true;
    std::erase_if(plan.notices, [&](const cal::PlannedNotice& n) {
      return config.notices.adopt == config::Adopt::silent || n.kind != cal::NoticeKind::warning;
    });
  }
  if (plan.notices.empty()) {
    return update;
  }
  NoticeContext c{config,          ctx.zone, config.notices.language, &meeting, event, master.organizer_address,
                  master.location, ctx.now};
  update.messages = compose_notices(c, plan);
  for (OutboxMessage& m : update.messages) {
    if (m.kind == "warning") {
      m.state = "held"; // until the end of the cycle: alone, or in a digest
      m.digest = adopting;
    }
    if (!notice_allowed(config, m.recipient)) {
      m.state = "suppressed";
    }
  }
  return update;
}

} // namespace

NoticeUpdate first_notices(const config::Config& config, const cal::CheckContext& ctx, const std::string& uid,
                           const CheckedVersion& version)
{
  return plan_and_compose(config, ctx, cal::NoticeState{}, uid, version.meeting, version.series, version.raw, false,
                          version.tree);
}

bool notice_allowed(const config::Config& config, const std::string& recipient)
{
  const std::vector<std::string>& only = config.notices.only_to;
  if (only.empty()) {
    return true;
  }
  const std::string address = cal::ascii_lower(recipient);
  const std::size_t at = address.rfind('@');
  const std::string domain = at == std::string::npos ? "" : address.substr(at + 1);
  std::string body;
  if (config.directory) {
    if (std::optional<cal::AddressMatch> m = config.directory->lookup(address); m && m->body) {
      body = m->body->id;
    }
  }
  return std::any_of(only.begin(), only.end(), [&](const std::string& entry) {
    return entry == address || (!domain.empty() && (entry == domain || entry == "@" + domain)) ||
           (!body.empty() && entry == cal::ascii_lower(body));
  });
}

NoticeUpdate notices_for(const std::optional<NoticeRecord>& record, const config::Config& config,
                         const cal::CheckContext& ctx, const std::string& uid, const CheckedVersion* version,
                         Adoption adoption)
{
  cal::NoticeState before = record ? from_json(record->state) : cal::NoticeState{};
  if (version) {
    return plan_and_compose(config, ctx, before, uid, version->meeting, version->series, version->raw, false,
                            version->tree, record ? Adoption::no : adoption);
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
