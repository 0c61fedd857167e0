#!/usr/bin/python3
"""Writes a month of COUNT meetings for the appendix report benchmark, one .ics file each.

    /usr/bin/python3 bench/report_data.py COUNT OUT_DIR [--month 2027-02] [--seed N]

Chairs are the ministers, vice-ministers and akims of config/demo/directory.json; each meeting
invites one to four officials of other central or local bodies, some declined, in every format
(hybrid ones with REMOTE attendees); every tenth repeats weekly inside the month. Deterministic
for a given seed.
"""
import argparse
import json
import pathlib
import random

REPO = pathlib.Path(__file__).resolve().parent.parent

ap = argparse.ArgumentParser()
ap.add_argument("count", type=int)
ap.add_argument("out")
ap.add_argument("--month", default="2027-02")
ap.add_argument("--seed", type=int, default=20270201)
args = ap.parse_args()
rnd = random.Random(args.seed)
year, month = map(int, args.month.split("-"))

bodies = [b for b in json.load(open(REPO / "config/demo/directory.json"))["bodies"] if b["kind"] in ("central", "local")]
chairs = [(b, o) for b in bodies for o in b["officials"] if o["rank"] in ("minister", "vice_minister", "akim")]
formats = ["in_person", "selector", "video", "hybrid"]
out = pathlib.Path(args.out)
out.mkdir(parents=True, exist_ok=True)
for i in range(args.count):
    body, chair = rnd.choice(chairs)
    day = rnd.randint(1, 20)
    hour = rnd.choice([9, 10, 11, 12, 14, 15])
    others = rnd.sample([b for b in bodies if b is not body], rnd.randint(1, 4))
    fmt = rnd.choice(formats)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kenes bench//report//RU", "BEGIN:VEVENT",
             f"UID:report-bench-{i}@bench.kenes", "DTSTAMP:20261201T000000Z", "CREATED:20261201T000000Z",
             f"DTSTART;TZID=Asia/Almaty:{year:04d}{month:02d}{day:02d}T{hour:02d}0000",
             f"DTEND;TZID=Asia/Almaty:{year:04d}{month:02d}{day:02d}T{hour + 1:02d}0000",
             f"SUMMARY:Совещание № {i} по вопросам {rnd.choice(['бюджета', 'образования', 'цифровизации', 'транспорта'])}",
             "DESCRIPTION:Повестка: 1. Вопрос.", f"ORGANIZER:mailto:{chair['email']}", f"X-KENES-FORMAT:{fmt}"]
    if i % 10 == 0:
        lines.append("RRULE:FREQ=WEEKLY;COUNT=2")
    for b in others:
        o = rnd.choice(b["officials"])
        params = ""
        if rnd.random() < 0.1:
            params += ";PARTSTAT=DECLINED"
        if fmt == "hybrid" and rnd.random() < 0.5:
            params += ";X-KENES-MODE=REMOTE"
        lines.append(f"ATTENDEE{params}:mailto:{o['email']}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    (out / f"m{i:05d}.ics").write_bytes(("\r\n".join(lines) + "\r\n").encode())
