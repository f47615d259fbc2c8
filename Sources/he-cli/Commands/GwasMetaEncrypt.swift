import ArgumentParser
import EncryptedStats
import Foundation
import GWAS
import HEFiles

struct GwasMetaEncrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meta-encrypt",
        abstract: "Encrypt one site's own regression results for a fixed-effect meta-analysis (site).",
        discussion: """
        The site runs its own (adjusted) regression with PLINK and encrypts, per panel variant, 1, w, w x beta and
        w x beta^2 with w = 1/SE^2 and beta the effect of the panel's ALT allele (an estimate for REF is negated),
        in fixed point with 6 decimal places; the key holder reports the pooled estimate with
        gwas report --meta (docs/STATISTICS.md, "Fixed-effect meta-analysis"). Variants without an estimate (NA, or absent from
        the file) are sent as absent. Needs a Paillier key.

        Input (--results): PLINK 1.9 --logistic or --linear output with an SE column (--ci 0.95), e.g.
        site.assoc.logistic, or PLINK 2 --glm output; columns are found by name: SNP or ID, A1, optionally A2,
        OR or BETA, SE or LOG(OR)_SE, optionally TEST (only ADD rows are read, so --covar output can be given as
        it is). Variants are matched to the panel by ID.

        Example:
          plink1.9 --bfile st-marys --logistic --ci 0.95 --covar st-marys.pcs --out st-marys
          he-cli gwas meta-encrypt --results st-marys.assoc.logistic --panel panel.tsv --site st-marys \\
              --public-key keys/public.hekey --out st-marys.meta.he
        """
    )

    @Option(help: "The site's PLINK association results (--logistic/--linear with --ci, or --glm).", completion: .file())
    var results: String

    @Option(help: "The shared variant panel (CHR POS ID REF ALT).", completion: .file())
    var panel: String

    @Option(help: "This site's ID (letters, digits and - _ . : @ +); it is listed in every aggregate.")
    var site: String

    @Option(name: .customLong("public-key"), help: "The key holder's public key file.", completion: .file())
    var publicKey: String

    @Option(help: "Output file for the encrypted sums.", completion: .file())
    var out: String

    @OptionGroup var signing: SigningOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let problem = SiteID.problem(site) { throw ValidationError("invalid --site '\(site)': \(problem)") }
    }

    func run() throws {
        try reportingErrors {
            try refuseOutputsReplacingInputs(outputs: [out], inputs: [results, panel, publicKey] + signing.paths)
            var progress: Progress?
            let result = try GwasFiles.encryptMetaAnalysis(
                results: results, panel: panel, site: site, publicKeyPath: publicKey, to: out, signing: signing.signing,
                read: { summary in
                    for line in summary.text { Console.note("\(site): \(line)", quiet: common.quiet) }
                    progress = Progress("encrypting", quiet: common.quiet)
                },
                progress: { progress?.update($0, $1) })
            progress?.finish()
            if !common.quiet {
                print("encrypted meta-analysis sums (\(result.summary.oddsRatios ? "logistic, ln OR" : "linear, BETA")) of "
                      + "\(result.variants) variants, \(result.summary.matched) with an estimate, for site '\(site)' into \(out)")
            }
        }
    }
}
