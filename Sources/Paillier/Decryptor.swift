// Decryption by the Chinese remainder theorem, with GMP's side-channel-silent functions for every step that
// touches the secret primes.
//
// m_p = L_p(c^(p-1) mod p^2) * hp mod p and m_q likewise, with L_x(u) = (u - 1) / x, then
// m = m_p + p * ((m_q - m_p) * p^-1 mod q). The exponentiations use `mpz_powm_sec` (which also reduces c modulo
// x^2 itself, with `mpn_sec_div_r`); L_x, the product with h, the reductions and the recombination use
// `mpn_sec_div_qr`, `mpn_sec_mul`, `mpn_sec_div_r` and fixed-length additions on zero-padded limb arrays
// (Sources/CGMP/shim.h). Their time and memory access pattern depend on the sizes of p and q only. m_q - m_p is
// made non-negative by adding 2q, so nothing branches on its sign. A single decryption computes the two halves
// on two cores; batch decryption runs whole decryptions in parallel instead. See docs/SIDE-CHANNELS.md.

import CGMP
import Dispatch

/// Decrypts with a secret key. Immutable and safe to share between threads.
public final class PaillierDecryptor: Sendable {
    public let secretKey: PaillierSecretKey
    public var publicKey: PaillierPublicKey { secretKey.publicKey }

    public init(secretKey: PaillierSecretKey) {
        self.secretKey = secretKey
    }

    /// The plaintext residue in [0, n). The ciphertext must be in Z*_{n^2}. The CRT halves mod p^2 and q^2
    /// are computed concurrently.
    public func decrypt(_ c: PaillierCiphertext) throws -> BigInt {
        try PaillierCiphertext.validate(c.value, publicKey: publicKey)
        return decryptResidue(c.value, concurrentHalves: true)
    }

    /// The centred plaintext in [-(n-1)/2, (n-1)/2]: residues above (n-1)/2 are read as negative (the
    /// encoding ``PaillierEncryptor/encrypt(_:)-(BigInt)`` uses for negative values).
    public func decryptSigned(_ c: PaillierCiphertext) throws -> BigInt {
        let m = try decrypt(c)
        let n = publicKey.n
        return m > (n - 1) >> 1 ? m - n : m
    }

    /// Decrypts many ciphertexts on all cores, in order.
    public func decrypt(_ ciphertexts: [PaillierCiphertext]) throws -> [BigInt] {
        for c in ciphertexts { try PaillierCiphertext.validate(c.value, publicKey: publicKey) }
        return parallelMap(count: ciphertexts.count) { i in
            self.decryptResidue(ciphertexts[i].value, concurrentHalves: false)
        }
    }

    /// CRT decryption of a residue; with `concurrentHalves` the halves mod p^2 and q^2 run on two threads.
    package func decryptResidue(_ c: BigInt, concurrentHalves: Bool) -> BigInt {
        let key = secretKey
        let mp: BigInt
        let mq: BigInt
        if concurrentHalves {
            let halves = parallelMap(count: 2) { i in
                i == 0
                    ? self.halfDecrypt(c, prime: key.p, primeSquared: key.pSquared, exponent: key.pMinusOne, h: key.hp)
                    : self.halfDecrypt(c, prime: key.q, primeSquared: key.qSquared, exponent: key.qMinusOne, h: key.hq)
            }
            (mp, mq) = (halves[0], halves[1])
        } else {
            mp = halfDecrypt(c, prime: key.p, primeSquared: key.pSquared, exponent: key.pMinusOne, h: key.hp)
            mq = halfDecrypt(c, prime: key.q, primeSquared: key.qSquared, exponent: key.qMinusOne, h: key.hq)
        }
        let limbs = key.primeLimbs
        return BigInt.computing { out in
            mp.withMPZ { mpPtr in
                mq.withMPZ { mqPtr in
                    key.p.withMPZ { pPtr in
                        key.q.withMPZ { qPtr in
                            key.pInverseModQ.withMPZ { invPtr in
                                he_paillier_crt_combine(out, mpPtr, mqPtr, pPtr, qPtr, invPtr, limbs)
                            }
                        }
                    }
                }
            }
        }
    }

    /// L_x(c^(x-1) mod x^2) * h mod x for x = p or q.
    private func halfDecrypt(_ c: BigInt, prime: BigInt, primeSquared: BigInt, exponent: BigInt, h: BigInt) -> BigInt {
        let limbs = secretKey.primeLimbs
        let u = MPZStorage(capacityBits: 2 * 64 * limbs)
        c.withMPZ { cPtr in
            exponent.withMPZ { ePtr in
                primeSquared.withMPZ { x2Ptr in __gmpz_powm_sec(u.mpz, cPtr, ePtr, x2Ptr) }
            }
        }
        return BigInt.computing { out in
            prime.withMPZ { xPtr in
                h.withMPZ { hPtr in he_paillier_half_finish(out, u.mpz, xPtr, hPtr, limbs) }
            }
        }
    }
}
