import ArgumentParser
import EncryptedStats
import Foundation

struct GwasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gwas",
        abstract: "Encrypted case/control GWAS: sites encrypt genotype counts, the key holder reports PLINK 1.9 files.",
        discussion: """
        Flow (docs/CLI.md):
          key holder   he-cli keygen --scheme paillier --out keys
          each site    he-cli gwas encrypt --vcf site.vcf.gz --pheno site.pheno --panel panel.tsv \\
                           --site st-marys --public-key keys/public.hekey --out st-marys.gwas.he
          aggregator   he-cli aggregate --out pooled.gwas.he st-marys.gwas.he city-general.gwas.he
          key holder   he-cli gwas report --secret-key keys/secret.hekey --in pooled.gwas.he --out pooled
        The report (pooled.assoc, pooled.frq, pooled.gwas.tsv) matches plink1.9 --assoc/--freq run on the
        pooled VCF with --allow-no-sex.
        """,
        subcommands: [GwasEncrypt.self, GwasReport.self]
    )
}

struct GwasEncrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt",
        abstract: "Count one site's genotypes against the shared panel and encrypt the counts (site).",
        discussion: """
        Per panel variant the site counts hom-REF, het, hom-ALT and missing calls, oriented to the panel's REF/ALT,
        separately for cases (phenotype 2), controls (1) and samples with a missing phenotype (0, -9, NA):
        12 integers per variant. Samples without a phenotype line are not counted. A summary of what was read
        (skipped records, samples without phenotype, flipped or absent variants) goes to standard error. The
        declared bound of every slot is the number of counted samples.

        Inputs:
          --vcf     VCF or BCF, plain or bgzip-compressed (GT is read; other fields are ignored)
          --pheno   'FID IID PHENO' (PLINK --pheno style, IID is matched) or a two-column 'sample phenotype' TSV
          --panel   the shared panel from the key holder: CHR POS ID REF ALT, one variant per line

        Example:
          he-cli gwas encrypt --vcf st-marys.vcf.gz --pheno st-marys.pheno --panel panel.tsv \\
              --site st-marys --public-key keys/public.hekey --out st-marys.gwas.he
        """
    )

    @Option(help: "The site's genotypes (VCF/BCF, plain or bgzip).", completion: .file())
    var vcf: String

    @Option(help: "Phenotypes: FID IID PHENO, or sample<TAB>phenotype (1 control, 2 case, 0/-9/NA missing).",
            completion: .file())
    var pheno: String

    @Option(help: "The shared variant panel (CHR POS ID REF ALT).", completion: .file())
    var panel: String

    @Option(help: "This site's ID (letters, digits and - _ . : @ +); it is listed in every aggregate.")
    var site: String

    @Option(name: .customLong("public-key"), help: "The key holder's public key file.", completion: .file())
    var publicKey: String

    @Option(help: "Output file for the encrypted counts.", completion: .file())
    var out: String

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let problem = SiteID.problem(site) { throw ValidationError("invalid --site '\(site)': \(problem)") }
    }

    func run() throws {
        try reportingErrors {
            try refuseOutputsReplacingInputs(outputs: [out], inputs: [vcf, pheno, panel, publicKey])
            let keys = try KeyFiles.readPublic(publicKey)
            let clock = ContinuousClock()
            let start = clock.now
            let counted = try GwasFiles.count(vcf: vcf, phenotypes: pheno, panel: panel)
            let parsed = clock.now
            // Warnings (samples without a phenotype line, phenotype lines without a sample) show even with --quiet.
            for line in counted.summary.lines {
                if line.hasPrefix("warning: ") {
                    Console.warning("\(site): \(line.dropFirst("warning: ".count))")
                } else {
                    Console.note("\(site): \(line)", quiet: common.quiet)
                }
            }
            let progress = Progress("encrypting", quiet: common.quiet)
            let result = try GwasFiles.encrypt(counted, siteID: site, keys: keys, to: out, progress: progress.handler)
            progress.finish()
            let encrypted = clock.now
            if !common.quiet {
                let sizes = EncryptedFileSizes(header: result.header, fileBytes: try fileSize(out))
                Console.note("timing: parse \(seconds(parsed - start)) s, encrypt \(seconds(encrypted - parsed)) s",
                             quiet: false)
                print("encrypted genotype counts of \(result.variants) variants x \(result.countedSamples) samples "
                      + "for site '\(site)' into \(out)")
                print("  \(keys.scheme), \(sizes.ciphertextCount) ciphertext(s), \(byteCount(sizes.fileBytes)), "
                      + "bound \(result.countedSamples) per slot, key \(keys.publicKeyFingerprint.hex.prefix(16))...")
            }
        }
    }
}

