import ArgumentParser
import EncryptedStats
import GWAS
import HEFiles

struct Aggregate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sum encrypted site files and earlier aggregates (aggregator; needs no secret key).",
        discussion: """
        Inputs are checked from their headers before any work: same scheme, key, parameters and table schema (the first differing label is named), no site counted twice, and a combined value bound that fits the slots. Files are then streamed one at a time, so memory does not grow with the number of inputs. Aggregates can be summed again (tree aggregation gives the same totals as a flat one).

        Example:
          he-cli aggregate --out total.he st-marys.he city-general.he royal-infirmary.he
          he-cli aggregate --out north.he a.he b.he
          he-cli aggregate --out total.he north.he south.he

        Signed study: every input's statements are verified against the manifest (site on the roster, its signature, this study and manifest version, no site twice, each site file's content as signed); inputs are summed in the canonical order (by site ID) and the aggregate carries every statement. Without --manifest, statements are carried but not verified.
          he-cli aggregate --manifest study.hem --out total.he st-marys.he city-general.he
        """
    )

    @Option(help: "Output file for the encrypted sum.", completion: .file())
    var out: String

    @Option(name: .customLong("public-key"),
            help: "Optional: refuse any input not encrypted under this public key.", completion: .file())
    var publicKey: String?

    @Argument(help: "Encrypted site files or aggregates to sum.", completion: .file())
    var inputs: [String]

    @OptionGroup var study: ManifestOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one input file") }
    }

    func run() throws {
        try reportingErrors {
            try refuseOutputsReplacingInputs(outputs: [out], inputs: inputs + (publicKey.map { [$0] } ?? []) + study.paths)
            let progress = Progress("aggregating", quiet: common.quiet)
            let header = try EncryptedTableFiles.aggregate(inputs: inputs, to: out, publicKeyPath: publicKey,
                                                           manifest: study.source, progress: progress.handler)
            progress.finish()
            if !common.quiet {
                print("summed \(inputs.count) file(s) from \(header.contributors.count) site(s) into \(out)")
                print("  sites: \(header.contributors.joined(separator: ", "))")
                if study.manifest != nil { print("  \(header.statements.count) signed statement(s) verified and carried") }
            }
        }
    }
}
