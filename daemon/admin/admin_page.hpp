// What every admin page shares: the request's context (language, zone, API or HTML), the HTML
// frame with its navigation, the response builders, and the stylesheet.
#pragma once

#include "daemon/admin/admin_server.hpp"
#include "daemon/admin/admin_texts.hpp"

#include "calendar/time.hpp"
#include "config/config.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace kenes::daemon {

using ojson = nlohmann::ordered_json;

// One GET request as a page sees it. `page` is the path without "/api/v1" for the API.
struct PageContext
{
  const AdminRequest& request;
  const config::Config& config;
  calendar::Language lang;
  const calendar::RegimeZone& zone;
  bool api = false;
  std::string page;
};

AdminResponse json_response(const ojson& j, std::string route, int status = 200);
AdminResponse text_response(int status, std::string text, std::string route);

std::string local_text(const calendar::RegimeZone& zone, std::int64_t t); // "2026-12-04 10:00"
std::string seconds_text(double s, calendar::Language lang);              // "0.41 с"
std::string meeting_link(const std::string& uid, calendar::Language lang);
// The stylesheet of every page (admin_style.cpp).
std::string stylesheet();

// An HTML page being written: open() writes the head and the navigation, close() the end.
struct Page
{
  calendar::Language lang;
  std::string self; // the path and query without lang, for the language links
  std::string out;

  void open(const std::string& title);
  AdminResponse close(std::string route);
  void th(std::initializer_list<Text> keys);
  void td(std::string_view text, std::string_view cls = {});
  // A cell of words with the id beside them as a small code: "Компетенция <code>attendance.competence</code>".
  void td_code(std::string_view words, std::string_view code, std::string_view cls = {});
};

} // namespace kenes::daemon
