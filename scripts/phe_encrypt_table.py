#!/usr/bin/env python3
"""Encrypt a count table with python-paillier (phe) so that a Python site can join an he-toolkit aggregation.

    he-cli export --public-key public.hekey --out public-phe.json        (key holder)
    python3 phe_encrypt_table.py --public-key public-phe.json --in table.csv --out site.json
    he-cli import --table site.json --key public.hekey --site python-lab --out python-lab.he

The CSV has a header row, row labels in the first column and integer cells (or decimals with
--value-type decimal --scale N, which are scaled to integers here), read by the rules of
`he-cli encrypt`: plain ASCII digits, no digit group separators or exponents, every cell at most
--max-value in absolute value (in table units; default 10^9). Each cell becomes one phe
EncryptedNumber with exponent 0; `he-cli import` packs them into the he-toolkit container format.
The declared --max-value travels in the JSON: it is the bound the key holder's decryption relies on,
and a cell above it would spill into its neighbour in the packed file, so it is checked here.
"""
import argparse
import csv
import json
import os
import re
import signal
import stat
import sys
import tempfile
from decimal import Decimal

MAX_LABEL_BYTES = 4096
INTEGER = re.compile(r"[+-]?[0-9]+\Z", re.ASCII)
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)\Z", re.ASCII)

from phe import paillier
from phe.util import base64_to_int


def cell_value(text, value_type, scale, max_value, where):
    """The stored integer of one cell (decimals scaled by 10^scale), checked as `he-cli encrypt` checks it."""
    text = text.strip(" \t")
    kinds = {"count": "a non-negative integer count", "signed": "an integer",
             "decimal": f"a decimal number with at most {scale} decimal places"}
    kind = kinds[value_type]
    if not text:
        raise SystemExit(f"{where}: expected {kind}, the cell is empty")
    if any(c in text for c in ",_' "):
        raise SystemExit(f"{where}: '{text}': expected {kind} without digit group separators")
    if not (DECIMAL if value_type == "decimal" else INTEGER).match(text):
        raise SystemExit(f"{where}: '{text}': expected {kind} in plain digits")
    if value_type == "decimal":
        fraction = text.split(".")[1] if "." in text else ""
        if len(fraction) > scale:
            raise SystemExit(f"{where}: '{text}' has {len(fraction)} decimal places; raise --scale or round the data")
        value = int(Decimal(text).scaleb(scale))
    else:
        value = int(text)
    if value_type == "count" and text.startswith("-"):
        raise SystemExit(f"{where}: '{text}' is negative; use --value-type signed")
    if abs(value) > max_value * 10 ** scale:
        raise SystemExit(f"{where}: '{text}' is above --max-value {max_value} in absolute value")
    return value


def check_label(label, where, seen=None):
    if not label.strip(" \t"):
        raise SystemExit(f"{where}: empty label")
    if len(label.encode("utf-8")) > MAX_LABEL_BYTES:
        raise SystemExit(f"{where}: label of {len(label.encode('utf-8'))} bytes; labels are at most {MAX_LABEL_BYTES}")
    if seen is not None:
        if label in seen:
            raise SystemExit(f"{where}: label '{label}' repeats {seen[label]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--public-key", required=True, help="phe public key JSON from `he-cli export`")
    parser.add_argument("--in", dest="table", required=True, help="count table (CSV)")
    parser.add_argument("--out", required=True, help="encrypted table JSON for `he-cli import --table`")
    parser.add_argument("--value-type", choices=["count", "signed", "decimal"], default="count")
    parser.add_argument("--scale", type=int, default=0, help="decimal places of --value-type decimal")
    parser.add_argument("--max-value", type=int, default=10**9,
                        help="largest absolute cell value, in table units (default 10^9); every cell is checked")
    args = parser.parse_args()
    if (args.value_type == "decimal") != (1 <= args.scale <= 18):
        parser.error("--scale (1 to 18) goes with --value-type decimal, and only with it")
    if args.max_value < 1:
        parser.error("--max-value must be at least 1")

    with open(args.public_key) as f:
        jwk = json.load(f)
    if jwk.get("kty") != "DAJ" or jwk.get("alg") != "PAI-GN1":
        raise SystemExit(f"{args.public_key}: not a phe public key (kty DAJ, alg PAI-GN1)")
    public_key = paillier.PaillierPublicKey(n=base64_to_int(jwk["n"]))

    # The output replaces a regular file only, never the input (it is written beside and renamed into place).
    if os.path.exists(args.out) and os.path.samefile(args.out, args.table):
        raise SystemExit(f"{args.out}: is the input table; choose another --out")
    if os.path.lexists(args.out) and not stat.S_ISREG(os.lstat(args.out).st_mode):
        raise SystemExit(f"{args.out}: exists and is not a regular file (a folder, link, pipe or device); "
                         "give the path of a regular file")
    # utf-8-sig: a byte-order mark (Excel's "CSV UTF-8") is not part of the first label, as in `he-cli encrypt`.
    # strict: a quote inside an unquoted field, or text after a closing quote, is an error there too.
    try:
        with open(args.table, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f, strict=True)
            rows = [(reader.line_num, r) for r in reader if r]
    except UnicodeDecodeError as error:
        raise SystemExit(f"{args.table}: not UTF-8 text ({error}); save the table as CSV UTF-8")
    except csv.Error as error:
        raise SystemExit(f"{args.table}: line {reader.line_num}: {error}")
    # Comment lines before the header, as `he-cli encrypt` skips them: one field starting with '#'.
    while rows and len(rows[0][1]) == 1 and rows[0][1][0].startswith("#"):
        rows.pop(0)
    if len(rows) < 2 or len(rows[0][1]) < 2:
        raise SystemExit(f"{args.table}: needs a header row with a label column and value columns, and data rows")
    (header_line, header), body = rows[0], rows[1:]
    if len(header[0].encode("utf-8")) > MAX_LABEL_BYTES:
        raise SystemExit(f"{args.table}: line {header_line}, column 1: label column name longer than {MAX_LABEL_BYTES} bytes")
    seen_columns = {}
    for column, label in enumerate(header[1:], start=2):
        check_label(label, f"{args.table}: line {header_line}, column {column}", seen_columns)
        seen_columns[label] = f"column {column}"
    out = {"format": "he-toolkit phe table", "version": 1, "public_key": jwk, "row_header": header[0], "columns": header[1:],
           "value_type": args.value_type, "max_value": args.max_value, "rows": []}
    if args.value_type == "decimal":
        out["scale"] = args.scale
    seen_rows = {}
    for line, row in body:
        if len(row) != len(header):
            raise SystemExit(f"{args.table}: line {line}: {len(row)} fields, the header has {len(header)}")
        check_label(row[0], f"{args.table}: line {line}, column 1", seen_rows)
        seen_rows[row[0]] = f"the row on line {line}"
        values = []
        for column, cell in enumerate(row[1:], start=2):
            where = f"{args.table}: line {line}, column {column} ({header[column - 1]})"
            number = public_key.encrypt(cell_value(cell, args.value_type, args.scale, args.max_value, where))
            values.append({"v": str(number.ciphertext()), "e": number.exponent})
        out["rows"].append({"label": row[0], "values": values})
    # Written beside the output and renamed into place: a failed run leaves no partial file.
    directory = os.path.dirname(os.path.abspath(args.out))
    fd, temporary = tempfile.mkstemp(prefix=".phe-table-", dir=directory)

    def interrupted(signum, frame):
        raise KeyboardInterrupt
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(out, f)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, args.out)
    except BaseException:
        os.unlink(temporary)
        raise


if __name__ == "__main__":
    sys.exit(main())
