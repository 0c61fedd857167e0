#!/usr/bin/python3
"""Writes the demo calendars of config/demo/calendars/ (committed; rerun after editing this file).

    python3 config/demo/make_calendars.py

Every file is valid iCalendar: CRLF line endings, content lines folded at 75 octets (never inside a
UTF-8 character), TEXT values escaped. The meetings, and which rule of SPEC §4 each one shows, are
listed in config/demo/README.md; tests/daemon/test_demo_e2e.cpp checks them through `kenesd check`.
The people are the fictitious officials of config/demo/directory.json.
"""
import pathlib

OUT = pathlib.Path(__file__).resolve().parent / "calendars"

PRODID = {
    "outlook": "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
    "thunderbird": "-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
    "apple": "-//Apple Inc.//macOS 14.6.1//EN",
    "yandex": "-//Yandex LLC//Yandex Calendar//EN",
    "google": "-//Google Inc//Google Calendar 70.9054//EN",
}

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

# Who is who (config/demo/directory.json).
NAMES = {
    "deputy.prime.minister2@primeminister.kz": "Абишев Б.М.",
    "deputy.prime.minister3@primeminister.kz": "Утебаева М.Т.",
    "head.of.government.office4@primeminister.kz": "Рахимов Д.Б.",
    "minister7@minfin.gov.kz": "Баймуханов М.Е.",
    "vice.minister8@minfin.gov.kz": "Даулетова Д.С.",
    "director13@minfin.gov.kz": "Даулетова А.Н.",
    "kense@minfin.gov.kz": "Министерство финансов (канцелярия)",
    "minister15@economy.gov.kz": "Калиева Д.Ж.",
    "vice.minister16@economy.gov.kz": "Тулегенова Т.Д.",
    "vice.minister17@economy.gov.kz": "Утебаева Е.А.",
    "minister23@edu.gov.kz": "Ибраев Т.Д.",
    "vice.minister24@edu.gov.kz": "Ермекова Е.С.",
    "minister28@health.gov.kz": "Сейткали Т.Г.",
    "vice.minister29@health.gov.kz": "Мухамедова Н.Ш.",
    "committee.chair30@health.gov.kz": "Шарипова Ш.Ж.",
    "director32@health.gov.kz": "Ибраев Б.Г.",
    "vice.minister34@digital.gov.kz": "Жакупов Ш.А.",
    "committee.chair40@emergency.gov.kz": "Калиева Н.Д.",
    "deputy.committee.chair41@emergency.gov.kz": "Рахимов Н.Ж.",
    "vice.minister44@transport.gov.kz": "Смагулова Ш.А.",
    "akim48@astana.gov.kz": "Жакупов Ж.С.",
    "deputy.akim50@astana.gov.kz": "Сейткали М.Ж.",
    "deputy.akim51@astana.gov.kz": "Сейткали Ж.А.",
    "head.of.staff52@astana.gov.kz": "Калиева Н.С.",
    "head.of.department56@astana.gov.kz": "Омаров Г.Б.",
    "head.of.department57@astana.gov.kz": "Калиева Е.А.",
    "deputy.akim61@almaty.gov.kz": "Касымова С.Г.",
    "head.of.staff63@almaty.gov.kz": "Оспанова Г.Е.",
    "head.of.department67@almaty.gov.kz": "Кенжебаев М.М.",
    "deputy.akim72@shymkent.gov.kz": "Сагинтаев С.К.",
    "akim81@karaganda.gov.kz": "Шарипова С.Ж.",
    "deputy.akim84@karaganda.gov.kz": "Нурланов Д.А.",
    "akim92@turkestan.gov.kz": "Ибраев А.К.",
    "deputy.akim95@turkestan.gov.kz": "Сейткали С.Д.",
    "head.of.department101@turkestan.gov.kz": "Кенжебаев С.Г.",
    "konsultant@egov-partner.kz": "Нурпеисова А.С. (консультант)",
}


