// Encryption and the homomorphic operations (everything that needs only the public key).
//
// c = (1 + m n) * rho mod n^2 with one of two randomisers rho:
//   textbook  rho = r^n mod n^2, r uniform in Z*_n                    (one |n|-bit exponentiation mod n^2)
//   DJN       rho = h_s^a mod n^2, a uniform in [0, 2^(|n|/2))        (fixed-base table: ~|n|/16 products)

import CGMP
import Dispatch

/// How encryption randomises: see docs/PAILLIER.md for the security argument of each.
public enum PaillierRandomizer: Sendable, Equatable {
    /// Damgard-Jurik-Nielsen: rho = h_s^a with a short (|n|/2-bit) secret exponent and a fixed-base window
    /// table. About 15x cheaper than textbook; relies on the DCR assumption plus the short-exponent
    /// indistinguishability of h_s^a (the default, see docs/PAILLIER.md).
    case djn
    /// rho = r^n with r uniform in Z*_n: security rests on the DCR assumption alone.
    case textbook
}

/// Encrypts under a public key and performs the homomorphic operations. Immutable after `init` and safe to
/// share between threads.
public final class PaillierEncryptor: Sendable {
    public let publicKey: PaillierPublicKey
    public let randomizer: PaillierRandomizer
    /// Fixed-base table for h_s (DJN only).
    let table: FixedBaseTable?

    /// Exponent length of the DJN randomiser: |n|/2 bits.
    public var djnExponentBits: Int { publicKey.bits / 2 }

    /// Prepares encryption under `publicKey`. With `.djn` this builds the fixed-base table once (|n|/16
    /// rows of 255 powers of h_s; about 0.2 s and 17 MB at 2048 bits, 0.6 s and 38 MB at 3072 bits, using
    /// both cores).
    public init(publicKey: PaillierPublicKey, randomizer: PaillierRandomizer = .djn) {
        self.publicKey = publicKey
        self.randomizer = randomizer
        switch randomizer {
        case .djn:
            table = FixedBaseTable(base: publicKey.djnBase, modulus: publicKey.nSquared, exponentBits: publicKey.bits / 2)
        case .textbook:
            table = nil
        }
    }

    // MARK: Encryption

    /// Encrypts `m` with -(n-1)/2 <= m < n: a non-negative m is encrypted as the residue m, a negative one as
    /// n + m (centred encoding, recovered by ``PaillierDecryptor/decryptSigned(_:)``).
    public func encrypt(_ m: BigInt) throws -> PaillierCiphertext {
        PaillierCiphertext(unchecked: encryptResidue(try residue(of: m), rho: randomiserValue()))
    }

    /// Encrypts a signed 64-bit integer (centred encoding for negative values).
    public func encrypt(_ m: Int64) throws -> PaillierCiphertext {
        try encrypt(BigInt(m))
    }

    /// Encrypts many plaintexts on all cores; the result is in input order and each ciphertext is what
    /// ``encrypt(_:)-(BigInt)`` gives (with its own fresh randomness).
    public func encrypt(_ plaintexts: [BigInt]) throws -> [PaillierCiphertext] {
        let residues = try plaintexts.map { try residue(of: $0) }
        return parallelMap(count: residues.count) { i in
            PaillierCiphertext(unchecked: self.encryptResidue(residues[i], rho: self.randomiserValue()))
        }
    }

    /// Textbook encryption with a caller-chosen r (known-answer tests and cross-checks only: r must be secret
    /// and fresh for every encryption).
    package func encrypt(_ m: BigInt, textbookR r: BigInt) throws -> PaillierCiphertext {
        PaillierCiphertext(unchecked: encryptResidue(try residue(of: m), rho: r.powMod(publicKey.n, publicKey.nSquared)))
    }

    /// DJN encryption with a caller-chosen exponent a (known-answer tests only).
    package func encrypt(_ m: BigInt, djnExponent a: BigInt) throws -> PaillierCiphertext {
        PaillierCiphertext(unchecked: encryptResidue(try residue(of: m), rho: djnRandomiser(exponent: a)))
    }

    /// A fresh randomiser rho (an encryption of zero is rho itself).
    package func randomiserValue() -> BigInt {
        switch randomizer {
        case .djn:
            return djnRandomiser(exponent: BigInt.randomBits(djnExponentBits))
        case .textbook:
            return BigInt.randomUnit(modulo: publicKey.n).powMod(publicKey.n, publicKey.nSquared)
        }
    }

