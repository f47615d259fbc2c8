import HEFiles

// Pearson's chi-square test of independence on an r x c table of counts.
//
// Each cell contributes (O - E)^2 / E with E = R_i C_j / N. Writing O - E = (O N - R_i C_j) / N, the numerator
// d = O N - R_i C_j is an exact integer (128-bit), so every contribution is d^2 / (N R_i C_j) with a single
// rounding per operation: no cancellation, whatever the size of the counts. With Yates' correction (2 x 2 only)
// each |O - E| is reduced by 1/2 but not below 0, as scipy does: the contribution is max(2|d| - N, 0)^2 / (4 N R C).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A note about the validity of the chi-square approximation.
public struct ChiSquareWarning: Sendable, Equatable, CustomStringConvertible {
    public var row: Int
    public var column: Int
    /// The expected count of the cell, below `ChiSquareTest.minimumExpectedCount`.
    public var expected: Double

    public var description: String {
        "expected count \(expected) < \(ChiSquareTest.minimumExpectedCount) in row \(row + 1), column \(column + 1)"
    }
}

/// Result of a chi-square test of independence.
public struct ChiSquareResult: Sendable, Equatable {
    /// The (possibly Yates-corrected) statistic.
    public var statistic: Double
    /// (rows - 1) * (columns - 1).
    public var degreesOfFreedom: Int
    /// Upper-tail probability of the statistic, computed directly (accurate far below 1e-100).
    public var pValue: Double
    /// Natural log of `pValue`, finite even where the p-value underflows to 0.
    public var logPValue: Double
    /// Expected counts under independence, R_i C_j / N, same shape as the table.
    public var expected: [[Double]]
    /// Cells whose expected count is below 5, where the chi-square approximation is poor.
    public var warnings: [ChiSquareWarning]
    /// Whether Yates' continuity correction was applied.
    public var yatesCorrected: Bool
    /// Row sums of the table.
    public var rowTotals: [UInt64]
    /// Column sums of the table.
    public var columnTotals: [UInt64]
    /// Grand total.
    public var total: UInt64
}

/// Chi-square tests on contingency tables.
public enum ChiSquareTest {
    /// Cells with a smaller expected count are reported in `ChiSquareResult.warnings`.
    public static let minimumExpectedCount = 5.0
    /// Largest supported grand total; keeps every intermediate product exact in 128 bits.
    public static let maximumTotal: UInt64 = 1 << 62

