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
    /// Variants the release policy withheld (minor-allele count below `gwas-min-mac` in a group).
    public var withheldVariants: Int = 0
    /// The log entry the report went out under, with `logging`.
    public var receipt: ReleaseReceipt? = nil
    /// The genomic-control lambda of the allelic test over the reported variants (`GenomicControl.lambda`).
    public var lambda: Double? = nil
    /// How many variants have an allelic chi-square statistic (the variants lambda is the median over).
    public var testedVariants: Int = 0
    /// The reported variants with the smallest allelic p-values (`GenomicControl.topHits`, at most 10).
    public var topHits: [VariantReport] = []
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
    /// the report files `prefix` + extension (all or none, mode 0600).
    ///
    /// Under a manifest (`verification`), its release policy applies: too few sites are refused before anything is
    /// decrypted, and variants below `gwas-min-mac` in a group are withheld. With `logging`, the release or the
    /// refusal is logged and fsynced before any file is written, and `prefix.release.json` names the entry.
    /// With `shares`, the parties' decryption shares are combined instead (see `EncryptedTableFiles.decrypt`);
    /// `secretKeyPath` is then the collective public key file.
    /// With `plots`, `prefix.manhattan.svg` and `prefix.qq.svg` (`ReportPlots`) are written with the other files.
    public static func report(_ input: String, secretKeyPath: String, prefix: String, files: Set<PlinkReportFile>,
                              options: GwasOptions, plots: Bool = false,
                              verification: (manifest: ManifestSource, inputs: [String])? = nil,
                              logging: ReleaseLogging? = nil, combining shares: [String]? = nil,
                              progress: ProgressHandler? = nil) throws(GwasError) -> GwasReportResult {
        let check = try verification.map { (v) throws(GwasError) in
            DecryptionCheck(manifest: try stats { () throws(EncryptedStatsError) in try governance { () throws(GovernanceError) in try v.manifest.load() } },
                            inputs: v.inputs)
        }
        let keys = try stats { () throws(EncryptedStatsError) in
            try PartyFiles.keys(secretKeyPath, combining: shares, check: check, aggregate: input)
        }
        let ordered = PlinkReportFile.allCases.filter(files.contains)
        var context = try stats { () throws(EncryptedStatsError) in
            try ReleaseContext.make(command: shares == nil ? "gwas report" : "party combine gwas report", path: input, keys: keys, check: check, options: [
                "files": ordered.map(\.fileExtension).joined(separator: " "), "keep-allele-order": String(options.keepAlleleOrder),
                "cell": String(options.cellThreshold), "hwe-midp": String(options.hardyMidP)])
        }
        func refused(_ error: GwasError) -> GwasError {
            guard case let .stats(inner) = error else { return error }
            return .stats(ReleaseGate.refuse(inner, context: context, logging: logging))
        }
        let clock = ContinuousClock()
        let start = clock.now
        let pooled: GwasPooledCounts
        do throws(GwasError) {
            pooled = try decrypt(input, keys: keys, keyPath: secretKeyPath, check: check,
                                 beforeDecrypting: { (h, schemaDigest) throws(EncryptedStatsError) in
                                     context.read(h, schemaDigest: schemaDigest)
                                     try context.checkSites(h)
                                 },
                                 progress: progress)
        } catch {
            throw refused(error)
        }
        context.inputDigest = pooled.contentDigest ?? .zero
        let decrypted = clock.now
        var reports = try Gwas.analyse(panel: pooled.panel, counts: pooled.counts, options: options)
        var withheld = 0
        if let policy = context.policy, policy.gwasMinMAC > 0 {
            // A variant whose rarer allele is rare within cases or controls is withheld whole (docs/GOVERNANCE.md).
            let before = reports.count
            reports = reports.filter { r in
                let cases = GroupAlleleCounts(homRef: Int64(r.cases.homA2), het: Int64(r.cases.het), homAlt: Int64(r.cases.homA1))
                let controls = GroupAlleleCounts(homRef: Int64(r.controls.homA2), het: Int64(r.controls.het),
                                                 homAlt: Int64(r.controls.homA1))
                return !policy.gwasVariantRelease(cases: cases, controls: controls).isWithheld
            }
            withheld = before - reports.count
        }
        var staged = try PlinkWriter.render(reports: reports, prefix: prefix, files: files)
        let lambda = GenomicControl.lambda(reports)
        if plots {
            let name = prefix.split(separator: "/").last.map(String.init) ?? prefix
            staged.append((prefix + ".manhattan.svg", Array(ReportPlots.manhattan(reports, title: "Manhattan plot, \(name), allelic test").utf8)))
            staged.append((prefix + ".qq.svg", Array(ReportPlots.qq(reports, lambda: lambda, title: "QQ plot, \(name)").utf8)))
        }
        var receipt: ReleaseReceipt? = nil
        if let logging {
            receipt = try stats { () throws(EncryptedStatsError) in
                try ReleaseGate.logRelease(context: context, outputs: staged.map { ReleaseRecord.Output(name: $0.path, bytes: $0.bytes) },
                                           suppressed: withheld > 0 ? ["variants": withheld] : [:], logging: logging)
            }
        }
        let written = try PlinkWriter.write(staged, receipt: receipt.map { (prefix + ".release.json", $0) })
        var result = GwasReportResult(contributors: pooled.contributors, declaredSamples: pooled.declaredSamples,
                                      variants: reports.count, written: written, decryption: decrypted - start,
                                      statistics: clock.now - decrypted)
        result.withheldVariants = withheld
        result.receipt = receipt
        result.lambda = lambda
        result.testedVariants = reports.filter { $0.assoc.chiSquare?.isFinite == true }.count
        result.topHits = GenomicControl.topHits(reports, count: 10)
        return result
    }
}
