// Exact rational numbers over GMP integers, always in lowest terms with a positive denominator.
//
// The samplers take their parameters (variance, scale, probabilities, exponents) as `Rational` and never convert
// them to floating point; `doubleValue` exists for display and for the (epsilon, delta) accounting only.

import Paillier  // for BigInt (GMP); the only thing this module uses from Paillier

/// An exact rational number `numerator / denominator` in lowest terms, `denominator > 0`.
public struct Rational: Sendable, Hashable {
    public let numerator: BigInt
    public let denominator: BigInt

    /// `numerator / denominator`, reduced. The denominator must not be zero.
    public init(_ numerator: BigInt, _ denominator: BigInt) {
        precondition(!denominator.isZero, "rational with zero denominator")
        let sign = denominator.signum < 0 ? -1 : 1
        let divisor = BigInt.gcd(numerator, denominator)
        let n = numerator.dividedExactly(by: divisor)
        let d = denominator.dividedExactly(by: divisor)
        self.numerator = sign < 0 ? -n : n
        self.denominator = sign < 0 ? -d : d
    }

    public init(_ value: BigInt) {
        numerator = value
        denominator = BigInt(1)
    }

    public init(_ value: Int) { self.init(BigInt(value)) }

    /// `numerator / denominator` from machine integers.
    public init(_ numerator: Int, _ denominator: Int) { self.init(BigInt(numerator), BigInt(denominator)) }

    /// The exact value of a finite `Double` (every finite double is a dyadic rational), or nil for NaN and
    /// infinities.
    public init?(exactly value: Double) {
        guard value.isFinite else { return nil }
        guard value != 0 else { self.init(0); return }
        // normal: (2^52 + fraction) * 2^(exponent - 52); subnormal: fraction * 2^-1074
        let fraction = Int64(value.significandBitPattern)
        let (integer, shift) = value.isNormal ? (fraction | 1 << 52, Int(value.exponent) - 52) : (fraction, -1074)
        let signed = BigInt(value < 0 ? -integer : integer)
        if shift >= 0 {
            self.init(signed << shift)
        } else {
            self.init(signed, BigInt(1) << -shift)
        }
    }

    /// Parses `"n"`, `"-n"`, `"n/d"` or `"-n/d"` (decimal integers, `d` positive). Decimal fractions such as
    /// `"0.25"` are not accepted: write `"1/4"`, so that the value read is exactly the one written.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
              let n = BigInt(String(parts[0])) else { return nil }
        if parts.count == 1 { self.init(n); return }
        guard let d = BigInt(String(parts[1])), d.signum > 0, !parts[1].hasPrefix("-") else { return nil }
        self.init(n, d)
    }

    /// Parses a non-negative decimal number written with digits and at most one point (`"0.25"`, `"2"`,
    /// `"1.5"`), exactly: `"0.1"` is 1/10. No sign, exponent, leading point or trailing point.
    public init?(decimal text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
              parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
              let whole = BigInt(String(parts[0])) else { return nil }
        guard parts.count == 2 else { self.init(whole); return }
        guard let fraction = BigInt(String(parts[1])) else { return nil }
        var scale = BigInt(1)
        for _ in parts[1].utf8 { scale = scale * BigInt(10) }
        self.init(whole * scale + fraction, scale)
    }

    public static let zero = Rational(0)
    public static let one = Rational(1)

    // MARK: Properties

    /// -1, 0 or 1.
    public var signum: Int { numerator.signum }

    public var isInteger: Bool { denominator == BigInt(1) }

    /// The largest integer not above the value.
    public var floor: BigInt { numerator.floorDivided(by: denominator) }

    /// The smallest integer not below the value.
    public var ceiling: BigInt { -((-numerator).floorDivided(by: denominator)) }

    /// The value minus its floor, in [0, 1).
    public var fractionalPart: Rational { Rational(numerator.modulo(denominator), denominator) }

    public var magnitude: Rational { signum < 0 ? -self : self }

    /// The floor of the square root of a non-negative value: `floor(sqrt(x)) == floor(sqrt(floor(x)))`.
    public var squareRootFloor: BigInt {
        precondition(signum >= 0, "square root of a negative rational")
        return floor.squareRoot()
    }

    /// The nearest `Double` (ties to even), for display and accounting, never for sampling. Values beyond the
    /// normal range of `Double` are not rounded correctly (they do not occur in accounting).
    public var doubleValue: Double {
        if numerator.isZero { return 0 }
        // A quotient of 55 to 56 bits plus a sticky bit for an inexact division: converting that (< 64 bits)
        // to Double rounds exactly as rounding the true quotient would.
        let k = 55 + denominator.bitWidth - numerator.bitWidth
        let magnitude = numerator.signum < 0 ? -numerator : numerator
        let (top, bottom) = k >= 0 ? (magnitude << k, denominator) : (magnitude, denominator << -k)
        let quotient = top.floorDivided(by: bottom)
        let sticky: UInt64 = quotient * bottom == top ? 0 : 1
        let bits = (quotient.uint64Value! << 1) | sticky
        let value = Double(sign: .plus, exponent: -k - 1, significand: Double(bits))
        return numerator.signum < 0 ? -value : value
    }

    // MARK: Arithmetic

    public static func + (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator)
    }

    public static func - (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.denominator - b.numerator * a.denominator, a.denominator * b.denominator)
    }

    public static func * (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.numerator, a.denominator * b.denominator)
    }

    /// Division by a non-zero rational.
    public static func / (a: Rational, b: Rational) -> Rational {
        precondition(!b.numerator.isZero, "division by zero")
        return Rational(a.numerator * b.denominator, a.denominator * b.numerator)
    }

    public static prefix func - (a: Rational) -> Rational {
        Rational(uncheckedNumerator: -a.numerator, denominator: a.denominator)
    }

    public static func += (a: inout Rational, b: Rational) { a = a + b }
    public static func -= (a: inout Rational, b: Rational) { a = a - b }

    /// The smallest multiple of `1 / denominator` that is at least this value.
    public func roundedUp(toDenominator denominator: BigInt) -> Rational {
        precondition(denominator.signum > 0, "denominator must be positive")
        return Rational((self * Rational(denominator)).ceiling, denominator)
    }

    /// The largest multiple of `1 / denominator` that is at most this value.
    public func roundedDown(toDenominator denominator: BigInt) -> Rational {
        precondition(denominator.signum > 0, "denominator must be positive")
        return Rational((self * Rational(denominator)).floor, denominator)
    }

    /// An already reduced pair.
    private init(uncheckedNumerator numerator: BigInt, denominator: BigInt) {
        self.numerator = numerator
        self.denominator = denominator
    }
}

extension Rational: Comparable {
    public static func < (a: Rational, b: Rational) -> Bool {
        a.numerator * b.denominator < b.numerator * a.denominator
    }
}

extension Rational: CustomStringConvertible {
    /// `"n"` for integers, `"n/d"` otherwise.
    public var description: String {
        isInteger ? numerator.description : "\(numerator)/\(denominator)"
    }
}

extension Rational: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}
