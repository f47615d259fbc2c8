// Side-channel-silent arithmetic modulo n^2 for encryption: Montgomery products and the DJN fixed-base table.
// The limb-level work is in Sources/CGMPKernels/montgomery.c; this file owns the memory.

import CGMP
import CGMPKernels

/// Montgomery arithmetic modulo one odd modulus m of l limbs (R = 2^(64 l)). Immutable and shareable.
package final class MontgomeryModulus: @unchecked Sendable {
    package let modulus: BigInt
    /// Number of 64-bit limbs of m.
    package let limbCount: Int
    /// -m^-1 mod 2^64.
    let negativeInverse: mp_limb_t
    /// The limbs of m, least significant first.
    let limbs: UnsafeMutablePointer<mp_limb_t>

    package init(_ modulus: BigInt) {
        precondition(modulus.isOdd && modulus.signum > 0, "Montgomery arithmetic needs an odd positive modulus")
        self.modulus = modulus
        let words = modulus.littleEndianWords(count: (modulus.bitWidth + 63) / 64)!.map { mp_limb_t($0) }
        limbCount = words.count
        limbs = .allocate(capacity: words.count)
        limbs.initialize(from: words, count: words.count)
        negativeInverse = he_mont_neg_inverse(words[0])
    }

    deinit { limbs.deallocate() }

    /// Writes x R mod m (Montgomery form) into `out` (l limbs) for 0 <= x < m, without a value-dependent
    /// branch (`mpn_sec_div_r`).
    package func toMontgomery(_ x: BigInt, into out: UnsafeMutablePointer<mp_limb_t>) {
        precondition(x.signum >= 0 && x < modulus, "value outside [0, m)")
        x.withMPZ { he_to_montgomery(out, $0, limbs, limbCount) }
    }

    /// a rho mod m, fully reduced, for a given as l limbs (a < m) and rho in Montgomery form (below R).
    func multiply(limbs a: UnsafePointer<mp_limb_t>, montgomery rho: UnsafePointer<mp_limb_t>) -> BigInt {
        BigInt.computing { out in
            __gmpz_realloc2(out, mp_bitcnt_t(64 * limbCount))
            he_mont_multiply_out(out, a, rho, limbs, limbCount, negativeInverse)
        }
    }

    /// a rho mod m for a < m and rho given in Montgomery form as l limbs, each possibly above m but below R
    /// (for tests of the reduction's edge cases).
    package func multiply(_ a: BigInt, montgomeryLimbs rho: [UInt64]) -> BigInt {
        precondition(rho.count == limbCount, "rho must have exactly l limbs")
        let l = limbCount
        return withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: l) { buffer in
            load(a, into: buffer.baseAddress!)
            let limbs = rho.map { mp_limb_t($0) }
            return limbs.withUnsafeBufferPointer { multiply(limbs: buffer.baseAddress!, montgomery: $0.baseAddress!) }
        }
    }

    /// x as l zero-padded limbs in `out`, for 0 <= x < m.
    func load(_ x: BigInt, into out: UnsafeMutablePointer<mp_limb_t>) {
        precondition(x.signum >= 0 && x < modulus, "value outside [0, m)")
        x.withMPZ { he_limbs_copy(out, limbCount, $0) }
    }
}

