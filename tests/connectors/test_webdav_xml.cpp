// WebDAV/CalDAV XML (connectors/webdav_xml.cpp): answers captured from Radicale 3.1.8 and
// Xandikos 0.2.8 (tests/connectors/data/README.md), hand-written answers for what they do not
// show (other prefixes, CDATA, 507, hostile XML), and the request bodies parsed back.
#include "support/test_support.hpp"

#include "connectors/webdav_xml.hpp"

#include <catch2/catch.hpp>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <fstream>
#include <sstream>

using namespace kenes::connectors;

namespace {

std::string data_file(const std::string& name)
{
  auto path = kenes::test::source_dir() / "tests" / "connectors" / "data" / name;
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string k_radicale_cal = "http://127.0.0.1:5232/alice/work/";
const std::string k_xandikos_cal = "http://127.0.0.1:8080/user/calendars/work/";

Multistatus parsed(const std::string& xml, const std::string& request_url)
{
  auto r = parse_multistatus(xml, request_url);
  if (!r)
    FAIL(r.error().reason);
  return std::move(*r);
}

Multistatus parsed_file(const std::string& name, const std::string& request_url)
{
  return parsed(data_file(name), request_url);
}

Error parse_error(std::string_view xml)
{
  auto r = parse_multistatus(xml, "http://h/cal/");
  REQUIRE_FALSE(r.ok());
  return r.error();
}

// "{ns}local(children...)" of an element tree: what a server's namespace-aware parser sees.
std::string shape(const xmlNode* n)
{
  std::string out = "{" + std::string(n->ns ? reinterpret_cast<const char*>(n->ns->href) : "") + "}" +
                    reinterpret_cast<const char*>(n->name);
  std::string kids;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next)
    if (c->type == XML_ELEMENT_NODE)
      kids += (kids.empty() ? "" : " ") + shape(c);
  return kids.empty() ? out : out + "(" + kids + ")";
}

struct ParsedBody
{
  std::string shape;
  std::vector<std::string> texts; // text of every element that has some, in document order
};

void collect_texts(const xmlNode* n, std::vector<std::string>& out)
{
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE)
      out.push_back(reinterpret_cast<const char*>(c->content));
    else if (c->type == XML_ELEMENT_NODE)
      collect_texts(c, out);
  }
}

