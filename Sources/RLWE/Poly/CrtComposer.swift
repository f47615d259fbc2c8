/// Composition of RNS residues into multi-word integers (little-endian 64-bit words), for the few
/// places that need exact big integers: the noise budget and tests.
public struct CrtComposer: Sendable {
    public let moduli: [Modulus]
    /// Q as words.
    public let product: [UInt64]
    let qHat: [[UInt64]]  // Q / q_i as words
    let qHatInverse: [ShoupMultiplier]
    /// Q / q_i and Q modulo 2^128 (low, high words), and 1 / q_i: the short path of `maxCenteredBitLength`.
    let qHat128: [(UInt64, UInt64)]
    let product128: (UInt64, UInt64)
    let inverseModuli: [Double]

    public init(moduli: [Modulus]) {
        self.moduli = moduli
        var p: [UInt64] = [1]
        for q in moduli { p = BigWords.multiply(p, q.value) }
        product = BigWords.normalized(p)
        qHat = moduli.indices.map { i in
            var h: [UInt64] = [1]
            for (k, q) in moduli.enumerated() where k != i { h = BigWords.multiply(h, q.value) }
            return BigWords.normalized(h)
        }
        qHatInverse = CrtComposer.puncturedProductInverses(moduli)
        func low128(_ x: [UInt64]) -> (UInt64, UInt64) { (x[0], x.count > 1 ? x[1] : 0) }
        qHat128 = qHat.map(low128)
        product128 = low128(product)
        inverseModuli = moduli.map { 1.0 / Double($0.value) }
    }

    /// [(Q/q_i)^-1]_(q_i) for each prime of a basis of distinct primes (the CRT reconstruction factors).
    public static func puncturedProductInverses(_ moduli: [Modulus]) -> [ShoupMultiplier] {
        moduli.enumerated().map { i, q in
            var prod: UInt64 = 1
            for (k, r) in moduli.enumerated() where k != i { prod = q.multiply(prod, q.reduce(r.value)) }
            return ShoupMultiplier(q.inverse(prod)!, modulus: q)
        }
    }

    /// The integer in [0, Q) with the given residues.
    public func compose(_ residues: [UInt64]) -> [UInt64] {
        precondition(residues.count == moduli.count)
        var acc = [UInt64](repeating: 0, count: product.count + 2)
        for i in moduli.indices {
            let yi = qHatInverse[i].multiply(residues[i], modulus: moduli[i])
            BigWords.addProduct(&acc, qHat[i], yi)
        }
        // acc < k * Q: subtract Q while acc >= Q.
        while BigWords.compare(acc, product) >= 0 { BigWords.subtract(&acc, product) }
        return BigWords.normalized(acc)
    }

    /// max over the coefficients of bitLength(|x_j|), x_j the centred representative in (-Q/2, Q/2] of the
    /// integer with residues `data[i * degree + j]` (limb-major, every residue reduced). The same result as
    /// composing each coefficient with `compose`, without allocating per coefficient.
    ///
    /// When Q exceeds 2^128, each coefficient first takes a short path: sum_i y_i (Q/q_i) - v Q modulo 2^128,
    /// with y_i = [x (Q/q_i)^-1]_(q_i) and v = round(sum_i y_i / q_i) in double precision, read as a signed
    /// 128-bit candidate c. If |c| < 2^126 and c has the given residue modulo every q_i, then c is congruent to
    /// x_j modulo Q and lies in (-Q/2, Q/2], so it is x_j, whatever the rounding of v did; otherwise (large
    /// values: little noise budget left) the coefficient is composed exactly with multi-word arithmetic.
    public func maxCenteredBitLength(_ data: UnsafeBufferPointer<UInt64>, degree n: Int) -> Int {
        let k = moduli.count
        precondition(data.count >= k * n)
        let words = product.count + 2
        func padded(_ x: [UInt64]) -> [UInt64] { x + [UInt64](repeating: 0, count: words - x.count) }
        let halfQ = padded(BigWords.halved(product))
        let q = padded(product)
        let hats = qHat.flatMap(padded)  // k rows of `words` words
        let shortPath = BigWords.bitLength(product) > 128
        var acc = [UInt64](repeating: 0, count: words)
        var maxBits = 0
        acc.withUnsafeMutableBufferPointer { ab in
            halfQ.withUnsafeBufferPointer { hb in
                q.withUnsafeBufferPointer { qb in
                    hats.withUnsafeBufferPointer { xb in
                        let a = ab.baseAddress!
                        let h = hb.baseAddress!
                        let qp = qb.baseAddress!

                        /// bitLength(|x_j|) from the signed 128-bit candidate, or nil when it cannot be trusted.
                        func short(_ j: Int) -> Int? {
                            var lo: UInt64 = 0
                            var hi: UInt64 = 0
                            var fraction = 0.0
                            for i in 0..<k {
                                let yi = qHatInverse[i].multiply(data[i &* n &+ j], modulus: moduli[i])
                                fraction += Double(yi) * inverseModuli[i]
                                let (hatLow, hatHigh) = qHat128[i]
                                let p = yi.multipliedFullWidth(by: hatLow)
                                let (s, o) = lo.addingReportingOverflow(p.low)
                                lo = s
                                hi = hi &+ p.high &+ yi &* hatHigh &+ (o ? 1 : 0)
                            }
                            let v = UInt64(fraction.rounded())  // sum / Q in [0, k): v <= k
                            let p = v.multipliedFullWidth(by: product128.0)
                            let (d, b) = lo.subtractingReportingOverflow(p.low)
                            lo = d
                            hi = hi &- p.high &- v &* product128.1 &- (b ? 1 : 0)
                            let negative = hi >> 63 == 1
                            if negative {
                                lo = ~lo &+ 1
                                hi = ~hi &+ (lo == 0 ? 1 : 0)
                            }
                            guard hi >> 62 == 0 else { return nil }
                            for i in 0..<k {
                                let m = moduli[i]
                                let r = m.reduce(high: hi, low: lo)
                                guard (negative ? m.negate(r) : r) == data[i &* n &+ j] else { return nil }
                            }
                            return hi != 0 ? 128 - hi.leadingZeroBitCount : 64 - lo.leadingZeroBitCount
                        }

                        /// bitLength(|x_j|) by exact composition.
                        func exact(_ j: Int) -> Int {
                            for w in 0..<words { a[w] = 0 }
                            for i in 0..<k {
                                let yi = qHatInverse[i].multiply(data[i &* n &+ j], modulus: moduli[i])
                                let x = xb.baseAddress! + i &* words
                                var carry: UInt64 = 0
                                for w in 0..<(words - 1) {
                                    let p = x[w].multipliedFullWidth(by: yi)
                                    let (s1, o1) = a[w].addingReportingOverflow(p.low)
                                    let (s2, o2) = s1.addingReportingOverflow(carry)
                                    a[w] = s2
                                    carry = p.high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
                                }
                                a[words - 1] &+= carry
                            }
                            // acc < k Q: subtract Q while acc >= Q, then take Q - acc when acc > Q / 2.
                            while Self.compare(a, qp, words) >= 0 { Self.subtract(a, qp, words) }
                            if Self.compare(a, h, words) > 0 {
                                var borrow: UInt64 = 0
                                for w in 0..<words {
                                    let (d1, o1) = qp[w].subtractingReportingOverflow(a[w])
                                    let (d2, o2) = d1.subtractingReportingOverflow(borrow)
                                    a[w] = d2
                                    borrow = (o1 || o2) ? 1 : 0
                                }
                            }
                            var w = words - 1
                            while w > 0, a[w] == 0 { w -= 1 }
                            return w * 64 + (64 - a[w].leadingZeroBitCount)
                        }

                        for j in 0..<n {
                            maxBits = max(maxBits, (shortPath ? short(j) : nil) ?? exact(j))
                        }
                    }
                }
            }
        }
        return maxBits
    }

