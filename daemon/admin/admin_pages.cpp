#include "daemon/admin/admin_pages.hpp"

#include "daemon/report/appendix_formats.hpp"
#include "daemon/base/html.hpp"
#include "daemon/base/log.hpp"
#include "daemon/base/offload.hpp"

#include "calendar/finding.hpp"

#include <boost/asio/post.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

#pragma GCC diagnostic ignored "-Wmismatched-new-delete" // GCC PR 109224, see caldav_source.cpp

namespace kenes::daemon {

namespace asio = boost::asio;
namespace cal = kenes::calendar;
using ojson = nlohmann::ordered_json;

namespace {

constexpr int k_grid_from = 8 * 3600; // the week grid shows 08:00–18:00
constexpr int k_grid_to = 18 * 3600;
constexpr std::size_t k_next_meetings = 20;

// --- texts -------------------------------------------------------------------------------

enum class T {
  title,
  dashboard,
  week,
  report,
  metrics,
  sources,
  source,
  type,
  state,
  last_success,
  last_attempt,
  duration,
  error,
  ok,
  failing,
  never,
  outbox,
  verdicts,
  findings,
  next_meetings,
  none,
  meeting,
  start,
  end,
  verdict,
  kind,
  format,
  chair,
  invitations,
  dropped,
  suggested,
  notices,
  recipient,
  attempts,
  sent,
  rule,
  severity,
  occurrence,
  reference,
  message,
  body,
  rank,
  attendee,
  previous,
  next,
  holiday,
  window_gov,
  window_ia,
  not_found,
  auth_failed_since,
  failing_since,
  month,
  created,
  count
};

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
};

const char* tr(cal::Language lang, T key)
{
  return k_texts[static_cast<int>(key)][static_cast<int>(lang)];
}

const char* verdict_text(cal::Language lang, std::string_view verdict)
{
  static const char* const texts[][3] = {{"допустимо", "рұқсат", "ok"},
                                         {"предупреждение", "ескерту", "warning"},
                                         {"недопустимо", "рұқсат етілмейді", "invalid"}};
  int i = verdict == "invalid" ? 2 : verdict == "warning" ? 1 : 0;
  return texts[i][static_cast<int>(lang)];
}

std::string local_text(const cal::RegimeZone& zone, std::int64_t t)
{
  cal::LocalTime l = zone.local(t);
  return cal::iso_date(l.day) + " " + cal::hh_mm(l.seconds);
}

std::string seconds_text(double s)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

// --- responses ---------------------------------------------------------------------------

AdminResponse json_response(const ojson& j, std::string route, int status = 200)
{
  AdminResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  r.route = std::move(route);
  return r;
}

AdminResponse text_response(int status, std::string text, std::string route)
{
  AdminResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(text) + "\n";
  r.route = std::move(route);
  return r;
}

struct Page
{
  cal::Language lang;
  std::string self; // the path and query without lang, for the language links
  std::string out;

