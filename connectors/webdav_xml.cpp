#include "connectors/webdav_xml.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include <cctype>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <strings.h>

namespace kenes::connectors {

namespace {

// ---- URI references (RFC 3986) ------------------------------------------------------------------

struct UriRef
{
  std::string_view scheme; // without ':'
  std::string_view authority;
  bool has_authority = false;
  std::string_view path;
  std::string_view query; // without '?'
  bool has_query = false;
};

bool is_scheme(std::string_view s)
{
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0])))
    return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return false;
  return true;
}

// RFC 3986 appendix B, byte-wise: servers do write raw spaces and UTF-8 in hrefs.
UriRef split_reference(std::string_view s)
{
  UriRef r;
  if (auto hash = s.find('#'); hash != std::string_view::npos)
    s = s.substr(0, hash);
  if (auto colon = s.find(':'); colon != std::string_view::npos && colon < s.find_first_of("/?")) {
    if (is_scheme(s.substr(0, colon))) {
      r.scheme = s.substr(0, colon);
      s.remove_prefix(colon + 1);
    }
  }
  if (s.starts_with("//")) {
    s.remove_prefix(2);
    auto end = s.find_first_of("/?");
    r.authority = s.substr(0, end);
    r.has_authority = true;
    s = end == std::string_view::npos ? std::string_view{} : s.substr(end);
  }
  if (auto q = s.find('?'); q != std::string_view::npos) {
    r.query = s.substr(q + 1);
    r.has_query = true;
    s = s.substr(0, q);
  }
  r.path = s;
  return r;
}

// RFC 3986 §5.2.4.
std::string remove_dot_segments(std::string_view in)
{
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../"))
      in.remove_prefix(3);
    else if (in.starts_with("./"))
      in.remove_prefix(2);
    else if (in.starts_with("/./"))
      in.remove_prefix(2);
    else if (in == "/.")
      in = "/";
    else if (in.starts_with("/../") || in == "/..") {
      in = in.size() == 3 ? std::string_view{"/"} : in.substr(3);
      auto last = out.rfind('/');
      out.erase(last == std::string::npos ? 0 : last);
    } else if (in == "." || in == "..")
      in = {};
    else {
      auto next = in.find('/', 1);
      auto seg = in.substr(0, next);
      out += seg;
      in.remove_prefix(seg.size());
    }
  }
  return out;
}

// The path of `ref` resolved against `base` (RFC 3986 §5.2.2), plus "?query" when there is one.
std::string resolve_path(const UriRef& ref, const UriRef& base)
{
  std::string path;
  std::string_view query = ref.query;
  bool has_query = ref.has_query;
  if (!ref.scheme.empty() || ref.has_authority || ref.path.starts_with('/')) {
    path = remove_dot_segments(ref.path);
  } else if (ref.path.empty()) {
    path = std::string(base.path);
    if (!has_query) {
      query = base.query;
      has_query = base.has_query;
    }
  } else {
    auto slash = base.path.rfind('/');
    std::string merged = slash == std::string_view::npos ? "/" : std::string(base.path.substr(0, slash + 1));
    merged += ref.path;
    path = remove_dot_segments(merged);
  }
  if (path.empty() || path[0] != '/')
    path.insert(path.begin(), '/');
  if (has_query) {
    path += '?';
    path += query;
  }
  return path;
}

