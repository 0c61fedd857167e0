#include "connectors/mail_message.hpp"

#include "calendar/ical_digest.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

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

std::string header_text(GMimeHeaderList* headers)
{
  return take(g_mime_header_list_to_string(headers, CrlfFormat().p));
}

// One address field ("To: …\r\n", folded, RFC 2047 where needed) as a message writes it. Display
// names go out in UTF-8 (GMime would otherwise pick the smallest charset that fits, iso-8859-5
// for Cyrillic, which some clients show wrongly).
std::string address_field(GMimeAddressType type, const std::string& name, const std::string& address)
{
  GObjectPtr<GMimeMessage> message(g_mime_message_new(FALSE));
  InternetAddress* ia = internet_address_mailbox_new(name.c_str(), address.c_str());
  internet_address_set_charset(ia, "utf-8");
  internet_address_list_add(g_mime_message_get_addresses(message.p, type), ia);
  g_object_unref(ia);
  return header_text(g_mime_object_get_header_list(GMIME_OBJECT(message.p)));
}

std::string date_field(std::int64_t when)
{
  GObjectPtr<GMimeMessage> message(g_mime_message_new(FALSE));
  GDateTime* date = g_date_time_new_from_unix_utc(when);
  g_mime_message_set_date(message.p, date);
  g_date_time_unref(date);
  return header_text(g_mime_object_get_header_list(GMIME_OBJECT(message.p)));
}

// An unstructured field (Subject) or a Message-Id, through a bare header list: a message would
// cost more to make than the field. A blank subject is written as a message writes it.
std::string plain_field(const char* name, const std::string& value)
{
  if (value.find_first_not_of(" \t") == std::string::npos) {
    return std::string(name) + ": \r\n";
  }
  GObjectPtr<GMimeHeaderList> headers(g_mime_header_list_new(nullptr));
  g_mime_header_list_append(headers.p, name, value.c_str(), "utf-8");
  return header_text(headers.p);
}

// A Message-Id of printable ASCII without spaces (every one kenes makes) is one word, which GMime
// writes as it is, however long; anything else goes through GMime.
std::string message_id_field(const std::string& id)
{
  const bool one_word = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c < 0x7f; });
  return one_word ? "Message-Id: <" + id + ">\r\n" : plain_field("Message-Id", "<" + id + ">");
}

// The fields that repeat from one message to the next (the sender, each recipient, the date of a
// run), formatted once. Bounded: calendars name organizers without limit.
class FieldCache
{
public:
  template <typename Make> std::string get(std::string key, Make make)
  {
    {
      std::lock_guard lock(m_mutex);
      if (auto at = m_fields.find(key); at != m_fields.end()) {
        return at->second;
      }
    }
    std::string field = make();
    std::lock_guard lock(m_mutex);
    if (m_fields.size() >= k_limit) {
      m_fields.clear();
    }
    m_fields.emplace(std::move(key), field);
    return field;
  }

private:
  static constexpr std::size_t k_limit = 4096;
  std::mutex m_mutex;
  std::unordered_map<std::string, std::string> m_fields;
};

FieldCache& field_cache()
{
  static FieldCache cache;
  return cache;
}

std::string cached_address_field(GMimeAddressType type, const std::string& name, const std::string& address)
{
  std::string key(1, static_cast<char>('a' + type));
  key += name;
  key += '\0';
  key += address;
  return field_cache().get(std::move(key), [&] { return address_field(type, name, address); });
}

} // namespace

std::string compose_head(const MailMessage& m)
{
  init_gmime();
  // The fields in the order of a GMime message's own header list, each formatted as it would.
  std::string out = field_cache().get("D" + std::to_string(m.date), [&] { return date_field(m.date); });
  out += cached_address_field(GMIME_ADDRESS_TYPE_FROM, header_safe(m.from_name), header_safe(m.from));
  if (!m.reply_to.empty()) {
    out += cached_address_field(GMIME_ADDRESS_TYPE_REPLY_TO, "", header_safe(m.reply_to));
  }
  out += plain_field("Subject", header_safe(m.subject));
  out += cached_address_field(GMIME_ADDRESS_TYPE_TO, header_safe(m.to_name), header_safe(m.to));
  out += message_id_field(header_safe(m.message_id));
  out += "MIME-Version: 1.0\r\n";
  return out;
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
