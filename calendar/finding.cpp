#include "finding.hpp"
#include "words.hpp"

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
    {"Совещание назначено на нерабочий день ({a}); совещания проводятся только в рабочие дни с соблюдением трудового "
     "законодательства.",
     "Кеңес жұмыс емес күнге белгіленген ({a}); кеңестер еңбек заңнамасын сақтай отырып тек жұмыс күндері өткізіледі.",
     "The meeting falls on a non-working day ({a}); meetings are held on working days only, in line with labour law."},
    {"Совещание вида «{a}» назначено на {b}, а по Регламенту проводится в день: {c}.",
     "«{a}» түріндегі кеңес {b} күніне белгіленген, ал Регламент бойынша өткізілетін күн: {c}.",
     "A meeting of kind '{a}' is set on {b}; the Regulation designates: {c}."},
    {"Совещание в Правительстве должно проходить в рабочее время {a}; назначено {b}.",
     "Үкіметтегі кеңес жұмыс уақытында {a} өтуі тиіс; белгіленген уақыты {b}.",
     "A meeting in the Government must be held within working time {a}; it is set for {b}."},
    {"Совещание с участием двух и более центральных государственных органов ({c}) проводится только {a}; назначено "
     "{b}.",
     "Екі және одан да көп орталық мемлекеттік орган ({c}) қатысатын кеңес тек {a} аралығында өткізіледі; белгіленген "
     "уақыты {b}.",
     "A meeting with two or more central state bodies ({c}) may only be held {a}; it is set for {b}."},
    {"Участвуют центральные и местные органы, а формат очный: максимально используйте селекторную или "
     "видеоконференцсвязь.",
     "Орталық және жергілікті органдар қатысады, ал формат бетпе-бет: селекторлық немесе бейнеконференцбайланысты "
     "барынша пайдаланыңыз.",
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
     "Кеңес басталуына {a} күннен аз уақыт қалғанда жоспарланған (алғаш {b} байқалды); кеңестер алдын ала жоспарлануы "
     "тиіс.",
     "The meeting was planned less than {a} days ahead (first seen {b}); meetings are planned in advance."},
    {"{a}", "{a}", "{a}"},
    {"Продолжительность {a} мин превышает {b} мин; максимально сократите продолжительность.",
     "Ұзақтығы {a} мин, бұл {b} минуттан асады; ұзақтығын барынша қысқартыңыз.",
     "The duration of {a} min exceeds {b} min; keep meetings as short as possible."},
    {"{a} занят(а) в это время: {b}.", "{a} бұл уақытта бос емес: {b}.", "{a} is busy at this time: {b}."},
    {"Вопросы совещания ({c}) не относятся к компетенции председательствующего {a} ({b}); совещание проводится по "
     "вопросам, относящимся к компетенции председательствующего.",
     "Кеңес мәселелері ({c}) төрағалық етушінің {a} құзыретіне ({b}) жатпайды; кеңес төрағалық етушінің құзыретіне "
     "жататын мәселелер бойынша өткізіледі.",
     "The topics of the meeting ({c}) are outside the competence of the chair {a} ({b}); a meeting is held on "
     "questions within its chair's competence."},
}};

// What a reader sees of each rule, in ru, kk and en: a short name, a one-line explanation and the
// decree reference in words (the code's `ref` stays as SPEC writes it, in JSON and logs). One
// entry per RuleId, in its order: the static_asserts below refuse a missing or misplaced one.
struct RuleWords
{
  RuleId id;
  Templates name, explanation, ref;
};

