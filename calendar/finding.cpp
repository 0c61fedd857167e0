#include "finding.hpp"

#include <string>

namespace kenes::calendar {

namespace {

using enum RuleId;

constexpr std::array<RuleInfo, k_rule_count> k_rules{{
  {day_non_working, "day.non_working", Severity::error, "rec. ch.1"},
  {day_regime, "day.regime", Severity::error, "rec. ch.1, table"},
  {hours_government, "hours.government", Severity::error, "order p.2 sp.5"},
  {hours_interagency, "hours.interagency", Severity::error, "order p.2 sp.5-1"},
  {format_remote_preferred, "format.remote_preferred", Severity::warning, "rec. ch.1"},
  {attendance_one_per_body, "attendance.one_per_body", Severity::warning, "rec. ch.1; rec. ch.4"},
  {attendance_rank_level, "attendance.rank_level", Severity::warning, "order p.2 sp.2-3; rec. ch.3"},
  {attendance_competence, "attendance.competence", Severity::warning, "rec. ch.3; rec. ch.4"},
  {attendance_no_representative, "attendance.no_representative", Severity::warning, "order p.2 sp.3"},
  {attendance_unknown, "attendance.unknown", Severity::notice, "rec. ch.4"},
  {planning_lead_time, "planning.lead_time", Severity::warning, "rec. ch.1, principle 2"},
  {materials_agenda, "materials.agenda", Severity::warning, "rec. ch.1, principle 3"},
  {duration_long, "duration.long", Severity::notice, "order p.2 sp.5, sp.5-1"},
  {conflict_busy, "conflict.busy", Severity::warning, "rec. ch.1, table"},
  {agenda_chair_competence, "agenda.chair_competence", Severity::notice, "rec. ch.1, principle 1; rec. ch.3"},
}};

// Message templates: {a}, {b}, {c} are replaced by the finding's arguments.
struct Templates
{
  std::string_view ru, kk, en;
};

constexpr std::array<Templates, k_rule_count> k_templates{{
  {"Совещание назначено на нерабочий день ({a}); совещания проводятся только в рабочие дни с соблюдением трудового законодательства.",
   "Кеңес жұмыс емес күнге белгіленген ({a}); кеңестер еңбек заңнамасын сақтай отырып тек жұмыс күндері өткізіледі.",
   "The meeting falls on a non-working day ({a}); meetings are held on working days only, in line with labour law."},
  {"Совещание вида «{a}» назначено на {b}, а по Регламенту проводится в день: {c}.",
   "«{a}» түріндегі кеңес {b} күніне белгіленген, ал Регламент бойынша өткізілетін күн: {c}.",
   "A meeting of kind '{a}' is set on {b}; the Regulation designates: {c}."},
  {"Совещание в Правительстве должно проходить в рабочее время {a}; назначено {b}.",
   "Үкіметтегі кеңес жұмыс уақытында {a} өтуі тиіс; белгіленген уақыты {b}.",
   "A meeting in the Government must be held within working time {a}; it is set for {b}."},
  {"Совещание с участием двух и более центральных государственных органов ({c}) проводится только {a}; назначено {b}.",
   "Екі және одан да көп орталық мемлекеттік орган ({c}) қатысатын кеңес тек {a} аралығында өткізіледі; белгіленген уақыты {b}.",
   "A meeting with two or more central state bodies ({c}) may only be held {a}; it is set for {b}."},
  {"Участвуют центральные и местные органы, а формат очный: максимально используйте селекторную или видеоконференцсвязь.",
   "Орталық және жергілікті органдар қатысады, ал формат бетпе-бет: селекторлық немесе бейнеконференцбайланысты барынша пайдаланыңыз.",
   "Central and local bodies take part in person: use the selector or video-conference format as much as possible."},
  {"Из органа «{b}» приглашено несколько должностных лиц; {a} не приглашается, приглашается {c}.",
   "«{b}» органынан бірнеше лауазымды тұлға шақырылған; {a} шақырылмайды, {c} шақырылады.",
   "Several officials of '{b}' were invited; {a} is not invited, {c} is invited instead."},
  {"Должность приглашённого {a} не соответствует уровню председательствующего; приглашается {c}.",
   "Шақырылған {a} лауазымы төрағалық етушінің деңгейіне сәйкес келмейді; {c} шақырылады.",
   "The rank of invitee {a} does not fit the chair; {c} is invited instead."},
  {"Компетенция {a} не затрагивает вопросы совещания ({b}); приглашается {c}.",
   "{a} құзыреті кеңес мәселелеріне ({b}) қатысты емес; {c} шақырылады.",
   "The competence of {a} does not touch the topics ({b}); {c} is invited instead."},
  {"В органе «{b}» нет должностного лица подходящего уровня; приглашается ближайший по уровню: {a}.",
   "«{b}» органында лайықты деңгейдегі лауазымды тұлға жоқ; деңгейі жақын тұлға шақырылады: {a}.",
   "Body '{b}' has no official of fitting rank; the nearest rank is invited: {a}."},
  {"Участник {a} не найден в справочнике органов; ему ничего не отправляется.",
   "{a} қатысушысы органдар анықтамалығында жоқ; оған ештеңе жіберілмейді.",
   "Attendee {a} is in no body of the directory; nothing is sent to it."},
  {"Совещание запланировано менее чем за {a} дн. до начала (впервые замечено {b}); совещания планируются заранее.",
   "Кеңес басталуына {a} күннен аз уақыт қалғанда жоспарланған (алғаш {b} байқалды); кеңестер алдын ала жоспарлануы тиіс.",
   "The meeting was planned less than {a} days ahead (first seen {b}); meetings are planned in advance."},
  {"{a}",
   "{a}",
   "{a}"},
  {"Продолжительность {a} мин превышает {b} мин; максимально сократите продолжительность.",
   "Ұзақтығы {a} мин, бұл {b} минуттан асады; ұзақтығын барынша қысқартыңыз.",
   "The duration of {a} min exceeds {b} min; keep meetings as short as possible."},
  {"{a} занят(а) в это время: {b}.",
   "{a} бұл уақытта бос емес: {b}.",
   "{a} is busy at this time: {b}."},
  {"Вопросы совещания ({c}) не относятся к компетенции председательствующего {a} ({b}); совещание проводится по вопросам, относящимся к компетенции председательствующего.",
   "Кеңес мәселелері ({c}) төрағалық етушінің {a} құзыретіне ({b}) жатпайды; кеңес төрағалық етушінің құзыретіне жататын мәселелер бойынша өткізіледі.",
   "The topics of the meeting ({c}) are outside the competence of the chair {a} ({b}); a meeting is held on questions within its chair's competence."},
}};

// materials.agenda has two variants, chosen by args.b.
constexpr Templates k_no_agenda{
  "Нет повестки (телефонограммы): описание совещания пустое.",
  "Күн тәртібі (телефонограмма) жоқ: кеңестің сипаттамасы бос.",
  "No agenda (telephonogram): the meeting's description is empty."};
constexpr Templates k_no_materials{
  "До начала менее {a} дн., а материалы не приложены; материалы рассылаются заблаговременно.",
  "Басталуына {a} күннен аз қалды, ал материалдар тіркелмеген; материалдар алдын ала жіберіледі.",
  "Less than {a} days before the start and no materials are attached; materials are sent in advance."};

constexpr Templates k_no_representative_none{
  "В органе «{b}» нет должностного лица подходящего уровня; никто не приглашается.",
  "«{b}» органында лайықты деңгейдегі лауазымды тұлға жоқ; ешкім шақырылмайды.",
  "Body '{b}' has no official of fitting rank; no one is invited."};

std::string_view pick(const Templates& t, Language lang)
{
  switch (lang) {
  case Language::kk:
    return t.kk;
  case Language::en:
    return t.en;
  case Language::ru:
    break;
  }
  return t.ru;
}

std::string substitute(std::string_view tmpl, const FindingArgs& args)
{
  std::string out;
  out.reserve(tmpl.size() + args.a.size() + args.b.size() + args.c.size());
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{' && i + 2 < tmpl.size() && tmpl[i + 2] == '}') {
      char k = tmpl[i + 1];
      if (k == 'a' || k == 'b' || k == 'c') {
        out += k == 'a' ? args.a : k == 'b' ? args.b : args.c;
        i += 2;
        continue;
      }
    }
    out.push_back(tmpl[i]);
  }
  return out;
}

} // namespace

