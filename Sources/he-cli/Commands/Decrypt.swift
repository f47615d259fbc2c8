import ArgumentParser
import EncryptedStats
import GWAS
import HEFiles

struct Decrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decrypt an aggregate into totals with the original labels (key holder).",
        discussion: """
        The secret key file must be readable by its owner only (chmod 600). The output lists the contributing sites: CSV as a comment line before the header row, JSON as a "contributors" array.

        Example:
          he-cli decrypt --secret-key keys/secret.hekey --in total.he --out totals.csv
          he-cli decrypt --secret-key keys/secret.hekey --in total.he --out totals.json --format json
        """
    )

    @Option(name: .customLong("secret-key"), help: "The secret key file (mode 0600).", completion: .file())
    var secretKey: String

    @Option(name: .customLong("in"), help: "The encrypted aggregate (or site file).", completion: .file())
    var input: String

    @Option(help: "Output file for the totals.", completion: .file())
    var out: String

    @Option(help: "Output format: csv or json (default: json when --out ends in .json, else csv).")
    var format: TotalsFormat?

    @OptionGroup var common: CommonOptions

    func run() throws {
        try reportingErrors {
            try refuseOutputsReplacingInputs(outputs: [out], inputs: [input, secretKey])
            let progress = Progress("decrypting", quiet: common.quiet)
            let format = self.format ?? (out.lowercased().hasSuffix(".json") ? .json : .csv)
            let totals = try EncryptedTableFiles.decrypt(input, secretKeyPath: secretKey, to: out, format: format,
                                                         progress: progress.handler)
            progress.finish()
            if !common.quiet {
                print("decrypted totals of \(totals.contributors.count) site(s) written to \(out)")
                print("  sites: \(totals.contributors.joined(separator: ", "))")
                if totals.contributors.count == 1 {
                    Console.warning("\(input) holds a single site's data, not a sum over several sites")
                }
            }
        }
    }
}
