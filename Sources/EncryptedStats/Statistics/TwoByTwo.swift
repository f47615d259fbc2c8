// Statistics of a 2 x 2 table [[a, b], [c, d]]: the sample odds ratio with Woolf's confidence interval, and
// Fisher's exact test.
//
// Fisher's test conditions on the margins: with row totals n1 = a + b, n2 = c + d and first-column total
// k = a + c, the top-left cell X is hypergeometric, P(X = x) = C(n1, x) C(n2, k - x) / C(N, k), on the support
// max(0, k - n2) ... min(n1, k). The two-sided p-value is, as in scipy.stats.fisher_exact, the total probability of
// the tables no more probable than the observed one (with a relative tolerance of 1e-14 for ties in floating point).
//
// No log-gamma is used: the probabilities are walked from the mode by the exact ratio
//     P(x + 1) / P(x) = (n1 - x)(k - x) / ((x + 1)(n2 - k + x + 1)),
// whose numerator and denominator are exact integers rounded once each, so every term carries a relative error of a
// few ulps per step from the mode. Terms are kept with a separate binary exponent, so that a probability far below
// the smallest double (an observed table deep in the tail) is still summed and its logarithm is finite.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Statistics of a 2 x 2 table `[[a, b], [c, d]]`.
public struct TwoByTwoResult: Sendable, Equatable {
    /// The sample odds ratio a d / (b c): 0 when a d = 0, infinity when b c = 0 (both 0 would need a zero row or
    /// column total, which is refused).
    public var oddsRatio: Double
    /// Woolf's 95% confidence interval exp(log OR -/+ 1.96 sqrt(1/a + 1/b + 1/c + 1/d)); nil when a cell is 0 (the
    /// standard error of log OR is then infinite).
    public var oddsRatioInterval: (lower: Double, upper: Double)?
    /// Fisher's exact test, two-sided; nil when the table is too large for it (`TwoByTwo.maximumFisherSupport`).
    public var fisherPValue: Double?
    /// Natural log of `fisherPValue`, finite even when the p-value underflows to 0.
    public var fisherLogPValue: Double?

    public static func == (l: TwoByTwoResult, r: TwoByTwoResult) -> Bool {
        func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
        return same(l.oddsRatio, r.oddsRatio) && l.oddsRatioInterval?.lower == r.oddsRatioInterval?.lower
            && l.oddsRatioInterval?.upper == r.oddsRatioInterval?.upper && l.fisherPValue == r.fisherPValue
            && l.fisherLogPValue == r.fisherLogPValue
    }
}

/// Odds ratio and Fisher's exact test on 2 x 2 tables.
public enum TwoByTwo {
    /// The 0.975 quantile of the standard normal distribution.
    public static let normalQuantile975 = 1.959_963_984_540_054
    /// Fisher's test is computed when its support (the number of tables with the observed margins) has at most
    /// this many members; beyond that every margin is in the millions and the chi-square p-value is accurate.
    public static let maximumFisherSupport: UInt64 = 20_000_000
    /// Relative tolerance under which two table probabilities count as equal (scipy's, for rounding in the terms).
    public static let tieTolerance = 1e-14

    /// The statistics of `table` = [[a, b], [c, d]]. Every row and column total must be non-zero and the grand total
    /// at most `ChiSquareTest.maximumTotal`, as `ChiSquareTest.independence` checks.
    ///
    /// - Throws: `EncryptedStatsError.tableShape` (not 2 x 2), `.zeroMarginal`, `.tableTotalTooLarge`.
    public static func statistics(_ table: [[UInt64]]) throws(EncryptedStatsError) -> TwoByTwoResult {
        guard table.count == 2, table.allSatisfy({ $0.count == 2 }) else {
            throw .tableShape(rows: table.count, columns: table.map(\.count))
        }
        let (a, b, c, d) = (table[0][0], table[0][1], table[1][0], table[1][1])
        for cell in [a, b, c, d] where cell > ChiSquareTest.maximumTotal {
            throw .tableTotalTooLarge(limit: ChiSquareTest.maximumTotal)
        }
        guard a + b + c + d <= ChiSquareTest.maximumTotal else {
            throw .tableTotalTooLarge(limit: ChiSquareTest.maximumTotal)
        }
        if a + b == 0 { throw .zeroMarginal(axis: .row, index: 0) }
        if c + d == 0 { throw .zeroMarginal(axis: .row, index: 1) }
        if a + c == 0 { throw .zeroMarginal(axis: .column, index: 0) }
        if b + d == 0 { throw .zeroMarginal(axis: .column, index: 1) }

        let ad = UInt128(a) * UInt128(d), bc = UInt128(b) * UInt128(c)
        let oddsRatio: Double
        if bc == 0 {
            oddsRatio = ad == 0 ? .nan : .infinity
        } else {
            oddsRatio = ad == 0 ? 0 : Double(ad) / Double(bc)
        }
        var interval: (Double, Double)?
        if a > 0, b > 0, c > 0, d > 0 {
            let se = (1 / Double(a) + 1 / Double(b) + 1 / Double(c) + 1 / Double(d)).squareRoot()
            let logOR = log(Double(ad)) - log(Double(bc))
            interval = (exp(logOR - normalQuantile975 * se), exp(logOR + normalQuantile975 * se))
        }
        let fisher = fisherTwoSided(a: a, rowTotals: (a + b, c + d), firstColumn: a + c)
        return TwoByTwoResult(oddsRatio: oddsRatio, oddsRatioInterval: interval, fisherPValue: fisher?.p,
                              fisherLogPValue: fisher?.logP)
    }

