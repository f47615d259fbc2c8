import ArgumentParser
import EncryptedStats
import Foundation
import GWAS
import HEFiles

struct GwasReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Decrypt pooled genotype counts and write PLINK 1.9 report files (key holder).",
        discussion: """
        Writes PREFIX.assoc (--assoc), PREFIX.model (--model), PREFIX.hwe (--hardy), PREFIX.frq (--freq) in
        PLINK 1.9's layout, and PREFIX.gwas.tsv (--full) with every statistic at full precision. Without any of
        these flags: --assoc --freq --full. All files are written together or not at all, each with mode 0600
        (decrypted data), also when replacing a file of another mode. Warnings (no --manifest, a single site's
        data) are shown even with --quiet. A1 is the pooled minor
        allele (ties keep ALT as A1) unless --keep-allele-order, which makes ALT the A1 allele everywhere.
        --cell and --hardy-midp are plink1.9's --cell and --hardy midp (they apply to the full table too).
        --plots adds PREFIX.manhattan.svg and PREFIX.qq.svg. The contributing sites are listed on standard error;
        the genomic-control lambda and the 10 top hits of the allelic test end the output.

        Example:
          he-cli gwas report --secret-key keys/secret.hekey --in pooled.gwas.he --out pooled
          he-cli gwas report --secret-key keys/secret.hekey --in pooled.gwas.he --out pooled \\
              --assoc --model --hardy --freq --full
          he-cli gwas report --secret-key keys/secret.hekey --in pooled.gwas.he --out pooled \\
              --manifest study.hem --inputs site-files/   (statements verified, sum recomputed first)
          he-cli gwas report --secret-key keys/secret.hekey --in pooled.gwas.he --out pooled \\
              --manifest study.hem --inputs site-files/ --log releases.helog --log-key log-key/signing.key

        Under --manifest the study's release policy applies (docs/GOVERNANCE.md): too few sites are refused before
        anything is decrypted, and a variant whose rarer allele has fewer than gwas-min-mac copies among the cases
        or among the controls is left out of every file. With --log and --log-key the release (or the refusal) is
        logged and fsynced before any file is written, and PREFIX.release.json names the log entry.
        """
    )

    @Option(name: .customLong("secret-key"), help: "The secret key file (mode 0600).", completion: .file())
    var secretKey: String

    @Option(name: .customLong("in"), help: "The encrypted GWAS aggregate.", completion: .file())
    var input: String

    @Option(help: "Output prefix: PREFIX.assoc, PREFIX.frq, ...")
    var out: String

    @Flag(help: "Allelic association test (PREFIX.assoc, like plink1.9 --assoc).")
    var assoc = false
    @Flag(help: "GENO, TREND, ALLELIC, DOM, REC tests (PREFIX.model, like plink1.9 --model).")
    var model = false
    @Flag(help: "Exact Hardy-Weinberg test, ALL/AFF/UNAFF rows (PREFIX.hwe, like plink1.9 --hardy).")
    var hardy = false
    @Flag(help: "Minor allele frequencies (PREFIX.frq, like plink1.9 --freq).")
    var freq = false
    @Flag(help: "Every statistic at full precision, tab-separated (PREFIX.gwas.tsv).")
    var full = false
    @Flag(help: "Manhattan and QQ plots of the allelic test as SVG (PREFIX.manhattan.svg, PREFIX.qq.svg).")
    var plots = false
    @Flag(name: .customLong("keep-allele-order"), help: "A1 = the panel's ALT allele (plink1.9 --keep-allele-order).")
    var keepAlleleOrder = false
    @Option(help: "GENO, DOM and REC tests of --model need every genotype cell at least this large (plink1.9 --cell).")
    var cell: UInt64 = 5
    @Flag(name: .customLong("hardy-midp"), help: "Mid-p Hardy-Weinberg p-values (plink1.9 --hardy midp); implies --hardy.")
    var hardyMidP = false

    @OptionGroup var verify: VerificationOptions

    @OptionGroup var release: ReleaseLogOptions

    @OptionGroup var common: CommonOptions

    var files: Set<PlinkReportFile> {
        var s = Set<PlinkReportFile>()
        if assoc { s.insert(.assoc) }
        if model { s.insert(.model) }
        if hardy || hardyMidP { s.insert(.hwe) }
        if freq { s.insert(.frq) }
        if full { s.insert(.full) }
        return s.isEmpty ? [.assoc, .frq, .full] : s
    }

    func validate() throws {
        if out.isEmpty { throw ValidationError("--out needs a non-empty prefix") }
    }

    func run() throws {
        try reportingErrors {
            let plotFiles = plots ? [out + ".manhattan.svg", out + ".qq.svg"] : []
            try refuseOutputsReplacingInputs(outputs: files.map { out + $0.fileExtension } + plotFiles + [out + ".release.json"],
                                             inputs: [input, secretKey] + verify.study.paths + verify.inputs + release.paths)
            let progress = Progress("decrypting", quiet: common.quiet)
            ReleaseWarnings.beforeDecryption(verify, release)
            let options = GwasOptions(keepAlleleOrder: keepAlleleOrder, cellThreshold: cell, hardyMidP: hardyMidP)
            let report = try GwasFiles.report(input, secretKeyPath: secretKey, prefix: out, files: files,
                                              options: options, plots: plots, verification: verify.verification,
                                              logging: try release.logging(), progress: progress.handler)
            progress.finish()
            Console.note("contributing sites (\(report.contributors.count)): "
                         + report.contributors.joined(separator: " "), quiet: common.quiet)
            ReleaseWarnings.afterDecryption(
                input: input, contributors: report.contributors,
                withheld: report.withheldVariants == 0 ? nil
                    : "\(report.withheldVariants) variant(s) with a rare allele in cases or controls (gwas-min-mac); they are in no output file")
            if let receipt = report.receipt, !common.quiet {
                Console.note("logged as entry \(receipt.entry) of \(receipt.logPath) (tree size \(receipt.signedHead.head.size))"
                             + (receipt.record.repeatOf.map { ", a repeat of entry \($0)" } ?? "") + "; receipt \(out).release.json",
                             quiet: false)
            }
            if !common.quiet {
                Console.note("timing: decrypt \(seconds(report.decryption)) s, statistics \(seconds(report.statistics)) s",
                             quiet: false)
                print("\(report.variants) variants, \(report.declaredSamples) samples declared by the sites; wrote "
                      + report.written.joined(separator: " "))
                print("genomic-control lambda (allelic test, median chi-square / 0.4549 over \(report.testedVariants) variants): "
                      + (report.lambda.map { String(format: "%.4f", $0) } ?? "NA"))
                if !report.topHits.isEmpty {
                    print("top hits (smallest allelic p):")
                    print(["CHR", "SNP", "BP", "A1", "A2", "P", "OR"].joined(separator: "\t"))
                    for r in report.topHits {
                        print([String(r.chromosomeCode), terminalSafe(r.variant.id), String(r.variant.pos), terminalSafe(r.a1),
                               terminalSafe(r.a2), number(r.assoc.p), number(r.assoc.oddsRatio)].joined(separator: "\t"))
                    }
                }
            }
        }
    }
}

/// Seconds of a duration with millisecond resolution, for timing notes.
func seconds(_ d: Duration) -> String {
    let c = d.components
    return String(format: "%.3f", Double(c.seconds) + Double(c.attoseconds) * 1e-18)
}
