import Foundation
import Governance
import HEFiles

// The key holder's side of a release (docs/GOVERNANCE.md): the policy checked before anything is decrypted, the
// release or refusal appended to the decryption log and fsynced before any plaintext is written, and a receipt
// beside the outputs naming the entry and the tree head they were released under.

/// Where releases are logged: the log file, the key holder's Ed25519 log key and who runs the release.
public struct ReleaseLogging: Sendable {
    public var logPath: String
    public var key: SigningSecretKey
    public var analyst: String

    public init(logPath: String, key: SigningSecretKey, analyst: String) {
        self.logPath = logPath
        self.key = key
        self.analyst = analyst
    }

    /// Reads the log key (mode 0600, as every secret key file).
    public static func open(logPath: String, keyPath: String, analyst: String) throws(EncryptedStatsError) -> ReleaseLogging {
        let key = try governance { () throws(GovernanceError) in try SigningKeyFiles.readSecret(keyPath) }
        return ReleaseLogging(logPath: logPath, key: key, analyst: analyst)
    }
}

/// The log entry a release went out under.
public struct ReleaseReceipt: Sendable {
    public var logPath: String
    public var entry: UInt64
    public var signedHead: SignedTreeHead
    public var record: ReleaseRecord

    /// The receipt file written beside the outputs (`<first output>.release.json`).
    public var json: String {
        var out = "{\n"
        out += "  \"format\": \"he-toolkit release receipt v1\",\n"
        out += "  \"log\": \(jsonString(logPath)),\n"
        out += "  \"entry\": \(entry),\n"
        out += "  \"treeSize\": \(signedHead.head.size),\n"
        out += "  \"root\": \(jsonString(signedHead.head.root.hex)),\n"
        out += "  \"logKey\": \(jsonString(signedHead.head.keyID.hex)),\n"
        out += "  \"treeHead\": \(jsonString(Hex.encode(signedHead.serialized))),\n"
        if let r = record.repeatOf { out += "  \"repeatOf\": \(r),\n" }
        out += "  \"outputs\": [" + record.outputs.map { "{\"name\": \(jsonString($0.name)), \"sha256\": \(jsonString($0.sha256))}" }
            .joined(separator: ", ") + "]\n"
        out += "}\n"
        return out
    }
}