    @inline(__always)
    private static func compare(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, _ words: Int) -> Int {
        var i = words - 1
        while i >= 0 {
            if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
            i -= 1
        }
        return 0
    }

    @inline(__always)
    private static func subtract(_ a: UnsafeMutablePointer<UInt64>, _ b: UnsafePointer<UInt64>, _ words: Int) {
        var borrow: UInt64 = 0
        for w in 0..<words {
            let (d1, o1) = a[w].subtractingReportingOverflow(b[w])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            a[w] = d2
            borrow = (o1 || o2) ? 1 : 0
        }
    }
}

/// Minimal unsigned multi-word arithmetic on little-endian word arrays.
public enum BigWords {
    public static func normalized(_ a: [UInt64]) -> [UInt64] {
        var r = a
        while r.count > 1, r.last == 0 { r.removeLast() }
        return r
    }

    public static func multiply(_ a: [UInt64], _ w: UInt64) -> [UInt64] {
        var r = [UInt64](repeating: 0, count: a.count + 1)
        var carry: UInt64 = 0
        for i in a.indices {
            let p = a[i].multipliedFullWidth(by: w)
            let (s, o) = p.low.addingReportingOverflow(carry)
            r[i] = s
            carry = p.high &+ (o ? 1 : 0)
        }
        r[a.count] = carry
        return r
    }

    /// acc += a * w (acc must be long enough).
    public static func addProduct(_ acc: inout [UInt64], _ a: [UInt64], _ w: UInt64) {
        var carry: UInt64 = 0
        for i in a.indices {
            let p = a[i].multipliedFullWidth(by: w)
            let (s1, o1) = acc[i].addingReportingOverflow(p.low)
            let (s2, o2) = s1.addingReportingOverflow(carry)
            acc[i] = s2
            carry = p.high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
        }
        var i = a.count
        while carry != 0, i < acc.count {
            let (s, o) = acc[i].addingReportingOverflow(carry)
            acc[i] = s
            carry = o ? 1 : 0
            i += 1
        }
    }

    public static func compare(_ a: [UInt64], _ b: [UInt64]) -> Int {
        let n = max(a.count, b.count)
        for i in stride(from: n - 1, through: 0, by: -1) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// a -= b, requires a >= b.
    public static func subtract(_ a: inout [UInt64], _ b: [UInt64]) {
        var borrow: UInt64 = 0
        for i in a.indices {
            let y = i < b.count ? b[i] : 0
            let (d1, o1) = a[i].subtractingReportingOverflow(y)
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            a[i] = d2
            borrow = (o1 || o2) ? 1 : 0
        }
    }

    public static func difference(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var r = a
        if r.count < b.count { r += [UInt64](repeating: 0, count: b.count - r.count) }
        subtract(&r, b)
        return normalized(r)
    }

    public static func bitLength(_ a: [UInt64]) -> Int {
        for i in stride(from: a.count - 1, through: 0, by: -1) where a[i] != 0 {
            return i * 64 + (64 - a[i].leadingZeroBitCount)
        }
        return 0
    }

    /// a >> 1.
    public static func halved(_ a: [UInt64]) -> [UInt64] {
        var r = a
        for i in r.indices {
            r[i] = (r[i] >> 1) | (i + 1 < r.count ? r[i + 1] << 63 : 0)
        }
        return normalized(r)
    }
}
