// Count tables: the plaintext a site encrypts and the key holder gets back.

/// A labelled table of integers (row-major). Fixed-point values are stored as integers times 10^scale.
public struct CountTable: Sendable, Hashable {
    public var kind: TableKind
    /// The first header cell (the name of the label column).
    public var rowHeader: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// Names of per-row metadata fields (GWAS: `ContainerFormat.gwasMetadataFields`); empty for count tables.
    public var metadataFields: [String]
    /// One entry per row with one value per metadata field (empty when there are no metadata fields).
    public var rowMetadata: [[String]]
    public var encoding: ValueEncoding
    /// `rowLabels.count * columnLabels.count` values, row by row.
    public var values: [Int64]

    public init(kind: TableKind = .countTable, rowHeader: String, rowLabels: [String], columnLabels: [String],
                metadataFields: [String] = [], rowMetadata: [[String]] = [], encoding: ValueEncoding,
                values: [Int64]) {
        precondition(values.count == rowLabels.count * columnLabels.count, "values must fill rows x columns")
        precondition(metadataFields.isEmpty ? rowMetadata.isEmpty : rowMetadata.count == rowLabels.count,
                     "row metadata must have one entry per row")
        self.kind = kind
        self.rowHeader = rowHeader
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.metadataFields = metadataFields
        self.rowMetadata = rowMetadata
        self.encoding = encoding
        self.values = values
    }

    /// The schema of this table when encrypted with `layout`.
    public func schema(layout: SlotLayout) -> TableSchema {
        TableSchema(kind: kind, rowHeader: rowHeader, rowLabels: rowLabels, columnLabels: columnLabels,
                    metadataFields: metadataFields, rowMetadata: rowMetadata, encoding: encoding, layout: layout)
    }

    public func value(row: Int, column: Int) -> Int64 { values[row * columnLabels.count + column] }
}

/// What a value error suggests, for the command that reads the table (a site's `encrypt` has options that the
/// key holder's `chi2` and `summary` do not).
public struct ValueHints: Sendable, Hashable {
    /// The option that sets the largest value, named after the bound (nil: the bound is only stated).
    public var maxValueOption: String?
    /// Said when an integer table has a decimal cell.
    public var decimals: String
    /// Said when a count table has a negative cell.
    public var negative: String

    public init(maxValueOption: String?, decimals: String, negative: String) {
        self.maxValueOption = maxValueOption
        self.decimals = decimals
        self.negative = negative
    }

    /// `he-cli encrypt`.
    public static let encrypt = ValueHints(maxValueOption: "--max-value",
                                           decimals: "decimals need --value-type decimal with --scale",
                                           negative: "negative values need --value-type signed")
}

/// Reads count tables from CSV: a header row, the first column holds row labels, every other cell a value.
public enum CountTableReader {
    /// Default for `--max-value` for counts and signed integers when the key's slots allow it.
    public static let defaultMaxValue: UInt64 = 1_000_000_000

    /// Reads and validates the table at `path`.
    /// - Parameters:
    ///   - encoding: how cells are written (non-negative counts, signed integers, decimals with a scale).
    ///   - maxValue: largest absolute value a cell may have, in the table's own units (for fixed-point tables
    ///     the bound on the stored integers is `maxValue * 10^scale`).
    public static func read(path: String, encoding: ValueEncoding, maxValue: UInt64,
                            hints: ValueHints = .encrypt) throws(EncryptedStatsError) -> CountTable {
        try parse(readWholeFile(path), path: path, encoding: encoding, maxValue: maxValue, hints: hints)
    }

    /// The bound on stored integers for `maxValue` in table units (nil when it does not fit an Int64).
    public static func storedBound(maxValue: UInt64, encoding: ValueEncoding) -> UInt64? {
        guard case let .fixedPoint(scale) = encoding else { return maxValue <= UInt64(Int64.max) ? maxValue : nil }
        var b = maxValue
        for _ in 0 ..< scale {
            let (m, o) = b.multipliedReportingOverflow(by: 10)
            if o || m > UInt64(Int64.max) { return nil }
            b = m
        }
        return b
    }

