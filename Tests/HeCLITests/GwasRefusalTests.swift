import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

/// A four-sample site written by hand: expected counts are known without any oracle.
enum TinySite {
    static let vcf = """
    ##fileformat=VCFv4.2
    ##contig=<ID=1>
    ##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
    #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ta\tb\tc\td\te
    1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0/0\t0/1\t1/1\t./.\t0/1
    1\t200\trs2\tT\tC\t.\t.\t.\tGT\t0/1\t0/0\t0/0\t0/1\t1/1

    """
    /// rs2 has REF/ALT swapped relative to the VCF: the site flips its counts.
    static let panel = "CHR\tPOS\tID\tREF\tALT\n1\t100\trs1\tA\tG\n1\t200\trs2\tC\tT\n"
    static let pheno = "a\t2\nb\t1\nc\t2\nd\t1\n"

    static func write(_ dir: Scratch, suffix: String = "") {
        dir.write(vcf, to: "tiny\(suffix).vcf")
        dir.write(panel, to: "panel\(suffix).tsv")
        dir.write(pheno, to: "tiny\(suffix).pheno")
    }

    static func encrypt(_ dir: Scratch, keys: SharedKeys, site: String, out: String,
                        panel: String = "panel.tsv") throws -> RunResult {
        try dir.run("gwas", "encrypt", "--vcf", "tiny.vcf", "--pheno", "tiny.pheno", "--panel", panel, "--site", site,
                    "--public-key", keys.publicKey, "--out", out)
    }
}

@Suite("he-cli gwas: known counts and refusals")
struct GwasRefusalTests {
    @Test("two copies of a hand-written site pool to the expected counts and PLINK-layout reports",
          arguments: schemesUnderTest)
    func knownCounts(scheme: SchemeID) throws {
        let dir = Scratch()
        let keys = SharedKeys.for(scheme)
        TinySite.write(dir)
        let a = try TinySite.encrypt(dir, keys: keys, site: "north", out: "north.he")
        try #require(a.status == 0, "\(a.stderr)")
        #expect(a.stderr.contains("north: VCF samples: 5 (counted: 2 cases, 2 controls, 0 with missing phenotype)"))
        #expect(a.stderr.contains("he-cli: warning: north: VCF samples without a phenotype line, ignored: 1 (e.g. e)"))
        let quiet = try dir.run("gwas", "encrypt", "--vcf", "tiny.vcf", "--pheno", "tiny.pheno", "--panel", "panel.tsv",
                                "--site", "west", "--public-key", keys.publicKey, "--out", "west.he", "--quiet")
        #expect(quiet.status == 0 && quiet.stdout.isEmpty)
        #expect(quiet.stderr == "he-cli: warning: west: VCF samples without a phenotype line, ignored: 1 (e.g. e)\n",
                "\(quiet.stderr)")
        #expect(a.stdout.contains("bound 4 per slot"))
        try #require(try TinySite.encrypt(dir, keys: keys, site: "south", out: "south.he").status == 0)
        try #require(try dir.run("aggregate", "--out", "pooled.he", "north.he", "south.he", "--quiet").status == 0)
        let inspect = try dir.run("inspect", "pooled.he")
        #expect(inspect.status == 0 && inspect.stdout.contains("gwasGenotypeCounts"), "\(inspect.stdout)")

        // Plain decryption shows the 12 slots per variant with the panel as row metadata.
        let d = try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", "pooled.he", "--out", "pooled.csv", "--quiet")
        try #require(d.status == 0, "\(d.stderr)")
        let csv = try String(contentsOfFile: dir.file("pooled.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv[1] == "SNP,CHR,POS,REF,ALT," + TableShape.gwasColumnLabels.joined(separator: ","))
        // rs1 (A/G): cases a 0/0, c 1/1; controls b 0/1, d ./. -> doubled by the two sites.
        #expect(csv[2] == "rs1,1,100,A,G,2,0,2,0,0,2,0,2,0,0,0,0")
        // rs2: panel REF C = VCF ALT, so counts are flipped: a 0/1 (het), c 0/0 (VCF REF = panel hom-ALT).
        #expect(csv[3] == "rs2,1,200,C,T,0,2,2,0,0,2,2,0,0,0,0,0")

        let r = try dir.run("gwas", "report", "--secret-key", keys.secretKey, "--in", "pooled.he", "--out", "rep",
                            "--freq", "--hardy")
        try #require(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("contributing sites (2): north south"))
        #expect(dir.listing.filter { $0.hasPrefix("rep.") }.sorted() == ["rep.frq", "rep.hwe"])
        let frq = try String(contentsOfFile: dir.file("rep.frq"), encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: " ").map(String.init) }
        #expect(frq[0] == ["CHR", "SNP", "A1", "A2", "MAF", "NCHROBS"])
        // rs1: 6 calls, 6 A and 6 G alleles: the tie keeps ALT (G) as A1, MAF 0.5.
        #expect(frq[1] == ["1", "rs1", "G", "A", "0.5", "12"])
        // rs2: 8 calls, 12 T and 4 C alleles: the panel's REF (C) is the minor allele.
        #expect(frq[2] == ["1", "rs2", "C", "T", "0.25", "16"])
    }

