// Fuzz target (e): what reaches the MIME composer from outside. An input that starts with
// "BEGIN:VCALENDAR" is an organizer's calendar: read, checked and composed into the notices the
// daemon would send on first sight (first_notices, as `check --emit` does; its SUMMARY,
// ORGANIZER, names and DESCRIPTION land in headers and bodies). Any other input is the fields of
// a MailMessage cut at NUL bytes (from, names, to, reply-to, subject, message-id, text, calendar,
// method) for compose_mail and header_safe. Nothing may throw; no header may carry a raw CR or LF.
#include "tests/fuzz/fuzz_support.hpp"

#include "connectors/mail_message.hpp"
#include "daemon/notices/notice_flow.hpp"

#include <cstdlib>
#include <iostream>

namespace {

void require_no_bare_line_break_in_head(const std::string& mail)
{
  // The head ends at the first empty line; inside it every LF is part of a CRLF and every line
  // after the first either starts a field or continues one (folding: SP or HTAB).
  std::size_t end = mail.find("\r\n\r\n");
  std::string_view head(mail.data(), end == std::string::npos ? mail.size() : end);
  for (std::size_t i = 0; i < head.size(); ++i) {
    if ((head[i] == '\n' && (i == 0 || head[i - 1] != '\r')) ||
        (head[i] == '\r' && (i + 1 >= head.size() || head[i + 1] != '\n'))) {
      std::cerr << "fuzz_mime: a bare CR or LF in the message head at byte " << i << "\n";
      std::abort();
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace kenes;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.substr(0, 15) == "BEGIN:VCALENDAR") {
    const fuzz::Fixture& f = fuzz::fixture();
    const std::string raw(input);
    calendar::ReadResult r = calendar::read_icalendar(raw, "fuzz.ics", f.read_options());
    calendar::CheckContext ctx = f.check_context();
    for (const calendar::EventSeries& s : r.series) {
      auto checked = calendar::check_series(s, ctx);
      if (!checked) {
        continue;
      }
      daemon::CheckedVersion version{*checked, s, raw};
      daemon::NoticeUpdate update = daemon::first_notices(f.config, ctx, s.uid, version);
      for (const daemon::OutboxMessage& m : update.messages) {
        require_no_bare_line_break_in_head(m.message);
      }
    }
    return 0;
  }
  std::vector<std::string> v = fuzz::split_fields(input, 10);
  connectors::MailMessage m;
  m.from = v[0];
  m.from_name = v[1];
  m.to = v[2];
  m.to_name = v[3];
  m.reply_to = v[4];
  m.subject = v[5];
  m.message_id = v[6];
  m.date = 1795500000 + static_cast<std::int64_t>(size);
  m.text = v[7];
  m.calendar = v[8];
  m.method = v[9];
  require_no_bare_line_break_in_head(connectors::compose_mail(m));
  (void)connectors::header_safe(v[5]);
  return 0;
}
