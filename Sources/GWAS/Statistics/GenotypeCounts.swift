import EncryptedStats
import HEFiles

// Per-variant genotype counts: the unit that sites encrypt and the key holder analyses.
//
// Every site orients its counts to the shared variant panel's REF/ALT, so the encrypted vectors of all sites
// line up slot by slot and can be summed without anyone learning which site contributed what.

/// One variant of the shared panel, which fixes the order of the encrypted vector at every site.
public struct PanelVariant: Sendable, Hashable {
    /// Chromosome as written in the panel (for example `1` or `chr1`).
    public var chrom: String
    /// 1-based position.
    public var pos: Int
    /// Variant identifier (the SNP column of PLINK's output).
    public var id: String
    /// Reference allele as fixed by the panel.
    public var ref: String
    /// Alternate allele as fixed by the panel.
    public var alt: String

    public init(chrom: String, pos: Int, id: String, ref: String, alt: String) {
        self.chrom = chrom
        self.pos = pos
        self.id = id
        self.ref = ref
        self.alt = alt
    }
}

/// Genotype classes of one group of samples at one variant, oriented to the panel's REF/ALT.
public struct GenotypeCounts: Sendable, Hashable {
    public var homRef: UInt64
    public var het: UInt64
    public var homAlt: UInt64
    /// Samples whose call is missing (`./.`, `.`, or a call that cannot be oriented to the panel).
    public var missing: UInt64

    public init(homRef: UInt64 = 0, het: UInt64 = 0, homAlt: UInt64 = 0, missing: UInt64 = 0) {
        self.homRef = homRef
        self.het = het
        self.homAlt = homAlt
        self.missing = missing
    }

    /// Number of samples with a called genotype.
    public var called: UInt64 { homRef + het + homAlt }
    /// Number of REF alleles among called genotypes.
    public var refAlleles: UInt64 { 2 * homRef + het }
    /// Number of ALT alleles among called genotypes.
    public var altAlleles: UInt64 { 2 * homAlt + het }

    public static func + (lhs: GenotypeCounts, rhs: GenotypeCounts) -> GenotypeCounts {
        GenotypeCounts(homRef: lhs.homRef + rhs.homRef, het: lhs.het + rhs.het,
                       homAlt: lhs.homAlt + rhs.homAlt, missing: lhs.missing + rhs.missing)
    }
}

/// Counts of one panel variant split by phenotype: cases (PLINK phenotype 2), controls (1) and samples whose
/// phenotype is missing (0, -9 or NA), which PLINK still counts in allele frequencies and Hardy-Weinberg `ALL` rows.
public struct VariantCounts: Sendable, Hashable {
    public var cases: GenotypeCounts
    public var controls: GenotypeCounts
    public var unknownPhenotype: GenotypeCounts

    public init(cases: GenotypeCounts = .init(), controls: GenotypeCounts = .init(),
                unknownPhenotype: GenotypeCounts = .init()) {
        self.cases = cases
        self.controls = controls
        self.unknownPhenotype = unknownPhenotype
    }

    /// All samples together.
    public var all: GenotypeCounts { cases + controls + unknownPhenotype }

    /// Number of integers one variant occupies in the encrypted vector.
    public static let slotsPerVariant = 12

    /// The fixed wire order: `[cases, controls, unknownPhenotype]` x `[homRef, het, homAlt, missing]`.
    public var slots: [UInt64] {
        [cases, controls, unknownPhenotype].flatMap { [$0.homRef, $0.het, $0.homAlt, $0.missing] }
    }

    /// Rebuilds counts from `slotsPerVariant` integers in wire order.
    public init<C: Collection<UInt64>>(slots: C) where C.Index == Int {
        precondition(slots.count == Self.slotsPerVariant, "a variant occupies \(Self.slotsPerVariant) slots")
        let s = Array(slots)
        func group(_ g: Int) -> GenotypeCounts {
            GenotypeCounts(homRef: s[4 * g], het: s[4 * g + 1], homAlt: s[4 * g + 2], missing: s[4 * g + 3])
        }
        self.init(cases: group(0), controls: group(1), unknownPhenotype: group(2))
    }
}