ParsedBody parse_body(const std::string& body)
{
  REQUIRE(body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
  xmlDoc* doc = xmlReadMemory(body.data(), static_cast<int>(body.size()), nullptr, nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  REQUIRE(doc != nullptr);
  ParsedBody out{shape(xmlDocGetRootElement(doc)), {}};
  collect_texts(xmlDocGetRootElement(doc), out.texts);
  xmlFreeDoc(doc);
  return out;
}

const std::string k_d = "{DAV:}";
const std::string k_c = "{urn:ietf:params:xml:ns:caldav}";

} // namespace

// ---- Radicale 3.1.8 -----------------------------------------------------------------------------

TEST_CASE("webdav.radicale: PROPFIND of / names the principal, made an absolute URL", "[webdav]")
{
  auto ms = parsed_file("radicale/propfind_principal.xml", "http://127.0.0.1:5232/");
  REQUIRE(ms.resources.size() == 1);
  CHECK(ms.resources[0].href == "/");
  CHECK(ms.resources[0].status == 200);
  CHECK(ms.resources[0].current_user_principal == "http://127.0.0.1:5232/alice/");
}

TEST_CASE("webdav.radicale: PROPFIND of the principal gives the calendar home", "[webdav]")
{
  auto ms = parsed_file("radicale/propfind_home.xml", "http://127.0.0.1:5232/alice/");
  REQUIRE(ms.resources.size() == 1);
  CHECK(ms.resources[0].href == "/alice/");
  CHECK(ms.resources[0].calendar_home_set == std::vector<std::string>{"http://127.0.0.1:5232/alice/"});
}

TEST_CASE("webdav.radicale: PROPFIND Depth 1 of the home reads ctag, sync-token, VEVENT, sync-collection", "[webdav]")
{
  auto ms = parsed_file("radicale/propfind_home_depth1.xml", "http://127.0.0.1:5232/alice/");
  REQUIRE(ms.resources.size() == 2);
  const auto& home = ms.resources[0];
  CHECK(home.href == "/alice/");
  CHECK(home.status == 200);
  CHECK(home.is_collection);
  CHECK_FALSE(home.is_calendar);
  CHECK_FALSE(home.supports_sync_collection);
  // Radicale answers displayname, getctag, sync-token... of the home in a 404 propstat.
  CHECK(home.display_name.empty());
  CHECK(home.ctag.empty());
  CHECK(home.sync_token.empty());
  CHECK(home.has_vevent);

  const auto& cal = ms.resources[1];
  CHECK(cal.href == "/alice/work/");
  CHECK(cal.status == 200);
  CHECK(cal.is_collection);
  CHECK(cal.is_calendar);
  CHECK(cal.has_vevent);
  CHECK(cal.supports_sync_collection);
  CHECK(cal.display_name == "Работа");
  CHECK(cal.ctag == "\"3b6312f4b8e0cd6e4eb2eca08ab6202e5a4b66ef0a8aeafcf4f29babba15d1dc\"");
  CHECK(cal.etag == cal.ctag);
  CHECK(cal.sync_token ==
        "http://radicale.org/ns/sync/893bd8d6413b3a8a1be825d9d9776354819aa6c2b89a8decdb11a61575ff1527");
}

TEST_CASE("webdav.radicale: initial sync-collection lists both events with ETags and the token", "[webdav]")
{
  auto ms = parsed_file("radicale/sync_initial.xml", k_radicale_cal);
  CHECK(ms.sync_token ==
        "http://radicale.org/ns/sync/893bd8d6413b3a8a1be825d9d9776354819aa6c2b89a8decdb11a61575ff1527");
  CHECK_FALSE(ms.truncated);
  REQUIRE(ms.resources.size() == 2);
  CHECK(ms.resources[0].href == "/alice/work/other%20event.ics");
  CHECK(ms.resources[0].status == 200);
  CHECK(ms.resources[0].etag == "\"62788073fe8ded4e17b47a00a87b215daa6f9d98d3580dcb02d18604fc244a75\"");
  CHECK(ms.resources[0].calendar_data.empty());
  CHECK(ms.resources[1].href == "/alice/work/meeting-ru.ics");
  CHECK(ms.resources[1].etag == "\"82f47d328d72919ef879b0dc1ad71e3fff3f46e3ae1562dfcd4650cb9d1cc06e\"");
  CHECK_FALSE(ms.resources[1].is_collection);
}

TEST_CASE("webdav.radicale: sync-collection with calendar-data returns the events inline", "[webdav]")
{
  // Both servers write the CRLFs of iCalendar raw into the XML; XML end-of-line handling (XML 1.0
  // §2.11) makes them LF. Only &#13; would keep a CR.
  auto ms = parsed_file("radicale/sync_initial_data.xml", k_radicale_cal);
  REQUIRE(ms.resources.size() == 2);
  CHECK(ms.resources[0].calendar_data.find("SUMMARY:Briefing & review\n") != std::string::npos);
  CHECK(ms.resources[1].calendar_data.starts_with("BEGIN:VCALENDAR\n"));
  CHECK(ms.resources[1].calendar_data.find("SUMMARY:Совещание по бюджету\n") != std::string::npos);
  CHECK(ms.resources[1].calendar_data.ends_with("END:VCALENDAR\n"));
}

TEST_CASE("webdav.radicale: sync-collection after a change and a delete: new ETag, 404, new token", "[webdav]")
{
  auto ms = parsed_file("radicale/sync_after_change.xml", k_radicale_cal);
  CHECK(ms.sync_token ==
        "http://radicale.org/ns/sync/44077910fee8898bb7780b79618df5c68872bed941f46b5d88b2887bcdb57d6f");
  REQUIRE(ms.resources.size() == 2);
  CHECK(ms.resources[0].href == "/alice/work/other%20event.ics");
  CHECK(ms.resources[0].status == 404);
  CHECK(ms.resources[0].etag.empty());
  CHECK(ms.resources[1].href == "/alice/work/meeting-ru.ics");
  CHECK(ms.resources[1].status == 200);
  CHECK(ms.resources[1].etag == "\"432ce70306c5feb25571cf937aabb2f4cf6df10553ba57c1d027adfe8b6cfaa0\"");
}

TEST_CASE("webdav.radicale: multiget and calendar-query give ETags and calendar-data", "[webdav]")
{
  for (const char* name : {"radicale/multiget.xml", "radicale/calendar_query_data.xml"}) {
    INFO(name);
    auto ms = parsed_file(name, k_radicale_cal);
    REQUIRE(ms.resources.size() == 2);
    CHECK(ms.resources[0].href == "/alice/work/other%20event.ics");
    CHECK(ms.resources[0].etag == "\"62788073fe8ded4e17b47a00a87b215daa6f9d98d3580dcb02d18604fc244a75\"");
    CHECK(ms.resources[0].calendar_data.find("UID:kenes-capture-2\n") != std::string::npos);
    CHECK(ms.resources[1].href == "/alice/work/meeting-ru.ics");
    CHECK(ms.resources[1].calendar_data.find("SUMMARY:Совещание по бюджету\n") != std::string::npos);
  }
  auto ms = parsed_file("radicale/calendar_query.xml", k_radicale_cal);
  REQUIRE(ms.resources.size() == 2);
  CHECK(ms.resources[1].etag == "\"82f47d328d72919ef879b0dc1ad71e3fff3f46e3ae1562dfcd4650cb9d1cc06e\"");
  CHECK(ms.resources[1].calendar_data.empty());
}

TEST_CASE("webdav.radicale: an unknown sync token is 403 valid-sync-token", "[webdav]")
{
  auto body = data_file("radicale/sync_invalid_token.xml");
  CHECK(is_invalid_sync_token(403, body));
  CHECK_FALSE(is_invalid_sync_token(207, body));
  CHECK(parse_error(body).kind == ErrorKind::protocol);
}

// ---- Xandikos 0.2.8 -----------------------------------------------------------------------------

TEST_CASE("webdav.xandikos: principal and home-set with ns0: prefixes", "[webdav]")
{
  auto principal = parsed_file("xandikos/propfind_principal.xml", "http://127.0.0.1:8080/");
  REQUIRE(principal.resources.size() == 1);
  CHECK(principal.resources[0].current_user_principal == "http://127.0.0.1:8080/user/");
  auto home = parsed_file("xandikos/propfind_home.xml", "http://127.0.0.1:8080/user/");
  REQUIRE(home.resources.size() == 1);
  CHECK(home.resources[0].href == "/user/");
  CHECK(home.resources[0].calendar_home_set == std::vector<std::string>{"http://127.0.0.1:8080/user/calendars/"});
}

TEST_CASE("webdav.xandikos: PROPFIND Depth 1 of the home, supported-report without DAV:report", "[webdav]")
{
  auto ms = parsed_file("xandikos/propfind_home_depth1.xml", "http://127.0.0.1:8080/user/calendars/");
  REQUIRE(ms.resources.size() == 3);
  const auto& home = ms.resources[0];
  CHECK(home.href == "/user/calendars/");
  CHECK(home.is_collection);
  CHECK_FALSE(home.is_calendar);
  CHECK(home.display_name == "calendars");
  CHECK(home.has_vevent); // its component set is in a 404 propstat: absent
  // Xandikos writes <supported-report><sync-collection/></supported-report>, no <report> around.
  CHECK(home.supports_sync_collection);

  const auto& work = ms.resources[1];
  CHECK(work.href == "/user/calendars/work/");
  CHECK(work.is_calendar);
  CHECK(work.has_vevent);
  CHECK(work.supports_sync_collection);
  CHECK(work.display_name == "Работа");
  CHECK(work.ctag == "239f1874d276c1cf8ed2766ae63c5434b5999577"); // unquoted, unlike the ETag
  CHECK(work.sync_token == "239f1874d276c1cf8ed2766ae63c5434b5999577");
  CHECK(work.etag == "\"239f1874d276c1cf8ed2766ae63c5434b5999577\"");

  const auto& dflt = ms.resources[2];
  CHECK(dflt.href == "/user/calendars/calendar/");
  CHECK(dflt.is_calendar);
  CHECK(dflt.ctag == "ae4423fea231573dd53ab2567fdc26cd3f98a7ca");
}

TEST_CASE("webdav.xandikos: initial sync-collection, token after the responses", "[webdav]")
{
  auto ms = parsed_file("xandikos/sync_initial.xml", k_xandikos_cal);
  CHECK(ms.sync_token == "239f1874d276c1cf8ed2766ae63c5434b5999577");
  REQUIRE(ms.resources.size() == 2);
  CHECK(ms.resources[0].href == "/user/calendars/work/meeting-ru.ics");
  CHECK(ms.resources[0].status == 200);
  CHECK(ms.resources[0].etag == "\"f34bda14963e3aee55b6afe59aba9da5304a4b61\"");
  CHECK(ms.resources[1].href == "/user/calendars/work/other%20event.ics");
  CHECK(ms.resources[1].etag == "\"609e0d9475343a06e9c43d6da4c629ce73862e4e\"");
}

TEST_CASE("webdav.xandikos: sync-collection answers calendar-data in a 404 propstat", "[webdav]")
{
  auto ms = parsed_file("xandikos/sync_initial_data.xml", k_xandikos_cal);
  REQUIRE(ms.resources.size() == 2);
  for (const auto& r : ms.resources) {
    CHECK(r.status == 200);
    CHECK_FALSE(r.etag.empty());
    CHECK(r.calendar_data.empty());
  }
}

TEST_CASE("webdav.xandikos: sync-collection after a change and a delete", "[webdav]")
{
  auto ms = parsed_file("xandikos/sync_after_change.xml", k_xandikos_cal);
  CHECK(ms.sync_token == "6c50b68040780e14a9ebb3354b1f77e39532c80a");
  REQUIRE(ms.resources.size() == 2);
  CHECK(ms.resources[0].href == "/user/calendars/work/meeting-ru.ics");
  CHECK(ms.resources[0].status == 200);
  CHECK(ms.resources[0].etag == "\"758eea33d2375a68ff96920de2f54afde9c7c39d\"");
  CHECK(ms.resources[1].href == "/user/calendars/work/other%20event.ics");
  CHECK(ms.resources[1].status == 404);
}

TEST_CASE("webdav.xandikos: multiget and calendar-query give ETags and calendar-data", "[webdav]")
{
  for (const char* name : {"xandikos/multiget.xml", "xandikos/calendar_query_data.xml"}) {
    INFO(name);
    auto ms = parsed_file(name, k_xandikos_cal);
    REQUIRE(ms.resources.size() == 2);
    CHECK(ms.resources[0].href == "/user/calendars/work/meeting-ru.ics");
    CHECK(ms.resources[0].etag == "\"f34bda14963e3aee55b6afe59aba9da5304a4b61\"");
    CHECK(ms.resources[0].calendar_data.find("SUMMARY:Совещание по бюджету\n") != std::string::npos);
    CHECK(ms.resources[1].calendar_data.find("SUMMARY:Briefing & review\n") != std::string::npos);
  }
  auto ms = parsed_file("xandikos/calendar_query.xml", k_xandikos_cal);
  REQUIRE(ms.resources.size() == 2);
  CHECK(ms.resources[1].etag == "\"609e0d9475343a06e9c43d6da4c629ce73862e4e\"");
}

TEST_CASE("webdav.xandikos: an unknown sync token is a plain-text 500, not valid-sync-token", "[webdav]")
{
  auto body = data_file("xandikos/sync_invalid_token.txt");
  CHECK(body.starts_with("500 Internal Server Error"));
  CHECK_FALSE(is_invalid_sync_token(500, body));
  CHECK_FALSE(is_invalid_sync_token(403, body));
}

// ---- Hand-written answers -----------------------------------------------------------------------

TEST_CASE("webdav: elements match on namespace URI, whatever the prefix", "[webdav]")
{
  const std::string bodies[] = {
      R"(<d:multistatus xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav"><d:response><d:href>/c/a.ics</d:href>
       <d:propstat><d:prop><d:getetag>"1"</d:getetag><cal:calendar-data>X</cal:calendar-data></d:prop>
       <d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response><d:sync-token>t1</d:sync-token></d:multistatus>)",
      R"(<multistatus xmlns="DAV:"><response><href>/c/a.ics</href><propstat><prop><getetag>"1"</getetag>
       <calendar-data xmlns="urn:ietf:params:xml:ns:caldav">X</calendar-data></prop>
       <status>HTTP/1.1 200 OK</status></propstat></response><sync-token>t1</sync-token></multistatus>)",
      R"(<ns0:multistatus xmlns:ns0="DAV:"><ns0:response><ns0:href>/c/a.ics</ns0:href><ns0:propstat>
       <ns0:status>HTTP/1.1 200 OK</ns0:status><ns0:prop><ns0:getetag>"1"</ns0:getetag>
       <ns1:calendar-data xmlns:ns1="urn:ietf:params:xml:ns:caldav">X</ns1:calendar-data></ns0:prop></ns0:propstat>
       </ns0:response><ns0:sync-token>t1</ns0:sync-token></ns0:multistatus>)",
      // The DAV: namespace under the prefix others use for CalDAV, and the reverse.
      R"(<C:multistatus xmlns:C="DAV:" xmlns:D="urn:ietf:params:xml:ns:caldav"><C:response><C:href>/c/a.ics</C:href>
       <C:propstat><C:prop><C:getetag>"1"</C:getetag><D:calendar-data>X</D:calendar-data></C:prop>
       <C:status>HTTP/1.1 200 OK</C:status></C:propstat></C:response><C:sync-token>t1</C:sync-token></C:multistatus>)",
  };
  for (const auto& body : bodies) {
    INFO(body);
    auto ms = parsed(body, "http://h/c/");
    CHECK(ms.sync_token == "t1");
    REQUIRE(ms.resources.size() == 1);
    CHECK(ms.resources[0].href == "/c/a.ics");
    CHECK(ms.resources[0].status == 200);
    CHECK(ms.resources[0].etag == "\"1\"");
    CHECK(ms.resources[0].calendar_data == "X");
  }
}

