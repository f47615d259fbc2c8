import EncryptedStats
import GWAS
import HEFiles
import HETestSupport
import Testing

@Suite("Phenotype file")
struct PhenotypeTableTests {
    @Test("PLINK FID IID PHENO with a header, matched by IID")
    func plinkWithHeader() throws {
        let dir = try GWASTemporaryDirectory()
        let path = try dir.write("p.pheno", "FID IID PHENO\nf1 a 2\nf1 b 1\nf2 c 0\nf3 d -9\nf4 e NA\n")
        let table = try PhenotypeTable.read(path: path)
        #expect(table.samples == ["a", "b", "c", "d", "e"])
        #expect(table["a"] == .affected)
        #expect(table["b"] == .unaffected)
        #expect([table["c"], table["d"], table["e"]] == [.missing, .missing, .missing])
        #expect(table["f1"] == nil)
    }

    @Test("FID IID PHENO also names VCF sample FID_IID, PLINK 1.9's default split of IDs at the underscore")
    func plinkUnderscoreSplit() throws {
        let dir = try GWASTemporaryDirectory()
        let path = try dir.write("p.pheno", "tsk 0 2\ntsk 1 1\ntsk_2 tsk_2 -9\nf x 1\n")
        let table = try PhenotypeTable.read(path: path)
        #expect(table.samples == ["0", "1", "tsk_2", "x"])
        #expect(table["tsk_0"] == .affected && table["tsk_1"] == .unaffected)
        #expect(table["0"] == .affected, "the IID alone still matches")
        #expect(table["tsk_2"] == .missing && table["f_x"] == .unaffected)
        #expect(table["tsk_3"] == nil && table["tsk"] == nil)
        // Two-column files have no FID: nothing to split.
        let two = try PhenotypeTable.read(path: try dir.write("two.tsv", "a\t2\n"))
        #expect(two["a"] == .affected && two["_a"] == nil)
        // A first line whose FID is a header word but whose PHENO is a code is data, not a header.
        let data = try PhenotypeTable.read(path: try dir.write("data.pheno", "sample 1 2\nsample 2 1\n"))
        #expect(data.samples == ["1", "2"] && data["sample_1"] == .affected)
        let id = try PhenotypeTable.read(path: try dir.write("id.tsv", "ID\t-9\nx\t2\n"))
        #expect(id.samples == ["ID", "x"] && id["ID"] == .missing)
        // Two lines that join to the same FID_IID: that name matches neither.
        let twice = try PhenotypeTable.read(path: try dir.write("twice.pheno", "a_b c 2\na b_c 1\n"))
        #expect(twice["a_b_c"] == nil && twice["c"] == .affected && twice["b_c"] == .unaffected)
        // An IID match wins over a FID_IID match of another line.
        let both = try PhenotypeTable.read(path: try dir.write("both.pheno", "x tsk_0 1\ntsk 0 2\n"))
        #expect(both.match("tsk_0")?.phenotype == .unaffected && both.match("tsk_0")?.entry == 0)
    }

    @Test("PLINK columns without a header, tabs and CRLF, extra columns ignored")
    func plinkWithoutHeader() throws {
        let dir = try GWASTemporaryDirectory()
        let path = try dir.write("p.pheno", "f1\ta\t2\t7.5\r\n\nf2\tb\t1\t3\r\n")
        let table = try PhenotypeTable.read(path: path)
        #expect(table.count == 2)
        #expect(table["a"] == .affected && table["b"] == .unaffected)
    }

    @Test("two-column sample/phenotype TSV, with and without a header")
    func twoColumns() throws {
        let dir = try GWASTemporaryDirectory()
        for text in ["#sample\tphenotype\nx\t2\ny\t1\n", "x\t2\ny\t1\n"] {
            let table = try PhenotypeTable.read(path: try dir.write("p.tsv", text))
            #expect(table.samples == ["x", "y"])
            #expect(table["x"] == .affected && table["y"] == .unaffected)
        }
    }

