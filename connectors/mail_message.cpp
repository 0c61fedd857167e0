#include "connectors/mail_message.hpp"

#include "calendar/ical_digest.hpp"

#include <gmime/gmime.h>

#include <mutex>

namespace kenes::connectors {

namespace {

template <typename T> struct GObjectPtr
{
  T* p = nullptr;
  explicit GObjectPtr(T* v)
    : p(v)
  {
  }
  ~GObjectPtr()
  {
    if (p) {
      g_object_unref(p);
    }
  }
  GObjectPtr(const GObjectPtr&) = delete;
  GObjectPtr& operator=(const GObjectPtr&) = delete;
};

void init_gmime()
{
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

// A text part in UTF-8, base64 so that long lines and any bytes pass every relay unchanged. The
// bytes go in as they are (g_mime_text_part_set_text would first scan them for the smallest
// charset that fits, which is then replaced by utf-8 anyway).
GMimeTextPart* text_part(const char* subtype, const std::string& text)
{
  GMimeTextPart* part = g_mime_text_part_new_with_subtype(subtype);
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(text.data(), text.size()));
  GObjectPtr<GMimeDataWrapper> content(g_mime_data_wrapper_new_with_stream(stream.p, GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(GMIME_PART(part), content.p);
  g_mime_text_part_set_charset(part, "utf-8");
  g_mime_part_set_content_encoding(GMIME_PART(part), GMIME_CONTENT_ENCODING_BASE64);
  return part;
}

// A multipart with the given boundary. Every part is base64, whose alphabet has no '_', so a
// boundary with one never occurs in a part. (g_mime_multipart_new_with_subtype would first make
// a random boundary, reading /dev/urandom for each multipart.)
GMimeMultipart* multipart(const char* subtype, const std::string& boundary)
{
  auto* part = static_cast<GMimeMultipart*>(g_object_new(GMIME_TYPE_MULTIPART, nullptr));
  GMimeContentType* type = g_mime_content_type_new("multipart", subtype);
  g_mime_object_set_content_type(GMIME_OBJECT(part), type);
  g_object_unref(type);
  g_mime_multipart_set_boundary(part, boundary.c_str());
  return part;
}

// Display names go out in UTF-8 (GMime would otherwise pick the smallest charset that fits,
// iso-8859-5 for Cyrillic, which some clients show wrongly).
void add_mailbox(GMimeMessage* message, GMimeAddressType type, const std::string& name, const std::string& address)
{
  InternetAddress* ia = internet_address_mailbox_new(name.c_str(), address.c_str());
  internet_address_set_charset(ia, "utf-8");
  internet_address_list_add(g_mime_message_get_addresses(message, type), ia);
  g_object_unref(ia);
}

} // namespace

std::string header_safe(std::string_view value)
{
  std::string out(value);
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      c = ' ';
    }
  }
  return out;
}

namespace {

// GMime's serializations with CRLF line ends, as a string (GMime's copy freed).
struct CrlfFormat
{
  GMimeFormatOptions* p = g_mime_format_options_clone(nullptr);
  CrlfFormat() { g_mime_format_options_set_newline_format(p, GMIME_NEWLINE_FORMAT_DOS); }
  ~CrlfFormat() { g_mime_format_options_free(p); }
  CrlfFormat(const CrlfFormat&) = delete;
  CrlfFormat& operator=(const CrlfFormat&) = delete;
};

std::string take(char* bytes)
{
  std::string out = bytes ? bytes : "";
  g_free(bytes);
  return out;
}

} // namespace

std::string compose_head(const MailMessage& m)
{
  init_gmime();
  GObjectPtr<GMimeMessage> message(g_mime_message_new(TRUE));
  std::string from_name = header_safe(m.from_name), to_name = header_safe(m.to_name);
  add_mailbox(message.p, GMIME_ADDRESS_TYPE_FROM, from_name, header_safe(m.from));
  add_mailbox(message.p, GMIME_ADDRESS_TYPE_TO, to_name, header_safe(m.to));
  if (!m.reply_to.empty()) {
    add_mailbox(message.p, GMIME_ADDRESS_TYPE_REPLY_TO, "", header_safe(m.reply_to));
  }
  g_mime_message_set_subject(message.p, header_safe(m.subject).c_str(), "utf-8");
  g_mime_message_set_message_id(message.p, header_safe(m.message_id).c_str());
  GDateTime* date = g_date_time_new_from_unix_utc(m.date);
  g_mime_message_set_date(message.p, date);
  g_date_time_unref(date);
  g_mime_object_set_header(GMIME_OBJECT(message.p), "MIME-Version", "1.0", nullptr);
  return take(g_mime_header_list_to_string(g_mime_object_get_header_list(GMIME_OBJECT(message.p)), CrlfFormat().p));
}

std::string compose_body(const MailMessage& m, std::string_view boundary_seed)
{
  init_gmime();
  GObjectPtr<GMimeTextPart> text(text_part("plain", m.text));
  if (m.calendar.empty()) {
    return take(g_mime_object_to_string(GMIME_OBJECT(text.p), CrlfFormat().p));
  }
  const std::string boundary = "=_kenes_" + calendar::fnv_digest(boundary_seed);
  GObjectPtr<GMimeTextPart> inline_cal(text_part("calendar", m.calendar));
  g_mime_object_set_content_type_parameter(GMIME_OBJECT(inline_cal.p), "method", header_safe(m.method).c_str());
  GObjectPtr<GMimeMultipart> alternative(multipart("alternative", boundary + "_alt"));
  g_mime_multipart_add(alternative.p, GMIME_OBJECT(text.p));
  g_mime_multipart_add(alternative.p, GMIME_OBJECT(inline_cal.p));

  GObjectPtr<GMimePart> attachment(g_mime_part_new_with_type("application", "ics"));
  g_mime_object_set_content_type_parameter(GMIME_OBJECT(attachment.p), "name", "invite.ics");
  g_mime_part_set_filename(attachment.p, "invite.ics");
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(m.calendar.data(), m.calendar.size()));
  GObjectPtr<GMimeDataWrapper> content(g_mime_data_wrapper_new_with_stream(stream.p, GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(attachment.p, content.p);
  g_mime_part_set_content_encoding(attachment.p, GMIME_CONTENT_ENCODING_BASE64);

  GObjectPtr<GMimeMultipart> mixed(multipart("mixed", boundary + "_mix"));
  g_mime_multipart_add(mixed.p, GMIME_OBJECT(alternative.p));
  g_mime_multipart_add(mixed.p, GMIME_OBJECT(attachment.p));
  return take(g_mime_object_to_string(GMIME_OBJECT(mixed.p), CrlfFormat().p));
}

std::string compose_mail(const MailMessage& m)
{
  // From the Message-ID: the same notice is the same bytes.
  return compose_head(m) + compose_body(m, m.message_id);
}

} // namespace kenes::connectors
