// The encrypted GWAS pipeline on files: a site counts its VCF against the shared panel and encrypts the
// `[VariantCounts]` vector (12 slots per variant, `VariantCounts.slots` order) as a `gwasGenotypeCounts` table;
// aggregation is the ordinary table aggregation; the key holder decrypts the pooled counts and analyses them.
// Scheme-agnostic: everything goes through `EncryptedTableFiles` and the scheme registry.

/// What a site's `gwas encrypt` produced.
public struct GwasSiteEncryption: Sendable {
    public var summary: SiteInputSummary
    public var header: ContainerHeader
    /// Number of samples counted (cases + controls + missing phenotype): the declared bound of every slot.
    public var countedSamples: UInt64
    public var variants: Int
}

/// Pooled counts recovered from a decrypted GWAS aggregate.
public struct GwasPooledCounts: Sendable {
    public var panel: [PanelVariant]
    public var counts: [VariantCounts]
    public var contributors: [String]
    /// The aggregate's declared bound: the total number of samples the contributing sites declared.
    public var declaredSamples: UInt64
}

public enum GwasFiles {
    /// Name of the label column of a GWAS table (the panel's variant ID).
    public static let rowHeader = "ID"

    /// Column labels of a GWAS table, in `VariantCounts.slots` wire order.
    public static let columnLabels: [String] = ["CASE", "CONTROL", "UNKNOWN"].flatMap { group in
        ["HOMREF", "HET", "HOMALT", "MISSING"].map { "\(group)_\($0)" }
    }

    /// The plaintext table a site encrypts: one row per panel variant (label = ID; metadata CHR, POS, REF, ALT).
    public static func table(panel: [PanelVariant], counts: [VariantCounts]) -> CountTable {
        precondition(panel.count == counts.count, "one count per panel variant")
        var values: [Int64] = []
        values.reserveCapacity(counts.count * VariantCounts.slotsPerVariant)
        for c in counts { for v in c.slots { values.append(Int64(v)) } }
        return CountTable(kind: .gwasGenotypeCounts, rowHeader: rowHeader, rowLabels: panel.map(\.id),
                          columnLabels: columnLabels, metadataFields: ContainerFormat.gwasMetadataFields,
                          rowMetadata: panel.map { [$0.chrom, String($0.pos), $0.ref, $0.alt] },
                          encoding: .count, values: values)
    }

    /// One site's counted input, ready to encrypt.
    public struct SiteCounts: Sendable {
        public var panel: [PanelVariant]
        public var counts: [VariantCounts]
        public var summary: SiteInputSummary
        /// Number of samples counted (cases + controls + missing phenotype).
        public var countedSamples: UInt64
    }

    /// Reads the panel and the phenotypes and counts `vcf` against them (site side, plaintext).
    public static func count(vcf: String, phenotypes: String, panel panelPath: String) throws(EncryptedStatsError) -> SiteCounts {
        let panel = try VariantPanel.read(path: panelPath)
        guard !panel.isEmpty else {
            throw .inputField(path: panelPath, line: 1, field: "variants", expected: "at least one panel variant",
                              found: "none")
        }
        let pheno = try PhenotypeTable.read(path: phenotypes)
        let (counts, summary) = try GenotypeCounter.count(vcfPath: vcf, phenotypes: pheno, panel: panel)
        let counted = UInt64(summary.cases + summary.controls + summary.unknownPhenotype)
        guard counted > 0 else { throw .gwasNoCountedSamples(vcf: vcf, phenotypes: phenotypes) }
        return SiteCounts(panel: panel, counts: counts, summary: summary, countedSamples: counted)
    }

    /// Encrypts a site's counts and writes the site file to `output` atomically.
    ///
    /// Every slot holds a number of samples, so the site declares its number of counted samples (VCF samples with
    /// a phenotype line) as the bound of every slot; an aggregate's bound is then the pooled number of samples, and
    /// aggregation refuses inputs whose declared sample counts add up to more than a slot holds.
    public static func encrypt(_ site: SiteCounts, siteID: String, keys: SchemeKeys, to output: String,
                               progress: ProgressHandler? = nil) throws(EncryptedStatsError) -> GwasSiteEncryption {
        try SiteID.validate(siteID)
        let table = table(panel: site.panel, counts: site.counts)
        let header = try EncryptedTableFiles.encrypt(table, bound: site.countedSamples, site: siteID, keys: keys,
                                                     to: output, progress: progress)
        return GwasSiteEncryption(summary: site.summary, header: header, countedSamples: site.countedSamples,
                                  variants: site.panel.count)
    }

    /// Decrypts a GWAS aggregate (or site file) and rebuilds the panel and the pooled counts.
    public static func decrypt(_ path: String, keys: SchemeKeys, keyPath: String,
                               progress: ProgressHandler? = nil) throws(EncryptedStatsError) -> GwasPooledCounts {
        let header = try ContainerReader.readHeader(path)
        if header.kind.isEncryptedTable, let schema = header.schema, schema.kind != .gwasGenotypeCounts {
            throw .gwasTableExpected(path: path, found: schema.kind.description)
        }
        let totals = try EncryptedTableFiles.decrypt(path, keys: keys, keyPath: keyPath, progress: progress)
        return try pooledCounts(totals, path: path, declaredSamples: header.valueBound)
    }

    /// Panel and counts from decrypted GWAS totals.
    public static func pooledCounts(_ totals: DecryptedTotals, path: String,
                                    declaredSamples: UInt64) throws(EncryptedStatsError) -> GwasPooledCounts {
        let schema = totals.schema
        guard schema.kind == .gwasGenotypeCounts else { throw .gwasTableExpected(path: path, found: schema.kind.description) }
        guard schema.metadataFields == ContainerFormat.gwasMetadataFields,
              schema.columnLabels.count == VariantCounts.slotsPerVariant,
              schema.rowMetadata.count == schema.rowLabels.count else {
            throw .inconsistentHeader(path: path, field: "schema", reason: "not a GWAS genotype-count layout")
        }
        var panel: [PanelVariant] = []
        panel.reserveCapacity(schema.rowLabels.count)
        for (i, id) in schema.rowLabels.enumerated() {
            let m = schema.rowMetadata[i]
            guard let pos = Int(m[1]), pos > 0 else {
                throw .inconsistentHeader(path: path, field: "schema row metadata[\(i)].POS",
                                          reason: "'\(m[1])' is not a positive position")
            }
            panel.append(PanelVariant(chrom: m[0], pos: pos, id: id, ref: m[2], alt: m[3]))
        }
        var counts: [VariantCounts] = []
        counts.reserveCapacity(panel.count)
        let width = VariantCounts.slotsPerVariant
        for i in 0 ..< panel.count {
            let row = totals.values[(i * width) ..< ((i + 1) * width)].map { UInt64(clamping: $0) }
            counts.append(VariantCounts(slots: row))
        }
        return GwasPooledCounts(panel: panel, counts: counts, contributors: totals.contributors,
                                declaredSamples: declaredSamples)
    }
}