const RuleInfo& rule_info(RuleId id)
{
  return k_rules[static_cast<std::size_t>(id)];
}

const std::array<RuleInfo, k_rule_count>& all_rules()
{
  return k_rules;
}

std::optional<RuleId> parse_rule_id(std::string_view s)
{
  for (const RuleInfo& r : k_rules) {
    if (r.name == s) {
      return r.id;
    }
  }
  return std::nullopt;
}

std::optional<Severity> parse_severity(std::string_view s)
{
  if (s == "off") return Severity::off;
  if (s == "notice") return Severity::notice;
  if (s == "warning") return Severity::warning;
  if (s == "error") return Severity::error;
  return std::nullopt;
}

std::string_view to_string(Severity s)
{
  switch (s) {
  case Severity::off:
    return "off";
  case Severity::notice:
    return "notice";
  case Severity::warning:
    return "warning";
  case Severity::error:
    return "error";
  }
  return "off";
}

std::optional<Language> parse_language(std::string_view s)
{
  if (s == "ru") return Language::ru;
  if (s == "kk") return Language::kk;
  if (s == "en") return Language::en;
  return std::nullopt;
}

std::string_view to_string(Language l)
{
  return l == Language::kk ? "kk" : l == Language::en ? "en" : "ru";
}

bool is_slot_rule(RuleId id)
{
  return id == day_non_working || id == day_regime || id == hours_government || id == hours_interagency ||
         id == conflict_busy;
}

std::string render_message(const Finding& f, Language lang)
{
  if (f.rule == materials_agenda) {
    return substitute(pick(f.args.b.empty() ? k_no_agenda : k_no_materials, lang), f.args);
  }
  if (f.rule == attendance_no_representative && f.args.a.empty()) {
    return substitute(pick(k_no_representative_none, lang), f.args);
  }
  return substitute(pick(k_templates[static_cast<std::size_t>(f.rule)], lang), f.args);
}

} // namespace kenes::calendar