TEST_CASE("webdav: a known local name in another namespace is not taken", "[webdav]")
{
  auto ms = parsed(R"(<multistatus xmlns="DAV:" xmlns:x="urn:other"><response><href>/c/a.ics</href><propstat><prop>
    <x:getetag>"wrong"</x:getetag><x:calendar-data>wrong</x:calendar-data><calendar-data>also wrong</calendar-data>
    <resourcetype><x:calendar/><collection/></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat></response>
    </multistatus>)",
                   "http://h/c/");
  REQUIRE(ms.resources.size() == 1);
  CHECK(ms.resources[0].etag.empty());
  CHECK(ms.resources[0].calendar_data.empty());
  CHECK(ms.resources[0].is_collection);
  CHECK_FALSE(ms.resources[0].is_calendar);
}

TEST_CASE("webdav: xml:lang, whitespace around values, CDATA and character references", "[webdav]")
{
  auto ms = parsed(R"(<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/">
  <D:response>
    <D:href>
      /c/
    </D:href>
    <D:propstat>
      <D:prop>
        <D:displayname xml:lang="ru">  Работа  </D:displayname>
        <CS:getctag xml:lang="en">
          ctag-1
        </CS:getctag>
        <D:resourcetype>
          <D:collection/>
          <C:calendar/>
        </D:resourcetype>
      </D:prop>
      <D:status>HTTP/1.1 200 OK</D:status>
    </D:propstat>
  </D:response>
  <D:response>
    <D:href>/c/a.ics</D:href>
    <D:propstat>
      <D:prop>
        <D:getetag>"e&amp;1"</D:getetag>
        <C:calendar-data><![CDATA[BEGIN:VCALENDAR
SUMMARY:A & B <x>
]]></C:calendar-data>
      </D:prop>
      <D:status>HTTP/1.1 200 OK</D:status>
    </D:propstat>
  </D:response>
  <D:response>
    <D:href>/c/b.ics</D:href>
    <D:propstat>
      <D:prop><C:calendar-data>BEGIN:VCALENDAR&#13;&#10;SUMMARY:A &amp; B &lt;x&gt;&#13;&#10;</C:calendar-data></D:prop>
      <D:status>HTTP/1.1 200 OK</D:status>
    </D:propstat>
  </D:response>
</D:multistatus>)",
                   "http://h/c/");
  REQUIRE(ms.resources.size() == 3);
  CHECK(ms.resources[0].href == "/c/");
  CHECK(ms.resources[0].display_name == "Работа");
  CHECK(ms.resources[0].ctag == "ctag-1");
  CHECK(ms.resources[0].is_calendar);
  CHECK(ms.resources[1].etag == "\"e&1\"");
  CHECK(ms.resources[1].calendar_data == "BEGIN:VCALENDAR\nSUMMARY:A & B <x>\n");
  CHECK(ms.resources[2].calendar_data == "BEGIN:VCALENDAR\r\nSUMMARY:A & B <x>\r\n");
}

