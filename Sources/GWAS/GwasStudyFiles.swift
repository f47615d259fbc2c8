import EncryptedStats
import Governance
import HEFiles

// The GWAS roles' flows on files, as `he-cli gwas encrypt` and `he-cli gwas report` run them: key file in, files
// out, with the time each phase took (the caller shows it; nothing is printed here).

/// What `gwas report` produced.
public struct GwasReportResult: Sendable {
    public var contributors: [String]
    /// The total number of samples the contributing sites declared.
    public var declaredSamples: UInt64
    public var variants: Int
    /// The report files written.
    public var written: [String]
    public var decryption: Duration
    public var statistics: Duration
}

extension GwasFiles {
    /// Counts a site's VCF against the panel (`count`), hands the counted input's summary to `counted` (the
    /// caller shows it before the slow encryption), then encrypts under the public key in `publicKeyPath`.
    /// Returns the result and the time counting and encryption took.
    public static func encryptSite(vcf: String, phenotypes: String, panel: String, site: String,
                                   publicKeyPath: String, to output: String,
                                   signing: (manifest: ManifestSource, signingKeyPath: String)? = nil,
                                   counted: (SiteInputSummary) -> Void = { _ in },
                                   progress: ProgressHandler? = nil) throws(GwasError)
        -> (result: GwasSiteEncryption, counting: Duration, encryption: Duration) {
        let keys = try stats { () throws(EncryptedStatsError) in try KeyFiles.readPublic(publicKeyPath) }
        let signer = try signing.map { (s) throws(GwasError) in
            try stats { () throws(EncryptedStatsError) in
                try SiteSigner.open(manifest: s.manifest, signingKeyPath: s.signingKeyPath, encryptionKeyPath: publicKeyPath)
            }
        }
        let clock = ContinuousClock()
        let start = clock.now
        let siteCounts = try count(vcf: vcf, phenotypes: phenotypes, panel: panel)
        let parsed = clock.now
        counted(siteCounts.summary)
        let result = try encrypt(siteCounts, siteID: site, keys: keys, to: output, signer: signer, progress: progress)
        return (result, parsed - start, clock.now - parsed)
    }

    /// Decrypts a GWAS aggregate with the secret key file `secretKeyPath`, analyses the pooled counts and writes
    /// the report files `prefix` + extension (all or none).
    public static func report(_ input: String, secretKeyPath: String, prefix: String, files: Set<PlinkReportFile>,
                              options: GwasOptions, verification: (manifest: ManifestSource, inputs: [String])? = nil,
                              progress: ProgressHandler? = nil) throws(GwasError) -> GwasReportResult {
        let keys = try stats { () throws(EncryptedStatsError) in try KeyFiles.readSecret(secretKeyPath) }
        let check = try verification.map { (v) throws(GwasError) in
            DecryptionCheck(manifest: try stats { () throws(EncryptedStatsError) in try governance { () throws(GovernanceError) in try v.manifest.load() } },
                            inputs: v.inputs)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let pooled = try decrypt(input, keys: keys, keyPath: secretKeyPath, check: check, progress: progress)
        let decrypted = clock.now
        let reports = try Gwas.analyse(panel: pooled.panel, counts: pooled.counts, options: options)
        let written = try PlinkWriter.write(reports: reports, prefix: prefix, files: files)
        return GwasReportResult(contributors: pooled.contributors, declaredSamples: pooled.declaredSamples,
                                variants: reports.count, written: written, decryption: decrypted - start,
                                statistics: clock.now - decrypted)
    }
}
