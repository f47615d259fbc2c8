import EncryptedStats
import Foundation
import HEFiles
import HETestSupport
import Testing

@Suite("Chi-square test of independence")
struct ChiSquareTests {
    @Test("a 2 x 2 table by hand")
    func twoByTwo() throws {
        // N (ad - bc)^2 / (R1 R2 C1 C2) = 100 * (30 * 40 - 20 * 10)^2 / (50 * 50 * 40 * 60) = 16.666...
        let result = try ChiSquareTest.independence(table: [[30, 20], [10, 40]])
        #expect(abs(result.statistic - 100.0 * 1_000_000 / 6_000_000) < 1e-12)
        #expect(result.degreesOfFreedom == 1)
        #expect(result.expected == [[20, 30], [20, 30]])
        #expect(result.rowTotals == [50, 50] && result.columnTotals == [40, 60] && result.total == 100)
        #expect(result.warnings.isEmpty)
        #expect(!result.yatesCorrected)
        #expect(abs(result.pValue - ChiSquareDistribution.survival(result.statistic, degreesOfFreedom: 1)) == 0)
        // Yates: each |O - E| = 10 shrinks to 9.5.
        let corrected = try ChiSquareTest.independence(table: [[30, 20], [10, 40]], yates: true)
        let expectedYates = 9.5 * 9.5 * (1.0 / 20 + 1.0 / 30 + 1.0 / 20 + 1.0 / 30)
        #expect(abs(corrected.statistic - expectedYates) < 1e-12)
        #expect(corrected.yatesCorrected)
    }

    @Test("small expected counts are reported")
    func warnings() throws {
        let result = try ChiSquareTest.independence(table: [[1, 9], [4, 30]])
        // Column totals 5 and 39 of 44: the first column expects 50/44 and 170/44.
        #expect(result.warnings.map { [$0.row, $0.column] } == [[0, 0], [1, 0]])
        #expect(abs(result.warnings[0].expected - 50.0 / 44) < 1e-15)
        #expect(abs(result.warnings[1].expected - 170.0 / 44) < 1e-15)
    }

    @Test("invalid tables are refused with a specific error")
    func errors() {
        #expect(throws: EncryptedStatsError.zeroMarginal(axis: .column, index: 1)) {
            try ChiSquareTest.independence(table: [[3, 0, 4], [5, 0, 6]])
        }
        #expect(throws: EncryptedStatsError.zeroMarginal(axis: .row, index: 0)) {
            try ChiSquareTest.independence(table: [[0, 0], [5, 6]])
        }
        #expect(throws: EncryptedStatsError.tableShape(rows: 1, columns: [3])) {
            try ChiSquareTest.independence(table: [[1, 2, 3]])
        }
        #expect(throws: EncryptedStatsError.tableShape(rows: 2, columns: [2, 3])) {
            try ChiSquareTest.independence(table: [[1, 2], [1, 2, 3]])
        }
        #expect(throws: EncryptedStatsError.yatesNeedsTwoByTwo(rows: 2, columns: 3)) {
            try ChiSquareTest.independence(table: [[1, 2, 3], [4, 5, 6]], yates: true)
        }
        #expect(throws: EncryptedStatsError.tableTotalTooLarge(limit: ChiSquareTest.maximumTotal)) {
            try ChiSquareTest.independence(table: [[UInt64.max / 2, 1], [1, 1]])
        }
    }

    @Test("huge counts keep full precision (no cancellation)")
    func hugeCounts() throws {
        // Nearly independent table with counts near 2^60: the statistic is tiny but exact.
        let base: UInt64 = 1 << 58
        let result = try ChiSquareTest.independence(table: [[base + 1, base], [base, base]])
        // N (ad - bc)^2 / (R1 R2 C1 C2) with ad - bc = base.
        let n = 4 * Double(base) + 1
        let expected = n * Double(base) * Double(base)
            / ((2 * Double(base) + 1) * (2 * Double(base)) * (2 * Double(base) + 1) * (2 * Double(base)))
        #expect(StatisticsOracle.relativeError(result.statistic, expected) < 1e-14)
    }

    @Test("random r x c tables match scipy.stats.chi2_contingency with and without correction",
          .enabled(if: StatisticsOracle.pythonUsable, "set HE_TEST_PYTHON to a Python with scipy"))
    func againstScipy() throws {
        var generator = SystemRandomNumberGenerator()
        var tables: [[[UInt64]]] = []
        var corrections: [Bool] = []
        for index in 0..<200 {
            let rows = index % 4 == 0 ? 2 : Int.random(in: 2...6, using: &generator)
            let columns = index % 4 == 0 ? 2 : Int.random(in: 2...6, using: &generator)
            let scale = [UInt64(3), 20, 1000, 1_000_000][index % 4 == 0 ? index / 4 % 4 : Int.random(in: 0...3)]
            var table: [[UInt64]]
            repeat {
                table = (0..<rows).map { _ in (0..<columns).map { _ in UInt64.random(in: 0...scale, using: &generator) } }
            } while table.contains(where: { $0.allSatisfy { $0 == 0 } })
                || (0..<columns).contains(where: { j in table.allSatisfy { $0[j] == 0 } })
            // A few strongly dependent tables reach the far tail.
            if index % 10 == 3 {
                table[0][0] += scale * 50
                table[1][1] += scale * 50
            }
            tables.append(table)
            corrections.append(rows == 2 && columns == 2 && index % 8 == 0)
        }
        let request = zip(tables, corrections).map { ["table": $0.0, "correction": $0.1] as [String: Any] }
        let answer = try #require(try StatisticsOracle.scipy(["contingency": request])["contingency"] as? [[String: Any]])
        for (i, table) in tables.enumerated() {
            let ours = try ChiSquareTest.independence(table: table, yates: corrections[i])
            let reference = answer[i]
            let statistic = try #require(reference["statistic"] as? Double)
            let p = try #require(reference["p"] as? Double)
            #expect(ours.degreesOfFreedom == reference["dof"] as? Int)
            #expect(StatisticsOracle.relativeError(ours.statistic, statistic) < 1e-9 || abs(ours.statistic - statistic) < 1e-12,
                    "table \(table): statistic \(ours.statistic) vs scipy \(statistic)")
            if p >= Double.leastNormalMagnitude {
                #expect(StatisticsOracle.relativeError(ours.pValue, p) < 1e-9, "table \(table): p \(ours.pValue) vs \(p)")
            }
            let expected = try #require(reference["expected"] as? [[Double]])
            for (r, row) in expected.enumerated() {
                for (c, value) in row.enumerated() {
                    #expect(StatisticsOracle.relativeError(ours.expected[r][c], value) < 1e-12)
                }
            }
        }
    }
}
