import ArgumentParser
import EncryptedStats
import GWAS
import HEFiles

struct Decrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decrypt an aggregate into totals with the original labels (key holder).",
        discussion: """
        The secret key file must be readable by its owner only (chmod 600). The output is written with mode 0600 (decrypted data), also when it replaces a file of another mode. It lists the contributing sites: CSV as a comment line before the header row, JSON as a "contributors" array. CSV labels that a spreadsheet would run as a formula (first character =, +, -, @, tab or carriage return) are written with a leading single quote; JSON keeps every label unchanged. --out - writes the totals to standard output (the summary lines then go to standard error; not with --log). Warnings (no --manifest, a single site's data) are shown even with --quiet.

        Example:
          he-cli decrypt --secret-key keys/secret.hekey --in total.he --out totals.csv
          he-cli decrypt --secret-key keys/secret.hekey --in total.he --out totals.json --format json
          he-cli decrypt --secret-key keys/secret.hekey --in total.he --out - --format json | he-cli chi2 --in -

        Signed study: every statement is verified before anything is decrypted; with --inputs the aggregate is recomputed from the signed site files (files or folders) and refused when a ciphertext or the set of sites differs. A manifest that requires the inputs refuses a decryption without them. Without --manifest a warning says what is not protected.
          he-cli decrypt --secret-key keys/secret.hekey --in total.he --out totals.csv --manifest study.hem --inputs site-files/

        Release policy and log (docs/GOVERNANCE.md): with --manifest, the manifest's policy applies (minimum number of sites, small cells withheld, the differencing rule over the log). With --log and --log-key, the release or the refusal is appended to the decryption log and fsynced before the totals are written, and <out>.release.json names the log entry.
          he-cli decrypt --secret-key keys/secret.hekey --in total.he --out totals.csv --manifest study.hem --inputs site-files/ --log releases.helog --log-key log-key/signing.key --analyst alice

        Differential privacy (docs/PRIVACY.md): with --dp RHO every cell of a count table gets exact discrete Gaussian noise for that zCDP rho (one person is counted in at most one cell: L2 sensitivity 1); the study's dp-budget must allow it, the rho is logged before anything is written, and asking again for the same release gives the same noise without spending more. In a study with a dp-budget, every release needs --dp.
          he-cli decrypt --secret-key keys/secret.hekey --in total.he --out totals.csv --manifest study.hem --log releases.helog --log-key log-key/signing.key --dp 0.1
        """
    )

    @Option(name: .customLong("secret-key"), help: "The secret key file (mode 0600).", completion: .file())
    var secretKey: String

    @Option(name: .customLong("in"), help: "The encrypted aggregate (or site file).", completion: .file())
    var input: String

    @Option(help: "Output file for the totals (- for standard output).", completion: .file())
    var out: String

    @Option(help: "Output format: csv or json (default: json when --out ends in .json, else csv).")
    var format: TotalsFormat?

    @OptionGroup var verify: VerificationOptions

    @OptionGroup var release: ReleaseLogOptions

    @OptionGroup var privacy: PrivacyOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        try privacy.validate(logging: release, verify: verify)
        if out == "-" && release.log != nil {
            throw ValidationError("--out - cannot be combined with --log: the release receipt is written next to the output file")
        }
    }

    func run() throws {
        try reportingErrors {
            let toStandardOutput = out == "-"
            try refuseOutputsReplacingInputs(outputs: toStandardOutput ? [] : [out, out + ".release.json"],
                                             inputs: [input, secretKey] + verify.study.paths + verify.inputs + release.paths)
            let progress = Progress("decrypting", quiet: common.quiet)
            let format = self.format ?? (out.lowercased().hasSuffix(".json") ? .json : .csv)
            ReleaseWarnings.beforeDecryption(verify, release)
            let (totals, receipt) = try EncryptedTableFiles.decrypt(input, secretKeyPath: secretKey, to: out, format: format,
                                                                    verification: verify.verification,
                                                                    logging: try release.logging(), privateRho: privacy.dp?.rho,
                                                                    progress: progress.handler)
            progress.finish()
            if toStandardOutput {
                // Standard output holds the totals: the summary goes to standard error.
                Console.note("decrypted totals of \(totals.contributors.count) site(s) written to standard output; sites: "
                             + totals.contributors.joined(separator: ", "), quiet: common.quiet)
            } else if !common.quiet {
                print("decrypted totals of \(totals.contributors.count) site(s) written to \(out)")
                print("  sites: \(totals.contributors.joined(separator: ", "))")
                if verify.study.manifest != nil {
                    print("  statements verified" + (verify.inputs.isEmpty ? "" : "; sum recomputed from the signed site files"))
                }
                if let receipt {
                    print("  logged as entry \(receipt.entry) of \(receipt.logPath) (tree size \(receipt.signedHead.head.size))"
                          + (receipt.record.repeatOf.map { ", a repeat of entry \($0)" } ?? "") + "; receipt \(out).release.json")
                    if let p = receipt.record.privacy {
                        print("  differentially private: discrete Gaussian noise, sigma^2 \(p.sigmaSquared), on \(p.cells) cell(s); "
                              + "rho \(p.rho) " + (receipt.record.repeatOf == nil ? "spent" : "(spent by the entry repeated, not again)")
                              + "; unit of privacy: \(p.unit)")
                    }
                }
            }
            ReleaseWarnings.afterDecryption(input: input, contributors: totals.contributors,
                                            withheld: totals.withheld.isEmpty ? nil : "\(totals.withheld.count) cell(s) (empty in the output)")
        }
    }
}