TEST_CASE("webdav: properties in a 404 propstat are ignored, status is the 200 propstat's", "[webdav]")
{
  auto ms = parsed(R"(<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"
      xmlns:cs="http://calendarserver.org/ns/"><d:response><d:href>/c/</d:href>
    <d:propstat><d:prop><cs:getctag>stale</cs:getctag><d:sync-token>stale</d:sync-token><d:displayname>no</d:displayname>
      <c:supported-calendar-component-set><c:comp name="VTODO"/></c:supported-calendar-component-set></d:prop>
      <d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>
    <d:propstat><d:prop><d:getetag>"7"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
  </d:response><d:response><d:href>/c/gone/</d:href>
    <d:propstat><d:prop><d:getetag/></d:prop><d:status>HTTP/1.1 403 Forbidden</d:status></d:propstat>
  </d:response></d:multistatus>)",
                   "http://h/c/");
  REQUIRE(ms.resources.size() == 2);
  CHECK(ms.resources[0].status == 200);
  CHECK(ms.resources[0].etag == "\"7\"");
  CHECK(ms.resources[0].ctag.empty());
  CHECK(ms.resources[0].sync_token.empty());
  CHECK(ms.resources[0].display_name.empty());
  CHECK(ms.resources[0].has_vevent);
  CHECK(ms.resources[1].status == 403);
}

