import EncryptedStats
import Foundation
import HETestSupport
import Testing

@Suite("Odds ratio and Fisher's exact test on 2 x 2 tables")
struct TwoByTwoTests {
    @Test("small tables by hand")
    func byHand() throws {
        // [[3, 0], [0, 3]]: margins 3, 3, 3, 3; P(x = 3) = P(x = 0) = 1 / C(6, 3) = 1/20, the two extreme tables.
        let extreme = try TwoByTwo.statistics([[3, 0], [0, 3]])
        #expect(abs(try #require(extreme.fisherPValue) - 0.1) < 1e-15)
        #expect(extreme.oddsRatio == .infinity && extreme.oddsRatioInterval == nil)
        // [[1, 0], [0, 1]]: both tables have probability 1/2, so p = 1.
        #expect(try TwoByTwo.statistics([[1, 0], [0, 1]]).fisherPValue == 1)
        // [[2, 1], [1, 2]]: P = C(3, x) C(3, 3 - x) / 20 = 1/20, 9/20, 9/20, 1/20; the observed x = 2 is a mode.
        #expect(try TwoByTwo.statistics([[2, 1], [1, 2]]).fisherPValue == 1)
        // [[3, 1], [1, 3]]: margins 4, 4, 4; P(x) = C(4, x)^2 / 70 = 1, 16, 36, 16, 1 / 70; tables no more
        // probable than x = 3 are x = 0, 1, 3, 4: 34 / 70.
        #expect(abs(try #require(TwoByTwo.statistics([[3, 1], [1, 3]]).fisherPValue) - 34.0 / 70) < 1e-15)
        // Odds ratio 30 * 40 / (20 * 10) = 6.
        let r = try TwoByTwo.statistics([[30, 20], [10, 40]])
        #expect(abs(r.oddsRatio - 6) < 1e-15)
        let ci = try #require(r.oddsRatioInterval)
        #expect(ci.lower < 6 && ci.upper > 6 && abs(ci.lower * ci.upper - 36) < 1e-12)  // symmetric on the log scale
        #expect(try TwoByTwo.statistics([[0, 5], [3, 4]]).oddsRatio == 0)
    }

    @Test("a table deep in the tail keeps a finite log p-value; a huge table skips Fisher")
    func extremes() throws {
        // p = 2 / C(2000, 1000) ~ 2e-600, below the smallest double.
        let tail = try TwoByTwo.statistics([[1000, 0], [0, 1000]])
        #expect(tail.fisherPValue == 0)
        let logC = lgamma(2001.0) - 2 * lgamma(1001.0)
        #expect(abs(try #require(tail.fisherLogPValue) - (log(2) - logC)) < 1e-9 * logC)
        let huge = try TwoByTwo.statistics([[1 << 40, 1 << 40], [1 << 40, 1 << 40]])
        #expect(huge.fisherPValue == nil && huge.fisherLogPValue == nil && huge.oddsRatio == 1)
    }

    @Test("tables that are not 2 x 2 or have a zero margin are refused")
    func refusals() {
        #expect(throws: EncryptedStatsError.tableShape(rows: 2, columns: [3, 3])) {
            try TwoByTwo.statistics([[1, 2, 3], [4, 5, 6]])
        }
        #expect(throws: EncryptedStatsError.zeroMarginal(axis: .column, index: 1)) {
            try TwoByTwo.statistics([[1, 0], [2, 0]])
        }
        #expect(throws: EncryptedStatsError.zeroMarginal(axis: .row, index: 0)) {
            try TwoByTwo.statistics([[0, 0], [2, 3]])
        }
    }

    @Test("random tables match scipy (odds_ratio kind='sample', fisher_exact) and exact rational Fisher sums",
          .enabled(if: StatisticsOracle.pythonUsable, "set HE_TEST_PYTHON to a Python with scipy"))
    func againstScipy() throws {
        var g = SystemRandomNumberGenerator()
        var tables: [[[UInt64]]] = [[[1000, 0], [0, 1000]], [[0, 7], [9, 2]], [[12, 5], [0, 1]], [[5, 5], [5, 5]]]
        while tables.count < 60 {
            let scale = UInt64([4, 12, 60, 400, 3000][tables.count % 5])
            var t = (0 ..< 2).map { _ in (0 ..< 2).map { _ in UInt64.random(in: 0 ... scale, using: &g) } }
            if tables.count % 7 == 0 { t[0][0] += scale * 3; t[1][1] += scale * 3 }  // strongly dependent
            if t[0][0] + t[0][1] == 0 || t[1][0] + t[1][1] == 0 || t[0][0] + t[1][0] == 0 || t[0][1] + t[1][1] == 0 {
                continue
            }
            tables.append(t)
        }
        let answer = try #require(try StatisticsOracle.scipy(["two_by_two": tables])["two_by_two"] as? [[String: Any]])
        for (table, reference) in zip(tables, answer) {
            let ours = try TwoByTwo.statistics(table)
            let context = "table \(table): ours \(ours), scipy \(reference)"
            if let or = reference["odds_ratio"] as? Double {
                #expect(StatisticsOracle.relativeError(ours.oddsRatio, or) < 1e-13, "\(context)")
            } else {
                #expect(ours.oddsRatio.isInfinite, "\(context)")  // scipy writes infinity as null
            }
            let ci = try #require(reference["ci"] as? [Any])
            if table.joined().contains(0) {
                // scipy's upper bound is then infinite (or NaN when OR = 0): no information, reported as NA.
                #expect(ours.oddsRatioInterval == nil && (ci[1] as? Double) == nil, "\(context)")
            } else {
                let ourCI = try #require(ours.oddsRatioInterval)
                #expect(StatisticsOracle.relativeError(ourCI.lower, try #require(ci[0] as? Double)) < 1e-12, "\(context)")
                #expect(StatisticsOracle.relativeError(ourCI.upper, try #require(ci[1] as? Double)) < 1e-12, "\(context)")
            }
            let p = try #require(ours.fisherPValue), logP = try #require(ours.fisherLogPValue)
            let scipyP = try #require(reference["fisher_p"] as? Double)
            let exactP = try #require(reference["exact_p"] as? Double)
            let exactLogP = try #require(reference["exact_log_p"] as? Double)
            if scipyP > 1e-300 { #expect(StatisticsOracle.relativeError(p, scipyP) < 1e-9, "\(context)") }
            #expect(StatisticsOracle.relativeError(p, exactP) < 1e-11 || abs(p - exactP) < 1e-300, "\(context)")
            #expect(abs(logP - exactLogP) < 1e-11 * max(1, abs(exactLogP)), "\(context)")
        }
    }
}