    @Test("aggregate refuses a GWAS file with a count table, and a different panel naming the variant",
          arguments: schemesUnderTest)
    func aggregateRefusals(scheme: SchemeID) throws {
        let dir = Scratch()
        let keys = SharedKeys.for(scheme)
        TinySite.write(dir)
        dir.write(TinySite.panel.replacingOccurrences(of: "rs2", with: "rs2b"), to: "other-panel.tsv")
        try #require(try TinySite.encrypt(dir, keys: keys, site: "north", out: "north.he").status == 0)
        try #require(try TinySite.encrypt(dir, keys: keys, site: "south", out: "south.he", panel: "other-panel.tsv").status == 0)
        dir.write("diagnosis,cases,controls\nasthma,12,30\n", to: "t.csv")
        try #require(try dir.run("encrypt", "--public-key", keys.publicKey, "--site", "east", "--in", "t.csv",
                                 "--out", "table.he", "--quiet").status == 0)
        try expectRefusal(dir, ["aggregate", "--out", "x.he", "north.he", "table.he"], code: 65,
                          message: ["north.he and table.he cannot be combined", "table kinds differ (gwasGenotypeCounts vs countTable)"])
        try expectRefusal(dir, ["aggregate", "--out", "x.he", "north.he", "south.he"], code: 65,
                          message: ["north.he and south.he cannot be combined", "row label 2 differs: 'rs2' vs 'rs2b'"])
    }

    @Test("gwas encrypt refusals name the file and leave no output", arguments: schemesUnderTest)
    func encryptRefusals(scheme: SchemeID) throws {
        let dir = Scratch()
        let keys = SharedKeys.for(scheme)
        TinySite.write(dir)
        dir.write("x\t2\ny\t1\n", to: "strangers.pheno")
        dir.write("CHR\tPOS\tID\tREF\tALT\n1\t100\trs1\tA\tG\n1\tabc\trs2\tC\tT\n", to: "bad-panel.tsv")
        let base = ["gwas", "encrypt", "--site", "north", "--public-key", keys.publicKey, "--out", "north.he"]
        try expectRefusal(dir, base + ["--vcf", "tiny.vcf", "--pheno", "strangers.pheno", "--panel", "panel.tsv"],
                          code: 65, message: ["tiny.vcf: no VCF sample has a line in strangers.pheno"])
        try expectRefusal(dir, base + ["--vcf", "tiny.vcf", "--pheno", "tiny.pheno", "--panel", "bad-panel.tsv"],
                          code: 65, message: ["bad-panel.tsv:3: field POS: expected a positive integer below 2^40, found 'abc'"])
        try expectRefusal(dir, base + ["--vcf", "missing.vcf", "--pheno", "tiny.pheno", "--panel", "panel.tsv"],
                          code: 66, message: ["missing.vcf"])
        try expectRefusal(dir, ["gwas", "encrypt", "--site", "no spaces", "--public-key", keys.publicKey, "--out", "n.he",
                                "--vcf", "tiny.vcf", "--pheno", "tiny.pheno", "--panel", "panel.tsv"],
                          code: 64, message: ["invalid --site 'no spaces'"])
    }

    @Test("gwas report refusals: a count table, the wrong key, an unwritable prefix", arguments: schemesUnderTest)
    func reportRefusals(scheme: SchemeID) throws {
        let dir = Scratch()
        let keys = SharedKeys.for(scheme)
        TinySite.write(dir)
        try #require(try TinySite.encrypt(dir, keys: keys, site: "north", out: "north.he").status == 0)
        dir.write("diagnosis,cases,controls\nasthma,12,30\n", to: "t.csv")
        try #require(try dir.run("encrypt", "--public-key", keys.publicKey, "--site", "east", "--in", "t.csv",
                                 "--out", "table.he", "--quiet").status == 0)
        try expectRefusal(dir, ["gwas", "report", "--secret-key", keys.secretKey, "--in", "table.he", "--out", "rep"],
                          code: 65, message: ["table.he: expected encrypted GWAS genotype counts", "countTable"])
        let other = Scratch()
        let extra = scheme == .paillier ? ["--bits", "2048"] : []
        try #require(try other.run(["keygen", "--scheme", scheme.description, "--out", "k", "--quiet"] + extra).status == 0)
        try expectRefusal(dir, ["gwas", "report", "--secret-key", other.file("k/secret.hekey"), "--in", "north.he",
                                "--out", "rep"], code: 80, message: ["north.he was not encrypted under the key in"])
        try expectRefusal(dir, ["gwas", "report", "--secret-key", keys.secretKey, "--in", "north.he",
                                "--out", "no-such-dir/rep", "--assoc", "--freq"], code: 74, message: ["no-such-dir/rep"])
        #expect(!dir.exists("no-such-dir"))
        try expectRefusal(dir, ["gwas", "report", "--secret-key", keys.secretKey, "--in", "absent.he", "--out", "rep"],
                          code: 66, message: ["absent.he"])
    }
}
