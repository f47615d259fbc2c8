#!/usr/bin/env python3
"""OpenDP's exact samplers as the benchmark peer of DPSamplerBenchmark.

make_gaussian / make_laplace on vectors of integers apply OpenDP's CKS20 discrete Gaussian and discrete Laplace
samplers (in Rust) to every element. Usage: opendp_peer.py SAMPLES ROUNDS; prints `case<TAB>samples per second`
(median of ROUNDS calls on a vector of SAMPLES zeros), for the same cases as the Swift benchmark.
"""
import sys
import time

import opendp.prelude as dp

dp.enable_features("contrib")


def main():
    samples, rounds = int(sys.argv[1]), int(sys.argv[2])
    space = dp.vector_domain(dp.atom_domain(T=int))
    zeros = [0] * samples
    cases = [("gaussian sigma=0.5", dp.m.make_gaussian(space, dp.l2_distance(T=int), scale=0.5)),
             ("gaussian sigma=3", dp.m.make_gaussian(space, dp.l2_distance(T=int), scale=3.0)),
             ("gaussian sigma=1000", dp.m.make_gaussian(space, dp.l2_distance(T=int), scale=1000.0)),
             ("laplace t=1", dp.m.make_laplace(space, dp.l1_distance(T=int), scale=1.0)),
             ("laplace t=10", dp.m.make_laplace(space, dp.l1_distance(T=int), scale=10.0)),
             ("laplace t=1000", dp.m.make_laplace(space, dp.l1_distance(T=int), scale=1000.0))]
    for name, meas in cases:
        rates = []
        for _ in range(rounds):
            start = time.perf_counter()
            out = meas(zeros)
            rates.append(samples / (time.perf_counter() - start))
            assert len(out) == samples
        rates.sort()
        print(f"{name}\t{int(rates[len(rates) // 2])}")


if __name__ == "__main__":
    main()
