#!/usr/bin/python3
"""Writes one large, realistic iCalendar file for the `kenesd check` benchmark (issue 2).

    python3 bench/gen_events.py [COUNT] [OUT.ics] [--seed N]

COUNT VEVENTs (default 100000) in one VCALENDAR with an Asia/Almaty VTIMEZONE (+05, no DST since
2024-03-01). The people are the fictitious officials of config/demo/directory.json; summaries,
descriptions and locations are Russian. Starts are spread over December 2026 – February 2027 in
Asia/Almaty (a few in UTC); about 10% of the events repeat weekly with COUNT or UNTIL so that they
stay inside that period, some with EXDATEs. The output is deterministic for a given seed.
Lines are CRLF, folded at 75 octets (never inside a UTF-8 character), TEXT values escaped.
"""
import argparse
import datetime as dt
import json
import pathlib
import random
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
DIRECTORY = REPO / "config" / "demo" / "directory.json"

PRODIDS = [
    "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
    "-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
    "-//Apple Inc.//macOS 14.6.1//EN",
    "-//Yandex LLC//Yandex Calendar//EN",
]

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

SUMMARY_HEADS = [
    "Совещание по вопросу",
    "Рабочая встреча по вопросу",
    "Селекторное совещание по вопросу",
    "Оперативное совещание по вопросу",
    "Заседание комиссии по вопросу",
    "Заседание рабочей группы по вопросу",
    "Совещание в режиме ВКС по вопросу",
    "Обсуждение",
    "Рассмотрение",
]
SUMMARY_TOPICS = [
    "исполнения республиканского бюджета за 11 месяцев 2026 года",
    "уточнения прогноза социально-экономического развития на 2027–2031 годы",
    "подготовки к отопительному сезону",
    "организации школьного питания",
    "ремонта автомобильных дорог местного значения",
    "цифровизации государственных услуг",
    "снегоочистки улиц города Астаны",
    "обеспечения лекарственными средствами",
    "освоения бюджетных средств администраторами программ",
    "налогового администрирования",
    "строительства объектов здравоохранения",
    "предупреждения чрезвычайных ситуаций в паводковый период",
    "модернизации инженерных сетей",
    "реализации Национального проекта «Качественное образование»",
    "тарифной политики в сфере транспорта",
]
DESCRIPTION_ITEMS = [
    "Об исполнении поручений Главы государства (докл. {a}).",
    "О ходе реализации бюджетных программ (докл. {a}).",
    "О неосвоенных средствах за январь–ноябрь (докл. {a}).",
    "О проекте постановления Правительства (докл. {a}).",
    "О мерах по устранению замечаний Высшей аудиторской палаты (докл. {a}).",
    "О готовности к проведению мероприятий (докл. {a}).",
    "Разное.",
]
LOCATIONS = [
    "Дом министерств, г. Астана, пр. Мангилик Ел, 8, подъезд {n}, каб. {r}",
    "Министерство финансов, г. Астана, пр. Победы, 11, зал заседаний {r}",
    "Акимат г. Астаны, ул. Бейбитшилик, 11, каб. {r}",
    "Акимат г. Алматы, пл. Республики, 4, конференц-зал {n}",
    "ВКС, https://vks.gov.kz/room/{r}",
    "Правительство РК, г. Астана, Дом Правительства, зал {n}",
]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def escape(text):
    """RFC 5545 §3.3.11 TEXT."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line):
    """RFC 5545 §3.1: at most 75 octets a line, continuation lines start with a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return data + b"\r\n"
    out = []
    current = b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > 75:
            out.append(current)
            current = b" "
        current += b
    out.append(current)
    return b"\r\n".join(out) + b"\r\n"


def load_people():
    data = json.loads(DIRECTORY.read_text(encoding="utf-8"))
    people = []
    groups = []
    for body in data["bodies"]:
        for o in body["officials"]:
            people.append((o["email"], o.get("name") or o["email"], o["rank"]))
        if body.get("group_address"):
            groups.append(body["group_address"])
    return people, groups