bool is_hex(char c)
{
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

int hex_value(char c)
{
  return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

// RFC 3986 unreserved: the only characters the canonical form leaves unescaped (besides '/').
bool is_unreserved(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

void append_escaped(std::string& out, unsigned char c)
{
  static constexpr char k_hex[] = "0123456789ABCDEF";
  out += '%';
  out += k_hex[c >> 4];
  out += k_hex[c & 0xF];
}

// RFC 3986 §6.2.2.2 plus escaping of what may not appear raw; see normalize_href.
std::string normalize_percent_encoding(std::string_view path)
{
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    auto c = static_cast<unsigned char>(path[i]);
    if (c == '%' && i + 2 < path.size() && is_hex(path[i + 1]) && is_hex(path[i + 2])) {
      auto decoded = static_cast<unsigned char>(hex_value(path[i + 1]) * 16 + hex_value(path[i + 2]));
      if (is_unreserved(decoded))
        out += static_cast<char>(decoded);
      else
        append_escaped(out, decoded);
      i += 2;
    } else if (c == '/' || is_unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      append_escaped(out, c);
    }
  }
  return out;
}

// Escapes the bytes a URI reference may not contain raw; escapes and reserved characters stay.
std::string escape_outside_uri(std::string_view href)
{
  std::string out;
  for (std::size_t i = 0; i < href.size(); ++i) {
    auto c = static_cast<unsigned char>(href[i]);
    bool escape_start = c == '%' && i + 2 < href.size() && is_hex(href[i + 1]) && is_hex(href[i + 2]);
    if (escape_start || is_unreserved(c) || (c != 0 && std::strchr(":/?#[]@!$&'()*+,;=", c) != nullptr))
      out += static_cast<char>(c);
    else
      append_escaped(out, c);
  }
  return out;
}

std::string_view trim(std::string_view s)
{
  constexpr std::string_view k_space = " \t\r\n";
  auto b = s.find_first_not_of(k_space);
  if (b == std::string_view::npos)
    return {};
  return s.substr(b, s.find_last_not_of(k_space) - b + 1);
}

// ---- Parsing ------------------------------------------------------------------------------------

struct DocFree
{
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocFree>;

struct CtxtFree
{
  void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};

// A multistatus never has a DTD; refusing any DOCTYPE before its internal subset is read leaves
// no entity to expand (billion laughs) and no external subset to fetch.
void refuse_doctype(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*)
{
  xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
}

std::string parse_error_reason(xmlParserCtxt* ctxt)
{
  if (ctxt->errNo == XML_ERR_USER_STOP)
    return "a DOCTYPE is not accepted in a WebDAV answer";
  const xmlError* err = xmlCtxtGetLastError(ctxt);
  if (err == nullptr || err->message == nullptr)
    return "malformed XML";
  std::string msg(trim(err->message));
  return "malformed XML at line " + std::to_string(err->line) + ": " + msg;
}

// libxml2 2.9 initializes its globals on first use, which is not safe from two threads at once.
void init_libxml2_once()
{
  static const bool k_initialized = (xmlInitParser(), true);
  (void)k_initialized;
}

void ignore_structured_error(void*, xmlErrorPtr) {}

Result<DocPtr> parse_xml(std::string_view xml)
{
  init_libxml2_once();
  if (xml.size() > k_max_multistatus_bytes)
    return Error{ErrorKind::too_large, "WebDAV answer of " + std::to_string(xml.size()) +
                                           " bytes is over the limit of " + std::to_string(k_max_multistatus_bytes)};
  if (xml.empty())
    return Error{ErrorKind::protocol, "empty WebDAV answer"};
  std::unique_ptr<xmlParserCtxt, CtxtFree> ctxt(xmlNewParserCtxt());
  if (!ctxt)
    throw std::bad_alloc();
  ctxt->sax->internalSubset = refuse_doctype;
  ctxt->sax->serror = ignore_structured_error; // collected in ctxt, never printed to stderr
  // No NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR. HUGE lifts libxml2's 10 MB cap on
  // one text node: without it one large event (calendar-data) fails its whole collection instead
  // of being quarantined alone. The answer is already bounded (k_max_multistatus_bytes) and a
  // DOCTYPE is refused, so nothing can expand beyond the bytes received.
  const int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE;
  DocPtr doc(xmlCtxtReadMemory(ctxt.get(), xml.data(), static_cast<int>(xml.size()), nullptr, nullptr, options));
  if (!doc || ctxt->errNo == XML_ERR_USER_STOP || !ctxt->wellFormed || doc->intSubset != nullptr)
    return Error{ErrorKind::protocol, parse_error_reason(ctxt.get())};
  return doc;
}

bool is(const xmlNode* n, std::string_view ns, std::string_view local)
{
  return n != nullptr && n->type == XML_ELEMENT_NODE && n->ns != nullptr && n->ns->href != nullptr &&
         ns == reinterpret_cast<const char*>(n->ns->href) && local == reinterpret_cast<const char*>(n->name);
}

const xmlNode* first_child(const xmlNode* n, std::string_view ns, std::string_view local)
{
  for (const xmlNode* c = n->children; c != nullptr; c = c->next)
    if (is(c, ns, local))
      return c;
  return nullptr;
}

template <typename F> void for_each_child(const xmlNode* n, std::string_view ns, std::string_view local, F&& f)
{
  for (const xmlNode* c = n->children; c != nullptr; c = c->next)
    if (is(c, ns, local))
      f(c);
}

bool has_descendant(const xmlNode* n, std::string_view ns, std::string_view local)
{
  for (const xmlNode* c = n->children; c != nullptr; c = c->next)
    if (is(c, ns, local) || (c->type == XML_ELEMENT_NODE && has_descendant(c, ns, local)))
      return true;
  return false;
}

// Text and CDATA of the element and its descendants; entity references are never expanded.
void append_text(const xmlNode* n, std::string& out)
{
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != nullptr)
      out += reinterpret_cast<const char*>(c->content);
    else if (c->type == XML_ELEMENT_NODE)
      append_text(c, out);
  }
}

std::string text_of(const xmlNode* n)
{
  std::string out;
  append_text(n, out);
  return out;
}

std::string trimmed_text(const xmlNode* n)
{
  return std::string(trim(text_of(n)));
}

// "HTTP/1.1 404 Not Found" → 404; 0 when unreadable.
int parse_status_line(const xmlNode* status)
{
  std::string line = trimmed_text(status);
  auto sp = line.find(' ');
  if (sp == std::string::npos || sp + 4 > line.size())
    return 0;
  int code = 0;
  for (std::size_t i = sp + 1; i < sp + 4; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(line[i])))
      return 0;
    code = code * 10 + (line[i] - '0');
  }
  return code;
}

