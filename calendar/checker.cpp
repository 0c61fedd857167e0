#include "checker.hpp"

#include "classify.hpp"
#include "rules.hpp"
#include "slots.hpp"

#include <algorithm>

namespace kenes::calendar {

namespace {

std::string person(const Official& o)
{
  return o.name.empty() ? o.email : o.name + " <" + o.email + ">";
}

// The findings of one occurrence that do not depend on who is invited.
void check_occurrence(const MeetingFacts& m, const Occurrence& o, const Representation& rep, const CheckContext& ctx,
                      std::vector<Finding>& out)
{
  const Regime& r = ctx.regime;
  check_slot(m, o.start, o.end, r, ctx.zone, &out);
  auto fire = [&](RuleId rule, FindingArgs args) {
    Severity sev = r.severity_of(rule);
    if (sev != Severity::off) {
      out.push_back({rule, sev, o.start, std::move(args)});
    }
  };
  const EventData& ev = *m.event;
  if (m.kind != Kind::operative) {
    Instant seen = ctx.first_seen ? (ev.created ? std::min(*ev.created, *ctx.first_seen) : *ctx.first_seen)
                                  : ev.created.value_or(ctx.now);
    if (o.start - seen < static_cast<Instant>(r.lead_time_days) * 86400) {
      fire(RuleId::planning_lead_time, {std::to_string(r.lead_time_days), ctx.zone.iso(seen), ""});
    }
  }
  bool no_agenda = std::all_of(ev.description.begin(), ev.description.end(),
                               [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
  if (no_agenda) {
    fire(RuleId::materials_agenda, {"", "", ""});
  } else if (!ev.has_attach && ctx.now <= o.start &&
             o.start - ctx.now < static_cast<Instant>(r.materials_days) * 86400) {
    fire(RuleId::materials_agenda, {std::to_string(r.materials_days), "materials", ""});
  }
  Instant minutes = (o.end - o.start) / 60;
  if (minutes > r.max_duration_minutes) {
    fire(RuleId::duration_long, {std::to_string(minutes), std::to_string(r.max_duration_minutes), ""});
  }
  if (r.severity_of(RuleId::conflict_busy) != Severity::off) {
    auto busy_check = [&](const Official& who, const Body& body) {
      if (auto what = ctx.busy.busy(who, body, o.start, o.end, ev.uid)) {
        fire(RuleId::conflict_busy, {person(who), *what, ""});
      }
    };
    if (m.chair_official && m.chair_body) {
      busy_check(*m.chair_official, *m.chair_body);
    }
    for (const Invitation& i : rep.invitations) {
      busy_check(*i.official, *i.body);
    }
  }
}

bool same_dropped(const Dropped& a, const Dropped& b)
{
  return a.attendee == b.attendee && a.rule == b.rule && a.body == b.body;
}

bool same_finding(const Finding& a, const Finding& b)
{
  return a.rule == b.rule && a.args.a == b.args.a && a.args.b == b.args.b && a.args.c == b.args.c;
}

// suggest_slots() through the cache: what the search reads of the meeting is the designated days,
// the hours window and its rule (check_slot), and, when conflict.busy is on, which busy blocks
// apply to the chair and the representatives (with no intervals in the busy calendar).
std::vector<Slot> cached_suggest_slots(const MeetingFacts& m, const std::vector<Invitation>& invitations, Instant start,
                                       Instant duration, const CheckContext& ctx)
{
  const Regime& r = ctx.regime;
  auto compute = [&] { return suggest_slots(m, invitations, start, duration, ctx.now, r, ctx.zone, ctx.busy); };
  if (!ctx.slot_cache || ctx.busy.has_intervals()) {
    return compute();
  }
  std::uint64_t mask = 0;
  if (r.severity_of(RuleId::conflict_busy) != Severity::off) {
    auto add = [&](const Official& o, const Body& b) {
      auto bits = ctx.busy.block_mask(o, b);
      mask |= bits.value_or(0);
      return bits.has_value();
    };
    if (m.chair_official && m.chair_body && !add(*m.chair_official, *m.chair_body)) {
      return compute();
    }
    for (const Invitation& i : invitations) {
      if (!add(*i.official, *i.body)) {
        return compute();
      }
    }
  }
  RuleId rule = RuleId::hours_government;
  const RegimeWindow* window = hours_window(m, r, rule);
  SlotCache::Key key{designated_days(m, r),
                     window,
                     window ? static_cast<int>(rule) : -1,
                     ctx.zone.local(start).day.time_since_epoch().count(),
                     duration,
                     ctx.now,
                     mask};
  auto [it, inserted] = ctx.slot_cache->slots.try_emplace(key);
  if (inserted) {
    it->second = compute();
  }
  return it->second;
}

// Everything about one version (VEVENT) of a series that is the same for its occurrences.
struct VersionState
{
  MeetingFacts facts;
  Representation rep;
  bool chosen = false;
};

} // namespace

std::string_view to_string(Verdict v)
{
  return v == Verdict::invalid ? "invalid" : v == Verdict::warning ? "warning" : "ok";
}

namespace {

// invalid on an error, warning on a warning, else ok.
template <typename It> Verdict worst_verdict(It first, It last)
{
  Verdict v = Verdict::ok;
  for (; first != last; ++first) {
    if (first->severity == Severity::error) {
      return Verdict::invalid;
    }
    if (first->severity == Severity::warning) {
      v = Verdict::warning;
    }
  }
  return v;
}

} // namespace

std::optional<CheckedMeeting> check_series(const EventSeries& series, const CheckContext& ctx)
{
  if (series.occurrences.empty() && series.versions.front().cancelled) {
    return std::nullopt;
  }
  const Regime& r = ctx.regime;
  std::vector<VersionState> versions;
  versions.reserve(series.versions.size());
  for (const EventData& ev : series.versions) {
    versions.push_back({classify(ev, ctx.directory, r), {}, false});
  }

  CheckedMeeting out;
  const MeetingFacts& main = versions.front().facts;
  out.uid = series.uid;
  out.origin = series.origin;
  out.recurrence_id = series.master_recurrence_id;
  out.summary = main.event->summary;
  out.start = series.first_start;
  out.end = series.first_end;
  out.kind = main.kind;
  out.format = main.format;
  out.venue = main.venue;
  out.chair = main.chair_uri;
  out.occurrences = series.occurrences.size();

  const Occurrence* first_slot_problem = nullptr;
  std::vector<Finding> event_findings; // attendance.* and format.*, once per series
  for (const Occurrence& o : series.occurrences) {
    VersionState& v = versions[o.version];
    if (!v.chosen) {
      v.rep = choose_representatives(v.facts, r, ctx.busy, o.start, o.end);
      v.chosen = true;
      for (Finding f : v.rep.findings) {
        f.severity = r.severity_of(f.rule);
        f.occurrence = o.start;
        if (f.severity != Severity::off && std::none_of(event_findings.begin(), event_findings.end(),
                                                        [&](const Finding& g) { return same_finding(f, g); })) {
          event_findings.push_back(std::move(f));
        }
      }
      for (const Invitation& i : v.rep.invitations) {
        if (std::none_of(out.invitations.begin(), out.invitations.end(),
                         [&](const Invitation& j) { return j.official == i.official; })) {
          out.invitations.push_back(i);
        }
      }
      for (const Dropped& d : v.rep.dropped) {
        if (std::none_of(out.dropped.begin(), out.dropped.end(),
                         [&](const Dropped& e) { return same_dropped(d, e); })) {
          out.dropped.push_back(d);
        }
      }
      if (v.facts.format == Format::in_person && v.facts.has_central() && v.facts.has_local() &&
          r.severity_of(RuleId::format_remote_preferred) != Severity::off &&
          std::none_of(event_findings.begin(), event_findings.end(),
                       [](const Finding& g) { return g.rule == RuleId::format_remote_preferred; })) {
        event_findings.push_back(
            {RuleId::format_remote_preferred, r.severity_of(RuleId::format_remote_preferred), o.start, {}});
      }
    }
    std::size_t before = out.findings.size();
    check_occurrence(v.facts, o, v.rep, ctx, out.findings);
    out.occurrence_list.push_back(
        {o.start, o.end,
         worst_verdict(out.findings.begin() + static_cast<std::ptrdiff_t>(before), out.findings.end())});
    if (!first_slot_problem && std::any_of(out.findings.begin() + static_cast<std::ptrdiff_t>(before),
                                           out.findings.end(), [](const Finding& f) { return is_slot_rule(f.rule); })) {
      first_slot_problem = &o;
    }
  }
  const Verdict series_wide = worst_verdict(event_findings.begin(), event_findings.end());
  for (CheckedOccurrence& o : out.occurrence_list) {
    o.verdict = std::max(o.verdict, series_wide);
  }
  out.findings.insert(out.findings.end(), event_findings.begin(), event_findings.end());
  std::stable_sort(out.findings.begin(), out.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.occurrence < b.occurrence; });

  out.verdict = worst_verdict(out.findings.begin(), out.findings.end());
  if (first_slot_problem) {
    const VersionState& v = versions[first_slot_problem->version];
    out.suggested_slots = cached_suggest_slots(v.facts, v.rep.invitations, first_slot_problem->start,
                                               first_slot_problem->end - first_slot_problem->start, ctx);
  }
  return out;
}

bool has_invalid_slot(const CheckedMeeting& m)
{
  for (const Finding& f : m.findings) {
    bool validity = f.rule == RuleId::day_non_working || f.rule == RuleId::day_regime ||
                    f.rule == RuleId::hours_government || f.rule == RuleId::hours_interagency;
    if (f.severity == Severity::error && validity) {
      return true;
    }
  }
  return false;
}

} // namespace kenes::calendar
