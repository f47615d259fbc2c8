import HEFiles

// Count tables from CSV, with every value checked against its encoding and bound, errors located by line and column.

/// What a value error suggests, for the command that reads the table (a site's encryption has choices that the key
/// holder's statistics do not): each hint is said in the error after what was expected.
public struct ValueHints: Sendable, Hashable {
    /// Said after the bound when a value exceeds it (for example how to raise the bound; nil: the bound is only
    /// stated).
    public var maxValue: String?
    /// Said when an integer table has a decimal cell.
    public var decimals: String
    /// Said when a count table has a negative cell.
    public var negative: String
    /// Said when a cell has more decimal places than the scale.
    public var scale: String

    public init(maxValue: String?, decimals: String, negative: String, scale: String = "round the data") {
        self.maxValue = maxValue
        self.decimals = decimals
        self.negative = negative
        self.scale = scale
    }
}

/// Reads count tables from CSV: a header row, the first column holds row labels, every other cell a value.
public enum CountTableReader {
    /// Reads and validates the table at `path`.
    /// - Parameters:
    ///   - encoding: how cells are written (non-negative counts, signed integers, decimals with a scale).
    ///   - maxValue: largest absolute value a cell may have, in the table's own units (for fixed-point tables
    ///     the bound on the stored integers is `maxValue * 10^scale`).
    /// `path` `-` reads standard input (errors then name `standard input`).
    public static func read(path: String, encoding: ValueEncoding, maxValue: UInt64,
                            hints: ValueHints) throws(EncryptedStatsError) -> CountTable {
        try parse(files { () throws(HEFilesError) in try readWholeInput(path) }, path: path == "-" ? standardInputName : path,
                  encoding: encoding, maxValue: maxValue, hints: hints)
    }

    /// Parses a table (see ``read(path:encoding:maxValue:hints:)``).
    /// - Parameter onlyColumns: when given, the value columns to read (they must all be present; the table keeps
    ///   them in file order); every other column is skipped unread, so it may hold anything.
    /// - Parameter decryptedJSON: also accept the JSON of decrypted totals (`TotalsWriter.json`), recognised by its
    ///   content, and check it as the equivalent CSV.
    public static func parse(_ bytes: [UInt8], path: String, encoding: ValueEncoding, maxValue: UInt64,
                             hints: ValueHints, onlyColumns: Set<String>? = nil,
                             decryptedJSON: Bool = false) throws(EncryptedStatsError) -> CountTable {
        guard let bound = encoding.storedBound(maxValue: maxValue) else {
            throw .tableEmpty(path: path, reason: "the largest value \(maxValue) is too large for \(encoding) values")
        }
        let records = decryptedJSON ? try TotalsJSONReader.tableRecords(bytes, path: path)
            : try CSVParser.parse(bytes, path: path).droppingLeadingComments
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
        return CountTable(shape: TableShape(rowHeader: header.fields[0].text, rowLabels: rowLabels,
                                            columnLabels: keptLabels, encoding: encoding),
                          values: values)
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
        let expected = "\(kind) of at most \(maxValue) in absolute value" + (hints.maxValue.map { " (\($0))" } ?? "")
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
            throw fail("\(kind) (found \(fractionDigits.count) decimal places; \(hints.scale))")
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