TEST_CASE("webdav: a component set without VEVENT marks a task list", "[webdav]")
{
  auto ms = parsed(R"(<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:response>
    <d:href>/c/tasks/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype>
    <c:supported-calendar-component-set><c:comp name="VTODO"/></c:supported-calendar-component-set>
    <d:supported-report-set><d:supported-report><d:report><c:calendar-query/></d:report></d:supported-report>
    </d:supported-report-set></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
    <d:response><d:href>/c/events/</d:href><d:propstat><d:prop>
    <c:supported-calendar-component-set><c:comp name="vevent"/></c:supported-calendar-component-set></d:prop>
    <d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
    <d:response><d:href>/c/any/</d:href><d:propstat><d:prop><c:supported-calendar-component-set/></d:prop>
    <d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>)",
                   "http://h/c/");
  REQUIRE(ms.resources.size() == 3);
  CHECK(ms.resources[2].has_vevent); // an empty set restricts nothing
  CHECK(ms.resources[0].is_calendar);
  CHECK_FALSE(ms.resources[0].has_vevent);
  CHECK_FALSE(ms.resources[0].supports_sync_collection);
  CHECK(ms.resources[1].has_vevent);
}

TEST_CASE("webdav: a 507 for the request URI means truncated, and is not a resource", "[webdav]")
{
  auto ms = parsed(R"(<d:multistatus xmlns:d="DAV:"><d:response><d:href>https://cal.example.org/c/a.ics</d:href>
    <d:propstat><d:prop><d:getetag>"1"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
    </d:response><d:response><d:href>https://cal.example.org/c</d:href>
    <d:status>HTTP/1.1 507 Insufficient Storage</d:status></d:response>
    <d:sync-token>http://example.org/sync/2</d:sync-token></d:multistatus>)",
                   "https://cal.example.org/c/");
  CHECK(ms.truncated);
  CHECK(ms.sync_token == "http://example.org/sync/2");
  REQUIRE(ms.resources.size() == 1);
  CHECK(ms.resources[0].href == "/c/a.ics");
}