    /// Two-sided Fisher p-value of the top-left cell `a`, or nil when the support is larger than
    /// `maximumFisherSupport`. Margins must be non-zero.
    static func fisherTwoSided(a: UInt64, rowTotals: (UInt64, UInt64),
                               firstColumn k: UInt64) -> (p: Double, logP: Double)? {
        let (n1, n2) = rowTotals
        let low = k > n2 ? k - n2 : 0
        let high = min(n1, k)
        guard high - low < maximumFisherSupport else { return nil }
        // The mode of the hypergeometric distribution: floor((k + 1)(n1 + 1) / (N + 2)).
        let mode = UInt64((UInt128(k + 1) * UInt128(n1 + 1)) / UInt128(n1 + n2 + 2))
        // ratio(x) = P(x + 1) / P(x), exact integers rounded once each.
        // x >= low keeps n2 + x - k >= 0.
        func up(_ x: UInt64) -> Double {
            Double(UInt128(n1 - x) * UInt128(k - x)) / Double(UInt128(x + 1) * UInt128(n2 + x + 1 - k))
        }
        // down(x) = P(x - 1) / P(x), for x > low.
        func down(_ x: UInt64) -> Double {
            Double(UInt128(x) * UInt128(n2 + x - k)) / Double(UInt128(n1 - x + 1) * UInt128(k - x + 1))
        }
        // The probability of every x relative to P(mode) = 1, walked outward; `visit` sees each x once.
        func walk(_ visit: (UInt64, ScaledProbability) -> Void) {
            var w = ScaledProbability.one
            visit(mode, w)
            var x = mode
            while x < high {
                w = w.times(up(x))
                x += 1
                visit(x, w)
            }
            w = .one
            x = mode
            while x > low {
                w = w.times(down(x))
                x -= 1
                visit(x, w)
            }
        }
        var observed = ScaledProbability.zero
        walk { x, w in if x == a { observed = w } }
        let threshold = observed.times(1 + tieTolerance)
        var total = ScaledProbability.zero
        var tail = ScaledProbability.zero
        walk { _, w in
            total = total.plus(w)
            if !(threshold < w) { tail = tail.plus(w) }
        }
        let ratio = tail.mantissa / total.mantissa
        let exponent = tail.exponent - total.exponent
        let logP = min(0, Double(exponent) * M_LN2 + log(ratio))
        let p = min(1, scalbn(ratio, exponent))
        return (p, logP)
    }
}

/// A non-negative number `mantissa * 2^exponent` with the mantissa kept in [1, 2) (or 0): probabilities far below the
/// smallest double keep their digits.
struct ScaledProbability {
    var mantissa: Double
    var exponent: Int

    static let one = ScaledProbability(mantissa: 1, exponent: 0)
    static let zero = ScaledProbability(mantissa: 0, exponent: 0)

    private static func normalized(_ m: Double, _ e: Int) -> ScaledProbability {
        guard m != 0 else { return .zero }
        return ScaledProbability(mantissa: m.significand, exponent: e + Int(m.exponent))
    }

    func times(_ factor: Double) -> ScaledProbability { .normalized(mantissa * factor, exponent) }

    func plus(_ other: ScaledProbability) -> ScaledProbability {
        if mantissa == 0 { return other }
        if other.mantissa == 0 { return self }
        let top = max(exponent, other.exponent)
        // A term 2^1100 times smaller than the other does not change a double.
        let shiftSelf = max(exponent - top, -1100), shiftOther = max(other.exponent - top, -1100)
        return .normalized(scalbn(mantissa, shiftSelf) + scalbn(other.mantissa, shiftOther), top)
    }

    static func < (l: ScaledProbability, r: ScaledProbability) -> Bool {
        if l.mantissa == 0 || r.mantissa == 0 { return l.mantissa < r.mantissa }
        return l.exponent != r.exponent ? l.exponent < r.exponent : l.mantissa < r.mantissa
    }
}
