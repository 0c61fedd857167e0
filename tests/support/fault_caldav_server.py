#!/usr/bin/python3
"""A hand-made FAULT CalDAV server for the sync tests: ONLY for faults a real server cannot be made to
show (a stalled REPORT, a multistatus cut in the middle, XML that does not parse, a 10 MB event, a
redirect loop, 5xx and 401 on demand). Real CalDAV behaviour is tested against Radicale and
Xandikos, never here.

Python 3 stdlib only. Binds 127.0.0.1 on a free port and prints the port as its first stdout line.
HTTP/1.1 with keep-alive, one thread per connection.

It serves one principal with one calendar home holding one calendar of a few valid events:

  /                          current-user-principal (also /.well-known/caldav: 301 to /)
  /principals/alice/         the principal: calendar-home-set
  /calendars/alice/          the calendar home
  /calendars/alice/work/     the calendar: getctag, sync-token, VEVENT, supported-report-set with
                             sync-collection, calendar-multiget and calendar-query
  /calendars/alice/work/evN.ics   the events (GET answers the iCalendar text)

PROPFIND answers the properties asked for (404 propstat for the others), with Depth 0 or 1.
REPORT sync-collection (RFC 6578: real tokens, changes since a token, 404 responses for deleted
hrefs, 403 valid-sync-token for an unknown token), calendar-multiget and calendar-query answer as a
real server does, with `d:`, `cal:` and `cs:` prefixes.

Control (never subject to a fault):
  POST /control/mode/NAME    the fault applied from now on; answers 200 "mode NAME"
  GET  /control/stats        JSON: mode, requests by method, REPORTs answered per mode, revision,
                             the hrefs and ETags of the calendar

Modes (each change of mode changes the calendar's ctag and sync-token, so the client reads the
calendar again):
  ok             no fault
  500            calendar REPORTs answer 500
  503            calendar REPORTs answer 503 with Retry-After: 1, always
  stall          calendar REPORTs: a 207 status line and headers (Content-Length 100000), then
                 nothing for 60 s
  truncated      calendar REPORTs: the real multistatus announced with its full Content-Length,
                 cut in the middle, connection closed
  malformed      calendar REPORTs: a 207 whose XML does not parse
  bigevent       no fault in the protocol; on entering it the calendar gains big.ics, one event of
                 10 MiB (a valid VEVENT with a long DESCRIPTION), and ev2.ics is changed (new
                 SUMMARY and time, new ETag)
  redirect-loop  calendar REPORTs answer 302 to themselves
  401            every DAV request answers 401 with WWW-Authenticate: Basic
  nosync         no protocol fault; the calendar has no sync-token and no sync-collection in its
                 supported-report-set (a server without RFC 6578), and a sync-collection REPORT
                 answers 403; clients read it with calendar-query and compare getctag
  second         no fault; the home holds a second calendar, /calendars/alice/second/, with one
                 event (meeting.ics, UID fault-second@kenes.test); in the other modes it is not there
  second404      the home still lists the second calendar (Depth 1), but every request to it
                 (PROPFIND, REPORT, GET) answers 404: a calendar deleted between the listing and the
                 read, or a server that lists a calendar it then refuses
  second403      as second404, but its REPORT answers 403: signed in, and refused that one calendar
                 (a share withdrawn between the listing and the read, an ACL)
  all404         the home lists both calendars, and each answers its REPORTs with 404: not one
                 calendar of the source can be read
  all403         as all404, with 403
"""

import hashlib
import json
import socket
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

NS_D = "DAV:"
NS_CAL = "urn:ietf:params:xml:ns:caldav"
NS_CS = "http://calendarserver.org/ns/"
XMLNS = 'xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/"'
PREFIX = {NS_D: "d", NS_CAL: "cal", NS_CS: "cs"}

PRINCIPAL = "/principals/alice/"
HOME = "/calendars/alice/"
CAL = "/calendars/alice/work/"
SECOND = "/calendars/alice/second/"  # only in the modes "second", "second404", "second403", "all404", "all403"
SYNC_PREFIX = "http://kenes.test/fault/sync/"
MODES = ("ok", "500", "503", "stall", "truncated", "malformed", "bigevent", "redirect-loop", "401", "nosync", "second",
         "second404", "second403", "all404", "all403")
BIG_BYTES = 10 * 1024 * 1024

VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    "TZID:Asia/Almaty",
    "X-LIC-LOCATION:Asia/Almaty",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0600",
    "TZOFFSETTO:+0500",
    "TZNAME:+05",
    "DTSTART:20240301T000000",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def fold(line):
    """RFC 5545 folding at 75 octets, never inside a UTF-8 sequence."""
    data = line.encode("utf-8")
    out = []
    at = 0
    while True:
        limit = 75 if at == 0 else 74
        if len(data) - at <= limit:
            out.append(data[at:])
            break
        cut = at + limit
        while cut > at and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        out.append(data[at:cut])
        at = cut
    return b"\r\n ".join(out) + b"\r\n"


def event_ics(uid, summary, start, end, description="Повестка: 1. Вопрос.", extra=()):
    lines = ["BEGIN:VCALENDAR", "PRODID:-//kenes//fault caldav server//RU", "VERSION:2.0", "CALSCALE:GREGORIAN"]
    lines += VTIMEZONE
    lines += [
        "BEGIN:VEVENT",
        "UID:" + uid,
        "DTSTAMP:20261120T050000Z",
        "CREATED:20261101T000000Z",
        "LAST-MODIFIED:20261120T050000Z",
        "DTSTART;TZID=Asia/Almaty:" + start,
        "DTEND;TZID=Asia/Almaty:" + end,
        "SUMMARY:" + summary,
        "DESCRIPTION:" + description,
        'ORGANIZER;CN="Даулетова Д.С.":mailto:vice.minister8@minfin.gov.kz',
        'ATTENDEE;CN="Тулегенова Т.Д.";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:vice.minister16@economy.gov.kz',
    ]
    lines += list(extra)
    lines += ["SEQUENCE:0", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return b"".join(fold(l) for l in lines)


def big_event_ics():
    """A valid event of more than BIG_BYTES: its DESCRIPTION is long (ASCII, so sizes are exact)."""
    return event_ics("fault-big@kenes.test", "Совещание с огромной повесткой", "20261214T100000",
                     "20261214T110000", description="Повестка: " + "x" * BIG_BYTES)


LOCK = threading.Lock()
STATE = {
    "mode": "ok",
    "mode_epoch": 0,
    "revision": 1,
    "requests": {},  # method -> count
    "reports": {},  # mode -> calendar REPORTs answered in it
    "big_applied": False,
}
EVENTS = {}  # href -> bytes
CHANGED_AT = {}  # href -> revision of its last change (also of its deletion)
SECOND_EVENTS = {}  # the second calendar's: href -> bytes
SECOND_CHANGED_AT = {}


def initial_events():
    EVENTS[CAL + "ev1.ics"] = event_ics("fault-ev1@kenes.test", "Совещание по исполнению бюджета",
                                        "20261211T100000", "20261211T110000")
    EVENTS[CAL + "ev2.ics"] = event_ics("fault-ev2@kenes.test", "Заседание рабочей группы по прогнозу",
                                        "20261215T150000", "20261215T160000")
    EVENTS[CAL + "ev3.ics"] = event_ics("fault-ev3@kenes.test", "Совещание о ходе отопительного сезона",
                                        "20261218T090000", "20261218T100000")
    for href in EVENTS:
        CHANGED_AT[href] = 1
    SECOND_EVENTS[SECOND + "meeting.ics"] = event_ics("fault-second@kenes.test", "Совещание по второму календарю",
                                                      "20261216T100000", "20261216T110000")
    for href in SECOND_EVENTS:
        SECOND_CHANGED_AT[href] = 1


def second_listed():
    """Whether the home lists the second calendar (called with LOCK held)."""
    return STATE["mode"] in ("second", "second404", "second403", "all404", "all403")


def second_served():
    """Whether the second calendar answers (called with LOCK held)."""
    return STATE["mode"] == "second"


def apply_bigevent():
    """Called with LOCK held."""
    if STATE["big_applied"]:
        return
    STATE["big_applied"] = True
    STATE["revision"] += 1
    rev = STATE["revision"]
    EVENTS[CAL + "big.ics"] = big_event_ics()
    CHANGED_AT[CAL + "big.ics"] = rev
    EVENTS[CAL + "ev2.ics"] = event_ics("fault-ev2@kenes.test", "Перенесено: Заседание рабочей группы по прогнозу",
                                        "20261215T160000", "20261215T170000", extra=["X-KENES-CHANGED:1"])
    CHANGED_AT[CAL + "ev2.ics"] = rev


def etag_of(data):
    return '"' + hashlib.md5(data).hexdigest() + '"'


def ctag():
    return '"ctag-%d-%d"' % (STATE["revision"], STATE["mode_epoch"])


def sync_token():
    # The mode is part of the token too: a client that lists collections by sync-token alone
    # must also see a change and read the calendar again.
    return SYNC_PREFIX + "%d-%d" % (STATE["revision"], STATE["mode_epoch"])


def revision_of_token(token):
    """The revision a token of this server stands for; None if it is not one of ours."""
    if not token.startswith(SYNC_PREFIX):
        return None
    parts = token[len(SYNC_PREFIX):].split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    revision, epoch = int(parts[0]), int(parts[1])
    if revision > STATE["revision"] or epoch > STATE["mode_epoch"]:
        return None
    return revision


def qname(ns, local):
    return "{%s}%s" % (ns, local)


def element(ns, local, inner=""):
    p = PREFIX[ns]
    if inner == "":
        return "<%s:%s/>" % (p, local)
    return "<%s:%s>%s</%s:%s>" % (p, local, inner, p, local)


def href_xml(path):
    return element(NS_D, "href", escape(path))


def collection_props(path):
    """Every property this server knows for a path, as {qname: xml}; None if there is no such path."""
    cup = element(NS_D, "current-user-principal", href_xml(PRINCIPAL))
    if path in ("/", ""):
        return {qname(NS_D, "resourcetype"): element(NS_D, "resourcetype", element(NS_D, "collection")),
                qname(NS_D, "current-user-principal"): cup}
    if path == PRINCIPAL:
        return {qname(NS_D, "resourcetype"): element(NS_D, "resourcetype",
                                                     element(NS_D, "collection") + element(NS_D, "principal")),
                qname(NS_D, "current-user-principal"): cup,
                qname(NS_D, "displayname"): element(NS_D, "displayname", "Алиса"),
                qname(NS_CAL, "calendar-home-set"): element(NS_CAL, "calendar-home-set", href_xml(HOME))}
    if path == HOME:
        return {qname(NS_D, "resourcetype"): element(NS_D, "resourcetype", element(NS_D, "collection")),
                qname(NS_D, "current-user-principal"): cup,
                qname(NS_D, "displayname"): element(NS_D, "displayname", "Календари")}
    if path == SECOND and second_served():
        return calendar_props(path, "Второй календарь")
    if path == CAL:
        return calendar_props(path, "Рабочий календарь")
    if path in EVENTS:
        return event_props(path, True)
    if path in SECOND_EVENTS and second_served():
        return event_props(path, True)
    return None


def calendar_props(path, name):
    """The properties of a calendar collection (the work calendar or the second one)."""
    cup = element(NS_D, "current-user-principal", href_xml(PRINCIPAL))
    nosync = STATE["mode"] == "nosync"
    kinds = ([] if nosync else [element(NS_D, "sync-collection")]) + [
        element(NS_CAL, "calendar-multiget"), element(NS_CAL, "calendar-query")]
    reports = "".join(element(NS_D, "supported-report", element(NS_D, "report", r)) for r in kinds)
    props = {qname(NS_D, "resourcetype"): element(NS_D, "resourcetype",
                                                 element(NS_D, "collection") + element(NS_CAL, "calendar")),
            qname(NS_D, "current-user-principal"): cup,
            qname(NS_D, "displayname"): element(NS_D, "displayname", name),
            qname(NS_CS, "getctag"): element(NS_CS, "getctag", escape(ctag())),
            qname(NS_D, "sync-token"): element(NS_D, "sync-token", escape(sync_token())),
            qname(NS_CAL, "supported-calendar-component-set"): element(
                NS_CAL, "supported-calendar-component-set", '<cal:comp name="VEVENT"/>'),
            qname(NS_D, "supported-report-set"): element(NS_D, "supported-report-set", reports)}
    if nosync:
        del props[qname(NS_D, "sync-token")]
    return props


def event_props(path, with_data):
    data = EVENTS[path] if path in EVENTS else SECOND_EVENTS[path]
    props = {qname(NS_D, "resourcetype"): element(NS_D, "resourcetype"),
             qname(NS_D, "getetag"): element(NS_D, "getetag", escape(etag_of(data))),
             qname(NS_D, "getcontenttype"): element(NS_D, "getcontenttype", "text/calendar; charset=utf-8; component=VEVENT")}
    if with_data:
        props[qname(NS_CAL, "calendar-data")] = "<cal:calendar-data>" + escape(data.decode("utf-8")) + "</cal:calendar-data>"
    return props


def status_line(code):
    return element(NS_D, "status", "HTTP/1.1 %d %s" % (code, "OK" if code == 200 else "Not Found"))


def response_xml(path, props, asked):
    """One d:response: the asked properties found (200) and not found (404); asked None: all."""
    found = []
    missing = []
    for q in (asked if asked is not None else list(props)):
        if q in props:
            found.append(props[q])
        else:
            ns, local = q[1:].split("}", 1)
            missing.append(element(ns, local) if ns in PREFIX else '<x:%s xmlns:x="%s"/>' % (local, escape(ns)))
    out = "<d:response>" + href_xml(path)
    if found:
        out += "<d:propstat><d:prop>" + "".join(found) + "</d:prop>" + status_line(200) + "</d:propstat>"
    if missing:
        out += "<d:propstat><d:prop>" + "".join(missing) + "</d:prop>" + status_line(404) + "</d:propstat>"
    return out + "</d:response>"


def gone_xml(path):
    return "<d:response>" + href_xml(path) + status_line(404) + "</d:response>"


def multistatus(responses, token=None):
    body = '<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus ' + XMLNS + ">" + "".join(responses)
    if token is not None:
        body += element(NS_D, "sync-token", escape(token))
    return (body + "</d:multistatus>\n").encode("utf-8")


def asked_props(root):
    """The qnames under the request's d:prop, or None for allprop / no d:prop."""
    if root is None:
        return None
    prop = root.find(qname(NS_D, "prop"))
    if prop is None:
        return None
    return [child.tag for child in prop]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FaultCalDAV/1"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def __getattr__(self, name):
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    def reply(self, status, body=b"", headers=None, content_type="text/plain; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def reply_xml(self, status, body):
        self.reply(status, body, content_type='application/xml; charset="utf-8"')

    def dispatch(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        try:
            if path.startswith("/control/"):
                self.control(path, body)
            else:
                with LOCK:
                    STATE["requests"][self.command] = STATE["requests"].get(self.command, 0) + 1
                    mode = STATE["mode"]
                self.dav(path, body, mode)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def control(self, path, body):
        parts = [p for p in path.split("/") if p]
        if len(parts) == 3 and parts[1] == "mode" and self.command == "POST":
            name = parts[2]
            if name not in MODES:
                self.reply(400, ("no such mode %s" % name).encode())
                return
            with LOCK:
                STATE["mode"] = name
                STATE["mode_epoch"] += 1
                if name == "bigevent":
                    apply_bigevent()
            self.reply(200, ("mode %s" % name).encode())
        elif parts == ["control", "stats"]:
            with LOCK:
                doc = {"mode": STATE["mode"], "requests": dict(STATE["requests"]), "reports": dict(STATE["reports"]),
                       "revision": STATE["revision"],
                       "events": {h: {"etag": etag_of(d), "bytes": len(d)} for h, d in sorted(EVENTS.items())}}
            self.reply(200, json.dumps(doc).encode(), content_type="application/json")
        else:
            self.reply(404, b"no such control")

    def dav(self, path, body, mode):
        if mode == "401":
            self.reply(401, b"authentication required", {"WWW-Authenticate": 'Basic realm="fault caldav"'})
            return
        if path == "/.well-known/caldav":
            self.reply(301, b"", {"Location": "/"})
            return
        try:
            root = ET.fromstring(body) if body.strip() else None
        except ET.ParseError:
            self.reply(400, b"request body is not XML")
            return
        if self.command == "PROPFIND":
            self.propfind(path, root)
        elif self.command == "REPORT":
            self.report(path, root, mode)
        elif self.command in ("GET", "HEAD"):
            with LOCK:
                data = EVENTS.get(path)
                if data is None and second_served():
                    data = SECOND_EVENTS.get(path)
            if data is None:
                self.reply(404, b"not found")
            else:
                self.reply(200, data, {"ETag": etag_of(data)}, content_type="text/calendar; charset=utf-8")
        elif self.command == "OPTIONS":
            self.reply(200, b"", {"DAV": "1, 2, 3, calendar-access", "Allow": "OPTIONS, GET, HEAD, PROPFIND, REPORT"})
        else:
            self.reply(405, b"method not allowed", {"Allow": "OPTIONS, GET, HEAD, PROPFIND, REPORT"})

    def propfind(self, path, root):
        depth = self.headers.get("Depth", "1")
        if root is not None and root.find(qname(NS_D, "allprop")) is not None:
            asked = None
        else:
            asked = asked_props(root)
        with LOCK:
            props = collection_props(path)
            if props is None:
                self.reply(404, b"not found")
                return
            responses = [response_xml(path, props, asked)]
            if depth != "0":
                if path == HOME:
                    responses.append(response_xml(CAL, collection_props(CAL), asked))
                    if second_listed():
                        responses.append(response_xml(SECOND, calendar_props(SECOND, "Второй календарь"), asked))
                elif path == CAL:
                    for href in sorted(EVENTS):
                        responses.append(response_xml(href, event_props(href, False), asked))
                elif path == SECOND:
                    for href in sorted(SECOND_EVENTS):
                        responses.append(response_xml(href, event_props(href, False), asked))
            body = multistatus(responses)
        self.reply_xml(207, body)

    def report(self, path, root, mode):
        if path == SECOND and mode == "second404":
            self.reply(404, b"not found")
            return
        if path == SECOND and mode == "second403":
            self.reply(403, b"forbidden")
            return
        if path in (CAL, SECOND) and mode in ("all404", "all403"):
            self.reply(int(mode[3:]), b"not found" if mode == "all404" else b"forbidden")
            return
        if path not in (CAL, SECOND) or (path == SECOND and mode != "second"):
            self.reply(403, b"REPORT only on the calendar")
            return
        if root is None:
            self.reply(400, b"REPORT needs a body")
            return
        with LOCK:
            STATE["reports"][mode] = STATE["reports"].get(mode, 0) + 1
        if mode == "nosync" and root.tag == qname(NS_D, "sync-collection"):
            self.reply(403, b"sync-collection is not supported here")
            return
        if mode == "500":
            self.reply(500, b"Internal Server Error")
            return
        if mode == "503":
            self.reply(503, b"Service Unavailable", {"Retry-After": "1"})
            return
        if mode == "redirect-loop":
            self.reply(302, b"", {"Location": CAL})
            return
        if mode == "stall":
            self.send_response(207)
            self.send_header("Content-Type", 'application/xml; charset="utf-8"')
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.flush()
            time.sleep(60)
            self.close_connection = True
            return
        if mode == "malformed":
            body = ('<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus ' + XMLNS + "><d:response>" +
                    href_xml(CAL + "ev1.ics") + "<d:propstat><d:prop><d:getetag>\"x\"</d:getetag></d:propstat>"
                    "</d:respons></d:multistatus>\n").encode("utf-8")
            self.reply_xml(207, body)
            return
        status, body = self.report_answer(root, path)
        if mode == "truncated" and status == 207:
            self.send_response(207)
            self.send_header("Content-Type", 'application/xml; charset="utf-8"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.reply_xml(status, body)

    def report_answer(self, root, path):
        asked = asked_props(root)
        with_data = asked is None or qname(NS_CAL, "calendar-data") in asked
        events, changed_at = (SECOND_EVENTS, SECOND_CHANGED_AT) if path == SECOND else (EVENTS, CHANGED_AT)
        with LOCK:
            if root.tag == qname(NS_D, "sync-collection"):
                token_el = root.find(qname(NS_D, "sync-token"))
                token = (token_el.text or "").strip() if token_el is not None else ""
                since = 0 if token == "" else revision_of_token(token)
                if since is None:
                    return 403, ('<?xml version="1.0" encoding="utf-8"?>\n<d:error xmlns:d="DAV:">'
                                 "<d:valid-sync-token/></d:error>\n").encode("utf-8")
                responses = []
                for href in sorted(changed_at):
                    if changed_at[href] <= since:
                        continue
                    if href in events:
                        responses.append(response_xml(href, event_props(href, with_data), asked))
                    elif since > 0:
                        responses.append(gone_xml(href))
                return 207, multistatus(responses, sync_token())
            if root.tag == qname(NS_CAL, "calendar-multiget"):
                responses = []
                for h in root.findall(qname(NS_D, "href")):
                    href = urllib.parse.unquote(urllib.parse.urlsplit((h.text or "").strip()).path)
                    if href in events:
                        responses.append(response_xml(href, event_props(href, with_data), asked))
                    else:
                        responses.append(gone_xml(href))
                return 207, multistatus(responses)
            if root.tag == qname(NS_CAL, "calendar-query"):
                responses = [response_xml(href, event_props(href, with_data), asked) for href in sorted(events)]
                return 207, multistatus(responses)
        return 403, ('<?xml version="1.0" encoding="utf-8"?>\n<d:error xmlns:d="DAV:">'
                     "<d:supported-report/></d:error>\n").encode("utf-8")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        pass  # clients that give up mid-answer are the point of this server


def main():
    initial_events()
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
