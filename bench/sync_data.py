#!/usr/bin/python3
"""Seeds and changes the CalDAV storage of the sync benchmark (issue 3), bypassing HTTP.

    python3 bench/sync_data.py seed   --server radicale|xandikos --dir DIR [--calendars N] [--events M] [--seed S]
    python3 bench/sync_data.py change --server radicale|xandikos --dir DIR [--calendars N] [--events M] [--seed S]
                                      [--fraction F]

`seed` writes N calendars of M events each straight into the server's storage (the server must not
be running):
- Radicale 3.1 (multifilesystem): DIR/collection-root/bench/ is the principal collection of user
  `bench` (a plain folder, as Radicale creates it at login); each calendar is
  DIR/collection-root/bench/calNNN/ with a `.Radicale.props` JSON file (tag VCALENDAR, displayname,
  supported component set VEVENT) and one `evNNNN.ics` per event.
- Xandikos 0.2 (git): XandikosBackend.create_principal("/user/") creates DIR/user/ and the
  calendar home DIR/user/calendars/; each calendar DIR/user/calendars/calNNN/ is a non-bare git
  repository made with Xandikos's own TreeGitStore (type "calendar", displayname), and the events
  are added in one git commit per calendar (index entries + blobs, as TreeGitStore._import_one
  does for one file).

`change` modifies round(F x N x M) events chosen at random (default F = 0.01), in place, while the
server may run: summary prefixed «Перенесено:», start and end one hour later, SEQUENCE:1, new
DTSTAMP/LAST-MODIFIED. For Radicale it holds the storage's write lock (radicale.pathutils.RwLock on
DIR/.Radicale.lock) while it rewrites the files; for Xandikos it makes one commit per changed
calendar under the index lock. It prints `changed_events=E changed_calendars=C` on stdout.

Everything is deterministic for a given seed: each event comes from its own random generator
seeded with (seed, calendar, event), and the change set from (seed, "change").

An event: one VCALENDAR with an Asia/Almaty VTIMEZONE (+05) and one VEVENT; Russian summary,
description and location; organizer and attendees from the officials of
config/demo/directory.json; starts in December 2026 – February 2027 with TZID=Asia/Almaty; every
tenth event (about 10%) weekly with RRULE:FREQ=WEEKLY;COUNT=...; CRLF lines folded at 75 octets.
"""
import argparse
import datetime as dt
import json
import os
import pathlib
import random
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import gen_events as ge  # noqa: E402  (the constants and helpers of the check benchmark's generator)

PERIOD_START = dt.datetime(2026, 12, 1)
PERIOD_END = dt.datetime(2027, 3, 1)  # exclusive
RADICALE_USER = "bench"
XANDIKOS_PRINCIPAL = "/user/"


def cal_name(c):
    return f"cal{c:03d}"


def ev_name(e):
    return f"ev{e:04d}.ics"


def load_bodies():
    data = json.loads(ge.DIRECTORY.read_text(encoding="utf-8"))
    return [b["name"].get("ru") or b["id"] for b in data["bodies"]]


def displayname(c, bodies):
    return f"{bodies[c % len(bodies)]} — календарь {c + 1:03d}"


