#!/usr/bin/env python3
"""Derives the Paillier known-answer vectors in Tests/PaillierTests/Resources/paillier-test-vectors.json.

Run once with the test virtualenv's interpreter (phe 1.5.0 + gmpy2); the output is committed. The primes are
TEST KEYS ONLY (published here, so worthless as secrets). Every ciphertext is computed independently of the
Swift code:
  textbook  phe's PaillierPublicKey.raw_encrypt(m, r_value=r), i.e. (1 + m n) r^n mod n^2
  djn       (1 + m n) h_s^a mod n^2 with h_s derived from n as the library documents (SHA-256 counter mode)
and every plaintext is checked by phe's CRT decryption.
"""
import hashlib
import json
import secrets
import sys

import gmpy2
import phe


def random_prime(bits):
    while True:
        c = secrets.randbits(bits - 2) | (3 << (bits - 2)) | 1
        if gmpy2.is_prime(c, 50):
            return c


def djn_base(n):
    n_bytes = n.to_bytes((n.bit_length() + 7) // 8, "big")
    counter = 0
    while True:
        stream = b""
        blocks = (len(n_bytes) + 16) // 32 + 1
        for block in range(blocks):
            h = hashlib.sha256()
            h.update(b"he-toolkit paillier djn base v1")
            h.update(counter.to_bytes(4, "big"))
            h.update(block.to_bytes(2, "big"))
            h.update(n_bytes)
            stream += h.digest()
        x = int.from_bytes(stream, "big") % n
        counter += 1
        if x == 0 or gmpy2.gcd(x, n) != 1:
            continue
        h = n - (x * x) % n
        return int(gmpy2.powmod(h, n, n * n))


def fingerprint(n, bits):
    encoding = b"HEPK" + bytes([1]) + bits.to_bytes(2, "big") + n.to_bytes(bits // 8, "big")
    return hashlib.sha256(encoding).hexdigest()


def key_vectors(bits):
    while True:
        p = random_prime(bits // 2)
        q = random_prime(bits // 2)
        if p != q and (p * q).bit_length() == bits:
            break
    pub, priv = phe.PaillierPublicKey(p * q), None
    priv = phe.PaillierPrivateKey(pub, p, q)
    n, nsq = pub.n, pub.nsquare
    hs = djn_base(n)
    vectors = []
    plaintexts = [0, 1, 2, 123456789, (1 << 64) - 1, n - 1, n // 2, -1, -987654321]
    for m in plaintexts:
        residue = m % n
        r = secrets.randbelow(n - 1) + 1
        c = pub.raw_encrypt(residue, r_value=r)
        assert priv.raw_decrypt(c) == residue
        a = secrets.randbits(bits // 2)
        c_djn = ((1 + residue * n) * int(gmpy2.powmod(hs, a, nsq))) % nsq
        assert priv.raw_decrypt(c_djn) == residue
        vectors.append({"m": str(m), "r": format(r, "x"), "c": format(c, "x"),
                        "a": format(a, "x"), "c_djn": format(c_djn, "x")})
    return {"bits": bits, "p": format(p, "x"), "q": format(q, "x"), "n": format(n, "x"),
            "djn_base": format(hs, "x"), "fingerprint": fingerprint(n, bits), "vectors": vectors}


def main():
    out = {"note": "TEST KEYS ONLY: derived by Tests/Oracles/make_paillier_kat.py with phe "
                   + phe.__about__.__version__,
           "keys": [key_vectors(2048), key_vectors(3072)]}
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
