#!/usr/bin/env python3
"""A directory snapshot for the golden cases (inbox format 4), as make
pull writes it: tally's envelope around Truto's users, one user a line.

usage: mksnap.py DATE OUT.json USER...

Each USER is ID:STATUS[:LICENCE,LICENCE...] ("u1:active:Business",
"u2:inactive", "u3:active" holds no licence). The directory is keeper
account 3870001 (Acme Dental).
"""
import json
import sys


def user(spec):
    parts = spec.split(":")
    u = {"id": parts[0], "status": parts[1], "email": parts[0] + "@acme.example"}
    if len(parts) > 2:
        u["licenses"] = [{"id": "lic-" + n.lower(), "name": n} for n in parts[2].split(",")]
    return u


def main():
    date, out, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
    head = json.dumps({"vendor": "keeper", "account_id": "3870001",
                       "account_name": "Acme Dental", "snapshot_date": date})
    lines = ",\n".join("  " + json.dumps(user(s), ensure_ascii=False) for s in specs)
    with open(out, "w") as f:
        f.write(head[:-1] + ',\n "result": [\n' + lines + ("\n" if specs else "") + " ]}\n")


if __name__ == "__main__":
    main()
