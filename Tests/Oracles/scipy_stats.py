#!/usr/bin/env python3
"""Reference values from scipy / numpy for the statistics tests.

Reads one JSON object on stdin and answers with one JSON object on stdout, key by key:
  "gammaincc":   [[a, x], ...]            -> scipy.special.gammaincc(a, x)
  "gammainc":    [[a, x], ...]            -> scipy.special.gammainc(a, x)
  "chi2_sf":     [[x, df], ...]           -> scipy.stats.chi2.sf(x, df)
  "chi2_logsf":  [[x, df], ...]           -> scipy.stats.chi2.logsf(x, df)
  "contingency": [{"table": [[...]], "correction": bool}, ...]
                                          -> scipy.stats.chi2_contingency: statistic, p, dof, expected
  "moments":     [{"values": [...], "scale": s}, ...]
                                          -> numpy mean and var(ddof=1) of values / 10**s, and
                                             the exact (rational) sample variance rounded once
Floats are written with repr precision; NaN and infinities as null.
"""

import json
import math
import sys
from fractions import Fraction

import numpy as np
from scipy import special, stats


def clean(x):
    x = float(x)
    return x if math.isfinite(x) else None


def main():
    request = json.load(sys.stdin)
    answer = {}
    if "gammaincc" in request:
        answer["gammaincc"] = [clean(special.gammaincc(a, x)) for a, x in request["gammaincc"]]
    if "gammainc" in request:
        answer["gammainc"] = [clean(special.gammainc(a, x)) for a, x in request["gammainc"]]
    if "chi2_sf" in request:
        answer["chi2_sf"] = [clean(stats.chi2.sf(x, df)) for x, df in request["chi2_sf"]]
    if "chi2_logsf" in request:
        answer["chi2_logsf"] = [clean(stats.chi2.logsf(x, df)) for x, df in request["chi2_logsf"]]
    if "contingency" in request:
        results = []
        for item in request["contingency"]:
            table = np.array(item["table"], dtype=float)
            res = stats.chi2_contingency(table, correction=item["correction"])
            results.append({
                "statistic": clean(res[0]),
                "p": clean(res[1]),
                "dof": int(res[2]),
                "expected": [[clean(v) for v in row] for row in res[3]],
            })
        answer["contingency"] = results
    if "moments" in request:
        results = []
        for item in request["moments"]:
            # Exact decimal division by 10**scale before numpy sees the values.
            values = np.array([v / 10 ** item["scale"] for v in item["values"]], dtype=float)
            exact = None
            if len(item["values"]) > 1:
                n = len(item["values"])
                total = sum(item["values"])
                squares = sum(v * v for v in item["values"])
                exact = float(Fraction(n * squares - total * total, n * (n - 1) * 10 ** (2 * item["scale"])))
            results.append({"mean": clean(values.mean()),
                            "variance": clean(values.var(ddof=1)) if values.size > 1 else None,
                            "exact_variance": exact})
        answer["moments"] = results
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
