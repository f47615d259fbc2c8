#!/usr/bin/env python3
"""Encrypt a count table with python-paillier (phe) so that a Python site can join an he-toolkit aggregation.

    he-cli export --public-key public.hekey --out public-phe.json        (key holder)
    python3 phe_encrypt_table.py --public-key public-phe.json --in table.csv --out site.json
    he-cli import --table site.json --key public.hekey --site python-lab --out python-lab.he

The CSV has a header row, row labels in the first column and integer cells (or decimals with
--value-type decimal --scale N, which are scaled to integers here). Each cell becomes one phe
EncryptedNumber with exponent 0; `he-cli import` packs them into the he-toolkit container format.
"""
import argparse
import csv
import json
import sys
from decimal import Decimal, InvalidOperation

from phe import paillier
from phe.util import base64_to_int


def cell_value(text, value_type, scale, where):
    text = text.strip()
    try:
        if value_type == "decimal":
            scaled = Decimal(text) * (Decimal(10) ** scale)
            if scaled != scaled.to_integral_value():
                raise ValueError(f"{where}: '{text}' has more than {scale} decimal places")
            return int(scaled)
        value = int(text)
    except (ValueError, InvalidOperation) as error:
        raise SystemExit(f"{where}: '{text}' is not a valid {value_type} value ({error})")
    if value_type == "count" and value < 0:
        raise SystemExit(f"{where}: '{text}' is negative; use --value-type signed")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--public-key", required=True, help="phe public key JSON from `he-cli export`")
    parser.add_argument("--in", dest="table", required=True, help="count table (CSV)")
    parser.add_argument("--out", required=True, help="encrypted table JSON for `he-cli import --table`")
    parser.add_argument("--value-type", choices=["count", "signed", "decimal"], default="count")
    parser.add_argument("--scale", type=int, default=0, help="decimal places of --value-type decimal")
    args = parser.parse_args()
    if (args.value_type == "decimal") != (args.scale > 0):
        parser.error("--scale (1 to 18) goes with --value-type decimal, and only with it")

    with open(args.public_key) as f:
        jwk = json.load(f)
    if jwk.get("kty") != "DAJ" or jwk.get("alg") != "PAI-GN1":
        raise SystemExit(f"{args.public_key}: not a phe public key (kty DAJ, alg PAI-GN1)")
    public_key = paillier.PaillierPublicKey(n=base64_to_int(jwk["n"]))

    with open(args.table, newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    if len(rows) < 2 or len(rows[0]) < 2:
        raise SystemExit(f"{args.table}: needs a header row with a label column and value columns, and data rows")
    header, body = rows[0], rows[1:]
    out = {"format": "he-toolkit phe table", "version": 1, "public_key": jwk, "row_header": header[0], "columns": header[1:],
           "value_type": args.value_type, "rows": []}
    if args.value_type == "decimal":
        out["scale"] = args.scale
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise SystemExit(f"{args.table}: line {line}: {len(row)} fields, the header has {len(header)}")
        values = []
        for column, cell in enumerate(row[1:], start=2):
            number = public_key.encrypt(cell_value(cell, args.value_type, args.scale, f"{args.table}: line {line}, column {column}"))
            values.append({"v": str(number.ciphertext()), "e": number.exponent})
        out["rows"].append({"label": row[0], "values": values})
    with open(args.out, "w") as f:
        json.dump(out, f)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
