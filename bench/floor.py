#!/usr/bin/python3
"""The "floor" client of the sync benchmark (issue 3): only the requests a perfect client needs, made by curl.

    python3 bench/floor.py --kind radicale|xandikos --url HOME_URL --state DIR [--user U --password P]
                           [--parallel N]

One run is one sync of a calendar home, incremental against the state kept in DIR (the first run,
with an empty DIR, is the initial sync):
1. one PROPFIND Depth 1 on the home, asking for DAV:resourcetype and DAV:sync-token only; the
   calendars whose sync-token differs from the one saved (all of them the first time) must be read;
2. one REPORT per calendar that must be read, all in one `curl --parallel --parallel-max N` run
   (default N = 4, the connections per host the field notes recommend), each response written
   to DIR/data/<calendar>.xml:
   - radicale: sync-collection (RFC 6578) from the saved token (empty the first time) with
     DAV:getetag and calendar-data inline: Radicale returns only what changed, with the data;
   - xandikos: calendar-query (VEVENT) with DAV:getetag and calendar-data, because Xandikos's
     sync-collection returns no calendar-data and would need a multiget after it.
The new tokens are saved (Radicale: the one the REPORT returned; Xandikos: the one of the
PROPFIND). The client parses no iCalendar: it only counts the VEVENTs it received.

Prints one line on stdout:
    requests=R calendars=C read=K items=I moved=M bytes=B
(I: the VEVENTs received, M: those whose SUMMARY starts with «Перенесено», see sync_data.py change)
and exits 0, or 2 if a request failed (any status other than 207 Multi-Status).
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import urllib.parse

PROPFIND = (b'<?xml version="1.0" encoding="utf-8"?>\n'
            b'<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:sync-token/></d:prop></d:propfind>\n')
SYNC_COLLECTION = ('<?xml version="1.0" encoding="utf-8"?>\n'
                   '<d:sync-collection xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
                   '<d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>'
                   '<d:prop><d:getetag/><c:calendar-data/></d:prop></d:sync-collection>\n')
CALENDAR_QUERY = (b'<?xml version="1.0" encoding="utf-8"?>\n'
                  b'<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
                  b'<d:prop><d:getetag/><c:calendar-data/></d:prop>'
                  b'<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter>'
                  b'</c:filter></c:calendar-query>\n')

# Any namespace prefix (Radicale: none, Xandikos: ns0:).
RESPONSE_RE = re.compile(rb"<(?:\w+:)?response\b.*?</(?:\w+:)?response>", re.S)
HREF_RE = re.compile(rb"<(?:\w+:)?href>([^<]*)</(?:\w+:)?href>")
TOKEN_RE = re.compile(rb"<(?:\w+:)?sync-token>([^<]*)</(?:\w+:)?sync-token>")
CALENDAR_RE = re.compile(rb"<(?:\w+:)?calendar\s*/>")


def curl_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", choices=["radicale", "xandikos"], required=True)
    ap.add_argument("--url", required=True, help="the calendar home, e.g. http://127.0.0.1:5232/bench/")
    ap.add_argument("--state", required=True, type=pathlib.Path)
    ap.add_argument("--user")
    ap.add_argument("--password", default="")
    ap.add_argument("--parallel", type=int, default=4)
    args = ap.parse_args()

    state_file = args.state / "tokens.json"
    data_dir = args.state / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    saved = json.loads(state_file.read_text()) if state_file.exists() else {}
    auth = ["-u", f"{args.user}:{args.password}"] if args.user else []
    requests = 0

    # 1. The home.
    requests += 1
    home = subprocess.run(["curl", "-sS", "--fail", *auth, "-X", "PROPFIND", "-H", "Depth: 1",
                           "-H", "Content-Type: application/xml; charset=utf-8", "--data-binary", "@-", args.url],
                          input=PROPFIND, capture_output=True)
    if home.returncode != 0:
        print(f"floor: PROPFIND {args.url} failed: {home.stderr.decode(errors='replace').strip()}", file=sys.stderr)
        return 2
    calendars = {}
    for m in RESPONSE_RE.finditer(home.stdout):
        block = m.group(0)
        if not CALENDAR_RE.search(block):
            continue
        href = urllib.parse.unquote(HREF_RE.search(block).group(1).decode())
        t = TOKEN_RE.search(block)
        calendars[href] = t.group(1).decode() if t else ""
    to_read = [h for h, tok in sorted(calendars.items()) if not tok or saved.get(h, {}).get("token") != tok]

    # 2. One REPORT per calendar to read, N at a time.
    items = 0
    moved = 0  # events changed by bench/sync_data.py change (their summary starts with «Перенесено:»)
    size = 0
    new_state = {h: saved[h] for h in calendars if h in saved}
    if to_read:
        cfg = ["silent", "show-error", 'request = "REPORT"',
               'header = "Content-Type: application/xml; charset=utf-8"']
        if args.user:
            cfg.append(f"user = {curl_quote(args.user + ':' + args.password)}")
        out = {}
        for i, href in enumerate(to_read):
            name = f"c{i:04d}.xml"
            out[href] = data_dir / name
            if args.kind == "radicale":
                body = SYNC_COLLECTION.format(token=saved.get(href, {}).get("sync", "")).encode()
                depth = "0"
            else:
                body = CALENDAR_QUERY
                depth = "1"
            body_file = data_dir / (name + ".req")
            body_file.write_bytes(body)
            if i:
                cfg += ["next", 'request = "REPORT"', 'header = "Content-Type: application/xml; charset=utf-8"']
                if args.user:
                    cfg.append(f"user = {curl_quote(args.user + ':' + args.password)}")
                cfg += ["silent", "show-error"]
            cfg += [f'header = "Depth: {depth}"', f"data-binary = {curl_quote('@' + str(body_file))}",
                    f"url = {curl_quote(urllib.parse.urljoin(args.url, urllib.parse.quote(href)))}",
                    f"output = {curl_quote(str(out[href]))}", 'write-out = "%{http_code} %{url_effective}\\n"']
        cfg_file = data_dir / "requests.curl"
        cfg_file.write_text("\n".join(cfg) + "\n")
        requests += len(to_read)
        run = subprocess.run(["curl", "--parallel", "--parallel-max", str(args.parallel), "-K", str(cfg_file)],
                             capture_output=True)
        codes = run.stdout.decode().split("\n")
        bad = [c for c in codes if c and not c.startswith("207 ")]
        if run.returncode != 0 or bad or sum(1 for c in codes if c) != len(to_read):
            print(f"floor: REPORTs failed (curl exit {run.returncode}): {bad[:3]} "
                  f"{run.stderr.decode(errors='replace').strip()[:300]}", file=sys.stderr)
            return 2
        for href in to_read:
            body = out[href].read_bytes()
            size += len(body)
            items += body.count(b"BEGIN:VEVENT")
            moved += body.count("SUMMARY:Перенесено".encode())
            entry = {"token": calendars[href]}
            if args.kind == "radicale":
                tokens = TOKEN_RE.findall(body)
                if not tokens:
                    print(f"floor: no sync-token in the REPORT answer of {href}", file=sys.stderr)
                    return 2
                entry["sync"] = tokens[-1].decode()
            new_state[href] = entry
    tmp = state_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(new_state, indent=0))
    os.replace(tmp, state_file)
    print(f"requests={requests} calendars={len(calendars)} read={len(to_read)} items={items} moved={moved} "
          f"bytes={size}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
