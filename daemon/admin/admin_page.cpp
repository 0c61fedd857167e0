#include "daemon/admin/admin_page.hpp"

#include "daemon/base/html.hpp"

#include <cstdio>

namespace kenes::daemon {

namespace cal = kenes::calendar;

AdminResponse json_response(const ojson& j, std::string route, int status)
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

std::string local_text(const cal::RegimeZone& zone, std::int64_t t)
{
  return zone.text(t);
}

std::string seconds_text(double s, cal::Language lang)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f ", s);
  return buf + std::string(tr(lang, Text::seconds));
}

std::string meeting_link(const std::string& uid, cal::Language lang)
{
  return "/meetings/" + url_encode(uid) + "?lang=" + std::string(cal::to_string(lang));
}

std::string out;

void Page::open(const std::string& title)
{
  out += "<!DOCTYPE html>\n<html lang=\"";
  out += cal::to_string(lang);
  out += "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
         "<title>" +
         html_escape(title) + " — kenes</title><link rel=\"stylesheet\" href=\"/static/kenes.css\"></head><body>";
  std::string q = "?lang=";
  auto link = [&](const char* path, Text key) {
    out += "<a href=\"" + std::string(path) + q + std::string(cal::to_string(lang)) + "\">" + tr(lang, key) + "</a> ";
  };
  out += "<nav class=\"top\"><strong>kenes</strong> ";
  link("/", Text::dashboard);
  link("/meetings", Text::week);
  link("/reports/appendix", Text::report);
  out += "<a href=\"/metrics\">" + std::string(tr(lang, Text::metrics)) + "</a><span class=\"langs\">";
  const char sep = self.find('?') == std::string::npos ? '?' : '&';
  for (cal::Language l : {cal::Language::ru, cal::Language::kk, cal::Language::en}) {
    out += " <a href=\"" + html_escape(self) + sep + "lang=" + std::string(cal::to_string(l)) + "\" lang=\"" +
           std::string(cal::to_string(l)) + "\">" + language_name(l) + "</a>";
  }
  out += "</span></nav><main><h1>" + html_escape(title) + "</h1>";
}
AdminResponse Page::close(std::string route)
{
  out += "</main></body></html>\n";
  AdminResponse r;
  r.body = std::move(out);
  r.route = std::move(route);
  return r;
}
void Page::th(std::initializer_list<Text> keys)
{
  out += "<tr>";
  for (Text k : keys) {
    out += "<th>" + std::string(tr(lang, k)) + "</th>";
  }
  out += "</tr>";
}
void Page::td(std::string_view text, std::string_view cls)
{
  out += cls.empty() ? "<td>" : "<td class=\"" + std::string(cls) + "\">";
  out += html_escape(text);
  out += "</td>";
}
void Page::td_code(std::string_view words, std::string_view code, std::string_view cls)
{
  out += cls.empty() ? "<td>" : "<td class=\"" + std::string(cls) + "\">";
  out += html_escape(words);
  if (!code.empty() && code != words) {
    out += (words.empty() ? "<code>" : " <code>") + html_escape(code) + "</code>";
  }
  out += "</td>";
}

} // namespace kenes::daemon
