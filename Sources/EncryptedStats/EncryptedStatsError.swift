// The single error type of the EncryptedStats module.

/// Everything that can go wrong in EncryptedStats. Each case says what went wrong, where, and what was expected.
public enum EncryptedStatsError: Error, Sendable, Equatable, CustomStringConvertible {
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