TEST_CASE("webdav: hrefs are made absolute paths, encoding as given, several hrefs share a status", "[webdav]")
{
  auto ms =
      parsed(R"(<d:multistatus xmlns:d="DAV:"><d:response><d:href>a%2bb.ics</d:href><d:href>../other/x.ics</d:href>
    <d:href>http://h:8008/c/y%20z.ics</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>
    <d:response><d:href>/c/507.ics</d:href><d:status>HTTP/1.1 507 Insufficient Storage</d:status></d:response>
    <d:response><d:href>/c/none.ics</d:href></d:response></d:multistatus>)",
             "http://h:8008/c/");
  CHECK_FALSE(ms.truncated);
  REQUIRE(ms.resources.size() == 5);
  CHECK(ms.resources[0].href == "/c/a%2bb.ics");
  CHECK(ms.resources[1].href == "/other/x.ics");
  CHECK(ms.resources[2].href == "/c/y%20z.ics");
  for (int i = 0; i < 3; ++i)
    CHECK(ms.resources[i].status == 404);
  CHECK(ms.resources[3].status == 507);
  CHECK(ms.resources[4].status == 0);
}

TEST_CASE("webdav: malformed XML is a protocol error with the line", "[webdav]")
{
  auto e =
      parse_error("<d:multistatus xmlns:d=\"DAV:\">\n<d:response>\n<d:href>/a</d:hre>\n</d:response></d:multistatus>");
  CHECK(e.kind == ErrorKind::protocol);
  CHECK(e.reason.starts_with("malformed XML at line 3: "));
  CHECK(e.reason.find('\n') == std::string::npos);

  CHECK(parse_error("").kind == ErrorKind::protocol);
  CHECK(parse_error("not xml at all").reason.starts_with("malformed XML at line 1"));
  CHECK(parse_error("<x:multistatus xmlns:x=\"urn:not-dav\"/>").reason ==
        "the answer is not a DAV:multistatus (root element 'multistatus')");
  CHECK(parse_error("<multistatus/>").kind == ErrorKind::protocol);                               // no namespace at all
  CHECK(parse_error("<d:multistatus><d:response/></d:multistatus>").kind == ErrorKind::protocol); // unbound prefix
}

TEST_CASE("webdav: a real answer truncated in the middle is a protocol error", "[webdav]")
{
  auto full = data_file("radicale/multiget.xml");
  for (std::size_t cut : {full.size() / 2, full.size() - 20, std::size_t{10}}) {
    INFO(cut);
    auto e = parse_error(std::string_view(full).substr(0, cut));
    CHECK(e.kind == ErrorKind::protocol);
    CHECK(e.reason.starts_with("malformed XML at line "));
    CHECK(e.reason.size() < 300); // the document is not dumped
  }
}

TEST_CASE("webdav: billion laughs and external entities are refused (no DOCTYPE accepted)", "[webdav]")
{
  std::string laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  laughs += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n";
  for (int i = 2; i <= 9; ++i) {
    std::string prev = "&lol" + std::to_string(i - 1) + ";";
    std::string line = "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k)
      line += prev;
    laughs += line + "\">\n";
  }
  laughs += "]>\n<d:multistatus xmlns:d=\"DAV:\"><d:response><d:href>/a</d:href><d:propstat><d:prop>"
            "<d:displayname>&lol9;</d:displayname></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>"
            "</d:response></d:multistatus>";
  auto e = parse_error(laughs);
  CHECK(e.kind == ErrorKind::protocol);
  CHECK(e.reason == "a DOCTYPE is not accepted in a WebDAV answer");

  auto xxe = parse_error("<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                         "<d:multistatus xmlns:d=\"DAV:\"><d:sync-token>&x;</d:sync-token></d:multistatus>");
  CHECK(xxe.reason == "a DOCTYPE is not accepted in a WebDAV answer");
  auto external =
      parse_error("<!DOCTYPE d:multistatus SYSTEM \"http://127.0.0.1:9/x.dtd\"><d:multistatus xmlns:d=\"DAV:\"/>");
  CHECK(external.reason == "a DOCTYPE is not accepted in a WebDAV answer");
  // An undeclared entity is simply malformed.
  CHECK(parse_error("<d:multistatus xmlns:d=\"DAV:\"><d:sync-token>&x;</d:sync-token></d:multistatus>").kind ==
        ErrorKind::protocol);
}