def event_ics(seed, c, e, people, groups, revision=0):
    """The bytes of event e of calendar c; revision 1 is its changed version."""
    rnd = random.Random(f"{seed}/{c}/{e}")
    days = (PERIOD_END - PERIOD_START).days
    recurring = e % 10 == 0
    day = rnd.randrange(days - 14 if recurring else days)  # a weekly event has room for 2+ occurrences
    minute = rnd.choice([9 * 60, 9 * 60 + 30, 10 * 60, 11 * 60, 11 * 60 + 30, 14 * 60, 15 * 60, 16 * 60])
    start = PERIOD_START + dt.timedelta(days=day, minutes=minute)
    end = start + dt.timedelta(minutes=rnd.choice([30, 45, 60, 60, 90, 120]))
    chair = rnd.choice(people)
    invitees = [p for p in rnd.sample(people, rnd.randint(1, 6)) if p[0] != chair[0]]
    if rnd.random() < 0.1:
        invitees.append((rnd.choice(groups), "Канцелярия", "group"))
    summary = f"{rnd.choice(ge.SUMMARY_HEADS)} {rnd.choice(ge.SUMMARY_TOPICS)}"
    items = rnd.sample(ge.DESCRIPTION_ITEMS, rnd.randint(1, 4))
    description = "Повестка дня:\n" + "\n".join(
        f"{i + 1}. " + it.format(a=rnd.choice(people)[1]) for i, it in enumerate(items))
    location = rnd.choice(ge.LOCATIONS).format(n=rnd.randint(1, 16), r=rnd.randint(100, 1999))
    created = dt.datetime(2026, 11, 1) + dt.timedelta(minutes=rnd.randrange(30 * 24 * 60))
    uid = f"bench-{c:03d}-{e:04d}-{rnd.getrandbits(40):010x}@kenes.bench"
    stamp_utc = "20261120T050000Z"
    sequence = 0
    if revision:
        start += dt.timedelta(hours=1)
        end += dt.timedelta(hours=1)
        summary = "Перенесено: " + summary
        stamp_utc = "20261125T060000Z"
        sequence = revision

    lines = ["BEGIN:VCALENDAR", f"PRODID:{ge.PRODIDS[(c + e) % len(ge.PRODIDS)]}", "VERSION:2.0",
             "CALSCALE:GREGORIAN"] + ge.VTIMEZONE
    lines += ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp_utc}", f"CREATED:{ge.stamp(created)}Z",
              f"LAST-MODIFIED:{stamp_utc}", f"DTSTART;TZID=Asia/Almaty:{ge.stamp(start)}",
              f"DTEND;TZID=Asia/Almaty:{ge.stamp(end)}"]
    if recurring:  # 10% weekly, ending inside the period
        weeks_left = (PERIOD_END - start).days // 7 + 1
        lines.append(f"RRULE:FREQ=WEEKLY;COUNT={max(2, min(weeks_left, rnd.randint(2, 10)))}")
    lines.append(f"SUMMARY:{ge.escape(summary)}")
    lines.append(f"DESCRIPTION:{ge.escape(description)}")
    lines.append(f"LOCATION:{ge.escape(location)}")
    lines.append(f'ORGANIZER;CN="{chair[1]}":mailto:{chair[0]}')
    for email, name, _ in invitees:
        partstat = rnd.choice(["NEEDS-ACTION", "NEEDS-ACTION", "ACCEPTED", "TENTATIVE"])
        lines.append(f'ATTENDEE;CN="{name}";ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};RSVP=TRUE:mailto:{email}')
    lines += [f"SEQUENCE:{sequence}", "CLASS:PUBLIC", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return b"".join(ge.fold(l) for l in lines)


def change_set(seed, calendars, events, fraction):
    """{calendar: [event, ...]} of round(fraction x total) distinct random events."""
    total = calendars * events
    count = max(1, round(total * fraction))
    rnd = random.Random(f"{seed}/change")
    chosen = rnd.sample(range(total), count)
    out = {}
    for k in sorted(chosen):
        out.setdefault(k // events, []).append(k % events)
    return out


# --- Radicale -------------------------------------------------------------------------------

def radicale_home(root):
    return root / "collection-root" / RADICALE_USER


def seed_radicale(root, args, people, groups, bodies):
    home = radicale_home(root)
    home.mkdir(parents=True, exist_ok=False)
    for c in range(args.calendars):
        col = home / cal_name(c)
        col.mkdir()
        props = {"tag": "VCALENDAR", "D:displayname": displayname(c, bodies),
                 "C:supported-calendar-component-set": "VEVENT"}
        (col / ".Radicale.props").write_text(json.dumps(props, ensure_ascii=False), encoding="utf-8")
        for e in range(args.events):
            (col / ev_name(e)).write_bytes(event_ics(args.seed, c, e, people, groups))


def change_radicale(root, changes, args, people, groups):
    from radicale import pathutils
    lock = pathutils.RwLock(str(root / ".Radicale.lock"))
    home = radicale_home(root)
    with lock.acquire("w"):
        for c, evs in changes.items():
            for e in evs:
                path = home / cal_name(c) / ev_name(e)
                tmp = path.with_name(".Radicale.tmp-bench")
                tmp.write_bytes(event_ics(args.seed, c, e, people, groups, revision=1))
                os.replace(tmp, path)


# --- Xandikos -------------------------------------------------------------------------------

def xandikos_calendar_path(root, c):
    return root / XANDIKOS_PRINCIPAL.strip("/") / "calendars" / cal_name(c)


def _git_write(repo, files, message):
    """Writes files {name: bytes} into the work tree of repo and commits them in one commit."""
    from dulwich.index import IndexEntry, index_entry_from_stat
    from dulwich.objects import Blob
    from xandikos.store.git import locked_index
    with locked_index(repo.index_path()) as index:
        blobs = []
        for name, data in files.items():
            p = os.path.join(repo.path, name)
            with open(p, "wb") as f:
                f.write(data)
            st = os.lstat(p)
            blob = Blob.from_string(data)
            blobs.append((blob, None))
            index[name.encode("utf-8")] = IndexEntry(*index_entry_from_stat(st, blob.id, 0))
        repo.object_store.add_objects(blobs)
        tree = index.commit(repo.object_store)
        repo.do_commit(message=message.encode("utf-8"), tree=tree,
                       committer=b"kenes bench <bench@kenes.bench>", author=b"kenes bench <bench@kenes.bench>")


def seed_xandikos(root, args, people, groups, bodies):
    from xandikos.store import STORE_TYPE_CALENDAR
    from xandikos.web import XandikosBackend
    if root.exists() and any(root.iterdir()):
        raise SystemExit(f"sync_data: {root} is not empty")
    root.mkdir(parents=True, exist_ok=True)
    backend = XandikosBackend(str(root))
    backend._mark_as_principal(XANDIKOS_PRINCIPAL)
    backend.create_principal(XANDIKOS_PRINCIPAL, create_defaults=False)
    for c in range(args.calendars):
        relpath = XANDIKOS_PRINCIPAL + "calendars/" + cal_name(c)
        resource = backend.create_collection(relpath)
        resource.store.set_type(STORE_TYPE_CALENDAR)
        resource.store.set_displayname(displayname(c, bodies))
        files = {ev_name(e): event_ics(args.seed, c, e, people, groups) for e in range(args.events)}
        _git_write(resource.store.repo, files, f"Seed {args.events} events")


def change_xandikos(root, changes, args, people, groups):
    import dulwich.repo
    for c, evs in changes.items():
        repo = dulwich.repo.Repo(str(xandikos_calendar_path(root, c)))
        files = {ev_name(e): event_ics(args.seed, c, e, people, groups, revision=1) for e in evs}
        _git_write(repo, files, f"Change {len(evs)} events")
        repo.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["seed", "change"])
    ap.add_argument("--server", choices=["radicale", "xandikos"], required=True)
    ap.add_argument("--dir", required=True, type=pathlib.Path)
    ap.add_argument("--calendars", type=int, default=200)
    ap.add_argument("--events", type=int, default=200)
    ap.add_argument("--seed", type=int, default=20261124)
    ap.add_argument("--fraction", type=float, default=0.01)
    args = ap.parse_args()

    people, groups = ge.load_people()
    bodies = load_bodies()
    root = args.dir.resolve()
    if args.command == "seed":
        (seed_radicale if args.server == "radicale" else seed_xandikos)(root, args, people, groups, bodies)
        print(f"sync_data: seeded {args.server} in {root}: {args.calendars} calendars x {args.events} events",
              file=sys.stderr)
    else:
        changes = change_set(args.seed, args.calendars, args.events, args.fraction)
        (change_radicale if args.server == "radicale" else change_xandikos)(root, changes, args, people, groups)
        print(f"changed_events={sum(len(v) for v in changes.values())} changed_calendars={len(changes)}")


if __name__ == "__main__":
    main()
