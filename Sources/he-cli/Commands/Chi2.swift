import ArgumentParser
import EncryptedStats
import Foundation
import HEFiles

struct Chi2: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chi2",
        abstract: "Chi-square test of independence on a decrypted count table (key holder).",
        discussion: """
        The input is a totals CSV as written by `he-cli decrypt` (or any CSV with a header row, row labels in
        the first column and non-negative integer counts), or the JSON that `he-cli decrypt --format json` writes
        (recognised by its content); --in - reads standard input. Rows and columns form the r x c contingency
        table.
        Prints the statistic, degrees of freedom, p-value (upper tail, accurate far below 1e-100), expected
        counts and a warning for every expected count below 5. --yates applies Yates' continuity correction
        (2 x 2 tables only). A 2 x 2 table also gets the odds ratio (odds of the first column in the first row
        against the second row) with its 95% confidence interval (Woolf's log method; NA when a cell is 0) and
        Fisher's exact test (two-sided, as scipy.stats.fisher_exact). A larger table gets Fisher's exact test
        (Freeman-Halton) when at most 1000000 tables share its margins and the total is at most 100000.

        Example (totals.csv from he-cli decrypt):
          # contributors (3): st-marys city-general royal-infirmary
          exposure,cases,controls
          smoker,120,80
          non-smoker,300,420

          he-cli chi2 --in totals.csv
          he-cli chi2 --in totals.csv --yates --format json
        """
    )

    @Option(name: .customLong("in"), help: "Decrypted totals (CSV, or the JSON of decrypt --format json; - for standard input).",
            completion: .file(extensions: ["csv", "json"]))
    var input: String

    @Flag(help: "Yates' continuity correction (2 x 2 tables only).")
    var yates = false

    @Option(help: "Output format: text or json.")
    var format: StatisticsFormat = .text

    func run() throws {
        try reportingErrors {
            let hints = ValueHints(maxValue: nil, decimals: "chi2 tests counts; a decimal table is not one",
                                   negative: "chi2 tests counts, which are never negative")
            let (table, result, twoByTwo, fisher) = try { () throws(EncryptedStatsError) in
                let r = try ChiSquareTest.independence(csv: input, yates: yates, hints: hints)
                return (r.table, r.result, r.twoByTwo, r.fisher)
            }()
            let width = table.columnLabels.count
            switch format {
            case .text:
                print("chi-square test of independence, \(table.rowLabels.count) x \(width) table"
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
                if let twoByTwo {
                    let rows = table.rowLabels.map(terminalSafe), columns = table.columnLabels.map(terminalSafe)
                    print("odds ratio \(number(twoByTwo.oddsRatio)) (odds of '\(columns[0])' "
                          + "in '\(rows[0])' against '\(rows[1])')")
                    if let ci = twoByTwo.oddsRatioInterval {
                        print("95% CI     \(number(ci.lower)) to \(number(ci.upper)) (Woolf)")
                    } else {
                        print("95% CI     NA (a cell is 0)")
                    }
                    print("Fisher p   \(fisherText(twoByTwo.fisherPValue, twoByTwo.fisherLogPValue, limit: TwoByTwo.maximumFisherSupport)) "
                          + "(exact, two-sided)")
                } else {
                    print("Fisher p   \(fisherText(fisher?.p, fisher?.logP, limit: UInt64(FisherExact.maximumTables))) (exact, Freeman-Halton)")
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
                if let twoByTwo {
                    let ci = twoByTwo.oddsRatioInterval
                    out += "  \"oddsRatio\": \(jsonNumber(twoByTwo.oddsRatio)),\n"
                    out += "  \"oddsRatioCI\": \(ci.map { "[\(jsonNumber($0.lower)), \(jsonNumber($0.upper))]" } ?? "null"),\n"
                    out += "  \"fisherPValue\": \(jsonNumber(twoByTwo.fisherPValue)),\n"
                    out += "  \"fisherLogPValue\": \(jsonNumber(twoByTwo.fisherLogPValue.map { $0 == 0 ? 0 : $0 })),\n"
                } else {
                    out += "  \"fisherPValue\": \(jsonNumber(fisher?.p)),\n"
                    out += "  \"fisherLogPValue\": \(jsonNumber(fisher.map { $0.logP == 0 ? 0 : $0.logP })),\n"
                }
                out += "  \"warnings\": [\(result.warnings.map { jsonString($0.description) }.joined(separator: ", "))]\n"
                out += "}"
                print(out)
            }
            for w in result.warnings { Console.warning(w.description) }
        }
    }
}

/// Fisher's p-value for the text output: a bound with its log10 below the smallest double, NA when not computed.
private func fisherText(_ p: Double?, _ logP: Double?, limit: UInt64) -> String {
    guard let p, let logP else {
        return "NA (more than \(limit) tables with these margins; use the chi-square p-value)"
    }
    if p == 0 && logP.isFinite { return "< 4.9e-324 (log10 p = \(String(format: "%.2f", logP / M_LN10)))" }
    return number(p)
}
