// Encryption and the homomorphic operations (everything that needs only the public key).
//
// c = (1 + m n) * rho mod n^2 with one of two randomisers rho:
//   textbook  rho = r^n mod n^2, r uniform in Z*_n                    (one |n|-bit exponentiation mod n^2)
//   DJN       rho = h_s^a mod n^2, a uniform in [0, 2^(|n|/2))        (fixed-base table: |n|/12 products)
//
// Every step that touches rho, r or a runs without value-dependent branches or addresses (FixedBase.swift,
// Sources/CGMPKernels/montgomery.c, docs/SIDE-CHANNELS.md): rho would decrypt its ciphertext.

import CGMP
import CGMPKernels
import Dispatch

/// How encryption randomises: see docs/PAILLIER.md for the security argument of each.
public enum PaillierRandomizer: Sendable, Equatable {
    /// Damgard-Jurik-Nielsen: rho = h_s^a with a short (|n|/2-bit) secret exponent and a fixed-base window
    /// table, walked in constant time. About 7-9x cheaper than textbook; relies on the DCR assumption plus the
    /// short-exponent indistinguishability of h_s^a (the default, see docs/PAILLIER.md).
    case djn
    /// rho = r^n with r uniform in Z*_n: security rests on the DCR assumption alone.
    case textbook
}

/// Encrypts under a public key and performs the homomorphic operations. Immutable after `init` and safe to
/// share between threads.
public final class PaillierEncryptor: Sendable {
    public let publicKey: PaillierPublicKey
    public let randomizer: PaillierRandomizer
    /// Montgomery arithmetic modulo n^2.
    package let field: MontgomeryModulus
    /// Fixed-base table for h_s (DJN only).
    package let table: FixedBaseTable?

    /// Exponent length of the DJN randomiser: |n|/2 bits.
    public var djnExponentBits: Int { publicKey.bits / 2 }

    /// Prepares encryption under `publicKey`. With `.djn` this builds the fixed-base table once (|n|/12
    /// rows of 64 powers of h_s; 5.6 MB at 2048 bits, 12.6 MB at 3072 bits, built on all cores).
    public init(publicKey: PaillierPublicKey, randomizer: PaillierRandomizer = .djn) {
        self.publicKey = publicKey
        self.randomizer = randomizer
        let field = MontgomeryModulus(publicKey.nSquared)
        self.field = field
        switch randomizer {
        case .djn:
            table = FixedBaseTable(base: publicKey.djnBase, field: field, exponentBits: publicKey.bits / 2)
        case .textbook:
            table = nil
        }
    }

    // MARK: Encryption

    /// Encrypts `m` with -(n-1)/2 <= m < n: a non-negative m is encrypted as the residue m, a negative one as
    /// n + m (centred encoding, recovered by ``PaillierDecryptor/decryptSigned(_:)``). With the DJN randomiser
    /// the two halves of the fixed-base table run on two threads (when ``Parallelism/threadLimit`` allows);
    /// for many plaintexts use ``encrypt(_:)-([BigInt])`` or ``PackedEncoder``, which use the cores across
    /// ciphertexts instead.
    public func encrypt(_ m: BigInt) throws -> PaillierCiphertext {
        let g = try residue(of: m)
        return PaillierCiphertext(unchecked: withFreshRandomiser(split: true) { encryptResidue(g, montgomeryRandomiser: $0) })
    }

    /// Encrypts a signed 64-bit integer (centred encoding for negative values).
    public func encrypt(_ m: Int64) throws -> PaillierCiphertext {
        try encrypt(BigInt(m))
    }

    /// Encrypts many plaintexts on all cores; the result is in input order and each ciphertext is what
    /// ``encrypt(_:)-(BigInt)`` gives (with its own fresh randomness). With the DJN randomiser each thread takes
    /// the plaintexts in batches of ``djnBatchSize`` and walks the fixed-base table once per batch.
    public func encrypt(_ plaintexts: [BigInt]) throws -> [PaillierCiphertext] {
        let residues = try plaintexts.map { try residue(of: $0) }
        return encryptResidues(count: residues.count) { residues[$0] }.map { PaillierCiphertext(unchecked: $0) }
    }

