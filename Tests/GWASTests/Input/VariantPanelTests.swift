import EncryptedStats
import GWAS
import HEFiles
import HETestSupport
import Testing

@Suite("Variant panel")
struct VariantPanelTests {
    @Test("header, comments, tabs or spaces; alleles stored upper-case; order kept")
    func good() throws {
        let dir = try GWASTemporaryDirectory()
        let path = try dir.write("panel.tsv", """
            CHR\tPOS\tID\tREF\tALT
            # a comment
            1\t100\trs1\tA\tG
            chr1  200  rs2  c  t

            2 50 rs3 ACG A
            """)
        let panel = try VariantPanel.read(path: path)
        #expect(panel == [
            PanelVariant(chrom: "1", pos: 100, id: "rs1", ref: "A", alt: "G"),
            PanelVariant(chrom: "chr1", pos: 200, id: "rs2", ref: "C", alt: "T"),
            PanelVariant(chrom: "2", pos: 50, id: "rs3", ref: "ACG", alt: "A"),
        ])
        let noHeader = try dir.write("p2.tsv", "#CHROM POS ID REF ALT\n3 7 x A C\n")
        #expect(try VariantPanel.read(path: noHeader).map(\.id) == ["x"])
    }

    struct BadLine: Sendable, CustomTestStringConvertible {
        var line: String
        var field: String
        var expected: String
        var found: String
        var testDescription: String { line.count > 60 ? line.prefix(60) + "..." : line }
    }

    @Test("malformed lines are errors naming line, field and expectation", arguments: [
        BadLine(line: "1 100 rs1 A", field: "columns", expected: "5 columns CHR POS ID REF ALT", found: "4 columns"),
        BadLine(line: "1 0 rs1 A G", field: "POS", expected: "a positive integer below 2^40", found: "0"),
        BadLine(line: "1 +5 rs1 A G", field: "POS", expected: "a positive integer below 2^40", found: "+5"),
        BadLine(line: "1 1e3 rs1 A G", field: "POS", expected: "a positive integer below 2^40", found: "1e3"),
        BadLine(line: "1 10 rs1 A <DEL>", field: "ALT", expected: "a non-empty string of A, C, G, T, N (or '.')", found: "<DEL>"),
        BadLine(line: "1 10 rs1 . G", field: "REF", expected: "a non-empty string of A, C, G, T, N", found: "."),
        BadLine(line: "1 10 rs1 A G,T", field: "ALT", expected: "a non-empty string of A, C, G, T, N (or '.')", found: "G,T"),
        BadLine(line: "1 10 rs1 A a", field: "ALT", expected: "an allele different from REF", found: "a"),
        BadLine(line: "1 10 rs1 A \(String(repeating: "AC", count: 2049))", field: "ALT",
                expected: "at most 4096 bytes (the site file's limit)", found: "4098 bytes: ACACACACACACACACACAC..."),
        BadLine(line: "1 10 \(String(repeating: "r", count: 4097)) A G", field: "ID",
                expected: "at most 4096 bytes (the site file's limit)", found: "4097 bytes: rrrrrrrrrrrrrrrrrrrr..."),
    ])
    func bad(_ bad: BadLine) throws {
        let dir = try GWASTemporaryDirectory()
        let path = try dir.write("panel.tsv", "CHR POS ID REF ALT\n1 5 rs0 C T\n\(bad.line)\n")
        let error = #expect(throws: GwasError.self) { try VariantPanel.read(path: path) }
        #expect(error == .inputField(path: path, line: 3, field: bad.field, expected: bad.expected, found: bad.found))
        #expect(error?.description.hasPrefix("\(path):3: field \(bad.field): expected ") == true)
    }

    @Test("duplicate IDs are an error")
    func duplicateID() throws {
        let dir = try GWASTemporaryDirectory()
        let path = try dir.write("panel.tsv", "1 5 rs0 C T\n1 6 rs1 C T\n2 5 rs0 A G\n")
        #expect(throws: GwasError.inputDuplicate(path: path, line: 3, firstLine: 1, field: "ID",
                                                           value: "rs0")) { try VariantPanel.read(path: path) }
    }

    @Test("the same site twice is an error, whatever the chr prefix or allele order")
    func duplicateSite() throws {
        let dir = try GWASTemporaryDirectory()
        let path = try dir.write("panel.tsv", "chr1 5 a C T\n1 5 b T C\n")
        let error = #expect(throws: GwasError.self) { try VariantPanel.read(path: path) }
        #expect(error == .inputDuplicate(path: path, line: 2, firstLine: 1, field: "CHR:POS:REF:ALT", value: "1:5:T:C"))
        #expect(error?.description == "\(path):2: field CHR:POS:REF:ALT: '1:5:T:C' already appears on line 1; expected each CHR:POS:REF:ALT once")
        // A different allele pair at the same position is a different variant.
        let ok = try dir.write("ok.tsv", "1 5 a C T\n1 5 b C G\n")
        #expect(try VariantPanel.read(path: ok).count == 2)
    }

    @Test("an in-memory panel is validated by the counter")
    func inMemory() throws {
        let dir = try GWASTemporaryDirectory()
        let vcf = try dir.write("x.vcf", "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        let phenotypes = try PhenotypeTable([])
        let dup = [PanelVariant(chrom: "1", pos: 5, id: "a", ref: "C", alt: "T"),
                   PanelVariant(chrom: "chr1", pos: 5, id: "b", ref: "t", alt: "c")]
        #expect(throws: GwasError.invalidPanel(variant: 1, reason: "same CHR:POS and alleles as variant 1")) {
            try GenotypeCounter.count(vcfPath: vcf, phenotypes: phenotypes, panel: dup)
        }
        let bad = [PanelVariant(chrom: "1", pos: 5, id: "a", ref: "C", alt: "C")]
        #expect(throws: GwasError.invalidPanel(
            variant: 0, reason: "REF 'C' and ALT 'C' must be different strings of A, C, G, T, N (ALT may be '.')")) {
            try GenotypeCounter.count(vcfPath: vcf, phenotypes: phenotypes, panel: bad)
        }
    }
}
