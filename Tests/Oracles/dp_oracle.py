#!/usr/bin/env python3
"""OpenDP (opendp 0.16) privacy maps for the accounting tests.

Reads JSON on stdin: {"gaussian": [[sensitivity, scale], ...], "laplace": [[sensitivity, scale], ...],
"deltas": [...], "epsilons": [...]} and writes, for every pair, what OpenDP's measurement maps record:
  gaussian: make_gaussian on vectors of integers (L2 distance), map(sensitivity) = rho; then
            make_zCDP_to_approxDP's privacy profile: epsilon(delta) for each delta, delta(epsilon) for each epsilon
  laplace:  make_laplace on vectors of integers (L1 distance), map(sensitivity) = epsilon; make_pureDP_to_zCDP
            gives rho; and the profile of that zCDP measurement converted to approximate DP, as above
Sensitivities are integers (the input metrics are over integers); scales are floats (OpenDP's parameter).
"""
import json
import sys

import opendp.prelude as dp

dp.enable_features("contrib")


def profile(measurement, sensitivity, deltas, epsilons):
    curve = dp.c.make_zCDP_to_approxDP(measurement).map(sensitivity)
    return {"epsilon_at_delta": [curve.epsilon(d) for d in deltas],
            "delta_at_epsilon": [curve.delta(e) for e in epsilons]}


def main():
    request = json.load(sys.stdin)
    deltas, epsilons = request.get("deltas", []), request.get("epsilons", [])
    space = dp.vector_domain(dp.atom_domain(T=int))
    out = {"gaussian": [], "laplace": []}
    for sensitivity, scale in request.get("gaussian", []):
        meas = dp.m.make_gaussian(space, dp.l2_distance(T=int), scale=float(scale))
        entry = {"sensitivity": sensitivity, "scale": scale, "rho": meas.map(int(sensitivity))}
        entry.update(profile(meas, int(sensitivity), deltas, epsilons))
        out["gaussian"].append(entry)
    for sensitivity, scale in request.get("laplace", []):
        meas = dp.m.make_laplace(space, dp.l1_distance(T=int), scale=float(scale))
        zcdp = dp.c.make_pureDP_to_zCDP(meas)
        entry = {"sensitivity": sensitivity, "scale": scale, "epsilon": meas.map(int(sensitivity)),
                 "rho": zcdp.map(int(sensitivity))}
        entry.update(profile(zcdp, int(sensitivity), deltas, epsilons))
        out["laplace"].append(entry)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