/// What a release needs to know to be checked and logged.
package struct ReleaseContext {
    package var command: String
    package var keyFingerprint: Fingerprint
    package var manifest: SignedManifest?
    package var input: String
    package var inputDigest: Fingerprint
    package var table: Fingerprint
    package var sites: [String]
    package var sitesVerified: Bool
    package var statements: [[UInt8]]
    package var options: [String: String]
    package var policy: ReleasePolicy?

    func record(_ outcome: ReleaseRecord.Outcome, outputs: [ReleaseRecord.Output] = [], suppressed: [String: Int] = [:],
                refusal: String? = nil, analyst: String) -> ReleaseRecord {
        ReleaseRecord(outcome: outcome, time: Date(), analyst: analyst, command: command, keyFingerprint: keyFingerprint,
                      manifest: manifest, input: input, inputDigest: inputDigest, table: table, sites: sites,
                      sitesVerified: sitesVerified, statements: statements, options: options,
                      policy: policy?.manifestPolicy ?? [:], suppressed: suppressed, outputs: outputs, refusal: refusal)
    }

    /// The context of a release of the file `path` by `command`: under `check`'s manifest, its policy applies and
    /// the file's sites count as verified (they are, once the decryption's checks have passed). The header's
    /// values are filled in by ``read(_:schemaDigest:)`` once the file is read; a refusal before that is logged
    /// without them.
    package static func make(command: String, path: String, keys: SchemeKeys, check: DecryptionCheck?,
                             options: [String: String]) throws(EncryptedStatsError) -> ReleaseContext {
        let policy = try check.map { (c) throws(EncryptedStatsError) in
            try governance { () throws(GovernanceError) in try ReleasePolicy(manifest: c.manifest.manifest) }
        }
        return ReleaseContext(command: command, keyFingerprint: keys.publicKeyFingerprint, manifest: check?.manifest,
                              input: path, inputDigest: .zero, table: .zero, sites: [], sitesVerified: false,
                              statements: [], options: options, policy: policy)
    }

    /// Takes the sites, statements and table identity from the file's header (checked, when under a manifest).
    package mutating func read(_ h: ContainerHeader, schemaDigest: Fingerprint) {
        table = schemaDigest
        sites = h.contributors.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        sitesVerified = manifest != nil
        statements = manifest != nil ? h.statements : []
    }

    /// The check run before anything is decrypted: the policy's minimum number of distinct sites.
    package func checkSites(_ h: ContainerHeader) throws(EncryptedStatsError) {
        guard let policy else { return }
        do throws(GovernanceError) { try policy.checkSites(Set(h.contributors)) } catch {
            throw .releaseRefused(path: input, error)
        }
    }

    var tableIdentity: TableIdentity { TableIdentity(schemaDigest: table, statistic: command) }

    /// The earlier releases of the log, for the differencing rule.
    static func priorReleases(_ entries: [[UInt8]]) throws(GovernanceError) -> [(UInt64, ReleaseRecord)] {
        var out: [(UInt64, ReleaseRecord)] = []
        for (i, bytes) in entries.enumerated() {
            let record = try ReleaseRecord(decoding: bytes, index: UInt64(i))
            if record.outcome == .released { out.append((UInt64(i), record)) }
        }
        return out
    }
}

package enum ReleaseGate {
    /// Appends a refusal (when logging) for `error`, then rethrows it.
    package static func refuse(_ error: EncryptedStatsError, context: ReleaseContext, logging: ReleaseLogging?) -> EncryptedStatsError {
        guard let logging else { return error }
        var log = AppendOnlyLog(path: logging.logPath)
        let record = context.record(.refused, refusal: error.description, analyst: logging.analyst)
        do throws(GovernanceError) {
            try log.append(record.encoded, signingKey: logging.key.key)
        } catch {
            return .governance(error)
        }
        return error
    }

    /// Checks the differencing rule against the whole log and appends the release, under the log's lock; refuses
    /// (logging the refusal) when an earlier release of the same table covered too few other sites.
    package static func logRelease(context: ReleaseContext, outputs: [ReleaseRecord.Output], suppressed: [String: Int],
                           logging: ReleaseLogging) throws(EncryptedStatsError) -> ReleaseReceipt {
        var log = AppendOnlyLog(path: logging.logPath)
        var record = context.record(.released, outputs: outputs, suppressed: suppressed, analyst: logging.analyst)
        var refusal: GovernanceError? = nil
        let receipt = try governance { () throws(GovernanceError) in
            try log.append(signingKey: logging.key.key) { (entries) throws(GovernanceError) in
                let prior = try ReleaseContext.priorReleases(entries)
                if let policy = context.policy {
                    do throws(GovernanceError) {
                        try policy.checkDifferencing(
                            table: context.tableIdentity, sites: Set(context.sites),
                            earlier: prior.map { PriorRelease(sequence: $0.0, table: TableIdentity(schemaDigest: Fingerprint(hex: $0.1.table) ?? .zero, statistic: $0.1.command), sites: Set($0.1.sites)) })
                    } catch {
                        refusal = error
                        return context.record(.refused, refusal: error.description, analyst: logging.analyst).encoded
                    }
                }
                record.repeatOf = prior.first { record.repeats($0.1) }?.0
                return record.encoded
            }
        }
        if let refusal { throw .releaseRefused(path: context.input, refusal) }
        return ReleaseReceipt(logPath: logging.logPath, entry: receipt.leafIndex, signedHead: receipt.signedHead, record: record)
    }
}
