// The privacy ledger kept in the decryption log's entries, and the sealed noise seeds (docs/PRIVACY.md).

import Foundation
import Governance
import HEFiles
import Privacy
import Testing

@Suite("Privacy spending in the log, sealed noise seeds")
struct PrivacySpendingTests {
    func record(study: String = "asthma", outcome: ReleaseRecord.Outcome = .released, budget: String = "1",
                sensitivity: String = "1", sigmaSquared: String = "2", rho: String = "1/4", repeatOf: UInt64? = nil,
                dp: Bool = true) -> ReleaseRecord {
        var r = ReleaseRecord(outcome: outcome, time: Date(timeIntervalSince1970: 0), analyst: "alice", command: "decrypt",
                              keyFingerprint: .zero, manifest: nil, input: "total.he", inputDigest: .zero, table: .zero,
                              sites: ["a", "b", "c"], sitesVerified: true, statements: [],
                              options: dp ? ["dp-rho": rho] : [:], policy: ["dp-budget": budget])
        r.study = study
        r.repeatOf = repeatOf
        if dp && outcome == .released {
            r.privacy = PrivacyRecord(mechanism: "discrete gaussian", unit: "one person", cells: 4,
                                      l2SensitivitySquared: sensitivity, sigmaSquared: sigmaSquared, requestedRho: rho,
                                      rho: rho, sealedSeed: "")
        }
        return r
    }

    @Test("spent rho is the sum over released entries; repeats, refusals, exact releases and other studies spend nothing")
    func spending() throws {
        let entries = [
            record(), record(sigmaSquared: "1", rho: "1/2"), record(repeatOf: 0), record(outcome: .refused),
            record(dp: false), record(study: "other", sensitivity: "10", sigmaSquared: "10", rho: "1/2"),
            record(budget: "3/2"),
        ].map(\.encoded)
        let studies = try PrivacySpending.studies(entries)
        #expect(studies.map(\.study) == ["asthma", "other"])
        #expect(studies[0].spent == Rational(1) && studies[0].releases == [0, 1, 6] && studies[0].refusals == 1)
        #expect(studies[0].budget == Rational(3, 2) && studies[0].remaining == Rational(1, 2))
        #expect(studies[1].spent == Rational(1, 2) && studies[1].releases == [5])
        let records = try entries.enumerated().map { (UInt64($0.offset), try ReleaseRecord(decoding: $0.element, index: UInt64($0.offset))) }
        try PrivacySpending.checkBudget(study: "asthma", budget: Rational(3, 2), requested: Rational(1, 2), records: records)
        #expect(throws: GovernanceError.privacyBudgetExceeded(study: "asthma", requested: "1/2", spent: "1", budget: "5/4")) {
            try PrivacySpending.checkBudget(study: "asthma", budget: Rational(5, 4), requested: Rational(1, 2), records: records)
        }
    }

    @Test("an entry whose stated rho does not follow from its sensitivity and sigma^2 is named as damaged")
    func inconsistentEntry() throws {
        let bad = record(sigmaSquared: "2", rho: "1/8").encoded
        #expect(throws: GovernanceError.releaseEntryDamaged(index: 0, reason: "privacy record states rho 1/8, its parameters give 1/4")) {
            try PrivacySpending.studies([bad])
        }
        let notRational = record(sigmaSquared: "two").encoded
        #expect(throws: GovernanceError.self) { try PrivacySpending.studies([notRational]) }
    }

    @Test("entries without a privacy record encode exactly as before (the field is omitted)")
    func oldEntriesUnchanged() throws {
        let exact = record(dp: false)
        #expect(!String(decoding: exact.encoded, as: UTF8.self).contains("privacy"))
        let decoded = try ReleaseRecord(decoding: exact.encoded, index: 0)
        #expect(decoded.privacy == nil && decoded.encoded == exact.encoded)
    }

    @Test("a sealed seed opens only with the same log key and the same binding; fresh seeds differ")
    func sealing() throws {
        let key = SigningSecretKey()
        let seed = NoiseSeed.fresh()
        #expect(seed.bytes.count == 32 && NoiseSeed.fresh() != seed)
        let binding = Array("digest table decrypt".utf8)
        let sealed = try seed.sealed(with: key, binding: binding)
        #expect(sealed.count == 2 * (12 + 32 + 16) && !sealed.contains(Hex.encode(seed.bytes)))
        #expect(try seed.sealed(with: key, binding: binding) != sealed)   // a fresh nonce each time
        #expect(try NoiseSeed.unseal(sealed, with: key, binding: binding, index: 3) == seed)
        #expect(throws: GovernanceError.noiseSeedUnusable(index: 3)) {
            try NoiseSeed.unseal(sealed, with: SigningSecretKey(), binding: binding, index: 3)
        }
        #expect(throws: GovernanceError.noiseSeedUnusable(index: 3)) {
            try NoiseSeed.unseal(sealed, with: key, binding: Array("other".utf8), index: 3)
        }
        var flipped = Array(sealed.utf8)
        flipped[30] = flipped[30] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        #expect(throws: GovernanceError.noiseSeedUnusable(index: 3)) {
            try NoiseSeed.unseal(String(decoding: flipped, as: UTF8.self), with: key, binding: binding, index: 3)
        }
    }

    @Test("audit verify names an overspent budget, an exact release in a budgeted study and a repeat of nothing")
    func verification() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("he-privacy-audit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try SigningKeyFiles.generate(in: dir + "/key")
        let key = try SigningKeyFiles.readSecret(dir + "/key/signing.key")
        func write(_ records: [ReleaseRecord]) throws -> [String] {
            let path = dir + "/log-\(UUID().uuidString).helog"
            var log = AppendOnlyLog(path: path)
            for r in records { try log.append(r.encoded, signingKey: key.key) }
            return try AuditFiles.verify(logPath: path, publicKeyPath: dir + "/key/signing.pub", savedHeadPath: nil).problems
        }
        func withPolicy(_ r: ReleaseRecord) -> ReleaseRecord {
            var r = r
            r.policy = ["min-sites": "3", "test-study": "false", "small-cells": "none", "gwas-min-mac": "5", "dp-budget": "1"]
            return r
        }
        var sealedRepeat = record(repeatOf: 0)
        sealedRepeat.privacy?.sealedSeed = "aa"
        var first = record()
        first.privacy?.sealedSeed = "aa"
        #expect(try write([first, sealedRepeat, record(sigmaSquared: "1", rho: "1/2")].map(withPolicy)).isEmpty)
        let over = try write([record(sigmaSquared: "1", rho: "1/2"), record(sigmaSquared: "1", rho: "1/2"), record()].map(withPolicy))
        #expect(over.count == 1 && over[0].contains("entry 2") && over[0].contains("spends rho 1/4 beyond the privacy budget of study 'asthma' (dp-budget 1, 1 spent before)"),
                "\(over)")
        let exact = try write([record(dp: false)].map(withPolicy))
        #expect(exact.count == 1 && exact[0].contains("an exact release in study 'asthma'"), "\(exact)")
        let dangling = try write([record(repeatOf: 5)].map(withPolicy))
        #expect(dangling.count == 1 && dangling[0].contains("a differentially private repeat of entry 5"), "\(dangling)")
    }
}
