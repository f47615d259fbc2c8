import Governance
import HEFiles
import Privacy

// The three roles' flows on files: a site's CSV table to its site file (the declared bound, the read, the
// encryption), the aggregator's sum checked against a public key, the key holder's decryption to a totals file.

/// What a site's encryption of a CSV table produced.
public struct SiteTableEncryption: Sendable {
    /// The header of the site file as written.
    public var header: ContainerHeader
    /// The declared largest absolute cell value, in table units (given or the default).
    public var maxValue: UInt64
    public var rowCount: Int
    public var columnCount: Int
}

extension EncryptedTableFiles {
    /// Reads the CSV table at `csvPath` (cells of `encoding`, each at most `maxValue` in absolute value, or the
    /// default bound of ``ValueBounds/defaultMaxValue(slotCapacity:encoding:)``), encrypts it for `site` under the
    /// public key in `publicKeyPath` and writes the site file atomically.
    /// With `signing` (the manifest and the site's signing key file), the file is signed for the study.
    public static func encryptCSV(_ csvPath: String, encoding: ValueEncoding, maxValue: UInt64?, hints: ValueHints,
                                  site: String, publicKeyPath: String, to path: String,
                                  signing: (manifest: ManifestSource, signingKeyPath: String)? = nil,
                                  progress: ProgressHandler? = nil) throws(EncryptedStatsError) -> SiteTableEncryption {
        let keys = try KeyFiles.readPublic(publicKeyPath)
        let signer = try signing.map { (s) throws(EncryptedStatsError) in
            try SiteSigner.open(manifest: s.manifest, signingKeyPath: s.signingKeyPath, encryptionKeyPath: publicKeyPath)
        }
        var scheme = try SchemeRegistry.instance(for: keys, kind: .countTable, encoding: encoding)
        let (maxValue, bound) = try ValueBounds.resolve(maxValue: maxValue, encoding: encoding,
                                                        capacity: scheme.layout.slotCapacity)
        let table = try CountTableReader.read(path: csvPath, encoding: encoding, maxValue: maxValue, hints: hints)
        if SchemeRegistry.prefersFastEncryption(keys.scheme, ciphertexts: scheme.layout.ciphertextCount(forValues: table.values.count)) {
            scheme = try SchemeRegistry.instance(for: keys, valueCount: table.values.count, kind: .countTable, encoding: encoding)
        }
        let header = try encrypt(table, bound: bound, site: site, scheme: scheme, keys: keys, to: path, signer: signer,
                                 progress: progress)
        return SiteTableEncryption(header: header, maxValue: maxValue, rowCount: table.rowLabels.count,
                                   columnCount: table.columnLabels.count)
    }
}

extension EncryptedTableFiles {
    /// Sums `inputs` into `output` (see ``aggregate(inputs:to:expectedKey:progress:)``); with `publicKeyPath`, every
    /// input must be encrypted under that public key.
    @discardableResult
    /// With `manifest`, every input's statements are verified against it.
    public static func aggregate(inputs: [String], to output: String, publicKeyPath: String?,
                                 manifest: ManifestSource? = nil,
                                 progress: ProgressHandler? = nil) throws(EncryptedStatsError) -> ContainerHeader {
        let expected = try publicKeyPath.map { (path) throws(EncryptedStatsError) in
            (path: path, fingerprint: try KeyFiles.readPublic(path).publicKeyFingerprint)
        }
        let signed = try manifest.map { (m) throws(EncryptedStatsError) in try governance { () throws(GovernanceError) in try m.load() } }
        return try aggregate(inputs: inputs, to: output, expectedKey: expected, manifest: signed, progress: progress)
    }

