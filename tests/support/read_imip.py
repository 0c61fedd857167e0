#!/usr/bin/python3
"""Reads iMIP messages with an independent parser (Python's email and Debian's python3-icalendar)
and prints one JSON object per file: headers, MIME structure, and per VEVENT the fields a
calendar client reads."""

import email
import json
import sys
from email import policy

import icalendar


def attendees(ev):
    a = ev.get("ATTENDEE")
    if a is None:
        return []
    return [str(x) for x in (a if isinstance(a, list) else [a])]


def exdates(ev):
    e = ev.get("EXDATE")
    if e is None:
        return []
    return [d.to_ical().decode() for x in (e if isinstance(e, list) else [e]) for d in x.dts]


def read(path):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=policy.default)
    out = {"file": path, "subject": str(msg["Subject"]), "to": str(msg["To"]), "from": str(msg["From"]),
           "reply_to": str(msg["Reply-To"] or ""), "message_id": str(msg["Message-ID"]),
           "headers": [k.lower() for k in msg.keys()], "parts": [], "events": [], "method": None}
    for part in msg.walk():
        out["parts"].append(part.get_content_type())
        if part.get_content_type() == "text/plain" and "text" not in out:
            out["text"] = part.get_content()
        if part.get_content_type() == "text/calendar" and out["method"] is None:
            out["content_method"] = part.get_param("method")
            cal = icalendar.Calendar.from_ical(part.get_content())
            out["method"] = str(cal.get("METHOD"))
            out["timezones"] = [str(tz.get("TZID")) for tz in cal.walk("VTIMEZONE")]
            for ev in cal.walk("VEVENT"):
                start = ev.decoded("DTSTART")
                out["events"].append({"uid": str(ev.get("UID")), "sequence": int(ev.get("SEQUENCE", 0)),
                                      "organizer": str(ev.get("ORGANIZER")), "attendees": attendees(ev),
                                      "status": str(ev.get("STATUS", "")), "summary": str(ev.get("SUMMARY", "")),
                                      "properties": sorted(set(ev.keys())),
                                      "recurrence_id": str(ev.get("RECURRENCE-ID").to_ical().decode()) if ev.get("RECURRENCE-ID") else None,
                                      "exdates": exdates(ev),
                                      "dtstart": start.isoformat(),
                                      "dtstart_tzid": ev["DTSTART"].params.get("TZID")})
    return out


for p in sys.argv[1:]:
    print(json.dumps(read(p), ensure_ascii=False))
