import HEFiles

// The key holder's statistics on a decrypted totals CSV: the table is read, checked for what the statistic
// needs, and every problem is reported against the file (and the row or column by its label).

/// A chi-square test of independence on a decrypted table, with the table it was computed from.
public struct TableChiSquare: Sendable {
    public var table: CountTable
    public var result: ChiSquareResult
    /// Odds ratio and Fisher's exact test, for a 2 x 2 table (nil otherwise).
    public var twoByTwo: TwoByTwoResult?
    /// Fisher's exact test of a larger table (`FisherExact`; nil for a 2 x 2 table, whose test is in `twoByTwo`, and
    /// when the table has too many tables with its margins).
    public var fisher: (p: Double, logP: Double)?
}

/// Mean and variance per row of a decrypted count, sum and sum-of-squares table.
public struct TableSummaries: Sendable {
    /// Decimal places of the values (given, or read from the table).
    public var scale: Int
    public var rows: [(label: String, summary: Summary)]
}

extension ChiSquareTest {
    /// The test of independence on the counts of the CSV table at `path` (rows x columns), with the odds ratio and
    /// Fisher's exact test when the table is 2 x 2, and Fisher's exact test of a larger table when it is small enough.
    /// The table may also be the JSON that `TotalsWriter.json` writes (recognised by its content); `path` `-` reads
    /// standard input.
    public static func independence(csv givenPath: String, yates: Bool,
                                    hints: ValueHints) throws(EncryptedStatsError) -> TableChiSquare {
        let bytes = try files { () throws(HEFilesError) in try readWholeInput(givenPath) }
        let path = givenPath == "-" ? standardInputName : givenPath
        let table = try CountTableReader.parse(bytes, path: path, encoding: .count, maxValue: UInt64(Int64.max),
                                               hints: hints, decryptedJSON: true)
        let width = table.columnLabels.count
        let rows = (0 ..< table.rowLabels.count).map { r in (0 ..< width).map { c in UInt64(table.value(row: r, column: c)) } }
        do {
            let result = try independence(table: rows, yates: yates)
            let twoByTwo = rows.count == 2 && width == 2 ? try TwoByTwo.statistics(rows) : nil
            let fisher = twoByTwo == nil ? FisherExact.pValue(rows) : nil
            return TableChiSquare(table: table, result: result, twoByTwo: twoByTwo, fisher: fisher)
        } catch let EncryptedStatsError.zeroMarginal(axis, index) {
            // Name the row or column by its label, as the user's table does.
            let label = axis == .row ? table.rowLabels[index] : table.columnLabels[index]
            throw .statisticsInput(path: path, line: nil, reason:
                "\(axis.rawValue) '\(label)' sums to 0, so its expected counts are 0 and the chi-square statistic "
                + "is undefined; remove that \(axis.rawValue)")
        } catch {
            throw .statisticsInput(path: path, line: nil, reason: "\(error)")
        }
    }
}

extension Descriptive {
    /// The columns a summary reads.
    public static let summaryColumns: Set<String> = ["count", "sum", "sum_squares"]

    /// Mean, variance and standard deviation of every row of the CSV table at `path`, from its columns count, sum
    /// and sum_squares (other columns are skipped unread). `scale` is the number of decimal places of the values;
    /// nil reads it from the table (the largest number of decimal places of a cell of the three columns). The table
    /// may also be the JSON that `TotalsWriter.json` writes (recognised by its content); `path` `-` reads standard
    /// input.
    public static func summaries(csv givenPath: String, scale givenScale: Int?,
                                 hints: ValueHints) throws(EncryptedStatsError) -> TableSummaries {
        let bytes = try files { () throws(HEFilesError) in try readWholeInput(givenPath) }
        let path = givenPath == "-" ? standardInputName : givenPath
        let scale: Int
        if let givenScale { scale = givenScale } else { scale = try inferScale(bytes, path: path) }
        let encoding: ValueEncoding = scale == 0 ? .signedInteger : .fixedPoint(scale: scale)
        let unit = encoding.scaleFactor
        let table = try CountTableReader.parse(bytes, path: path, encoding: encoding, maxValue: UInt64(Int64.max / unit),
                                               hints: hints, onlyColumns: summaryColumns, decryptedJSON: true)
        func column(_ name: String) throws(EncryptedStatsError) -> Int {
            guard let i = table.columnLabels.firstIndex(of: name) else {
                throw .statisticsInput(path: path, line: nil, reason: "no column '\(name)' (the header row needs "
                                       + "count, sum and sum_squares; found \(table.columnLabels.joined(separator: ", ")))")
            }
            return i
        }
        let (cn, sn, qn) = (try column("count"), try column("sum"), try column("sum_squares"))
        var rows: [(label: String, summary: Summary)] = []
        for (r, label) in table.rowLabels.enumerated() {
            let count = table.value(row: r, column: cn)
            guard count >= 0, count % unit == 0 else {
                throw .statisticsInput(path: path, line: nil, reason:
                    "row '\(label)': count \(formatValue(count, encoding: encoding)) is not a non-negative whole number")
            }
            // Stored integers: sum = round(sum x * 10^s), sum_squares = sum x^2 * 10^s; `summary` wants the sum of
            // squares of the stored values, sum (x 10^s)^2 = sum_squares * 10^s.
            let sumSquares = Int128(table.value(row: r, column: qn)) * Int128(unit)
            do {
                rows.append((label, try summary(count: UInt64(count / unit), sum: table.value(row: r, column: sn),
                                                sumOfSquares: sumSquares, scale: scale)))
            } catch {
                throw .statisticsInput(path: path, line: nil, reason: "row '\(label)': \(error)")
            }
        }
        return TableSummaries(scale: scale, rows: rows)
    }

    /// The scale of a decimal table: a decrypted table has exactly `scale` decimals in every cell, so the largest
    /// number of decimal places of any cell of the three columns read (0 for an integer table).
    static func inferScale(_ bytes: [UInt8], path: String) throws(EncryptedStatsError) -> Int {
        let records = try TotalsJSONReader.tableRecords(bytes, path: path)
        guard let header = records.first else { return 0 }
        let read = header.fields.indices.dropFirst().filter { summaryColumns.contains(header.fields[$0].text) }
        var scale = 0
        for record in records.dropFirst() {
            for field in read.compactMap({ $0 < record.fields.count ? record.fields[$0] : nil }) {
                if let dot = field.text.firstIndex(of: ".") {
                    scale = max(scale, field.text.distance(from: dot, to: field.text.endIndex) - 1)
                }
            }
        }
        guard scale <= ValueEncoding.maxScale else {
            throw .statisticsInput(path: path, line: nil, reason: "values have \(scale) decimal places; at most "
                                   + "\(ValueEncoding.maxScale) are supported")
        }
        return scale
    }
}
