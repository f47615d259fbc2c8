import Governance
import HEFiles
import Paillier
import RLWE

// The single error type of the EncryptedStats module: the scheme seam, count tables, aggregation and the
// statistics. Errors of the layers below are wrapped as typed cases, never turned into strings. No case ever
// carries key material or decrypted values.

/// Errors raised by EncryptedStats.
public enum EncryptedStatsError: Error, Sendable, Equatable {
    /// A container, key or output file could not be read or written as required.
    case file(HEFilesError)
    /// Provenance: a manifest, signing key or statement was refused (Governance's error).
    case governance(GovernanceError)
    /// The study's release policy refused the release of `path` (nothing was decrypted, or nothing written).
    case releaseRefused(path: String, GovernanceError)
    /// A multi-party file or request was refused (`path` names the file, `reason` the party and what is wrong).
    case party(path: String, reason: String)
    /// The manifest requires the signed site files to decrypt, and none were given.
    case inputsRequired(path: String, manifestPath: String)
    /// The signed site files given hold other sites than the aggregate.
    case inputSitesDiffer(path: String, aggregateSites: [String], inputSites: [String])
    /// The sum recomputed from the signed site files differs from the aggregate's ciphertext `chunk`.
    case recomputedSumDiffers(path: String, chunk: Int, sites: [String])
    /// The Paillier library refused an operation (`operation` says which, e.g. `encrypt`, `load key`).
    case paillier(operation: String, PaillierError)
    /// The RLWE library refused an operation (`operation` says which, e.g. `decrypt`, `bfv parameters`).
    case rlwe(operation: String, RlweError)
    /// A declared largest cell value does not fit the key's slots: at most `largest` `units` (for example
    /// `in table units`, or `in stored units, including the decimal scale`).
    case valueBoundTooLarge(maxValue: UInt64, largest: UInt64, units: String)
    /// A Python site's table declares a largest value (`declared`, its `max_value`) other than the one given.
    case declaredBoundDisagrees(path: String, declared: UInt64, given: UInt64)
    /// A decimal scale so large that even a largest value of 1 does not fit the key's slots; `largestScale` is the
    /// largest scale that fits (nil: none does).
    case scaleTooLarge(scale: Int, capacity: UInt64, largestScale: Int?)
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
    /// The file was encrypted under another key than the one given.
    case keyMismatch(keyPath: String, dataPath: String)
    /// The key given is a key of the other scheme than the one the file was encrypted with.
    case keySchemeMismatch(keyPath: String, keyScheme: SchemeID, dataPath: String, dataScheme: SchemeID)
    /// The scheme rejected an operation (parameters, key size, value out of range, decryption failure).
    case scheme(operation: String, reason: String)
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
    /// A decrypted table given to `chi2` or `summary` lacks what the statistic needs (columns, scale, counts).
    case statisticsInput(path: String, line: Int?, reason: String)
}

extension EncryptedStatsError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .file(error):
            return error.description
        case let .governance(error):
            return error.description
        case let .releaseRefused(path, error):
            return "\(path): refused by the study's release policy: \(error.description)"
        case let .party(path, reason):
            return "\(path): \(reason)"
        case let .inputsRequired(path, manifestPath):
            return "\(path): \(manifestPath) requires the signed site files to decrypt; none were given"
        case let .inputSitesDiffer(path, aggregateSites, inputSites):
            return "\(path): holds sites [\(aggregateSites.joined(separator: ", "))], the signed site files given hold "
                + "[\(inputSites.joined(separator: ", "))]"
        case let .recomputedSumDiffers(path, chunk, sites):
            return "\(path): ciphertext \(chunk) is not the sum of the signed files of sites "
                + "[\(sites.joined(separator: ", "))] (the aggregate was altered)"
        case let .paillier(operation, error):
            return "\(operation): \(error)"
        case let .rlwe(operation, error):
            return "\(operation): \(error)"
        case let .valueBoundTooLarge(maxValue, largest, units):
            return "\(maxValue) does not fit this key's slots (at most \(largest) \(units))"
        case let .declaredBoundDisagrees(path, declared, given):
            return "\(path) and the largest value \(given) cannot be combined: the table declares \"max_value\": "
                + "\(declared), the bound its cells were checked against"
        case let .scaleTooLarge(scale, capacity, largest):
            return "\(scale) decimal places do not fit this key's slots (at most \(capacity) in stored units); "
                + (largest.map { "use a scale of \($0) or less" } ?? "round the data to whole numbers")
        case let .jsonInput(path, reason):
            return "\(path): \(reason)"
        case let .incompatibleInputs(first, second, reason):
            return "\(first) and \(second) cannot be combined: \(reason)"
        case let .duplicateContributor(site, first, second):
            return "site '\(site)' contributes to both \(first) and \(second); summing them would count its data twice"
        case let .slotOverflow(files, bound, capacity):
            return "summing \(files.joined(separator: ", ")) could overflow a slot: the declared value bounds add up "
                + "to \(bound) but a slot holds at most \(capacity)"
        case let .tooManyContributions(files, count, limit):
            return "summing \(files.joined(separator: ", ")) would combine \(count) contributions, more than the "
                + "\(limit) the scheme parameters allow to decrypt reliably (aggregate fewer sites, or use a larger preset)"
        case let .keyMismatch(keyPath, dataPath):
            return "\(dataPath) was not encrypted under the key in \(keyPath) (public-key fingerprints differ)"
        case let .keySchemeMismatch(keyPath, keyScheme, dataPath, dataScheme):
            return "\(dataPath) was encrypted with \(dataScheme) but \(keyPath) holds a \(keyScheme) key (use the "
                + "study's \(dataScheme) key)"
        case let .scheme(operation, reason):
            return "\(operation): \(reason)"
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
        case let .statisticsInput(path, line, reason):
            return line.map { "\(path): line \($0): \(reason)" } ?? "\(path): \(reason)"
        }
    }

    /// What a scheme refused, without the operation's name: the reason a payload chunk is reported unusable.
    package var schemeRefusal: String? {
        switch self {
        case let .scheme(_, reason): reason
        case let .paillier(_, error): error.description
        case let .rlwe(_, error): error.description
        default: nil
        }
    }
}

/// Which margin of a contingency table an error refers to.
public enum TableAxis: String, Sendable, Equatable {
    case row
    case column
}

/// Runs `body`, wrapping an HEFiles error as ``EncryptedStatsError/file(_:)``.
@inline(__always) @discardableResult
package func files<T>(_ body: () throws(HEFilesError) -> T) throws(EncryptedStatsError) -> T {
    do { return try body() } catch { throw .file(error) }
}

/// Runs `body`, wrapping a Governance error as ``EncryptedStatsError/governance(_:)``.
package func governance<T>(_ body: () throws(GovernanceError) -> T) throws(EncryptedStatsError) -> T {
    do { return try body() } catch { throw .governance(error) }
}

// File errors raised by this module itself, spelt as in HEFiles (`throw .wrongContentKind(...)`).
extension EncryptedStatsError {
    package static func fileUnreadable(path: String, reason: String) -> Self { .file(.fileUnreadable(path: path, reason: reason)) }
    package static func wrongContentKind(path: String, expected: String, found: String) -> Self {
        .file(.wrongContentKind(path: path, expected: expected, found: found))
    }
    package static func inconsistentHeader(path: String, field: String, reason: String) -> Self {
        .file(.inconsistentHeader(path: path, field: field, reason: reason))
    }
    package static func invalidPayload(path: String, chunk: Int, reason: String) -> Self {
        .file(.invalidPayload(path: path, chunk: chunk, reason: reason))
    }
}