    /// Parses a table (see ``read(path:encoding:maxValue:hints:)``).
    /// - Parameter onlyColumns: when given, the value columns to read (they must all be present; the table keeps
    ///   them in file order); every other column is skipped unread, so it may hold anything.
    public static func parse(_ bytes: [UInt8], path: String, encoding: ValueEncoding, maxValue: UInt64,
                             hints: ValueHints = .encrypt,
                             onlyColumns: Set<String>? = nil) throws(EncryptedStatsError) -> CountTable {
        guard let bound = storedBound(maxValue: maxValue, encoding: encoding) else {
            throw .tableEmpty(path: path, reason: "--max-value \(maxValue) is too large for \(encoding) values")
        }
        var records = try CSVParser.parse(bytes, path: path)
        // Comment lines before the header row, such as the `# contributors (...)` line of `he-cli decrypt`: a single
        // unquoted field starting with #. A line of several fields is the header even when its first label starts
        // with # (`#diagnosis,cases,controls`), so a header is never taken for a comment and a data row for the header.
        while let first = records.first, first.fields.count == 1, let f = first.fields.first, !f.quoted,
              f.text.hasPrefix("#") {
            records.removeFirst()
        }
        guard let header = records.first else {
            throw .tableEmpty(path: path, reason: "the table is empty (expected a header row and at least one data row)")
        }
        guard header.fields.count >= 2 else {
            // A spreadsheet saved with another separator gives one column: say which one was found.
            let text = header.fields.first?.text ?? ""
            let other = [(";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")].first { text.contains($0.0) }
            let hint = other.map { "; it is separated by \($0.1), but tables are comma-separated (CSV)" } ?? ""
            throw .tableEmpty(path: path, reason: "line \(header.line): the header row needs a label column and at least one value column\(hint)")
        }
        guard records.count >= 2 else {
            throw .tableEmpty(path: path, reason: "the table has a header row but no data rows")
        }
        if header.fields[0].text.utf8.count > ContainerFormat.maxLabelLength {
            throw .tableLabel(path: path, line: header.line, column: 1,
                              reason: "label column name of \(header.fields[0].text.utf8.count) bytes; labels are at most \(ContainerFormat.maxLabelLength)")
        }
        let columnLabels = header.fields.dropFirst().map(\.text)
        var seenColumns: [String: Int] = [:]
        for f in header.fields.dropFirst() {
            guard !f.text.trimmingASCIISpaces.isEmpty else {
                throw .tableLabel(path: path, line: f.line, column: f.column, reason: "empty column label in the header row")
            }
            if f.text.utf8.count > ContainerFormat.maxLabelLength {
                throw .tableLabel(path: path, line: f.line, column: f.column,
                                  reason: "column label of \(f.text.utf8.count) bytes; labels are at most \(ContainerFormat.maxLabelLength)")
            }
            if let first = seenColumns[f.text] {
                throw .tableLabel(path: path, line: f.line, column: f.column,
                                  reason: "column label '\(f.text)' repeats column \(first)")
            }
            seenColumns[f.text] = f.column
        }
        let width = header.fields.count
        // Value columns read (0-based among the value columns).
        let kept = columnLabels.indices.filter { onlyColumns?.contains(columnLabels[$0]) ?? true }
        let keptLabels = kept.map { columnLabels[$0] }
        var rowLabels: [String] = []
        var seenRows: [String: Int] = [:]
        var values: [Int64] = []
        values.reserveCapacity((records.count - 1) * (width - 1))
        for record in records.dropFirst() {
            guard record.fields.count == width else {
                throw .tableRowWidth(path: path, line: record.line, expected: width, found: record.fields.count)
            }
            let label = record.fields[0]
            guard !label.text.trimmingASCIISpaces.isEmpty else {
                throw .tableLabel(path: path, line: label.line, column: 1, reason: "empty row label")
            }
            if label.text.utf8.count > ContainerFormat.maxLabelLength {
                throw .tableLabel(path: path, line: label.line, column: 1,
                                  reason: "row label of \(label.text.utf8.count) bytes; labels are at most \(ContainerFormat.maxLabelLength)")
            }
            if let first = seenRows[label.text] {
                throw .tableLabel(path: path, line: label.line, column: 1,
                                  reason: "row label '\(label.text)' repeats the row on line \(first)")
            }
            seenRows[label.text] = label.line
            rowLabels.append(label.text)
            for j in kept {
                values.append(try parseValue(record.fields[j + 1], columnLabel: columnLabels[j], path: path,
                                             encoding: encoding, maxValue: maxValue, bound: bound, hints: hints))
            }
        }
        return CountTable(rowHeader: header.fields[0].text, rowLabels: rowLabels, columnLabels: keptLabels,
                          encoding: encoding, values: values)
    }