// An empty set restricts nothing, like an absent one (RFC 4791 §5.2.3 gives no meaning to it).
bool lists_vevent(const xmlNode* component_set)
{
  bool found = false;
  bool any = false;
  for_each_child(component_set, k_ns_caldav, "comp", [&](const xmlNode* comp) {
    any = true;
    xmlChar* name = xmlGetNoNsProp(comp, reinterpret_cast<const xmlChar*>("name"));
    if (name != nullptr && strcasecmp(reinterpret_cast<const char*>(name), "VEVENT") == 0)
      found = true;
    xmlFree(name);
  });
  return found || !any;
}

void read_prop(const xmlNode* p, std::string_view request_url, DavResource& r)
{
  if (is(p, k_ns_dav, "getetag"))
    r.etag = trimmed_text(p);
  else if (is(p, k_ns_caldav, "calendar-data"))
    r.calendar_data = text_of(p);
  else if (is(p, k_ns_dav, "resourcetype")) {
    r.is_collection = first_child(p, k_ns_dav, "collection") != nullptr;
    r.is_calendar = first_child(p, k_ns_caldav, "calendar") != nullptr;
  } else if (is(p, k_ns_caldav, "supported-calendar-component-set"))
    r.has_vevent = lists_vevent(p);
  else if (is(p, k_ns_dav, "supported-report-set"))
    r.supports_sync_collection = has_descendant(p, k_ns_dav, "sync-collection");
  else if (is(p, k_ns_dav, "displayname"))
    r.display_name = trimmed_text(p);
  else if (is(p, k_ns_calendarserver, "getctag"))
    r.ctag = trimmed_text(p);
  else if (is(p, k_ns_dav, "sync-token"))
    r.sync_token = trimmed_text(p);
  else if (is(p, k_ns_dav, "current-user-principal")) {
    if (const xmlNode* href = first_child(p, k_ns_dav, "href"))
      r.current_user_principal = resolve_url(request_url, trimmed_text(href));
  } else if (is(p, k_ns_caldav, "calendar-home-set"))
    for_each_child(p, k_ns_dav, "href", [&](const xmlNode* href) {
      r.calendar_home_set.push_back(resolve_url(request_url, trimmed_text(href)));
    });
}

// The href as the server wrote it, made an absolute path (encoding kept).
std::string absolute_path(std::string_view href, std::string_view request_url)
{
  return resolve_path(split_reference(trim(href)), split_reference(request_url));
}

bool same_resource(std::string_view href, std::string_view request_url)
{
  auto strip = [](std::string s) {
    if (s.size() > 1 && s.back() == '/')
      s.pop_back();
    return s;
  };
  return strip(normalize_href(href, request_url)) == strip(normalize_href(request_url, request_url));
}

