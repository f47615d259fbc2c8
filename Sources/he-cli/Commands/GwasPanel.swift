import ArgumentParser
import Foundation
import GWAS
import HEFiles

struct GwasPanel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "panel",
        abstract: "Build the shared variant panel (CHR POS ID REF ALT) from one or more VCF/BCF files (key holder).",
        discussion: """
        Keeps biallelic SNPs (one ALT; REF and ALT single bases A, C, G, T) on the chromosomes the report analyses
        (1-22, X, XY), optionally in --region and with at least --min-call-rate and --min-maf. With several files
        a variant (same chromosome, position and allele pair, in either order) is listed once, oriented as in the
        first file that has it; call rate and allele frequency are over all samples of all files, a file without
        the variant counting its samples as missing, as the pooled report does. Variants are sorted by chromosome
        and position. A variant whose VCF ID is '.' (or repeats another variant's) is named CHR:POS:REF:ALT, as
        bcftools query -f '%CHROM:%POS:%REF:%ALT' names it. Strand-ambiguous SNPs (A/T, C/G) are flagged in the
        summary (the first 5, all with --verbose) and left out with --exclude-ambiguous.

        Example:
          he-cli gwas panel --vcf reference.vcf.gz --out panel.tsv
          he-cli gwas panel --vcf st-marys.vcf.gz --vcf city-general.bcf --min-call-rate 0.95 --min-maf 0.01 \\
              --region 22:16000000-17000000 --out panel.tsv
        """
    )

    @Option(help: "A VCF or BCF file (plain or bgzip; - for standard input); repeat for several.", completion: .file())
    var vcf: [String] = []

    @Option(help: "Output file for the panel (- for standard output).", completion: .file())
    var out: String

    @Option(name: .customLong("min-call-rate"), help: "Keep variants called in at least this fraction of all samples (0 to 1).")
    var minCallRate: Double?

    @Option(name: .customLong("min-maf"), help: "Keep variants with a minor allele frequency of at least this (0 to 0.5).")
    var minMAF: Double?

    @Option(help: "Keep variants in CHR, CHR:START-END or CHR:START- (1-based, inclusive).")
    var region: String?

    @Flag(name: .customLong("exclude-ambiguous"), help: "Leave strand-ambiguous (A/T, C/G) SNPs out of the panel.")
    var excludeAmbiguous = false

    @Flag(help: "List every strand-ambiguous SNP in the summary.")
    var verbose = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if vcf.isEmpty { throw ValidationError("give at least one --vcf") }
        if let minCallRate, !(0 ... 1).contains(minCallRate) {
            throw ValidationError("--min-call-rate must be between 0 and 1, found \(minCallRate)")
        }
        if let minMAF, !(0 ... 0.5).contains(minMAF) {
            throw ValidationError("--min-maf must be between 0 and 0.5, found \(minMAF)")
        }
        if let region, GenomicRegion(parsing: region) == nil {
            throw ValidationError("--region '\(region)': expected CHR, CHR:START-END or CHR:START- with 1 <= START <= END")
        }
    }

    func run() throws {
        try reportingErrors {
            let toStandardOutput = out == "-"
            if !toStandardOutput { try refuseOutputsReplacingInputs(outputs: [out], inputs: vcf) }
            let filters = PanelFilters(minimumCallRate: minCallRate, minimumMinorAlleleFrequency: minMAF,
                                       region: region.flatMap(GenomicRegion.init(parsing:)), excludeAmbiguous: excludeAmbiguous)
            let panel = try PanelBuilder.build(vcfPaths: vcf, filters: filters)
            var how = ["built by he-cli gwas panel from \(vcf.count) file(s)"]
            if let region { how.append("region \(region)") }
            if let minCallRate { how.append("min call rate \(minCallRate)") }
            if let minMAF { how.append("min MAF \(minMAF)") }
            if excludeAmbiguous { how.append("strand-ambiguous SNPs excluded") }
            guard !panel.variants.isEmpty else {
                Console.error("no variant of \(vcf.joined(separator: ", ")) passed the filters (biallelic SNPs on 1-22, X "
                              + "or XY\(filters.needsAny ? ", and the filters given" : "")); no panel was written")
                throw ExitCode(ExitCodes.input)
            }
            try PanelBuilder.write(panel, comment: how.joined(separator: ", "), to: out)

            var lines = ["panel of \(panel.variants.count) variant(s) from \(panel.files) file(s) (\(panel.samples) samples, "
                         + "\(panel.records) records) written to \(toStandardOutput ? "standard output" : out)"]
            for (reason, count) in panel.skippedRecords where count > 0 { lines.append("  records left out, \(reason): \(count)") }
            for (reason, count) in panel.filteredVariants where count > 0 { lines.append("  variants left out, \(reason): \(count)") }
            if panel.namedByPosition > 0 { lines.append("  named CHR:POS:REF:ALT (no usable VCF ID): \(panel.namedByPosition)") }
            if !panel.ambiguous.isEmpty {
                let shown = verbose ? panel.ambiguous : Array(panel.ambiguous.prefix(5))
                let more = panel.ambiguous.count - shown.count
                lines.append("  strand-ambiguous (A/T or C/G) SNPs kept: \(panel.ambiguous.count): "
                             + shown.joined(separator: ", ") + (more > 0 ? ", ... (\(more) more; all with --verbose)" : ""))
            }
            // Standard output holds the panel when it is written there: the summary then goes to standard error.
            for line in lines {
                if toStandardOutput { Console.note(line, quiet: common.quiet) } else if !common.quiet { print(terminalSafe(line)) }
            }
        }
    }
}
