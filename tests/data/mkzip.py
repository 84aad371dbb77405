#!/usr/bin/env python3
"""Zip archives for the golden cases of inbox format 7 (SPEC's refusals).

usage: mkzip.py KIND OUT.zip

KIND: good (two good members in a folder, a folder entry, __MACOSX/ and
a hidden member), rejects (October with a bad row, September), empty
(nothing but skipped entries), absolute, dotdot, link, nested-name, nested-content,
encrypted, crc, corrupt, huge (over 1 GiB declared in all), bomb (a
member inflating past 100 times its size, honest header), bomb-lying (the
same with a header that declares it small). Deterministic bytes: every
member is dated 2026-11-01.
"""
import io
import random
import sys
import zipfile

DATE = (2026, 11, 1, 0, 0, 0)
HEAD = b"date,vendor,account_id,account_name,sku,quantity\n"


def rows(first, last, n):
    return b"".join(b"2026-10-%02d,acronis,A-1,Alpha LLC,backup,%d\n" % (d, n)
                    for d in range(first, last + 1))


# good: 3 a day, the first half of October in one member, the rest in the
# other (93 licence-days, 3 units); refusals: the member refused holds 1 a
# day (read, it would bill one unit more), the member read 2 a day
ROW1 = rows(1, 15, 3)
ROW2 = rows(16, 31, 3)
BAD = rows(1, 31, 1)
OK = rows(1, 31, 2)


def info(name, system=0, attr=0o100644 << 16):
    zi = zipfile.ZipInfo(name, DATE)
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.create_system = system
    zi.external_attr = attr
    return zi


def archive(members):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        for name, data in members:
            z.writestr(name if isinstance(name, zipfile.ZipInfo) else info(name), data)
    return bytearray(b.getvalue())


def patch(d, sig, off, value):
    """set the 4 bytes at off of every header with signature sig"""
    i = 0
    while (i := d.find(sig, i)) >= 0:
        d[i + off:i + off + 4] = value.to_bytes(4, "little")
        i += 4


def first(d, sig, off, n, value):
    """set the n bytes at off of the first header with signature sig"""
    i = d.find(sig)
    d[i + off:i + off + n] = value.to_bytes(n, "little")


def main():
    kind, out = sys.argv[1], sys.argv[2]
    good = HEAD + BAD
    if kind == "good":
        d = archive([(info("oct/"), b""), ("oct/backup 1.csv", HEAD + ROW1),
                     ("oct/backup 2.csv", HEAD + ROW2),
                     ("__MACOSX/oct/._backup 1.csv", b"\0\5\26\7"),
                     ("oct/.DS_Store", b"\0\0\0\1")])
    elif kind == "rejects":
        # October with a bad row, and September (another month)
        d = archive([("oct.csv", HEAD + OK + b"2026-10-05,acronis,A-1,Alpha LLC,backup,five\n"),
                     ("sep.csv", HEAD + OK.replace(b"2026-10-31", b"2026-09-30").replace(b"2026-10-", b"2026-09-"))])
    elif kind == "empty":
        # nothing to read: a folder, __MACOSX/ and a hidden file
        d = archive([(info("oct/"), b""), ("__MACOSX/._x.csv", b"\0"), (".hidden.csv", HEAD + OK)])
    elif kind == "absolute":
        d = archive([("/tmp/usage.csv", good), ("ok.csv", HEAD + OK)])
    elif kind == "dotdot":
        d = archive([("oct/../../usage.csv", good), ("ok.csv", HEAD + OK)])
    elif kind == "link":
        d = archive([(info("usage.csv", 3, 0o120777 << 16), b"/etc/passwd"),
                     ("ok.csv", HEAD + OK)])
    elif kind == "nested-name":
        d = archive([("inner.zip", bytes(archive([("a.csv", good)]))),
                     ("ok.csv", HEAD + OK)])
    elif kind == "nested-content":
        d = archive([("usage.csv", bytes(archive([("a.csv", good)]))),
                     ("ok.csv", HEAD + OK)])
    elif kind == "encrypted":
        # the encryption bit of the first member's headers (what zip -e
        # sets; its bytes are not really encrypted: tally never reads them)
        d = archive([("usage.csv", good), ("ok.csv", HEAD + OK)])
        first(d, b"PK\x03\x04", 6, 2, 1)
        first(d, b"PK\x01\x02", 8, 2, 1)
    elif kind == "crc":
        d = archive([("usage.csv", good), ("ok.csv", HEAD + OK)])
        crc = zipfile.crc32(good)
        d = d.replace(crc.to_bytes(4, "little"), (crc ^ 1).to_bytes(4, "little"))
    elif kind == "corrupt":
        d = archive([("usage.csv", good)])[:40] + b"cut short"
    elif kind == "huge":
        # two members of random bytes that declare 600 MiB each
        data = random.Random(7).randbytes(7 << 20)
        d = archive([("big1.csv", data), ("big2.csv", data)])
        patch(d, b"PK\x03\x04", 22, 600 << 20)
        patch(d, b"PK\x01\x02", 24, 600 << 20)
    elif kind == "bomb":
        d = archive([("ok.csv", HEAD + OK), ("zeros.csv", HEAD + b"0" * (20 << 20))])
    elif kind == "bomb-lying":
        # the same, its headers declaring 1.5 MiB uncompressed (a ratio under 100) (zeros.csv
        # comes first, so its headers are the first ones)
        d = archive([("zeros.csv", HEAD + b"0" * (20 << 20)), ("ok.csv", HEAD + OK)])
        first(d, b"PK\x03\x04", 22, 4, 3 << 19)
        first(d, b"PK\x01\x02", 24, 4, 3 << 19)
    else:
        sys.exit("mkzip.py: unknown kind " + kind)
    with open(out, "wb") as f:
        f.write(d)


if __name__ == "__main__":
    main()