    /// Randomisers computed together by one thread with the DJN table (one walk over the table rows per batch;
    /// 8 cost about 0.7 of 8 single walks at |n| = 3072, docs/BENCHMARKS.md).
    public static let djnBatchSize = 8

    /// (1 + m_i n) rho_i mod n^2 for the residues m_i = residue(i), i = 0 ..< count, with fresh randomisers, on
    /// all cores unless `parallel` is false (in order). Each thread encrypts consecutive groups of at most
    /// ``djnBatchSize``; an error from `residue` stops the whole call with the error of the lowest index.
    package func encryptResidues<E: Error>(count: Int, parallel: Bool = true,
                                           _ residue: @Sendable (Int) throws(E) -> BigInt) throws(E) -> [BigInt] {
        guard count > 0 else { return [] }
        let threads = parallel ? Parallelism.threadCount : 1
        // Small inputs still use every thread: groups shrink until there is one per thread.
        let group = max(1, min(Self.djnBatchSize, (count + threads - 1) / threads))
        let groups = (count + group - 1) / group
        let results = parallelMap(count: groups, parallel: parallel) { k -> Result<[BigInt], E> in
            let range = k * group ..< min((k + 1) * group, count)
            do throws(E) {
                var residues: [BigInt] = []
                residues.reserveCapacity(range.count)
                for i in range { residues.append(try residue(i)) }
                return .success(self.encryptBatch(residues))
            } catch {
                return .failure(error)
            }
        }
        var out: [BigInt] = []
        out.reserveCapacity(count)
        for r in results { out += try r.get() }
        return out
    }

