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

        --mh reads an aggregate of site-stratified terms (from gwas encrypt --mh) instead and writes PREFIX.cmh,
        the Cochran-Mantel-Haenszel test with the sites as strata, the Mantel-Haenszel odds ratio and its 95%
        confidence interval, in the layout of plink1.9 --mh --within (sites as clusters); only
        --keep-allele-order combines with it.

        --meta reads an aggregate of meta-analysis sums (from gwas meta-encrypt) and writes PREFIX.meta, the
        fixed-effect inverse-variance meta-analysis in the layout of plink1.9 --meta-analysis (OR for logistic
        results, BETA for linear ones; the random-effects columns P(R) and OR(R) are NA). No other report flag
        combines with it.

        Example:
          he-cli gwas report --secret-key keys/secret.hekey --in pooled.gwas.he --out pooled
          he-cli gwas report --secret-key keys/secret.hekey --in pooled.gwas.he --out pooled \\
              --assoc --model --hardy --freq --full
          he-cli gwas report --secret-key keys/secret.hekey --in pooled.mh.he --out pooled --mh
          he-cli gwas report --secret-key keys/secret.hekey --in pooled.meta.he --out pooled --meta
          he-cli gwas report --secret-key keys/secret.hekey --in pooled.gwas.he --out pooled \\
              --manifest study.hem --inputs site-files/   (statements verified, sum recomputed first)
          he-cli gwas report --secret-key keys/secret.hekey --in pooled.gwas.he --out pooled \\
              --manifest study.hem --inputs site-files/ --log releases.helog --log-key log-key/signing.key

        Under --manifest the study's release policy applies (docs/GOVERNANCE.md): too few sites are refused before
        anything is decrypted, and a variant whose rarer allele has fewer than gwas-min-mac copies among the cases
        or among the controls is left out of every file. With --log and --log-key the release (or the refusal) is
        logged and fsynced before any file is written, and PREFIX.release.json names the log entry.

        --extract FILE reports only the variants the file lists (one ID per line, first field; plink1.9 --extract);
        an ID that is not in the aggregate's panel is an error. With --dp RHO (docs/PRIVACY.md), the 12 genotype
        cells of every reported variant get exact discrete Gaussian noise for that zCDP rho (one person is in one
        cell per variant: L2 sensitivity squared = the number of reported variants), and every statistic is
        computed from the noisy counts; needs --manifest, --log and --log-key, and the study's dp-budget.
          he-cli gwas report --secret-key keys/secret.hekey --in pooled.gwas.he --out pooled \\
              --manifest study.hem --log releases.helog --log-key log-key/signing.key --extract candidates.txt --dp 0.5
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
    @Flag(help: "Site-stratified allelic test of an aggregate from gwas encrypt --mh (PREFIX.cmh, like plink1.9 --mh).")
    var mh = false
    @Flag(help: "Fixed-effect meta-analysis of an aggregate from gwas meta-encrypt (PREFIX.meta, like plink1.9 --meta-analysis).")
    var meta = false
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

    @Option(help: "Report only the variants this file lists (one ID per line, plink1.9 --extract).", completion: .file())
    var extract: String?

    @OptionGroup var privacy: PrivacyOptions

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
        try privacy.validate(logging: release, verify: verify)
        if mh && meta { throw ValidationError("--mh and --meta read different aggregates: give one of them") }
        if mh || meta {
            let flag = mh ? "--mh" : "--meta"
            let others = [("--assoc", assoc), ("--model", model), ("--hardy", hardy), ("--freq", freq), ("--full", full),
                          ("--hardy-midp", hardyMidP), ("--keep-allele-order", meta && keepAlleleOrder), ("--plots", plots)].filter(\.1).map(\.0)
            if !others.isEmpty {
                throw ValidationError("\(flag) writes only PREFIX.\(mh ? "cmh from site-stratified terms" : "meta from meta-analysis sums"); "
                                      + "\(others.joined(separator: ", ")) need(s) a report of the genotype-count aggregate "
                                      + "(run gwas report again without \(flag))")
            }
            if cell != 5 { throw ValidationError("--cell applies to --model, not to \(flag)") }
            if privacy.dp != nil || extract != nil {
                throw ValidationError("--dp and --extract apply to the report of the genotype-count aggregate, not to \(flag)")
            }
        }
    }

    /// The files this report writes.
    var outputs: [String] {
        mh ? [out + ".cmh"] : meta ? [out + ".meta"]
            : files.map { out + $0.fileExtension } + (plots ? [out + ".manhattan.svg", out + ".qq.svg"] : [])
    }

    func run() throws {
        try reportingErrors {
            try refuseOutputsReplacingInputs(outputs: outputs + [out + ".release.json"],
                                             inputs: [input, secretKey] + verify.study.paths + verify.inputs + release.paths
                                                 + (extract.map { [$0] } ?? []))
            let progress = Progress("decrypting", quiet: common.quiet)
            ReleaseWarnings.beforeDecryption(verify, release)
            let options = GwasOptions(keepAlleleOrder: keepAlleleOrder, cellThreshold: cell, hardyMidP: hardyMidP)
            let report = meta
                ? try GwasFiles.reportMetaAnalysis(input, secretKeyPath: secretKey, prefix: out,
                                                   verification: verify.verification, logging: try release.logging(),
                                                   progress: progress.handler)
                : mh
                ? try GwasFiles.reportMantelHaenszel(input, secretKeyPath: secretKey, prefix: out,
                                                     keepAlleleOrder: keepAlleleOrder, verification: verify.verification,
                                                     logging: try release.logging(), progress: progress.handler)
                : try GwasFiles.report(input, secretKeyPath: secretKey, prefix: out, files: files,
                                       options: options, plots: plots, verification: verify.verification,
                                       logging: try release.logging(), extractPath: extract,
                                       privateRho: privacy.dp?.rho, progress: progress.handler)
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
                if let p = receipt.record.privacy {
                    Console.note("differentially private: discrete Gaussian noise, sigma^2 \(p.sigmaSquared), on \(p.cells) genotype cell(s); "
                                 + "rho \(p.rho) " + (receipt.record.repeatOf == nil ? "spent" : "(spent by the entry repeated, not again)")
                                 + "; unit of privacy: \(p.unit)", quiet: false)
                }
            }
            if !common.quiet {
                Console.note("timing: decrypt \(seconds(report.decryption)) s, statistics \(seconds(report.statistics)) s",
                             quiet: false)
                print((meta ? "\(report.variants) variants with estimates from at least two studies; wrote "
                       : "\(report.variants) variants, \(report.declaredSamples) samples declared by the sites; wrote ")
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
