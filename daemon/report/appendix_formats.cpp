// JSON, CSV and HTML of the appendix form; the XLSX is in appendix_xlsx.cpp.
#include "daemon/report/appendix_formats.hpp"

#include "daemon/base/html.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdio>

namespace kenes::daemon {

namespace cal = kenes::calendar;

namespace {

constexpr std::array<std::string_view, 12> k_months_genitive{"января",   "февраля", "марта",  "апреля",
                                                             "мая",      "июня",    "июля",   "августа",
                                                             "сентября", "октября", "ноября", "декабря"};

constexpr std::string_view k_first_columns[] = {"Должностное лицо", "Наименование совещания/заседания",
                                                "Дата проведения", "Время проведения", "Продолжительность"};

nlohmann::ordered_json counts_json(const cal::AppendixCounts& counts)
{
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < cal::k_appendix_column_count; ++i) {
    const auto c = static_cast<cal::AppendixColumn>(i);
    out[std::string(cal::json_key(c))] = counts[c];
  }
  return out;
}

int duration_minutes(const cal::AppendixRow& row)
{
  return static_cast<int>((row.end - row.start) / 60);
}

std::string section_title(cal::BodyKind kind)
{
  return kind == cal::BodyKind::central ? "Центральные государственные органы" : "Местные исполнительные органы";
}

// RFC 4180, and a cell that a spreadsheet would read as a formula is kept as text.
std::string csv_cell(std::string_view value)
{
  std::string v(value);
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) {
    v.insert(v.begin(), '\'');
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) {
    return v;
  }
  std::string out = "\"";
  for (char ch : v) {
    out += ch;
    if (ch == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

void csv_line(std::string& out, const std::vector<std::string>& cells, const cal::AppendixCounts& counts)
{
  for (std::size_t i = 0; i < cells.size(); ++i) {
    out += csv_cell(cells[i]);
    out += ',';
  }
  for (std::size_t i = 0; i < counts.values.size(); ++i) {
    out += std::to_string(counts.values[i]);
    out += i + 1 < counts.values.size() ? "," : "\r\n";
  }
}

void html_counts(std::string& out, const cal::AppendixCounts& counts)
{
  for (int v : counts.values) {
    out += "<td class=\"n\">" + std::to_string(v) + "</td>";
  }
}

constexpr std::string_view k_style = R"(
@page { size: A4 landscape; margin: 10mm; }
body { font-family: "PT Serif", "Times New Roman", serif; font-size: 10pt; margin: 0; }
h1 { font-size: 12pt; text-align: center; font-weight: normal; margin: 0 0 6pt; }
.form-ref { text-align: right; font-size: 9pt; margin: 0 0 8pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #000; padding: 2pt 3pt; vertical-align: top; }
th { font-weight: normal; font-size: 8.5pt; text-align: center; vertical-align: middle; }
td.n { text-align: center; white-space: nowrap; }
tr.section td { font-weight: bold; text-align: center; }
tr.body td { font-weight: bold; }
tr.total td, tr.grand td { font-weight: bold; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
)";

void html_head(std::string& out)
{
  // The two-level header of the form: each rank group over its "by selector" sub-column.
  out += "<thead><tr>";
  for (std::string_view h : k_first_columns) {
    out += "<th rowspan=\"3\">" + std::string(h) + "</th>";
  }
  out += "<th colspan=\"13\">Участие</th></tr><tr>";
  for (std::size_t i = 0; i < cal::k_appendix_column_count; ++i) {
    const auto c = static_cast<cal::AppendixColumn>(i);
    const bool has_selector = i + 1 < cal::k_appendix_column_count &&
                              cal::json_key(static_cast<cal::AppendixColumn>(i + 1)).ends_with("_selector");
    if (cal::json_key(c).ends_with("_selector")) {
      continue;
    }
    out += has_selector ? "<th colspan=\"2\">" : "<th rowspan=\"2\">";
    out += std::string(cal::form_header(c)) + "</th>";
  }
  out += "</tr><tr>";
  for (std::size_t i = 0; i + 1 < cal::k_appendix_column_count; ++i) {
    const auto next = static_cast<cal::AppendixColumn>(i + 1);
    if (cal::json_key(next).ends_with("_selector")) {
      out += "<th>всего</th><th>" + std::string(cal::form_header(next)) + "</th>";
    }
  }
  out += "</tr></thead>\n";
}

void html_body(std::string& out, const cal::AppendixBody& b, const cal::RegimeZone& zone)
{
  out += "<tr class=\"body\"><td colspan=\"18\">" + html_escape(b.body->display_name("ru")) + "</td></tr>\n";
  for (const cal::AppendixOfficial& o : b.officials) {
    bool first = true;
    for (const cal::AppendixRow& row : o.meetings) {
      out += "<tr>";
      if (first) {
        out += "<td rowspan=\"" + std::to_string(o.meetings.size()) + "\">" + html_escape(official_label(*o.official)) +
               "</td>";
        first = false;
      }
      const cal::LocalTime local = zone.local(row.start);
      out += "<td>" + html_escape(row.summary) + "</td><td class=\"n\">" + local_date_ru(row.start, zone) +
             "</td><td class=\"n\">" + cal::hh_mm(local.seconds) + "</td><td class=\"n\">" +
             std::to_string(duration_minutes(row)) + " мин</td>";
      html_counts(out, row.counts);
      out += "</tr>\n";
    }
  }
  out += "<tr class=\"total\"><td colspan=\"5\">Всего</td>";
  html_counts(out, b.total);
  out += "</tr>\n";
}

} // namespace

std::string appendix_month(const cal::AppendixReport& report)
{
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", report.year, report.month);
  return buf;
}

std::string local_date_ru(cal::Instant t, const cal::RegimeZone& zone)
{
  const std::chrono::year_month_day ymd(zone.local(t).day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u.%02u.%04d", static_cast<unsigned>(ymd.day()), static_cast<unsigned>(ymd.month()),
                static_cast<int>(ymd.year()));
  return buf;
}

std::string appendix_title(const cal::AppendixReport& report)
{
  const auto last = std::chrono::year_month_day_last{std::chrono::year{report.year},
                                                     std::chrono::month_day_last{std::chrono::month{report.month}}};
  return "Таблица по количеству заседаний и совещаний, проведенных в государственных органах в период с «01» по «" +
         std::to_string(static_cast<unsigned>(last.day())) + "» " + std::string(k_months_genitive[report.month - 1]) +
         " " + std::to_string(report.year) + " года";
}

std::string official_label(const cal::Official& official)
{
  std::string label(cal::rank_title_ru(official.rank));
  if (!official.name.empty()) {
    label += ", " + official.name;
  }
  return label;
}

std::string appendix_json(const cal::AppendixReport& report, const cal::RegimeZone& zone)
{
  nlohmann::ordered_json doc;
  doc["month"] = appendix_month(report);
  doc["bodies"] = nlohmann::ordered_json::array();
  for (const cal::AppendixBody& b : report.bodies) {
    nlohmann::ordered_json body;
    body["id"] = b.body->id;
    body["kind"] = std::string(cal::to_string(b.body->kind));
    body["name"] = b.body->display_name("ru");
    body["officials"] = nlohmann::ordered_json::array();
    for (const cal::AppendixOfficial& o : b.officials) {
      nlohmann::ordered_json official;
      official["email"] = o.official->email;
      official["name"] = o.official->name;
      official["rank"] = std::string(cal::to_string(o.official->rank));
      official["meetings"] = nlohmann::ordered_json::array();
      for (const cal::AppendixRow& row : o.meetings) {
        const cal::LocalTime local = zone.local(row.start);
        official["meetings"].push_back({{"uid", row.uid},
                                        {"occurrence", zone.iso(row.start)},
                                        {"summary", row.summary},
                                        {"date", cal::iso_date(local.day)},
                                        {"time", cal::hh_mm(local.seconds)},
                                        {"duration_minutes", duration_minutes(row)},
                                        {"counts", counts_json(row.counts)}});
      }
      body["officials"].push_back(std::move(official));
    }
    body["total"] = counts_json(b.total);
    doc["bodies"].push_back(std::move(body));
  }
  doc["total"] = counts_json(report.total);
  // Invalid UTF-8 from a calendar becomes U+FFFD rather than an exception.
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string appendix_csv(const cal::AppendixReport& report, const cal::RegimeZone& zone)
{
  std::string out = "\xEF\xBB\xBF";
  for (std::string_view h : k_first_columns) {
    out += csv_cell(h) + ",";
  }
  for (std::size_t i = 0; i < cal::k_appendix_column_count; ++i) {
    out += csv_cell(cal::form_header(static_cast<cal::AppendixColumn>(i)));
    out += i + 1 < cal::k_appendix_column_count ? "," : "\r\n";
  }
  for (const cal::AppendixBody& b : report.bodies) {
    for (const cal::AppendixOfficial& o : b.officials) {
      for (const cal::AppendixRow& row : o.meetings) {
        csv_line(out,
                 {official_label(*o.official), row.summary, local_date_ru(row.start, zone),
                  cal::hh_mm(zone.local(row.start).seconds), std::to_string(duration_minutes(row))},
                 row.counts);
      }
    }
    csv_line(out, {"Всего", b.body->display_name("ru"), "", "", ""}, b.total);
  }
  csv_line(out, {"ИТОГО", "", "", "", ""}, report.total);
  return out;
}

std::string_view appendix_stylesheet()
{
  return k_style;
}

std::string appendix_html(const cal::AppendixReport& report, const cal::RegimeZone& zone,
                          std::string_view stylesheet_href)
{
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n<title>Приложение 140-р, " +
      appendix_month(report) + "</title>\n" +
      (stylesheet_href.empty() ? "<style>" + std::string(k_style) + "</style>"
                               : "<link rel=\"stylesheet\" href=\"" + html_escape(stylesheet_href) + "\">") +
      "\n</head>\n<body>\n";
  out += "<p class=\"form-ref\">Приложение к распоряжению Премьер-Министра Республики Казахстан<br>от 6 ноября 2018 "
         "года №140-р</p>\n";
  out += "<h1>" + html_escape(appendix_title(report)) + "</h1>\n<table>\n";
  html_head(out);
  out += "<tbody>\n";
  const cal::BodyKind kinds[] = {cal::BodyKind::central, cal::BodyKind::local};
  for (cal::BodyKind kind : kinds) {
    out += "<tr class=\"section\"><td colspan=\"18\">" + section_title(kind) + "</td></tr>\n";
    for (const cal::AppendixBody& b : report.bodies) {
      if (b.body->kind == kind) {
        html_body(out, b, zone);
      }
    }
  }
  out += "<tr class=\"grand\"><td colspan=\"5\">ИТОГО</td>";
  html_counts(out, report.total);
  out += "</tr>\n</tbody>\n</table>\n</body>\n</html>\n";
  return out;
}

} // namespace kenes::daemon
