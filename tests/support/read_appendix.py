#!/usr/bin/python3
"""Reads an appendix report (CSV or XLSX) the way a spreadsheet user would, and prints its rows
as JSON for tests/daemon/test_report.cpp: {"bom": bool, "header": [...], "rows": [{"first",
"summary", "date", "time", "duration", "counts": [13 ints]}]}. Only rows with the thirteen counts
are listed (the section and body heading rows of the XLSX are not)."""
import csv
import io
import json
import sys


def row_of(cells):
    counts = cells[5:18]
    if len(counts) != 13 or not all(isinstance(c, int) for c in counts):
        return None
    text = ["" if c is None else str(c) for c in cells[:5]]
    return {"first": text[0], "summary": text[1], "date": text[2], "time": text[3], "duration": text[4],
            "counts": counts}


def read_csv(path):
    raw = open(path, "rb").read()
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    lines = list(reader)
    rows = []
    for line in lines[1:]:
        cells = line[:5] + [int(c) for c in line[5:]]
        rows.append(row_of(cells))
    return {"bom": raw.startswith(b"\xef\xbb\xbf"), "header": lines[0], "rows": rows}


def read_xlsx(path):
    import openpyxl
    sheet = openpyxl.load_workbook(path).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = [values[2][c] for c in range(5)] + [values[3][c] or values[4][c] for c in range(5, 18)]
    sub = [values[4][c] for c in range(5, 18)]
    rows = []
    for cells in values[5:]:
        cells = [int(c) if isinstance(c, float) and c.is_integer() else c for c in cells]
        r = row_of(cells)
        if r:
            rows.append(r)
    return {"bom": False, "header": header, "sub_header": sub, "title": values[0][0], "rows": rows}


kind, path = sys.argv[1], sys.argv[2]
print(json.dumps(read_csv(path) if kind == "csv" else read_xlsx(path), ensure_ascii=False))