    func djnRandomiser(exponent a: BigInt) -> BigInt {
        if let table, a.bitWidth <= table.exponentBits {
            return table.power(a)
        }
        return publicKey.djnBase.powMod(a, publicKey.nSquared)
    }

    /// m as a residue in [0, n), or an error naming the accepted range.
    func residue(of m: BigInt) throws -> BigInt {
        let n = publicKey.n
        if m.signum >= 0 {
            guard m < n else { throw PaillierError.plaintextOutOfRange(value: "\(m)", range: "[-(n-1)/2, n) for the \(publicKey.bits)-bit key") }
            return m
        }
        guard (-m) <= (n - 1) >> 1 else {
            throw PaillierError.plaintextOutOfRange(value: "\(m)", range: "[-(n-1)/2, n) for the \(publicKey.bits)-bit key")
        }
        return n + m
    }

    /// (1 + m n) * rho mod n^2 for a residue 0 <= m < n.
    func encryptResidue(_ m: BigInt, rho: BigInt) -> BigInt {
        let nSquared = publicKey.nSquared
        let n = publicKey.n
        return BigInt.computing { out in
            n.withMPZ { nPtr in
                m.withMPZ { mPtr in
                    rho.withMPZ { rhoPtr in
                        nSquared.withMPZ { n2Ptr in
                            __gmpz_mul(out, mPtr, nPtr)
                            __gmpz_add_ui(out, out, 1)
                            __gmpz_mul(out, out, rhoPtr)
                            __gmpz_tdiv_r(out, out, n2Ptr)
                        }
                    }
                }
            }
        }
    }

    // MARK: Homomorphic operations

    /// Enc(a + b): the product of the ciphertexts mod n^2.
    public func add(_ a: PaillierCiphertext, _ b: PaillierCiphertext) -> PaillierCiphertext {
        PaillierCiphertext(unchecked: mulMod(a.value, b.value))
    }

    /// Enc(a + k) for a plaintext k in [-(n-1)/2, n): multiplies by 1 + k n (no randomness added).
    public func addPlain(_ a: PaillierCiphertext, _ k: BigInt) throws -> PaillierCiphertext {
        PaillierCiphertext(unchecked: encryptResidue(try residue(of: k), rho: a.value))
    }

    /// Enc(k a) for a plaintext scalar k in [-(n-1)/2, n): c^k mod n^2 (variable time in k).
    public func multiply(_ a: PaillierCiphertext, byScalar k: BigInt) throws -> PaillierCiphertext {
        let exponent = try residue(of: k)
        if exponent.isZero {
            return PaillierCiphertext(unchecked: BigInt(1))
        }
        return PaillierCiphertext(unchecked: a.value.powMod(exponent, publicKey.nSquared))
    }

    /// Enc(k a) for a signed 64-bit scalar.
    public func multiply(_ a: PaillierCiphertext, byScalar k: Int64) throws -> PaillierCiphertext {
        try multiply(a, byScalar: BigInt(k))
    }

    /// Enc(-a): the inverse of c mod n^2.
    public func negate(_ a: PaillierCiphertext) throws -> PaillierCiphertext {
        guard let inverse = a.value.inverse(modulo: publicKey.nSquared) else {
            throw PaillierError.invalidCiphertext("value has no inverse mod n^2 (not in Z*_{n^2})")
        }
        return PaillierCiphertext(unchecked: inverse)
    }

    /// Enc(a - b).
    public func subtract(_ a: PaillierCiphertext, _ b: PaillierCiphertext) throws -> PaillierCiphertext {
        add(a, try negate(b))
    }

    /// The same plaintext under fresh randomness: c * rho mod n^2.
    public func rerandomize(_ a: PaillierCiphertext) -> PaillierCiphertext {
        PaillierCiphertext(unchecked: mulMod(a.value, randomiserValue()))
    }

    /// Sum of many ciphertexts (one product mod n^2 per term). Empty input gives the trivial encryption
    /// of 0, which is 1.
    public func sum(_ ciphertexts: [PaillierCiphertext]) -> PaillierCiphertext {
        var acc = BigInt(1)
        let nSquared = publicKey.nSquared
        acc.withMutableMPZ { accPtr in
            nSquared.withMPZ { n2Ptr in
                for c in ciphertexts {
                    c.value.withMPZ { cPtr in
                        __gmpz_mul(accPtr, accPtr, cPtr)
                        __gmpz_tdiv_r(accPtr, accPtr, n2Ptr)
                    }
                }
            }
        }
        return PaillierCiphertext(unchecked: acc)
    }

