import EncryptedStats
import Governance
import HEFiles
import Privacy

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
    /// The genomic-control lambda of the allelic test over the reported variants (`GenomicControl.lambda`).
    public var lambda: Double? = nil
    /// How many variants have an allelic chi-square statistic (the variants lambda is the median over).
    public var testedVariants: Int = 0
    /// The reported variants with the smallest allelic p-values (`GenomicControl.topHits`, at most 10).
    public var topHits: [VariantReport] = []
    /// Variants the release policy withheld (minor-allele count below `gwas-min-mac` in a group).
    public var withheldVariants: Int = 0
    /// The log entry the report went out under, with `logging`.
    public var receipt: ReleaseReceipt? = nil
}

extension GwasFiles {
    /// Counts a site's VCF against the panel (`count`), hands the counted input's summary to `counted` (the
    /// caller shows it before the slow encryption), then encrypts under the public key in `publicKeyPath`: the
    /// genotype counts, or with `mantelHaenszel` the site's Cochran-Mantel-Haenszel terms (`encryptMantelHaenszel`).
    /// Returns the result and the time counting and encryption took.
    public static func encryptSite(vcf: String, phenotypes: String, panel: String, site: String,
                                   publicKeyPath: String, to output: String,
                                   signing: (manifest: ManifestSource, signingKeyPath: String)? = nil,
                                   mantelHaenszel: Bool = false,
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
        let result = mantelHaenszel
            ? try encryptMantelHaenszel(siteCounts, siteID: site, keys: keys, to: output, signer: signer, progress: progress)
            : try encrypt(siteCounts, siteID: site, keys: keys, to: output, signer: signer, progress: progress)
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
    ///
    /// With `extractPath`, only the variants whose IDs the file lists (first field of each line, as plink1.9
    /// --extract) are analysed and released. With `privateRho`, the release is differentially private
    /// (docs/PRIVACY.md): each of the 12 genotype cells of every released variant gets exact discrete Gaussian
    /// noise for that rho (one person is in exactly one cell per variant, so the L2 sensitivity squared is the
    /// number of released variants), counts are clamped at 0 and every statistic is computed from the noisy
    /// table; the study's `dp-budget` and `logging` are required.
    ///
    /// With `plots`, `prefix.manhattan.svg` and `prefix.qq.svg` (`ReportPlots`) are written with the other files.
    public static func report(_ input: String, secretKeyPath: String, prefix: String, files: Set<PlinkReportFile>,
                              options: GwasOptions, plots: Bool = false,
                              verification: (manifest: ManifestSource, inputs: [String])? = nil,
                              logging: ReleaseLogging? = nil, combining shares: [String]? = nil,
                              extractPath: String? = nil, privateRho: Rational? = nil,
                              progress: ProgressHandler? = nil) throws(GwasError) -> GwasReportResult {
        let check = try verification.map { (v) throws(GwasError) in
            DecryptionCheck(manifest: try stats { () throws(EncryptedStatsError) in try governance { () throws(GovernanceError) in try v.manifest.load() } },
                            inputs: v.inputs)
        }
        let keys = try stats { () throws(EncryptedStatsError) in
            try PartyFiles.keys(secretKeyPath, combining: shares, check: check, aggregate: input)
        }
        let extract = try extractPath.map { (path) throws(GwasError) in try VariantList.read(path) }
        let ordered = PlinkReportFile.allCases.filter(files.contains)
        var reportOptions = [
            "files": ordered.map(\.fileExtension).joined(separator: " "), "keep-allele-order": String(options.keepAlleleOrder),
            "cell": String(options.cellThreshold), "hwe-midp": String(options.hardyMidP)]
        if let extract { reportOptions["extract"] = extract.digest.hex }
        var context = try stats { () throws(EncryptedStatsError) in
            try ReleaseContext.make(command: shares == nil ? "gwas report" : "party combine gwas report", path: input, keys: keys,
                                    check: check, options: reportOptions, privateRho: privateRho)
        }
        func refused(_ error: GwasError) -> GwasError {
            guard case let .stats(inner) = error else { return error }
            return .stats(ReleaseGate.refuse(inner, context: context, logging: logging))
        }
        let clock = ContinuousClock()
        let start = clock.now
        var prepared: PreparedNoise? = nil
        var selectionError: GwasError? = nil
        let pooled: GwasPooledCounts
        do throws(GwasError) {
            if privateRho != nil, shares != nil {
                throw GwasError.stats(.releaseRefused(path: input, .privateReleaseUnsupported(
                    reason: "a multi-party study's parties cannot yet add noise under encryption (distributed noise, docs/PRIVACY.md); the combiner would see the exact counts")))
            }
            // The noise does not depend on the data: it is drawn in the background from the moment the header
            // gives its shape, while the inputs are verified and decrypted (docs/BENCHMARKS.md, "DP release").
            var early: PreparedNoise? = nil
            func plan(_ h: ContainerHeader, recording: Bool = true) throws(EncryptedStatsError) -> PrivateReleasePlan? {
                guard let privateRho else { return nil }
                var released = h.schema?.rowLabels.count ?? 0
                if let extract, let schema = h.schema {
                    do throws(GwasError) { released = try extract.selection(of: schema.rowLabels).count } catch {
                        if recording { selectionError = error }
                        throw .statisticsInput(path: input, line: nil, reason: error.description)
                    }
                }
                return try governance { () throws(GovernanceError) in
                    try PrivateReleasePlan(
                        unit: "one person, in exactly one of the 12 genotype cells (phenotype group x genotype or missing) of each of the \(released) released variants (L2 sensitivity squared \(released))",
                        cells: released * VariantCounts.slotsPerVariant,
                        l2SensitivitySquared: Rational(released), requestedRho: privateRho)
                }
            }
            pooled = try decrypt(input, keys: keys, keyPath: secretKeyPath, check: check,
                                 headerRead: { h in
                                     if h.kind.isEncryptedTable, let p = try? plan(h, recording: false) { early = PreparedNoise(p) }
                                 },
                                 beforeDecrypting: { (h, schemaDigest) throws(EncryptedStatsError) in
                                     context.read(h, schemaDigest: schemaDigest)
                                     try context.checkSites(h)
                                     if let p = try plan(h) {
                                         try context.checkPrivateRelease(p, logging: logging)
                                         // The header checked here is the one read first: its shape gives the same plan.
                                         if let e = early, e.plan.cells == p.cells, e.plan.sigmaSquared == p.sigmaSquared {
                                             prepared = e
                                         } else {
                                             prepared = PreparedNoise(p)
                                         }
                                     }
                                 },
                                 progress: progress)
        } catch {
            if let selectionError {
                _ = refused(error)
                throw selectionError
            }
            throw refused(error)
        }
        context.inputDigest = pooled.contentDigest ?? .zero
        let decrypted = clock.now
        var panel = pooled.panel
        var counts = pooled.counts
        if let extract {
            // The header's labels are the panel's IDs: the selection was checked against them before decrypting.
            let rows = try extract.selection(of: panel.map(\.id))
            panel = rows.map { panel[$0] }
            counts = rows.map { counts[$0] }
        }

        // Only the statistics the files show.
        var options = options
        options.modelTests = files.contains(.model) || files.contains(.full)
        options.hardyTests = files.contains(.hwe) || files.contains(.full)

        /// The statistics of `counts`, without the variants the minor-allele rule withholds, as files.
        func analysed(_ counts: [VariantCounts]) throws(GwasError) -> (reports: [VariantReport], withheld: Int, staged: [(path: String, bytes: [UInt8])]) {
            var reports = try Gwas.analyse(panel: panel, counts: counts, options: options)
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
            if plots {
                let name = prefix.split(separator: "/").last.map(String.init) ?? prefix
                staged.append((prefix + ".manhattan.svg",
                               Array(ReportPlots.manhattan(reports, title: "Manhattan plot, \(name), allelic test").utf8)))
                staged.append((prefix + ".qq.svg",
                               Array(ReportPlots.qq(reports, lambda: GenomicControl.lambda(reports), title: "QQ plot, \(name)").utf8)))
            }
            return (reports, withheld, staged)
        }

        var result: (reports: [VariantReport], withheld: Int, staged: [(path: String, bytes: [UInt8])])
        var receipt: ReleaseReceipt? = nil
        if privateRho != nil {
            // checkPrivateRelease refused a private release without a log before anything was decrypted.
            guard let prepared, let logging else {
                throw .stats(.releaseRefused(path: input, .privateReleaseUnsupported(reason: "it needs the decryption log (--log and --log-key)")))
            }
            var analysisError: GwasError? = nil
            var noisyResult: (reports: [VariantReport], withheld: Int, staged: [(path: String, bytes: [UInt8])])? = nil
            do throws(EncryptedStatsError) {
                receipt = try ReleaseGate.logPrivateRelease(context: context, noise: prepared, logging: logging) { (noise) throws(EncryptedStatsError) in
                    // Noise in the wire order of `VariantCounts.slots`: [cases, controls, unknown] x [homRef, het, homAlt, missing].
                    var noisy: [VariantCounts] = []
                    noisy.reserveCapacity(counts.count)
                    noise.withUnsafeBufferPointer { n in
                        func group(_ g: GenotypeCounts, _ at: Int) -> GenotypeCounts {
                            GenotypeCounts(homRef: UInt64(ReleaseNoise.noisyCount(Int64(g.homRef), n[at])),
                                           het: UInt64(ReleaseNoise.noisyCount(Int64(g.het), n[at + 1])),
                                           homAlt: UInt64(ReleaseNoise.noisyCount(Int64(g.homAlt), n[at + 2])),
                                           missing: UInt64(ReleaseNoise.noisyCount(Int64(g.missing), n[at + 3])))
                        }
                        for (i, c) in counts.enumerated() {
                            let at = i * VariantCounts.slotsPerVariant
                            noisy.append(VariantCounts(cases: group(c.cases, at), controls: group(c.controls, at + 4),
                                                       unknownPhenotype: group(c.unknownPhenotype, at + 8)))
                        }
                    }
                    do throws(GwasError) { noisyResult = try analysed(noisy) } catch {
                        analysisError = error
                        throw .releaseRefused(path: input, .privateReleaseUnsupported(reason: error.description))
                    }
                    return RenderedRelease(outputs: noisyResult!.staged.map { ($0.path, $0.bytes) },
                                           suppressed: noisyResult!.withheld > 0 ? ["variants": noisyResult!.withheld] : [:])
                }.receipt
            } catch {
                throw analysisError ?? .stats(error)
            }
            result = noisyResult!
        } else {
            result = try analysed(counts)
            if let logging {
                receipt = try stats { () throws(EncryptedStatsError) in
                    try ReleaseGate.logRelease(context: context, outputs: result.staged.map { ReleaseRecord.Output(name: $0.path, bytes: $0.bytes) },
                                               suppressed: result.withheld > 0 ? ["variants": result.withheld] : [:], logging: logging)
                }
            }
        }
        let written = try PlinkWriter.write(result.staged, receipt: receipt.map { (prefix + ".release.json", $0) })
        var report = GwasReportResult(contributors: pooled.contributors, declaredSamples: pooled.declaredSamples,
                                      variants: result.reports.count, written: written, decryption: decrypted - start,
                                      statistics: clock.now - decrypted)
        report.withheldVariants = result.withheld
        report.receipt = receipt
        report.lambda = GenomicControl.lambda(result.reports)
        report.testedVariants = result.reports.filter { $0.assoc.chiSquare?.isFinite == true }.count
        report.topHits = GenomicControl.topHits(result.reports, count: 10)
        return report
    }

    /// The key holder's release path shared by every GWAS report: the aggregate of table kind `kind` is decrypted
    /// (signatures, inputs and the policy's site count checked first), `analyse` turns the totals into the staged
    /// files, the release (or the refusal) is logged, then every file is written. `declaredSamples` turns the
    /// aggregate's declared bound into a number of samples.
    static func release(_ input: String, secretKeyPath: String, prefix: String, kind: TableKind, options: [String: String],
                        verification: (manifest: ManifestSource, inputs: [String])?, logging: ReleaseLogging?,
                        combining shares: [String]?, progress: ProgressHandler?,
                        analyse: (DecryptedTotals, ReleasePolicy?) throws(GwasError)
                            -> (staged: [(path: String, bytes: [UInt8])], variants: Int, withheld: Int),
                        declaredSamples: (UInt64) -> UInt64) throws(GwasError) -> GwasReportResult {
        let check = try verification.map { (v) throws(GwasError) in
            DecryptionCheck(manifest: try stats { () throws(EncryptedStatsError) in try governance { () throws(GovernanceError) in try v.manifest.load() } },
                            inputs: v.inputs)
        }
        let keys = try stats { () throws(EncryptedStatsError) in
            try PartyFiles.keys(secretKeyPath, combining: shares, check: check, aggregate: input)
        }
        var context = try stats { () throws(EncryptedStatsError) in
            try ReleaseContext.make(command: shares == nil ? "gwas report" : "party combine gwas report", path: input,
                                    keys: keys, check: check, options: options)
        }
        func refused(_ error: GwasError) -> GwasError {
            guard case let .stats(inner) = error else { return error }
            return .stats(ReleaseGate.refuse(inner, context: context, logging: logging))
        }
        let clock = ContinuousClock()
        let start = clock.now
        let totals: DecryptedTotals
        let bound: UInt64
        do throws(GwasError) {
            (totals, bound) = try decryptTotals(input, kind: kind, keys: keys, keyPath: secretKeyPath, check: check,
                                                beforeDecrypting: { (h, schemaDigest) throws(EncryptedStatsError) in
                                                    context.read(h, schemaDigest: schemaDigest)
                                                    try context.checkSites(h)
                                                },
                                                progress: progress)
        } catch {
            throw refused(error)
        }
        context.inputDigest = totals.contentDigest ?? .zero
        let decrypted = clock.now
        let (staged, variants, withheld) = try analyse(totals, context.policy)
        var receipt: ReleaseReceipt? = nil
        if let logging {
            receipt = try stats { () throws(EncryptedStatsError) in
                try ReleaseGate.logRelease(context: context, outputs: staged.map { ReleaseRecord.Output(name: $0.path, bytes: $0.bytes) },
                                           suppressed: withheld > 0 ? ["variants": withheld] : [:], logging: logging)
            }
        }
        let written = try PlinkWriter.write(staged, receipt: receipt.map { (prefix + ".release.json", $0) })
        var result = GwasReportResult(contributors: totals.contributors, declaredSamples: declaredSamples(bound),
                                      variants: variants, written: written, decryption: decrypted - start,
                                      statistics: clock.now - decrypted)
        result.withheldVariants = withheld
        result.receipt = receipt
        return result
    }
}
