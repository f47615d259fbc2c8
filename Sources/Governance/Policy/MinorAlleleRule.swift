// The GWAS rule of the release policy (docs/GOVERNANCE.md, "gwas-min-mac"): a variant whose rarer allele is seen
// fewer than `gwas-min-mac` times in the cases or in the controls has its per-group counts and frequencies, and
// every statistic computed from them, withheld.

/// The allele counts of one phenotype group at one variant.
public struct GroupAlleleCounts: Sendable, Hashable {
    /// Copies of the reference allele.
    public var reference: Int64
    /// Copies of the alternate allele.
    public var alternate: Int64

    public init(reference: Int64, alternate: Int64) {
        self.reference = reference
        self.alternate = alternate
    }

    /// The allele counts of called diploid genotypes: 2 per hom-REF, 1 each per het, 2 per hom-ALT (missing calls
    /// carry no allele). Saturates rather than overflows.
    public init(homRef: Int64, het: Int64, homAlt: Int64) {
        func twice(_ x: Int64) -> Int64 { x > Int64.max / 2 ? .max : 2 * x }
        func sum(_ a: Int64, _ b: Int64) -> Int64 { a > Int64.max - b ? .max : a + b }
        self.init(reference: sum(twice(max(0, homRef)), max(0, het)), alternate: sum(twice(max(0, homAlt)), max(0, het)))
    }

    /// Copies of the group's rarer allele: min(reference, alternate).
    public var minorAlleleCount: Int64 { min(reference, alternate) }
}

/// The phenotype group a withheld variant failed in.
public enum PhenotypeGroup: String, Sendable, Hashable {
    case cases
    case controls
}

/// What the policy releases for one variant.
public enum VariantRelease: Sendable, Hashable {
    /// Per-group counts, frequencies and the association statistics are released.
    case released
    /// Only the variant's identity (CHR, POS, REF, ALT) is released, marked as withheld: `group` is the first
    /// group (cases before controls) whose minor-allele count `count` is below `minimum`.
    case withheld(group: PhenotypeGroup, count: Int64, minimum: Int64)

    public var isWithheld: Bool { self != .released }
}

extension ReleasePolicy {
    /// Whether the variant with these case and control allele counts is released or withheld under
    /// ``gwasMinMAC``: withheld when the rarer allele of either group (counted within that group) has fewer than
    /// `gwasMinMAC` copies.
    public func gwasVariantRelease(cases: GroupAlleleCounts, controls: GroupAlleleCounts) -> VariantRelease {
        for (group, counts) in [(PhenotypeGroup.cases, cases), (.controls, controls)]
        where counts.minorAlleleCount < gwasMinMAC {
            return .withheld(group: group, count: counts.minorAlleleCount, minimum: gwasMinMAC)
        }
        return .released
    }
}
