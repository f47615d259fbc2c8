/// A word-size modulus with precomputed Barrett constants.
///
/// Supported moduli are in 2 ..< 2^61, which leaves the headroom that lazy reduction needs
/// (values up to 4q still fit a word). All operations on reduced inputs are branch-free selects,
/// so they take the same time whatever the (possibly secret) operand values.
public struct Modulus: Sendable, Hashable, CustomStringConvertible {
    /// The modulus q.
    public let value: UInt64
    /// floor(2^128 / q), high and low words.
    @usableFromInline let ratioHigh: UInt64
    @usableFromInline let ratioLow: UInt64
    /// floor(2^64 / q).
    @usableFromInline let ratio64: UInt64
    /// Number of significant bits of q.
    public let bitWidth: Int

    public static let maxValue: UInt64 = 1 << 61

    public init(_ value: UInt64) throws(RlweError) {
        guard value >= 2, value < Modulus.maxValue else {
            throw .invalidModulus(modulus: value, reason: "expected 2 <= q < 2^61")
        }
        self.value = value
        // floor(2^128 / q): divide (2^128 - 1) and correct for the case q | 2^128 (q a power of two).
        let (qh, rh) = UInt64.max.quotientAndRemainder(dividingBy: value)
        let (ql, rl) = value.dividingFullWidth((rh, UInt64.max))
        var high = qh
        var low = ql
        if rl == value - 1 {  // (2^128 - 1) mod q == q - 1  <=>  q divides 2^128
            low &+= 1
            if low == 0 { high &+= 1 }
        }
        ratioHigh = high
        ratioLow = low
        ratio64 = value.dividingFullWidth((1, 0)).quotient
        bitWidth = 64 - value.leadingZeroBitCount
    }

    public var description: String { "\(value)" }

    // MARK: reduction

    /// x mod q for any word x.
    @inlinable @inline(__always)
    public func reduce(_ x: UInt64) -> UInt64 {
        let qhat = x.multipliedFullWidth(by: ratio64).high
        let r = x &- qhat &* value
        return subtractIfAtLeast(r)
    }

    /// (high * 2^64 + low) mod q for any 128-bit input (Barrett reduction with floor(2^128 / q)).
    @inlinable @inline(__always)
    public func reduce(high: UInt64, low: UInt64) -> UInt64 {
        // Estimate floor(x * ratio / 2^128); the estimate is below the true quotient by at most 3,
        // so the remainder computed modulo 2^64 is below 4q < 2^63.
        let carry = low.multipliedFullWidth(by: ratioLow).high
        let mid1 = low.multipliedFullWidth(by: ratioHigh)
        let (s1, o1) = mid1.low.addingReportingOverflow(carry)
        let mid1High = mid1.high &+ (o1 ? 1 : 0)
        let mid2 = high.multipliedFullWidth(by: ratioLow)
        let (_, o2) = s1.addingReportingOverflow(mid2.low)
        let carry2 = mid2.high &+ (o2 ? 1 : 0)
        let qhat = high &* ratioHigh &+ mid1High &+ carry2
        var r = low &- qhat &* value
        r = subtractIfAtLeast(r)
        r = subtractIfAtLeast(r)
        return subtractIfAtLeast(r)
    }

    /// a * b mod q in [0, q), for any words a and b (reduced inputs or lazy ones below 4q alike).
    @inlinable @inline(__always)
    public func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let p = a.multipliedFullWidth(by: b)
        return reduce(high: p.high, low: p.low)
    }

    /// (a + b) mod q for a, b < q.
    @inlinable @inline(__always)
    public func add(_ a: UInt64, _ b: UInt64) -> UInt64 { subtractIfAtLeast(a &+ b) }

    /// (a - b) mod q for a, b < q.
    @inlinable @inline(__always)
    public func subtract(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let d = a &- b
        // Add q back when the subtraction wrapped (d >= 2^63 iff it wrapped, since a, b < 2^61).
        return d &+ (value & (0 &- (d >> 63)))
    }

    /// -a mod q for a < q.
    @inlinable @inline(__always)
    public func negate(_ a: UInt64) -> UInt64 {
        // q - a, or 0 when a == 0, without a branch.
        let nonZero = (a | (0 &- a)) >> 63
        return (value &- a) & (0 &- nonZero)
    }

    /// x - q if x >= q, else x (branch-free; valid for x < 2q + 2^63).
    @inlinable @inline(__always)
    public func subtractIfAtLeast(_ x: UInt64) -> UInt64 {
        let d = x &- value
        // d's top bit is set iff x < q (both below 2^63).
        let mask = 0 &- (d >> 63)
        return d &+ (value & mask)
    }

    /// A small signed integer, |x| < q (a sampled secret or error coefficient), reduced to [0, q): q is added
    /// when x is negative, selected by a mask.
    @inlinable @inline(__always)
    public func reduce(small x: Int64) -> UInt64 {
        UInt64(bitPattern: x) &+ (value & UInt64(bitPattern: x >> 63))
    }

    /// A signed integer reduced to [0, q).
    @inlinable
    public func reduce(signed x: Int64) -> UInt64 {
        let magnitude = reduce(x.magnitude)
        // Branch-free: negate when x < 0.
        let negMask = UInt64(bitPattern: x >> 63)
        let negated = negate(magnitude)
        return (negated & negMask) | (magnitude & ~negMask)
    }

    /// a^e mod q (square and multiply; variable time in e, which is never secret here).
    public func power(_ base: UInt64, _ exponent: UInt64) -> UInt64 {
        var result: UInt64 = 1 % value
        var b = reduce(base)
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = multiply(result, b) }
            b = multiply(b, b)
            e >>= 1
        }
        return result
    }

    /// a^-1 mod q for prime q (Fermat), or nil when a ≡ 0.
    public func inverse(_ a: UInt64) -> UInt64? {
        let r = reduce(a)
        if r == 0 { return nil }
        return power(r, value - 2)
    }

    /// The representative of x mod q in (-q/2, q/2].
    @inlinable
    public func centered(_ x: UInt64) -> Int64 {
        x > value / 2 ? Int64(bitPattern: x) - Int64(bitPattern: value) : Int64(bitPattern: x)
    }
}

/// Shoup's precomputed multiplication by a fixed operand w modulo q:
/// x * w mod q with one high multiplication, using w' = floor(w * 2^64 / q).
public struct ShoupMultiplier: Sendable, Hashable {
    public let operand: UInt64
    public let quotient: UInt64

    public init(_ operand: UInt64, modulus: Modulus) {
        precondition(operand < modulus.value, "Shoup operand must be reduced")
        self.operand = operand
        self.quotient = modulus.value.dividingFullWidth((operand, 0)).quotient
    }

    /// x * w mod q in [0, 2q) for any word x (lazy).
    @inlinable @inline(__always)
    public func multiplyLazy(_ x: UInt64, modulus q: UInt64) -> UInt64 {
        let qhat = x.multipliedFullWidth(by: quotient).high
        return x &* operand &- qhat &* q
    }

    /// x * w mod q in [0, q) for any word x.
    @inlinable @inline(__always)
    public func multiply(_ x: UInt64, modulus: Modulus) -> UInt64 {
        modulus.subtractIfAtLeast(multiplyLazy(x, modulus: modulus.value))
    }
}