constexpr std::array<RuleWords, k_rule_count> k_words{{
    {day_non_working,
     {"Нерабочий день", "Жұмыс емес күн", "Non-working day"},
     {"Совещания проводятся только в рабочие дни, с соблюдением трудового законодательства.",
      "Кеңестер еңбек заңнамасын сақтай отырып, тек жұмыс күндері өткізіледі.",
      "Meetings are held on working days only, in line with labour law."},
     {"рекомендации, гл. 1", "ұсынымдар, 1-тарау", "rec. ch.1"}},
    {day_regime,
     {"День по Регламенту", "Регламент бойынша күн", "Designated day"},
     {"Каждый вид совещаний проводится в свой день недели, установленный Регламентом.",
      "Кеңестің әр түрі Регламентте белгіленген өз апта күнінде өткізіледі.",
      "Each kind of meeting is held on the weekday the Regulation designates for it."},
     {"рекомендации, гл. 1, таблица", "ұсынымдар, 1-тарау, кесте", "rec. ch.1, table"}},
    {hours_government,
     {"Рабочее время Правительства", "Үкіметтің жұмыс уақыты", "Government working time"},
     {"Совещания в Правительстве проходят только в рабочее время.", "Үкіметтегі кеңестер тек жұмыс уақытында өтеді.",
      "Meetings in the Government are held within working time only."},
     {"распоряжение, п. 2, пп. 5", "өкім, 2-тармақ, 5-тармақша", "order p.2 sp.5"}},
    {hours_interagency,
     {"Время межведомственных совещаний", "Ведомствоаралық кеңестер уақыты", "Interagency hours"},
     {"Совещания с участием двух и более центральных государственных органов проводятся только в отведённые часы.",
      "Екі және одан да көп орталық мемлекеттік орган қатысатын кеңестер тек белгіленген сағаттарда өткізіледі.",
      "Meetings with two or more central state bodies are held only in the hours set for them."},
     {"распоряжение, п. 2, пп. 5-1", "өкім, 2-тармақ, 5-1-тармақша", "order p.2 sp.5-1"}},
    {format_remote_preferred,
     {"Дистанционный формат", "Қашықтан өткізу форматы", "Remote format preferred"},
     {"С участием центральных и местных органов максимально используется селекторная и видеоконференцсвязь.",
      "Орталық және жергілікті органдар қатысқанда селекторлық және бейнеконференцбайланыс барынша пайдаланылады.",
      "With central and local bodies, selector and video conferences are used as much as possible."},
     {"рекомендации, гл. 1", "ұсынымдар, 1-тарау", "rec. ch.1"}},
    {attendance_one_per_body,
     {"Один представитель от органа", "Органнан бір өкіл", "One representative per body"},
     {"Несколько должностных лиц одного органа одновременно не приглашаются.",
      "Бір органның бірнеше лауазымды тұлғасы бір мезгілде шақырылмайды.",
      "Several officials of one body are not invited together."},
     {"рекомендации, гл. 1 и 4", "ұсынымдар, 1 және 4-тараулар", "rec. ch.1; rec. ch.4"}},
    {attendance_rank_level,
     {"Уровень должности", "Лауазым деңгейі", "Rank level"},
     {"Приглашаются должностные лица того уровня, который соответствует председательствующему.",
      "Төрағалық етушіге сәйкес деңгейдегі лауазымды тұлғалар шақырылады.",
      "Officials are invited at the level that fits the chair."},
     {"распоряжение, п. 2, пп. 2–3; рекомендации, гл. 3", "өкім, 2-тармақ, 2–3-тармақшалар; ұсынымдар, 3-тарау",
      "order p.2 sp.2-3; rec. ch.3"}},
    {attendance_competence,
     {"Компетенция", "Құзырет", "Competence"},
     {"Приглашаются только те, чьей компетенции касаются вопросы совещания.",
      "Кеңес мәселелері құзыретіне қатысты тұлғалар ғана шақырылады.",
      "Only officials whose competence the topics touch are invited."},
     {"рекомендации, гл. 3 и 4", "ұсынымдар, 3 және 4-тараулар", "rec. ch.3; rec. ch.4"}},
    {attendance_no_representative,
     {"Нет представителя нужного уровня", "Қажетті деңгейдегі өкіл жоқ", "No representative of fitting rank"},
     {"В органе нет должностного лица нужного уровня; приглашается ближайший по уровню.",
      "Органда қажетті деңгейдегі лауазымды тұлға жоқ; деңгейі жақын тұлға шақырылады.",
      "The body has no official of the needed rank; the nearest rank is invited."},
     {"распоряжение, п. 2, пп. 3", "өкім, 2-тармақ, 3-тармақша", "order p.2 sp.3"}},
    {attendance_unknown,
     {"Участник не из справочника", "Анықтамалықта жоқ қатысушы", "Attendee not in the directory"},
     {"Адрес участника не найден в справочнике органов; ему ничего не отправляется.",
      "Қатысушының мекенжайы органдар анықтамалығында жоқ; оған ештеңе жіберілмейді.",
      "The attendee's address is in no body of the directory; nothing is sent to it."},
     {"рекомендации, гл. 4", "ұсынымдар, 4-тарау", "rec. ch.4"}},
    {planning_lead_time,
     {"Заблаговременное планирование", "Алдын ала жоспарлау", "Planning ahead"},
     {"Совещания, кроме оперативных, планируются заранее.", "Жедел кеңестерден басқа кеңестер алдын ала жоспарланады.",
      "Meetings other than operative ones are planned in advance."},
     {"рекомендации, гл. 1, принцип 2", "ұсынымдар, 1-тарау, 2-қағидат", "rec. ch.1, principle 2"}},
    {materials_agenda,
     {"Повестка и материалы", "Күн тәртібі мен материалдар", "Agenda and materials"},
     {"Повестка (телефонограмма) и материалы рассылаются заблаговременно.",
      "Күн тәртібі (телефонограмма) мен материалдар алдын ала жіберіледі.",
      "The agenda (telephonogram) and the materials are sent in advance."},
     {"рекомендации, гл. 1, принцип 3", "ұсынымдар, 1-тарау, 3-қағидат", "rec. ch.1, principle 3"}},
    {duration_long,
     {"Продолжительность", "Ұзақтығы", "Duration"},
     {"Совещания проводятся максимально короткими.", "Кеңестер барынша қысқа өткізіледі.",
      "Meetings are kept as short as possible."},
     {"распоряжение, п. 2, пп. 5 и 5-1", "өкім, 2-тармақ, 5 және 5-1-тармақшалар", "order p.2 sp.5, sp.5-1"}},
    {conflict_busy,
     {"Занятость участника", "Қатысушының бос еместігі", "Invitee busy"},
     {"Приглашённый в это время занят на другом совещании.", "Шақырылған тұлға бұл уақытта басқа кеңесте.",
      "An invitee is busy with another meeting at this time."},
     {"рекомендации, гл. 1, таблица", "ұсынымдар, 1-тарау, кесте", "rec. ch.1, table"}},
    {agenda_chair_competence,
     {"Компетенция председательствующего", "Төрағалық етушінің құзыреті", "Chair's competence"},
     {"Совещание проводится по вопросам, относящимся к компетенции председательствующего.",
      "Кеңес төрағалық етушінің құзыретіне жататын мәселелер бойынша өткізіледі.",
      "A meeting is held on questions within its chair's competence."},
     {"рекомендации, гл. 1, принцип 1; гл. 3", "ұсынымдар, 1-тарау, 1-қағидат; 3-тарау",
      "rec. ch.1, principle 1; rec. ch.3"}},
}};

