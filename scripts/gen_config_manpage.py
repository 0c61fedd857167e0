#!/usr/bin/env python3
"""Writes the kenes.json(5) man page from config/kenes.schema.json, so the page cannot drift from
the schema (the schema is held to the loader by tests/schema/check_schema.py, the page to the
schema by the test man.config_page_matches_schema).

    python3 scripts/gen_config_manpage.py [SOURCE_DIR] > docs/man/kenes.json.5
"""
import json
import re
import sys
from pathlib import Path

# The few non-ASCII characters of the schema's texts, as groff names (groff -ww warns on raw UTF-8).
GLYPHS = {"§": r"\[sc]", "–": r"\[en]", "—": r"\[em]", "…": "...", "×": r"\[mu]"}


# Patterns the reader knows better by their shape.
PATTERN_NAMES = {
    "^([01][0-9]|2[0-3]):[0-5][0-9]$": "HH:MM",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "YYYY-MM-DD",
    "^[^@\\s<>,;:\"]+@[^@\\s<>,;:\"]+$": "(an e-mail address)",
}


def esc(text):
    """Roff text: backslashes, minus signs and glyphs escaped, no request at a line's start."""
    out = text.replace("\\", r"\e").replace("-", r"\-")
    for ch, name in GLYPHS.items():
        out = out.replace(ch, name)
    bad = [c for c in out if ord(c) > 127]
    if bad:
        raise SystemExit(f"gen_config_manpage: no groff name for {bad[0]!r}; add it to GLYPHS")
    out = out.replace("`", "")  # the schema's Markdown code marks
    if out.startswith((".", "'")):
        out = r"\&" + out
    return out


def resolve(schema, node):
    """A node with its $ref's target merged under its own keys."""
    if "$ref" in node:
        target = schema
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        merged = dict(resolve(schema, target))
        merged.update({k: v for k, v in node.items() if k != "$ref"})
        return merged
    return node


def json_value(v):
    return json.dumps(v, ensure_ascii=False)


def describe_type(schema, node):
    """'integer, 1 to 604800' / 'one of: "a", "b"' / 'string or array of strings' ..."""
    node = resolve(schema, node)
    if "const" in node:
        return json_value(node["const"])
    if "enum" in node:
        return "one of " + ", ".join(json_value(v) for v in node["enum"])
    for key in ("oneOf", "anyOf"):
        if key in node:
            return " or ".join(describe_type(schema, alt) for alt in node[key])
    t = node.get("type", "any")
    if t == "array":
        items = node.get("items")
        text = "array of " + (describe_type(schema, items) if items else "values")
        if "minItems" in node and node.get("minItems") == node.get("maxItems"):
            text = f"array of {node['minItems']} " + (describe_type(schema, items) if items else "values")
        return f"({text})" if " or " in text else text
    if t == "object":
        if isinstance(node.get("additionalProperties"), dict) and "properties" not in node:
            names = node.get("propertyNames", {}).get("enum")
            keys = ("keys " + ", ".join(names) + "; values ") if names else "values "
            return "object: " + keys + describe_type(schema, node["additionalProperties"])
        return "object"
    text = t
    if "minimum" in node and "maximum" in node:
        text += f", {node['minimum']} to {node['maximum']}"
    elif "minimum" in node:
        text += f", at least {node['minimum']}"
    if node.get("pattern") in PATTERN_NAMES:
        text += " " + PATTERN_NAMES[node["pattern"]]
    elif "pattern" in node:
        text += f" matching {node['pattern']}"
    if node.get("minLength") == 1:
        text += ", not empty"
    return text


def keys(schema, node, path, required):
    """(path, node, required) for every key, depth first, in the schema's order."""
    node = resolve(schema, node)
    for name, sub in node.get("properties", {}).items():
        if name == "$schema" and not path:
            continue
        sub_path = f"{path}.{name}" if path else name
        yield sub_path, sub, name in node.get("required", [])
        sub_r = resolve(schema, sub)
        if "properties" in sub_r:
            yield from keys(schema, sub_r, sub_path, False)
        items = sub_r.get("items")
        if isinstance(items, dict) and "properties" in resolve(schema, items):
            yield from keys(schema, items, sub_path + "[]", False)