    func mulMod(_ a: BigInt, _ b: BigInt) -> BigInt {
        let nSquared = publicKey.nSquared
        return BigInt.computing { out in
            a.withMPZ { aPtr in
                b.withMPZ { bPtr in
                    nSquared.withMPZ { n2Ptr in
                        __gmpz_mul(out, aPtr, bPtr)
                        __gmpz_tdiv_r(out, out, n2Ptr)
                    }
                }
            }
        }
    }
}

/// Fixed-base exponentiation with an 8-bit window table: row i holds base^(d * 2^(8i)) for d = 1...255, so
/// base^a is the product of one table entry per non-zero byte of a. The table is built once and then only
/// read, so it can be shared between threads.
final class FixedBaseTable: @unchecked Sendable {
    let exponentBits: Int
    let rows: Int
    let modulus: BigInt
    /// rows * 256 initialised integers (entry d = 0 is 1 and never used).
    private let entries: UnsafeMutablePointer<__mpz_struct>

    init(base: BigInt, modulus: BigInt, exponentBits: Int) {
        self.exponentBits = exponentBits
        self.modulus = modulus
        rows = (exponentBits + 7) / 8
        let rowCount = rows
        let limbBits = modulus.bitWidth + 64
        entries = .allocate(capacity: rowCount * 256)
        // Row bases base^(2^(8i)) by repeated squaring, then each row on its own (rows run in parallel).
        var rowBases: [BigInt] = [base.modulo(modulus)]
        for _ in 1..<max(rowCount, 1) {
            var b = rowBases.last!
            for _ in 0..<8 { b = (b * b).modulo(modulus) }
            rowBases.append(b)
        }
        let table = UncheckedSendable(entries)
        let bases = rowBases
        Parallelism.forEach(iterations: rowCount) { row in
            let first = table.value + row * 256
            __gmpz_init_set_ui(first, 1)
            let product = MPZStorage(capacityBits: 2 * limbBits)
            bases[row].withMPZ { basePtr in
                modulus.withMPZ { modPtr in
                    __gmpz_init2(first + 1, mp_bitcnt_t(limbBits))
                    __gmpz_set(first + 1, basePtr)
                    for d in 2..<256 {
                        __gmpz_init2(first + d, mp_bitcnt_t(limbBits))
                        __gmpz_mul(product.mpz, first + d - 1, basePtr)
                        __gmpz_tdiv_r(first + d, product.mpz, modPtr)
                    }
                }
            }
        }
    }

    deinit {
        for i in 0..<(rows * 256) {
            he_mpz_zero_and_clear(entries + i)
        }
        entries.deallocate()
    }

    /// base^a mod modulus for 0 <= a < 2^exponentBits.
    func power(_ a: BigInt) -> BigInt {
        precondition(a.signum >= 0 && a.bitWidth <= exponentBits, "exponent outside the table's range")
        let wordCount = (exponentBits + 63) / 64
        let words = a.littleEndianWords(count: wordCount)!
        let result = MPZStorage(capacityBits: 2 * modulus.bitWidth + 128)
        __gmpz_set_ui(result.mpz, 1)
        modulus.withMPZ { modPtr in
            for row in 0..<rows {
                let digit = Int((words[row >> 3] >> UInt64((row & 7) * 8)) & 0xFF)
                if digit == 0 { continue }
                __gmpz_mul(result.mpz, result.mpz, entries + row * 256 + digit)
                __gmpz_tdiv_r(result.mpz, result.mpz, modPtr)
            }
        }
        return BigInt(storage: result)
    }
}

/// Carries a non-Sendable value (a pointer into memory that each task writes disjointly) into concurrent
/// work.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// `(0..<count).map(transform)` computed on all cores (at most ``Parallelism/threadLimit`` threads), in order.
/// With `parallel: false` or a thread limit of 1 it runs on the calling thread only.
func parallelMap<T: Sendable>(count: Int, parallel: Bool = true, _ transform: @Sendable (Int) -> T) -> [T] {
    guard count > 1, parallel, Parallelism.threadLimit != 1 else { return (0..<count).map(transform) }
    let buffer = UnsafeMutablePointer<T>.allocate(capacity: count)
    defer { buffer.deallocate() }
    let out = UncheckedSendable(buffer)
    let chunks = min(count, 64)
    Parallelism.forEach(iterations: chunks) { chunk in
        let start = chunk * count / chunks
        let end = (chunk + 1) * count / chunks
        for i in start..<end {
            (out.value + i).initialize(to: transform(i))
        }
    }
    let result = Array(UnsafeBufferPointer(start: buffer, count: count))
    buffer.deinitialize(count: count)
    return result
}
