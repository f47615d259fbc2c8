#!/usr/bin/env python3
"""Peer Paillier implementations timed at one key size, one line per operation:
    <peer>_<operation> <fastest of ITERATIONS samples, microseconds>
Peers: python-paillier (phe, with gmpy2; textbook r^n randomiser, CRT decryption) and pypaillier (Rust + GMP,
DJN randomiser). Usage: peers.py BITS ITERATIONS [KEYGEN_ITERATIONS]
pypaillier's key generation (safe primes, a different and much slower method) is not timed.
"""
import sys
import time

import gmpy2  # noqa: F401  (phe uses it when importable; fail loudly if it is missing)
import paillier
import phe


def measure(iterations, body, batch=1):
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        for _ in range(batch):
            body()
        samples.append((time.perf_counter() - start) / batch * 1e6)
    return min(samples)


def report(name, us):
    print("%s %.3f" % (name, us), flush=True)


def main():
    bits = int(sys.argv[1])
    iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    keygen_iterations = int(sys.argv[3]) if len(sys.argv) > 3 else 3

    # Key generation time is random (prime search): reported as the mean of the runs.
    start = time.perf_counter()
    for _ in range(keygen_iterations):
        pub, priv = phe.generate_paillier_keypair(n_length=bits)
    report("phe_keygen_mean", (time.perf_counter() - start) / keygen_iterations * 1e6)
    m = 123456789
    c = pub.encrypt(m)
    report("phe_encrypt", measure(iterations, lambda: pub.encrypt(m)))
    assert priv.decrypt(c) == m
    report("phe_decrypt", measure(iterations, lambda: priv.decrypt(c)))
    d = pub.encrypt(42)
    report("phe_add", measure(iterations, lambda: c + d, batch=200))
    report("phe_scalar_mul", measure(iterations, lambda: c * 1000003, batch=5))

    pk, sk = paillier.generate_keypair(bits)
    blob = paillier.encrypt_integers(pk, [m])[0]
    report("pypaillier_encrypt", measure(iterations, lambda: paillier.encrypt_integers(pk, [m])))
    assert paillier.decrypt(sk, blob) == m
    report("pypaillier_decrypt", measure(iterations, lambda: paillier.decrypt(sk, blob)))
    other = paillier.encrypt_integers(pk, [42])[0]
    report("pypaillier_add", measure(iterations, lambda: paillier.add_many(pk, [blob, other]), batch=200))


if __name__ == "__main__":
    main()
