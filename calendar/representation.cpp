#include "representation.hpp"

#include "text.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdlib>

namespace kenes::calendar {

namespace {

constexpr std::array<Rank, 5> k_central_ladder{Rank::minister, Rank::vice_minister, Rank::committee_chair,
                                               Rank::deputy_committee_chair, Rank::director};
constexpr std::array<Rank, 5> k_local_ladder{Rank::akim, Rank::first_deputy_akim, Rank::deputy_akim,
                                             Rank::head_of_staff, Rank::head_of_department};

// Position on the body's ladder of seniority, for "the nearest rank".
int ladder_position(Rank r, BodyKind kind)
{
  const auto& ladder = kind == BodyKind::local ? k_local_ladder : k_central_ladder;
  auto it = std::find(ladder.begin(), ladder.end(), r);
  return it == ladder.end() ? 100 + static_cast<int>(r) : static_cast<int>(it - ladder.begin());
}

std::string person(const Official& o)
{
  return o.name.empty() ? o.email : o.name + " <" + o.email + ">";
}

std::string person(const Participant& p)
{
  if (p.official) {
    return person(*p.official);
  }
  const Attendee& a = *p.attendee;
  return a.name.empty() ? a.address : a.name + " <" + a.address + ">";
}

int overlap(const Official& o, const std::vector<std::string>& topics)
{
  int n = 0;
  for (const std::string& c : o.competence) {
    if (std::find(topics.begin(), topics.end(), c) != topics.end()) {
      ++n;
    }
  }
  return n;
}

// Everything about one invited body that the choice needs.
class BodyChoice
{
public:
  BodyChoice(const MeetingFacts& m, const Body& body, const Regime& regime, const BusyCalendar& busy, Instant start,
             Instant end)
    : m_meeting(m)
    , m_body(body)
    , m_cell(fitting_ranks(m, body, regime))
    , m_busy(busy)
    , m_start(start)
    , m_end(end)
  {
    for (const Participant& p : m.counted) {
      if (p.body == &body && p.official && std::find_if(m_invited.begin(), m_invited.end(), [&](const Participant* q) {
                                             return q->official == p.official;
                                           }) == m_invited.end()) {
        m_invited.push_back(&p);
      }
    }
  }

  const std::vector<const Participant*>& invited() const { return m_invited; }

  bool approved(const Official& o) const
  {
    return std::any_of(m_invited.begin(), m_invited.end(),
                       [&](const Participant* p) { return p->official == &o && p->attendee->substitution_approved; }) ||
           std::find(m_meeting.approved.begin(), m_meeting.approved.end(), &o) != m_meeting.approved.end();
  }

  bool kso_member(const Official& o) const
  {
    if (m_meeting.kind != Kind::kso_session || !m_meeting.kso) {
      return false;
    }
    const auto& members = m_meeting.kso->members;
    return std::find(members.begin(), members.end(), o.email) != members.end();
  }

  bool fits(const Official& o) const
  {
    return m_cell.any || std::find(m_cell.ranks.begin(), m_cell.ranks.end(), o.rank) != m_cell.ranks.end() ||
           kso_member(o) || approved(o);
  }

  // Order of the rank in the cell; KSO members and approved substitutes rank first.
  int rank_order(const Official& o) const
  {
    if (m_cell.any || kso_member(o) || approved(o)) {
      return 0;
    }
    auto it = std::find(m_cell.ranks.begin(), m_cell.ranks.end(), o.rank);
    if (it != m_cell.ranks.end()) {
      return static_cast<int>(it - m_cell.ranks.begin());
    }
    return ladder_position(o.rank, m_body.kind);
  }

  bool free(const Official& o) const { return !m_busy.busy(o, m_body, m_start, m_end, m_meeting.event->uid); }

  // Step 3: the most topic overlap, then rank order, then free in the slot, then directory order.
  const Official* best(const std::vector<const Official*>& candidates) const
  {
    const Official* best = nullptr;
    std::tuple<int, int, int> best_key{INT_MIN, 0, 0};
    for (const Official* o : candidates) {
      std::tuple<int, int, int> key{overlap(*o, m_meeting.topics), -rank_order(*o), free(*o) ? 1 : 0};
      if (!best || key > best_key) {
        best = o;
        best_key = key;
      }
    }
    return best;
  }

  // The officials of the body whose rank is nearest to the cell (no one fits).
  std::vector<const Official*> nearest() const
  {
    std::vector<const Official*> out;
    int best = INT_MAX;
    for (const Official& o : m_body.officials) {
      int d = INT_MAX;
      for (Rank r : m_cell.ranks) {
        d = std::min(d, std::abs(ladder_position(o.rank, m_body.kind) - ladder_position(r, m_body.kind)));
      }
      if (d < best) {
        best = d;
        out.clear();
      }
      if (d == best) {
        out.push_back(&o);
      }
    }
    return out;
  }

