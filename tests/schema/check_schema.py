#!/usr/bin/python3
"""The JSON Schemas in config/ accept the configs kenes accepts and reject what it rejects.

Run by CTest with Debian's python3 and python3-jsonschema: check_schema.py SOURCE_DIR
"""
import json
import pathlib
import sys

import jsonschema

src = pathlib.Path(sys.argv[1])
config_schema = json.loads((src / "config/kenes.schema.json").read_text())
directory_schema = json.loads((src / "config/directory.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(config_schema)
jsonschema.Draft202012Validator.check_schema(directory_schema)
config_validator = jsonschema.Draft202012Validator(config_schema)
directory_validator = jsonschema.Draft202012Validator(directory_schema)

failures = []


def expect(validator, doc, valid, what):
    errors = list(validator.iter_errors(doc))
    if valid and errors:
        failures.append(f"{what}: expected valid, got: {errors[0].message} at /{'/'.join(map(str, errors[0].path))}")
    if not valid and not errors:
        failures.append(f"{what}: expected invalid, the schema accepted it")


# The smallest config and the shapes of SPEC §11.
expect(config_validator, {"timezone": "Asia/Almaty", "directory": "directory.json",
                          "regime": {"holidays": ["2026-12-16", "2026-12-17"]}}, True, "smallest config")
expect(config_validator, {
    "state_dir": "state", "directory": "directory.json",
    "sources": [
        {"id": "minfin", "type": "caldav", "url": "https://dav.minfin.gov.kz/",
         "username": "kenes", "password_file": "secrets/minfin", "interval_seconds": 300},
        {"id": "holidays", "type": "ical", "url": "https://example.kz/holidays.ics",
         "interval_seconds": 86400, "role": "holidays"},
        {"id": "demo", "type": "dir", "path": "demo/calendars"}],
    "notices": {"transport": "smtp", "from": "kenes@gov.kz", "enforcement": "hold",
                "language": "ru", "spool_dir": "spool",
                "smtp": {"url": "smtp://127.0.0.1:2525", "starttls": "optional",
                         "username": "kenes", "password_file": "secrets/smtp"}},
    "admin": {"listen": "127.0.0.1:8080", "users_file": "secrets/admin-users",
              "tokens_file": "secrets/admin-tokens"},
    "vks": {"link_template": "https://vks.gov.kz/room/{uid}"}}, True, "SPEC §11 shapes")

# What kenesd rejects, the schema rejects.
expect(config_validator, {"directory": "d.json", "regime": {"holiday": []}}, False, "unknown key")
expect(config_validator, {"directory": "d.json", "regime": {"severity": {"hours.interagensy": "error"}}},
       False, "unknown rule id")
expect(config_validator, {"directory": "d.json", "regime": {"severity": {"day.regime": "loud"}}},
       False, "unknown severity")
expect(config_validator, {"directory": "d.json", "sources": [{"id": "s", "type": "caldav",
                                                             "url": "https://x/", "password": "p"}]},
       False, "inline secret")
expect(config_validator, {"directory": "d.json", "regime": {"lead_time_days": -1}}, False, "range")
expect(config_validator, {"directory": "d.json", "regime": {"holidays": ["16.12.2026"]}}, False, "date")
expect(config_validator, {"directory": "d.json", "report": {"publish_url": "https://dav.ipgo.kz/library/",
                                                          "format": "json", "username": "kenes",
                                                          "password_file": "secrets/ipgo",
                                                          "timeout_seconds": 60}}, True, "report")
expect(config_validator, {"directory": "d.json", "report": {"publish_url": "ftp://x/"}}, False, "report url")
expect(config_validator, {"directory": "d.json", "report": {"format": "pdf"}}, False, "report format")
expect(config_validator, {"directory": "d.json", "report": {"password": "p"}}, False, "report inline secret")

# The demo config, the examples, and the directories kenes ships or is tested with.
for c in [src / "config/demo/kenes.json", *sorted((src / "config/examples").glob("*.json"))]:
    if c.exists():
        expect(config_validator, json.loads(c.read_text()), True, str(c))
for d in [src / "config/demo/directory.json", src.parent / "shared/fixtures/directory.json"]:
    if d.exists():
        doc = json.loads(d.read_text())
        expect(directory_validator, doc, True, str(d))
        expect(config_validator, {"directory": doc}, True, f"{d} inline")
expect(directory_validator, {"bodies": [{"id": "a", "kind": "ministry"}]}, False, "unknown body kind")
expect(directory_validator, {"bodies": [{"id": "a", "kind": "central",
                                         "officials": [{"email": "x@a.kz", "rank": "tsar"}]}]},
       False, "unknown rank")

for f in failures:
    print("FAIL", f)
print(f"schema checks: {len(failures)} failed")
sys.exit(1 if failures else 0)
