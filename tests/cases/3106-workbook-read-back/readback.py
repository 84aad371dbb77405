#!/usr/bin/env python3
"""The month's workbook read back as a spreadsheet program reads it, with
Python's standard library only (zipfile and xml.etree), against the files
it was written from. Prints what it checked; a check that fails prints
"MISMATCH" and the script exits 1.

  Invoices  each invoice's lines then its subtotal, tax and total, equal
            to invoices.json (same invoices in the same order, the same
            line amounts, the same totals)
  Problems  the blocking problems of problems.csv on the first rows, then
            the others, each in the file's order
  Summary   the duplicates, inside a file and across files
  Unmapped  the config file each line goes into
  all       "number stored as text" not flagged; the chart's axis named
"""
import csv
import json
import sys
import zipfile
import xml.etree.ElementTree as ET
from decimal import Decimal

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
failed = False


def mismatch(what):
    global failed
    failed = True
    print("MISMATCH " + what)


def column(ref):
    """0 for A, 25 for Z, 26 for AA"""
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_sheets(z):
    """{name: (root, {row number: {column: text}})}, in the workbook's order"""
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = {r.get("Id"): r.get("Target")
            for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")):
            shared.append("".join(t.text or "" for t in si.iter(M + "t")))
    out = {}
    for s in wb.iter(M + "sheet"):
        root = ET.fromstring(z.read("xl/" + rels[s.get(R + "id")]))
        rows = {}
        for row in root.iter(M + "row"):
            cells = {}
            for c in row.iter(M + "c"):
                if c.get("t") == "inlineStr":
                    v = "".join(t.text or "" for t in c.iter(M + "t"))
                elif c.get("t") == "s":
                    v = shared[int(c.find(M + "v").text)]
                else:
                    v = c.find(M + "v")
                    v = v.text if v is not None else ""
                if v != "":
                    cells[column(c.get("r"))] = v
            rows[int(row.get("r"))] = cells
        out[s.get("name")] = (root, rows)
    return out


def same_money(cell, text):
    return cell is not None and Decimal(cell) == Decimal(text)


def check_invoices(rows, invoices):
    """lines, then Subtotal / Tax ... / Total rows, one invoice after another"""
    got = []		# [number, currency, [line amounts], {label: amount}]
    for r in sorted(rows)[1:]:
        c = rows[r]
        if 0 not in c:		# the totals per currency below the table
            break
        label = c.get(10, "")
        if not got or got[-1][0] != c[0] or "Total" in got[-1][3]:
            got.append([c[0], c.get(12), [], {}])
        if label in ("Subtotal", "Total") or label.startswith("Tax"):
            got[-1][3][label.split(" ")[0]] = (c.get(11), label)
        else:
            got[-1][2].append(c.get(11))
    if [g[0] for g in got] != [i["invoice_number"] for i in invoices]:
        mismatch("invoices: sheet %s, invoices.json %s" % (
            [g[0] for g in got], [i["invoice_number"] for i in invoices]))
        return
    for g, inv in zip(got, invoices):
        number, cur, lines, totals = g
        want = [l["amount"] for l in inv["lines"]]
        ok = (cur == inv["currency"] and len(lines) == len(want) and
              all(same_money(a, b) for a, b in zip(lines, want)))
        for key in ("subtotal", "tax", "total"):
            cell = totals.get(key.capitalize(), (None, ""))[0]
            ok = ok and same_money(cell, inv[key])
        if not ok:
            mismatch("invoice %s: sheet %s, invoices.json %s" % (number, g, inv))
            continue
        print("Invoices: %s %s, lines %s, subtotal %s, %s %s, total %s: as "
              "invoices.json" % (number, cur, " + ".join(want), inv["subtotal"],
                                 totals["Tax"][1], inv["tax"], inv["total"]))


def check_problems(rows, path):
    with open(path, newline="", encoding="utf-8") as f:
        problems = list(csv.DictReader(f))
    want = ([p for p in problems if p["severity"] == "blocking"] +
            [p for p in problems if p["severity"] != "blocking"])
    print("problems.csv, in its order: " +
          ", ".join(p["severity"] for p in problems))
    for n, p in enumerate(want, start=2):
        c = rows.get(n, {})
        if (c.get(0), c.get(2), c.get(5)) != (p["severity"], p["code"],
                                              p["message"]):
            mismatch("Problems row %d: %s, want %s" % (n, c, p))
        else:
            print("Problems row %d: %s %s %s" % (n, p["severity"], p["stage"],
                                                 p["code"]))
    if len(rows) != len(want) + 1:
        mismatch("Problems has %d rows, problems.csv %d" % (len(rows) - 1,
                                                            len(want)))


def main():
    monthdir = sys.argv[1]
    month = monthdir.rstrip("/").split("/")[-1]
    z = zipfile.ZipFile("%s/reconciliation-%s.xlsx" % (monthdir, month))
    sheets = read_sheets(z)
    with open(monthdir + "/invoices.json", encoding="utf-8") as f:
        invoices = json.load(f)["invoices"]
    check_invoices(sheets["Invoices"][1], invoices)
    check_problems(sheets["Problems"][1], monthdir + "/problems.csv")
    for c in sheets["Summary"][1].values():
        if "counted once" in c.get(0, ""):
            print("Summary: %s: %s" % (c[0], c.get(1)))
    for r, c in sorted(sheets["Unmapped"][1].items())[1:]:
        print("Unmapped: %s %s into %s" % (c.get(0), c.get(2), c.get(8)))
    flagged = [name for name, (root, _) in sheets.items()
               if not any(e.get("sqref") == "A1:XFD1048576" and
                          e.get("numberStoredAsText") == "1"
                          for e in root.iter(M + "ignoredError"))]
    if flagged:
        mismatch("numbers stored as text flagged on " + ", ".join(flagged))
    else:
        print("number stored as text: not flagged on any of the %d sheets"
              % len(sheets))
    chart = ET.fromstring(z.read("xl/charts/chart1.xml"))
    for ax in chart.iter(C + "valAx"):
        print("Summary chart: the amounts' axis is named \"%s\"" % "".join(
            t.text or "" for t in ax.iter(A + "t")))
    return 1 if failed else 0


sys.exit(main())
