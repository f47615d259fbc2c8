// Human-readable messages for the statistics errors (what went wrong, where, and what was expected).

extension EncryptedStatsError {
    /// A message for the statistics cases of the error, nil for the cases other areas of the module define.
    public var statisticsMessage: String? {
        switch self {
        case let .tableShape(rows, columns):
            return "a contingency table needs at least 2 rows and 2 columns of equal length; got \(rows) rows "
                + "with \(columns.map(String.init).joined(separator: ", ")) columns"
        case let .zeroMarginal(axis, index):
            return "\(axis.rawValue) \(index + 1) of the table sums to 0, so its expected counts are 0 and the "
                + "chi-square statistic is undefined; remove that \(axis.rawValue)"
        case let .tableTotalTooLarge(limit):
            return "the table's total exceeds \(limit), the largest total handled exactly"
        case let .yatesNeedsTwoByTwo(rows, columns):
            return "Yates' continuity correction applies to 2 x 2 tables only; this table is \(rows) x \(columns)"
        case .emptySample:
            return "mean and variance need at least one observation; the count is 0"
        case let .inconsistentMoments(count):
            return "no \(count) real values have this sum and sum of squares (need sumsq >= 0 and "
                + "count * sumsq >= sum^2); the aggregate is corrupt or was decrypted with the wrong key"
        case let .unsupportedScale(scale, supported):
            return "fixed-point scale \(scale) is outside the supported \(supported.lowerBound)..\(supported.upperBound) "
                + "decimal digits"
        case let .panelCountMismatch(panelVariants, countedVariants):
            return "the panel lists \(panelVariants) variants but the pooled counts cover \(countedVariants)"
        case let .implausibleCount(variant, value, limit):
            return "variant \(variant): count \(value) exceeds \(limit), which no real cohort reaches; the aggregate "
                + "is corrupt or was decrypted with the wrong key"
        case let .unsupportedChromosome(variant, chromosome):
            return "variant \(variant) is on chromosome '\(chromosome)'; only autosomes 1-22 (optionally 'chr'-"
                + "prefixed) are analysed, because PLINK's X/Y/MT rules need each sample's sex"
        case let .notEnoughPhenotypes(found):
            return ".assoc and .model need at least 2 samples with a case/control phenotype; found \(found)"
        case let .outputFailed(path, reason):
            return "cannot write \(path): \(reason)"
        @unknown default:
            return nil
        }
    }
}
