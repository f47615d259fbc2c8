import EncryptedStats
import Foundation
import HEFiles
import HETestSupport
import Testing

@Suite("Mean and variance from pooled moments")
struct DescriptiveTests {
    @Test("small integer sample by hand")
    func byHand() throws {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32 / 7.
        let summary = try Descriptive.summary(count: 8, sum: 40, sumOfSquares: 232)
        #expect(summary.mean == 5)
        #expect(summary.variance == 32.0 / 7)
        #expect(summary.standardDeviation == (32.0 / 7).squareRoot())
        let single = try Descriptive.summary(count: 1, sum: -3, sumOfSquares: 9)
        #expect(single.mean == -3 && single.variance == nil && single.standardDeviation == nil)
    }

    @Test("no catastrophic cancellation when the mean dwarfs the spread")
    func largeOffset() throws {
        // Values 10^9 + {0, 1, 2} (variance 1): in doubles, sumsq - sum^2 / n loses every digit.
        let values: [Int64] = [1_000_000_000, 1_000_000_001, 1_000_000_002]
        let sum = values.reduce(0, +)
        let sumOfSquares = values.reduce(Int128(0)) { $0 + Int128($1) * Int128($1) }
        let summary = try Descriptive.summary(count: 3, sum: sum, sumOfSquares: sumOfSquares)
        #expect(summary.variance == 1)
        #expect(summary.mean == 1_000_000_001)
        // Fixed point with 4 decimals: 12.3456, 12.3457 -> variance 0.5e-8.
        let fixed = try Descriptive.summary(count: 2, sum: 246_913, sumOfSquares: Int128(123_456) * 123_456 + Int128(123_457) * 123_457,
                                            scale: 4)
        #expect(StatisticsOracle.relativeError(try #require(fixed.variance), 0.5e-8) < 1e-15)
        #expect(StatisticsOracle.relativeError(fixed.mean, 12.34565) < 1e-15)
    }

    @Test("inputs no sample can produce are refused")
    func errors() {
        #expect(throws: EncryptedStatsError.emptySample) { try Descriptive.summary(count: 0, sum: 0, sumOfSquares: 0) }
        #expect(throws: EncryptedStatsError.inconsistentMoments(count: 2)) {
            try Descriptive.summary(count: 2, sum: 10, sumOfSquares: 49)  // 2 * 49 < 100
        }
        #expect(throws: EncryptedStatsError.inconsistentMoments(count: 2)) {
            try Descriptive.summary(count: 2, sum: 1, sumOfSquares: -1)
        }
        #expect(throws: EncryptedStatsError.unsupportedScale(23, supported: 0...22)) {
            try Descriptive.summary(count: 2, sum: 1, sumOfSquares: 1, scale: 23)
        }
    }

    @Test("random samples match numpy mean and var(ddof=1)",
          .enabled(if: StatisticsOracle.pythonUsable, "set HE_TEST_PYTHON to a Python with scipy"))
    func againstNumpy() throws {
        var generator = SystemRandomNumberGenerator()
        var samples: [(values: [Int64], scale: Int)] = []
        for index in 0..<60 {
            let count = Int.random(in: 2...400, using: &generator)
            let reach: Int64 = index % 2 == 0 ? 1000 : 1_000_000_000
            let offset = Int64.random(in: -reach...reach, using: &generator)
            let spread = Int64([10, 1000, 1_000_000][index % 3])
            let values = (0..<count).map { _ in offset + Int64.random(in: -spread...spread, using: &generator) }
            samples.append((values, index % 4 == 0 ? 0 : Int.random(in: 1...6, using: &generator)))
        }
        let request = samples.map { ["values": $0.values, "scale": $0.scale] as [String: Any] }
        let answer = try #require(try StatisticsOracle.scipy(["moments": request])["moments"] as? [[String: Any]])
        for (i, sample) in samples.enumerated() {
            let sum = sample.values.reduce(Int128(0)) { $0 + Int128($1) }
            let sumOfSquares = sample.values.reduce(Int128(0)) { $0 + Int128($1) * Int128($1) }
            let ours = try Descriptive.summary(count: UInt64(sample.values.count), sum: sum,
                                               sumOfSquares: sumOfSquares, scale: sample.scale)
            let mean = try #require(answer[i]["mean"] as? Double)
            let variance = try #require(answer[i]["variance"] as? Double)
            let exact = try #require(answer[i]["exact_variance"] as? Double)
            let ourVariance = try #require(ours.variance)
            #expect(StatisticsOracle.relativeError(ours.mean, mean) < 1e-12, "mean of sample \(i)")
            // Against the exact rational variance rounded once: a few ulps.
            #expect(StatisticsOracle.relativeError(ourVariance, exact) < 1e-14,
                    "variance of sample \(i): \(ourVariance) vs exact \(exact)")
            // numpy rounds every value to a double first, an error of |mean| * 1e-16 per value; compare where that
            // is small against the spread (where it is not, numpy is the inaccurate one).
            if abs(ours.mean) < 1e4 * ourVariance.squareRoot() {
                #expect(StatisticsOracle.relativeError(ourVariance, variance) < 1e-9,
                        "variance of sample \(i): \(ourVariance) vs numpy \(variance)")
            }
        }
    }
}
