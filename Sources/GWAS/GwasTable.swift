import EncryptedStats
import HEFiles

// Per-variant genotype counts as an encryptable table: one row per panel variant (metadata CHR, POS, REF, ALT),
// twelve columns in the wire order of `VariantCounts.slots` (`TableShape.gwasColumnLabels`).

extension CountTable {

    /// The genotype counts of a site (one entry per panel variant, in panel order) as a table to encrypt.
    public static func gwas(panel: [PanelVariant], counts: [VariantCounts]) -> CountTable {
        precondition(panel.count == counts.count, "one VariantCounts per panel variant")
        var values: [Int64] = []
        values.reserveCapacity(panel.count * VariantCounts.slotsPerVariant)
        for c in counts { values += c.slots.map { Int64($0) } }
        let shape = TableShape(kind: .gwasGenotypeCounts, rowHeader: "SNP", rowLabels: panel.map(\.id),
                               columnLabels: TableShape.gwasColumnLabels, metadataFields: TableShape.gwasMetadataFields,
                               rowMetadata: panel.map { [$0.chrom, String($0.pos), $0.ref, $0.alt] }, encoding: .count)
        return CountTable(shape: shape, values: values)
    }
}

extension DecryptedTotals {
    /// The panel and the pooled counts of a decrypted `gwasGenotypeCounts` aggregate (nil for other tables).
    public var gwasCounts: (panel: [PanelVariant], counts: [VariantCounts])? {
        guard schema.kind == .gwasGenotypeCounts, schema.columnLabels.count == VariantCounts.slotsPerVariant,
              schema.metadataFields == TableShape.gwasMetadataFields,
              !values.contains(where: { $0 < 0 }) else { return nil }
        var panel: [PanelVariant] = []
        var counts: [VariantCounts] = []
        for (i, id) in schema.rowLabels.enumerated() {
            let m = schema.rowMetadata[i]
            guard let pos = Int(m[1]) else { return nil }
            panel.append(PanelVariant(chrom: m[0], pos: pos, id: id, ref: m[2], alt: m[3]))
            let k = VariantCounts.slotsPerVariant
            counts.append(VariantCounts(slots: values[i * k ..< (i + 1) * k].map { UInt64($0) }))
        }
        return (panel, counts)
    }
}
