import ArgumentParser
import EncryptedStats
import Foundation
import HEFiles

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Mean, variance and standard deviation from decrypted count, sum and sum of squares (key holder).",
        discussion: """
        The input is a totals CSV from `he-cli decrypt` with the columns count, sum and sum_squares (any order;
        other columns are ignored), or the JSON that `he-cli decrypt --format json` writes (recognised by its
        content); --in - reads standard input. Each row is one variable. The variance is the sample variance (n - 1).
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

    @Option(name: .customLong("in"), help: "Decrypted totals (CSV, or the JSON of decrypt --format json; - for standard input).",
            completion: .file(extensions: ["csv", "json"]))
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
            let hints = ValueHints(maxValue: nil, decimals: "decimals need --scale, or no --scale to read it from the table",
                                   negative: "", scale: "raise --scale or round the data")
            let summaries = try Descriptive.summaries(csv: input, scale: scale, hints: hints)
            let (scale, results) = (summaries.scale, summaries.rows)
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
}
