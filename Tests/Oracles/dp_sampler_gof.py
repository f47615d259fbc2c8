#!/usr/bin/env python3
"""Chi-square goodness of fit of integer samples against an exact probability mass function (scipy).

Reads a JSON list of requests on stdin, each {"name", "kind", "histogram": {"value": count}, ...} with kind
  "gaussian"       discrete Gaussian, sigma^2 = numerator/denominator: P(x) ~ exp(-x^2 / (2 sigma^2))
  "laplace"        discrete Laplace, scale t = numerator/denominator: P(x) = tanh(1/(2t)) exp(-|x|/t)
  "uniform"        uniform on 0..n-1, n = "n"
  "bernoulli"      P(1) = numerator/denominator
  "bernoulli_exp"  P(1) = exp(-numerator/denominator)
and writes a JSON list of {"name", "chi2", "dof", "p", "bins"}. The pmf is computed here from its definition,
independently of the sampler under test. Adjacent values are pooled, left to right, into bins whose expected
count is at least 5; the mass outside the computed range goes to the two outermost bins.
"""
import json
import math
import sys
from fractions import Fraction

import numpy as np
from scipy import stats


def pmf(request):
    kind = request["kind"]
    if kind == "uniform":
        n = int(request["n"])
        return 0, np.full(n, 1.0 / n)
    value = Fraction(int(request.get("numerator", 0)), int(request.get("denominator", 1)))
    if kind == "bernoulli":
        return 0, np.array([float(1 - value), float(value)])
    if kind == "bernoulli_exp":
        p = math.exp(-float(value))
        return 0, np.array([1.0 - p, p])
    if kind == "gaussian":
        sigma = math.sqrt(float(value))
        radius = int(math.ceil(40 * sigma)) + 10
        xs = np.arange(-radius, radius + 1, dtype=np.float64)
        weights = np.exp(-(xs * xs) / (2.0 * float(value)))
        return -radius, weights / weights.sum()
    if kind == "laplace":
        t = float(value)
        radius = int(math.ceil(60 * t)) + 10
        xs = np.arange(-radius, radius + 1, dtype=np.float64)
        return -radius, math.tanh(1.0 / (2.0 * t)) * np.exp(-np.abs(xs) / t)
    raise ValueError(f"unknown kind {kind}")


def test(request):
    low, probabilities = pmf(request)
    histogram = {int(k): int(v) for k, v in request["histogram"].items()}
    total = sum(histogram.values())
    high = low + len(probabilities) - 1
    observed = np.zeros(len(probabilities))
    for value, count in histogram.items():
        observed[min(max(value, low), high) - low] += count
    expected = probabilities * total
    expected[0] += max(0.0, 1.0 - probabilities.sum()) * total / 2
    expected[-1] += max(0.0, 1.0 - probabilities.sum()) * total / 2
    bins_observed, bins_expected = [], []
    acc_o, acc_e = 0.0, 0.0
    for o, e in zip(observed, expected):
        acc_o += o
        acc_e += e
        if acc_e >= 5:
            bins_observed.append(acc_o)
            bins_expected.append(acc_e)
            acc_o, acc_e = 0.0, 0.0
    if acc_e > 0 or acc_o > 0:
        if bins_expected:
            bins_observed[-1] += acc_o
            bins_expected[-1] += acc_e
        else:
            bins_observed.append(acc_o)
            bins_expected.append(acc_e)
    bins_expected = np.array(bins_expected)
    bins_expected *= total / bins_expected.sum()
    if len(bins_expected) < 2:
        return {"name": request["name"], "chi2": 0.0, "dof": 0, "p": 1.0, "bins": len(bins_expected)}
    result = stats.chisquare(np.array(bins_observed), bins_expected)
    return {"name": request["name"], "chi2": float(result.statistic), "dof": len(bins_expected) - 1,
            "p": float(result.pvalue), "bins": len(bins_expected)}


def main():
    requests = json.load(sys.stdin)
    json.dump([test(r) for r in requests], sys.stdout)


if __name__ == "__main__":
    main()