    /// (1 + m n) rho mod n^2 for each residue 0 <= m < n with a fresh randomiser each, on the calling thread:
    /// with the DJN randomiser all of them come from one batched walk of the table.
    func encryptBatch(_ residues: [BigInt]) -> [BigInt] {
        guard let table, residues.count > 1 else { return residues.map { encryptResidue($0) } }
        let k = residues.count
        let l = field.limbCount
        let words = table.exponentWordCount
        return withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: k * (words + l)) { buffer in
            let exponents = buffer.baseAddress!, rho = exponents + k * words
            defer { he_secure_zero(buffer.baseAddress, k * (words + l) * 8) }
            for j in 0..<k { fillFreshExponent(exponents + j * words) }
            table.power(batch: k, exponents: exponents, into: rho)
            he_secure_zero(exponents, k * words * 8)
            return (0..<k).map { encryptResidue(residues[$0], montgomeryRandomiser: rho + $0 * l) }
        }
    }

    /// Textbook encryption with a caller-chosen r (known-answer tests and cross-checks only: r must be secret
    /// and fresh for every encryption).
    package func encrypt(_ m: BigInt, textbookR r: BigInt) throws -> PaillierCiphertext {
        let g = try residue(of: m)
        precondition(r.signum > 0, "r must be a unit of Z_n")
        let rho = r.powModSecret(publicKey.n, publicKey.nSquared)
        return PaillierCiphertext(unchecked: withRandomiser({ field.toMontgomery(rho, into: $0) }) {
            encryptResidue(g, montgomeryRandomiser: $0)
        })
    }

    /// DJN encryption with a caller-chosen exponent 0 <= a < 2^(|n|/2) (known-answer tests only).
    package func encrypt(_ m: BigInt, djnExponent a: BigInt) throws -> PaillierCiphertext {
        let g = try residue(of: m)
        guard let table else { preconditionFailure("the encryptor was built for textbook randomisers") }
        precondition(a.signum >= 0 && a.bitWidth <= table.exponentBits, "exponent outside the table's range")
        let words = a.littleEndianWords(count: table.exponentWordCount)!.map { mp_limb_t($0) }
        return PaillierCiphertext(unchecked: withRandomiser({ out in
            words.withUnsafeBufferPointer { table.power(exponent: $0.baseAddress!, into: out) }
        }) { encryptResidue(g, montgomeryRandomiser: $0) })
    }

    /// (1 + m n) rho mod n^2 for a residue 0 <= m < n and a fresh randomiser rho.
    package func encryptResidue(_ m: BigInt) -> BigInt {
        withFreshRandomiser { encryptResidue(m, montgomeryRandomiser: $0) }
    }

    /// Runs `body` with a fresh randomiser rho in Montgomery form (l limbs, zeroed afterwards).
    func withFreshRandomiser<R>(split: Bool = false, _ body: (UnsafePointer<mp_limb_t>) -> R) -> R {
        withRandomiser({ out in
            switch randomizer {
            case .djn:
                let table = table!
                let count = table.exponentWordCount
                withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: count) { words in
                    fillFreshExponent(words.baseAddress!)
                    table.power(exponent: words.baseAddress!, into: out, split: split)
                    he_secure_zero(words.baseAddress, count * 8)
                }
            case .textbook:
                let r = BigInt.randomUnit(modulo: publicKey.n)
                field.toMontgomery(r.powModSecret(publicKey.n, publicKey.nSquared), into: out)
            }
        }, body)
    }

    /// A fresh DJN exponent a, uniform in [0, 2^(|n|/2)), from the OS CSPRNG into `words`
    /// (`exponentWordCount` limbs; the padding limbs past the exponent are zero).
    func fillFreshExponent(_ words: UnsafeMutablePointer<mp_limb_t>) {
        let table = table!
        var generator = SystemRandomNumberGenerator()
        let bits = table.exponentBits
        for i in 0..<table.exponentWordCount {
            let low = i * 64
            let word = mp_limb_t(generator.next() as UInt64)
            words[i] = low >= bits ? 0 : (bits - low >= 64 ? word : word & (mp_limb_t.max >> mp_limb_t(64 - (bits - low))))
        }
    }

    /// Runs `body` with the randomiser that `make` writes (Montgomery form, l limbs), then zeroes it.
    func withRandomiser<R>(_ make: (UnsafeMutablePointer<mp_limb_t>) -> Void, _ body: (UnsafePointer<mp_limb_t>) -> R) -> R {
        let l = field.limbCount
        return withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: l) { buffer in
            let rho = buffer.baseAddress!
            make(rho)
            defer { he_secure_zero(rho, l * 8) }
            return body(rho)
        }
    }

    /// (1 + m n) rho mod n^2 for 0 <= m < n, with fixed-length products (`he_paillier_plain_term`) and one
    /// Montgomery product.
    func encryptResidue(_ m: BigInt, montgomeryRandomiser rho: UnsafePointer<mp_limb_t>) -> BigInt {
        let l = field.limbCount
        let n = publicKey.n
        let halfLimbs = (n.bitWidth + 63) / 64
        return withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: l) { buffer in
            let g = buffer.baseAddress!
            m.withMPZ { mPtr in n.withMPZ { nPtr in he_paillier_plain_term(g, mPtr, nPtr, halfLimbs, l) } }
            defer { he_secure_zero(g, l * 8) }
            return field.multiply(limbs: g, montgomery: rho)
        }
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

    // MARK: Homomorphic operations

    /// Enc(a + b): the product of the ciphertexts mod n^2.
    public func add(_ a: PaillierCiphertext, _ b: PaillierCiphertext) -> PaillierCiphertext {
        PaillierCiphertext(unchecked: mulMod(a.value, b.value))
    }

    /// Enc(a + k) for a plaintext k in [-(n-1)/2, n): multiplies by 1 + k n (no randomness added).
    public func addPlain(_ a: PaillierCiphertext, _ k: BigInt) throws -> PaillierCiphertext {
        let n = publicKey.n
        return PaillierCiphertext(unchecked: mulMod(BigInt(1) + (try residue(of: k)) * n, a.value))
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
        let l = field.limbCount
        return PaillierCiphertext(unchecked: withFreshRandomiser(split: true) { rho in
            withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: l) { buffer in
                field.load(a.value, into: buffer.baseAddress!)
                return field.multiply(limbs: buffer.baseAddress!, montgomery: rho)
            }
        })
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

/// Carries a non-Sendable value (a pointer into memory that each task writes disjointly) into concurrent
/// work.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// `(0..<count).map(transform)` computed on all cores (at most ``Parallelism/threadLimit`` threads), in order.
/// With `parallel: false` or a thread limit of 1 it runs on the calling thread only.
package func parallelMap<T: Sendable>(count: Int, parallel: Bool = true, _ transform: @Sendable (Int) -> T) -> [T] {
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
