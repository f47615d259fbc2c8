import EncryptedStats
import Governance
import HEFiles

// Encrypted fixed-effect meta-analysis on files: a site reads its own PLINK regression results, aligns them to
// the panel and encrypts, per variant, 1, w, w beta and w beta^2 (w = 1/SE^2) as a `gwasMetaAnalysis` table; the
// aggregation is the ordinary one; the key holder decrypts only the sums, through the release path of
// `gwas report`, and writes PREFIX.meta in the layout of `plink1.9 --meta-analysis`.

extension CountTable {
    /// A site's meta-analysis values as a table to encrypt: one row per panel variant (label = ID, metadata CHR,
    /// POS, REF, ALT), the columns `TableShape.gwasMetaAnalysisColumnLabels(oddsRatios:)`, fixed point at 10^6.
    public static func gwasMetaAnalysis(panel: [PanelVariant], terms: [MetaAnalysisTerms], oddsRatios: Bool) -> CountTable {
        precondition(panel.count == terms.count, "one set of values per panel variant")
        let shape = TableShape(kind: .gwasMetaAnalysis, rowHeader: "SNP", rowLabels: panel.map(\.id),
                               columnLabels: TableShape.gwasMetaAnalysisColumnLabels(oddsRatios: oddsRatios),
                               metadataFields: TableShape.gwasMetadataFields,
                               rowMetadata: panel.map { [$0.chrom, String($0.pos), $0.ref, $0.alt] },
                               encoding: .fixedPoint(scale: TableShape.gwasMetaAnalysisScale))
        return CountTable(shape: shape, values: terms.flatMap(\.values))
    }
}

extension DecryptedTotals {
    /// The panel, the pooled values and whether the effects are log odds ratios, of a decrypted `gwasMetaAnalysis`
    /// aggregate (nil for other tables).
    public var gwasMetaAnalysisTerms: (panel: [PanelVariant], terms: [MetaAnalysisTerms], oddsRatios: Bool)? {
        let oddsRatios = schema.columnLabels == TableShape.gwasMetaAnalysisColumnLabels(oddsRatios: true)
        guard schema.kind == .gwasMetaAnalysis,
              oddsRatios || schema.columnLabels == TableShape.gwasMetaAnalysisColumnLabels(oddsRatios: false),
              schema.metadataFields == TableShape.gwasMetadataFields else { return nil }
        var panel: [PanelVariant] = []
        var terms: [MetaAnalysisTerms] = []
        let k = MetaAnalysisTerms.columnCount
        for (i, id) in schema.rowLabels.enumerated() {
            let m = schema.rowMetadata[i]
            guard let pos = Int(m[1]) else { return nil }
            panel.append(PanelVariant(chrom: m[0], pos: pos, id: id, ref: m[2], alt: m[3]))
            terms.append(MetaAnalysisTerms(values: Array(values[i * k ..< (i + 1) * k])))
        }
        return (panel, terms, oddsRatios)
    }
}

/// What a site's `gwas meta-encrypt` produced.
public struct MetaAnalysisSiteEncryption: Sendable {
    public var summary: RegressionResultsSummary
    public var header: ContainerHeader
    public var variants: Int
}

extension GwasFiles {
    /// Reads the site's PLINK results (`RegressionResults.read`) against the panel, hands the summary to `read`,
    /// then encrypts the per-variant values under the public key in `publicKeyPath` and writes `output`
    /// atomically (signed for the study with `signing`). Every slot's declared bound is
    /// `MetaAnalysisTerms.siteBound` (10^10 in table units), whatever the data, so the header tells nothing
    /// about the site's sample size.
    public static func encryptMetaAnalysis(results: String, panel panelPath: String, site: String, publicKeyPath: String,
                                           to output: String,
                                           signing: (manifest: ManifestSource, signingKeyPath: String)? = nil,
                                           read: (RegressionResultsSummary) -> Void = { _ in },
                                           progress: ProgressHandler? = nil) throws(GwasError) -> MetaAnalysisSiteEncryption {
        try files { () throws(HEFilesError) in try SiteID.validate(site) }
        let keys = try stats { () throws(EncryptedStatsError) in try KeyFiles.readPublic(publicKeyPath) }
        let signer = try signing.map { (s) throws(GwasError) in
            try stats { () throws(EncryptedStatsError) in
                try SiteSigner.open(manifest: s.manifest, signingKeyPath: s.signingKeyPath, encryptionKeyPath: publicKeyPath)
            }
        }
        let panel = try VariantPanel.read(path: panelPath)
        guard !panel.isEmpty else {
            throw .inputField(path: panelPath, line: 1, field: "variants", expected: "at least one panel variant",
                              found: "none")
        }
        let (estimates, summary) = try RegressionResults.read(path: results, panel: panel)
        guard summary.matched > 0 else { throw .metaAnalysisNoEstimates(path: results, lines: summary.lines, panel: panelPath) }
        read(summary)
        let terms = try MetaAnalysis.siteTerms(estimates, panel: panel, path: results)
        let table = CountTable.gwasMetaAnalysis(panel: panel, terms: terms, oddsRatios: summary.oddsRatios)
        let bound = MetaAnalysisTerms.siteBound
        let scheme = try stats { () throws(EncryptedStatsError) in
            try SchemeRegistry.instance(for: keys.publicOnly, valueCount: table.values.count, kind: table.kind,
                                        encoding: table.encoding)
        }
        guard bound <= scheme.layout.slotCapacity else {
            throw .fixedPointNeedsPaillier(what: "meta-analysis sums", scheme: keys.scheme.description,
                                           capacity: scheme.layout.slotCapacity, needed: bound)
        }
        let header = try stats { () throws(EncryptedStatsError) in
            try EncryptedTableFiles.encrypt(table, bound: bound, site: site, scheme: scheme, keys: keys, to: output,
                                            signer: signer, progress: progress)
        }
        return MetaAnalysisSiteEncryption(summary: summary, header: header, variants: panel.count)
    }

    /// Decrypts a meta-analysis aggregate with the secret key file `secretKeyPath` and writes `prefix.meta`
    /// (mode 0600) through the release path of `report` (provenance, the policy's site count before decryption,
    /// the release log before the file is written). Sums of logistic results print OR = exp(beta), sums of linear
    /// results BETA (PLINK's `+ qt`).
    public static func reportMetaAnalysis(_ input: String, secretKeyPath: String, prefix: String,
                                          verification: (manifest: ManifestSource, inputs: [String])? = nil,
                                          logging: ReleaseLogging? = nil, combining shares: [String]? = nil,
                                          progress: ProgressHandler? = nil) throws(GwasError) -> GwasReportResult {
        try release(input, secretKeyPath: secretKeyPath, prefix: prefix, kind: .gwasMetaAnalysis,
                    options: ["files": ".meta"],
                    verification: verification, logging: logging, combining: shares, progress: progress) {
            (totals, _) throws(GwasError) in
            guard let (panel, terms, oddsRatios) = totals.gwasMetaAnalysisTerms else {
                throw .inconsistentHeader(path: input, field: "schema", reason: "not a meta-analysis layout "
                                          + "(4 columns, metadata CHR, POS, REF, ALT, integer positions)")
            }
            let results = try MetaAnalysis.analyse(panel: panel, terms: terms)
            return ([(prefix + ".meta", MetaAnalysisWriter.render(results, oddsRatios: oddsRatios))], results.count, 0)
        } declaredSamples: { _ in 0 }
    }
}
