// An e-mail of the daemon (SPEC §5), composed with GMime: RFC 2047 for non-ASCII headers, folding,
// transfer encodings, CRLF line ends. An iMIP message (RFC 6047) is multipart/mixed holding a
// multipart/alternative (text/plain and the inline text/calendar; method=…, which Outlook needs
// for its Accept/Decline buttons) and the same calendar as invite.ics.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kenes::connectors {

struct MailMessage
{
  std::string from;      // address
  std::string from_name; // display name, may be empty
  std::string to;        // address
  std::string to_name;
  std::string reply_to;   // address, may be empty
  std::string subject;    // UTF-8; CR, LF and other control characters become spaces
  std::string message_id; // without angle brackets: "key@host"
  std::int64_t date = 0;  // UTC seconds
  std::string text;       // text/plain, UTF-8
  std::string calendar;   // text/calendar; empty: a plain text message
  std::string method;     // "REQUEST" or "CANCEL", with a calendar
};

// The message as bytes for SMTP or an .eml file: compose_head + compose_body, with boundaries
// from the Message-ID (the same notice is the same bytes). Header values never carry a raw CR or
// LF.
std::string compose_mail(const MailMessage& message);

// A message in two pieces whose concatenation is the message: the head is the message's own
// header fields (From to MIME-Version, from the header fields of `message`), the body its MIME
// entity (Content-Type and the other header fields of the top part, a blank line, the content,
// from text, calendar and method). The messages of one REQUEST to several representatives differ
// only in their heads and share one body. Its boundaries come from `boundary_seed`.
std::string compose_head(const MailMessage& message);
std::string compose_body(const MailMessage& message, std::string_view boundary_seed);

// A header value with every control character (CR and LF among them) replaced by a space.
std::string header_safe(std::string_view value);

} // namespace kenes::connectors
