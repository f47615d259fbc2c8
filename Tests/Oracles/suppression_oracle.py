#!/usr/bin/env python3
"""Independent check of released count tables under small-cell suppression, written from docs/GOVERNANCE.md.

For every withheld value (cell, row total, column total or grand total) of a released table, linear programming
(scipy.optimize.linprog, HiGHS) over the reals finds the smallest and largest value consistent with everything
released and with non-negativity, and reports the withheld values whose range is narrower than the profile's
threshold. Knows nothing of how the tables were protected; uses only what is released.

What a release tells an observer (docs/GOVERNANCE.md):
  cms   released values are exact; threshold 10
  nhs   a released 0 is exact, any other released value r stands for a count in [r - 2, r + 2]; threshold 7
  every cell is >= 0; each row adds up to its row total, each column to its column total, the row totals and the
  column totals each add up to the grand total.

Request (JSON, on stdin or in the file named by the first argument):
  {"tables": [{"id": any, "profile": "cms" | "nhs",
               "cells": [[value or null, ...], ...], "rowTotals": [...], "columnTotals": [...],
               "grandTotal": value or null}, ...]}
  (null = withheld)
Report (JSON on stdout):
  {"checked": number of withheld values, "tables": [{"id": ..., "ranges": [{"entry": [row, column],
   "min": x, "max": x or null (unbounded)}], "narrow": [[row, column], ...]}], "narrow": total count}
Entries are (row, column) of the (rows + 1) x (columns + 1) table of cells and margins: row totals at column
`columns`, column totals at row `rows`, the grand total at (rows, columns).
"""
import json
import sys

import numpy as np
from scipy.optimize import linprog

PROFILES = {"cms": {"threshold": 10, "slack": 0}, "nhs": {"threshold": 7, "slack": 2}}


def interval(value, slack):
    """What the observer knows of a released value."""
    if value == 0 or slack == 0:
        return value, value
    return max(0, value - slack), value + slack


def check(table):
    profile = PROFILES[table["profile"]]
    cells = table["cells"]
    rows, columns = len(cells), len(cells[0])
    n = rows * columns

    def var(i, j):
        return i * columns + j

    # Every released or withheld quantity as a linear form over the cells, with what is known of it.
    forms = {}
    for i in range(rows):
        for j in range(columns):
            v = np.zeros(n)
            v[var(i, j)] = 1
            forms[(i, j)] = (v, cells[i][j])
    for i in range(rows):
        v = np.zeros(n)
        v[[var(i, j) for j in range(columns)]] = 1
        forms[(i, columns)] = (v, table["rowTotals"][i])
    for j in range(columns):
        v = np.zeros(n)
        v[[var(i, j) for i in range(rows)]] = 1
        forms[(rows, j)] = (v, table["columnTotals"][j])
    forms[(rows, columns)] = (np.ones(n), table["grandTotal"])

    a_ub, b_ub = [], []
    for form, value in forms.values():
        if value is None:
            continue
        low, high = interval(value, profile["slack"])
        a_ub.append(form)
        b_ub.append(high)
        a_ub.append(-form)
        b_ub.append(-low)
    a_ub, b_ub = np.array(a_ub), np.array(b_ub)
    bounds = [(0, None)] * n

    ranges, narrow = [], []
    for entry, (form, value) in sorted(forms.items()):
        if value is not None:
            continue
        low = linprog(form, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
        high = linprog(-form, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
        if low.status != 0:
            raise SystemExit(f"table {table['id']}: minimum of {entry}: {low.message}")
        if high.status == 3:
            upper = None
        elif high.status == 0:
            upper = -high.fun
        else:
            raise SystemExit(f"table {table['id']}: maximum of {entry}: {high.message}")
        ranges.append({"entry": list(entry), "min": low.fun, "max": upper})
        if upper is not None and upper - low.fun < profile["threshold"] - 1e-6:
            narrow.append(list(entry))
    return {"id": table["id"], "ranges": ranges, "narrow": narrow}


def main():
    source = open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin
    request = json.load(source)
    results = [check(t) for t in request["tables"]]
    json.dump({"checked": sum(len(r["ranges"]) for r in results), "tables": results,
               "narrow": sum(len(r["narrow"]) for r in results)}, sys.stdout)


if __name__ == "__main__":
    main()
