#include "words.hpp"

#include <array>

namespace kenes::calendar {

namespace {

struct IdWords
{
  std::string_view what, id;
  std::array<std::string_view, 3> words; // ru, kk, en
};

constexpr IdWords k_words[] = {
    // Kinds and formats of a meeting (SPEC §3, meeting.hpp).
    {"kind", "selector", {"селекторное совещание", "селекторлық кеңес", "selector meeting"}},
    {"kind", "operative", {"оперативное совещание", "жедел кеңес", "operative meeting"}},
    {"kind", "government_session", {"заседание Правительства", "Үкімет отырысы", "Government session"}},
    {"kind", "kso_session", {"заседание КСО", "КМО отырысы", "KSO session"}},
    {"kind", "interagency", {"межведомственное совещание", "ведомствоаралық кеңес", "interagency meeting"}},
    {"kind", "internal", {"внутреннее совещание", "ішкі кеңес", "internal meeting"}},
    {"format", "in_person", {"очно", "бетпе-бет", "in person"}},
    {"format", "selector", {"селектор", "селектор", "selector"}},
    {"format", "video", {"видеоконференция", "бейнеконференция", "video conference"}},
    {"format", "hybrid", {"смешанный", "аралас", "hybrid"}},
    // Ranks (directory.hpp).
    {"rank", "prime_minister", {"Премьер-Министр", "Премьер-Министр", "Prime Minister"}},
    {"rank",
     "deputy_prime_minister",
     {"заместитель Премьер-Министра", "Премьер-Министрдің орынбасары", "Deputy Prime Minister"}},
    {"rank",
     "head_of_government_office",
     {"Руководитель Аппарата Правительства", "Үкімет Аппаратының Басшысы", "Head of the Government Office"}},
    {"rank", "presidential_assistant", {"помощник Президента", "Президенттің көмекшісі", "presidential assistant"}},
    {"rank", "presidential_adviser", {"советник Президента", "Президенттің кеңесшісі", "presidential adviser"}},
    {"rank", "minister", {"министр", "министр", "minister"}},
    {"rank", "vice_minister", {"вице-министр", "вице-министр", "vice minister"}},
    {"rank", "committee_chair", {"председатель комитета", "комитет төрағасы", "committee chair"}},
    {"rank",
     "deputy_committee_chair",
     {"заместитель председателя комитета", "комитет төрағасының орынбасары", "deputy committee chair"}},
    {"rank", "director", {"директор департамента", "департамент директоры", "director"}},
    {"rank", "akim", {"аким", "әкім", "akim"}},
    {"rank", "first_deputy_akim", {"первый заместитель акима", "әкімнің бірінші орынбасары", "first deputy akim"}},
    {"rank", "deputy_akim", {"заместитель акима", "әкімнің орынбасары", "deputy akim"}},
    {"rank", "head_of_staff", {"руководитель аппарата", "аппарат басшысы", "head of staff"}},
    {"rank", "head_of_department", {"руководитель управления", "басқарма басшысы", "head of department"}},
    // Severities (finding.hpp).
    {"severity", "error", {"ошибка", "қате", "error"}},
    {"severity", "warning", {"предупреждение", "ескерту", "warning"}},
    {"severity", "notice", {"замечание", "ескертпе", "notice"}},
    {"severity", "off", {"выключено", "өшірулі", "off"}},
    // Weekdays, as time.hpp names them.
    {"weekday", "monday", {"понедельник", "дүйсенбі", "Monday"}},
    {"weekday", "tuesday", {"вторник", "сейсенбі", "Tuesday"}},
    {"weekday", "wednesday", {"среда", "сәрсенбі", "Wednesday"}},
    {"weekday", "thursday", {"четверг", "бейсенбі", "Thursday"}},
    {"weekday", "friday", {"пятница", "жұма", "Friday"}},
    {"weekday", "saturday", {"суббота", "сенбі", "Saturday"}},
    {"weekday", "sunday", {"воскресенье", "жексенбі", "Sunday"}},
};

} // namespace

std::string_view id_words(Language lang, std::string_view what, std::string_view id)
{
  for (const IdWords& w : k_words) {
    if (w.what == what && w.id == id) {
      return w.words[static_cast<std::size_t>(lang)];
    }
  }
  return id;
}

std::string weekdays_in_words(std::string text, Language lang)
{
  for (const IdWords& w : k_words) {
    if (w.what != "weekday") {
      continue;
    }
    const std::string_view to = w.words[static_cast<std::size_t>(lang)];
    for (auto at = text.find(w.id); at != std::string::npos; at = text.find(w.id, at + to.size())) {
      text.replace(at, w.id.size(), to);
    }
  }
  return text;
}

std::string render_message(const Finding& f, Language lang, const Directory& directory)
{
  if (f.rule != RuleId::attendance_competence && f.rule != RuleId::agenda_chair_competence) {
    return render_message(f, lang);
  }
  Finding named = f;
  const std::string_view code = to_string(lang);
  named.args.b = directory.topics_in_words(f.args.b, code);
  if (f.rule == RuleId::agenda_chair_competence) {
    named.args.c = directory.topics_in_words(f.args.c, code);
  }
  return render_message(named, lang);
}

} // namespace kenes::calendar