  void open(const std::string& title)
  {
    out += "<!DOCTYPE html>\n<html lang=\"";
    out += cal::to_string(lang);
    out += "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
           "<title>" +
           html_escape(title) + " — kenes</title><link rel=\"stylesheet\" href=\"/static/kenes.css\"></head><body>";
    std::string q = "?lang=";
    auto link = [&](const char* path, T key) {
      out += "<a href=\"" + std::string(path) + q + std::string(cal::to_string(lang)) + "\">" + tr(lang, key) + "</a> ";
    };
    out += "<nav class=\"top\"><strong>kenes</strong> ";
    link("/", T::dashboard);
    link("/meetings", T::week);
    link("/reports/appendix", T::report);
    out += "<a href=\"/metrics\">" + std::string(tr(lang, T::metrics)) + "</a><span class=\"langs\">";
    const char sep = self.find('?') == std::string::npos ? '?' : '&';
    for (cal::Language l : {cal::Language::ru, cal::Language::kk, cal::Language::en}) {
      out += " <a href=\"" + html_escape(self) + sep + "lang=" + std::string(cal::to_string(l)) + "\">" +
             std::string(cal::to_string(l)) + "</a>";
    }
    out += "</span></nav><main><h1>" + html_escape(title) + "</h1>";
  }
  AdminResponse close(std::string route)
  {
    out += "</main></body></html>\n";
    AdminResponse r;
    r.body = std::move(out);
    r.route = std::move(route);
    return r;
  }
  void th(std::initializer_list<T> keys)
  {
    out += "<tr>";
    for (T k : keys) {
      out += "<th>" + std::string(tr(lang, k)) + "</th>";
    }
    out += "</tr>";
  }
  void td(std::string_view text, std::string_view cls = {})
  {
    out += cls.empty() ? "<td>" : "<td class=\"" + std::string(cls) + "\">";
    out += html_escape(text);
    out += "</td>";
  }
};

std::string meeting_link(const std::string& uid, cal::Language lang)
{
  return "/meetings/" + url_encode(uid) + "?lang=" + std::string(cal::to_string(lang));
}

// The stylesheet of every page: CSP allows no inline style, so the grid's positions are classes.
std::string stylesheet()
{
  std::string css = R"css(
body{font:14px/1.4 "DejaVu Sans",Arial,sans-serif;margin:0;color:#1d2430;background:#fff}
nav.top{background:#12385f;color:#fff;padding:.5em 1em}nav.top a{color:#fff;margin-right:1em}
nav.top .langs{float:right}main{padding:1em 1.5em;max-width:1200px}
h1{font-size:1.4em;margin:.2em 0 .6em}h2{font-size:1.1em;margin:1.2em 0 .4em}
table{border-collapse:collapse;margin:.3em 0 1em}th,td{border:1px solid #c8d0da;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eef2f6}td.num{text-align:right}.ok{color:#1b6e2f}.warning{color:#8a5a00}.invalid,.failing{color:#a11d1d;font-weight:bold}
.muted{color:#667}.week-nav a{margin-right:1em}
.grid{display:flex;border-left:1px solid #c8d0da}.hours{width:3.5em;position:relative;height:600px;margin-top:2.2em}
.hours div{position:absolute;font-size:11px;color:#667}
.day{flex:1;border-right:1px solid #c8d0da;min-width:0}.day h3{margin:0;height:2.2em;font-size:12px;text-align:center;background:#eef2f6;border-bottom:1px solid #c8d0da}
.day.holiday h3{background:#f6dede}.day.holiday .col{background:repeating-linear-gradient(45deg,#fff,#fff 6px,#f8ecec 6px,#f8ecec 12px)}
.col{position:relative;height:600px}.hour-line{position:absolute;left:0;right:0;border-top:1px dotted #dde3ea}
.win{position:absolute;left:0;right:0}.win-gov{top:60px;height:480px;background:#eef6ee}.win-ia{top:60px;height:240px;background:#dcefdc}
.blk{position:absolute;box-sizing:border-box;border:1px solid #777;border-radius:3px;padding:1px 3px;font-size:11px;overflow:hidden;text-decoration:none;color:#111}
.blk.v-ok{background:#bfe3c6;border-color:#1b6e2f}.blk.v-warning{background:#ffe3a3;border-color:#8a5a00}.blk.v-invalid{background:#f4b4b4;border-color:#a11d1d}
.legend span{display:inline-block;padding:0 .5em;margin-right:.5em;border:1px solid #999;font-size:12px}
.key-gov{background:#eef6ee}.key-ia{background:#dcefdc}.key-ok{background:#bfe3c6}.key-warning{background:#ffe3a3}.key-invalid{background:#f4b4b4}
@media print{nav.top,.week-nav,.langs{display:none}main{max-width:none;padding:0}body{font-size:11px}}
)css";
  // Quarter-hour positions from 08:00 (60 px an hour) and up to four side-by-side lanes.
  for (int q = 0; q <= 40; ++q) {
    css += ".t" + std::to_string(q) + "{top:" + std::to_string(q * 15) + "px}";
    css += ".h" + std::to_string(q) + "{height:" + std::to_string(std::max(q, 1) * 15) + "px}";
  }
  for (int n = 1; n <= 4; ++n) {
    for (int i = 0; i < n; ++i) {
      css += ".l" + std::to_string(n) + "-" + std::to_string(i) + "{left:" + std::to_string(i * 100 / n) +
             "%;width:" + std::to_string(100 / n) + "%}";
    }
  }
  css += "\n";
  return css;
}

ojson sources_json(const std::vector<SourceStatus>& sources, const std::map<std::string, SyncRecord>& last)
{
  ojson out = ojson::array();
  for (const SourceStatus& s : sources) {
    ojson j{{"id", s.id}, {"type", s.type}, {"state", s.degraded ? "failing" : (s.last_success ? "ok" : "never")}};
    j["last_success"] = s.last_success ? ojson(utc_iso(*s.last_success)) : ojson(nullptr);
    j["last_attempt"] = s.last_attempt ? ojson(utc_iso(*s.last_attempt)) : ojson(nullptr);
    j["failing_since"] = s.failing_since ? ojson(utc_iso(*s.failing_since)) : ojson(nullptr);
    j["error_kind"] = s.error_kind;
    j["error"] = s.last_error;
    auto it = last.find(s.id);
    if (it != last.end()) {
      j["last_duration_seconds"] = static_cast<double>(it->second.finished - it->second.started);
      j["last_requests"] = it->second.requests;
    }
    out.push_back(std::move(j));
  }
  return out;
}

} // namespace

struct AdminPages::Dashboard
{
  std::vector<SourceStatus> sources;
  std::map<std::string, SyncRecord> last_sync;
  std::map<std::string, int> outbox, verdicts, findings;
  std::int64_t meetings = 0;
  std::vector<OccurrenceView> next;
};

AdminPages::AdminPages(StateStore& store, Metrics& metrics, AdminHooks hooks, AdminAuth auth)
  : m_store(store)
  , m_metrics(metrics)
  , m_hooks(std::move(hooks))
  , m_auth(std::make_shared<const AdminAuth>(std::move(auth)))
{
}

void AdminPages::set_auth(AdminAuth auth)
{
  auto next = std::make_shared<const AdminAuth>(std::move(auth));
  std::lock_guard lock(m_auth_mutex);
  m_auth = std::move(next);
}

AdminPages::~AdminPages()
{
  m_pool.join();
  m_refresh.join();
}

std::optional<cal::Days> AdminPages::parse_iso_week(std::string_view week)
{
  int year = 0, number = 0;
  char tail = 0;
  if (week.size() != 8 || week[4] != '-' || (week[5] != 'W' && week[5] != 'w') ||
      std::sscanf(std::string(week).c_str(), "%4d-%*c%2d%c", &year, &number, &tail) != 2 || year < 1970 ||
      year > 2200 || number < 1 || number > 53) {
    return std::nullopt;
  }
  using namespace std::chrono;
  sys_days jan4 = year_month_day{std::chrono::year(year), January, day(4)};
  sys_days monday = jan4 - days((weekday(jan4).iso_encoding() - 1)) + weeks(number - 1);
  if (iso_week(monday) != std::string(week.substr(0, 5)) + "W" + std::string(week.substr(6))) {
    return std::nullopt; // week 53 of a year with 52
  }
  return monday;
}

std::string AdminPages::iso_week(cal::Days d)
{
  using namespace std::chrono;
  sys_days thursday = d + days(4 - static_cast<int>(weekday(d).iso_encoding()));
  year_month_day ymd(thursday);
  sys_days jan1 = year_month_day{ymd.year(), January, day(1)};
  int number = static_cast<int>((thursday - jan1).count() / 7 + 1);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-W%02d", static_cast<int>(ymd.year()), number);
  return buf;
}

std::shared_ptr<const AdminPages::Dashboard> AdminPages::dashboard()
{
  auto compute = [this] {
    auto d = std::make_shared<Dashboard>();
    d->sources = m_store.sources();
    for (const SourceStatus& s : d->sources) {
      auto h = m_store.sync_history(s.id, 1);
      if (!h.empty()) {
        d->last_sync[s.id] = h.front();
      }
    }
    d->outbox = m_store.outbox_counts();
    d->verdicts = m_store.meetings_by_verdict();
    d->findings = m_store.findings_by_rule();
    d->meetings = m_store.meeting_count();
    const std::int64_t now = m_hooks.now();
    d->next = m_store.occurrences_between(now, now + 14 * 86400);
    if (d->next.size() > k_next_meetings) {
      d->next.resize(k_next_meetings);
    }
    return std::shared_ptr<const Dashboard>(std::move(d));
  };
  const std::int64_t now = m_hooks.now();
  std::unique_lock lock(m_dashboard_mutex);
  if (!m_dashboard) {
    lock.unlock();
    auto fresh = compute();
    lock.lock();
    m_dashboard = fresh;
    m_dashboard_at = now;
  } else if (now - m_dashboard_at >= 1 && !m_refreshing) {
    m_refreshing = true;
    asio::post(m_refresh, [this, compute] {
      std::shared_ptr<const Dashboard> fresh;
      try {
        fresh = compute();
      } catch (const std::exception& e) {
        log(LogLevel::error, "admin.dashboard_failed", "reason=" + log_value(e.what()));
      }
      std::lock_guard inner(m_dashboard_mutex);
      if (fresh) {
        m_dashboard = fresh;
      }
      m_dashboard_at = m_hooks.now();
      m_refreshing = false;
    });
  }
  return m_dashboard;
}

asio::awaitable<AdminResponse> AdminPages::handle(AdminRequest request)
{
  if (request.path == "/healthz") {
    co_return text_response(200, "ok", "/healthz");
  }
  if (request.path == "/readyz") {
    bool ready = m_hooks.ready();
    co_return text_response(ready ? 200 : 503, ready ? "ready" : "not ready: not every source has synced yet",
                            "/readyz");
  }
  std::shared_ptr<const config::Config> config = m_hooks.config();
  std::shared_ptr<const AdminAuth> auth;
  {
    std::lock_guard lock(m_auth_mutex);
    auth = m_auth;
  }
  std::function<std::optional<AdminResponse>()> gate = [auth, authorization = request.authorization]() {
    if (auth->allows(authorization)) {
      return std::optional<AdminResponse>();
    }
    AdminResponse r = text_response(401, "authentication required", "(unauthorized)");
    r.headers["WWW-Authenticate"] = "Basic realm=\"kenes\", charset=\"UTF-8\"";
    return std::optional<AdminResponse>(r);
  };
  if (auth->configured()) {
    if (std::optional<AdminResponse> refused = co_await run_on<std::optional<AdminResponse>>(m_pool, gate)) {
      co_return *refused;
    }
  }
  if (request.path == "/api/v1/sync") {
    if (request.method != "POST") {
      AdminResponse r = text_response(405, "use POST", "/api/v1/sync");
      r.headers["Allow"] = "POST";
      co_return r;
    }
    m_hooks.sync_now();
    co_return json_response({{"started", true}}, "/api/v1/sync", 202);
  }
  if (request.path == "/api/v1/check") {
    if (request.method != "POST") {
      AdminResponse r = text_response(405, "use POST with an iCalendar body", "/api/v1/check");
      r.headers["Allow"] = "POST";
      co_return r;
    }
    auto [json, unreadable] = co_await m_hooks.check(std::move(request.body));
    AdminResponse r;
    r.status = unreadable ? 422 : 200;
    r.content_type = "application/json";
    r.body = std::move(json);
    r.route = "/api/v1/check";
    co_return r;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    AdminResponse r = text_response(405, "method not allowed", "(method)");
    r.headers["Allow"] = "GET, HEAD";
    co_return r;
  }
  std::function<AdminResponse()> work = [this, request = std::move(request), config]() {
    return route(request, config);
  };
  co_return co_await run_on<AdminResponse>(m_pool, std::move(work));
}

AdminResponse AdminPages::route(const AdminRequest& request, const std::shared_ptr<const config::Config>& config)
{
  cal::Language lang = config->admin.language;
  if (auto q = request.query.find("lang"); q != request.query.end()) {
    if (auto l = cal::parse_language(q->second)) {
      lang = *l;
    }
  }
  static thread_local std::unique_ptr<cal::RegimeZone> zone;
  if (!zone || zone->tzid() != config->timezone) {
    zone = std::make_unique<cal::RegimeZone>(config->timezone);
  }
  const std::string& path = request.path;
  const bool api = path.rfind("/api/v1/", 0) == 0;
  const std::string page = api ? path.substr(7) : path; // "/api/v1/meetings" -> "/meetings"

  if (path == "/static/kenes.css") {
    static const std::string css = stylesheet();
    AdminResponse r;
    r.content_type = "text/css; charset=utf-8";
    r.body = css;
    r.route = "/static";
    r.headers["Cache-Control"] = "max-age=3600";
    return r;
  }
  if (path == "/static/appendix.css") {
    AdminResponse r;
    r.content_type = "text/css; charset=utf-8";
    r.body = std::string(appendix_stylesheet());
    r.route = "/static";
    r.headers["Cache-Control"] = "max-age=3600";
    return r;
  }
  if (path == "/metrics") {
    std::shared_ptr<const Dashboard> d = dashboard();
    std::string out = m_metrics.render();
    out += "# HELP kenes_meetings Meetings in the store by verdict.\n# TYPE kenes_meetings gauge\n";
    for (const char* v : {"ok", "warning", "invalid"}) {
      auto it = d->verdicts.find(v);
      out += std::string("kenes_meetings{verdict=\"") + v + "\"} " +
             std::to_string(it == d->verdicts.end() ? 0 : it->second) + "\n";
    }
    out += "# HELP kenes_findings Findings of the stored meetings by rule.\n# TYPE kenes_findings gauge\n";
    for (const auto& [rule, n] : d->findings) {
      out += "kenes_findings{rule=\"" + prometheus_label(rule) + "\"} " + std::to_string(n) + "\n";
    }
    out += "# HELP kenes_outbox_messages Notices in the outbox by state.\n# TYPE kenes_outbox_messages gauge\n";
    for (const char* s : {"pending", "sending", "sent", "failed"}) {
      auto it = d->outbox.find(s);
      out += std::string("kenes_outbox_messages{state=\"") + s + "\"} " +
             std::to_string(it == d->outbox.end() ? 0 : it->second) + "\n";
    }
    out += "# HELP kenes_source_up 1 when the source's last sync succeeded.\n# TYPE kenes_source_up gauge\n";
    for (const SourceStatus& s : d->sources) {
      out += "kenes_source_up{source=\"" + prometheus_label(s.id) + "\"} " + (s.degraded ? "0" : "1") + "\n";
    }
    AdminResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = std::move(out);
    r.route = "/metrics";
    return r;
  }

  // --- dashboard ---
  if (page == "/" || path == "/api/v1/status") {
    std::shared_ptr<const Dashboard> d = dashboard();
    if (api) {
      ojson j{{"sources", sources_json(d->sources, d->last_sync)},
              {"outbox", d->outbox},
              {"meetings", d->meetings},
              {"meetings_by_verdict", d->verdicts},
              {"findings_by_rule", d->findings}};
      ojson next = ojson::array();
      for (const OccurrenceView& o : d->next) {
        next.push_back({{"uid", o.uid},
                        {"summary", o.summary},
                        {"start", zone->iso(o.occurrence.start)},
                        {"end", zone->iso(o.occurrence.end)},
                        {"verdict", o.occurrence.verdict}});
      }
      j["next_meetings"] = std::move(next);
      return json_response(j, "/api/v1/status");
    }
    Page p{lang, "/", {}};
    p.open(tr(lang, T::dashboard));
    p.out += "<h2>" + std::string(tr(lang, T::sources)) + "</h2><table>";
    p.th({T::source, T::type, T::state, T::last_success, T::last_attempt, T::duration, T::error});
    for (const SourceStatus& s : d->sources) {
      p.out += "<tr>";
      p.td(s.id);
      p.td(s.type);
      std::string state = s.degraded ? tr(lang, T::failing) : s.last_success ? tr(lang, T::ok) : tr(lang, T::never);
      p.td(state, s.degraded ? "failing" : s.last_success ? "ok" : "muted");
      p.td(s.last_success ? local_text(*zone, *s.last_success) : tr(lang, T::never));
      p.td(s.last_attempt ? local_text(*zone, *s.last_attempt) : tr(lang, T::never));
      auto last = d->last_sync.find(s.id);
      p.td(last == d->last_sync.end() ? ""
                                      : seconds_text(static_cast<double>(last->second.finished - last->second.started)),
           "num");
      std::string why;
      if (s.degraded) {
        why = std::string(s.error_kind == "auth" ? tr(lang, T::auth_failed_since) : tr(lang, T::failing_since)) + " " +
              (s.failing_since ? local_text(*zone, *s.failing_since) : "?") + ": " + s.last_error;
      }
      p.td(why, s.degraded ? "failing" : "");
      p.out += "</tr>";
    }
    p.out += "</table><h2>" + std::string(tr(lang, T::verdicts)) + "</h2><table>";
    for (const char* v : {"ok", "warning", "invalid"}) {
      auto it = d->verdicts.find(v);
      p.out += "<tr><td class=\"" + std::string(v) + "\">" + verdict_text(lang, v) + "</td><td class=\"num\">" +
               std::to_string(it == d->verdicts.end() ? 0 : it->second) + "</td></tr>";
    }
    p.out += "</table><h2>" + std::string(tr(lang, T::findings)) + "</h2>";
    if (d->findings.empty()) {
      p.out += "<p class=\"muted\">" + std::string(tr(lang, T::none)) + "</p>";
    } else {
      p.out += "<table>";
      p.th({T::rule, T::count});
      for (const auto& [rule, n] : d->findings) {
        p.out += "<tr>";
        p.td(rule);
        p.td(std::to_string(n), "num");
        p.out += "</tr>";
      }
      p.out += "</table>";
    }
    p.out += "<h2>" + std::string(tr(lang, T::outbox)) + "</h2><table>";
    for (const char* s : {"pending", "sending", "sent", "failed"}) {
      auto it = d->outbox.find(s);
      p.out += "<tr><td>" + std::string(s) + "</td><td class=\"num\">" +
               std::to_string(it == d->outbox.end() ? 0 : it->second) + "</td></tr>";
    }
    p.out += "</table><h2>" + std::string(tr(lang, T::next_meetings)) + "</h2>";
    if (d->next.empty()) {
      p.out += "<p class=\"muted\">" + std::string(tr(lang, T::none)) + "</p>";
    } else {
      p.out += "<table>";
      p.th({T::start, T::meeting, T::verdict});
      for (const OccurrenceView& o : d->next) {
        p.out += "<tr>";
        p.td(local_text(*zone, o.occurrence.start));
        p.out +=
            "<td><a href=\"" + html_escape(meeting_link(o.uid, lang)) + "\">" + html_escape(o.summary) + "</a></td>";
        p.td(verdict_text(lang, o.occurrence.verdict), o.occurrence.verdict);
        p.out += "</tr>";
      }
      p.out += "</table>";
    }
    return p.close("/");
  }

  // --- week grid ---
  if (page == "/meetings") {
    cal::Days monday;
    auto w = request.query.find("week");
    if (w != request.query.end()) {
      auto parsed = parse_iso_week(w->second);
      if (!parsed) {
        return text_response(400, "week: expected YYYY-Www, e.g. 2026-W49", page);
      }
      monday = *parsed;
    } else {
      cal::Days today = zone->local(m_hooks.now()).day;
      monday = today - std::chrono::days(std::chrono::weekday(today).iso_encoding() - 1);
    }
    const std::string week = iso_week(monday);
    const std::int64_t from = zone->instant(monday, 0);
    const std::int64_t to = zone->instant(monday + std::chrono::days(5), 0);
    std::vector<OccurrenceView> occ = m_store.occurrences_between(from, to);
    std::set<cal::Days> holidays = m_hooks.holidays();
    if (api) {
      ojson days = ojson::array();
      for (int i = 0; i < 5; ++i) {
        cal::Days d = monday + std::chrono::days(i);
        days.push_back({{"date", cal::iso_date(d)}, {"holiday", holidays.contains(d)}});
      }
      ojson list = ojson::array();
      for (const OccurrenceView& o : occ) {
        list.push_back({{"uid", o.uid},
                        {"summary", o.summary},
                        {"start", zone->iso(o.occurrence.start)},
                        {"end", zone->iso(o.occurrence.end)},
                        {"verdict", o.occurrence.verdict}});
      }
      return json_response({{"week", week},
                            {"previous", iso_week(monday - std::chrono::days(7))},
                            {"next", iso_week(monday + std::chrono::days(7))},
                            {"days", days},
                            {"occurrences", list}},
                           "/api/v1/meetings");
    }
    Page p{lang, "/meetings?week=" + week, {}};
    p.open(std::string(tr(lang, T::week)) + " " + week);
    const std::string l = "&lang=" + std::string(cal::to_string(lang));
    p.out += "<p class=\"week-nav\"><a href=\"/meetings?week=" + iso_week(monday - std::chrono::days(7)) + l + "\">" +
             tr(lang, T::previous) + "</a><a href=\"/meetings?week=" + iso_week(monday + std::chrono::days(7)) + l +
             "\">" + tr(lang, T::next) + "</a></p>";
    p.out += "<p class=\"legend\"><span class=\"key-gov\">" + std::string(tr(lang, T::window_gov)) +
             "</span><span class=\"key-ia\">" + tr(lang, T::window_ia) + "</span><span class=\"key-ok\">" +
             verdict_text(lang, "ok") + "</span><span class=\"key-warning\">" + verdict_text(lang, "warning") +
             "</span><span class=\"key-invalid\">" + verdict_text(lang, "invalid") + "</span></p>";
    p.out += "<div class=\"grid\"><div class=\"hours\">";
    for (int h = 8; h <= 18; ++h) {
      p.out += "<div class=\"t" + std::to_string((h - 8) * 4) + "\">" + cal::hh_mm(h * 3600) + "</div>";
    }
    p.out += "</div>";
    static const char* const day_names[][3] = {
        {"Пн", "Дс", "Mon"}, {"Вт", "Сс", "Tue"}, {"Ср", "Ср", "Wed"}, {"Чт", "Бс", "Thu"}, {"Пт", "Жм", "Fri"}};
    for (int i = 0; i < 5; ++i) {
      cal::Days day = monday + std::chrono::days(i);
      const bool holiday = holidays.contains(day);
      p.out += std::string("<section class=\"day") + (holiday ? " holiday" : "") + "\"><h3>" +
               day_names[i][static_cast<int>(lang)] + " " + cal::iso_date(day) +
               (holiday ? std::string("<br>") + tr(lang, T::holiday) : "") + "</h3><div class=\"col\">";
      p.out += "<div class=\"win win-gov\"></div><div class=\"win win-ia\"></div>";
      for (int h = 0; h < 10; ++h) {
        p.out += "<div class=\"hour-line t" + std::to_string(h * 4) + "\"></div>";
      }
      // Lanes: an occurrence takes the first lane free at its start; a day's lane count is the most used.
      struct Block
      {
        const OccurrenceView* o;
        int top, height, lane;
      };
      std::vector<Block> blocks;
      std::vector<int> lane_end;
      const std::int64_t day_start = zone->instant(day, 0);
      const std::int64_t day_end = zone->instant(day + std::chrono::days(1), 0);
      for (const OccurrenceView& o : occ) {
        if (o.occurrence.start >= day_end || (o.occurrence.end <= day_start && o.occurrence.start < day_start)) {
          continue;
        }
        int s = static_cast<int>(std::clamp<std::int64_t>(o.occurrence.start - day_start, k_grid_from, k_grid_to));
        int e = static_cast<int>(std::clamp<std::int64_t>(o.occurrence.end - day_start, k_grid_from, k_grid_to));
        int top = (s - k_grid_from) / 900;
        int height = std::max(1, (e - s + 899) / 900);
        if (top >= 40) {
          top = 39; // after 18:00: shown at the bottom edge
          height = 1;
        }
        height = std::min(height, 40 - top);
        int lane = 0;
        while (lane < static_cast<int>(lane_end.size()) && lane_end[static_cast<std::size_t>(lane)] > top) {
          ++lane;
        }
        if (lane == static_cast<int>(lane_end.size())) {
          lane_end.push_back(0);
        }
        lane_end[static_cast<std::size_t>(lane)] = top + height;
        blocks.push_back({&o, top, height, lane});
      }
      const int lanes = std::clamp(static_cast<int>(lane_end.size()), 1, 4);
      for (const Block& b : blocks) {
        const OccurrenceView& o = *b.o;
        p.out += "<a class=\"blk v-" + html_escape(o.occurrence.verdict) + " t" + std::to_string(b.top) + " h" +
                 std::to_string(b.height) + " l" + std::to_string(lanes) + "-" + std::to_string(b.lane % lanes) +
                 "\" href=\"" + html_escape(meeting_link(o.uid, lang)) + "\" title=\"" +
                 html_escape(local_text(*zone, o.occurrence.start) + " " + o.summary) + "\">" +
                 html_escape(cal::hh_mm(zone->local(o.occurrence.start).seconds)) + " " + html_escape(o.summary) +
                 "</a>";
      }
      p.out += "</div></section>";
    }
    p.out += "</div>";
    return p.close("/meetings");
  }

  // --- a meeting ---
  if (page.rfind("/meetings/", 0) == 0 && page.size() > 10) {
    const std::string uid = page.substr(10);
    std::optional<MeetingRow> m = m_store.meeting(uid);
    const std::string route = api ? "/api/v1/meetings/{uid}" : "/meetings/{uid}";
    if (!m) {
      return api ? json_response({{"error", "no meeting with this UID"}}, route, 404)
                 : text_response(404, tr(lang, T::not_found), route);
    }
    ojson j = ojson::parse(m->json, nullptr, false);
    if (j.is_discarded()) {
      j = ojson::object();
    }
    std::vector<OutboxEntry> notices = m_store.outbox(uid);
    if (api) {
      ojson list = ojson::array();
      for (const OutboxEntry& n : notices) {
        list.push_back({{"kind", n.kind},
                        {"recipient", n.recipient},
                        {"state", n.state},
                        {"attempts", n.attempts},
                        {"created", utc_iso(n.created)},
                        {"sent_at", n.sent_at ? ojson(utc_iso(*n.sent_at)) : ojson(nullptr)},
                        {"last_error", n.last_error}});
      }
      j["notices"] = std::move(list);
      return json_response(j, route);
    }
    auto str = [&](const ojson& o, const char* key) {
      auto it = o.find(key);
      return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    Page p{lang, "/meetings/" + url_encode(uid), {}};
    p.open(m->summary.empty() ? uid : m->summary);
    p.out += "<table>";
    auto row = [&](T key, const std::string& value, std::string_view cls = {}) {
      p.out += "<tr><th>" + std::string(tr(lang, key)) + "</th>";
      p.td(value, cls);
      p.out += "</tr>";
    };
    row(T::verdict, verdict_text(lang, m->verdict), m->verdict);
    row(T::start, str(j, "start"));
    row(T::end, str(j, "end"));
    row(T::kind, str(j, "kind"));
    row(T::format, str(j, "format"));
    row(T::chair, str(j, "chair"));
    row(T::source, m->source_id);
    p.out += "<tr><th>UID</th>";
    p.td(uid);
    p.out += "</tr></table>";
    auto section = [&](T title, const char* key, std::initializer_list<T> heads,
                       std::initializer_list<const char*> fields) {
      p.out += "<h2>" + std::string(tr(lang, title)) + "</h2>";
      auto it = j.find(key);
      if (it == j.end() || !it->is_array() || it->empty()) {
        p.out += "<p class=\"muted\">" + std::string(tr(lang, T::none)) + "</p>";
        return;
      }
      p.out += "<table>";
      p.th(heads);
      for (const ojson& item : *it) {
        p.out += "<tr>";
        for (const char* f : fields) {
          std::string v = str(item, f);
          p.td(v, std::string_view(f) == "severity" ? v : "");
        }
        p.out += "</tr>";
      }
      p.out += "</table>";
    };
    section(T::findings, "findings", {T::rule, T::severity, T::occurrence, T::reference, T::message},
            {"rule", "severity", "occurrence", "ref", "message"});
    section(T::invitations, "invitations", {T::body, T::attendee, T::rank}, {"body", "to", "rank"});
    section(T::dropped, "dropped", {T::body, T::attendee, T::rule}, {"body", "attendee", "rule"});
    section(T::suggested, "suggested_slots", {T::start, T::end}, {"start", "end"});
    p.out += "<h2>" + std::string(tr(lang, T::notices)) + "</h2>";
    if (notices.empty()) {
      p.out += "<p class=\"muted\">" + std::string(tr(lang, T::none)) + "</p>";
    } else {
      p.out += "<table>";
      p.th({T::kind, T::recipient, T::state, T::attempts, T::created, T::sent, T::error});
      for (const OutboxEntry& n : notices) {
        p.out += "<tr>";
        p.td(n.kind);
        p.td(n.recipient);
        p.td(n.state, n.state == "failed" ? "failing" : "");
        p.td(std::to_string(n.attempts), "num");
        p.td(local_text(*zone, n.created));
        p.td(n.sent_at ? local_text(*zone, *n.sent_at) : "");
        p.td(n.last_error);
        p.out += "</tr>";
      }
      p.out += "</table>";
    }
    return p.close(route);
  }

  // --- the report ---
  if (page == "/reports/appendix") {
    return appendix(request, config, lang, api);
  }
  return api ? json_response({{"error", "no such path"}}, "(not found)", 404)
             : text_response(404, tr(lang, T::not_found), "(not found)");
}

} // namespace kenes::daemon
