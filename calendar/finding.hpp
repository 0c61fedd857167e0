// Rule ids, severities and findings.
#pragma once

#include "time.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace kenes::calendar {

enum class RuleId {
  day_non_working,
  day_regime,
  hours_government,
  hours_interagency,
  format_remote_preferred,
  attendance_one_per_body,
  attendance_rank_level,
  attendance_competence,
  attendance_no_representative,
  attendance_unknown,
  planning_lead_time,
  materials_agenda,
  duration_long,
  conflict_busy,
  agenda_chair_competence,
};
inline constexpr int k_rule_count = 15;

// `off` disables a rule.
enum class Severity { off, notice, warning, error };

enum class Language { ru, kk, en };

struct RuleInfo
{
  RuleId id;
  std::string_view name; // "hours.interagency"
  Severity default_severity;
  std::string_view ref; // decree reference
};

const RuleInfo& rule_info(RuleId id);
const std::array<RuleInfo, k_rule_count>& all_rules();
std::optional<RuleId> parse_rule_id(std::string_view s);
std::optional<Severity> parse_severity(std::string_view s);
std::string_view to_string(Severity s);
std::optional<Language> parse_language(std::string_view s);
std::string_view to_string(Language l);

bool is_slot_rule(RuleId id); // day.*, hours.*, conflict.busy

// The arguments a rule's message needs; rendered in a language by `render_message`.
struct FindingArgs
{
  std::string a; // attendee, window, day ...
  std::string b;
  std::string c;
};

struct Finding
{
  RuleId rule;
  Severity severity;
  Instant occurrence; // the occurrence's actual start
  FindingArgs args;
  // About an occurrence that had ended at the check's `now`: kept and shown, never decides (SPEC §3).
  bool past = false;
};

std::string render_message(const Finding& f, Language lang);

// What a reader sees of a rule (the id stays in JSON, logs and metric labels): a short name
// ("Один представитель от органа"), a one-line explanation, the decree reference in words
// (`RuleInfo::ref` in en).
std::string_view rule_title(RuleId id, Language lang);
std::string_view rule_explanation(RuleId id, Language lang);
std::string_view rule_reference(RuleId id, Language lang);

// Why a person was not invited, as a sentence: `args` a = who, b = their body, c = who is invited
// instead (empty: no one). «Касымова Ж.Н. (Минэкологии) не приглашается: от органа приглашается
// один представитель — Утебаева Т.Н.»
std::string render_dropped(RuleId why, const FindingArgs& args, Language lang);

} // namespace kenes::calendar