void read_response(const xmlNode* response, std::string_view request_url, Multistatus& out)
{
  DavResource r;
  int propstat_status = 0;
  for_each_child(response, k_ns_dav, "propstat", [&](const xmlNode* propstat) {
    const xmlNode* st = first_child(propstat, k_ns_dav, "status");
    int code = st != nullptr ? parse_status_line(st) : 0;
    if ((code / 100 == 2 && propstat_status / 100 != 2) || propstat_status == 0)
      propstat_status = code;
    if (code / 100 != 2)
      return; // 404 propstat: properties the server does not have
    if (const xmlNode* prop = first_child(propstat, k_ns_dav, "prop"))
      for (const xmlNode* p = prop->children; p != nullptr; p = p->next)
        if (p->type == XML_ELEMENT_NODE)
          read_prop(p, request_url, r);
  });
  const xmlNode* st = first_child(response, k_ns_dav, "status");
  r.status = st != nullptr ? parse_status_line(st) : propstat_status;
  // RFC 4918 allows several hrefs sharing one status (e.g. a batch of 404s).
  for_each_child(response, k_ns_dav, "href", [&](const xmlNode* href) {
    std::string written = trimmed_text(href);
    if (r.status == 507 && same_resource(written, request_url)) {
      out.truncated = true;
      return;
    }
    DavResource copy = r;
    copy.href = absolute_path(written, request_url);
    out.resources.push_back(std::move(copy));
  });
}

// ---- Request bodies -----------------------------------------------------------------------------

const xmlChar* xc(const char* s)
{
  return reinterpret_cast<const xmlChar*>(s);
}

// A complete document written by xmlTextWriter into memory; any failure is out of memory.
class BodyWriter
{
public:
  BodyWriter()
    : m_buf((init_libxml2_once(), xmlBufferCreate()))
  {
    if (m_buf == nullptr || (m_w = xmlNewTextWriterMemory(m_buf, 0)) == nullptr)
      throw std::bad_alloc();
    check(xmlTextWriterStartDocument(m_w, nullptr, "UTF-8", nullptr));
  }
  ~BodyWriter()
  {
    if (m_w != nullptr)
      xmlFreeTextWriter(m_w);
    xmlBufferFree(m_buf);
  }
  BodyWriter(const BodyWriter&) = delete;
  BodyWriter& operator=(const BodyWriter&) = delete;

  // The root element declares d: (DAV:) and the other namespaces asked for.
  void root(const char* prefix, const char* name, bool caldav, bool calendarserver = false)
  {
    check(xmlTextWriterStartElementNS(m_w, xc(prefix), xc(name), nullptr));
    check(xmlTextWriterWriteAttribute(m_w, xc("xmlns:d"), xc("DAV:")));
    if (caldav)
      check(xmlTextWriterWriteAttribute(m_w, xc("xmlns:c"), xc(k_ns_caldav.data())));
    if (calendarserver)
      check(xmlTextWriterWriteAttribute(m_w, xc("xmlns:cs"), xc(k_ns_calendarserver.data())));
  }
  void start(const char* prefix, const char* name)
  {
    check(xmlTextWriterStartElementNS(m_w, xc(prefix), xc(name), nullptr));
  }
  void attribute(const char* name, const char* value) { check(xmlTextWriterWriteAttribute(m_w, xc(name), xc(value))); }
  void text(const std::string& s) { check(xmlTextWriterWriteString(m_w, xc(s.c_str()))); }
  void end() { check(xmlTextWriterEndElement(m_w)); }
  void empty(const char* prefix, const char* name)
  {
    start(prefix, name);
    end();
  }
  std::string finish()
  {
    check(xmlTextWriterEndDocument(m_w));
    xmlFreeTextWriter(m_w); // flushes into m_buf
    m_w = nullptr;
    return std::string(reinterpret_cast<const char*>(xmlBufferContent(m_buf)), xmlBufferLength(m_buf));
  }

private:
  static void check(int rc)
  {
    if (rc < 0)
      throw std::bad_alloc();
  }
  xmlBufferPtr m_buf;
  xmlTextWriterPtr m_w = nullptr;
};

std::string propfind(const char* prefix, const char* prop)
{
  BodyWriter w;
  w.root("d", "propfind", std::strcmp(prefix, "c") == 0);
  w.start("d", "prop");
  w.empty(prefix, prop);
  w.end();
  w.end();
  return w.finish();
}

} // namespace

std::string propfind_principal_body()
{
  return propfind("d", "current-user-principal");
}

std::string propfind_home_body()
{
  return propfind("c", "calendar-home-set");
}

namespace {

// What a PROPFIND Depth 1 of a home asks of each collection; `with_tags` adds getctag and getetag.
enum class Token { asked, not_asked };
std::string collections_propfind(bool with_tags, bool with_props = true, Token token = Token::asked)
{
  BodyWriter w;
  w.root("d", "propfind", with_props, with_tags);
  w.start("d", "prop");
  w.empty("d", "resourcetype");
  if (with_props)
    w.empty("d", "displayname");
  if (with_tags)
    w.empty("cs", "getctag");
  if (token == Token::asked)
    w.empty("d", "sync-token");
  if (with_props) {
    w.empty("c", "supported-calendar-component-set");
    w.empty("d", "supported-report-set");
  }
  if (with_tags)
    w.empty("d", "getetag");
  w.end();
  w.end();
  return w.finish();
}

} // namespace

