#!/usr/bin/env python3
"""Microsoft SEAL (seal-python 4.4.0) timings for the same operations and parameters as RLWEBenchmark.

Same N, the same coefficient primes (hence the same log Q P and security) and the same plaintext
modulus t. SEAL keeps the last prime as its key-switching special prime; so do the package's presets
from N = 8192 up, so both carry the same data primes there. At N = 4096 the package keeps both primes
for data (no special prime), so SEAL's ciphertexts there have one prime against two; the configuration
`4096p` (RLWEBenchmark's N = 4096 in SEAL's layout) is the like-for-like comparison, and here the same
parameters as 4096, reported under that label. Times are thread CPU time, the fastest of the repetitions
(like the Swift benchmark). Prints "<op> <N> <microseconds>" lines like the Swift benchmark.
Operations come in RLWEBenchmark's order, so that Benchmarks/rlwe/interleave.py can alternate the two
programs operation by operation (`--lockstep`: before each measurement print "ready <op> <N>" and read
"run" or "next" from standard input, as RLWEBenchmark does).
Usage: seal_peer.py [--degrees 4096,4096p,8192,16384] [--repetitions 21] [--lockstep]
"""
import argparse
import sys
import time

import seal

BITS = {
    4096: [55, 54],
    8192: [60, 53, 53, 52],
    16384: [60] + [54] * 7,
    32768: [60] + [55] * 11 + [54] * 4,
}
T = 1073479681


def fastest_us(fn, repetitions, inner=1):
    fn()
    samples = []
    for _ in range(repetitions):
        start = time.thread_time_ns()
        for _ in range(inner):
            fn()
        samples.append((time.thread_time_ns() - start) / 1000.0 / inner)
    return min(samples)


def report(op, n, us):
    print(op, n, f"{us:.2f}", flush=True)


LOCKSTEP = False


def measure(op, n, time_us):
    """Reports time_us() for op once, or with --lockstep as often as the driver asks."""
    if not LOCKSTEP:
        report(op, n, time_us())
        return
    while True:
        print("ready", op, n, flush=True)
        command = sys.stdin.readline().strip()
        if command == "run":
            report(op, n, time_us())
        elif command == "next":
            return
        else:
            sys.exit(f"lockstep: expected run or next, got {command or 'end of input'!r}")


def run(label, repetitions):
    n = int(label.removesuffix("p"))
    parms = seal.EncryptionParameters(seal.scheme_type.bfv)
    parms.set_poly_modulus_degree(n)
    parms.set_coeff_modulus(seal.CoeffModulus.Create(n, BITS[n]))
    parms.set_plain_modulus(seal.Modulus(T))
    ctx = seal.SEALContext(parms, True, seal.sec_level_type.tc128)
    assert ctx.parameters_set(), ctx.parameter_error_message()

    kg = seal.KeyGenerator(ctx)
    pk = kg.create_public_key()
    sk = kg.secret_key()
    rk = kg.create_relin_keys()
    gk = seal.GaloisKeys()
    kg.create_galois_keys([1, 0], gk)  # row rotation by 1 and (step 0) the column rotation
    encoder = seal.BatchEncoder(ctx)
    encryptor = seal.Encryptor(ctx, pk)
    encryptor.set_secret_key(sk)
    decryptor = seal.Decryptor(ctx, sk)
    evaluator = seal.Evaluator(ctx)
    values = [i % 1000 for i in range(n)]
    pt = encoder.encode(values)
    ct = encryptor.encrypt(pt)
    ct2 = encryptor.encrypt(pt)
    assert list(encoder.decode(decryptor.decrypt(ct))[:5]) == values[:5]
    limbs = len(BITS[n]) - 1

    def ntt_ct():
        c = seal.Ciphertext(ct)
        evaluator.transform_to_ntt_inplace(c)

    # Per limb: a fresh ciphertext has 2 polynomials x (k - 1) data primes; includes a ciphertext copy.
    measure("ntt_forward", label, lambda: fastest_us(ntt_ct, repetitions) / (2 * limbs))

    def keygen():
        k = seal.KeyGenerator(ctx)
        k.create_public_key()

    def mul_relin():
        r = evaluator.multiply(ct, ct2)
        evaluator.relinearize_inplace(r, rk)

    def mod_switch_smallest():
        c = seal.Ciphertext(ct)
        while ctx.get_context_data(c.parms_id()).next_context_data() is not None:
            evaluator.mod_switch_to_next_inplace(c)

    measure("keygen", label, lambda: fastest_us(keygen, repetitions))
    measure("encode", label, lambda: fastest_us(lambda: encoder.encode(values), repetitions))
    measure("encrypt", label, lambda: fastest_us(lambda: encryptor.encrypt(pt), repetitions))
    measure("encrypt_symmetric", label, lambda: fastest_us(lambda: encryptor.encrypt_symmetric(pt), repetitions))
    measure("decrypt", label, lambda: fastest_us(lambda: decryptor.decrypt(ct), repetitions))
    measure("add", label, lambda: fastest_us(lambda: evaluator.add(ct, ct2), repetitions, inner=10))
    measure("multiply_plain", label, lambda: fastest_us(lambda: evaluator.multiply_plain(ct, pt), repetitions))
    measure("multiply_relin", label, lambda: fastest_us(mul_relin, repetitions))
    measure("rotate_rows", label, lambda: fastest_us(lambda: evaluator.rotate_rows(ct, 1, gk), repetitions))
    measure("rotate_columns", label, lambda: fastest_us(lambda: evaluator.rotate_columns(ct, gk), repetitions))
    measure("mod_switch_smallest", label, lambda: fastest_us(mod_switch_smallest, repetitions))
    report("ciphertext_bytes", label, float(len(ct.to_string(seal.compr_mode_type.none))))
    small = seal.Ciphertext(ct)
    while ctx.get_context_data(small.parms_id()).next_context_data() is not None:
        evaluator.mod_switch_to_next_inplace(small)
    report("ciphertext_bytes_smallest", label, float(len(small.to_string(seal.compr_mode_type.none))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--degrees", default="4096,4096p,8192,16384")
    ap.add_argument("--repetitions", type=int, default=21)
    ap.add_argument("--lockstep", action="store_true")
    a = ap.parse_args()
    global LOCKSTEP
    LOCKSTEP = a.lockstep
    for label in a.degrees.split(","):
        run(label, a.repetitions)


if __name__ == "__main__":
    main()
