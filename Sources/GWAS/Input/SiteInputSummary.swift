import EncryptedStats
import HEFiles

// What a site's counting pass used, skipped and converted, for the operator to read on stderr.

/// Tallies of one counting pass over a site's VCF/BCF. Nothing here is encrypted or sent: it is for the site.
public struct SiteInputSummary: Sendable, Hashable, CustomStringConvertible {
    /// Samples in the VCF/BCF header.
    public var vcfSamples = 0
    /// VCF samples counted, by phenotype.
    public var cases = 0, controls = 0, unknownPhenotype = 0
    /// VCF samples with no line in the phenotype file: ignored (not counted anywhere).
    public var samplesWithoutPhenotype = 0
    /// Phenotype-file samples that the VCF/BCF does not contain.
    public var phenotypeSamplesNotInVCF = 0
    /// Up to five example names for each of the two previous tallies.
    public var examplesWithoutPhenotype: [String] = [], examplesNotInVCF: [String] = []

    /// Records read from the VCF/BCF.
    public var records = 0
    /// Records counted for a panel variant.
    public var recordsMatched = 0
    /// Records at a CHR:POS with no panel variant (ignored).
    public var recordsNotInPanel = 0
    /// Records at a panel position whose alleles match no panel variant there (ignored).
    public var recordsWithOtherAlleles = 0
    /// Matched records with more than one ALT: calls with an allele outside the panel pair counted missing.
    public var multiAllelicRecordsMatched = 0
    /// Matched records with ALT `.` (monomorphic at the site), oriented by their REF.
    public var monomorphicRecordsMatched = 0
    /// Matched records whose REF is the panel's ALT: counts flipped to the panel's orientation.
    public var swappedRecordsMatched = 0
    /// Panel SNPs no record carries, counted from a SNP record with their REF and other bases (`A>C` at a panel
    /// `A>G`): REF/REF calls hom-ref, the other bases missing.
    public var panelVariantsCountedByReference = 0
    /// Matched records without a GT field: all samples counted missing.
    public var recordsWithoutGenotypes = 0
    /// Panel variants with no record at the site: all samples counted missing.
    public var panelVariantsAbsent = 0
    /// Their IDs, in panel order.
    public var absentVariantIDs: [String] = []
    /// How many absent variants ``lines`` names (all of them with ``lines(verbose:)``).
    public static let absentExamples = 5

    /// Calls of counted samples that were converted (PLINK 1.9 rules).
    /// Half-calls such as `0/.` counted missing (PLINK's `--vcf-half-call missing`).
    public var halfCalls = 0
    /// Haploid calls counted as homozygous.
    public var haploidCalls = 0
    /// Calls of ploidy above 2 counted missing.
    public var polyploidCalls = 0
    /// Calls carrying an allele outside the panel pair (multi-allelic records) counted missing.
    public var callsWithOtherAlleles = 0

    public init() {}

    /// One line per non-zero tally, suitable for stderr; absent variants are named (the first
    /// ``absentExamples``, or all of them when `verbose`).
    public var lines: [String] { lines(verbose: false) }

    public func lines(verbose: Bool) -> [String] {
        var out = ["VCF samples: \(vcfSamples) (counted: \(cases) cases, \(controls) controls, "
                   + "\(unknownPhenotype) with missing phenotype)"]
        func note(_ n: Int, _ text: String, _ examples: [String] = []) {
            guard n > 0 else { return }
            let eg = examples.isEmpty ? "" : " (e.g. \(examples.joined(separator: ", ")))"
            out.append("\(text): \(n)\(eg)")
        }
        note(samplesWithoutPhenotype, "warning: VCF samples without a phenotype line, ignored",
             examplesWithoutPhenotype)
        note(phenotypeSamplesNotInVCF, "warning: phenotype-file samples absent from the VCF", examplesNotInVCF)
        out.append("records: \(records) read, \(recordsMatched) matched to the panel")
        note(recordsNotInPanel, "records at positions outside the panel, ignored")
        note(recordsWithOtherAlleles, "records at panel positions with other alleles, ignored")
        note(multiAllelicRecordsMatched, "multi-allelic records matched (other alleles counted missing)")
        note(monomorphicRecordsMatched, "records with ALT '.' matched by REF")
        note(swappedRecordsMatched, "records with REF and ALT swapped against the panel, counts flipped")
        note(panelVariantsCountedByReference, "panel SNPs counted from a record with their REF and other bases (REF/REF hom-ref, others missing)")
        note(recordsWithoutGenotypes, "matched records without GT (all samples missing)")
        if panelVariantsAbsent > 0 {
            let shown = verbose ? absentVariantIDs : Array(absentVariantIDs.prefix(Self.absentExamples))
            let more = absentVariantIDs.count - shown.count
            out.append("panel variants absent from the VCF (all samples missing): \(panelVariantsAbsent) ("
                       + shown.joined(separator: ", ") + (more > 0 ? ", ... \(more) more" : "") + ")")
        }
        note(halfCalls, "half-calls counted missing")
        note(haploidCalls, "haploid calls counted homozygous")
        note(polyploidCalls, "calls of ploidy > 2 counted missing")
        note(callsWithOtherAlleles, "calls with an allele outside the panel pair counted missing")
        return out
    }

    public var description: String { lines.joined(separator: "\n") }
}
