// rho-zCDP to (epsilon, delta)-DP, computed as OpenDP 0.16 computes it (`make_zCDP_to_approxDP`, whose privacy
// profile is `cdp_delta`, and `PrivacyProfile.epsilon`), so that the two tools record the same numbers.
//
// Source of the bound: Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS
// 2020), the conversion of concentrated to approximate DP: rho-zCDP implies (epsilon, delta)-DP for
//     delta = exp((alpha - 1)(alpha rho - epsilon) + alpha ln(1 - 1/alpha)) / (alpha - 1)   for every alpha > 1.
// delta(epsilon): alpha is found by bisection on the derivative of the exponent (it is convex), in plain floating
// point (any alpha gives a valid bound), between 1.01 and (epsilon + 1) / (2 rho) + 2; the bound itself is then
// evaluated with every operation rounded outward, so that delta is never under-reported.
// epsilon(delta): bisection on delta(epsilon), which is decreasing, returning the smallest epsilon found whose
// delta does not exceed the one asked for.
//
// Floating point is used here and only here: accounting of public parameters, not the noise path.

import Foundation

/// Conversions from zCDP to approximate differential privacy.
public enum ApproximateDP {
    /// The smallest delta such that rho-zCDP implies (epsilon, delta)-DP by the bound above (at most 1). Where
    /// OpenDP reports an overflow (the bound's exponent beyond the range of `Double`, so delta far above 1), this
    /// returns 1.
    public static func delta(rho: Double, epsilon: Double) throws(PrivacyError) -> Double {
        guard !rho.isNaN, !epsilon.isNaN else { throw .notFinite(name: rho.isNaN ? "rho" : "epsilon") }
        guard rho >= 0, rho.sign == .plus else {
            throw .negativeParameter(name: "rho", value: Rational(exactly: rho) ?? 0)
        }
        guard epsilon >= 0, epsilon.sign == .plus else {
            throw .negativeParameter(name: "epsilon", value: Rational(exactly: epsilon) ?? 0)
        }
        if rho == 0 || epsilon.isInfinite { return 0 }
        if rho.isInfinite { return 1 }

        // alpha in [1.01, (epsilon + 1) / (2 rho) + 2], the upper end rounded up
        let ratio = Outward.divide(Outward.add(epsilon, 1, .up), Outward.multiply(2, rho, .down), .up)
        var high = Outward.add(ratio, 2, .up)
        var low = 1.01
        while true {
            let middle = low + (high - low) / 2
            if middle == high || middle == low { break }
            let derivative = (2 * middle - 1) * rho - epsilon + Foundation.log1p(-1 / middle)
            if derivative.sign == .minus { low = middle } else { high = middle }
        }
        let alpha = high
        let slope = Outward.subtract(Outward.multiply(alpha, rho, .up), epsilon, .up)  // alpha rho - epsilon
        let alphaMinusOne = Outward.subtract(alpha, 1, slope.sign == .minus ? .down : .up)
        var t1 = Outward.multiply(alphaMinusOne, slope, .up)
        if t1.isInfinite && t1 < 0 { t1 = -Double.greatestFiniteMagnitude }
        let t2 = Outward.multiply(alpha, Outward.log1p(-Outward.divide(1, alpha, .down), .up), .up)
        let value = Outward.divide(Outward.exp(Outward.add(t1, t2, .up), .up), Outward.subtract(alpha, 1, .down), .up)
        return min(value, 1)
    }

    /// The smallest epsilon (to floating-point resolution) such that rho-zCDP implies (epsilon, delta)-DP;
    /// `delta` must be in (0, 1]. Infinite when no finite epsilon exists.
    public static func epsilon(rho: Double, delta: Double) throws(PrivacyError) -> Double {
        guard delta.isFinite, delta > 0, delta <= 1 else { throw .deltaOutOfRange(delta) }
        if delta == 1 { return 0 }
        var low = 0.0
        var high = 2.0
        while try Self.delta(rho: rho, epsilon: high) > delta {
            high *= high
            if high.isInfinite { return .infinity }
        }
        var middle = low
        while true {
            let next = low + (high - low) / 2
            if next == middle {
                return try Self.delta(rho: rho, epsilon: low) == delta ? low : high
            }
            middle = next
            let d = try Self.delta(rho: rho, epsilon: middle)
            if d > delta { low = middle } else { high = middle }
        }
    }
}

/// Floating-point operations rounded up or down (outward), for privacy bounds that must not be understated.
/// Add, subtract, multiply and divide are rounded exactly from error-free transformations; `exp` and `log1p`
/// take the C library's result (within 1 ulp of the exact value) one ulp further out.
enum Outward {
    enum Direction { case up, down }

    static func add(_ a: Double, _ b: Double, _ direction: Direction) -> Double {
        let sum = a + b
        guard sum.isFinite else { return sum }
        let bVirtual = sum - a
        let error = (a - (sum - bVirtual)) + (b - bVirtual)  // a + b = sum + error exactly (Knuth's TwoSum)
        return adjust(sum, error, direction)
    }

    static func subtract(_ a: Double, _ b: Double, _ direction: Direction) -> Double { add(a, -b, direction) }

    static func multiply(_ a: Double, _ b: Double, _ direction: Direction) -> Double {
        let product = a * b
        guard product.isFinite else { return product }
        return adjust(product, (-product).addingProduct(a, b), direction)  // a b = product + error exactly
    }

    static func divide(_ a: Double, _ b: Double, _ direction: Direction) -> Double {
        let quotient = a / b
        guard quotient.isFinite else { return quotient }
        if quotient == 0 {
            // underflow to zero: the exact quotient is a tiny value of sign(a) sign(b) unless a is zero
            guard a != 0, b.isFinite else { return quotient }
            let positive = (a > 0) == (b > 0)
            switch direction {
            case .up: return positive ? .leastNonzeroMagnitude : -0.0
            case .down: return positive ? 0 : -.leastNonzeroMagnitude
            }
        }
        let remainder = a.addingProduct(-quotient, b)  // a - quotient b, exact; a / b - quotient = remainder / b
        let error = b > 0 ? remainder : -remainder
        return adjust(quotient, error, direction)
    }

    static func exp(_ x: Double, _ direction: Direction) -> Double {
        if x == 0 { return 1 }
        let value = Foundation.exp(x)
        return direction == .up ? value.nextUp : max(0, value.nextDown)
    }

    static func log1p(_ x: Double, _ direction: Direction) -> Double {
        if x == 0 { return 0 }
        let value = Foundation.log1p(x)
        return direction == .up ? value.nextUp : value.nextDown
    }

    private static func adjust(_ value: Double, _ error: Double, _ direction: Direction) -> Double {
        switch direction {
        case .up: error > 0 ? value.nextUp : value
        case .down: error < 0 ? value.nextDown : value
        }
    }
}
