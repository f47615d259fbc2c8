import Foundation

// The single error type of the EncryptedStats module. Every case names the file (and where it helps, the line,
// column or field) and what was expected. No case ever carries key material or decrypted values.

/// Errors raised by EncryptedStats: container files, count tables, the scheme layer and the statistics on top.
public enum EncryptedStatsError: Error, Sendable, Equatable {
    // MARK: - Container

    /// A file could not be opened or read (missing, a directory, permission denied).
    case fileUnreadable(path: String, reason: String)
    /// A file could not be written, renamed into place or synchronised.
    case fileUnwritable(path: String, reason: String)
    /// An output that must never be replaced (a key file) already exists.
    case outputExists(path: String)
    /// An output path names one of the command's input files, which writing the output would destroy.
    case outputIsInput(output: String, input: String)
    /// An output path names something other than a regular file (a device, FIFO, symbolic link or directory),
    /// which writing beside it and renaming into place would replace.
    case outputNotRegularFile(path: String, found: String)
    /// A file that must hold data is empty (0 bytes); `expected` says what it should contain.
    case emptyFile(path: String, expected: String)
    /// The file does not start with the container magic bytes.
    case notAContainer(path: String)
    /// The container's format version is not one this build can read.
    case unsupportedFormatVersion(path: String, found: UInt16, supported: UInt16)
    /// A version-1 Paillier table: its packing (48-bit signed digits) is no longer read; the table must be
    /// encrypted again.
    case retiredPaillierPacking(path: String, version: UInt16)
    /// The file ends before the section the header promises.
    case truncated(path: String, section: String, expectedBytes: UInt64, availableBytes: UInt64)
    /// Bytes follow the end of the container.
    case trailingBytes(path: String, count: UInt64)
    /// The SHA-256 over the header does not match: the header was altered or damaged.
    case headerChecksumMismatch(path: String)
    /// The SHA-256 over the whole container does not match: the payload was altered or damaged.
    case checksumMismatch(path: String)
    /// A header field is invalid or contradicts another field.
    case inconsistentHeader(path: String, field: String, reason: String)
    /// The container holds something else than the command needs (for example a key where a table was expected).
    case wrongContentKind(path: String, expected: String, found: String)
    /// A scheme payload (key or ciphertext bytes) could not be decoded.
    case invalidPayload(path: String, chunk: Int, reason: String)
    /// A JSON input (python-paillier keys, a Python site's encrypted table) is not valid or lacks a field.
    case jsonInput(path: String, reason: String)
    /// Two inputs of an aggregation or a key and a file do not belong together.
    case incompatibleInputs(first: String, second: String, reason: String)
    /// The same site contributes to two inputs: summing them would count its data twice.
    case duplicateContributor(site: String, first: String, second: String)
    /// The declared value bounds of the inputs could add up to more than one slot can hold.
    case slotOverflow(files: [String], bound: UInt64, capacity: UInt64)
    /// Summing would exceed the number of contributions the scheme's noise bound allows.
    case tooManyContributions(files: [String], count: Int, limit: UInt64)
    /// A secret key file can be read by other users; it is refused until its mode is tightened.
    case secretKeyPermissions(path: String, mode: UInt32)
    /// The file was encrypted under another key than the one given.
    case keyMismatch(keyPath: String, dataPath: String)
    /// The key given is a key of the other scheme than the one the file was encrypted with.
    case keySchemeMismatch(keyPath: String, keyScheme: SchemeID, dataPath: String, dataScheme: SchemeID)
    /// A site identifier is empty, too long or contains characters that are not allowed.
    case invalidSiteID(String, reason: String)
    /// The scheme rejected an operation (parameters, key size, value out of range, decryption failure).
    case scheme(operation: String, reason: String)

    // MARK: - Tables