    @Test("a phenotype outside 1/2/0/-9/NA is an error naming file, line and field",
          arguments: ["3", "1.0", "case", "-1", "na"])
    func badPhenotype(code: String) throws {
        let dir = try GWASTemporaryDirectory()
        let path = try dir.write("bad.pheno", "FID IID PHENO\nf a 1\nf b \(code)\n")
        #expect(throws: GwasError.inputField(
            path: path, line: 3, field: "PHENO", expected: "2 (case), 1 (control), or 0, -9, NA (missing)",
            found: code)) { try PhenotypeTable.read(path: path) }
        let error = GwasError.inputField(path: path, line: 3, field: "PHENO",
                                                   expected: "2 (case), 1 (control), or 0, -9, NA (missing)",
                                                   found: code)
        #expect(error.description == "\(path):3: field PHENO: expected 2 (case), 1 (control), or 0, -9, NA (missing), found '\(code)'")
    }

    @Test("a sample named twice is an error naming both lines")
    func duplicateSample() throws {
        let dir = try GWASTemporaryDirectory()
        let path = try dir.write("dup.pheno", "a\t1\nb\t2\na\t2\n")
        let error = #expect(throws: GwasError.self) { try PhenotypeTable.read(path: path) }
        #expect(error == .inputDuplicate(path: path, line: 3, firstLine: 1, field: "sample", value: "a"))
        #expect(error?.description == "\(path):3: field sample: 'a' already appears on line 1; expected each sample once")
        // FID IID PHENO: the pair names the sample.
        let pairs = try dir.write("pairs.pheno", "f a 1\ng b 2\nf a 2\n")
        #expect(throws: GwasError.inputDuplicate(path: pairs, line: 3, firstLine: 1, field: "FID IID",
                                                           value: "f a")) { try PhenotypeTable.read(path: pairs) }
    }

    @Test("IIDs repeated across families (PLINK's family files) match VCF samples FID_IID, not the bare IID")
    func familyIIDs() throws {
        let dir = try GWASTemporaryDirectory()
        let path = try dir.write("fam.pheno", "famA 1 2\nfamA 2 1\nfamB 1 1\nfamB 2 2\nfamC 3 0\n")
        let table = try PhenotypeTable.read(path: path)
        #expect(table.count == 5)
        #expect(table["famA_1"] == .affected && table["famA_2"] == .unaffected)
        #expect(table["famB_1"] == .unaffected && table["famB_2"] == .affected)
        #expect(table["1"] == nil && table["2"] == nil, "an IID in two families names neither sample")
        #expect(table["3"] == .missing && table["famC_3"] == .missing)
        #expect(table.match("famB_2")?.entry == 3)
    }

    @Test("a value quoted in a message is cut after 80 characters")
    func longValuesAreCut() throws {
        let dir = try GWASTemporaryDirectory()
        let junk = String(repeating: "x", count: 5000)
        let path = try dir.write("junk.pheno", "a 2\n\(junk) 3\n")
        let error = #expect(throws: GwasError.self) { try PhenotypeTable.read(path: path) }
        let text = error?.description ?? ""
        #expect(text == "\(path):2: field PHENO: expected 2 (case), 1 (control), or 0, -9, NA (missing), found '3'", "\(text)")
        let dup = try dir.write("dup.pheno", "\(junk) 2\n\(junk) 1\n")
        let message = (#expect(throws: GwasError.self) { try PhenotypeTable.read(path: dup) })?.description ?? ""
        #expect(message.contains("'\(String(repeating: "x", count: 80))... (5000 bytes)' already appears on line 1"), "\(message.prefix(300))")
        #expect(message.utf8.count < 400)
    }

    @Test("lines with a different number of columns are an error")
    func ragged() throws {
        let dir = try GWASTemporaryDirectory()
        let path = try dir.write("r.pheno", "f a 1\nb 2\n")
        #expect(throws: GwasError.inputField(path: path, line: 2, field: "columns",
                                                       expected: "3 columns like the first data line",
                                                       found: "2 columns")) { try PhenotypeTable.read(path: path) }
        let single = try dir.write("s.pheno", "lonely\n")
        #expect(throws: GwasError.inputField(path: single, line: 1, field: "PHENO",
                                                       expected: "'sample PHENO' or 'FID IID PHENO' columns",
                                                       found: "lonely")) { try PhenotypeTable.read(path: single) }
    }

    @Test("a missing file is an error with the system's reason")
    func missingFile() throws {
        let dir = try GWASTemporaryDirectory()
        let path = dir.path + "/nope.pheno"
        #expect(throws: GwasError.inputUnreadable(path: path, reason: "No such file or directory")) {
            try PhenotypeTable.read(path: path)
        }
    }

    @Test("an in-memory table rejects a repeated sample")
    func inMemoryDuplicate() throws {
        #expect(throws: GwasError.inputDuplicate(path: "<phenotypes>", line: 2, firstLine: 1,
                                                           field: "sample", value: "a")) {
            try PhenotypeTable([("a", .affected), ("a", .missing)])
        }
    }
}
