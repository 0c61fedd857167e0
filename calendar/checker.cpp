#include "checker.hpp"

#include "classify.hpp"
#include "rules.hpp"
#include "slots.hpp"
#include "text.hpp"

#include <algorithm>
#include <tuple>

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
    // An occurrence already over when first seen is history, never late (SPEC §3).
    if (o.end > seen && o.start - seen < static_cast<Instant>(r.lead_time_days) * 86400) {
      fire(RuleId::planning_lead_time, {std::to_string(r.lead_time_days), ctx.zone.text(seen), ""});
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

// agenda.chair_competence (rec. ch.1 principle 1, ch.3): the version's topics and its chair's
// competence are both known and do not touch. A first head (the Prime Minister, a minister, an
// akim) answers for everything of their body, and a KSO session is judged by the KSO's functions,
// which the directory does not hold: neither is judged (docs/decisions.md).
std::optional<FindingArgs> chair_outside_competence(const MeetingFacts& m)
{
  const Official* chair = m.chair_official;
  if (!chair || chair->competence.empty() || m.topics.empty() || m.kind == Kind::kso_session ||
      chair->rank == Rank::prime_minister || chair->rank == Rank::minister || chair->rank == Rank::akim) {
    return std::nullopt;
  }
  for (const std::string& c : chair->competence) {
    if (std::find(m.topics.begin(), m.topics.end(), c) != m.topics.end()) {
      return std::nullopt;
    }
  }
  return FindingArgs{person(*chair), comma_joined(chair->competence), comma_joined(m.topics)};
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
  // Computed before it is cached: a check that throws (its meeting fails alone, the lane goes on)
  // leaves no empty entry for the later meetings of the lane.
  auto it = ctx.slot_cache->slots.find(key);
  if (it == ctx.slot_cache->slots.end()) {
    it = ctx.slot_cache->slots.emplace(key, compute()).first;
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
  out.versions.resize(series.versions.size());

  auto is_past = [&](const Occurrence& o) { return o.end <= ctx.now; };
  // Each version's representatives are chosen for its first occurrence that has not ended (else
  // its first): who is free then is what counts.
  std::vector<const Occurrence*> choice_at(series.versions.size(), nullptr);
  for (const Occurrence& o : series.occurrences) {
    const Occurrence*& c = choice_at[o.version];
    if (!c || (is_past(*c) && !is_past(o))) {
      c = &o;
    }
  }
  std::vector<Finding> candidates; // attendance.* and format.*, once per version
  std::vector<Verdict> version_wide(series.versions.size(), Verdict::ok);
  for (std::size_t i = 0; i < versions.size(); ++i) {
    CheckedVersion& cv = out.versions[i];
    cv.recurrence_id = series.versions[i].recurrence_id;
    cv.kind = versions[i].facts.kind;
    cv.format = versions[i].facts.format;
    cv.chair = versions[i].facts.chair_uri;
    const Occurrence* at = choice_at[i];
    if (!at) {
      continue;
    }
    VersionState& v = versions[i];
    v.rep = choose_representatives(v.facts, r, ctx.busy, at->start, at->end);
    v.chosen = true;
    cv.has_occurrences = true;
    cv.has_future = !is_past(*at);
    cv.invitations = v.rep.invitations;
    cv.dropped = v.rep.dropped;
    std::vector<Finding> mine;
    for (Finding f : v.rep.findings) {
      f.severity = r.severity_of(f.rule);
      f.occurrence = at->start;
      f.past = is_past(*at);
      if (f.severity != Severity::off &&
          std::none_of(mine.begin(), mine.end(), [&](const Finding& g) { return same_finding(f, g); })) {
        mine.push_back(std::move(f));
      }
    }
    if (v.facts.format == Format::in_person && v.facts.has_central() && v.facts.has_local() &&
        r.severity_of(RuleId::format_remote_preferred) != Severity::off) {
      mine.push_back({RuleId::format_remote_preferred,
                      r.severity_of(RuleId::format_remote_preferred),
                      at->start,
                      {},
                      is_past(*at)});
    }
    if (r.severity_of(RuleId::agenda_chair_competence) != Severity::off) {
      if (auto args = chair_outside_competence(v.facts)) {
        mine.push_back({RuleId::agenda_chair_competence, r.severity_of(RuleId::agenda_chair_competence), at->start,
                        std::move(*args), is_past(*at)});
      }
    }
    version_wide[i] = worst_verdict(mine.begin(), mine.end());
    candidates.insert(candidates.end(), mine.begin(), mine.end());
  }
  // The same attendance finding of several versions is given once: at the earliest occurrence
  // that has not ended, else the earliest.
  std::stable_sort(candidates.begin(), candidates.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.past, a.occurrence) < std::tie(b.past, b.occurrence);
  });
  std::vector<Finding> event_findings;
  for (Finding& f : candidates) {
    if (std::none_of(event_findings.begin(), event_findings.end(),
                     [&](const Finding& g) { return same_finding(f, g); })) {
      event_findings.push_back(std::move(f));
    }
  }
  out.invitations = out.versions.front().invitations;
  out.dropped = out.versions.front().dropped;

  const Occurrence* first_slot_problem = nullptr;
  bool any_future = false;
  for (const Occurrence& o : series.occurrences) {
    VersionState& v = versions[o.version];
    const bool past = is_past(o);
    any_future = any_future || !past;
    std::size_t before = out.findings.size();
    check_occurrence(v.facts, o, v.rep, ctx, out.findings);
    for (auto f = out.findings.begin() + static_cast<std::ptrdiff_t>(before); f != out.findings.end(); ++f) {
      f->past = past;
    }
    out.occurrence_list.push_back(
        {o.start, o.end,
         std::max(worst_verdict(out.findings.begin() + static_cast<std::ptrdiff_t>(before), out.findings.end()),
                  version_wide[o.version]),
         o.version, past});
    if (!past && !first_slot_problem &&
        std::any_of(out.findings.begin() + static_cast<std::ptrdiff_t>(before), out.findings.end(),
                    [](const Finding& f) { return is_slot_rule(f.rule); })) {
      first_slot_problem = &o;
    }
  }
  out.all_past = !series.occurrences.empty() && !any_future;
  out.findings.insert(out.findings.end(), event_findings.begin(), event_findings.end());
  std::stable_sort(out.findings.begin(), out.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.occurrence < b.occurrence; });

  if (out.all_past) {
    out.verdict = out.occurrence_list.back().verdict; // SPEC §3: a series wholly past, its last occurrence's
  } else {
    for (const Finding& f : out.findings) {
      if (!f.past) {
        out.verdict = std::max(out.verdict, f.severity == Severity::error     ? Verdict::invalid
                                            : f.severity == Severity::warning ? Verdict::warning
                                                                              : Verdict::ok);
      }
    }
  }
  if (!first_slot_problem && out.all_past &&
      std::any_of(out.findings.begin(), out.findings.end(), [&](const Finding& f) {
        return is_slot_rule(f.rule) && f.occurrence == series.occurrences.back().start;
      })) {
    first_slot_problem = &series.occurrences.back(); // what decides a series wholly past: its last occurrence
  }
  if (first_slot_problem) {
    const VersionState& v = versions[first_slot_problem->version];
    out.suggested_slots = cached_suggest_slots(v.facts, v.rep.invitations, first_slot_problem->start,
                                               first_slot_problem->end - first_slot_problem->start, ctx);
  }
  return out;
}

bool decides(const CheckedMeeting& m, const Finding& f)
{
  if (!f.past) {
    return true;
  }
  return m.all_past && !m.occurrence_list.empty() && f.occurrence == m.occurrence_list.back().start;
}

bool has_invalid_slot(const CheckedMeeting& m)
{
  for (const Finding& f : m.findings) {
    bool validity = f.rule == RuleId::day_non_working || f.rule == RuleId::day_regime ||
                    f.rule == RuleId::hours_government || f.rule == RuleId::hours_interagency;
    if (f.severity == Severity::error && validity && decides(m, f)) {
      return true;
    }
  }
  return false;
}

std::vector<Invitation> future_invitations(const CheckedMeeting& m)
{
  std::vector<Invitation> out;
  for (const CheckedVersion& v : m.versions) {
    if (!v.has_future) {
      continue;
    }
    for (const Invitation& i : v.invitations) {
      if (std::none_of(out.begin(), out.end(), [&](const Invitation& j) { return j.official == i.official; })) {
        out.push_back(i);
      }
    }
  }
  return out;
}

} // namespace kenes::calendar
