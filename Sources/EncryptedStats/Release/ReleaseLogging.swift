import Foundation
import Governance
import HEFiles
import Privacy

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
    /// The rho a differentially private release asks for; nil for an exact release.
    package var privateRho: Rational? = nil

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
    /// With `privateRho`, the release is a differentially private one asking for that rho (logged as the
    /// option `dp-rho`).
    package static func make(command: String, path: String, keys: SchemeKeys, check: DecryptionCheck?,
                             options: [String: String], privateRho: Rational? = nil) throws(EncryptedStatsError) -> ReleaseContext {
        let policy = try check.map { (c) throws(EncryptedStatsError) in
            try governance { () throws(GovernanceError) in try ReleasePolicy(manifest: c.manifest.manifest) }
        }
        var options = options
        if let privateRho { options[PrivacySpending.dpOption] = privateRho.description }
        return ReleaseContext(command: command, keyFingerprint: keys.publicKeyFingerprint, manifest: check?.manifest,
                              input: path, inputDigest: .zero, table: .zero, sites: [], sitesVerified: false,
                              statements: [], options: options, policy: policy, privateRho: privateRho)
    }

    /// Takes the sites, statements and table identity from the file's header (checked, when under a manifest).
    package mutating func read(_ h: ContainerHeader, schemaDigest: Fingerprint) {
        table = schemaDigest
        sites = h.contributors.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        sitesVerified = manifest != nil
        statements = manifest != nil ? h.statements : []
    }

    /// The check run before anything is decrypted: the policy's minimum number of distinct sites, and in a study
    /// with a privacy budget, that the release is a differentially private one.
    package func checkSites(_ h: ContainerHeader) throws(EncryptedStatsError) {
        guard let policy else { return }
        do throws(GovernanceError) {
            try policy.checkSites(Set(h.contributors))
            if privateRho == nil, let budget = policy.dpBudget {
                throw .exactReleaseUnderBudget(study: manifest?.manifest.studyID ?? "", budget: budget.description)
            }
        } catch {
            throw .releaseRefused(path: input, error)
        }
    }

    /// The checks of a differentially private release before anything is decrypted, once `plan` is known from
    /// the header: a manifest whose policy sets a budget, a log, and room in the budget for the plan's rho
    /// (unless the log holds a release this one may repeat, which spends nothing; that is decided under the
    /// log's lock once the content is known).
    package func checkPrivateRelease(_ plan: PrivateReleasePlan, logging: ReleaseLogging?) throws(EncryptedStatsError) {
        do throws(GovernanceError) {
            guard let policy, let manifest else {
                throw .privateReleaseUnsupported(reason: "it needs the study manifest (--manifest), whose policy sets the privacy budget")
            }
            guard let budget = policy.dpBudget else { throw .privacyBudgetNotSet(study: manifest.manifest.studyID) }
            guard let logging else {
                throw .privateReleaseUnsupported(reason: "it needs the decryption log (--log and --log-key): the log is the study's privacy ledger")
            }
            let log = AppendOnlyLog(path: logging.logPath)
            let prior = FileManager.default.fileExists(atPath: logging.logPath) ? try ReleaseContext.priorReleases(log.read().entries) : []
            let mayRepeat = prior.contains { $0.1.privacy != nil && $0.1.repeatOf == nil && $0.1.table == table.hex
                && $0.1.sites == sites && $0.1.options == options && $0.1.command == command }
            if !mayRepeat {
                try PrivacySpending.checkBudget(study: manifest.manifest.studyID, budget: budget, requested: try plan.rho(),
                                                records: prior)
            }
        } catch {
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

/// What a differentially private release noises, from the unit of privacy of its table: `cells` values, where
/// adding or removing one unit (one person) changes the vector by at most `l2SensitivitySquared` in squared L2
/// norm; sigma^2 is the smallest integer that keeps the rho spent at most the rho asked for.
package struct PrivateReleasePlan: Sendable {
    package var unit: String
    package var cells: Int
    package var l2SensitivitySquared: Rational
    package var requestedRho: Rational
    package var sigmaSquared: Rational

    package init(unit: String, cells: Int, l2SensitivitySquared: Rational, requestedRho: Rational) throws(GovernanceError) {
        self.unit = unit
        self.cells = cells
        self.l2SensitivitySquared = l2SensitivitySquared
        self.requestedRho = requestedRho
        do throws(PrivacyError) {
            sigmaSquared = try PrivacyAccounting.sigmaSquared(targetRho: requestedRho, l2SensitivitySquared: l2SensitivitySquared)
        } catch {
            throw .privateReleaseUnsupported(reason: "\(error)")
        }
    }

    package var mechanism: PrivacyMechanism {
        .discreteGaussian(l2SensitivitySquared: l2SensitivitySquared, sigmaSquared: sigmaSquared)
    }

    /// The rho spent: Delta^2 / (2 sigma^2).
    package func rho() throws(GovernanceError) -> Rational {
        do throws(PrivacyError) { return try mechanism.rho() } catch {
            throw .privateReleaseUnsupported(reason: "\(error)")
        }
    }
}

/// What a differentially private release rendered from its noise: the output files and what the policy withheld.
package struct RenderedRelease {
    package var outputs: [(name: String, bytes: [UInt8])]
    package var suppressed: [String: Int]

    package init(outputs: [(name: String, bytes: [UInt8])], suppressed: [String: Int]) {
        self.outputs = outputs
        self.suppressed = suppressed
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

    /// Logs a differentially private release under the log's lock, then returns what was rendered: checks the
    /// differencing rule; takes the noise of an earlier release of the same request (same command, content,
    /// table, sites and options: it spends nothing and gives the same outputs) or else checks the budget and
    /// takes the noise `prepared` drew from a fresh seed; renders the outputs with `render`; appends the entry (with
    /// the sealed seed and the rho spent) and fsyncs, all before anything is written. A refusal is logged.
    package static func logPrivateRelease(context: ReleaseContext, noise prepared: PreparedNoise, logging: ReleaseLogging,
                                          render: ([Int64]) throws(EncryptedStatsError) -> RenderedRelease)
        throws(EncryptedStatsError) -> (receipt: ReleaseReceipt, rendered: RenderedRelease) {
        guard let policy = context.policy, let manifest = context.manifest, let budget = policy.dpBudget else {
            // checkPrivateRelease refused these before anything was decrypted.
            throw .releaseRefused(path: context.input, .privateReleaseUnsupported(reason: "no manifest budget"))
        }
        let plan = prepared.plan
        var log = AppendOnlyLog(path: logging.logPath)
        var record = context.record(.released, analyst: logging.analyst)
        var refusal: GovernanceError? = nil
        var renderError: EncryptedStatsError? = nil
        var rendered: RenderedRelease? = nil
        let binding = Array("\(record.inputDigest) \(record.table) \(record.command)".utf8)
        let receipt = try governance { () throws(GovernanceError) in
            try log.append(signingKey: logging.key.key) { (entries) throws(GovernanceError) in
                let prior = try ReleaseContext.priorReleases(entries)
                do throws(GovernanceError) {
                    try policy.checkDifferencing(
                        table: context.tableIdentity, sites: Set(context.sites),
                        earlier: prior.map { PriorRelease(sequence: $0.0, table: TableIdentity(schemaDigest: Fingerprint(hex: $0.1.table) ?? .zero, statistic: $0.1.command), sites: Set($0.1.sites)) })
                    let earlier = prior.first { $0.1.privacy != nil && $0.1.repeatOf == nil && record.asksAgain($0.1) }
                    let noise: [Int64]
                    let sealed: String
                    if let (index, first) = earlier, let privacy = first.privacy {
                        let seed = try NoiseSeed.unseal(privacy.sealedSeed, with: logging.key, binding: binding, index: index)
                        noise = try ReleaseNoise.discreteGaussian(count: plan.cells, sigmaSquared: plan.sigmaSquared, seed: seed)
                        sealed = privacy.sealedSeed
                        record.repeatOf = index
                    } else {
                        try PrivacySpending.checkBudget(study: manifest.manifest.studyID, budget: budget,
                                                        requested: try plan.rho(), records: prior)
                        noise = try prepared.noise()
                        sealed = try prepared.seed.sealed(with: logging.key, binding: binding)
                    }
                    do throws(EncryptedStatsError) { rendered = try render(noise) } catch {
                        renderError = error
                        throw GovernanceError.privateReleaseUnsupported(reason: error.description)
                    }
                    record.outputs = rendered!.outputs.map { ReleaseRecord.Output(name: $0.name, bytes: $0.bytes) }
                    record.suppressed = rendered!.suppressed
                    record.privacy = PrivacyRecord(
                        mechanism: "discrete gaussian", unit: plan.unit, cells: plan.cells,
                        l2SensitivitySquared: plan.l2SensitivitySquared.description, sigmaSquared: plan.sigmaSquared.description,
                        requestedRho: plan.requestedRho.description, rho: try plan.rho().description, sealedSeed: sealed)
                    return record.encoded
                } catch {
                    refusal = error
                    return context.record(.refused, refusal: renderError?.description ?? error.description,
                                          analyst: logging.analyst).encoded
                }
            }
        }
        if let renderError { throw renderError }
        if let refusal { throw .releaseRefused(path: context.input, refusal) }
        return (ReleaseReceipt(logPath: logging.logPath, entry: receipt.leafIndex, signedHead: receipt.signedHead, record: record),
                rendered!)
    }
}
