import EncryptedStats
import HEFiles

// The single error type of the GWAS module: site input (VCF/BCF, phenotypes, panel), the GWAS pipeline and the
// PLINK-style statistics. Errors of the layers below are wrapped as typed cases. No case ever carries key
// material or decrypted values.

/// Errors raised by GWAS.
public enum GwasError: Error, Sendable, Equatable {
    /// A container, key or output file could not be read or written as required.
    case file(HEFilesError)
    /// The encryption layer refused an operation (keys, aggregation, decryption, tables).
    case stats(EncryptedStatsError)
    /// The panel and the pooled counts do not describe the same number of variants.
    case panelCountMismatch(panelVariants: Int, countedVariants: Int)
    /// A pooled count larger than any real cohort (usually a decryption with the wrong key or a corrupt file).
    case implausibleCount(variant: String, value: UInt64, limit: UInt64)
    /// A pooled Mantel-Haenszel term that no real cohort gives: negative, above `Gwas.maximumCount`, or an allele
    /// count that is not a whole number (a wrong key or a corrupt aggregate); `value` is in stored units (x 10^9).
    case implausibleTerm(variant: String, column: String, value: Int64)
    /// A site's fixed-point GWAS values (`what`: Mantel-Haenszel terms, meta-analysis sums) were asked of a key
    /// whose slots cannot hold them (BFV).
    case fixedPointNeedsPaillier(what: String, scheme: String, capacity: UInt64, needed: UInt64)
    /// No line of a site's results file gives an estimate for a panel variant.
    case metaAnalysisNoEstimates(path: String, lines: Int, panel: String)
    /// A site with more counted samples than its Mantel-Haenszel terms are computed for exactly.
    case mantelHaenszelSiteTooLarge(samples: UInt64, limit: UInt64)
    /// `gwas report` was given the wrong kind of GWAS aggregate for what it was asked (counts vs Mantel-Haenszel
    /// terms); `fix` names the option or command that reads it.
    case gwasKindMismatch(path: String, expected: String, found: String, fix: String)
    /// A site's estimate whose inverse-variance values do not fit the meta-analysis fixed point (magnitude above
    /// 10^10: SE below 10^-5, or |beta| / SE^2 or (beta / SE)^2 above 10^10).
    case metaAnalysisValueTooLarge(path: String, variant: String, standardError: Double, beta: Double)
    /// A chromosome that is not analysed: anything but an autosome 1-22, X or XY (optionally prefixed `chr`).
    case unsupportedChromosome(variant: String, chromosome: String)
    /// `.assoc` and `.model` need at least two samples with a case/control phenotype (PLINK skips them otherwise).
    case notEnoughPhenotypes(found: UInt64)
    /// An input file (VCF/BCF, phenotype file or panel) could not be opened or read.
    case inputUnreadable(path: String, reason: String)
    /// A field on one line of a phenotype or panel file does not hold what the format requires.
    case inputField(path: String, line: Int, field: String, expected: String, found: String)
    /// Two lines of a phenotype or panel file describe the same sample or variant.
    case inputDuplicate(path: String, line: Int, firstLine: Int, field: String, value: String)
    /// The header of a VCF/BCF file cannot be used.
    case vcfHeader(path: String, reason: String)
    /// A VCF/BCF record cannot be used; `chrom`/`pos` locate it (`pos` is 1-based, 0 when unknown).
    case vcfRecord(path: String, chrom: String, pos: Int, field: String, reason: String)
    /// A panel given in memory is not usable (the variant is the 0-based index into the panel).
    case invalidPanel(variant: Int, reason: String)
    /// No sample of the VCF has a phenotype line, so the site has nothing to contribute.
    case gwasNoCountedSamples(vcf: String, phenotypes: String)
    /// Records of the VCF matched panel variants, but none of them has a GT field: there are no genotypes to count.
    case gwasNoGenotypes(vcf: String, matchedRecords: Int)
    /// No record of the VCF matches a panel variant: every variant would be sent as absent (all calls missing).
    case gwasNoPanelVariants(vcf: String, records: Int, panel: String)
    /// A GWAS report was asked of an encrypted table that does not hold genotype counts.
    case gwasTableExpected(path: String, found: String)
}

