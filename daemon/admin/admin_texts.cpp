#include "daemon/admin/admin_texts.hpp"

#include "calendar/words.hpp"

namespace kenes::daemon {

namespace {

const char* const k_texts[][3] = {
    {"kenes — регламент совещаний", "kenes — кеңестер регламенті", "kenes — meeting regime"},
    {"Обзор", "Шолу", "Dashboard"},
    {"Неделя", "Апта", "Week"},
    {"Отчёт", "Есеп", "Report"},
    {"Метрики", "Метрикалар", "Metrics"},
    {"Источники", "Көздер", "Sources"},
    {"Источник", "Көз", "Source"},
    {"Тип", "Түрі", "Type"},
    {"Состояние", "Күйі", "State"},
    {"Последний успех", "Соңғы сәтті", "Last success"},
    {"Последняя попытка", "Соңғы әрекет", "Last attempt"},
    {"Длительность", "Ұзақтығы", "Duration"},
    {"Принято без уведомлений", "Хабарламасыз қабылданды", "Adopted"},
    {"Ошибка", "Қате", "Error"},
    {"в порядке", "қалыпты", "ok"},
    {"сбой", "ақау", "failing"},
    {"ещё не было", "әлі болған жоқ", "never"},
    {"Исходящие уведомления", "Шығыс хабарламалар", "Outbox"},
    {"Совещания по итогам проверки", "Тексеру нәтижесі бойынша кеңестер", "Meetings by verdict"},
    {"Нарушения по правилам", "Ережелер бойынша бұзушылықтар", "Findings by rule"},
    {"Ближайшие совещания", "Алдағы кеңестер", "Next meetings"},
    {"нет", "жоқ", "none"},
    {"Совещание", "Кеңес", "Meeting"},
    {"Начало", "Басы", "Start"},
    {"Окончание", "Соңы", "End"},
    {"Итог проверки", "Тексеру нәтижесі", "Verdict"},
    {"Вид", "Түрі", "Kind"},
    {"Формат", "Форматы", "Format"},
    {"Председатель", "Төраға", "Chair"},
    {"Приглашённые представители", "Шақырылған өкілдер", "Invited representatives"},
    {"Не приглашены", "Шақырылмағандар", "Not invited"},
    {"Допустимые слоты", "Рұқсат етілген уақыттар", "Valid slots"},
    {"История уведомлений", "Хабарламалар тарихы", "Notice history"},
    {"Получатель", "Алушы", "Recipient"},
    {"Попытки", "Әрекеттер", "Attempts"},
    {"Отправлено", "Жіберілді", "Sent"},
    {"Правило", "Ереже", "Rule"},
    {"Серьёзность", "Маңыздылығы", "Severity"},
    {"Занятие", "Кездесу", "Occurrence"},
    {"Пункт постановления", "Қаулы тармағы", "Reference"},
    {"Сообщение", "Хабар", "Message"},
    {"Орган", "Орган", "Body"},
    {"Должность", "Лауазымы", "Rank"},
    {"Участник", "Қатысушы", "Attendee"},
    {"← предыдущая", "← алдыңғы", "← previous"},
    {"следующая →", "келесі →", "next →"},
    {"праздник", "мереке", "holiday"},
    {"09:00–17:00 (Правительство)", "09:00–17:00 (Үкімет)", "09:00–17:00 (Government)"},
    {"09:00–13:00 (центральные и местные органы)", "09:00–13:00 (орталық және жергілікті органдар)",
     "09:00–13:00 (central and local bodies)"},
    {"Не найдено", "Табылмады", "Not found"},
    {"ошибка аутентификации с", "аутентификация қатесі, бастап", "authentication failed since"},
    {"сбой с", "ақау, бастап", "failing since"},
    {"Месяц", "Ай", "Month"},
    {"Создано", "Жасалды", "Created"},
    {"Количество", "Саны", "Count"},
    {"Прошедшие занятия (не влияют на итог)", "Өткен кездесулер (нәтижеге әсер етпейді)",
     "Past occurrences (they decide nothing)"},
    {"Идентификатор", "Сәйкестендіргіш", "UID"},
    {"Требуется вход: имя и пароль администратора или токен", "Кіру қажет: әкімшінің аты мен құпиясөзі немесе токен",
     "Authentication required"},
    {"Неделя указывается годом и номером недели, например 2026-W49",
     "Апта жылмен және апта нөмірімен жазылады, мысалы 2026-W49", "week: expected YYYY-Www, e.g. 2026-W49"},
    {"с", "с", "s"},
    {"Пояснение", "Түсіндірме", "Explanation"},
    {"Почему", "Себебі", "Why"},
    {"Принять удаление", "Жоюды қабылдау", "Accept the removals"},
    {"удаление принято, применится при следующей синхронизации:", "жою қабылданды, келесі синхрондауда қолданылады:",
     "removals accepted, applied by the next sync:"},
    {"календари, не прочитанные последней синхронизацией (их встречи сохранены):",
     "соңғы синхрондау оқымаған күнтізбелер (олардың кеңестері сақталды):",
     "calendars the last sync could not read (their meetings are kept):"},
    {"Удалено из календаря", "Күнтізбеден жойылды", "Removed from the calendar on"},
    {"Состоявшиеся (учитываются в отчёте)", "Өткізілгендері (есепте ескеріледі)", "Took place (counted in the report)"},
    {"проверка не удалась (повторяется при каждой синхронизации)", "тексеру сәтсіз (әр синхрондауда қайталанады)",
     "check failing (retried by every sync)"},
};

// The values of the daemon's own fields; the domain's (kinds, ranks …) are calendar::id_words'.
struct ValueWords
{
  std::string_view what, id;
  const char* words[3]; // ru, kk, en
};

constexpr ValueWords k_values[] = {
    // A notice's state in the outbox (outbox_records.hpp).
    {"state", "pending", {"в очереди", "кезекте", "pending"}},
    {"state", "held", {"ждёт конца проверки", "тексерудің аяқталуын күтуде", "held"}},
    {"state", "sending", {"отправляется", "жіберілуде", "sending"}},
    {"state", "sent", {"отправлено", "жіберілді", "sent"}},
    {"state", "failed", {"не доставлено", "жеткізілмеді", "failed"}},
    {"state", "digested", {"вошло в сводку", "жинаққа енді", "digested"}},
    {"state",
     "suppressed",
     {"не отправляется: получатель вне списка", "жіберілмейді: алушы тізімнен тыс", "suppressed"}},
    // A notice's kind.
    {"notice", "request", {"приглашение", "шақыру", "invitation"}},
    {"notice", "cancel", {"отмена", "күшін жою", "cancellation"}},
    {"notice", "warning", {"замечания организатору", "ұйымдастырушыға ескертулер", "warning to the organizer"}},
    {"notice", "digest", {"сводка замечаний", "ескертулер жинағы", "digest of warnings"}},
    // A source's type (SPEC §6).
    {"source_type", "dir", {"папка", "қалта", "folder"}},
    {"source_type", "caldav", {"сервер CalDAV", "CalDAV сервері", "CalDAV server"}},
    {"source_type",
     "ical",
     {"календарь iCalendar по ссылке", "сілтеме бойынша iCalendar күнтізбесі", "iCalendar feed"}},
};

static_assert(sizeof k_texts / sizeof k_texts[0] == static_cast<std::size_t>(Text::check_failing) + 1,
              "one row per Text");

} // namespace

const char* tr(calendar::Language lang, Text key)
{
  return k_texts[static_cast<int>(key)][static_cast<int>(lang)];
}

const char* verdict_text(calendar::Language lang, std::string_view verdict)
{
  static const char* const texts[][3] = {{"допустимо", "рұқсат", "ok"},
                                         {"предупреждение", "ескерту", "warning"},
                                         {"недопустимо", "рұқсат етілмейді", "invalid"}};
  int i = verdict == "invalid" ? 2 : verdict == "warning" ? 1 : 0;
  return texts[i][static_cast<int>(lang)];
}

std::string_view value_text(calendar::Language lang, std::string_view what, std::string_view id)
{
  for (const ValueWords& v : k_values) {
    if (v.what == what && v.id == id) {
      return v.words[static_cast<int>(lang)];
    }
  }
  return calendar::id_words(lang, what, id);
}

const char* language_name(calendar::Language lang)
{
  static const char* const names[] = {"Русский", "Қазақша", "English"};
  return names[static_cast<int>(lang)];
}

} // namespace kenes::daemon