def escape(text):
    """RFC 5545 §3.3.11 TEXT."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def fold(line):
    """RFC 5545 §3.1: at most 75 octets a line, continuation lines start with a space."""
    out = []
    current = b""
    limit = 75
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > limit:
            out.append(current)
            current = b" "
            limit = 75
        current += b
    out.append(current)
    return b"\r\n".join(out) + b"\r\n"


def attendee(email, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", extra="", client="outlook"):
    cn = NAMES.get(email, email)
    rsvp = ";RSVP=TRUE" if role != "CHAIR" else ""
    cutype = ";CUTYPE=INDIVIDUAL" if client in ("apple", "thunderbird") else ""
    return f'ATTENDEE;CN="{cn}"{cutype};ROLE={role};PARTSTAT={partstat}{rsvp}{extra}:mailto:{email}'


def organizer(email):
    return f'ORGANIZER;CN="{NAMES.get(email, email)}":mailto:{email}'


def local(prop, value):
    return f"{prop};TZID=Asia/Almaty:{value}"


def event(client, uid, start, end, summary, organizer_email, attendees, description=None, location=None,
          created="20261101T040000Z", extra=(), utc=False, sequence=0, stamp="20261120T050000Z"):
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp}"]
    if created:
        lines.append(f"CREATED:{created}")
        lines.append(f"LAST-MODIFIED:{stamp}")
    if utc:
        lines += [f"DTSTART:{start}", f"DTEND:{end}"]
    else:
        lines += [local("DTSTART", start), local("DTEND", end)]
    lines.append(f"SUMMARY:{escape(summary)}")
    if description is not None:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    lines.append(organizer(organizer_email))
    lines += [a if a.startswith("ATTENDEE") else attendee(a, client=client) for a in attendees]
    lines.append(f"SEQUENCE:{sequence}")
    lines += list(extra)
    if client == "outlook":
        lines += ["CLASS:PUBLIC", "PRIORITY:5", "TRANSP:OPAQUE", "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
                  "X-MICROSOFT-CDO-IMPORTANCE:1"]
    elif client == "thunderbird":
        lines += ["TRANSP:OPAQUE", f"X-MOZ-GENERATION:{sequence + 1}"]
    elif client == "apple":
        lines += ["TRANSP:OPAQUE", "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC"]
    elif client == "yandex":
        lines += ["TRANSP:OPAQUE", "X-YANDEX-REMINDERS:15"]
    else:
        lines += ["TRANSP:OPAQUE"]
    lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Напоминание", "TRIGGER:-PT15M", "END:VALARM"]
    lines.append("END:VEVENT")
    return lines


def write(name, client, *events, calname=None, with_vtimezone=True):
    lines = ["BEGIN:VCALENDAR", f"PRODID:{PRODID[client]}", "VERSION:2.0", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    if calname:
        lines.append(f"X-WR-CALNAME:{escape(calname)}")
        lines.append("X-WR-TIMEZONE:Asia/Almaty")
    if with_vtimezone:
        lines += VTIMEZONE
    for e in events:
        lines += e
    lines.append("END:VCALENDAR")
    data = b"".join(fold(l) for l in lines)
    (OUT / name).write_bytes(data)


def main():
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.ics"):
        old.unlink()

    # 01. Valid: a vice minister of finance with a vice minister of economy, Friday 10:00-11:00.
    write("01-minfin-budget-friday.ics", "outlook", event(
        "outlook", "040000008200E00074C5B7101A82E008000000001A2B3C4D5E6FDB01000000000000000010000000A1B2C3D4",
        "20261204T100000", "20261204T110000",
        "Совещание по исполнению республиканского бюджета за 11 месяцев 2026 года",
        "vice.minister8@minfin.gov.kz",
        ["vice.minister17@economy.gov.kz", "director13@minfin.gov.kz"],
        description=("Повестка дня:\n"
                     "1. Об исполнении республиканского бюджета за январь–ноябрь 2026 года "
                     "(докл. Даулетова А.Н.).\n"
                     "2. О неосвоенных бюджетных средствах администраторов программ "
                     "(докл. Утебаева Е.А.).\n"
                     "3. Разное.\n"
                     "Материалы направлены телефонограммой № 12-03/4417 от 20.11.2026."),
        location="Министерство финансов, г. Астана, пр. Мангилик Ел, 8, каб. 1204",
        created="20261110T043000Z",
        extra=["CATEGORIES:budget"]), calname="Даулетова Д.С. — Минфин")

    # 02. The +05 trap: given in UTC, 03:30Z is 08:30 in Astana, before 09:00 (hours.interagency).
    write("02-economy-forecast-utc.ics", "yandex", event(
        "yandex", "8f3c1e0a-5b7d-4e2a-9c41-6d2f0b9a7e13@calendar.yandex.ru",
        "20261211T033000Z", "20261211T043000Z",
        "Совещание по уточнению прогноза социально-экономического развития на 2027–2031 годы",
        "vice.minister16@economy.gov.kz",
        ["vice.minister8@minfin.gov.kz"],
        description=("1. Об уточнении макроэкономических параметров прогноза.\n"
                     "2. О лимитах расходов администраторов бюджетных программ на 2027 год."),
        location="МНЭ, г. Астана, пр. Мангилик Ел, 8, подъезд 4, конференц-зал",
        created="20261105T090000Z", utc=True,
        extra=["CATEGORIES:economy,budget"]), calname="Тулегенова Т.Д.", with_vtimezone=False)

    # 03. A Deputy PM's meeting 17:00-18:00 (hours.government); a minister where a vice minister
    #     fits (attendance.rank_level); an invitee whose competence misses the topic
    #     (attendance.competence).
    write("03-government-dpm-evening.ics", "outlook", event(
        "outlook", "040000008200E00074C5B7101A82E00800000000C0FFEE11D3A2DB01000000000000000010000000DEADBEEF",
        "20261209T170000", "20261209T180000",
        "Совещание у Заместителя Премьер-Министра Абишева Б.М. о погашении просроченной "
        "дебиторской задолженности",
        "deputy.prime.minister2@primeminister.kz",
        ["minister7@minfin.gov.kz", "vice.minister16@economy.gov.kz"],
        description=("Вопросы:\n"
                     "1. О ходе погашения просроченной дебиторской задолженности по бюджетным кредитам.\n"
                     "2. О мерах по недопущению образования задолженности в 2027 году.\n"
                     "Ответственные: МФ, МНЭ."),
        location="Дом Правительства, 7 этаж, зал заседаний № 3",
        created="20261118T031500Z",
        extra=["CATEGORIES:budget"]), calname="Канцелярия ЗПМ Абишева Б.М.")

    # 04. The akim of Astana with two officials of the MES, in person (format.remote_preferred,
    #     attendance.one_per_body); the akimat's own department head is left to the akim.
    write("04-astana-heating-season.ics", "thunderbird", event(
        "thunderbird", "b7a1f0c2-3e4d-4f5a-8b6c-7d8e9f0a1b2c",
        "20261211T150000", "20261211T160000",
        "О ходе прохождения отопительного сезона 2026–2027 годов и готовности сил "
        "гражданской защиты к зимнему периоду",
        "akim48@astana.gov.kz",
        ["committee.chair40@emergency.gov.kz", "deputy.committee.chair41@emergency.gov.kz",
         "head.of.department57@astana.gov.kz"],
        description=("1. Информация ГКП «Астана-Теплотранзит» о работе тепловых сетей.\n"
                     "2. О готовности сил и средств гражданской защиты к ликвидации последствий "
                     "снежных заносов.\n"
                     "3. О резервах топлива на ТЭЦ-1, ТЭЦ-2."),
        location="Акимат г. Астаны, пр. Бейбітшілік, 11, большой зал",
        created="20261112T060000Z",
        extra=["CATEGORIES:emergency"]), calname="Аким г. Астаны")

    # 05. The Republican Budget Commission, weekly on Thursdays: the 17 December occurrence falls
    #     on a holiday (day.non_working), 7 January is excluded (EXDATE), 24 December is moved to
    #     Friday 25 December (RECURRENCE-ID; day.regime: a KSO session sits on Thursday).
    kso_attendees = [attendee("minister7@minfin.gov.kz", client="apple"),
                     attendee("minister23@edu.gov.kz", client="apple"),
                     attendee("minister28@health.gov.kz", client="apple")]
    kso_description = ("Повестка:\n"
                       "1. О проекте постановления Правительства о реализации Закона "
                       "о республиканском бюджете на 2027–2029 годы.\n"
                       "2. О заявках администраторов на выделение средств из резерва Правительства.\n"
                       "Материалы — во вложении (рассылка рабочего органа РБК).")
    kso_extra = ["X-KENES-KSO:budget-commission", "CATEGORIES:budget",
                 "ATTACH;FMTTYPE=application/pdf:https://docs.economy.gov.kz/rbk/2026-12-materials.pdf"]
    master = event(
        "apple", "5E3B7C1A-9D2F-4A8B-B6E0-1F2C3D4E5F60", "20261203T100000", "20261203T113000",
        "Заседание Республиканской бюджетной комиссии", "minister15@economy.gov.kz", kso_attendees,
        description=kso_description, location="Дом Правительства, зал заседаний № 1 (5 этаж)",
        created="20261102T080000Z",
        extra=["RRULE:FREQ=WEEKLY;BYDAY=TH;COUNT=7", local("EXDATE", "20270107T100000")] + kso_extra)
    moved = event(
        "apple", "5E3B7C1A-9D2F-4A8B-B6E0-1F2C3D4E5F60", "20261225T100000", "20261225T113000",
        "Заседание Республиканской бюджетной комиссии (перенос)", "minister15@economy.gov.kz", kso_attendees,
        description=kso_description, location="Дом Правительства, зал заседаний № 1 (5 этаж)",
        created="20261102T080000Z", sequence=1,
        extra=[local("RECURRENCE-ID", "20261224T100000")] + kso_extra)
    write("05-budget-commission-series.ics", "apple", master, moved, calname="РБК — рабочий орган (МНЭ)")

    # 06. Valid: a Deputy PM's selector meeting on Monday with vice ministers and deputy akims.
    write("06-dpm-selector-monday.ics", "apple", event(
        "apple", "A9C8E7D6-5B4A-4392-8170-6F5E4D3C2B1A", "20261207T100000", "20261207T110000",
        "Селекторное совещание о готовности организаций образования и здравоохранения "
        "к работе в зимний период",
        "deputy.prime.minister3@primeminister.kz",
        [attendee(e, client="apple") for e in
         ["vice.minister24@edu.gov.kz", "vice.minister29@health.gov.kz", "deputy.akim50@astana.gov.kz",
          "deputy.akim61@almaty.gov.kz", "deputy.akim72@shymkent.gov.kz"]],
        description=("1. О температурном режиме в школах и больницах.\n"
                     "2. О подвозе учащихся в сельской местности при неблагоприятных погодных условиях.\n"
                     "3. О профилактике гриппа и ОРВИ.\n"
                     "Регионы подключаются из залов селекторных совещаний акиматов."),
        location="Дом Правительства, зал селекторных совещаний",
        created="20261116T100000Z",
        extra=["CATEGORIES:education,health"]), calname="Утебаева М.Т. — ЗПМ")

    # 07. The Head of the Government Office with heads of staff: the demo config's representation
    #     table asks for head_of_staff, which the ministry has not (attendance.no_representative;
    #     the nearest rank, a director, is invited).
    write("07-hgo-heads-of-staff.ics", "outlook", event(
        "outlook", "040000008200E00074C5B7101A82E00800000000B16B00B5AB12DB01000000000000000010000000FACEFEED",
        "20261209T150000", "20261209T160000",
        "Совещание Руководителя Канцелярии Премьер-Министра с руководителями аппаратов "
        "по исполнительской дисциплине",
        "head.of.government.office4@primeminister.kz",
        ["head.of.staff52@astana.gov.kz", "head.of.staff63@almaty.gov.kz", "kense@minfin.gov.kz"],
        description=("1. О состоянии исполнительской дисциплины по поручениям Главы государства и "
                     "Премьер-Министра за 11 месяцев 2026 года.\n"
                     "2. О переходе на безбумажный документооборот в 2027 году."),
        location="https://vks.gov.kz/room/kanc-2026-12-09",
        created="20261113T050000Z",
        extra=["CATEGORIES:documents"]), calname="Канцелярия Премьер-Министра")

    # 08. Planned four days ahead (planning.lead_time) with an outside consultant who is in no
    #     body of the directory (attendance.unknown); by VKS with two akimats.
    write("08-digital-egov-vks.ics", "thunderbird", event(
        "thunderbird", "3d9e7c51-0f2a-4b86-a1d4-58c2e6f7a9b0",
        "20261127T150000", "20261127T160000",
        "ВКС: о подключении акиматов к единой платформе электронных услуг",
        "vice.minister34@digital.gov.kz",
        ["head.of.department56@astana.gov.kz", "head.of.department67@almaty.gov.kz",
         "konsultant@egov-partner.kz"],
        description=("1. О графике подключения местных исполнительных органов к платформе.\n"
                     "2. Демонстрация типового сервиса «Выдача справок» (консультант)."),
        location="ВКС, https://vks.gov.kz/room/mcr-egov",
        created="20261123T062000Z",
        extra=["CATEGORIES:digital"]), calname="Жакупов Ш.А. — МЦРИАП")

    # 09. The Ministry of Health's collegium on a Tuesday 10:00-12:00: the minister is busy with the
    #     Government session (conflict.busy, a regime block of the config) and it is long
    #     (duration.long).
    write("09-health-collegium.ics", "apple", event(
        "apple", "C0LL-2027-01-12-MZ-7F3A9E21", "20270112T100000", "20270112T120000",
        "Расширенное заседание коллегии Министерства здравоохранения по итогам 2026 года",
        "minister28@health.gov.kz",
        [attendee(e, client="apple") for e in
         ["vice.minister29@health.gov.kz", "committee.chair30@health.gov.kz", "director32@health.gov.kz"]],
        description=("1. Об итогах работы системы здравоохранения за 2026 год.\n"
                     "2. О задачах на 2027 год.\n"
                     "3. О ходе строительства многопрофильных больниц."),
        location="Министерство здравоохранения, г. Астана, ул. Мәңгілік Ел, 8, актовый зал",
        created="20261105T040000Z",
        extra=["CATEGORIES:health"]), calname="Сейткали Т.Г. — Минздрав")

    # 10. An akimat meeting on Saturday (day.non_working) without an agenda (materials.agenda).
    write("10-astana-snow-saturday.ics", "google", event(
        "google", "6q3b9c1d2e4f5g7h8i0j1k2l3m@google.com", "20261212T100000", "20261212T110000",
        "Выездное совещание по уборке снега на магистральных улицах",
        "deputy.akim51@astana.gov.kz", ["head.of.department57@astana.gov.kz"],
        description=None,
        location="г. Астана, ТОО «Астана Тазалық», ул. Жансүгірұлы, 2",
        created="20261110T113000Z"), calname="Сейткали Ж.А. — заместитель акима", with_vtimezone=True)

    # 11. An interagency meeting of two ministries without an agenda (materials.agenda).
    write("11-edu-school-meals.ics", "outlook", event(
        "outlook", "040000008200E00074C5B7101A82E008000000005EED5EEDFE15DB01000000000000000010000000CAFED00D",
        "20270115T100000", "20270115T110000",
        "Совещание по организации горячего питания в школах",
        "vice.minister24@edu.gov.kz", ["vice.minister29@health.gov.kz"],
        description="\n",  # Outlook's empty body: no agenda
        location="Министерство просвещения, г. Астана, пр. Мангилик Ел, 8, каб. 915",
        created="20261119T081500Z",
        extra=["CATEGORIES:education,health"]), calname="Ермекова Е.С. — Минпросвещения")

    # 12. Valid: the akim of the Karaganda region with the Ministry of Transport by VKS, Friday.
    write("12-karaganda-roads-vks.ics", "yandex", event(
        "yandex", "c41e2a77-8d9b-4f10-b3e5-0a6c9d2f4e81@calendar.yandex.ru",
        "20261218T100000", "20261218T110000",
        "О зимнем содержании автодорог республиканского значения на территории Карагандинской области",
        "akim81@karaganda.gov.kz",
        ["vice.minister44@transport.gov.kz", "deputy.akim84@karaganda.gov.kz"],
        description=("1. Информация филиала АО «НК «ҚазАвтоЖол» по Карагандинской области.\n"
                     "2. О пунктах обогрева на трассе Астана — Караганда — Балхаш.\n"
                     "3. О взаимодействии с ДЧС при закрытии трасс."),
        location="ВКС (акимат Карагандинской области — МТ РК)",
        created="20261116T043000Z",
        extra=["CATEGORIES:transport"]), calname="Аким Карагандинской области")

    # 13. A cancelled trip (STATUS:CANCELLED, on a Saturday): not checked, not in the output.
    write("13-turkestan-cancelled.ics", "google", event(
        "google", "0t9r8e7w6q5a4s3d2f1g0h9j8k@google.com", "20261219T100000", "20261219T130000",
        "Отменено: выездное совещание по водообеспечению населённых пунктов Туркестанской области",
        "akim92@turkestan.gov.kz",
        ["deputy.akim95@turkestan.gov.kz", "head.of.department101@turkestan.gov.kz"],
        description="Совещание отменено в связи с неблагоприятными погодными условиями.",
        location="г. Туркестан, акимат области",
        created="20261101T100000Z", sequence=2,
        extra=["STATUS:CANCELLED"]), calname="Аким Туркестанской области")

    # 14. The Deputy PM for the economy holds a meeting on the digitalisation of education, which
    #     is the other Deputy PM's portfolio (agenda.chair_competence, a notice: rec. ch.1
    #     principle 1, ch.3); otherwise valid.
    write("14-dpm-economy-school-digital.ics", "outlook", event(
        "outlook", "040000008200E00074C5B7101A82E00800000000D1A6E0C3F7A9DB01000000000000000010000000ED0C0DE5",
        "20261202T110000", "20261202T120000",
        "Совещание у Заместителя Премьер-Министра Абишева Б.М. о цифровизации школьного образования",
        "deputy.prime.minister2@primeminister.kz",
        ["vice.minister24@edu.gov.kz", "vice.minister34@digital.gov.kz"],
        description=("1. О подключении школ к широкополосному интернету в 2027 году.\n"
                     "2. О переводе электронных журналов на единую платформу.\n"
                     "Ответственные: МП, МЦРИАП."),
        location="Дом Правительства, 7 этаж, зал заседаний № 3",
        created="20261110T050000Z",
        extra=["CATEGORIES:education,digital"]), calname="Канцелярия ЗПМ Абишева Б.М.")


if __name__ == "__main__":
    main()
