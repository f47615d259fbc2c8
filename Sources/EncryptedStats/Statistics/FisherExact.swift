// Fisher's exact test of independence on an r x c table (the Freeman-Halton extension): conditioning on the
// margins, a table has probability P = prod R_i! prod C_j! / (N! prod n_ij!), and the p-value is the total
// probability of the tables with these margins that are no more probable than the observed one (relative tolerance
// 1e-7 for ties, as R's fisher.test). Every such table is enumerated, so the test is for small tables: it gives up
// (nil) beyond `maximumTables`. 2 x 2 tables have their own walk (`TwoByTwo`), which needs no enumeration.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Fisher's exact test on r x c tables.
public enum FisherExact {
    /// The enumeration stops (and the test is not computed) beyond this many tables with the observed margins.
    public static let maximumTables = 1_000_000
    /// Tables whose total is larger are not enumerated (their count would exceed `maximumTables` unless the table
    /// is degenerate, and the chi-square approximation is then good).
    public static let maximumTotal: UInt64 = 100_000
    /// Relative tolerance under which two table probabilities count as equal.
    public static let tieTolerance = 1e-7

    /// The p-value and its natural log, or nil when more than `maximumTables` tables share the margins or the total
    /// exceeds `maximumTotal`. Row and column totals must be non-zero (as `ChiSquareTest.independence` checks).
    public static func pValue(_ table: [[UInt64]]) -> (p: Double, logP: Double)? {
        let rows = table.count, columns = table.first?.count ?? 0
        guard rows >= 2, columns >= 2, table.allSatisfy({ $0.count == columns }) else { return nil }
        var rowRemaining = table.map { Int($0.reduce(0, +)) }
        var columnRemaining = (0 ..< columns).map { j in Int(table.reduce(0) { $0 + $1[j] }) }
        let total = rowRemaining.reduce(0, +)
        guard total > 0, UInt64(total) <= maximumTotal else { return nil }
        // log k! for k = 0 ... N, from the C library's log-gamma (a few ulps each).
        let logFactorial = (0 ... total).map { SpecialFunctions.logGamma(Double($0) + 1) }
        let observed = table.joined().reduce(0.0) { $0 + logFactorial[Int($1)] }
        let slack = log1p(tieTolerance)
        var sum = 0.0  // sum of P(table) / P(observed) over the tables no more probable than the observed
        var count = 0
        var gaveUp = false

        func fill(_ i: Int, _ j: Int, _ partial: Double) {
            if gaveUp { return }
            if i == rows - 1 {
                // The last row is what the columns have left.
                var s = partial
                for k in 0 ..< columns { s += logFactorial[columnRemaining[k]] }
                count += 1
                if count > maximumTables { gaveUp = true; return }
                let d = observed - s  // log(P(table) / P(observed))
                if d <= slack { sum += exp(d) }
                return
            }
            if j == columns - 1 {
                // The last cell of a row is what the row has left.
                let x = rowRemaining[i]
                guard x <= columnRemaining[j] else { return }
                columnRemaining[j] -= x
                fill(i + 1, 0, partial + logFactorial[x])
                columnRemaining[j] += x
                return
            }
            // Leave enough for the row's later cells: no more than the later columns can take.
            var later = 0
            for k in j + 1 ..< columns { later += columnRemaining[k] }
            let low = max(0, rowRemaining[i] - later), high = min(rowRemaining[i], columnRemaining[j])
            guard low <= high else { return }
            for x in low ... high {
                rowRemaining[i] -= x
                columnRemaining[j] -= x
                fill(i, j + 1, partial + logFactorial[x])
                rowRemaining[i] += x
                columnRemaining[j] += x
                if gaveUp { return }
            }
        }
        fill(0, 0, 0)
        guard !gaveUp else { return nil }
        let margins = table.map { logFactorial[Int($0.reduce(0, +))] }.reduce(0, +)
            + (0 ..< columns).map { j in logFactorial[Int(table.reduce(0) { $0 + $1[j] })] }.reduce(0, +)
        let logObserved = margins - logFactorial[total] - observed
        let logP = min(0, logObserved + log(sum))
        return (exp(logP), logP)
    }
}
