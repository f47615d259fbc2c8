// Decryption by the Chinese remainder theorem with constant-time exponentiation.
//
// m_p = L_p(c^(p-1) mod p^2) * hp mod p and m_q likewise, with L_x(u) = (u - 1) / x, then
// m = m_p + p * ((m_q - m_p) * p^-1 mod q). The two exponentiations use `mpz_powm_sec`, so their time and
// memory access pattern do not depend on the secret exponents p - 1 and q - 1. A single decryption computes
// the two halves on two cores; batch decryption runs whole decryptions in parallel instead.

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
        return BigInt.computing { out in
            mp.withMPZ { mpPtr in
                mq.withMPZ { mqPtr in
                    key.p.withMPZ { pPtr in
                        key.q.withMPZ { qPtr in
                            key.pInverseModQ.withMPZ { invPtr in
                                __gmpz_sub(out, mqPtr, mpPtr)
                                __gmpz_mul(out, out, invPtr)
                                __gmpz_fdiv_r(out, out, qPtr)
                                __gmpz_mul(out, out, pPtr)
                                __gmpz_add(out, out, mpPtr)
                            }
                        }
                    }
                }
            }
        }
    }

    /// L_x(c^(x-1) mod x^2) * h mod x for x = p or q.
    private func halfDecrypt(_ c: BigInt, prime: BigInt, primeSquared: BigInt, exponent: BigInt, h: BigInt) -> BigInt {
        BigInt.computing { out in
            c.withMPZ { cPtr in
                prime.withMPZ { xPtr in
                    primeSquared.withMPZ { x2Ptr in
                        exponent.withMPZ { ePtr in
                            h.withMPZ { hPtr in
                                __gmpz_tdiv_r(out, cPtr, x2Ptr)
                                __gmpz_powm_sec(out, out, ePtr, x2Ptr)
                                __gmpz_sub_ui(out, out, 1)
                                __gmpz_divexact(out, out, xPtr)
                                __gmpz_mul(out, out, hPtr)
                                __gmpz_tdiv_r(out, out, xPtr)
                            }
                        }
                    }
                }
            }
        }
    }
}
