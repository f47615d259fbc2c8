/// Marker for the representation of a polynomial.
public protocol PolyFormat: Sendable {}
/// Coefficient representation.
public enum Coeff: PolyFormat {}
/// Evaluation (NTT) representation: pointwise products are ring products.
public enum Eval: PolyFormat {}

/// A polynomial in Z_Q[X]/(X^N + 1) stored as k residue polynomials ("limbs") of N words each,
/// limb-major. The representation is part of the type: ring multiplication exists only for `Eval`,
/// automorphisms and CRT composition only for `Coeff`, so a wrong-form operation does not compile.
public struct RnsPoly<F: PolyFormat>: Sendable, Equatable {
    public let context: PolyContext
    public var data: [UInt64]

    public init(zeroIn context: PolyContext) {
        self.context = context
        data = [UInt64](repeating: 0, count: context.degree * context.limbCount)
    }

    public init(context: PolyContext, data: [UInt64]) {
        precondition(data.count == context.degree * context.limbCount)
        self.context = context
        self.data = data
    }

    public var degree: Int { context.degree }
    public var limbCount: Int { context.limbCount }

    /// The residues modulo q_i.
    public func limb(_ i: Int) -> ArraySlice<UInt64> { data[(i * degree)..<((i + 1) * degree)] }

    public static func == (lhs: RnsPoly, rhs: RnsPoly) -> Bool { lhs.context == rhs.context && lhs.data == rhs.data }

    @inline(__always)
    mutating func forEachLimb(
        with other: RnsPoly, _ body: (Modulus, UnsafeMutablePointer<UInt64>, UnsafePointer<UInt64>, Int) -> Void
    ) {
        precondition(context == other.context, "operands in different rings")
        let n = degree
        let moduli = context.moduli
        data.withUnsafeMutableBufferPointer { a in
            other.data.withUnsafeBufferPointer { b in
                for (i, q) in moduli.enumerated() { body(q, a.baseAddress! + i * n, b.baseAddress! + i * n, n) }
            }
        }
    }

    public static func += (lhs: inout RnsPoly, rhs: RnsPoly) {
        lhs.forEachLimb(with: rhs) { q, a, b, n in
            for j in 0..<n { a[j] = q.add(a[j], b[j]) }
        }
    }

    public static func -= (lhs: inout RnsPoly, rhs: RnsPoly) {
        lhs.forEachLimb(with: rhs) { q, a, b, n in
            for j in 0..<n { a[j] = q.subtract(a[j], b[j]) }
        }
    }

    public static func + (lhs: RnsPoly, rhs: RnsPoly) -> RnsPoly {
        var r = lhs
        r += rhs
        return r
    }

    public static func - (lhs: RnsPoly, rhs: RnsPoly) -> RnsPoly {
        var r = lhs
        r -= rhs
        return r
    }

    public static prefix func - (x: RnsPoly) -> RnsPoly {
        var r = x
        r.negate()
        return r
    }

    public mutating func negate() {
        let n = degree
        let moduli = context.moduli
        data.withUnsafeMutableBufferPointer { a in
            for (i, q) in moduli.enumerated() {
                let p = a.baseAddress! + i * n
                for j in 0..<n { p[j] = q.negate(p[j]) }
            }
        }
    }

    /// Multiplies by an integer given by its residues modulo each q_i (same in both representations).
    public mutating func multiply(byResidues scalars: [UInt64]) {
        precondition(scalars.count == limbCount)
        let n = degree
        let moduli = context.moduli
        data.withUnsafeMutableBufferPointer { a in
            for (i, q) in moduli.enumerated() {
                let s = ShoupMultiplier(q.reduce(scalars[i]), modulus: q)
                let p = a.baseAddress! + i * n
                for j in 0..<n { p[j] = s.multiply(p[j], modulus: q) }
            }
        }
    }

    /// Multiplies by a word-size integer.
    public mutating func multiply(byScalar s: UInt64) {
        multiply(byResidues: context.moduli.map { $0.reduce(s) })
    }

    /// The coefficient words of an owned polynomial without copying them: the polynomial gives up its
    /// reference, so a caller's temporary is transformed in place.
    @inline(__always)
    static func takeData(_ p: consuming RnsPoly) -> [UInt64] {
        var owned = consume p
        let d = owned.data
        owned.data = []
        return d
    }

    /// The same polynomial restricted to the first `count` primes.
    public func prefix(_ count: Int) -> RnsPoly {
        if count == limbCount { return self }
        return RnsPoly(context: context.prefix(count), data: Array(data[0..<(count * degree)]))
    }
}

