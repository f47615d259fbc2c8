import Crypto
import Foundation
import HEFiles
import Privacy

// The privacy budget of a study as its decryption log records it (docs/PRIVACY.md): every differentially private
// release is a log entry that states the rho it spent, so the ledger is the log and survives whatever the
// process does after the entry is fsynced. A release's noise comes from a fresh seed that the entry holds sealed
// under a key only the log key's holder can derive, so that repeating the same request gives the same noise (and
// spends nothing) while the log alone, readable by auditors, does not reveal it.

/// The 32-byte seed of one release's noise.
public struct NoiseSeed: Sendable, Hashable {
    public let bytes: [UInt8]

    /// A fresh seed from the operating system's CSPRNG (swift-crypto's `SymmetricKey`, `getrandom(2)` on Linux).
    public static func fresh() -> NoiseSeed {
        NoiseSeed(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    package init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a noise seed has 32 bytes")
        self.bytes = bytes
    }

    /// The HKDF-SHA256 info string of the sealing key.
    static let sealingInfo = Array("he-toolkit dp noise seed v1".utf8)

    private static func sealingKey(_ logKey: SigningSecretKey) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: logKey.key.rawRepresentation),
                               info: sealingInfo, outputByteCount: 32)
    }

    /// The seed sealed with AES-256-GCM (random 12-byte nonce) under HKDF-SHA256 of the log key's seed, with
    /// `binding` (the request it belongs to) as associated data: hex of nonce || ciphertext || tag.
    public func sealed(with logKey: SigningSecretKey, binding: [UInt8]) throws(GovernanceError) -> String {
        guard let box = try? AES.GCM.seal(bytes, using: Self.sealingKey(logKey), authenticating: binding),
              let combined = box.combined else { throw .noiseSeedUnusable(index: nil) }
        return Hex.encode(combined)
    }

    /// Opens a seed sealed by ``sealed(with:binding:)`` in log entry `index`; refuses another key, another
    /// binding or damaged bytes.
    public static func unseal(_ hex: String, with logKey: SigningSecretKey, binding: [UInt8],
                              index: UInt64) throws(GovernanceError) -> NoiseSeed {
        guard let combined = Hex.decode(hex), combined.count == 12 + 32 + 16,
              let box = try? AES.GCM.SealedBox(combined: combined),
              let opened = try? AES.GCM.open(box, using: sealingKey(logKey), authenticating: binding),
              opened.count == 32 else { throw .noiseSeedUnusable(index: index) }
        return NoiseSeed(bytes: Array(opened))
    }
}

/// A study's spending as its log records it.
public struct StudyPrivacySpending: Sendable, Hashable {
    public var study: String
    /// The budget of the latest entry of the study (its manifest's `dp-budget` then); nil for none.
    public var budget: Rational?
    /// The sum of the rho of the study's differentially private releases (repeats spend nothing).
    public var spent: Rational
    /// The log entries that spent, in order.
    public var releases: [UInt64]
    /// Refused differentially private requests.
    public var refusals: Int

    /// What is left (negative when the log spent more than the latest budget); nil without a budget.
    public var remaining: Rational? { budget.map { $0 - spent } }
}

public enum PrivacySpending {
    /// The rho an entry spent: that of its privacy record, checked against its own parameters; zero for an exact
    /// release, a refusal and a repeat.
    public static func rho(of record: ReleaseRecord, index: UInt64) throws(GovernanceError) -> Rational {
        guard record.outcome == .released, record.repeatOf == nil, let p = record.privacy else { return .zero }
        guard let sensitivity = Rational(p.l2SensitivitySquared), let sigmaSquared = Rational(p.sigmaSquared),
              let rho = Rational(p.rho) else {
            throw .releaseEntryDamaged(index: index, reason: "privacy record with a value that is not a rational")
        }
        let computed: Rational
        do throws(PrivacyError) {
            computed = try PrivacyMechanism.discreteGaussian(l2SensitivitySquared: sensitivity, sigmaSquared: sigmaSquared).rho()
        } catch {
            throw .releaseEntryDamaged(index: index, reason: "privacy record: \(error)")
        }
        guard computed == rho else {
            throw .releaseEntryDamaged(index: index, reason: "privacy record states rho \(p.rho), its parameters give \(computed)")
        }
        return rho
    }

    /// The spending of every study in the log's entries, in order of first appearance.
    public static func studies(_ entries: [[UInt8]]) throws(GovernanceError) -> [StudyPrivacySpending] {
        var order: [String] = []
        var byStudy: [String: StudyPrivacySpending] = [:]
        for (i, bytes) in entries.enumerated() {
            let record = try ReleaseRecord(decoding: bytes, index: UInt64(i))
            guard let study = record.study else { continue }
            if byStudy[study] == nil {
                order.append(study)
                byStudy[study] = StudyPrivacySpending(study: study, budget: nil, spent: .zero, releases: [], refusals: 0)
            }
            if let text = record.policy[ReleasePolicy.Key.dpBudget.rawValue] {
                byStudy[study]!.budget = ReleasePolicy.parseBudget(text) ?? nil
            }
            let rho = try rho(of: record, index: UInt64(i))
            if rho.signum > 0 {
                byStudy[study]!.spent += rho
                byStudy[study]!.releases.append(UInt64(i))
            }
            if record.outcome == .refused, record.options[dpOption] != nil { byStudy[study]!.refusals += 1 }
        }
        return order.map { byStudy[$0]! }
    }

    /// What `study` has spent in `records` (released entries with their sequence numbers).
    public static func spent(study: String, in records: [(UInt64, ReleaseRecord)]) throws(GovernanceError) -> Rational {
        var total = Rational.zero
        for (i, r) in records where r.study == study { total += try rho(of: r, index: i) }
        return total
    }

    /// Refuses spending `rho` more in `study` when that would exceed `budget`, given what `records` spent.
    public static func checkBudget(study: String, budget: Rational, requested rho: Rational,
                                   records: [(UInt64, ReleaseRecord)]) throws(GovernanceError) {
        let spent = try spent(study: study, in: records)
        guard !(budget < spent + rho) else {
            throw .privacyBudgetExceeded(study: study, requested: rho.description, spent: spent.description,
                                         budget: budget.description)
        }
    }

    /// The option key under which a release's requested rho is logged (so a repeat must ask for the same rho).
    public static let dpOption = "dp-rho"
}