extension GwasError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .file(error):
            return error.description
        case let .stats(error):
            return error.description
        case let .panelCountMismatch(panelVariants, countedVariants):
            return "the panel lists \(panelVariants) variants but the pooled counts cover \(countedVariants)"
        case let .implausibleCount(variant, value, limit):
            return "variant \(variant): count \(value) exceeds \(limit), which no real cohort reaches; the aggregate "
                + "is corrupt or was decrypted with the wrong key"
        case let .implausibleTerm(variant, column, value):
            return "variant \(variant): pooled Mantel-Haenszel term \(column) = \(value) x 10^-9 is not possible for a real "
                + "cohort (negative, above \(Gwas.maximumCount), or a fractional allele count); the aggregate is corrupt "
                + "or was decrypted with the wrong key"
        case let .fixedPointNeedsPaillier(what, scheme, capacity, needed):
            return "the \(what) are fixed point and need slots holding \(needed) for this site alone, but the \(scheme) "
                + "key's slots hold \(capacity); use a Paillier key (he-cli keygen --scheme paillier), whose slots for them "
                + "hold 2^62 - 1"
        case let .metaAnalysisNoEstimates(path, lines, panel):
            return "\(path): none of its \(lines) result lines gives an estimate (OR or BETA and SE, not NA) for a variant "
                + "of \(panel); check that the variant IDs (SNP or ID column) are the panel's IDs and that the SE column "
                + "is there (PLINK 1.9: --ci 0.95)"
        case let .mantelHaenszelSiteTooLarge(samples, limit):
            return "the site counts \(samples) samples; its Mantel-Haenszel terms are computed exactly for at most "
                + "\(limit) samples per site (128-bit integer arithmetic), so this site cannot take part in the stratified test"
        case let .gwasKindMismatch(path, expected, found, fix):
            return "\(path): expected \(expected) but the file holds \(found); \(fix)"
        case let .metaAnalysisValueTooLarge(path, variant, standardError, beta):
            return "\(path): variant \(variant): beta \(beta), SE \(standardError) gives w = 1/SE^2, w x beta or w x beta^2 "
                + "above 10^10, beyond what the meta-analysis sums hold (fixed point, 6 decimal places); check the SE "
                + "column (a standard error, not a variance or a statistic)"
        case let .unsupportedChromosome(variant, chromosome):
            return "variant \(variant) is on chromosome '\(chromosome)'; only autosomes 1-22, X and XY (optionally "
                + "'chr'-prefixed) are analysed, because PLINK's rules for Y and MT need each sample's sex"
        case let .notEnoughPhenotypes(found):
            return ".assoc and .model need at least 2 samples with a case/control phenotype; found \(found)"
        case let .inputUnreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .inputField(path, line, field, expected, found):
            return "\(path):\(line): field \(field): expected \(expected), found '\(excerpt(found))'"
        case let .inputDuplicate(path, line, firstLine, field, value):
            return "\(path):\(line): field \(field): '\(excerpt(value))' already appears on line \(firstLine); expected each \(field) once"
        case let .vcfHeader(path, reason):
            return "\(path): VCF/BCF header: \(reason)"
        case let .vcfRecord(path, chrom, pos, field, reason):
            let location = pos > 0 ? "\(chrom):\(pos)" : chrom
            return "\(path): record \(location): field \(field): \(reason)"
        case let .invalidPanel(variant, reason):
            return "panel variant \(variant + 1): \(reason)"
        case let .gwasNoCountedSamples(vcf, phenotypes):
            return "\(vcf): no VCF sample has a line in \(phenotypes), so there is nothing to count "
                + "(check that the sample IDs of both files match)"
        case let .gwasNoPanelVariants(vcf, records, panel):
            let what = records == 0 ? "has no records" : "has \(records) records, but none matches a variant of \(panel)"
            return "\(vcf): \(what), so every panel variant would be sent as absent (all calls missing); check that "
                + "the VCF and the panel use the same chromosome names (1 or chr1) and genome build"
        case let .gwasNoGenotypes(vcf, matchedRecords):
            return "\(vcf): none of the \(matchedRecords) records matching the panel has a GT field, so there are no "
                + "genotypes to count (expected FORMAT GT with one call per sample, e.g. 0/1; a sites-only VCF cannot be used)"
        case let .gwasTableExpected(path, found):
            return "\(path): expected encrypted GWAS genotype counts (from he-cli gwas encrypt) but the file holds a \(found)"
        }
    }
}

extension GwasError {
    /// Wraps an EncryptedStats error; one that only wraps a file error becomes ``file(_:)``.
    package init(_ error: EncryptedStatsError) {
        if case let .file(inner) = error { self = .file(inner) } else { self = .stats(error) }
    }
}

/// Runs `body`, wrapping an EncryptedStats error as a ``GwasError``.
@inline(__always) @discardableResult
package func stats<T>(_ body: () throws(EncryptedStatsError) -> T) throws(GwasError) -> T {
    do { return try body() } catch { throw GwasError(error) }
}

/// Runs `body`, wrapping an HEFiles error as ``GwasError/file(_:)``.
@inline(__always) @discardableResult
package func files<T>(_ body: () throws(HEFilesError) -> T) throws(GwasError) -> T {
    do { return try body() } catch { throw .file(error) }
}

// File errors raised by this module itself, spelt as in HEFiles (`throw .emptyFile(...)`).
extension GwasError {
    package static func emptyFile(path: String, expected: String) -> Self { .file(.emptyFile(path: path, expected: expected)) }
    package static func inconsistentHeader(path: String, field: String, reason: String) -> Self {
        .file(.inconsistentHeader(path: path, field: field, reason: reason))
    }
}
