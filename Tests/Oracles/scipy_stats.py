#!/usr/bin/env python3
"""Reference values from scipy / numpy for the statistics tests.

Reads one JSON object on stdin and answers with one JSON object on stdout, key by key:
  "gammaincc":   [[a, x], ...]            -> scipy.special.gammaincc(a, x)
  "gammainc":    [[a, x], ...]            -> scipy.special.gammainc(a, x)
  "chi2_sf":     [[x, df], ...]           -> scipy.stats.chi2.sf(x, df)
  "chi2_logsf":  [[x, df], ...]           -> scipy.stats.chi2.logsf(x, df)
  "contingency": [{"table": [[...]], "correction": bool}, ...]
                                          -> scipy.stats.chi2_contingency: statistic, p, dof, expected
  "two_by_two":  [[[a, b], [c, d]], ...]  -> scipy.stats.contingency.odds_ratio(kind="sample") and its
                                             confidence_interval(0.95), scipy.stats.fisher_exact (two-sided), and
                                             the same Fisher p-value in exact rational arithmetic (math.comb)
                                             with its natural log
  "fisher_rxc":  [[[n11, ...], ...], ...]  -> Fisher's exact test of an r x c table (Freeman-Halton) summed
                                             exactly over every table with the observed margins (Fraction),
                                             tables at most 1 + 1e-7 times as probable as the observed one
  "fisher_2x2":  [[[a, b], [c, d]], ...]  -> scipy.stats.fisher_exact p-values (two-sided)
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


def fisher_exact_rational(table):
    """Two-sided Fisher p-value summed exactly: the tables with the observed margins whose probability is at most
    the observed one's times 1 + 1e-14 (scipy's tolerance for ties), as a Fraction."""
    (a, b), (c, d) = table
    n1, n2, k = a + b, c + d, a + c
    low, high = max(0, k - n2), min(n1, k)
    # C(n1, x) and C(n2, k - x), updated exactly from x to x + 1 (each division is exact).
    weights = []
    c1, c2 = math.comb(n1, low), math.comb(n2, k - low)
    for x in range(low, high + 1):
        weights.append(c1 * c2)
        if x < high:
            c1 = c1 * (n1 - x) // (x + 1)
            c2 = c2 * (k - x) // (n2 - k + x + 1)
    observed = weights[a - low]
    bound = observed * (10**14 + 1)
    tail = sum(w for w in weights if w * 10**14 <= bound)
    return Fraction(tail, math.comb(n1 + n2, k))


def tables_with_margins(rows, columns):
    """Every table of non-negative integers with these row and column sums."""
    if len(rows) == 1:
        yield [list(columns)]
        return
    def row_options(total, caps):
        if len(caps) == 1:
            if total <= caps[0]:
                yield [total]
            return
        for x in range(min(total, caps[0]) + 1):
            for rest in row_options(total - x, caps[1:]):
                yield [x] + rest
    for first in row_options(rows[0], columns):
        remaining = [c - x for c, x in zip(columns, first)]
        for rest in tables_with_margins(rows[1:], remaining):
            yield [first] + rest


def fisher_rxc_exact(table):
    rows = [sum(r) for r in table]
    columns = [sum(c) for c in zip(*table)]
    def weight(t):  # proportional to the table's probability given the margins
        w = 1
        for r in t:
            for x in r:
                w *= math.factorial(x)
        return Fraction(1, w)
    observed = weight(table)
    included = sum(w for w in (weight(t) for t in tables_with_margins(rows, columns))
                   if w <= observed * Fraction(10**7 + 1, 10**7))
    constant = Fraction(math.prod(math.factorial(r) for r in rows) * math.prod(math.factorial(c) for c in columns),
                        math.factorial(sum(rows)))
    return included * constant


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
    if "two_by_two" in request:
        results = []
        for table in request["two_by_two"]:
            with np.errstate(all="ignore"):  # a zero cell divides by zero, as intended
                ratio = stats.contingency.odds_ratio(np.array(table), kind="sample")
                ci = ratio.confidence_interval(confidence_level=0.95)
            exact = fisher_exact_rational(table)
            results.append({
                "odds_ratio": clean(ratio.statistic),
                "ci": [clean(ci.low), clean(ci.high)],
                "fisher_p": clean(stats.fisher_exact(np.array(table), alternative="two-sided")[1]),
                "exact_p": float(exact),
                "exact_log_p": math.log(exact.numerator) - math.log(exact.denominator),
            })
        answer["two_by_two"] = results
    if "fisher_rxc" in request:
        results = []
        for table in request["fisher_rxc"]:
            p = fisher_rxc_exact(table)
            results.append({"p": float(p), "log_p": math.log(p.numerator) - math.log(p.denominator)})
        answer["fisher_rxc"] = results
    if "fisher_2x2" in request:
        answer["fisher_2x2"] = [clean(stats.fisher_exact(np.array(t), alternative="two-sided")[1])
                                for t in request["fisher_2x2"]]
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
