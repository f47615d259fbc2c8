import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

@Suite("GWAS genotype counts through the container and both schemes")
struct GWASContainerTests {
    @Test("site files of genotype counts sum and decode to pooled VariantCounts", arguments: SchemeRegistry.availableSchemes)
    func gwasRoundTrip(scheme: SchemeID) throws {
        let dir = ScratchDirectory()
        let keys = try SchemeRegistry.generateKeys(scheme: scheme, options: KeyGenerationOptions(modulusBits: scheme == .paillier ? 2048 : nil))
        let panel = (1 ... 7).map { PanelVariant(chrom: "1", pos: 1000 * $0, id: "rs\($0)", ref: "A", alt: "G") }
        var g = SystemRandomNumberGenerator()
        func random() -> [VariantCounts] {
            panel.map { _ in
                VariantCounts(slots: (0 ..< VariantCounts.slotsPerVariant).map { _ in UInt64.random(in: 0 ... 500, using: &g) })
            }
        }
        let siteCounts = [random(), random(), random()]
        var files: [String] = []
        for (i, counts) in siteCounts.enumerated() {
            let path = dir.file("site\(i).he")
            try EncryptedTableFiles.encrypt(.gwas(panel: panel, counts: counts), bound: 10_000, site: "site-\(i)",
                                            keys: keys.publicOnly, to: path)
            files.append(path)
        }
        try EncryptedTableFiles.aggregate(inputs: files, to: dir.file("total.he"))
        let totals = try EncryptedTableFiles.decrypt(dir.file("total.he"), keys: keys, keyPath: "secret")
        let (readPanel, pooled) = try #require(totals.gwasCounts)
        #expect(readPanel == panel)
        #expect(pooled == (0 ..< panel.count).map { v in siteCounts.map { $0[v] }.reduce(VariantCounts()) { a, b in
            VariantCounts(cases: a.cases + b.cases, controls: a.controls + b.controls,
                          unknownPhenotype: a.unknownPhenotype + b.unknownPhenotype)
        } })
        #expect(totals.contributors == ["site-0", "site-1", "site-2"])
        #expect(try ContainerReader.readHeader(dir.file("total.he")).schema?.kind == .gwasGenotypeCounts)
    }
}