std::string propfind_collections_body()
{
  return collections_propfind(true);
}

std::string propfind_collections_by_token_body()
{
  return collections_propfind(false);
}

std::string propfind_collections_tokens_body()
{
  return collections_propfind(false, false);
}

std::string propfind_collections_names_body()
{
  return collections_propfind(false, true, Token::not_asked);
}

std::string sync_collection_body(std::string_view token, bool with_data)
{
  BodyWriter w;
  w.root("d", "sync-collection", with_data);
  w.start("d", "sync-token");
  if (!token.empty())
    w.text(std::string(token));
  w.end();
  w.start("d", "sync-level"); // RFC 6578 requires it; Xandikos refuses the request without it
  w.text("1");
  w.end();
  w.start("d", "prop");
  w.empty("d", "getetag");
  if (with_data)
    w.empty("c", "calendar-data");
  w.end();
  w.end();
  return w.finish();
}

std::string multiget_body(const std::vector<std::string>& hrefs)
{
  BodyWriter w;
  w.root("c", "calendar-multiget", true);
  w.start("d", "prop");
  w.empty("d", "getetag");
  w.empty("c", "calendar-data");
  w.end();
  for (const auto& href : hrefs) {
    // Sent as given (a server may compare hrefs literally), but a raw space or UTF-8 byte is not
    // a valid URI: escape what a URI may not hold.
    std::string fixed = escape_outside_uri(href);
    w.start("d", "href");
    w.text(fixed);
    w.end();
  }
  w.end();
  return w.finish();
}

std::string calendar_query_body(bool with_data)
{
  BodyWriter w;
  w.root("c", "calendar-query", true);
  w.start("d", "prop");
  w.empty("d", "getetag");
  if (with_data)
    w.empty("c", "calendar-data");
  w.end();
  w.start("c", "filter");
  w.start("c", "comp-filter");
  w.attribute("name", "VCALENDAR");
  w.start("c", "comp-filter");
  w.attribute("name", "VEVENT");
  w.end();
  w.end();
  w.end();
  w.end();
  return w.finish();
}

Result<Multistatus> parse_multistatus(std::string_view xml, std::string_view request_url)
{
  auto doc = parse_xml(xml);
  if (!doc)
    return doc.error();
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  if (!is(root, k_ns_dav, "multistatus"))
    return Error{ErrorKind::protocol,
                 "the answer is not a DAV:multistatus (root element '" +
                     std::string(root != nullptr ? reinterpret_cast<const char*>(root->name) : "") + "')"};
  Multistatus out;
  for (const xmlNode* c = root->children; c != nullptr; c = c->next) {
    if (is(c, k_ns_dav, "response"))
      read_response(c, request_url, out);
    else if (is(c, k_ns_dav, "sync-token"))
      out.sync_token = trimmed_text(c);
  }
  return out;
}

bool is_invalid_sync_token(int http_status, std::string_view body)
{
  if (http_status != 403 && http_status != 409)
    return false;
  auto doc = parse_xml(body);
  if (!doc)
    return false;
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  return is(root, k_ns_dav, "error") && has_descendant(root, k_ns_dav, "valid-sync-token");
}

std::string normalize_href(std::string_view href, std::string_view base_url)
{
  UriRef ref = split_reference(trim(href));
  UriRef base = split_reference(base_url);
  std::string ref_path = normalize_percent_encoding(ref.path);
  std::string base_path = normalize_percent_encoding(base.path);
  ref.path = ref_path;
  base.path = base_path;
  return resolve_path(ref, base);
}

std::string resolve_url(std::string_view base_url, std::string_view href)
{
  UriRef ref = split_reference(trim(href));
  UriRef base = split_reference(base_url);
  const UriRef& origin = ref.scheme.empty() ? base : ref;
  std::string out;
  if (!origin.scheme.empty()) {
    out += origin.scheme;
    out += ':';
  }
  if (ref.scheme.empty() && ref.has_authority) {
    out += "//";
    out += ref.authority; // a network-path reference keeps the base scheme, not its host
  } else if (origin.has_authority) {
    out += "//";
    out += origin.authority;
  }
  return out + normalize_href(href, base_url);
}

} // namespace kenes::connectors