/// Fixed-base exponentiation base^a mod m for exponents of up to `exponentBits` bits, in constant time: the
/// exponent is cut into w-bit windows, and row i of the table holds base^(d 2^(w i)) for every digit d = 0 ...
/// 2^w - 1 (in Montgomery form, one contiguous block of limbs). Every power multiplies one entry from every
/// row, and each entry is read with `mpn_sec_tabselect`, which touches the whole row; so neither the number of
/// products nor the memory addresses depend on a. Built once, then only read, so it can be shared between
/// threads.
package final class FixedBaseTable: @unchecked Sendable {
    /// Window width: 6 bits (256 rows of 64 entries, 12.6 MB at |n| = 3072). Each row costs one product and
    /// one reduction plus a scan of the whole row; wider rows save products but the scan grows as 2^w. In the
    /// batched walks of many encryptions 6 and 7 bits cost within 5% of each other, and 7 bits needs a table
    /// 1.7x the size (docs/BENCHMARKS.md, "Where the time goes, and the window width").
    package static let defaultWindowBits = 6

    package let exponentBits: Int
    package let windowBits: Int
    package let rows: Int
    let field: MontgomeryModulus
    /// Exponent limbs a caller passes: the exponent's own limbs plus zero padding for the window reader.
    let exponentWordCount: Int
    /// rows * 2^w entries of l limbs.
    private let entries: UnsafeMutablePointer<mp_limb_t>

    package init(base: BigInt, field: MontgomeryModulus, exponentBits: Int,
                 windowBits: Int = FixedBaseTable.defaultWindowBits) {
        precondition((1...8).contains(windowBits), "window width must be 1...8 bits")
        precondition(exponentBits > 0, "exponent length must be positive")
        self.exponentBits = exponentBits
        self.windowBits = windowBits
        self.field = field
        let rowCount = (exponentBits + windowBits - 1) / windowBits
        rows = rowCount
        exponentWordCount = (rowCount * windowBits + 63) / 64 + 1
        let l = field.limbCount
        let perRow = (1 << windowBits) * l
        entries = .allocate(capacity: rowCount * perRow)
        // Row bases base^(2^(w i)) by repeated squaring (public values, ordinary GMP), then each row on its own.
        var rowBases: [BigInt] = [base.modulo(field.modulus)]
        for _ in 1..<rowCount {
            var b = rowBases.last!
            for _ in 0..<windowBits { b = (b * b).modulo(field.modulus) }
            rowBases.append(b)
        }
        let table = UncheckedSendable(entries)
        let bases = rowBases
        let digits = 1 << windowBits
        Parallelism.forEach(iterations: rowCount) { row in
            let first = table.value + row * perRow
            // Entry 0 is R mod m (1 in Montgomery form); entry d is entry d-1 times the row base.
            field.toMontgomery(BigInt(1), into: first)
            guard digits > 1 else { return }
            field.toMontgomery(bases[row], into: first + l)
            for d in 2..<digits {
                he_mont_multiply_almost(first + d * l, first + (d - 1) * l, first + l, field.limbs, l,
                                        field.negativeInverse)
            }
        }
    }

    deinit {
        entries.deallocate()
    }

    /// base^a mod m, fully reduced, for 0 <= a < 2^exponentBits (for tests and cross-checks).
    package func power(_ a: BigInt, split: Bool = false) -> BigInt {
        precondition(a.signum >= 0 && a.bitWidth <= exponentBits, "exponent outside the table's range")
        let words = a.littleEndianWords(count: exponentWordCount)!.map { mp_limb_t($0) }
        let l = field.limbCount
        return withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: 2 * l) { buffer in
            let rho = buffer.baseAddress!, one = rho + l
            words.withUnsafeBufferPointer { power(exponent: $0.baseAddress!, into: rho, split: split) }
            field.load(BigInt(1), into: one)
            return field.multiply(limbs: one, montgomery: rho)
        }
    }

    /// base^a R mod m (almost reduced, below R) written to `out` (l limbs), where `exponent` holds
    /// `exponentWordCount` limbs of a, least significant first, a < 2^exponentBits.
    ///
    /// With `split` (and more than one thread allowed, see ``Parallelism/threadLimit``) the two halves of the
    /// rows run on two threads and are combined with one Montgomery product: about half the latency of one
    /// call, for single encryptions. Batches keep `split` off and run whole batched walks side by side instead.
    func power(exponent: UnsafePointer<mp_limb_t>, into out: UnsafeMutablePointer<mp_limb_t>, split: Bool = false) {
        if split, rows >= 2, Parallelism.threadLimit != 1 {
            let l = field.limbCount
            let partials = UnsafeMutablePointer<mp_limb_t>.allocate(capacity: 2 * l)
            defer {
                he_secure_zero(partials, 2 * l * 8)
                partials.deallocate()
            }
            let shared = UncheckedSendable((partials, exponent))
            let half = rows / 2
            Parallelism.forEach(iterations: 2) { part in
                let (partials, exponent) = shared.value
                self.powerRows(part == 0 ? 0 : half, count: part == 0 ? half : self.rows - half,
                               exponents: exponent, into: partials + part * l)
            }
            he_mont_multiply_almost(out, partials, partials + l, field.limbs, l, field.negativeInverse)
        } else {
            powerRows(0, count: rows, exponents: exponent, into: out)
        }
    }

    /// base^(a_j) R mod m (almost reduced) for k exponents at once: `exponents` holds k blocks of
    /// `exponentWordCount` limbs, `out` receives k blocks of l limbs. The table rows are walked once for the
    /// whole batch (each row is scanned k times while it is in cache), which is what makes batches of
    /// encryptions cheaper per ciphertext than single ones.
    func power(batch k: Int, exponents: UnsafePointer<mp_limb_t>, into out: UnsafeMutablePointer<mp_limb_t>) {
        precondition(k >= 1, "empty batch")
        powerRows(0, count: rows, batch: k, exponents: exponents, into: out)
    }

    /// base^(a_j) mod m, fully reduced, for every exponent 0 <= a_j < 2^exponentBits through one batched walk
    /// (for tests and cross-checks).
    package func powers(_ exponents: [BigInt]) -> [BigInt] {
        precondition(!exponents.isEmpty, "empty batch")
        let words = exponents.flatMap { a in
            precondition(a.signum >= 0 && a.bitWidth <= exponentBits, "exponent outside the table's range")
            return a.littleEndianWords(count: exponentWordCount)!.map { mp_limb_t($0) }
        }
        let l = field.limbCount
        let k = exponents.count
        return withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: (k + 1) * l) { buffer in
            let rho = buffer.baseAddress!, one = rho + k * l
            words.withUnsafeBufferPointer { power(batch: k, exponents: $0.baseAddress!, into: rho) }
            field.load(BigInt(1), into: one)
            return (0..<k).map { field.multiply(limbs: one, montgomery: rho + $0 * l) }
        }
    }

    private func powerRows(_ first: Int, count: Int, batch k: Int = 1, exponents: UnsafePointer<mp_limb_t>,
                           into out: UnsafeMutablePointer<mp_limb_t>) {
        let l = field.limbCount
        let scratchCount = he_fixed_base_scratch(l)
        withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: scratchCount) { scratch in
            he_fixed_base_power(out, k, entries, first, count, UInt32(windowBits), exponents, exponentWordCount,
                                field.limbs, l, field.negativeInverse, scratch.baseAddress!)
            he_secure_zero(scratch.baseAddress, scratchCount * 8)
        }
    }
}
