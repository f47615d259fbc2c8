import ArgumentParser
import EncryptedStats
import Foundation
import GWAS
import HEFiles

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

        With --mh the site encrypts, instead of the counts, the terms of the site-stratified allelic test
        (Cochran-Mantel-Haenszel with the sites as strata, docs/STATISTICS.md) computed from its own allelic
        tables, in fixed point with 9 decimal places; the key holder reports their sums with gwas report --mh.
        The declared bound of every slot is then 2 x 10^9 x the number of counted samples, which needs a Paillier
        key (BFV slots hold 5.4 x 10^8).

        Inputs:
          --vcf     VCF or BCF, plain or bgzip-compressed (GT is read; other fields are ignored)
          --pheno   'FID IID PHENO' (PLINK --pheno style, IID is matched) or a two-column 'sample phenotype' TSV
          --panel   the shared panel from the key holder: CHR POS ID REF ALT, one variant per line

        Example:
          he-cli gwas encrypt --vcf st-marys.vcf.gz --pheno st-marys.pheno --panel panel.tsv \\
              --site st-marys --public-key keys/public.hekey --out st-marys.gwas.he
          he-cli gwas encrypt ... --manifest study.hem --signing-key st-marys/signing.key   (signed for the study)
          he-cli gwas encrypt ... --mh --out st-marys.mh.he   (site-stratified test terms)
        """
    )

    @Option(help: "The site's genotypes (VCF/BCF, plain or bgzip; - for VCF text on standard input).",
            completion: .file())
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

    @Flag(help: "Encrypt the site's Cochran-Mantel-Haenszel terms (for gwas report --mh) instead of the counts.")
    var mh = false
    @Flag(help: "Name every panel variant absent from the VCF in the summary (otherwise the first 5 and a count).")
    var verbose = false

    @OptionGroup var signing: SigningOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let problem = SiteID.problem(site) { throw ValidationError("invalid --site '\(site)': \(problem)") }
    }

    func run() throws {
        try reportingErrors {
            try refuseOutputsReplacingInputs(outputs: [out], inputs: [vcf, pheno, panel, publicKey] + signing.paths)
            // The progress bar starts with the encryption, after the summary of what was read.
            var progress: Progress?
            let (result, counting, encryption) = try GwasFiles.encryptSite(
                vcf: vcf, phenotypes: pheno, panel: panel, site: site, publicKeyPath: publicKey, to: out,
                signing: signing.signing, mantelHaenszel: mh,
                counted: { summary in
                    // Warnings (samples without a phenotype line, phenotype lines without a sample) show even with --quiet.
                    for line in summary.lines(verbose: verbose) {
                        if line.hasPrefix("warning: ") {
                            Console.warning("\(site): \(line.dropFirst("warning: ".count))")
                        } else {
                            Console.note("\(site): \(line)", quiet: common.quiet)
                        }
                    }
                    progress = Progress("encrypting", quiet: common.quiet)
                },
                progress: { progress?.update($0, $1) })
            progress?.finish()
            if !common.quiet {
                let sizes = EncryptedFileSizes(header: result.header, fileBytes: try fileSize(out))
                Console.note("timing: parse \(seconds(counting)) s, encrypt \(seconds(encryption)) s", quiet: false)
                print("encrypted \(mh ? "Mantel-Haenszel terms" : "genotype counts") of \(result.variants) variants x "
                      + "\(result.countedSamples) samples for site '\(site)' into \(out)")
                print("  \(result.header.scheme), \(sizes.ciphertextCount) ciphertext(s), \(byteCount(sizes.fileBytes)), "
                      + "bound \(result.header.valueBound) per slot\(mh ? " (x 10^-9)" : ""), key \(result.header.publicKeyFingerprint.hex.prefix(16))...")
            }
        }
    }
}