def key_entry(schema, path, node, required):
    node_r = resolve(schema, node)
    lines = [".TP", r"\fB" + esc(path) + r"\fR (" + esc(describe_type(schema, node)) + ")"]
    text = []
    if node_r.get("description"):
        text.append(node_r["description"])
    if required:
        text.append("Required.")
    elif "default" in node_r:
        text.append("Default: " + json_value(node_r["default"]) + ".")
    elif "properties" in node_r:
        text.append("Each key has its own default.")
    elif "default" in node_r.get("description", "").lower():
        pass  # the description says what applies when the key is absent
    else:
        text.append("Default: none (unset).")
    lines.append(esc(" ".join(text)))
    return lines


def version(source_dir):
    m = re.search(r"project\(kenes VERSION ([0-9.]+)", (source_dir / "CMakeLists.txt").read_text())
    return m.group(1)


def main():
    source_dir = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    schema = json.loads((source_dir / "config" / "kenes.schema.json").read_text())
    out = [
        r'.\" Generated by scripts/gen_config_manpage.py from config/kenes.schema.json; do not edit.',
        f'.TH KENES.JSON 5 "" "kenes {version(source_dir)}" "File Formats"',
        ".SH NAME",
        r"kenes.json \- configuration of the kenesd meeting regime checker",
        ".SH SYNOPSIS",
        r"\fI/etc/kenes/kenes.json\fR",
        ".SH DESCRIPTION",
        esc(schema["description"]),
        ".PP",
        esc("The file is one JSON object. Unknown keys are errors (with a suggestion), so a typo is "
            "refused, not ignored. Validate a file with kenesd --config FILE config check; "
            "the JSON Schema is /usr/share/kenes/kenes.schema.json, and a file may name it in "
            "$schema. A key marked Default: none is unset unless given; sources[] means each "
            "element of the array sources."),
    ]
    sections = {}
    for path, node, required in keys(schema, schema, "", False):
        top = path.split(".")[0].split("[")[0]
        node_r = resolve(schema, schema["properties"][top])
        nested = "properties" in node_r or "properties" in resolve(schema, node_r.get("items", {}))
        sections.setdefault(top if nested else "top level", []).append((path, node, required))
    out.append(".SH KEYS")
    for top, entries in sections.items():
        out.append(".SS " + esc(top))
        for path, node, required in entries:
            out.extend(key_entry(schema, path, node, required))
    directory = schema["$defs"]["directory"]
    out.append(".SH DIRECTORY")
    out.append(esc("The directory of bodies (the key directory, inline or in its own file, "
                   "described by /usr/share/kenes/directory.schema.json) has these keys:"))
    for path, node, required in keys(schema, directory, "", False):
        out.extend(key_entry(schema, "directory." + path, node, required))
    out += [
        ".SH EXAMPLE",
        esc("The starting config of the package: an empty folder of calendars, notices to the "
            "spool only, the admin page on the loopback address."),
        ".PP",
        ".nf",
        ".RS 4",
    ]
    example = (source_dir / "config" / "packaged" / "kenes.json").read_text().rstrip("\n")
    out += [esc(line) if line.strip() else "" for line in example.split("\n")]
    out += [
        ".RE",
        ".fi",
        ".SH FILES",
        ".TP",
        r"\fI/etc/kenes/kenes.json\fR",
        "the configuration read by the service",
        ".TP",
        r"\fI/usr/share/kenes/kenes.schema.json\fR, \fI/usr/share/kenes/directory.schema.json\fR",
        "the JSON Schemas",
        ".TP",
        r"\fI/usr/share/kenes/demo/\fR",
        "a complete example with calendars",
        ".SH SEE ALSO",
        r"\fBkenesd\fR(8)",
    ]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
