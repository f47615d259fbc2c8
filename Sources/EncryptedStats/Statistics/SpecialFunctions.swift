import HEFiles

// Log-gamma, the regularised incomplete gamma functions and the chi-square distribution.
//
// The upper tail Q(a, x) is what p-values need, and p-values of strong associations are tiny (1e-100 is common in
// GWAS), so Q is never obtained as 1 - P where it is small: in the tail it comes from a continued fraction whose
// prefactor x^a e^-x / Gamma(a) is assembled in log space. The prefactor is written as
//     a * log1pmx((x - a) / a) + log(a / 2pi) / 2 - stirlingError(a)
// (Temme's form), which keeps full relative accuracy when a and x are both large and close to each other, where the
// naive -x + a log x - logGamma(a) cancels.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Special functions used by the statistics. All functions are pure and thread-safe; arguments outside the domain
/// give NaN, as in scipy.
public enum SpecialFunctions {
    /// log |Gamma(x)| for x > 0 (the thread-safe `lgamma_r` of the C library, accurate to a few ulps).
    public static func logGamma(_ x: Double) -> Double {
        guard x > 0 else { return x == 0 ? .infinity : .nan }
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// The Stirling-series remainder logGamma(a) - ((a - 1/2) log a - a + log(2 pi) / 2), for a > 0.
    static func stirlingError(_ a: Double) -> Double {
        if a >= 10 {
            // Asymptotic series; the first omitted term is below 3e-17 at a = 10.
            let r = 1 / a
            let r2 = r * r
            let series = 1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 * (1.0 / 1188
                - r2 * (691.0 / 360360 - r2 * (1.0 / 156))))))
            return series * r
        }
        return logGamma(a) - ((a - 0.5) * log(a) - a + halfLogTwoPi)
    }

    static let halfLogTwoPi = 0.918_938_533_204_672_741_780_329_736_4

    /// log(1 + t) - t for t > -1, without cancellation near 0.
    static func log1pmx(_ t: Double) -> Double {
        if abs(t) > 0.5 { return log1p(t) - t }
        // log(1 + t) = 2 atanh(y) with y = t / (2 + t); 2y - t = -t^2 / (2 + t) carries the leading term exactly.
        let y = t / (2 + t)
        let y2 = y * y
        var power = y * y2
        var sum = 0.0
        var k = 3.0
        while true {
            let term = power / k
            sum += term
            if abs(term) <= abs(sum) * 1e-17 { break }
            power *= y2
            k += 2
        }
        return -t * t / (2 + t) + 2 * sum
    }

    /// log(x^a e^-x / Gamma(a)) for a > 0, x > 0.
    static func logGammaPrefactor(a: Double, x: Double) -> Double {
        if a < 1 {
            // Small a: no cancellation to fear, Gamma(a) is modest.
            return a * log(x) - x - logGamma(a)
        }
        let t = (x - a) / a
        // Near x = a the series form of log1pmx avoids cancellation; away from it, log(x / a) is exact to one
        // rounding while 1 + t would lose the digits of a small x / a.
        let core = abs(t) <= 0.5 ? a * log1pmx(t) : a * log(x / a) - (x - a)
        return core + 0.5 * log(a / (2 * Double.pi)) - stirlingError(a)
    }

    static let maximumIterations = 1_000_000

    /// Series sum S with P(a, x) = prefactor / a * S, S = sum_n x^n / ((a+1)...(a+n)). Converges for all x; used
    /// for x < a + 1 where it converges fast.
    static func lowerSeries(a: Double, x: Double) -> Double {
        var term = 1.0
        var sum = 1.0
        var denominator = a
        for _ in 0..<maximumIterations {
            denominator += 1
            term *= x / denominator
            sum += term
            if term <= sum * 1e-17 { break }
        }
        return sum
    }

    /// Continued fraction F with Q(a, x) = prefactor * F (modified Lentz), used for x >= a + 1.
    static func upperContinuedFraction(a: Double, x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        for _ in 0..<maximumIterations {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= 3e-16 { break }
            i += 1
        }
        return h
    }

    /// Regularised lower incomplete gamma P(a, x) = gamma(a, x) / Gamma(a), for a > 0 and x >= 0.
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x >= 0, !a.isNaN, !x.isNaN else { return .nan }
        if x == 0 { return 0 }
        if x.isInfinite { return 1 }
        if x < a + 1 {
            return exp(logGammaPrefactor(a: a, x: x) + log(lowerSeries(a: a, x: x) / a))
        }
        // P is the large one here; its complement Q is computed accurately, so 1 - Q loses nothing.
        return 1 - exp(logGammaPrefactor(a: a, x: x) + log(upperContinuedFraction(a: a, x: x)))
    }

    /// Regularised upper incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a), for a > 0 and x >= 0. Relative accuracy
    /// is kept in the far tail; the result is 0 only when Q is below the smallest subnormal double.
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        let logQ = logRegularizedGammaQ(a, x)
        return logQ.isNaN ? .nan : exp(logQ)
    }

    /// log Q(a, x), finite far beyond the range where Q itself underflows.
    public static func logRegularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x >= 0, !a.isNaN, !x.isNaN else { return .nan }
        if x == 0 { return 0 }
        if x.isInfinite { return -.infinity }
        if x < a + 1 {
            let p = exp(logGammaPrefactor(a: a, x: x) + log(lowerSeries(a: a, x: x) / a))
            // Below a + 1 the upper tail is not small for a >= 1/2 (Q(1/2, 3/2) = 0.083 is the smallest), so the
            // complement keeps 12 ulps or better; for smaller a and P close to 1 use the continued fraction, which
            // still converges there.
            if p <= 0.9 { return log1p(-p) }
        }
        return logGammaPrefactor(a: a, x: x) + log(upperContinuedFraction(a: a, x: x))
    }
}

/// The chi-square distribution.
public enum ChiSquareDistribution {
    /// Upper tail P(X >= x) for X ~ chi-square(df): the p-value of a chi-square statistic. df > 0; x <= 0 gives 1.
    public static func survival(_ x: Double, degreesOfFreedom df: Double) -> Double {
        guard df > 0, !x.isNaN, !df.isNaN else { return .nan }
        if x <= 0 { return 1 }
        // Closed forms for the two commonest cases (every 1-df GWAS test, and 2 df): Q(1/2, x/2) = erfc(sqrt(x/2))
        // and Q(1, x/2) = exp(-x/2), both evaluated directly in the tail by the C library to about one ulp.
        if df == 1 { return erfc((x / 2).squareRoot()) }
        if df == 2 { return exp(-x / 2) }
        return SpecialFunctions.regularizedGammaQ(df / 2, x / 2)
    }

    /// Natural log of the upper tail, usable when the p-value itself underflows (below about 1e-308).
    public static func logSurvival(_ x: Double, degreesOfFreedom df: Double) -> Double {
        guard df > 0, !x.isNaN, !df.isNaN else { return .nan }
        if x <= 0 { return 0 }
        if df == 2 { return -x / 2 }
        return SpecialFunctions.logRegularizedGammaQ(df / 2, x / 2)
    }

    /// Lower tail P(X <= x).
    public static func cdf(_ x: Double, degreesOfFreedom df: Double) -> Double {
        guard df > 0, !x.isNaN, !df.isNaN else { return .nan }
        if x <= 0 { return 0 }
        return SpecialFunctions.regularizedGammaP(df / 2, x / 2)
    }
}
