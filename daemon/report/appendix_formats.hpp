// The appendix form (SPEC §9) as JSON, CSV, printable HTML and XLSX.
#pragma once

#include "calendar/appendix.hpp"
#include "calendar/time.hpp"

#include <string>
#include <string_view>

namespace kenes::daemon {

std::string appendix_json(const calendar::AppendixReport& report, const calendar::RegimeZone& zone);
// UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting.
std::string appendix_csv(const calendar::AppendixReport& report, const calendar::RegimeZone& zone);
// A complete page laid out like the order's form; every calendar value escaped. The stylesheet is
// inline, or linked from `stylesheet_href` (the admin page, whose CSP allows no inline style).
std::string appendix_html(const calendar::AppendixReport& report, const calendar::RegimeZone& zone,
                          std::string_view stylesheet_href = {});
// The page's stylesheet (inline in appendix_html; the admin page serves it as a file for its CSP).
std::string_view appendix_stylesheet();
// The workbook's bytes; throws std::runtime_error when libxlsxwriter fails.
std::string appendix_xlsx(const calendar::AppendixReport& report, const calendar::RegimeZone& zone);

// Shared by the formats.
std::string appendix_month(const calendar::AppendixReport& report);               // "2027-01"
std::string appendix_title(const calendar::AppendixReport& report);               // the form's heading, ru
std::string official_label(const calendar::Official& official);                   // "Министр, Name"
std::string local_date_ru(calendar::Instant t, const calendar::RegimeZone& zone); // "08.01.2027"

} // namespace kenes::daemon