struct GwasReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Decrypt pooled genotype counts and write PLINK 1.9 report files (key holder).",
        discussion: """
        Writes PREFIX.assoc (--assoc), PREFIX.model (--model), PREFIX.hwe (--hardy), PREFIX.frq (--freq) in
        PLINK 1.9's layout, and PREFIX.gwas.tsv (--full) with every statistic at full precision. Without any of
        these flags: --assoc --freq --full. All files are written together or not at all. A1 is the pooled minor
        allele (ties keep ALT as A1) unless --keep-allele-order, which makes ALT the A1 allele everywhere.
        --cell and --hardy-midp are plink1.9's --cell and --hardy midp (they apply to the full table too).
        The contributing sites are listed on standard error.

        Example:
          he-cli gwas report --secret-key keys/secret.hekey --in pooled.gwas.he --out pooled
          he-cli gwas report --secret-key keys/secret.hekey --in pooled.gwas.he --out pooled \\
              --assoc --model --hardy --freq --full
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
    @Flag(name: .customLong("keep-allele-order"), help: "A1 = the panel's ALT allele (plink1.9 --keep-allele-order).")
    var keepAlleleOrder = false
    @Option(help: "GENO, DOM and REC tests of --model need every genotype cell at least this large (plink1.9 --cell).")
    var cell: UInt64 = 5
    @Flag(name: .customLong("hardy-midp"), help: "Mid-p Hardy-Weinberg p-values (plink1.9 --hardy midp); implies --hardy.")
    var hardyMidP = false

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
            try refuseOutputsReplacingInputs(outputs: files.map { out + $0.fileExtension }, inputs: [input, secretKey])
            let keys = try KeyFiles.readSecret(secretKey)
            let clock = ContinuousClock()
            let start = clock.now
            let progress = Progress("decrypting", quiet: common.quiet)
            let pooled = try GwasFiles.decrypt(input, keys: keys, keyPath: secretKey, progress: progress.handler)
            progress.finish()
            let decrypted = clock.now
            let reports = try Gwas.analyse(panel: pooled.panel, counts: pooled.counts,
                                           options: GwasOptions(keepAlleleOrder: keepAlleleOrder, cellThreshold: cell,
                                                                hardyMidP: hardyMidP))
            let written = try PlinkWriter.write(reports: reports, prefix: out, files: files)
            let done = clock.now
            Console.note("contributing sites (\(pooled.contributors.count)): "
                         + pooled.contributors.joined(separator: " "), quiet: common.quiet)
            if pooled.contributors.count == 1 {
                Console.warning("\(input) holds a single site's data, not a sum over several sites")
            }
            if !common.quiet {
                Console.note("timing: decrypt \(seconds(decrypted - start)) s, statistics \(seconds(done - decrypted)) s",
                             quiet: false)
                print("\(reports.count) variants, \(pooled.declaredSamples) samples declared by the sites; wrote "
                      + written.joined(separator: " "))
            }
        }
    }
}

/// Seconds of a duration with millisecond resolution, for timing notes.
func seconds(_ d: Duration) -> String {
    let c = d.components
    return String(format: "%.3f", Double(c.seconds) + Double(c.attoseconds) * 1e-18)
}
