// The appendix form as an XLSX workbook, with libxlsxwriter (see docs/decisions.md). The 1.1.4
// of Debian 12 writes only to a file: a fresh one in the temp directory, read back and removed.
#include "daemon/report/appendix_formats.hpp"

#include <xlsxwriter.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <unistd.h>

namespace kenes::daemon {

namespace cal = kenes::calendar;

namespace {

constexpr std::size_t k_max_cell_bytes = 4000;

// XML 1.0 text: valid UTF-8 without control characters other than tab and line feed; a calendar
// value is made so (U+FFFD for what is not) and cut to a sane length.
std::string xml_text(std::string_view s)
{
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size() && out.size() < k_max_cell_bytes;) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
    }
    if (!ok || (n == 1 && c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
      out += "\xEF\xBF\xBD";
      i += ok ? n : 1;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

class TempFile
{
public:
  TempFile()
  {
    std::string pattern = (std::filesystem::temp_directory_path() / "kenes-appendix-XXXXXX.xlsx").string();
    const int fd = ::mkstemps(pattern.data(), 5);
    if (fd < 0) {
      throw std::runtime_error("xlsx: cannot create a temporary file in " +
                               std::filesystem::temp_directory_path().string());
    }
    ::close(fd);
    m_path = pattern;
  }
  ~TempFile()
  {
    std::error_code ec;
    std::filesystem::remove(m_path, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

struct Formats
{
  lxw_format* title;
  lxw_format* head;
  lxw_format* text;
  lxw_format* number;
  lxw_format* bold_text;
  lxw_format* bold_number;
  lxw_format* section;
};

Formats make_formats(lxw_workbook* wb)
{
  auto make = [wb](bool bold, bool center, bool border) {
    lxw_format* f = workbook_add_format(wb);
    format_set_font_name(f, "Times New Roman");
    format_set_font_size(f, 10);
    format_set_text_wrap(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (bold) {
      format_set_bold(f);
    }
    if (center) {
      format_set_align(f, LXW_ALIGN_CENTER);
    }
    if (border) {
      format_set_border(f, LXW_BORDER_THIN);
    }
    return f;
  };
  return {make(true, true, false), make(false, true, true), make(false, false, true), make(false, true, true),
          make(true, false, true), make(true, true, true),  make(true, true, true)};
}

// Rows 2–4: the five columns, «Участие» over the thirteen, each rank group over its "by
// selector" sub-column.
void write_head(lxw_worksheet* ws, const Formats& f)
{
  const char* first[] = {"Должностное лицо", "Наименование совещания/заседания", "Дата проведения", "Время проведения",
                         "Продолжительность, мин"};
  for (lxw_col_t c = 0; c < 5; ++c) {
    worksheet_merge_range(ws, 2, c, 4, c, first[c], f.head);
  }
  worksheet_merge_range(ws, 2, 5, 2, 17, "Участие", f.head);
  for (std::size_t i = 0; i < cal::k_appendix_column_count; ++i) {
    const auto c = static_cast<cal::AppendixColumn>(i);
    const auto col = static_cast<lxw_col_t>(5 + i);
    const std::string header(cal::form_header(c));
    if (cal::json_key(c).ends_with("_selector")) {
      worksheet_write_string(ws, 4, col, header.c_str(), f.head);
    } else if (i + 1 < cal::k_appendix_column_count &&
               cal::json_key(static_cast<cal::AppendixColumn>(i + 1)).ends_with("_selector")) {
      worksheet_merge_range(ws, 3, col, 3, col + 1, header.c_str(), f.head);
      worksheet_write_string(ws, 4, col, "всего", f.head);
    } else {
      worksheet_merge_range(ws, 3, col, 4, col, header.c_str(), f.head);
    }
  }
}

void write_counts(lxw_worksheet* ws, lxw_row_t row, const cal::AppendixCounts& counts, lxw_format* f)
{
  for (std::size_t i = 0; i < counts.values.size(); ++i) {
    worksheet_write_number(ws, row, static_cast<lxw_col_t>(5 + i), counts.values[i], f);
  }
}

lxw_row_t write_body(lxw_worksheet* ws, lxw_row_t row, const cal::AppendixBody& b, const cal::RegimeZone& zone,
                     const Formats& f)
{
  worksheet_merge_range(ws, row, 0, row, 17, xml_text(b.body->display_name("ru")).c_str(), f.bold_text);
  ++row;
  for (const cal::AppendixOfficial& o : b.officials) {
    for (const cal::AppendixRow& r : o.meetings) {
      worksheet_write_string(ws, row, 0, xml_text(official_label(*o.official)).c_str(), f.text);
      worksheet_write_string(ws, row, 1, xml_text(r.summary).c_str(), f.text);
      worksheet_write_string(ws, row, 2, local_date_ru(r.start, zone).c_str(), f.number);
      worksheet_write_string(ws, row, 3, cal::hh_mm(zone.local(r.start).seconds).c_str(), f.number);
      worksheet_write_number(ws, row, 4, static_cast<double>((r.end - r.start) / 60), f.number);
      write_counts(ws, row, r.counts, f.number);
      ++row;
    }
  }
  worksheet_write_string(ws, row, 0, "Всего", f.bold_text);
  worksheet_merge_range(ws, row, 1, row, 4, xml_text(b.body->display_name("ru")).c_str(), f.bold_text);
  write_counts(ws, row, b.total, f.bold_number);
  return row + 1;
}

void write_sheet(lxw_worksheet* ws, const cal::AppendixReport& report, const cal::RegimeZone& zone, const Formats& f)
{
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9); // A4
  worksheet_fit_to_pages(ws, 1, 0);
  worksheet_repeat_rows(ws, 2, 4);
  worksheet_set_column(ws, 0, 0, 28, nullptr);
  worksheet_set_column(ws, 1, 1, 40, nullptr);
  worksheet_set_column(ws, 2, 4, 12, nullptr);
  worksheet_set_column(ws, 5, 17, 11, nullptr);
  worksheet_merge_range(ws, 0, 0, 0, 17, appendix_title(report).c_str(), f.title);
  write_head(ws, f);
  lxw_row_t row = 5;
  const cal::BodyKind kinds[] = {cal::BodyKind::central, cal::BodyKind::local};
  for (cal::BodyKind kind : kinds) {
    worksheet_merge_range(ws, row, 0, row, 17,
                          kind == cal::BodyKind::central ? "Центральные государственные органы"
                                                         : "Местные исполнительные органы",
                          f.section);
    ++row;
    for (const cal::AppendixBody& b : report.bodies) {
      if (b.body->kind == kind) {
        row = write_body(ws, row, b, zone, f);
      }
    }
  }
  worksheet_write_string(ws, row, 0, "ИТОГО", f.bold_text);
  worksheet_merge_range(ws, row, 1, row, 4, "", f.bold_text);
  write_counts(ws, row, report.total, f.bold_number);
}

} // namespace

std::string appendix_xlsx(const cal::AppendixReport& report, const cal::RegimeZone& zone)
{
  TempFile file;
  lxw_workbook* wb = workbook_new(file.path().c_str());
  if (!wb) {
    throw std::runtime_error("xlsx: cannot create the workbook " + file.path());
  }
  lxw_worksheet* ws = workbook_add_worksheet(wb, ("Приложение " + appendix_month(report)).c_str());
  write_sheet(ws, report, zone, make_formats(wb));
  if (lxw_error e = workbook_close(wb); e != LXW_NO_ERROR) {
    throw std::runtime_error(std::string("xlsx: ") + lxw_strerror(e));
  }
  std::ifstream in(file.path(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    throw std::runtime_error("xlsx: cannot read back " + file.path());
  }
  return bytes;
}

} // namespace kenes::daemon
