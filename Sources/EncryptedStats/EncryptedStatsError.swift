// The single error type of the EncryptedStats module.

/// Everything that can go wrong in EncryptedStats, with enough context to say what, where and what was expected.
public enum EncryptedStatsError: Error, Equatable, Sendable {
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
}

/// Which margin of a contingency table an error refers to.
public enum TableAxis: String, Sendable, Equatable {
    case row
    case column
}