    /// The table has no header row or no data rows.
    case tableEmpty(path: String, reason: String)
    /// A syntax error in the CSV text (quoting, stray characters, invalid UTF-8).
    case tableSyntax(path: String, line: Int, column: Int, reason: String)
    /// A row has another number of fields than the header.
    case tableRowWidth(path: String, line: Int, expected: Int, found: Int)
    /// A label is empty or repeated.
    case tableLabel(path: String, line: Int, column: Int, reason: String)
    /// A cell is not a valid value of the declared type or lies outside the declared bound.
    case tableValue(path: String, line: Int, column: Int, columnLabel: String, found: String, expected: String)

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
    /// A chromosome that is not analysed: anything but an autosome 1-22, X or XY (optionally prefixed `chr`).
    case unsupportedChromosome(variant: String, chromosome: String)
    /// `.assoc` and `.model` need at least two samples with a case/control phenotype (PLINK skips them otherwise).
    case notEnoughPhenotypes(found: UInt64)
    /// A command-line option's value cannot be used with these inputs (`option` as written, e.g. `--max-value`).
    case invalidOption(option: String, reason: String)
    /// A header value (a label, a site ID) cannot be stored in the container format; nothing was written.
    case unencodableHeader(output: String, field: String, reason: String)

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

    // MARK: - GWAS pipeline

    /// No sample of the VCF has a phenotype line, so the site has nothing to contribute.
    case gwasNoCountedSamples(vcf: String, phenotypes: String)
    /// Records of the VCF matched panel variants, but none of them has a GT field: there are no genotypes to count.
    case gwasNoGenotypes(vcf: String, matchedRecords: Int)
    /// No record of the VCF matches a panel variant: every variant would be sent as absent (all calls missing).
    case gwasNoPanelVariants(vcf: String, records: Int, panel: String)
    /// A GWAS report was asked of an encrypted table that does not hold genotype counts.
    case gwasTableExpected(path: String, found: String)
    /// A decrypted table given to `chi2` or `summary` lacks what the statistic needs (columns, scale, counts).
    case statisticsInput(path: String, line: Int?, reason: String)
}

