import BfvTrials
import RLWE
import Testing

/// The multi-party decryption trials of `bfv-trials --multiparty` on a few ciphertexts inside the sanitized suite
/// (the full run is a stage of scripts/test.sh).
@Suite struct MultipartyTrialTests {
    @Test func multipartyTrialsDecrypt() async throws {
        #if DEBUG
        let (fresh, aggregates) = (4, 1)
        #else
        let (fresh, aggregates) = (40, 2)
        #endif
        let report = try await MultipartyTrials.run(.n4096, parties: 3, fresh: fresh, aggregates: aggregates)
        print(report.summary)
        #expect(report.violations.isEmpty, "\(report.violations)")
        #expect(report.failures.isEmpty && report.limbCount == 2)
        #expect(report.aggregateNoiseBits > report.freshNoiseBits)
    }
}
