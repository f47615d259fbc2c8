import EncryptedStats
import Foundation
import HETestSupport
import Testing

@Suite("Fisher's exact test on r x c tables")
struct FisherExactTests {
    @Test("small tables by hand; large ones are not enumerated")
    func byHand() throws {
        // 3 x 3 with every margin 3: the observed diagonal table has probability 3!^6 / (9! 3!^3) = 1/1680, and the
        // 6 tables that put each row's 3 in a different column are the only ones as improbable: p = 6/1680.
        let diagonal = try #require(FisherExact.pValue([[3, 0, 0], [0, 3, 0], [0, 0, 3]]))
        #expect(abs(diagonal.p - 6.0 / 1680) < 1e-15 && abs(diagonal.logP - log(6.0 / 1680)) < 1e-13)
        // The most probable table has p = 1 (to rounding: the sum of the probabilities is formed in doubles).
        #expect(abs(try #require(FisherExact.pValue([[1, 1, 1], [1, 1, 1]])).p - 1) < 1e-12)
        // Over a million tables share these margins: the enumeration stops and the test is not given.
        #expect(FisherExact.pValue([[40, 40, 40, 40], [40, 40, 40, 40], [40, 40, 40, 40], [40, 40, 40, 40]]) == nil)
        #expect(FisherExact.pValue([[60_000, 1, 1], [1, 60_000, 1]]) == nil)  // total above maximumTotal
    }

    @Test("random r x c tables match an exact rational enumeration; 2 x 2 tables match scipy.stats.fisher_exact",
          .enabled(if: StatisticsOracle.pythonUsable, "set HE_TEST_PYTHON to a Python with scipy"))
    func againstOracles() throws {
        var g = SystemRandomNumberGenerator()
        func random(_ rows: Int, _ columns: Int, max: UInt64) -> [[UInt64]] {
            while true {
                let t = (0 ..< rows).map { _ in (0 ..< columns).map { _ in UInt64.random(in: 0 ... max, using: &g) } }
                if t.allSatisfy({ $0.reduce(0, +) > 0 }) && (0 ..< columns).allSatisfy({ j in t.contains { $0[j] > 0 } }) {
                    return t
                }
            }
        }
        let shapes = [(2, 3), (3, 3), (2, 4), (3, 4), (4, 2)]
        let tables = (0 ..< 25).map { k in random(shapes[k % 5].0, shapes[k % 5].1, max: k % 2 == 0 ? 3 : 6) }
        let twoByTwo = (0 ..< 20).map { k in random(2, 2, max: k % 2 == 0 ? 8 : 40) }
        let answer = try StatisticsOracle.scipy(["fisher_rxc": tables, "fisher_2x2": twoByTwo])
        let exact = try #require(answer["fisher_rxc"] as? [[String: Double]])
        for (table, reference) in zip(tables, exact) {
            let ours = try #require(FisherExact.pValue(table), "table \(table)")
            let p = try #require(reference["p"]), logP = try #require(reference["log_p"])
            #expect(StatisticsOracle.relativeError(ours.p, p) < 1e-10, "table \(table): \(ours.p) vs \(p)")
            #expect(abs(ours.logP - logP) < 1e-10 * max(1, abs(logP)), "table \(table): \(ours.logP) vs \(logP)")
        }
        let scipy = try #require(answer["fisher_2x2"] as? [Double])
        for (table, p) in zip(twoByTwo, scipy) {
            let ours = try #require(FisherExact.pValue(table))
            #expect(StatisticsOracle.relativeError(ours.p, p) < 1e-9, "table \(table): \(ours.p) vs scipy \(p)")
        }
    }
}
