// The panel indexed for the genotype counter: by normalised chromosome and position, with its allele pairs.

/// The panel indexed by normalised chromosome and position.
struct PanelIndex {
    var chromIndex: [Substring: Int] = [:]
    var variantsAt: [Int: [Int]] = [:]
    var alleles: [(ref: [UInt8], alt: [UInt8])] = []

    static func key(_ chrom: Int, _ pos: Int) -> Int { chrom << 40 | pos }

    init(_ panel: [PanelVariant]) throws(GwasError) {
        var ids: [String: Int] = [:]
        ids.reserveCapacity(panel.count)
        variantsAt.reserveCapacity(panel.count)
        alleles.reserveCapacity(panel.count)
        for (i, v) in panel.enumerated() {
            guard v.pos > 0, v.pos < 1 << 40 else { throw .invalidPanel(variant: i, reason: "POS \(v.pos) is out of range") }
            let ref = v.ref.uppercased(), alt = v.alt.uppercased()
            guard VariantPanel.isSequenceAllele(ref), VariantPanel.isSequenceAllele(alt) || alt == VariantPanel.missingAllele,
                  ref != alt else {
                throw .invalidPanel(variant: i, reason: "REF '\(v.ref)' and ALT '\(v.alt)' must be different strings of A, C, G, T, N "
                                    + "(ALT may be '.')")
            }
            if let first = ids.updateValue(i, forKey: v.id) {
                throw .invalidPanel(variant: i, reason: "ID '\(v.id)' repeats variant \(first + 1)")
            }
            let chrom = VariantPanel.normalizedChromosome(v.chrom)
            let c: Int
            if let known = chromIndex[chrom] { c = known } else { c = chromIndex.count; chromIndex[chrom] = c }
            let k = Self.key(c, v.pos)
            let pair = (ref: Array(ref.utf8), alt: Array(alt.utf8))
            for other in variantsAt[k, default: []] {
                let o = alleles[other]
                if (o.ref == pair.ref && o.alt == pair.alt) || (o.ref == pair.alt && o.alt == pair.ref) {
                    throw .invalidPanel(variant: i, reason: "same CHR:POS and alleles as variant \(other + 1)")
                }
            }
            variantsAt[k, default: []].append(i)
            alleles.append(pair)
        }
    }
}