    private static func parseValue(_ cell: CSVField, columnLabel: String, path: String, encoding: ValueEncoding,
                                   maxValue: UInt64, bound: UInt64, hints: ValueHints) throws(EncryptedStatsError) -> Int64 {
        let raw = cell.text.trimmingASCIISpaces
        func fail(_ expected: String) -> EncryptedStatsError {
            .tableValue(path: path, line: cell.line, column: cell.column, columnLabel: columnLabel,
                        found: cell.text.count > 40 ? String(cell.text.prefix(40)) + "..." : cell.text,
                        expected: expected)
        }
        let kind: String
        let scale: Int
        switch encoding {
        case .count: kind = "a non-negative integer count"; scale = 0
        case .signedInteger: kind = "an integer"; scale = 0
        case let .fixedPoint(s): kind = "a decimal number with at most \(s) decimal places"; scale = s
        }
        let expected = "\(kind) of at most \(maxValue) in absolute value" + (hints.maxValueOption.map { " (\($0))" } ?? "")
        guard !raw.isEmpty else { throw fail(kind + " (the cell is empty)") }
        var utf8 = Array(raw.utf8)
        var negative = false
        if utf8[0] == UInt8(ascii: "-") || utf8[0] == UInt8(ascii: "+") {
            negative = utf8[0] == UInt8(ascii: "-")
            utf8.removeFirst()
            if negative && encoding == .count { throw fail("a non-negative integer count (\(hints.negative))") }
        }
        var integerDigits: [UInt8] = []
        var fractionDigits: [UInt8] = []
        var seenPoint = false
        for b in utf8 {
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                if seenPoint { fractionDigits.append(b - 48) } else { integerDigits.append(b - 48) }
            } else if b == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                throw fail(kind + " written out in full (no exponent notation)")
            } else if b == UInt8(ascii: ",") || b == UInt8(ascii: "_") || b == UInt8(ascii: "'") || b == UInt8(ascii: " ") {
                throw fail(kind + " without digit group separators")
            } else {
                throw fail(kind)
            }
        }
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty else { throw fail(kind) }
        if seenPoint && scale == 0 {
            throw fail(kind + " (\(hints.decimals))")
        }
        if seenPoint && fractionDigits.isEmpty { throw fail(kind + " (digits must follow the decimal point)") }
        if fractionDigits.count > scale {
            throw fail("\(kind) (found \(fractionDigits.count) decimal places; raise --scale or round the data)")
        }
        var magnitude: UInt64 = 0
        for d in integerDigits + fractionDigits + [UInt8](repeating: 0, count: scale - fractionDigits.count) {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { throw fail(expected) }
            magnitude = a
        }
        guard magnitude <= bound else { throw fail(expected) }
        return negative ? -Int64(magnitude) : Int64(magnitude)
    }
}

extension String {
    package var trimmingASCIISpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

/// Formats a stored integer in the table's units (fixed-point values get their decimal point back).
public func formatValue(_ v: Int64, encoding: ValueEncoding) -> String {
    guard case let .fixedPoint(scale) = encoding, scale > 0 else { return String(v) }
    let digits = String(v.magnitude).leftPadded(to: scale + 1)
    let cut = digits.index(digits.endIndex, offsetBy: -scale)
    return (v < 0 ? "-" : "") + digits[..<cut] + "." + digits[cut...]
}
