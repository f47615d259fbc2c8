import EncryptedStats
import Foundation
import HEFiles
import HETestSupport
import Testing

@Suite("Incomplete gamma and chi-square tails")
struct SpecialFunctionsTests {
    /// Statistic / degrees-of-freedom grid reaching p-values near 1e-300 and below the double range.
    static let grid: [(x: Double, df: Double)] = {
        let statistics: [Double] = [1e-8, 1e-3, 0.05, 0.5, 1, 2, 3.84, 5, 7.5, 10, 15, 20, 30, 50, 80, 100, 150,
                                    200, 300, 400, 500, 700, 900, 1000, 1200, 1300, 1350, 1400, 1500, 2000]
        let dfs: [Double] = [1, 2, 3, 4, 5, 7, 10, 20, 50, 100, 500, 1000]
        return dfs.flatMap { df in statistics.map { (x: $0, df: df) } }
    }()

    @Test("known values without an oracle")
    func knownValues() {
        // P(chi2_1 > 3.841458820694124) = 0.05; P(chi2_2 > x) = exp(-x / 2) exactly.
        #expect(StatisticsOracle.relativeError(ChiSquareDistribution.survival(3.841458820694124, degreesOfFreedom: 1),
                                               0.05) < 1e-12)
        for x in [0.1, 1, 10, 100, 500, 1400] {
            #expect(StatisticsOracle.relativeError(ChiSquareDistribution.survival(x, degreesOfFreedom: 2),
                                                   exp(-x / 2)) < 1e-12)
        }
        #expect(ChiSquareDistribution.survival(0, degreesOfFreedom: 3) == 1)
        #expect(ChiSquareDistribution.survival(-1, degreesOfFreedom: 3) == 1)
        #expect(ChiSquareDistribution.survival(.infinity, degreesOfFreedom: 3) == 0)
        #expect(ChiSquareDistribution.survival(1, degreesOfFreedom: 0).isNaN)
        #expect(SpecialFunctions.regularizedGammaQ(-1, 1).isNaN)
        // Beyond the double range the p-value is 0 but its logarithm stays exact: log Q(1, x) = -x.
        #expect(ChiSquareDistribution.survival(4000, degreesOfFreedom: 2) == 0)
        #expect(StatisticsOracle.relativeError(ChiSquareDistribution.logSurvival(4000, degreesOfFreedom: 2),
                                               -2000) < 1e-14)
        #expect(abs(SpecialFunctions.logGamma(10) - log(362_880)) < 1e-13)
        // P + Q = 1 where neither is negligible.
        for (a, x) in [(0.5, 0.3), (3.0, 2.5), (50.0, 49.0), (1000.0, 1010.0)] {
            let sum = SpecialFunctions.regularizedGammaP(a, x) + SpecialFunctions.regularizedGammaQ(a, x)
            #expect(abs(sum - 1) < 1e-14)
        }
    }

    @Test("chi-square upper tail matches scipy.stats.chi2.sf to 1e-10 relative, down to 1e-300",
          .enabled(if: StatisticsOracle.pythonUsable, "set HE_TEST_PYTHON to a Python with scipy"))
    func chiSquareAgainstScipy() throws {
        let grid = Self.grid
        let answer = try StatisticsOracle.scipy(["chi2_sf": grid.map { [$0.x, $0.df] },
                                                 "chi2_logsf": grid.map { [$0.x, $0.df] }])
        let expected = try #require(answer["chi2_sf"] as? [Any])
        let expectedLog = try #require(answer["chi2_logsf"] as? [Any])
        var smallestChecked = 1.0
        for (i, point) in grid.enumerated() {
            let ours = ChiSquareDistribution.survival(point.x, degreesOfFreedom: point.df)
            let reference = try #require(expected[i] as? Double)
            if reference >= Double.leastNormalMagnitude {
                #expect(StatisticsOracle.relativeError(ours, reference) < 1e-10,
                        "chi2.sf(\(point.x), \(point.df)): ours \(ours), scipy \(reference)")
                smallestChecked = min(smallestChecked, reference)
            } else {
                // Subnormal or underflowed: only a few significant bits exist in either.
                #expect(abs(ours - reference) <= 0x1p-1028, "chi2.sf(\(point.x), \(point.df)) = \(ours) vs \(reference)")
            }
            if let referenceLog = expectedLog[i] as? Double {
                let ourLog = ChiSquareDistribution.logSurvival(point.x, degreesOfFreedom: point.df)
                #expect(abs(ourLog - referenceLog) <= 1e-10 * max(1, abs(referenceLog)),
                        "chi2.logsf(\(point.x), \(point.df)): ours \(ourLog), scipy \(referenceLog)")
            }
        }
        #expect(smallestChecked < 1e-295, "the grid must reach the far tail")
    }

    @Test("regularised incomplete gamma P and Q match scipy.special.gammainc / gammaincc",
          .enabled(if: StatisticsOracle.pythonUsable, "set HE_TEST_PYTHON to a Python with scipy"))
    func incompleteGammaAgainstScipy() throws {
        let shapes: [Double] = [0.05, 0.3, 0.5, 1, 1.5, 2.5, 7, 25, 99.5, 300, 2500, 20000]
        let ratios: [Double] = [1e-6, 0.01, 0.3, 0.8, 0.95, 0.99, 1, 1.01, 1.05, 1.2, 2, 5, 20, 100]
        var points: [(a: Double, x: Double)] = []
        for a in shapes {
            for r in ratios {
                let x = a * r
                if x <= 1500 { points.append((a, x)) }
            }
            points.append((a, a + 1))
        }
        let answer = try StatisticsOracle.scipy(["gammaincc": points.map { [$0.a, $0.x] },
                                                 "gammainc": points.map { [$0.a, $0.x] }])
        let upper = try #require(answer["gammaincc"] as? [Any])
        let lower = try #require(answer["gammainc"] as? [Any])
        for (i, point) in points.enumerated() {
            for (name, ours, reference) in [("gammaincc", SpecialFunctions.regularizedGammaQ(point.a, point.x), upper[i]),
                                            ("gammainc", SpecialFunctions.regularizedGammaP(point.a, point.x), lower[i])] {
                let value = try #require(reference as? Double)
                guard value >= Double.leastNormalMagnitude else { continue }
                #expect(StatisticsOracle.relativeError(ours, value) < 1e-10,
                        "\(name)(\(point.a), \(point.x)): ours \(ours), scipy \(value)")
            }
        }
    }
}
