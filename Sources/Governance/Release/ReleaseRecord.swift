import Foundation
import HEFiles

// One entry of the decryption log (docs/GOVERNANCE.md, "Decryption log"): what was released or refused, from
// which verified inputs, under which policy, and the SHA-256 of every output. Encoded as JSON with sorted keys,
// so that an entry's bytes follow from its values.

/// A release or a refusal, as logged.
public struct ReleaseRecord: Codable, Sendable, Hashable {
    public static let formatTag = "he-toolkit release v1"

    public enum Outcome: String, Codable, Sendable {
        case released
        case refused
    }

    /// An output file of a release: its name as given and the SHA-256 of its bytes.
    public struct Output: Codable, Sendable, Hashable {
        public var name: String
        public var sha256: String

        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.sha256 = Fingerprint(sha256Of: bytes).hex
        }
    }

    public var format = ReleaseRecord.formatTag
    public var outcome: Outcome
    /// UTC, ISO 8601 with milliseconds.
    public var time: String
    /// Who ran it (`--analyst`, else the user name).
    public var analyst: String
    /// The command: `decrypt` or `gwas report`.
    public var command: String
    /// The full SHA-256 fingerprint of the encryption key.
    public var keyFingerprint: String
    public var study: String?
    public var manifestVersion: UInt32?
    public var manifestDigest: String?
    /// The aggregate (or site file) decrypted, as given, and the SHA-256 of the file.
    public var input: String
    public var inputDigest: String
    /// What the differencing rule compares: SHA-256 of the table's schema (labels, layout, encoding).
    public var table: String
    /// The sites of the release: verified by their statements when `sitesVerified`, else the file's claim.
    public var sites: [String]
    public var sitesVerified: Bool
    /// SHA-256 of each verified statement, in the aggregate's order.
    public var statements: [String]
    /// The statistic's options (format, association test, ...).
    public var options: [String: String]
    /// The manifest's release policy as applied (every key, defaults filled in).
    public var policy: [String: String]
    /// What the policy withheld, by kind (for example `primary cells`, `complementary cells`, `variants`).
    public var suppressed: [String: Int]
    public var outputs: [Output]
    /// Why it was refused.
    public var refusal: String?
    /// The earlier entry this release repeats byte for byte (same input, options and outputs), if any.
    public var repeatOf: UInt64?
    /// The noise of a differentially private release (docs/PRIVACY.md); absent from exact releases and refusals.
    public var privacy: PrivacyRecord?

    public init(outcome: Outcome, time: Date, analyst: String, command: String, keyFingerprint: Fingerprint,
                manifest: SignedManifest?, input: String, inputDigest: Fingerprint, table: Fingerprint,
                sites: [String], sitesVerified: Bool, statements: [[UInt8]], options: [String: String],
                policy: [String: String], suppressed: [String: Int] = [:], outputs: [Output] = [],
                refusal: String? = nil) {
        self.outcome = outcome
        self.time = Self.timestamp(time)
        self.analyst = analyst
        self.command = command
        self.keyFingerprint = keyFingerprint.hex
        self.study = manifest?.manifest.studyID
        self.manifestVersion = manifest?.manifest.version
        self.manifestDigest = manifest?.digest.hex
        self.input = input
        self.inputDigest = inputDigest.hex
        self.table = table.hex
        self.sites = sites
        self.sitesVerified = sitesVerified
        self.statements = statements.map { Fingerprint(sha256Of: $0).hex }
        self.options = options
        self.policy = policy
        self.suppressed = suppressed
        self.outputs = outputs
        self.refusal = refusal
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// The entry's bytes: JSON, keys sorted, no insignificant whitespace.
    public var encoded: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every field is a string, number, bool, array or map of them: encoding cannot fail.
        return Array(try! encoder.encode(self))
    }

    /// Decodes an entry of the log; `index` names it in the error.
    public init(decoding bytes: [UInt8], index: UInt64) throws(GovernanceError) {
        do {
            self = try JSONDecoder().decode(ReleaseRecord.self, from: Data(bytes))
        } catch {
            throw .releaseEntryDamaged(index: index, reason: "not a release record (\(error.localizedDescription))")
        }
        guard format == Self.formatTag else {
            throw .releaseEntryDamaged(index: index, reason: "format '\(format)', expected '\(Self.formatTag)'")
        }
    }

    /// Whether `other` made the same request: same command, input file content, table, sites and options. A
    /// differentially private release that asks again what an earlier one asked gets the earlier one's noise.
    public func asksAgain(_ other: ReleaseRecord) -> Bool {
        other.outcome == .released && other.inputDigest == inputDigest && other.table == table && other.sites == sites
            && other.options == options && other.command == command
    }

    /// Whether `other` released the same thing: same input file content, table, sites, options and outputs.
    public func repeats(_ other: ReleaseRecord) -> Bool {
        other.outcome == .released && outcome == .released && other.inputDigest == inputDigest && other.table == table
            && other.sites == sites && other.options == options && other.outputs.map(\.sha256) == outputs.map(\.sha256)
            && other.command == command
    }
}

/// The noise a differentially private release added, as logged: everything needed to account for it and, for the
/// key holder only, to reproduce it.
public struct PrivacyRecord: Codable, Sendable, Hashable {
    /// `discrete gaussian`.
    public var mechanism: String
    /// The unit of privacy and what the sensitivity follows from, in words.
    public var unit: String
    /// The noised values (cells).
    public var cells: Int
    /// Exact rationals (`n` or `n/d`): the L2 sensitivity squared of the released vector for one unit, the
    /// noise's sigma^2, the rho asked for, and the rho spent, Delta^2 / (2 sigma^2), never more than asked.
    public var l2SensitivitySquared: String
    public var sigmaSquared: String
    public var requestedRho: String
    public var rho: String
    /// The release's noise seed, sealed with AES-GCM under a key derived from the log key (``NoiseSeed``).
    public var sealedSeed: String

    public init(mechanism: String, unit: String, cells: Int, l2SensitivitySquared: String, sigmaSquared: String,
                requestedRho: String, rho: String, sealedSeed: String) {
        self.mechanism = mechanism
        self.unit = unit
        self.cells = cells
        self.l2SensitivitySquared = l2SensitivitySquared
        self.sigmaSquared = sigmaSquared
        self.requestedRho = requestedRho
        self.rho = rho
        self.sealedSeed = sealedSeed
    }
}
