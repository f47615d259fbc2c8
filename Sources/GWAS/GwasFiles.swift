import EncryptedStats
import Governance
import HEFiles

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
    /// The content digest of the decrypted file (docs/FORMAT.md), when known.
    public var contentDigest: Fingerprint? = nil
}

public enum GwasFiles {
    /// The plaintext table a site encrypts (`CountTable.gwas`): one row per panel variant, label = ID, metadata
    /// CHR, POS, REF, ALT, the 12 columns `CountTable.gwasColumnLabels` in `VariantCounts.slots` order.
    public static func table(panel: [PanelVariant], counts: [VariantCounts]) -> CountTable {
        CountTable.gwas(panel: panel, counts: counts)
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
    public static func count(vcf: String, phenotypes: String, panel panelPath: String) throws(GwasError) -> SiteCounts {
        let panel = try VariantPanel.read(path: panelPath)
        guard !panel.isEmpty else {
            throw .inputField(path: panelPath, line: 1, field: "variants", expected: "at least one panel variant",
                              found: "none")
        }
        let pheno = try PhenotypeTable.read(path: phenotypes)
        let (counts, summary) = try GenotypeCounter.count(vcfPath: vcf, phenotypes: pheno, panel: panel)
        // `-` is standard input, so named in the errors below.
        let vcf = vcf == "-" ? standardInputName : vcf
        let counted = UInt64(summary.cases + summary.controls + summary.unknownPhenotype)
        guard counted > 0 else { throw .gwasNoCountedSamples(vcf: vcf, phenotypes: phenotypes) }
        guard summary.recordsMatched > 0 else {
            throw .gwasNoPanelVariants(vcf: vcf, records: summary.records, panel: panelPath)
        }
        // Records that match but carry no GT count as missing calls (a variant the site did not genotype); when no
        // matching record has GT at all, the file holds no genotypes (a sites-only VCF or one with only DS/GP).
        if summary.recordsMatched > 0 && summary.recordsWithoutGenotypes == summary.recordsMatched {
            throw .gwasNoGenotypes(vcf: vcf, matchedRecords: summary.recordsMatched)
        }
        return SiteCounts(panel: panel, counts: counts, summary: summary, countedSamples: counted)
    }

    /// Encrypts a site's counts and writes the site file to `output` atomically.
    ///
    /// Every slot holds a number of samples, so the site declares its number of counted samples (VCF samples with
    /// a phenotype line) as the bound of every slot; an aggregate's bound is then the pooled number of samples, and
    /// aggregation refuses inputs whose declared sample counts add up to more than a slot holds.
    /// With `signer`, the file is signed for the study (see `EncryptedTableFiles.encrypt`).
    public static func encrypt(_ site: SiteCounts, siteID: String, keys: SchemeKeys, to output: String,
                               signer: SiteSigner? = nil,
                               progress: ProgressHandler? = nil) throws(GwasError) -> GwasSiteEncryption {
        try files { () throws(HEFilesError) in try SiteID.validate(siteID) }
        let table = table(panel: site.panel, counts: site.counts)
        let header = try stats { () throws(EncryptedStatsError) in
            try EncryptedTableFiles.encrypt(table, bound: site.countedSamples, site: siteID, keys: keys, to: output,
                                            signer: signer, progress: progress)
        }
        return GwasSiteEncryption(summary: site.summary, header: header, countedSamples: site.countedSamples,
                                  variants: site.panel.count)
    }

    /// Decrypts a GWAS aggregate (or site file) and rebuilds the panel and the pooled counts; with `check`, the
    /// aggregate is verified first (see `EncryptedTableFiles.decrypt`).
    /// `headerRead` sees the header as soon as it is read, before anything is verified or decrypted.
    public static func decrypt(_ path: String, keys: SchemeKeys, keyPath: String, check: DecryptionCheck? = nil,
                               headerRead: ((ContainerHeader) -> Void)? = nil,
                               beforeDecrypting: ((ContainerHeader, Fingerprint) throws(EncryptedStatsError) -> Void)? = nil,
                               progress: ProgressHandler? = nil) throws(GwasError) -> GwasPooledCounts {
        let (totals, bound) = try decryptTotals(path, kind: .gwasGenotypeCounts, keys: keys, keyPath: keyPath, check: check,
                                                headerRead: headerRead, beforeDecrypting: beforeDecrypting, progress: progress)
        return try pooledCounts(totals, path: path, declaredSamples: bound)
    }

    /// Decrypts a GWAS table of `kind` (refusing any other table before anything is decrypted) and returns the
    /// totals with the header's declared bound; with `check`, the aggregate is verified first.
    static func decryptTotals(_ path: String, kind: TableKind, keys: SchemeKeys, keyPath: String, check: DecryptionCheck?,
                              headerRead: ((ContainerHeader) -> Void)? = nil,
                              beforeDecrypting: ((ContainerHeader, Fingerprint) throws(EncryptedStatsError) -> Void)?,
                              progress: ProgressHandler?) throws(GwasError) -> (DecryptedTotals, UInt64) {
        // The schema decoded here is handed on with the check, so that a verified report decodes it once.
        var check = check
        var cache = check?.schemaCache
        let header = try files { () throws(HEFilesError) in try ContainerReader.readHeader(path, schemaCache: &cache) }
        check?.schemaCache = cache
        if header.kind.isEncryptedTable, let schema = header.schema, schema.kind != kind {
            throw kindMismatch(path: path, expected: kind, found: schema.kind)
        }
        headerRead?(header)
        let totals = try stats { () throws(EncryptedStatsError) in
            try EncryptedTableFiles.decrypt(path, keys: keys, keyPath: keyPath, check: check,
                                            beforeDecrypting: beforeDecrypting, progress: progress)
        }
        return (totals, header.valueBound)
    }

    /// The error for a table of kind `found` given where `expected` is read.
    static func kindMismatch(path: String, expected: TableKind, found: TableKind) -> GwasError {
        func name(_ kind: TableKind) -> String {
            switch kind {
            case .countTable: "a count table"
            case .gwasGenotypeCounts: "encrypted GWAS genotype counts (from he-cli gwas encrypt)"
            case .gwasMantelHaenszel: "site-stratified (Mantel-Haenszel) terms (from he-cli gwas encrypt --mh)"
            case .gwasMetaAnalysis: "meta-analysis sums (from he-cli gwas meta-encrypt)"
            }
        }
        let fix = switch found {
        case .countTable: "decrypt count tables with he-cli decrypt"
        case .gwasGenotypeCounts: "report them with he-cli gwas report without --mh or --meta"
        case .gwasMantelHaenszel: "report them with he-cli gwas report --mh"
        case .gwasMetaAnalysis: "report them with he-cli gwas report --meta"
        }
        if expected == .gwasGenotypeCounts && found == .countTable {
            return .gwasTableExpected(path: path, found: found.description)
        }
        return .gwasKindMismatch(path: path, expected: name(expected), found: name(found), fix: fix)
    }

    /// Panel and counts from decrypted GWAS totals.
    public static func pooledCounts(_ totals: DecryptedTotals, path: String,
                                    declaredSamples: UInt64) throws(GwasError) -> GwasPooledCounts {
        guard totals.schema.kind == .gwasGenotypeCounts else {
            throw .gwasTableExpected(path: path, found: totals.schema.kind.description)
        }
        guard let (panel, counts) = totals.gwasCounts else {
            throw .inconsistentHeader(path: path, field: "schema", reason: "not a GWAS genotype-count layout "
                                      + "(12 count columns, metadata CHR, POS, REF, ALT, integer positions)")
        }
        var pooled = GwasPooledCounts(panel: panel, counts: counts, contributors: totals.contributors,
                                      declaredSamples: declaredSamples)
        pooled.contentDigest = totals.contentDigest
        return pooled
    }
}