    /// Chi-square test of independence of the rows and columns of `table` (`table[row][column]`).
    ///
    /// Matches `scipy.stats.chi2_contingency(table, correction: yates)` except that scipy applies Yates silently
    /// whenever df = 1 and ignores the flag otherwise, while this function refuses `yates` on tables that are not
    /// 2 x 2. Like scipy, tables with a zero row or column total are refused.
    ///
    /// - Throws: `EncryptedStatsError.tableShape` (fewer than 2 rows or columns, or ragged rows),
    ///   `.zeroMarginal` (a row or column sums to 0), `.tableTotalTooLarge`, `.yatesNeedsTwoByTwo`.
    public static func independence(table: [[UInt64]], yates: Bool = false) throws(EncryptedStatsError) -> ChiSquareResult {
        let rows = table.count
        let columns = table.first?.count ?? 0
        guard rows >= 2, columns >= 2, table.allSatisfy({ $0.count == columns }) else {
            throw EncryptedStatsError.tableShape(rows: rows, columns: table.map(\.count))
        }
        if yates && (rows != 2 || columns != 2) {
            throw EncryptedStatsError.yatesNeedsTwoByTwo(rows: rows, columns: columns)
        }
        var rowTotals = [UInt64](repeating: 0, count: rows)
        var columnTotals = [UInt64](repeating: 0, count: columns)
        var total: UInt64 = 0
        for (i, row) in table.enumerated() {
            for (j, cell) in row.enumerated() {
                guard cell <= maximumTotal else { throw EncryptedStatsError.tableTotalTooLarge(limit: maximumTotal) }
                total += cell
                guard total <= maximumTotal else { throw EncryptedStatsError.tableTotalTooLarge(limit: maximumTotal) }
                rowTotals[i] += cell
                columnTotals[j] += cell
            }
        }
        if let i = rowTotals.firstIndex(of: 0) { throw EncryptedStatsError.zeroMarginal(axis: .row, index: i) }
        if let j = columnTotals.firstIndex(of: 0) { throw EncryptedStatsError.zeroMarginal(axis: .column, index: j) }

        var expected = [[Double]](repeating: [Double](repeating: 0, count: columns), count: rows)
        var warnings: [ChiSquareWarning] = []
        for i in 0..<rows {
            for j in 0..<columns {
                let e = Double(wide: Int128(rowTotals[i]) * Int128(columnTotals[j])) / Double(total)
                expected[i][j] = e
                if e < minimumExpectedCount { warnings.append(ChiSquareWarning(row: i, column: j, expected: e)) }
            }
        }
        let statistic = ContingencyTable.pearson(table, rowTotals: rowTotals, columnTotals: columnTotals,
                                                 total: total, yates: yates)
        let df = (rows - 1) * (columns - 1)
        let p = ChiSquareDistribution.survival(statistic, degreesOfFreedom: Double(df))
        let logP = ChiSquareDistribution.logSurvival(statistic, degreesOfFreedom: Double(df))
        return ChiSquareResult(statistic: statistic, degreesOfFreedom: df, pValue: p, logPValue: logP,
                               expected: expected, warnings: warnings, yatesCorrected: yates,
                               rowTotals: rowTotals, columnTotals: columnTotals, total: total)
    }
}

/// The Pearson statistic itself, for callers that have already validated the table.
package enum ContingencyTable {
    /// Statistic of a table whose margins are all non-zero and whose total is at most `ChiSquareTest.maximumTotal`.
    package static func pearson(_ table: [[UInt64]]) -> Double {
        let columns = table[0].count
        var rowTotals = [UInt64](repeating: 0, count: table.count)
        var columnTotals = [UInt64](repeating: 0, count: columns)
        for (i, row) in table.enumerated() {
            for (j, cell) in row.enumerated() {
                rowTotals[i] += cell
                columnTotals[j] += cell
            }
        }
        return pearson(table, rowTotals: rowTotals, columnTotals: columnTotals, total: rowTotals.reduce(0, +),
                       yates: false)
    }

    package static func pearson(_ table: [[UInt64]], rowTotals: [UInt64], columnTotals: [UInt64], total: UInt64,
                        yates: Bool) -> Double {
        let n = Int128(total)
        let nDouble = Double(total)
        var statistic = 0.0
        for (i, row) in table.enumerated() {
            for (j, cell) in row.enumerated() {
                let margins = Int128(rowTotals[i]) * Int128(columnTotals[j])
                let d = Int128(cell) * n - margins  // N (O - E), exact
                let weight = nDouble * Double(rowTotals[i]) * Double(columnTotals[j])
                if yates {
                    let reduced = 2 * d.magnitude > UInt128(total) ? 2 * d.magnitude - UInt128(total) : 0
                    let r = Double(wide: Int128(reduced))
                    statistic += r * r / (4 * weight)
                } else {
                    let dd = Double(wide: d)
                    statistic += dd * dd / weight
                }
            }
        }
        return statistic
    }
}

extension Double {
    /// The 128-bit integer rounded to a double: exact below 2^53, within one ulp above. The standard library's
    /// generic conversion from Int128 is several times slower and this sits on the per-variant hot path.
    @inline(__always)
    package init(wide value: Int128) {
        let magnitude = value.magnitude
        let high = UInt64(truncatingIfNeeded: magnitude &>> 64)
        let low = UInt64(truncatingIfNeeded: magnitude)
        let result = high == 0 ? Double(low) : Double(high) * 0x1p64 + Double(low)
        self = value < 0 ? -result : result
    }
}