  const Official* choose(bool& none_fit) const
  {
    const auto& topics = m_meeting.topics;
    std::vector<const Official*> fitting;
    for (const Official& o : m_body.officials) {
      if (fits(o)) {
        fitting.push_back(&o);
      }
    }
    none_fit = fitting.empty();
    if (none_fit) {
      fitting = nearest();
    }
    bool someone_touches = !topics.empty() && std::any_of(fitting.begin(), fitting.end(),
                                                          [&](const Official* o) { return overlap(*o, topics) > 0; });
    // Step 2: prefer whom the organizer invited; kept in directory order (the last tie-break of step 3).
    std::vector<const Official*> invited_fitting;
    for (const Official* o : fitting) {
      bool was_invited =
          std::any_of(m_invited.begin(), m_invited.end(), [&](const Participant* p) { return p->official == o; });
      if (was_invited && (!someone_touches || overlap(*o, topics) > 0)) {
        invited_fitting.push_back(o);
      }
    }
    if (!invited_fitting.empty()) {
      return best(invited_fitting);
    }
    return best(fitting);
  }

private:
  const MeetingFacts& m_meeting;
  const Body& m_body;
  FittingRanks m_cell;
  const BusyCalendar& m_busy;
  Instant m_start;
  Instant m_end;
  std::vector<const Participant*> m_invited;
};

bool row_matches(const RepresentationRow& row, Rank chair, bool speaker)
{
  if (std::find(row.chair.begin(), row.chair.end(), chair) == row.chair.end()) {
    return false;
  }
  return !row.speaker || *row.speaker == speaker;
}

} // namespace

FittingRanks fitting_ranks(const MeetingFacts& m, const Body& body, const Regime& regime)
{
  if (!m.chair_official || (body.kind != BodyKind::central && body.kind != BodyKind::local)) {
    return {true, {}};
  }
  bool speaker = std::find(m.speaker_bodies.begin(), m.speaker_bodies.end(), &body) != m.speaker_bodies.end();
  for (const RepresentationRow& row : regime.representation) {
    if (row_matches(row, m.chair_official->rank, speaker)) {
      if (body.kind == BodyKind::central) {
        return {row.any_central, row.central};
      }
      return {row.any_local, row.local};
    }
  }
  return {true, {}};
}

Representation choose_representatives(const MeetingFacts& m, const Regime& regime, const BusyCalendar& busy,
                                      Instant slot_start, Instant slot_end)
{
  Representation out;
  std::vector<const Body*> bodies;
  for (const Participant& p : m.counted) {
    if (!p.body) {
      if (std::none_of(out.dropped.begin(), out.dropped.end(),
                       [&](const Dropped& d) { return d.attendee == p.attendee->uri; })) {
        out.dropped.push_back({nullptr, p.attendee->uri, RuleId::attendance_unknown});
        out.findings.push_back({RuleId::attendance_unknown, Severity::notice, 0, {p.attendee->address, "", ""}});
      }
      continue;
    }
    if (p.body != m.chair_body && std::find(bodies.begin(), bodies.end(), p.body) == bodies.end()) {
      bodies.push_back(p.body);
    }
  }
  for (const Body* body : bodies) {
    BodyChoice choice(m, *body, regime, busy, slot_start, slot_end);
    bool none_fit = false;
    const Official* chosen = choice.choose(none_fit);
    std::string body_name = body->display_name("ru");
    if (chosen) {
      out.invitations.push_back({body, chosen});
    }
    if (none_fit) {
      out.findings.push_back({RuleId::attendance_no_representative,
                              Severity::warning,
                              0,
                              {chosen ? person(*chosen) : std::string(), body_name, ""}});
    }
    const auto& invited = choice.invited();
    for (const Participant* p : invited) {
      if (p->official == chosen) {
        continue;
      }
      RuleId rule = invited.size() > 1           ? RuleId::attendance_one_per_body
                    : !choice.fits(*p->official) ? RuleId::attendance_rank_level
                                                 : RuleId::attendance_competence;
      out.dropped.push_back({body, p->attendee->uri, rule});
      out.findings.push_back({rule,
                              Severity::warning,
                              0,
                              {person(*p), rule == RuleId::attendance_competence ? comma_joined(m.topics) : body_name,
                               chosen ? person(*chosen) : "—"}});
    }
  }
  return out;
}

std::string explain_dropped(const Dropped& d, const Directory& directory, const std::vector<Invitation>& invitations,
                            Language lang)
{
  const std::string address = normalize_address(d.attendee);
  std::optional<AddressMatch> match = directory.lookup(address);
  FindingArgs args;
  args.a = match && match->official && !match->official->name.empty() ? match->official->name : address;
  const Body* body = d.body ? d.body : match ? match->body : nullptr;
  if (body) {
    args.b = lang == Language::ru && !body->short_name.empty() ? body->short_name : body->display_name(to_string(lang));
    for (const Invitation& i : invitations) {
      if (i.body == body && i.official) {
        args.c = i.official->name.empty() ? i.official->email : i.official->name;
        break;
      }
    }
  }
  return render_dropped(d.body ? d.rule : RuleId::attendance_unknown, args, lang);
}

} // namespace kenes::calendar