TEST_CASE("webdav: an answer over 64 MiB is too_large before parsing", "[webdav]")
{
  std::string big(k_max_multistatus_bytes + 1, ' ');
  auto r = parse_multistatus(big, "http://h/c/");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::too_large);
}

TEST_CASE("webdav: valid-sync-token under any prefix, only with 403 or 409", "[webdav]")
{
  const std::string prefixed = R"(<D:error xmlns:D="DAV:"><D:valid-sync-token/></D:error>)";
  const std::string deep = R"(<?xml version="1.0"?><e:error xmlns:e="DAV:" xmlns:s="http://sabredav.org/ns">
    <s:exception>Sabre\DAV\Exception\InvalidSyncToken</s:exception><e:valid-sync-token/></e:error>)";
  CHECK(is_invalid_sync_token(409, prefixed));
  CHECK(is_invalid_sync_token(403, deep));
  CHECK_FALSE(is_invalid_sync_token(400, prefixed));
  CHECK_FALSE(is_invalid_sync_token(403, R"(<D:error xmlns:D="DAV:"><D:need-privileges/></D:error>)"));
  CHECK_FALSE(is_invalid_sync_token(403, R"(<error xmlns="urn:x"><valid-sync-token/></error>)"));
  CHECK_FALSE(is_invalid_sync_token(409, "<D:error xmlns:D=\"DAV:\"><D:valid-sync-token>"));
  CHECK_FALSE(is_invalid_sync_token(403, ""));
}

// ---- hrefs --------------------------------------------------------------------------------------

TEST_CASE("webdav: normalize_href makes one form of every spelling of a path", "[webdav]")
{
  const std::string base = "http://h:5232/alice/work/";
  CHECK(normalize_href("/a%20b/", base) == "/a%20b/");
  CHECK(normalize_href("/a b/", base) == "/a%20b/");
  CHECK(normalize_href("/a%20b/", base) == normalize_href("/a b/", base));
  CHECK(normalize_href("/a%20b", base) != normalize_href("/a%20b/", base)); // trailing slash kept
  CHECK(normalize_href("http://h:5232/alice/work/x.ics", base) == "/alice/work/x.ics");
  CHECK(normalize_href("HTTPS://other.example/alice/", base) == "/alice/");
  CHECK(normalize_href("x.ics", base) == "/alice/work/x.ics");
  CHECK(normalize_href("./x.ics", base) == "/alice/work/x.ics");
  CHECK(normalize_href("../bob/", base) == "/alice/bob/");
  CHECK(normalize_href("/a/./b/../c/", base) == "/a/c/");
  CHECK(normalize_href("/../../a", base) == "/a");
  CHECK(normalize_href("", base) == "/alice/work/");
  CHECK(normalize_href("  /a.ics\n", base) == "/a.ics");
  CHECK(normalize_href("//other.example/p/q", base) == "/p/q");
  CHECK(normalize_href("x.ics", "http://h") == "/x.ics");
  // Unreserved escapes decoded, every other byte escaped upper-case, as Radicale and Xandikos write.
  CHECK(normalize_href("/%7Euser/%41.ics", base) == "/~user/A.ics");
  CHECK(normalize_href("/%c3%bc.ics", base) == "/%C3%BC.ics");
  CHECK(normalize_href("/ü.ics", base) == "/%C3%BC.ics");
  CHECK(normalize_href("/встреча a+b@c.ics", base) == "/%D0%B2%D1%81%D1%82%D1%80%D0%B5%D1%87%D0%B0%20a%2Bb%40c.ics");
  CHECK(normalize_href("/%D0%B2%D1%81%D1%82%D1%80%D0%B5%D1%87%D0%B0%20a%2Bb%40c.ics", base) ==
        "/%D0%B2%D1%81%D1%82%D1%80%D0%B5%D1%87%D0%B0%20a%2Bb%40c.ics");
  CHECK(normalize_href("/a%2fb/", base) == "/a%2Fb/"); // an escaped slash is not a separator
  CHECK(normalize_href("/100%/", base) == "/100%25/");
  CHECK(normalize_href("/%2E%2E/x", base) == "/x");
  CHECK(normalize_href("/c/x.ics?a=1#frag", base) == "/c/x.ics?a=1");
  // What the servers wrote compares equal to what we put.
  CHECK(normalize_href("/alice/work/other%20event.ics", base) == normalize_href("other event.ics", base));
}

TEST_CASE("webdav: resolve_url gives the absolute URL of an href", "[webdav]")
{
  const std::string base = "http://127.0.0.1:5232/alice/";
  CHECK(resolve_url(base, "/alice/work/") == "http://127.0.0.1:5232/alice/work/");
  CHECK(resolve_url(base, "work/a b.ics") == "http://127.0.0.1:5232/alice/work/a%20b.ics");
  CHECK(resolve_url(base, "https://p42-caldav.icloud.com/123/calendars/") ==
        "https://p42-caldav.icloud.com/123/calendars/");
  CHECK(resolve_url(base, "//other:8443/x/") == "http://other:8443/x/");
  CHECK(resolve_url("https://h/dav/cal/", "../principals/me/") == "https://h/dav/principals/me/");
}