extension EncryptedStatsError: CustomStringConvertible {
    public var description: String {
        switch self {
        // MARK: - Container
        case let .fileUnreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .fileUnwritable(path, reason):
            return "\(path): cannot write: \(reason)"
        case let .outputExists(path):
            return "\(path): already exists; refusing to overwrite it (move it away or choose another output path)"
        case let .outputIsInput(output, input):
            return output == input
                ? "\(output): is both an input and the output; writing the output would destroy the input (choose another --out)"
                : "\(output): is the same file as the input \(input); writing the output would destroy the input (choose another --out)"
        case let .outputNotRegularFile(path, found):
            return "\(path): is \(found); outputs are written beside the destination and renamed into place, which "
                + "would replace it, so give the path of a regular file"
        case let .emptyFile(path, expected):
            return "\(path): the file is empty (0 bytes); expected \(expected)"
        case let .notAContainer(path):
            return "\(path): not an he-toolkit container (the file does not start with the container magic bytes)"
        case let .unsupportedFormatVersion(path, found, supported):
            return "\(path): container format version \(found) is not supported (this build reads versions up to \(supported))"
        case let .retiredPaillierPacking(path, version):
            return "\(path): a Paillier table of container format version \(version), whose packing (48-bit signed slots) "
                + "this build no longer reads; encrypt the site's table again with this he-cli (key files of version "
                + "\(version) are still read)"
        case let .truncated(path, section, expected, available):
            return "\(path): file is truncated: \(section) needs \(expected) bytes but only \(available) remain"
        case let .trailingBytes(path, count):
            return "\(path): \(count) unexpected bytes after the end of the container"
        case let .headerChecksumMismatch(path):
            return "\(path): header checksum mismatch (the header is damaged or was modified)"
        case let .checksumMismatch(path):
            return "\(path): SHA-256 checksum mismatch (the file is damaged or was modified)"
        case let .inconsistentHeader(path, field, reason):
            return "\(path): inconsistent header: \(field): \(reason)"
        case let .wrongContentKind(path, expected, found):
            return "\(path): expected \(expected) but the file holds \(found)"
        case let .invalidPayload(path, chunk, reason):
            return "\(path): payload chunk \(chunk): \(reason)"
        case let .jsonInput(path, reason):
            return "\(path): \(reason)"
        case let .incompatibleInputs(first, second, reason):
            return "\(first) and \(second) cannot be combined: \(reason)"
        case let .duplicateContributor(site, first, second):
            return "site '\(site)' contributes to both \(first) and \(second); summing them would count its data twice"
        case let .slotOverflow(files, bound, capacity):
            return "summing \(files.joined(separator: ", ")) could overflow a slot: the declared value bounds add up "
                + "to \(bound) but a slot holds at most \(capacity) (encrypt with a smaller --max-value)"
        case let .tooManyContributions(files, count, limit):
            return "summing \(files.joined(separator: ", ")) would combine \(count) contributions, more than the "
                + "\(limit) the scheme parameters allow to decrypt reliably (aggregate fewer sites, or use a larger preset)"
        case let .secretKeyPermissions(path, mode):
            return "\(path): secret key file is accessible by other users (mode 0\(String(mode & 0o777, radix: 8))); "
                + "run: chmod 600 \(shellQuoted(path))"
        case let .keyMismatch(keyPath, dataPath):
            return "\(dataPath) was not encrypted under the key in \(keyPath) (public-key fingerprints differ)"
        case let .keySchemeMismatch(keyPath, keyScheme, dataPath, dataScheme):
            return "\(dataPath) was encrypted with \(dataScheme) but \(keyPath) holds a \(keyScheme) key (use the "
                + "study's \(dataScheme) key)"
        case let .invalidSiteID(site, reason):
            return "invalid site ID '\(site)': \(reason)"
        case let .scheme(operation, reason):
            return "\(operation): \(reason)"

        // MARK: - Tables
        case let .tableEmpty(path, reason):
            return "\(path): \(reason)"
        case let .tableSyntax(path, line, column, reason):
            return "\(path): line \(line), column \(column): \(reason)"
        case let .tableRowWidth(path, line, expected, found):
            return "\(path): line \(line): expected \(expected) fields like the header row, found \(found)"
        case let .tableLabel(path, line, column, reason):
            return "\(path): line \(line), column \(column): \(reason)"
        case let .tableValue(path, line, column, columnLabel, found, expected):
            return "\(path): line \(line), column \(column) ('\(columnLabel)'): found '\(found)', expected \(expected)"

        // MARK: - Statistics
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
            return "variant \(variant) is on chromosome '\(chromosome)'; only autosomes 1-22, X and XY (optionally "
                + "'chr'-prefixed) are analysed, because PLINK's rules for Y and MT need each sample's sex"
        case let .notEnoughPhenotypes(found):
            return ".assoc and .model need at least 2 samples with a case/control phenotype; found \(found)"
        case let .invalidOption(option, reason):
            return "\(option): \(reason)"
        case let .unencodableHeader(output, field, reason):
            return "cannot write \(output): \(field): \(reason); nothing was written"

        // MARK: - GWAS input
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

        // MARK: - GWAS pipeline
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
        case let .statisticsInput(path, line, reason):
            return line.map { "\(path): line \($0): \(reason)" } ?? "\(path): \(reason)"
        }
    }
}

/// Quotes a path for a shell command shown to the user, only when it needs quoting.
package func shellQuoted(_ path: String) -> String {
    let safe = path.allSatisfy { $0.isLetter || $0.isNumber || "-_./+:@%,".contains($0) }
    if safe && !path.isEmpty { return path }
    return "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// Which margin of a contingency table an error refers to.
public enum TableAxis: String, Sendable, Equatable {
    case row
    case column
}

/// At most `limit` characters of a value quoted in a message, marked when cut: a line of junk (a binary file read
/// as text) must not become a megabyte of standard error.
package func excerpt(_ value: String, limit: Int = 80) -> String {
    guard value.count > limit else { return value }
    return String(value.prefix(limit)) + "... (\(value.utf8.count) bytes)"
}