constexpr bool complete(const Templates& t)
{
  return !t.ru.empty() && !t.kk.empty() && !t.en.empty();
}

constexpr bool words_complete()
{
  for (std::size_t i = 0; i < k_words.size(); ++i) {
    const RuleWords& w = k_words[i];
    if (static_cast<std::size_t>(w.id) != i || !complete(w.name) || !complete(w.explanation) || !complete(w.ref)) {
      return false;
    }
  }
  return true;
}
static_assert(words_complete(), "every RuleId needs its name, explanation and reference in ru, kk and en, in order");
constexpr bool rules_in_order()
{
  for (std::size_t i = 0; i < k_rules.size(); ++i) {
    if (static_cast<std::size_t>(k_rules[i].id) != i || k_rules[i].ref != k_words[i].ref.en) {
      return false;
    }
  }
  return true;
}
static_assert(rules_in_order(), "k_rules in the order of RuleId, each reference as k_words writes it in en");

// materials.agenda has two variants, chosen by args.b.
constexpr Templates k_no_agenda{"Нет повестки (телефонограммы): описание совещания пустое.",
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

// A person not invited, in words (the organizer's warning, the meeting page): {a} who, {b} their
// body, {c} who is invited instead; the `_alone` variants when no one is.
constexpr Templates k_dropped_one_per_body{
    "{a} ({b}) не приглашается: от органа приглашается один представитель — {c}.",
    "{a} ({b}) шақырылмайды: органнан бір ғана өкіл шақырылады — {c}.",
    "{a} ({b}) is not invited: one representative per body is invited — {c}."};
constexpr Templates k_dropped_one_per_body_alone{
    "{a} ({b}) не приглашается: от органа приглашается один представитель.",
    "{a} ({b}) шақырылмайды: органнан бір ғана өкіл шақырылады.",
    "{a} ({b}) is not invited: one representative per body is invited."};
constexpr Templates k_dropped_rank_level{
    "{a} ({b}) не приглашается: должность не соответствует уровню председательствующего; приглашается {c}.",
    "{a} ({b}) шақырылмайды: лауазымы төрағалық етушінің деңгейіне сәйкес келмейді; {c} шақырылады.",
    "{a} ({b}) is not invited: the rank does not fit the chair's level; {c} is invited instead."};
constexpr Templates k_dropped_rank_level_alone{
    "{a} ({b}) не приглашается: должность не соответствует уровню председательствующего.",
    "{a} ({b}) шақырылмайды: лауазымы төрағалық етушінің деңгейіне сәйкес келмейді.",
    "{a} ({b}) is not invited: the rank does not fit the chair's level."};
constexpr Templates k_dropped_competence{
    "{a} ({b}) не приглашается: вопросы совещания не относятся к компетенции; приглашается {c}.",
    "{a} ({b}) шақырылмайды: кеңес мәселелері құзыретіне жатпайды; {c} шақырылады.",
    "{a} ({b}) is not invited: the meeting's topics are not in their competence; {c} is invited instead."};
constexpr Templates k_dropped_competence_alone{
    "{a} ({b}) не приглашается: вопросы совещания не относятся к компетенции.",
    "{a} ({b}) шақырылмайды: кеңес мәселелері құзыретіне жатпайды.",
    "{a} ({b}) is not invited: the meeting's topics are not in their competence."};
constexpr Templates k_dropped_unknown{
    "{a} не приглашается: адреса нет в справочнике органов, ему ничего не отправляется.",
    "{a} шақырылмайды: мекенжайы органдар анықтамалығында жоқ, оған ештеңе жіберілмейді.",
    "{a} is not invited: the address is in no body of the directory, nothing is sent to it."};

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
  if (s == "off")
    return Severity::off;
  if (s == "notice")
    return Severity::notice;
  if (s == "warning")
    return Severity::warning;
  if (s == "error")
    return Severity::error;
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
  if (s == "ru")
    return Language::ru;
  if (s == "kk")
    return Language::kk;
  if (s == "en")
    return Language::en;
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

namespace {

std::string dropped_sentence(RuleId why, const FindingArgs& args, Language lang)
{
  const bool alone = args.c.empty();
  switch (why) {
  case attendance_one_per_body:
    return substitute(pick(alone ? k_dropped_one_per_body_alone : k_dropped_one_per_body, lang), args);
  case attendance_rank_level:
    return substitute(pick(alone ? k_dropped_rank_level_alone : k_dropped_rank_level, lang), args);
  case attendance_competence:
    return substitute(pick(alone ? k_dropped_competence_alone : k_dropped_competence, lang), args);
  case attendance_unknown:
    return substitute(pick(k_dropped_unknown, lang), args);
  default:
    break;
  }
  // No other rule drops anyone today; a new one still reads as a sentence.
  return substitute("{a} ({b}): ", args) + std::string(rule_title(why, lang)) + ".";
}

} // namespace

std::string_view rule_title(RuleId id, Language lang)
{
  return pick(k_words[static_cast<std::size_t>(id)].name, lang);
}

std::string_view rule_explanation(RuleId id, Language lang)
{
  return pick(k_words[static_cast<std::size_t>(id)].explanation, lang);
}

std::string_view rule_reference(RuleId id, Language lang)
{
  return pick(k_words[static_cast<std::size_t>(id)].ref, lang);
}

std::string render_dropped(RuleId why, const FindingArgs& args, Language lang)
{
  std::string out = dropped_sentence(why, args, lang);
  if (out.ends_with("..")) {
    out.pop_back(); // a name that ends in an initial ends the sentence too
  }
  return out;
}

std::string render_message(const Finding& f, Language lang)
{
  if (f.rule == day_non_working || f.rule == day_regime) {
    // The day, the kind and the designated days are ids in the arguments: in words here, in every
    // language (en too: "KSO session", "Friday", not "kso_session", "friday").
    FindingArgs args = f.args;
    if (f.rule == day_regime) {
      args.a = std::string(id_words(lang, "kind", args.a));
      args.b = weekdays_in_words(std::move(args.b), lang);
      args.c = weekdays_in_words(std::move(args.c), lang);
    } else {
      args.a = weekdays_in_words(std::move(args.a), lang);
    }
    return substitute(pick(k_templates[static_cast<std::size_t>(f.rule)], lang), args);
  }
  if (f.rule == materials_agenda) {
    return substitute(pick(f.args.b.empty() ? k_no_agenda : k_no_materials, lang), f.args);
  }
  if (f.rule == attendance_no_representative && f.args.a.empty()) {
    return substitute(pick(k_no_representative_none, lang), f.args);
  }
  return substitute(pick(k_templates[static_cast<std::size_t>(f.rule)], lang), f.args);
}

} // namespace kenes::calendar
