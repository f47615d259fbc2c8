import Governance
import HEFiles

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
    /// `output` in `format`. Returns the totals.
    @discardableResult
    /// With `verification` (the manifest and the signed site files, files or folders, possibly none), the
    /// aggregate is verified first (see ``decrypt(_:keys:keyPath:check:progress:)``).
    public static func decrypt(_ path: String, secretKeyPath: String, to output: String, format: TotalsFormat,
                               verification: (manifest: ManifestSource, inputs: [String])? = nil,
                               progress: ProgressHandler? = nil) throws(EncryptedStatsError) -> DecryptedTotals {
        let keys = try KeyFiles.readSecret(secretKeyPath)
        let check = try verification.map { (v) throws(EncryptedStatsError) in
            DecryptionCheck(manifest: try governance { () throws(GovernanceError) in try v.manifest.load() }, inputs: v.inputs)
        }
        let totals = try decrypt(path, keys: keys, keyPath: secretKeyPath, check: check, progress: progress)
        try TotalsWriter.write(totals, format: format, to: output)
        return totals
    }
}