def stamp(t):
    return t.strftime("%Y%m%dT%H%M%S")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("count", nargs="?", type=int, default=100000)
    ap.add_argument("out", nargs="?", default="-")
    ap.add_argument("--seed", type=int, default=20261124)
    args = ap.parse_args()

    rnd = random.Random(args.seed)
    people, groups = load_people()
    period_start = dt.datetime(2026, 12, 1)
    period_end = dt.datetime(2027, 3, 1)  # exclusive
    days = (period_end - period_start).days
    utc_offset = dt.timedelta(hours=5)

    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")
    head = ["BEGIN:VCALENDAR", f"PRODID:{PRODIDS[0]}", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:Нагрузочный календарь", "X-WR-TIMEZONE:Asia/Almaty"] + VTIMEZONE
    out.write(b"".join(fold(l) for l in head))

    recurring = 0
    for n in range(args.count):
        # Start: a working-hours-ish grid, now and then early or late; 30-120 minutes long.
        day = rnd.randrange(days)
        minute = rnd.choice([8 * 60 + 30, 9 * 60, 9 * 60 + 30, 10 * 60, 11 * 60, 11 * 60 + 30, 14 * 60, 15 * 60,
                             16 * 60, 17 * 60, 18 * 60 + 30])
        start = period_start + dt.timedelta(days=day, minutes=minute)
        end = start + dt.timedelta(minutes=rnd.choice([30, 45, 60, 60, 90, 120]))

        chair = rnd.choice(people)
        invitees = rnd.sample(people, rnd.randint(1, 6))
        invitees = [p for p in invitees if p[0] != chair[0]]
        if rnd.random() < 0.1:
            invitees.append((rnd.choice(groups), "Канцелярия", "group"))

        summary = f"{rnd.choice(SUMMARY_HEADS)} {rnd.choice(SUMMARY_TOPICS)}"
        items = rnd.sample(DESCRIPTION_ITEMS, rnd.randint(1, 4))
        description = "Повестка дня:\n" + "\n".join(
            f"{i + 1}. " + it.format(a=rnd.choice(people)[1]) for i, it in enumerate(items))
        if rnd.random() < 0.03:
            description = None  # no agenda
        location = rnd.choice(LOCATIONS).format(n=rnd.randint(1, 16), r=rnd.randint(100, 1999))
        created = dt.datetime(2026, 11, 1) + dt.timedelta(minutes=rnd.randrange(30 * 24 * 60))

        uid = f"bench-{n:06d}-{rnd.getrandbits(48):012x}@kenes.bench"
        lines = ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261120T050000Z",
                 f"CREATED:{stamp(created)}Z", "LAST-MODIFIED:20261120T050000Z"]
        if rnd.random() < 0.05:
            lines += [f"DTSTART:{stamp(start - utc_offset)}Z", f"DTEND:{stamp(end - utc_offset)}Z"]
        else:
            lines += [f"DTSTART;TZID=Asia/Almaty:{stamp(start)}", f"DTEND;TZID=Asia/Almaty:{stamp(end)}"]

        if n % 10 == 0:  # 10% recurring, weekly, ending inside the period
            recurring += 1
            weeks_left = (period_end - start).days // 7
            occurrences = max(1, min(weeks_left, rnd.randint(2, 12)))
            byday = WEEKDAYS[start.weekday()]
            if rnd.random() < 0.5:
                lines.append(f"RRULE:FREQ=WEEKLY;COUNT={occurrences};BYDAY={byday}")
            else:
                until = start + dt.timedelta(weeks=occurrences - 1, hours=1)
                lines.append(f"RRULE:FREQ=WEEKLY;UNTIL={stamp(until - utc_offset)}Z;BYDAY={byday}")
            if occurrences > 2 and rnd.random() < 0.3:
                skipped = start + dt.timedelta(weeks=rnd.randint(1, occurrences - 1))
                if lines[5].startswith("DTSTART:"):
                    lines.append(f"EXDATE:{stamp(skipped - utc_offset)}Z")
                else:
                    lines.append(f"EXDATE;TZID=Asia/Almaty:{stamp(skipped)}")

        lines.append(f"SUMMARY:{escape(summary)}")
        if description is not None:
            lines.append(f"DESCRIPTION:{escape(description)}")
        lines.append(f"LOCATION:{escape(location)}")
        lines.append(f'ORGANIZER;CN="{chair[1]}":mailto:{chair[0]}')
        if rnd.random() < 0.3:
            lines.append(f'ATTENDEE;CN="{chair[1]}";ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:{chair[0]}')
        for i, (email, name, _) in enumerate(invitees):
            extra = ""
            if i == 0 and rnd.random() < 0.1:
                extra = ";X-KENES-SPEAKER=TRUE"
            role = "NON-PARTICIPANT" if rnd.random() < 0.03 else "REQ-PARTICIPANT"
            partstat = rnd.choice(["NEEDS-ACTION", "NEEDS-ACTION", "ACCEPTED", "TENTATIVE"])
            lines.append(f'ATTENDEE;CN="{name}";ROLE={role};PARTSTAT={partstat};RSVP=TRUE{extra}:mailto:{email}')
        if rnd.random() < 0.2:
            lines.append("CATEGORIES:" + ",".join(rnd.sample(["budget", "economy", "tax", "health", "education",
                                                              "digital", "transport"], rnd.randint(1, 2))))
        if rnd.random() < 0.02:
            lines.append("STATUS:CANCELLED")
        lines += ["SEQUENCE:0", "CLASS:PUBLIC", "TRANSP:OPAQUE", "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
                  "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Напоминание", "TRIGGER:-PT15M", "END:VALARM",
                  "END:VEVENT"]
        out.write(b"".join(fold(l) for l in lines))

    out.write(fold("END:VCALENDAR"))
    if out is not sys.stdout.buffer:
        out.close()
    print(f"gen_events: {args.count} events ({recurring} recurring) -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
