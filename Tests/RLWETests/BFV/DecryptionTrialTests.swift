#if canImport(BfvTrials)
// Compiled with the test targets only (HE_TEST_TARGETS=1, as scripts/test.sh sets it; see TestTargetsTests.swift).
import BfvTrials
import Foundation
import RLWE
import Testing

/// Decryption-failure trials and the aggregate capacity the command-line tool relies on.
@Suite struct DecryptionTrialTests {
    /// Trials per preset inside the suite's sanitized build: the code paths of the full run, with every memory
    /// access checked. The 10,000 trials per preset run in a plain release build of `bfv-trials`, which
    /// `scripts/test.sh` runs after this suite (docs/RLWE.md).
    static func counts(_ p: BfvPreset) -> BfvTrials.Counts {
        #if DEBUG
        BfvTrials.Counts(fresh: 2 * BfvTrials.sitesPerAggregate, aggregates: 2, multiplied: 2)
        #else
        p == .n32768
            ? BfvTrials.Counts(fresh: 100, aggregates: 2, multiplied: 2)
            : BfvTrials.Counts(fresh: 200, aggregates: 4, multiplied: 4)
        #endif
    }

    /// Fresh public-key encryptions decrypted exactly, switched ciphertexts, aggregates at the documented
    /// capacity and products, with every noise budget within its documented bound (``BfvTrials``).
    @Test(arguments: BfvPreset.allCases)
    func randomTrialsDecrypt(preset: BfvPreset) async throws {
        let f = PresetFixture.of(preset)
        let report = try await BfvTrials.run(
            f.parameters, name: preset.rawValue,
            keys: BfvTrials.Keys(keyGenerator: f.keyGenerator, publicKey: f.publicKey), counts: Self.counts(preset))
        print(report.summary)
        #expect(report.violations.isEmpty, "\(report.violations)")
        #expect(report.fresh.count == Self.counts(preset).fresh)
    }

    /// The checks of a run flag each broken bound: a failed decryption, missing trials, a fresh budget below
    /// its bound, switched budgets too small for the aggregate capacity, products without budget.
    @Test func brokenRunsAreReported() {
        let p = BfvParameters.preset(.n8192)
        let counts = BfvTrials.Counts(fresh: 20, aggregates: 1, multiplied: 1)
        func report(
            failures: [String] = [], fresh: [Int] = [Int](repeating: 124, count: 20),
            switched: [Int] = [Int](repeating: 22, count: 10), aggregate: [Int] = [4], multiplied: [Int] = [82]
        ) -> BfvTrials.Report {
            BfvTrials.Report(
                parameters: p, name: "n8192", counts: counts, workers: 1, seconds: 0, failures: failures,
                fresh: fresh, switched: switched, aggregate: aggregate, multiplied: multiplied)
        }
        #expect(report().violations == [])
        #expect(report(failures: ["fresh trial 3"]).violations.count == 1)
        #expect(report(fresh: [Int](repeating: 124, count: 19)).violations.count == 1)
        #expect(report(fresh: [60] + [Int](repeating: 124, count: 19)).violations.count == 1)
        #expect(report(switched: [Int](repeating: 20, count: 10)).violations.count == 1)
        #expect(report(aggregate: [0]).violations.count == 1)
        #expect(report(multiplied: [0]).violations.count == 2)
    }

    /// The worst case for a sum of k switched ciphertexts is k copies of the same one (noise adds up
    /// aligned). k x c by doubling: decryption must give k x m mod t at k = aggregateCapacity().
    @Test(arguments: BfvPreset.allCases)
    func aggregateAtCapacityDecrypts(preset: BfvPreset) throws {
        let f = PresetFixture.of(preset)
        let p = f.parameters
        let ev = Evaluator(parameters: p)
        let tm = try Modulus(p.plaintextModulus)
        let values = f.randomValues(below: 1000)
        let small = try ev.modSwitchToSmallest(f.encryptor.encrypt(f.encoder.encode(values)))
        let k = p.aggregateCapacity()
        let result = try BfvTrials.sumOfCopies(ev, small, count: k)
        let expected = values.map { tm.multiply($0, tm.reduce(UInt64(k))) }
        #expect(try f.encoder.decode(f.decryptor.decrypt(result)) == expected)
        #expect(try f.decryptor.noiseBudget(result) >= 1)
        // And a realistic aggregate: 20 different sites, 2^20 per slot each, summed after switching.
        var sites: [Ciphertext] = []
        var total = [UInt64](repeating: 0, count: p.degree)
        for _ in 0..<20 {
            let v = f.randomValues(below: 1 << 20)
            for i in 0..<v.count { total[i] += v[i] }
            sites.append(try ev.modSwitchToSmallest(f.encryptor.encrypt(f.encoder.encode(v))))
        }
        #expect(try f.encoder.decode(f.decryptor.decrypt(ev.sum(sites))) == total)
    }
}
#endif
