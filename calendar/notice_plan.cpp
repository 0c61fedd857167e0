#include "notice_plan.hpp"
#include "ical_digest.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

namespace kenes::calendar {

namespace {

std::string versions_digest(const std::map<std::string, std::string>& versions)
{
  std::string all;
  for (const auto& [k, v] : versions) {
    all += k + "=" + v + ";";
  }
  return fnv_digest(all);
}

// The findings an organizer is warned about: errors and warnings that decide (not of an occurrence
// already over), by rule and occurrence, sorted.
std::vector<std::string> warned_findings(const CheckedMeeting& m)
{
  std::vector<std::string> parts;
  for (const Finding& f : m.findings) {
    if ((f.severity == Severity::error || f.severity == Severity::warning) && decides(m, f)) {
      parts.push_back(std::string(rule_info(f.rule).name) + "@" + std::to_string(f.occurrence) + "/" + f.args.a + "/" +
                      f.args.b);
    }
  }
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  return parts;
}

std::string findings_digest(const std::vector<std::string>& parts)
{
  if (parts.empty()) {
    return "";
  }
  std::string all;
  for (const std::string& p : parts) {
    all += p + ";";
  }
  return fnv_digest(all);
}

// The officials' e-mails of `invitations`, sorted, each once.
std::vector<std::string> emails_of(const std::vector<Invitation>& invitations)
{
  std::vector<std::string> out;
  for (const Invitation& inv : invitations) {
    if (inv.official) {
      out.push_back(inv.official->email);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool contains(const std::vector<std::string>& sorted, const std::string& email)
{
  return std::binary_search(sorted.begin(), sorted.end(), email);
}

// Whom a checked meeting chooses (e-mails, sorted, each once): for a version with an occurrence
// ahead (the recipients of REQUESTs), and for any version. Nobody for no meeting.
struct Chosen
{
  std::vector<std::string> ahead;
  std::vector<std::string> any;
};

Chosen chosen_in(const CheckedMeeting* m)
{
  Chosen c;
  if (m == nullptr) {
    return c;
  }
  c.ahead = emails_of(future_invitations(*m));
  std::vector<Invitation> all;
  for (const CheckedVersion& v : m->versions) {
    all.insert(all.end(), v.invitations.begin(), v.invitations.end());
  }
  c.any = emails_of(all);
  return c;
}

// Whether `email` was last invited to an occurrence that has not ended at `now`.
bool invited_ahead(const NoticeState& before, const std::string& email, Instant now)
{
  auto u = before.until.find(email);
  return u != before.until.end() && u->second > now;
}

// Who gets the CANCEL of the series (SPEC §5), the one rule for a series that changed and one that
// is gone: each one invited before who is invited to nothing ahead now (`gone`: nobody is), unless
// `chosen` (the meeting as checked now; for one gone, the version last sent, checked now) chose
// them only for occurrences that are over and their invitation did not reach one still ahead
// (`until`): such an invitation has nothing left to change or cancel. In the order of `invited`.
std::vector<std::string> series_cancels(const NoticeState& before, const Chosen& chosen, bool gone, Instant now)
{
  std::vector<std::string> out;
  for (const auto& [recipient, invited] : before.invited) {
    const bool ahead = contains(chosen.ahead, recipient);
    if (!invited || (ahead && !gone)) {
      continue;
    }
    const bool only_past = !ahead && contains(chosen.any, recipient);
    if (!only_past || invited_ahead(before, recipient, now)) {
      out.push_back(recipient);
    }
  }
  return out;
}

// The end of the last occurrence of the versions of `m` that choose `email`; k_until_open when the
// master chooses them and its recurrence goes on beyond the horizon (`beyond_horizon`).
Instant invited_until(const CheckedMeeting& m, const std::string& email, bool beyond_horizon)
{
  auto chooses = [&](const CheckedVersion& v) {
    return std::any_of(v.invitations.begin(), v.invitations.end(),
                       [&](const Invitation& inv) { return inv.official && inv.official->email == email; });
  };
  if (beyond_horizon && !m.versions.empty() && !m.versions.front().recurrence_id && chooses(m.versions.front())) {
    return k_until_open;
  }
  Instant until = 0;
  for (const CheckedOccurrence& o : m.occurrence_list) {
    if (o.version < m.versions.size() && chooses(m.versions[o.version])) {
      until = std::max(until, o.end);
    }
  }
  return until;
}

// Who the master's VEVENT lists, as notice_composer builds it (NoticeState::master): its
// representatives, or everyone chosen for what is ahead when it had none chosen.
std::vector<std::string> master_list(const CheckedMeeting& m)
{
  if (m.versions.empty()) {
    return {};
  }
  const CheckedVersion& master = m.versions.front();
  return emails_of(master.has_occurrences ? master.invitations : future_invitations(m));
}

// Who each override's VEVENT lists (NoticeState::listed), as notice_composer builds it: its own
// representatives, or the master's when it had none chosen (a cancelled override, one beyond the
// horizon; when the master had none either, everyone chosen for what is ahead). An override whose
// occurrence is over is left out: it is never cancelled ahead.
std::map<Instant, std::vector<std::string>> listed_by_override(const CheckedMeeting& m)
{
  std::map<Instant, std::vector<std::string>> out;
  if (m.versions.empty()) {
    return out;
  }
  const std::vector<std::string> of_master = master_list(m);
  for (const CheckedVersion& v : m.versions) {
    if (v.recurrence_id && !(v.has_occurrences && !v.has_future)) {
      out[*v.recurrence_id] = v.has_occurrences ? emails_of(v.invitations) : of_master;
    }
  }
  return out;
}

// Whether `email`, invited before, was listed on the occurrence `key` (at `at`) now taken out: an
// occurrence that had no VEVENT of its own when `of_master` (the master's representatives include
// them), one that was an override when that override's VEVENT listed them (NoticeState::listed;
// not known there, as in a state written before it was kept: everyone invited was told).
bool listed_on(const NoticeState& before, const std::string& key, Instant at, const std::string& email, bool of_master)
{
  if (!before.versions.contains(key)) {
    return of_master;
  }
  auto l = before.listed.find(at);
  return l == before.listed.end() || std::find(l->second.begin(), l->second.end(), email) != l->second.end();
}

void cancel_everyone(NoticePlan& plan, const NoticeState& before, const NoticeInput& in)
{
  int seq = std::max(before.sequence + 1, in.event_sequence);
  const std::vector<std::string> told = series_cancels(before, chosen_in(in.last_sent), true, in.now);
  for (const std::string& recipient : told) {
    plan.notices.push_back(
        {NoticeKind::cancel, recipient, in.uid + "/" + std::to_string(seq) + "/cancel/" + recipient, seq, {}});
  }
  for (auto& [recipient, invited] : plan.next.invited) {
    invited = false; // told, or chosen only for what is over: no CANCEL for the past
  }
  if (!told.empty()) {
    plan.next.sequence = seq;
  }
  plan.next.versions.clear();
  plan.next.until.clear();
  plan.next.live.clear();
  plan.next.cancelled.clear();
  plan.next.listed.clear();
  plan.next.master.reset();
}

// Whether the event changed only by taking occurrences out (new EXDATEs, new cancelled overrides,
// nothing else: no occurrence restored, no other VEVENT changed); then `ahead` gets those of them
// that have not started, by key. A state kept before `live` was has no answer: false.
bool only_cancellations(const NoticeState& before, const NoticeInput& in,
                        std::vector<std::pair<std::string, Instant>>& ahead)
{
  if (before.live.empty() || in.cancelled.size() <= before.cancelled.size()) {
    return false;
  }
  for (const std::string& key : before.cancelled) {
    if (!in.cancelled.contains(key)) {
      return false;
    }
  }
  auto without_cancelled = [&](std::map<std::string, std::string> versions) {
    for (const auto& [key, at] : in.cancelled) {
      versions.erase(key);
    }
    return versions;
  };
  if (without_cancelled(before.live) != without_cancelled(in.live_versions)) {
    return false;
  }
  for (const auto& [key, at] : in.cancelled) {
    if (!before.cancelled.contains(key) && at > in.now) {
      ahead.emplace_back(key, at);
    }
  }
  return true;
}

// Who an override ahead, its VEVENT as it was, lists now and did not (`added`) or listed and does
// not now (`dropped`), when the choice changed with the event text the same (a representative busy
// now, the directory changed): by recipient, the overrides' keys and instants. Only overrides with
// an occurrence ahead and a list kept in `before` (NoticeState::listed) are compared.
struct Relisted
{
  std::map<std::string, std::vector<std::pair<std::string, Instant>>> added;
  std::map<std::string, std::vector<std::pair<std::string, Instant>>> dropped;
};

Relisted relisted(const NoticeState& before, const NoticeInput& in, const CheckedMeeting& m)
{
  Relisted out;
  for (const CheckedVersion& v : m.versions) {
    if (!v.recurrence_id || !v.has_occurrences || !v.has_future) {
      continue;
    }
    auto key = std::find_if(in.overrides.begin(), in.overrides.end(),
                            [&](const auto& kv) { return kv.second == *v.recurrence_id; });
    auto was = before.listed.find(*v.recurrence_id);
    if (key == in.overrides.end() || was == before.listed.end() || in.cancelled.contains(key->first)) {
      continue;
    }
    auto text_before = before.versions.find(key->first);
    auto text_now = in.versions.find(key->first);
    if (text_before == before.versions.end() || text_now == in.versions.end() ||
        text_before->second != text_now->second) {
      continue; // a new or changed VEVENT goes again to those it lists
    }
    std::vector<std::string> old_list = was->second;
    std::sort(old_list.begin(), old_list.end());
    const std::vector<std::string> now = emails_of(v.invitations);
    for (const std::string& r : now) {
      if (!contains(old_list, r)) {
        out.added[r].emplace_back(key->first, *v.recurrence_id);
      }
    }
    for (const std::string& r : old_list) {
      if (!contains(now, r)) {
        out.dropped[r].emplace_back(key->first, *v.recurrence_id);
      }
    }
  }
  return out;
}

std::set<std::string> keys_of(const std::map<std::string, Instant>& cancelled)
{
  std::set<std::string> out;
  for (const auto& [key, at] : cancelled) {
    out.insert(key);
  }
  return out;
}

} // namespace

std::string_view to_string(NoticeKind k)
{
  switch (k) {
  case NoticeKind::request:
    return "request";
  case NoticeKind::cancel:
    return "cancel";
  case NoticeKind::warning:
    return "warning";
  }
  return "request";
}

NoticePlan plan_notices(const NoticeState& before, const NoticeInput& in)
{
  NoticePlan plan;
  plan.next = before;
  if (in.meeting == nullptr) {
    if (in.last_end == 0 || in.last_end > in.now) {
      cancel_everyone(plan, before, in);
    }
    return plan;
  }
  const CheckedMeeting& m = *in.meeting;
  if (in.last_end <= in.now) {
    return plan; // over: no invitation, cancellation or warning any more
  }

  // One warning for each distinct set of findings of a version of the event. Findings that pass
  // into history leave a smaller set of the same version: that is no new warning.
  std::vector<std::string> parts = warned_findings(m);
  std::string findings = findings_digest(parts);
  if (!findings.empty() && !in.organizer.empty()) {
    const std::string prefix = in.uid + "/warning/" + versions_digest(in.versions) + "/";
    std::string key = prefix + findings;
    bool fewer =
        before.warned.rfind(prefix, 0) == 0 &&
        std::includes(before.warned_findings.begin(), before.warned_findings.end(), parts.begin(), parts.end());
    if (key != before.warned && !fewer) {
      plan.notices.push_back({NoticeKind::warning, in.organizer, key, 0, {}});
      plan.next.warned = key;
      plan.next.warned_findings = parts;
    }
  }
  plan.held = in.enforcement == NoticeEnforcement::hold && has_invalid_slot(m);
  if (plan.held) {
    return plan; // the invitations wait; what was sent before stands
  }

  // Those chosen for a version with an occurrence ahead; someone chosen only for occurrences that
  // are over is not invited now, nor cancelled if invited before.
  const Chosen chosen = chosen_in(&m);
  const std::vector<std::string>& reps = chosen.ahead;
  std::string rep_set;
  for (const std::string& r : reps) {
    rep_set += r + ",";
  }

  const bool first = before.sequence < 0;
  const bool changed = first || before.versions != in.versions;
  // Occurrences taken out and nothing else changed: those invited to them get the CANCEL of those
  // ahead (RFC 5546 §3.2.5, a RECURRENCE-ID each), not the series again; nothing for the past.
  std::vector<std::pair<std::string, Instant>> cancelled_ahead;
  const bool cancels_only = !first && changed && only_cancellations(before, in, cancelled_ahead);
  // An override ahead whose choice changed, its text the same: when nothing else goes to them,
  // the one it dropped, still invited to something ahead, gets the CANCEL of that occurrence, and
  // the one it added, invited before, a REQUEST of it (one not invited before gets the whole
  // calendar, one left with nothing ahead the CANCEL of the series below).
  const Relisted relist = first ? Relisted{} : relisted(before, in, m);
  auto invited_before = [&](const std::string& r) {
    auto b = before.invited.find(r);
    return b != before.invited.end() && b->second;
  };
  const bool told_apart = !changed || cancels_only;
  const bool relist_notices =
      told_apart && (std::any_of(relist.added.begin(), relist.added.end(),
                                 [&](const auto& kv) { return invited_before(kv.first); }) ||
                     std::any_of(relist.dropped.begin(), relist.dropped.end(),
                                 [&](const auto& kv) { return invited_before(kv.first) && contains(reps, kv.first); }));
  // The master's list changed (the same text or not): the one it dropped, invited before and
  // still chosen for an override ahead, gets the CANCEL of the series and then a REQUEST of what
  // lists them (their overrides); the one it added, invited before to overrides only, a REQUEST
  // of their whole calendar. A REQUEST alone could take neither the master off nor put it on.
  const std::vector<std::string> master_now = master_list(m);
  std::vector<std::string> off_master;
  std::vector<std::string> on_master;
  if (!first && before.master && !m.versions.empty() && m.versions.front().has_future) {
    for (const std::string& r : *before.master) {
      if (!contains(master_now, r) && invited_before(r) && contains(reps, r)) {
        off_master.push_back(r);
      }
    }
    for (const std::string& r : master_now) {
      if (std::find(before.master->begin(), before.master->end(), r) == before.master->end() && invited_before(r)) {
        on_master.push_back(r);
      }
    }
  }
  const bool new_sequence = (changed && !(cancels_only && cancelled_ahead.empty())) || relist_notices ||
                            !off_master.empty() || !on_master.empty();
  int seq = first ? std::max(0, in.event_sequence)
                  : (new_sequence ? std::max(in.event_sequence, before.sequence + 1) : before.sequence);
  // A change of some overrides only (the master as it was, none removed): only those VEVENTs.
  std::vector<std::string> only;
  if (!first && changed && before.versions.count("") && in.versions.count("") &&
      before.versions.at("") == in.versions.at("")) {
    bool removed = std::any_of(before.versions.begin(), before.versions.end(),
                               [&](const auto& kv) { return !in.versions.count(kv.first); });
    if (!removed) {
      for (const auto& [rid, v] : in.versions) {
        auto b = before.versions.find(rid);
        if (!rid.empty() && (b == before.versions.end() || b->second != v)) {
          only.push_back(rid);
        }
      }
    }
  }
  // Some overrides changed and others only chose someone else: those go in the same REQUEST.
  if (!only.empty() && !told_apart) {
    for (const auto* by : {&relist.added, &relist.dropped}) {
      for (const auto& [recipient, overrides] : *by) {
        for (const auto& [key, at] : overrides) {
          only.push_back(key);
        }
      }
    }
    std::sort(only.begin(), only.end());
    only.erase(std::unique(only.begin(), only.end()), only.end());
  }
  const std::string round =
      in.uid + "/" + std::to_string(seq) + "/" + fnv_digest(rep_set + versions_digest(in.versions));
  for (const std::string& r : reps) {
    auto b = before.invited.find(r);
    bool was_invited = b != before.invited.end() && b->second;
    const bool off = contains(off_master, r);
    const bool on = contains(on_master, r);
    if (!was_invited) {
      plan.notices.push_back({NoticeKind::request, r, round + "/request/" + r, seq, {}});
    } else if (off || on) {
      if (off) {
        plan.notices.push_back({NoticeKind::cancel, r, round + "/off-master/" + r, seq, {}});
      }
      plan.notices.push_back({NoticeKind::request, r, round + "/request/" + r, seq, {}});
    } else if (cancels_only) {
      // Each occurrence to those its VEVENT listed: one of the master's to the master's
      // representatives, one that was an override to those of its own list.
      const bool of_master =
          !m.versions.empty() &&
          std::any_of(m.versions.front().invitations.begin(), m.versions.front().invitations.end(),
                      [&](const Invitation& inv) { return inv.official && inv.official->email == r; });
      PlannedNotice cancel{NoticeKind::cancel, r, round + "/cancel-occurrences/" + r, seq, {}};
      for (const auto& [key, at] : cancelled_ahead) {
        if (listed_on(before, key, at, r, of_master)) {
          cancel.only.push_back(key);
          cancel.occurrence = cancel.occurrence == 0 ? at : std::min(cancel.occurrence, at);
        }
      }
      if (!cancel.only.empty()) {
        plan.notices.push_back(std::move(cancel));
      }
    } else if (changed) {
      plan.notices.push_back({NoticeKind::request, r, round + "/request/" + r, seq, only});
    }
    if (was_invited && told_apart && !off && !on) {
      auto notice = [&](NoticeKind kind, const std::vector<std::pair<std::string, Instant>>& overrides,
                        const char* what) {
        PlannedNotice n{kind, r, round + what + r, seq, {}};
        for (const auto& [key, at] : overrides) {
          n.only.push_back(key);
          if (kind == NoticeKind::cancel) { // it names the first occurrence it cancels
            n.occurrence = n.occurrence == 0 ? at : std::min(n.occurrence, at);
          }
        }
        plan.notices.push_back(std::move(n));
      };
      if (auto a = relist.added.find(r); a != relist.added.end()) {
        notice(NoticeKind::request, a->second, "/relist-request/");
      }
      if (auto d = relist.dropped.find(r); d != relist.dropped.end()) {
        notice(NoticeKind::cancel, d->second, "/relist-cancel/");
      }
    }
    plan.next.invited[r] = true;
    plan.next.until[r] = invited_until(m, r, in.beyond_horizon);
  }
  // Those no longer chosen for anything ahead. One still chosen for an occurrence that is over
  // is told only when their invitation reached further (kept in `until`).
  for (const std::string& recipient : series_cancels(before, chosen, false, in.now)) {
    plan.notices.push_back({NoticeKind::cancel, recipient, round + "/cancel/" + recipient, seq, {}});
    plan.next.invited[recipient] = false;
    plan.next.until.erase(recipient);
  }
  plan.next.sequence = seq;
  plan.next.versions = in.versions;
  plan.next.live = in.live_versions;
  plan.next.cancelled = keys_of(in.cancelled);
  plan.next.listed = listed_by_override(m);
  plan.next.master = master_now;
  return plan;
}

} // namespace kenes::calendar