// ---- Request bodies -----------------------------------------------------------------------------

TEST_CASE("webdav: request bodies are exactly those the real servers were sent", "[webdav]")
{
  CHECK(propfind_principal_body() == data_file("requests/propfind_principal.xml"));
  CHECK(propfind_home_body() == data_file("requests/propfind_home.xml"));
  CHECK(propfind_collections_body() == data_file("requests/propfind_collections.xml"));
  CHECK(propfind_collections_names_body() == data_file("requests/propfind_collections_names.xml"));
  CHECK(sync_collection_body("", false) == data_file("requests/sync_collection_initial.xml"));
  CHECK(sync_collection_body("", true) == data_file("requests/sync_collection_initial_data.xml"));
  CHECK(sync_collection_body("@TOKEN@", false) == data_file("requests/sync_collection_token.xml"));
  CHECK(calendar_query_body(false) == data_file("requests/calendar_query.xml"));
  CHECK(calendar_query_body(true) == data_file("requests/calendar_query_data.xml"));
}

TEST_CASE("webdav: PROPFIND bodies parse back with the right namespaces", "[webdav]")
{
  const std::string cs = "{http://calendarserver.org/ns/}";
  CHECK(parse_body(propfind_principal_body()).shape ==
        k_d + "propfind(" + k_d + "prop(" + k_d + "current-user-principal))");
  CHECK(parse_body(propfind_home_body()).shape == k_d + "propfind(" + k_d + "prop(" + k_c + "calendar-home-set))");
  CHECK(parse_body(propfind_collections_body()).shape == k_d + "propfind(" + k_d + "prop(" + k_d + "resourcetype " +
                                                             k_d + "displayname " + cs + "getctag " + k_d +
                                                             "sync-token " + k_c + "supported-calendar-component-set " +
                                                             k_d + "supported-report-set " + k_d + "getetag))");
}

TEST_CASE("webdav: sync-collection body carries the token escaped, sync-level 1, data when asked", "[webdav]")
{
  auto initial = parse_body(sync_collection_body("", true));
  CHECK(initial.shape == k_d + "sync-collection(" + k_d + "sync-token " + k_d + "sync-level " + k_d + "prop(" + k_d +
                             "getetag " + k_c + "calendar-data))");
  CHECK(initial.texts == std::vector<std::string>{"1"});

  const std::string token = "http://radicale.org/ns/sync/a&b<c>\"d'";
  auto body = sync_collection_body(token, false);
  CHECK(body.find("a&amp;b&lt;c&gt;") != std::string::npos);
  auto later = parse_body(body);
  CHECK(later.shape ==
        k_d + "sync-collection(" + k_d + "sync-token " + k_d + "sync-level " + k_d + "prop(" + k_d + "getetag))");
  CHECK(later.texts == std::vector<std::string>{token, "1"});
}

TEST_CASE("webdav: multiget body escapes & for XML and spaces for the URI", "[webdav]")
{
  auto body = multiget_body({"/alice/work/other%20event.ics", "/c/R&D plan.ics", "/c/ü.ics"});
  CHECK(body.find("<d:href>/c/R&amp;D%20plan.ics</d:href>") != std::string::npos);
  auto parsed_body = parse_body(body);
  CHECK(parsed_body.shape == k_c + "calendar-multiget(" + k_d + "prop(" + k_d + "getetag " + k_c + "calendar-data) " +
                                 k_d + "href " + k_d + "href " + k_d + "href)");
  CHECK(parsed_body.texts ==
        std::vector<std::string>{"/alice/work/other%20event.ics", "/c/R&D%20plan.ics", "/c/%C3%BC.ics"});
  CHECK(parse_body(multiget_body({})).shape ==
        k_c + "calendar-multiget(" + k_d + "prop(" + k_d + "getetag " + k_c + "calendar-data))");
}

TEST_CASE("webdav: calendar-query body filters VCALENDAR/VEVENT", "[webdav]")
{
  const std::string filter = k_c + "filter(" + k_c + "comp-filter(" + k_c + "comp-filter))";
  CHECK(parse_body(calendar_query_body(false)).shape ==
        k_c + "calendar-query(" + k_d + "prop(" + k_d + "getetag) " + filter + ")");
  CHECK(parse_body(calendar_query_body(true)).shape ==
        k_c + "calendar-query(" + k_d + "prop(" + k_d + "getetag " + k_c + "calendar-data) " + filter + ")");
  auto body = calendar_query_body(true);
  CHECK(body.find("<c:comp-filter name=\"VCALENDAR\"><c:comp-filter name=\"VEVENT\"/></c:comp-filter>") !=
        std::string::npos);
}