extension RnsPoly where F == Eval {
    /// Pointwise (ring) product.
    public static func *= (lhs: inout RnsPoly, rhs: RnsPoly) {
        lhs.forEachLimb(with: rhs) { q, a, b, n in
            for j in 0..<n { a[j] = q.multiply(a[j], b[j]) }
        }
    }

    public static func * (lhs: consuming RnsPoly, rhs: RnsPoly) -> RnsPoly {
        var r = consume lhs
        r *= rhs
        return r
    }

    /// self += a * b (pointwise).
    public mutating func multiplyAdd(_ a: RnsPoly, _ b: RnsPoly) {
        precondition(context == a.context && context == b.context, "operands in different rings")
        let n = degree
        let moduli = context.moduli
        data.withUnsafeMutableBufferPointer { r in
            a.data.withUnsafeBufferPointer { x in
                b.data.withUnsafeBufferPointer { y in
                    for (i, q) in moduli.enumerated() {
                        let off = i * n
                        let rp = r.baseAddress! + off
                        let xp = x.baseAddress! + off
                        let yp = y.baseAddress! + off
                        for j in 0..<n { rp[j] = q.add(rp[j], q.multiply(xp[j], yp[j])) }
                    }
                }
            }
        }
    }

    /// Back to coefficient form.
    public consuming func inverseNtt() -> RnsPoly<Coeff> {
        let n = degree
        let tables = context.tables
        let context = self.context
        var d = Self.takeData(consume self)
        d.withUnsafeMutableBufferPointer { a in
            for (i, t) in tables.enumerated() {
                t.inverse(UnsafeMutableBufferPointer(rebasing: a[(i * n)..<((i + 1) * n)]))
            }
        }
        return RnsPoly<Coeff>(context: context, data: d)
    }
}

extension RnsPoly where F == Coeff {
    /// To evaluation form.
    public consuming func forwardNtt() -> RnsPoly<Eval> {
        let n = degree
        let tables = context.tables
        let context = self.context
        var d = Self.takeData(consume self)
        d.withUnsafeMutableBufferPointer { a in
            for (i, t) in tables.enumerated() {
                t.forward(UnsafeMutableBufferPointer(rebasing: a[(i * n)..<((i + 1) * n)]))
            }
        }
        return RnsPoly<Eval>(context: context, data: d)
    }

    /// self * m through the NTT, limb by limb (forward, pointwise product, inverse, while the limb is in cache);
    /// the forward transforms skip their final reduction, since the product's Barrett reduction takes any
    /// 128-bit value.
    public consuming func multiplied(byEvaluated m: RnsPoly<Eval>) -> RnsPoly<Coeff> {
        precondition(context == m.context, "operands in different rings")
        let n = degree
        let context = self.context
        var d = Self.takeData(consume self)
        d.withUnsafeMutableBufferPointer { a in
            m.data.withUnsafeBufferPointer { b in
                for (i, t) in context.tables.enumerated() {
                    let limb = UnsafeMutableBufferPointer(rebasing: a[(i * n)..<((i + 1) * n)])
                    t.forwardLazy(limb)
                    let q = context.moduli[i]
                    let x = limb.baseAddress!
                    let y = b.baseAddress! + i * n
                    for j in 0..<n { x[j] = q.multiply(x[j], y[j]) }
                    t.inverse(limb)
                }
            }
        }
        return RnsPoly(context: context, data: d)
    }

    /// The polynomial with small signed integer coefficients (|c| < min q_i) in every limb.
    public init(context: PolyContext, signedCoefficients c: [Int64]) {
        precondition(c.count == context.degree)
        var d = [UInt64](repeating: 0, count: context.degree * context.limbCount)
        let n = context.degree
        for (i, q) in context.moduli.enumerated() {
            for j in 0..<n { d[i * n + j] = q.reduce(signed: c[j]) }
        }
        self.init(context: context, data: d)
    }

    /// The automorphism X -> X^g for odd g (a Galois element of Z_2N^*).
    public func applyGalois(element g: Int) -> RnsPoly {
        let n = degree
        let twoN = 2 * n
        precondition(g > 0 && g < twoN && g & 1 == 1, "Galois element must be odd and below 2N")
        var out = RnsPoly(zeroIn: context)
        let moduli = context.moduli
        out.data.withUnsafeMutableBufferPointer { o in
            data.withUnsafeBufferPointer { a in
                for (l, q) in moduli.enumerated() {
                    let src = a.baseAddress! + l * n
                    let dst = o.baseAddress! + l * n
                    var index = 0
                    for j in 0..<n {
                        // X^j -> X^(j*g mod 2N); exponents >= N wrap with a sign change.
                        let target = index & (n - 1)
                        let v = src[j]
                        dst[target] = index >= n ? q.negate(v) : v
                        index += g
                        if index >= twoN { index -= twoN }
                    }
                }
            }
        }
        return out
    }
}
