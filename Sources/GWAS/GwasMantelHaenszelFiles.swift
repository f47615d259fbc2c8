import EncryptedStats
import Governance
import HEFiles

// The site-stratified allelic test on files: a site counts its VCF against the panel as for `gwas encrypt`, turns
// its own allelic tables into Cochran-Mantel-Haenszel terms (`MantelHaenszelTerms`) and encrypts them as a
// `gwasMantelHaenszel` table; aggregation is the ordinary table aggregation; the key holder decrypts only the sums
// over sites, through the same release path as `gwas report`, and writes PREFIX.cmh in PLINK 1.9's `--mh` layout.

extension CountTable {
    /// The Mantel-Haenszel terms of a site as a table to encrypt: one row per panel variant (label = ID, metadata
    /// CHR, POS, REF, ALT), the columns `TableShape.gwasMantelHaenszelColumnLabels`, fixed point at 10^9.
    public static func gwasMantelHaenszel(panel: [PanelVariant], terms: [MantelHaenszelTerms]) -> CountTable {
        precondition(panel.count == terms.count, "one set of terms per panel variant")
        var values: [Int64] = []
        values.reserveCapacity(panel.count * MantelHaenszelTerms.columnCount)
        for t in terms { values += t.values }
        let shape = TableShape(kind: .gwasMantelHaenszel, rowHeader: "SNP", rowLabels: panel.map(\.id),
                               columnLabels: TableShape.gwasMantelHaenszelColumnLabels,
                               metadataFields: TableShape.gwasMetadataFields,
                               rowMetadata: panel.map { [$0.chrom, String($0.pos), $0.ref, $0.alt] },
                               encoding: .fixedPoint(scale: TableShape.gwasMantelHaenszelScale))
        return CountTable(shape: shape, values: values)
    }
}

extension DecryptedTotals {
    /// The panel and the pooled terms of a decrypted `gwasMantelHaenszel` aggregate (nil for other tables).
    public var gwasMantelHaenszelTerms: (panel: [PanelVariant], terms: [MantelHaenszelTerms])? {
        guard schema.kind == .gwasMantelHaenszel, schema.columnLabels == TableShape.gwasMantelHaenszelColumnLabels,
              schema.metadataFields == TableShape.gwasMetadataFields else { return nil }
        var panel: [PanelVariant] = []
        var terms: [MantelHaenszelTerms] = []
        let k = MantelHaenszelTerms.columnCount
        for (i, id) in schema.rowLabels.enumerated() {
            let m = schema.rowMetadata[i]
            guard let pos = Int(m[1]) else { return nil }
            panel.append(PanelVariant(chrom: m[0], pos: pos, id: id, ref: m[2], alt: m[3]))
            terms.append(MantelHaenszelTerms(values: Array(values[i * k ..< (i + 1) * k])))
        }
        return (panel, terms)
    }
}

extension GwasFiles {
    /// The declared bound of a site's Mantel-Haenszel table: every term is at most the site's number of called
    /// alleles, 2 x `countedSamples`, in stored units (x 10^9).
    public static func mantelHaenszelBound(countedSamples: UInt64) -> UInt64 {
        2 * countedSamples * UInt64(MantelHaenszelTerms.unit)
    }

    /// Computes a site's Mantel-Haenszel terms from its counts, encrypts them and writes the site file to `output`
    /// atomically (signed for the study with `signer`).
    public static func encryptMantelHaenszel(_ site: SiteCounts, siteID: String, keys: SchemeKeys, to output: String,
                                             signer: SiteSigner? = nil,
                                             progress: ProgressHandler? = nil) throws(GwasError) -> GwasSiteEncryption {
        try files { () throws(HEFilesError) in try SiteID.validate(siteID) }
        guard site.countedSamples <= MantelHaenszelTerms.maximumSiteSamples else {
            throw .mantelHaenszelSiteTooLarge(samples: site.countedSamples, limit: MantelHaenszelTerms.maximumSiteSamples)
        }
        let table = CountTable.gwasMantelHaenszel(panel: site.panel, terms: MantelHaenszel.siteTerms(site.counts))
        let bound = mantelHaenszelBound(countedSamples: site.countedSamples)
        let scheme = try stats { () throws(EncryptedStatsError) in
            try SchemeRegistry.instance(for: keys.publicOnly, valueCount: table.values.count, kind: table.kind,
                                        encoding: table.encoding)
        }
        guard bound <= scheme.layout.slotCapacity else {
            throw .fixedPointNeedsPaillier(what: "site-stratified (Mantel-Haenszel) terms", scheme: keys.scheme.description, capacity: scheme.layout.slotCapacity,
                                               needed: bound)
        }
        let header = try stats { () throws(EncryptedStatsError) in
            try EncryptedTableFiles.encrypt(table, bound: bound, site: siteID, scheme: scheme, keys: keys, to: output,
                                            signer: signer, progress: progress)
        }
        return GwasSiteEncryption(summary: site.summary, header: header, countedSamples: site.countedSamples,
                                  variants: site.panel.count)
    }

    /// Decrypts a Mantel-Haenszel aggregate with the secret key file `secretKeyPath`, computes the stratified test
    /// and writes `prefix.cmh` (mode 0600) through the release path of ``report(_:secretKeyPath:prefix:files:options:verification:logging:combining:progress:)``:
    /// under a manifest too few sites are refused before anything is decrypted and variants below `gwas-min-mac`
    /// in cases or controls are withheld; with `logging` the release is logged before the file is written.
    public static func reportMantelHaenszel(_ input: String, secretKeyPath: String, prefix: String,
                                            keepAlleleOrder: Bool,
                                            verification: (manifest: ManifestSource, inputs: [String])? = nil,
                                            logging: ReleaseLogging? = nil, combining shares: [String]? = nil,
                                            progress: ProgressHandler? = nil) throws(GwasError) -> GwasReportResult {
        try release(input, secretKeyPath: secretKeyPath, prefix: prefix, kind: .gwasMantelHaenszel,
                    options: ["files": ".cmh", "keep-allele-order": String(keepAlleleOrder)],
                    verification: verification, logging: logging, combining: shares, progress: progress) {
            (totals, policy) throws(GwasError) in
            guard let (panel, terms) = totals.gwasMantelHaenszelTerms else {
                throw .inconsistentHeader(path: input, field: "schema", reason: "not a Mantel-Haenszel layout "
                                          + "(15 term columns, metadata CHR, POS, REF, ALT, integer positions)")
            }
            var results = try MantelHaenszel.analyse(panel: panel, terms: terms, sites: totals.contributors.count,
                                                     keepAlleleOrder: keepAlleleOrder)
            var withheld = 0
            if let policy, policy.gwasMinMAC > 0 {
                let before = results.count
                results = results.filter { r in
                    !policy.gwasVariantRelease(cases: GroupAlleleCounts(reference: r.caseRef, alternate: r.caseAlt),
                                               controls: GroupAlleleCounts(reference: r.controlRef, alternate: r.controlAlt))
                        .isWithheld
                }
                withheld = before - results.count
            }
            return ([(prefix + ".cmh", MantelHaenszelWriter.render(results))], results.count, withheld)
        } declaredSamples: { $0 / mantelHaenszelBound(countedSamples: 1) }
    }
}