    /// Decrypts the encrypted table at `path` with the secret key file `secretKeyPath` and writes the totals to
    /// `output` in `format` (mode 0600; `-` is standard output). Returns the totals and, with `logging`, the log entry they went out under.
    ///
    /// With `verification` (the manifest and the signed site files, files or folders, possibly none), the
    /// aggregate is verified first (see ``decrypt(_:keys:keyPath:check:progress:)``) and the manifest's release
    /// policy applies: too few sites are refused before anything is decrypted, small cells are withheld
    /// (docs/GOVERNANCE.md). With `logging`, the release (or the refusal) is appended to the decryption log and
    /// fsynced before the totals are written, and a receipt `<output>.release.json` names the entry.
    ///
    /// With `shares` (the decryption shares of a multi-party study's parties, files or folders), nothing is
    /// decrypted with a secret key: `secretKeyPath` is then the collective public key file and each ciphertext is
    /// decrypted by combining the parties' shares (`party combine`, docs/MULTIPARTY.md); `verification` is required.
    ///
    /// With `privateRho`, the release is differentially private (docs/PRIVACY.md): the study's policy must set a
    /// `dp-budget` and `logging` is required; every cell gets exact discrete Gaussian noise for that rho (the unit
    /// of privacy is one person, counted in at most one cell: L2 sensitivity 1), released counts are clamped at 0,
    /// the small-cell rule applies to the noisy counts, and the rho spent is logged before anything is written.
    @discardableResult
    public static func decrypt(_ path: String, secretKeyPath: String, to output: String, format: TotalsFormat,
                               verification: (manifest: ManifestSource, inputs: [String])? = nil,
                               logging: ReleaseLogging? = nil, combining shares: [String]? = nil,
                               privateRho: Rational? = nil,
                               progress: ProgressHandler? = nil) throws(EncryptedStatsError) -> (totals: DecryptedTotals, receipt: ReleaseReceipt?) {
        let check = try verification.map { (v) throws(EncryptedStatsError) in
            DecryptionCheck(manifest: try governance { () throws(GovernanceError) in try v.manifest.load() }, inputs: v.inputs)
        }
        let keys = try PartyFiles.keys(secretKeyPath, combining: shares, check: check, aggregate: path)
        var context = try ReleaseContext.make(command: shares == nil ? "decrypt" : "party combine", path: path, keys: keys,
                                              check: check, options: ["format": format.rawValue], privateRho: privateRho)
        let policy = context.policy
        var plan: PreparedNoise? = nil
        let totals: DecryptedTotals
        do throws(EncryptedStatsError) {
            if privateRho != nil, shares != nil {
                throw .releaseRefused(path: path, .privateReleaseUnsupported(
                    reason: "a multi-party study's parties cannot yet add noise under encryption (distributed noise, docs/PRIVACY.md); the combiner would see the exact totals"))
            }
            // Signatures and inputs are checked first, then the policy, then anything is decrypted.
            totals = try decrypt(path, keys: keys, keyPath: secretKeyPath, check: check, beforeDecrypting: { (h, schemaDigest) throws(EncryptedStatsError) in
                context.read(h, schemaDigest: schemaDigest)
                try context.checkSites(h)
                if let policy, h.schema?.kind.isGwas == true, policy.smallCells != .none || privateRho != nil {
                    throw .releaseRefused(path: path, .policyNeedsGwasReport(path: path))
                }
                if let privateRho {
                    guard let schema = h.schema, schema.kind == .countTable, schema.encoding == .count else {
                        throw .releaseRefused(path: path, .privateReleaseUnsupported(
                            reason: "noise is defined for tables of counts (encoding count), where one person is counted in at most one cell; this table's encoding is \(h.schema.map { "\($0.encoding)" } ?? "unknown")"))
                    }
                    let p = try governance { () throws(GovernanceError) in
                        try PrivateReleasePlan(unit: "one person, counted in at most one cell of the table (L2 sensitivity 1)",
                                               cells: schema.valueCount, l2SensitivitySquared: .one, requestedRho: privateRho)
                    }
                    try context.checkPrivateRelease(p, logging: logging)
                    plan = PreparedNoise(p)
                }
            }, progress: progress)
        } catch {
            throw ReleaseGate.refuse(error, context: context, logging: logging)
        }
        context.inputDigest = totals.contentDigest ?? .zero

        // The small-cell rule, on the exact or the noisy counts.
        func protect(_ totals: DecryptedTotals) throws(EncryptedStatsError) -> (DecryptedTotals, [String: Int]) {
            guard let policy, policy.smallCells != .none, totals.schema.encoding == .count, totals.schema.kind == .countTable else {
                return (totals, [:])
            }
            var released = totals
            let width = totals.schema.columnLabels.count
            let cells = stride(from: 0, to: totals.values.count, by: width).map { Array(totals.values[$0 ..< $0 + width]) }
            let protected: ProtectedTable
            do throws(GovernanceError) {
                protected = try ProtectedTable(cells: cells, profile: policy.smallCells)
            } catch {
                throw .releaseRefused(path: path, error)
            }
            var withheld = Set<Int>()
            for (i, row) in protected.cells.enumerated() {
                for (j, cell) in row.enumerated() {
                    if let v = cell.value { released.values[i * width + j] = v } else { withheld.insert(i * width + j) }
                }
            }
            released.withheld = withheld
            return (released, ["primary cells": protected.counts.primaryCells,
                               "complementary cells": protected.counts.complementaryCells])
        }

        let released: DecryptedTotals
        let bytes: [UInt8]
        var receipt: ReleaseReceipt? = nil
        if privateRho != nil {
            // checkPrivateRelease refused a private release without a log before anything was decrypted.
            guard let plan, let logging else {
                throw .releaseRefused(path: path, .privateReleaseUnsupported(reason: "it needs the decryption log (--log and --log-key)"))
            }
            var noisy = totals
            let logged = try ReleaseGate.logPrivateRelease(context: context, noise: plan, logging: logging) { (noise) throws(EncryptedStatsError) in
                noisy.values = zip(totals.values, noise).map { ReleaseNoise.noisyCount($0, $1) }
                let (protected, suppressed) = try protect(noisy)
                noisy = protected
                return RenderedRelease(outputs: [(output, Array(TotalsWriter.render(protected, format: format).utf8))],
                                       suppressed: suppressed)
            }
            released = noisy
            bytes = logged.rendered.outputs[0].bytes
            receipt = logged.receipt
        } else {
            let suppressed: [String: Int]
            do throws(EncryptedStatsError) { (released, suppressed) = try protect(totals) } catch {
                throw ReleaseGate.refuse(error, context: context, logging: logging)
            }
            bytes = Array(TotalsWriter.render(released, format: format).utf8)
            if let logging {
                receipt = try ReleaseGate.logRelease(context: context, outputs: [ReleaseRecord.Output(name: output, bytes: bytes)],
                                                     suppressed: suppressed, logging: logging)
            }
        }
        try files { () throws(HEFilesError) in
            // `-`: standard output (a stream; no receipt file goes with it, the CLI refuses --log there).
            if output == "-" { return try writeStandardOutput(bytes) }
            try AtomicFileWriter.write(bytes, to: output, mode: AtomicFileWriter.ownerOnly)
            if let receipt { try AtomicFileWriter.write(Array(receipt.json.utf8), to: output + ".release.json", mode: AtomicFileWriter.ownerOnly) }
        }
        return (released, receipt)
    }
}
