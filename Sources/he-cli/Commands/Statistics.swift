import ArgumentParser
import EncryptedStats
import Foundation

/// Output format of `chi2` and `summary`.
enum StatisticsFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// Shortest text that reads back as the same double ("NA" for nil).
private func number(_ x: Double?) -> String {
    guard let x else { return "NA" }
    return x.isFinite ? "\(x)" : (x.isNaN ? "NaN" : (x > 0 ? "Infinity" : "-Infinity"))
}

private func jsonNumber(_ x: Double?) -> String {
    guard let x, x.isFinite else { return "null" }
    return "\(x)"
}

struct Chi2: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chi2",
        abstract: "Chi-square test of independence on a decrypted count table (key holder).",
        discussion: """
        The input is a totals CSV as written by `he-cli decrypt` (or any CSV with a header row, row labels in
        the first column and non-negative integer counts): rows and columns form the r x c contingency table.
        Prints the statistic, degrees of freedom, p-value (upper tail, accurate far below 1e-100), expected
        counts and a warning for every expected count below 5. --yates applies Yates' continuity correction
        (2 x 2 tables only).

        Example (totals.csv from he-cli decrypt):
          # contributors (3): st-marys city-general royal-infirmary
          exposure,cases,controls
          smoker,120,80
          non-smoker,300,420

          he-cli chi2 --in totals.csv
          he-cli chi2 --in totals.csv --yates --format json
        """
    )

    @Option(name: .customLong("in"), help: "Decrypted totals (CSV).", completion: .file(extensions: ["csv"]))
    var input: String

    @Flag(help: "Yates' continuity correction (2 x 2 tables only).")
    var yates = false

    @Option(help: "Output format: text or json.")
    var format: StatisticsFormat = .text

    func run() throws {
        try reportingErrors {
            let hints = ValueHints(maxValueOption: nil, decimals: "chi2 tests counts; a decimal table is not one",
                                   negative: "chi2 tests counts, which are never negative")
            let table = try CountTableReader.read(path: input, encoding: .count, maxValue: UInt64(Int64.max), hints: hints)
            let width = table.columnLabels.count
            let rows = (0 ..< table.rowLabels.count).map { r in
                (0 ..< width).map { c in UInt64(table.value(row: r, column: c)) }
            }
            let result: ChiSquareResult
            do {
                result = try ChiSquareTest.independence(table: rows, yates: yates)
            } catch let EncryptedStatsError.zeroMarginal(axis, index) {
                // Name the row or column by its label, as the user's table does.
                let label = axis == .row ? table.rowLabels[index] : table.columnLabels[index]
                throw EncryptedStatsError.statisticsInput(path: input, line: nil, reason:
                    "\(axis.rawValue) '\(label)' sums to 0, so its expected counts are 0 and the chi-square statistic "
                    + "is undefined; remove that \(axis.rawValue)")
            } catch let error as EncryptedStatsError {
                throw EncryptedStatsError.statisticsInput(path: input, line: nil, reason: error.description)
            }
            switch format {
            case .text:
                print("chi-square test of independence, \(rows.count) x \(width) table"
                      + (result.yatesCorrected ? ", Yates-corrected" : ""))
                print("statistic  \(number(result.statistic))")
                print("df         \(result.degreesOfFreedom)")
                if result.pValue == 0 && result.logPValue.isFinite {
                    // Below the smallest double: the natural log still holds the value.
                    let log10p = result.logPValue / M_LN10
                    print("p-value    < 4.9e-324 (log10 p = \(String(format: "%.2f", log10p)))")
                } else {
                    print("p-value    \(number(result.pValue))")
                }
                print("expected counts:")
                print(([table.rowHeader] + table.columnLabels).map { terminalSafe($0) }.joined(separator: "\t"))
                for (r, label) in table.rowLabels.enumerated() {
                    print(([terminalSafe(label)] + result.expected[r].map { number($0) }).joined(separator: "\t"))
                }
            case .json:
                var out = "{\n"
                out += "  \"statistic\": \(jsonNumber(result.statistic)),\n"
                out += "  \"df\": \(result.degreesOfFreedom),\n"
                out += "  \"pValue\": \(jsonNumber(result.pValue)),\n"
                out += "  \"logPValue\": \(jsonNumber(result.logPValue == 0 ? 0 : result.logPValue)),\n"  // no -0.0
                out += "  \"yates\": \(result.yatesCorrected),\n"
                out += "  \"rows\": [\(table.rowLabels.map(jsonString).joined(separator: ", "))],\n"
                out += "  \"columns\": [\(table.columnLabels.map(jsonString).joined(separator: ", "))],\n"
                out += "  \"expected\": [" + result.expected.map { row in
                    "[" + row.map { jsonNumber($0) }.joined(separator: ", ") + "]"
                }.joined(separator: ", ") + "],\n"
                out += "  \"warnings\": [\(result.warnings.map { jsonString($0.description) }.joined(separator: ", "))]\n"
                out += "}"
                print(out)
            }
            for w in result.warnings { Console.warning(w.description) }
        }
    }
}

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Mean, variance and standard deviation from decrypted count, sum and sum of squares (key holder).",
        discussion: """
        The input is a totals CSV from `he-cli decrypt` with the columns count, sum and sum_squares (any order;
        other columns are ignored); each row is one variable. The variance is the sample variance (n - 1).
        Decimal tables: the scale is the number of decimal places `he-cli decrypt` wrote (the same in every cell),
        or --scale (otherwise the largest number of decimal places in the table). Each site encrypts its own count, sum and sum of squares with --value-type decimal and a scale
        of twice the decimals of its measurements, so that the sum of squares is exact (docs/CLI.md).

        Example (a site's table, values with one decimal, hence --scale 2):
          variable,count,sum,sum_squares
          bmi,3,75.90,1923.15

          he-cli encrypt --public-key keys/public.hekey --site st-marys --in bmi.csv --out st-marys-bmi.he \\
              --value-type decimal --scale 2
          (aggregate, decrypt to totals.csv)
          he-cli summary --in totals.csv
        """
    )

    @Option(name: .customLong("in"), help: "Decrypted totals (CSV).", completion: .file(extensions: ["csv"]))
    var input: String

    @Option(help: "Decimal places of the values (default: read from the table).")
    var scale: Int?

    @Option(help: "Output format: text or json.")
    var format: StatisticsFormat = .text

    func validate() throws {
        if let scale, !(0 ... ValueEncoding.maxScale).contains(scale) {
            throw ValidationError("--scale must be between 0 and \(ValueEncoding.maxScale)")
        }
    }

    func run() throws {
        try reportingErrors {
            let bytes = try readWholeFile(input)
            let scale = try self.scale ?? Self.inferScale(bytes, path: input)
            let encoding: ValueEncoding = scale == 0 ? .signedInteger : .fixedPoint(scale: scale)
            var unit: Int64 = 1
            for _ in 0 ..< scale { unit *= 10 }
            let hints = ValueHints(maxValueOption: nil,
                                   decimals: "decimals need --scale, or no --scale to read it from the table",
                                   negative: "")
            // Only the three columns are read: other columns (units, notes) may hold anything.
            let table = try CountTableReader.parse(bytes, path: input, encoding: encoding,
                                                   maxValue: UInt64(Int64.max / unit), hints: hints,
                                                   onlyColumns: Self.columns)
            func column(_ name: String) throws(EncryptedStatsError) -> Int {
                guard let i = table.columnLabels.firstIndex(of: name) else {
                    throw .statisticsInput(path: input, line: nil, reason: "no column '\(name)' (the header row needs "
                                           + "count, sum and sum_squares; found \(table.columnLabels.joined(separator: ", ")))")
                }
                return i
            }
            let (cn, sn, qn) = (try column("count"), try column("sum"), try column("sum_squares"))
            var results: [(String, EncryptedStats.Summary)] = []
            for (r, label) in table.rowLabels.enumerated() {
                let count = table.value(row: r, column: cn)
                guard count >= 0, count % unit == 0 else {
                    throw EncryptedStatsError.statisticsInput(path: input, line: nil, reason:
                        "row '\(label)': count \(formatValue(count, encoding: encoding)) is not a non-negative whole number")
                }
                // Stored integers: sum = round(sum x * 10^s), sum_squares = sum x^2 * 10^s; Descriptive wants the
                // sum of squares of the stored values, sum (x 10^s)^2 = sum_squares * 10^s.
                let sumSquares = Int128(table.value(row: r, column: qn)) * Int128(unit)
                do {
                    results.append((label, try Descriptive.summary(count: UInt64(count / unit),
                                                                   sum: table.value(row: r, column: sn),
                                                                   sumOfSquares: sumSquares, scale: scale)))
                } catch let error as EncryptedStatsError {
                    throw EncryptedStatsError.statisticsInput(path: input, line: nil, reason: "row '\(label)': \(error)")
                }
            }
            switch format {
            case .text:
                print(["variable", "n", "mean", "variance", "sd"].joined(separator: "\t"))
                for (label, s) in results {
                    print([terminalSafe(label), String(s.count), number(s.mean), number(s.variance), number(s.standardDeviation)]
                        .joined(separator: "\t"))
                }
            case .json:
                let rows = results.map { label, s in
                    "    {\"variable\": \(jsonString(label)), \"n\": \(s.count), \"mean\": \(jsonNumber(s.mean)), "
                        + "\"variance\": \(jsonNumber(s.variance)), \"sd\": \(jsonNumber(s.standardDeviation))}"
                }
                print("{\n  \"scale\": \(scale),\n  \"rows\": [\n" + rows.joined(separator: ",\n") + "\n  ]\n}")
            }
        }
    }

    /// The columns `summary` reads.
    static let columns: Set<String> = ["count", "sum", "sum_squares"]

    /// The scale of a decimal table: `he-cli decrypt` writes exactly `scale` decimals in every cell, so the
    /// largest number of decimal places of any cell of the three columns read (0 for an integer table).
    static func inferScale(_ bytes: [UInt8], path: String) throws(EncryptedStatsError) -> Int {
        // Comment lines as CountTableReader skips them: one unquoted field starting with #, before the header.
        var records = try CSVParser.parse(bytes, path: path)[...]
        while let first = records.first, first.fields.count == 1, let f = first.fields.first, !f.quoted,
              f.text.hasPrefix("#") {
            records = records.dropFirst()
        }
        guard let header = records.first else { return 0 }
        let read = header.fields.indices.dropFirst().filter { columns.contains(header.fields[$0].text) }
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
