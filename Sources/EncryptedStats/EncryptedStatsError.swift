// The single error type of the EncryptedStats module.

/// Everything that can go wrong in EncryptedStats. Each case says what went wrong, where, and what was expected.
public enum EncryptedStatsError: Error, Sendable, Equatable, CustomStringConvertible {
    // MARK: - Statistics

    /// A contingency table needs at least two rows and two columns, all of the same length.
    case tableShape(rows: Int, columns: [Int])
    /// A row or column of a contingency table sums to zero, so its expected counts are zero and the statistic is
    /// undefined (scipy's `chi2_contingency` refuses such tables too).
    case zeroMarginal(axis: TableAxis, index: Int)
    /// The grand total of a table exceeds what the exact arithmetic supports (2^62).
    case tableTotalTooLarge(limit: UInt64)
    /// Yates' continuity correction is defined here only for 2 x 2 tables.
    case yatesNeedsTwoByTwo(rows: Int, columns: Int)
    /// Mean and variance need at least one observation.
    case emptySample
    /// Sum and sum of squares that no set of `count` real numbers can have (n * sumsq < sum^2).
    case inconsistentMoments(count: UInt64)
    /// A fixed-point scale outside the supported number of decimal digits.
    case unsupportedScale(Int, supported: ClosedRange<Int>)
    /// The panel and the pooled counts do not describe the same number of variants.
    case panelCountMismatch(panelVariants: Int, countedVariants: Int)
    /// A pooled count larger than any real cohort (usually a decryption with the wrong key or a corrupt file).
    case implausibleCount(variant: String, value: UInt64, limit: UInt64)
    /// A chromosome name that PLINK 1.9 would not map to an autosome (1-22, optionally prefixed `chr`).
    case unsupportedChromosome(variant: String, chromosome: String)
    /// `.assoc` and `.model` need at least two samples with a case/control phenotype (PLINK skips them otherwise).
    case notEnoughPhenotypes(found: UInt64)
    /// Writing an output file failed.
    case outputFailed(path: String, reason: String)

    // MARK: - GWAS input

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

    public var description: String {
        switch self {
        case let .tableShape(rows, columns):
            return "contingency table: expected at least 2 rows and 2 columns of equal length, found \(rows) rows with lengths \(columns)"
        case let .zeroMarginal(axis, index):
            return "contingency table: \(axis.rawValue) \(index + 1) sums to zero, so its expected counts are zero; remove it"
        case let .tableTotalTooLarge(limit):
            return "contingency table: the grand total exceeds \(limit)"
        case let .yatesNeedsTwoByTwo(rows, columns):
            return "Yates' continuity correction applies to 2 x 2 tables only, this table is \(rows) x \(columns)"
        case .emptySample:
            return "mean and variance need at least one observation, the count is 0"
        case let .inconsistentMoments(count):
            return "sum and sum of squares are inconsistent for \(count) observations (n * sum of squares < sum^2): wrong scale or corrupt input"
        case let .unsupportedScale(scale, supported):
            return "fixed-point scale \(scale) is not supported; expected \(supported.lowerBound)...\(supported.upperBound) decimal digits"
        case let .panelCountMismatch(panelVariants, countedVariants):
            return "the panel has \(panelVariants) variants but the pooled counts describe \(countedVariants)"
        case let .implausibleCount(variant, value, limit):
            return "variant \(variant): pooled count \(value) exceeds \(limit); was the aggregate decrypted with the right key?"
        case let .unsupportedChromosome(variant, chromosome):
            return "variant \(variant): chromosome '\(chromosome)' is not an autosome (1-22, optionally prefixed chr)"
        case let .notEnoughPhenotypes(found):
            return "association tests need at least two samples with a case/control phenotype, found \(found)"
        case let .outputFailed(path, reason):
            return "\(path): cannot write: \(reason)"
        case let .inputUnreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .inputField(path, line, field, expected, found):
            return "\(path):\(line): field \(field): expected \(expected), found '\(found)'"
        case let .inputDuplicate(path, line, firstLine, field, value):
            return "\(path):\(line): field \(field): '\(value)' already appears on line \(firstLine); expected each \(field) once"
        case let .vcfHeader(path, reason):
            return "\(path): VCF/BCF header: \(reason)"
        case let .vcfRecord(path, chrom, pos, field, reason):
            let location = pos > 0 ? "\(chrom):\(pos)" : chrom
            return "\(path): record \(location): field \(field): \(reason)"
        case let .invalidPanel(variant, reason):
            return "panel variant \(variant + 1): \(reason)"
        }
    }
}

/// Which margin of a contingency table an error refers to.
public enum TableAxis: String, Sendable, Equatable {
    case row
    case column
}
