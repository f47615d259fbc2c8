import EncryptedStats
import Foundation
import HETestSupport
import Testing

/// `he-cli gwas panel`: the shared panel from VCF/BCF files, checked against bcftools' own selection and naming.
@Suite("he-cli gwas panel")
struct GwasPanelTests {
    /// A random VCF: SNPs (some lower-case, some A/T or C/G), indels, multi-allelic and ALT '.' records on 1, 2, X
    /// and MT; a third of the IDs '.'; per-record missingness and allele frequency; diploid calls only.
    private func randomVCF(samples: Int, records: Int) -> String {
        var g = SystemRandomNumberGenerator()
        var out = "##fileformat=VCFv4.2\n"
        for c in ["1", "2", "X", "MT"] { out += "##contig=<ID=\(c)>\n" }
        out += "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
        out += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + (1 ... samples).map { "s\($0)" }.joined(separator: "\t") + "\n"
        let bases = ["A", "C", "G", "T"]
        var n = 0
        for chrom in ["1", "2", "X", "MT"] {
            var pos = 0
            for _ in 0 ..< records / 4 {
                n += 1
                pos += Int.random(in: 1 ... 200, using: &g)
                let ref = bases.randomElement(using: &g)!
                var alt = bases.filter { $0 != ref }.randomElement(using: &g)!
                var refText = ref
                switch Int.random(in: 0 ..< 20, using: &g) {
                case 0: refText = ref + "C"  // deletion
                case 1: alt = alt + "," + bases.filter { $0 != ref && $0 != alt }.first!  // multi-allelic
                case 2: alt = "."
                case 3: refText = ref.lowercased(); alt = alt.lowercased()
                default: break
                }
                let id = Int.random(in: 0 ..< 3, using: &g) == 0 ? "." : "rs\(n)"
                let missing = Double.random(in: 0 ... 0.25, using: &g), f = Double.random(in: 0 ... 0.5, using: &g)
                let calls = (0 ..< samples).map { _ -> String in
                    if Double.random(in: 0 ..< 1, using: &g) < missing { return "./." }
                    let a = Double.random(in: 0 ..< 1, using: &g) < f ? 1 : 0, b = Double.random(in: 0 ..< 1, using: &g) < f ? 1 : 0
                    return alt == "." ? "0/0" : "\(a)/\(b)"
                }
                out += "\(chrom)\t\(pos)\t\(id)\t\(refText)\t\(alt)\t.\t.\t.\tGT\t" + calls.joined(separator: "\t") + "\n"
            }
        }
        return out
    }

    /// The panel lines (without header and comments) that bcftools' selection of `vcf` gives.
    private func bcftoolsPanel(_ dir: Scratch, _ arguments: [String]) throws -> [String] {
        let bcftools = try OracleEnvironment.require(executable: "bcftools")
        let view = try ChildProcess.run(bcftools, ["view", "-m2", "-M2", "-v", "snps", "-Ov", "-o", "sel.vcf"] + arguments
                                        + ["r.vcf"], currentDirectory: dir.path)
        try #require(view.status == 0, "\(view.stderr)")
        let query = try ChildProcess.run(bcftools, ["query", "-f", "%CHROM\t%POS\t%ID\t%REF\t%ALT\t%CHROM:%POS:%REF:%ALT\n",
                                                    "sel.vcf"], currentDirectory: dir.path)
        try #require(query.status == 0, "\(query.stderr)")
        return query.stdout.split(separator: "\n").map { line in
            let f = line.split(separator: "\t").map(String.init)
            return [f[0], f[1], f[2] == "." ? f[5] : f[2], f[3].uppercased(), f[4].uppercased()].joined(separator: "\t")
        }
    }

    private func panelLines(_ dir: Scratch, _ file: String) throws -> [String] {
        try String(contentsOfFile: dir.file(file), encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.hasPrefix("CHR\t") }.map(String.init)
    }

    @Test("selection, filters, region and the CHR:POS:REF:ALT names equal bcftools' on a random VCF",
          .enabled(if: Oracles.bcftools != nil || Oracles.required, "needs bcftools"))
    func againstBcftools() throws {
        let dir = Scratch()
        dir.write(randomVCF(samples: 30, records: 240), to: "r.vcf")
        let configurations: [(ours: [String], bcftools: [String])] = [
            ([], ["-t", "^MT"]),
            // Call rate >= 0.88 of 30 samples is at most 3 missing; bcftools' F_MISSING counts ./. samples.
            (["--min-call-rate", "0.88", "--min-maf", "0.07"], ["-t", "^MT", "-i", "F_MISSING<0.12 && MAF>=0.07"]),
            (["--region", "2:1000-5000"], ["-t", "2:1000-5000"]),
        ]
        for (k, c) in configurations.enumerated() {
            let r = try dir.run(["gwas", "panel", "--vcf", "r.vcf", "--out", "p\(k).tsv"] + c.ours)
            try #require(r.status == 0, "\(c.ours): \(r.stderr)")
            let expected = try bcftoolsPanel(dir, c.bcftools)
            #expect(!expected.isEmpty)
            #expect(try panelLines(dir, "p\(k).tsv") == expected, "\(c.ours)")
            // Strand-ambiguous SNPs are flagged in the summary and left out on request.
            let ambiguous = expected.filter { l in
                let f = l.split(separator: "\t"); return Set([f[3], f[4]]) == ["A", "T"] || Set([f[3], f[4]]) == ["C", "G"]
            }
            if !ambiguous.isEmpty {
                #expect(r.stdout.contains("strand-ambiguous (A/T or C/G) SNPs kept: \(ambiguous.count): "), "\(r.stdout)")
            }
            let excluded = try dir.run(["gwas", "panel", "--vcf", "r.vcf", "--out", "-", "--exclude-ambiguous", "--quiet"] + c.ours)
            #expect(excluded.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("CHR\t") }.map(String.init)
                    == expected.filter { !ambiguous.contains($0) })
        }
    }

    @Test("a panel built from every site's file lets gwas encrypt run at every site",
          .enabled(if: Oracles.pythonUsable, "needs HE_TEST_PYTHON (msprime, numpy)"))
    func cohortPanel() throws {
        let dir = Scratch()
        let keys = SharedKeys.for(.paillier)
        let cohort = try SimulatedCohort.make(in: dir.file("cohort"), samples: 200, variants: 40, sites: 4, seed: 5, splitSeed: 3)
        let r = try dir.run(["gwas", "panel", "--out", "panel.tsv"] + cohort.sites.flatMap { ["--vcf", $0.vcf] })
        try #require(r.status == 0, "\(r.stderr)")
        // Every VCF sample is counted (site 1 has one without a phenotype line, which gwas encrypt skips).
        #expect(r.stdout.contains("from 4 file(s) (\(cohort.sites.map(\.samples).reduce(0, +) + 1) samples"), "\(r.stdout)")
        let lines = try panelLines(dir, "panel.tsv")
        #expect(lines.count > 30, "\(lines.count) variants")
        for (i, site) in cohort.sites.enumerated() {
            let e = try dir.run("gwas", "encrypt", "--vcf", site.vcf, "--pheno", site.pheno, "--panel", "panel.tsv",
                                "--site", "site\(i)", "--public-key", keys.publicKey, "--out", "site\(i).he", "--quiet")
            #expect(e.status == 0 && !e.stderr.contains("error"), "site \(i): \(e.stderr)")
        }
    }

    @Test("refusals: option values, a sites-only VCF with filters, nothing passing; no panel is written")
    func refusals() throws {
        let dir = Scratch()
        let header = "##fileformat=VCFv4.2\n##contig=<ID=1>\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
        dir.write(header + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t100\trs1\tA\tG\t.\t.\t.\n", to: "sites.vcf")
        dir.write(header + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ts1\n1\t100\trs1\tAC\tG\t.\t.\t.\tGT\t0/1\n",
                  to: "indel.vcf")
        let cases: [([String], Int32, String)] = [
            (["--vcf", "sites.vcf", "--min-maf", "0.7"], 64, "--min-maf must be between 0 and 0.5, found 0.7"),
            (["--vcf", "sites.vcf", "--min-call-rate", "1.5"], 64, "--min-call-rate must be between 0 and 1, found 1.5"),
            (["--vcf", "sites.vcf", "--region", "1:500-100"], 64, "--region '1:500-100': expected CHR, CHR:START-END or CHR:START-"),
            ([], 64, "give at least one --vcf"),
            (["--vcf", "sites.vcf", "--min-maf", "0.01"], 65,
             "sites.vcf: VCF/BCF header: the file has no samples, so the call-rate and minor-allele-frequency filters cannot be applied"),
            (["--vcf", "indel.vcf"], 65, "no variant of indel.vcf passed the filters (biallelic SNPs on 1-22, X or XY); no panel was written"),
            (["--vcf", "absent.vcf"], 66, "absent.vcf"),
        ]
        for (args, code, message) in cases {
            let r = try dir.run(["gwas", "panel", "--out", "panel.tsv"] + args)
            #expect(r.status == code, "\(args): exit \(r.status), \(r.stderr)")
            #expect(r.stderr.hasPrefix("he-cli: error: ") && r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(!dir.exists("panel.tsv") && r.stdout.isEmpty, "\(args)")
        }
        // Without filters a sites-only VCF is enough.
        let ok = try dir.run("gwas", "panel", "--vcf", "sites.vcf", "--out", "panel.tsv", "--quiet")
        #expect(ok.status == 0 && (try? panelLines(dir, "panel.tsv")) == ["1\t100\trs1\tA\tG"], "\(ok.stderr)")
    }

    @Test("a panel row with ALT '.' is accepted at every site and reported as plink1.9 reports the pooled VCF",
          .enabled(if: Oracles.plink != nil || Oracles.required, "needs plink1.9"))
    func monomorphicPanelRow() throws {
        let dir = Scratch()
        let keys = SharedKeys.for(.paillier)
        let plink = try OracleEnvironment.require(executable: "plink1.9")
        let head = "##fileformat=VCFv4.2\n##contig=<ID=1>\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
            + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT"
        // rs1 is monomorphic (ALT '.') at both sites; rs2 an ordinary SNP.
        dir.write(head + "\ta\tb\tc\n1\t100\trs1\tA\t.\t.\t.\t.\tGT\t0/0\t0/0\t./.\n"
                  + "1\t200\trs2\tC\tT\t.\t.\t.\tGT\t0/1\t1/1\t0/0\n", to: "north.vcf")
        dir.write(head + "\td\te\tf\n1\t100\trs1\tA\t.\t.\t.\t.\tGT\t0/0\t0/0\t0/0\n"
                  + "1\t200\trs2\tC\tT\t.\t.\t.\tGT\t0/0\t0/1\t0/0\n", to: "south.vcf")
        dir.write(head + "\ta\tb\tc\td\te\tf\n1\t100\trs1\tA\t.\t.\t.\t.\tGT\t0/0\t0/0\t./.\t0/0\t0/0\t0/0\n"
                  + "1\t200\trs2\tC\tT\t.\t.\t.\tGT\t0/1\t1/1\t0/0\t0/0\t0/1\t0/0\n", to: "pooled.vcf")
        dir.write("a\t2\nb\t1\nc\t2\n", to: "north.pheno")
        dir.write("d\t2\ne\t1\nf\t1\n", to: "south.pheno")
        dir.write("a a 2\nb b 1\nc c 2\nd d 2\ne e 1\nf f 1\n", to: "pooled.pheno")
        dir.write("CHR\tPOS\tID\tREF\tALT\n1\t100\trs1\tA\t.\n1\t200\trs2\tC\tT\n", to: "panel.tsv")
        for site in ["north", "south"] {
            let r = try dir.run("gwas", "encrypt", "--vcf", "\(site).vcf", "--pheno", "\(site).pheno", "--panel", "panel.tsv",
                                "--site", site, "--public-key", keys.publicKey, "--out", "\(site).he", "--quiet")
            try #require(r.status == 0, "\(site): \(r.stderr)")
        }
        try #require(try dir.run("aggregate", "--quiet", "--out", "pooled.he", "north.he", "south.he").status == 0)
        let report = try dir.run("gwas", "report", "--secret-key", keys.secretKey, "--in", "pooled.he", "--out", "ours",
                                 "--assoc", "--freq", "--hardy", "--model", "--quiet")
        try #require(report.status == 0, "\(report.stderr)")
        // plink1.9 runs --model apart from --assoc.
        for tests in [["--assoc", "--freq", "--hardy"], ["--model"]] {
            let reference = try ChildProcess.run(plink, ["--vcf", "pooled.vcf", "--pheno", "pooled.pheno", "--allow-no-sex",
                                                         "--out", "plink"] + tests, currentDirectory: dir.path)
            try #require(reference.status == 0, "\(reference.stdout)")
        }
        for ext in ["assoc", "frq", "hwe", "model"] {
            func rows(_ file: String) throws -> [[Substring]] {
                try String(contentsOfFile: dir.file(file), encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ") }
            }
            let ours = try rows("ours.\(ext)"), theirs = try rows("plink.\(ext)")
            #expect(ours == theirs, "\(ext): ours \(ours) vs plink \(theirs)")
        }
        // PLINK writes the missing allele as A1 0 (and the variant is monomorphic: NA statistics).
        let assoc = try String(contentsOfFile: dir.file("ours.assoc"), encoding: .utf8)
        #expect(assoc.contains(" rs1 ") && assoc.split(separator: "\n")[1].split(separator: " ")[3] == "0", "\(assoc)")
    }

    @Test("the site summary names the panel variants absent from the VCF: the first 5 and a count, all with --verbose")
    func absentVariantsNamed() throws {
        let dir = Scratch()
        let keys = SharedKeys.for(.paillier)
        dir.write("##fileformat=VCFv4.2\n##contig=<ID=1>\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
                  + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ta\tb\n1\t100\trs0\tA\tG\t.\t.\t.\tGT\t0/1\t0/0\n",
                  to: "site.vcf")
        dir.write("a\t2\nb\t1\n", to: "site.pheno")
        dir.write("CHR\tPOS\tID\tREF\tALT\n1\t100\trs0\tA\tG\n" + (1 ... 7).map { "1\t\(1000 + $0)\tgone\($0)\tC\tT\n" }.joined(),
                  to: "panel.tsv")
        let args = ["gwas", "encrypt", "--vcf", "site.vcf", "--pheno", "site.pheno", "--panel", "panel.tsv", "--site", "north",
                    "--public-key", keys.publicKey, "--out", "north.he"]
        let r = try dir.run(args)
        #expect(r.status == 0 && r.stderr.contains(
            "north: panel variants absent from the VCF (all samples missing): 7 (gone1, gone2, gone3, gone4, gone5, ... 2 more)\n"),
                "\(r.stderr)")
        let verbose = try dir.run(args + ["--verbose"])
        #expect(verbose.status == 0 && verbose.stderr.contains(
            "north: panel variants absent from the VCF (all samples missing): 7 (gone1, gone2, gone3, gone4, gone5, gone6, gone7)\n"),
                "\(verbose.stderr)")
    }

    @Test("docs/CLI.md's pooled-PLINK recipe, run as written on the site files, gives PLINK's .assoc and .frq of the pooled VCF",
          .enabled(if: (Oracles.pythonUsable && Oracles.plink != nil && Oracles.bcftools != nil) || Oracles.required,
                   "needs HE_TEST_PYTHON, plink1.9 and bcftools"))
    func pooledRecipe() throws {
        let plink = try OracleEnvironment.require(executable: "plink1.9")
        _ = try OracleEnvironment.require(executable: "bcftools")
        let docs = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/CLI.md"), encoding: .utf8)
        let marker = try #require(docs.range(of: "<!-- recipe: pooled-plink -->\n```sh\n"), "the recipe's marker in docs/CLI.md")
        let end = try #require(docs.range(of: "\n```", range: marker.upperBound ..< docs.endIndex))
        let recipe = String(docs[marker.upperBound ..< end.lowerBound])
        let dir = Scratch()
        let cohort = try SimulatedCohort.make(in: dir.file("cohort"), samples: 200, variants: 40, sites: 4, seed: 5, splitSeed: 3)
        let run = try ChildProcess.run("/bin/sh", ["-e", "-c", recipe], currentDirectory: cohort.directory)
        try #require(run.status == 0, "the recipe failed: \(run.stderr)")
        let direct = try ChildProcess.run(plink, ["--vcf", "pooled.vcf.gz", "--double-id", "--vcf-half-call", "missing",
                                                  "--pheno", "pooled.pheno", "--allow-no-sex", "--assoc", "--freq", "--out", "direct"],
                                          currentDirectory: cohort.directory)
        try #require(direct.status == 0, "\(direct.stdout)")
        for ext in ["assoc", "frq"] {
            let ours = try String(contentsOfFile: cohort.directory + "/plink.\(ext)", encoding: .utf8)
            let reference = try String(contentsOfFile: cohort.directory + "/direct.\(ext)", encoding: .utf8)
            #expect(ours.split(separator: "\n").count == 41, "\(ext): \(ours)")  // header + the 40 panel variants
            #expect(ours == reference, "\(ext) differs")
        }
    }

    @Test("gwas encrypt --vcf - counts a VCF read from standard input as the same file; a bgzipped pipe is refused")
    func vcfFromStandardInput() throws {
        let dir = Scratch()
        let keys = SharedKeys.for(.paillier)
        TinySite.write(dir)
        func encrypt(_ vcf: String, _ out: String, input: Data?) throws -> ChildProcess.Result {
            try ChildProcess.run(HeCLI.binary, ["gwas", "encrypt", "--vcf", vcf, "--pheno", "tiny.pheno", "--panel", "panel.tsv",
                                                "--site", "north", "--public-key", keys.publicKey, "--out", out, "--quiet"],
                                 input: input, currentDirectory: dir.path)
        }
        try #require(try encrypt("tiny.vcf", "file.he", input: nil).status == 0)
        let piped = try encrypt("-", "stdin.he", input: Data(TinySite.vcf.utf8))
        try #require(piped.status == 0, "\(piped.stderr)")
        var totals: [String] = []
        for file in ["file.he", "stdin.he"] {
            let d = try dir.run("decrypt", "--secret-key", keys.secretKey, "--in", file, "--out", "-", "--quiet")
            try #require(d.status == 0, "\(d.stderr)")
            totals.append(d.stdout)
        }
        #expect(totals[0] == totals[1] && totals[0].contains("rs1,1,100,A,G,"), "\(totals)")
        let bcftools = try OracleEnvironment.require(executable: "bcftools")
        let gz = try ChildProcess.run(bcftools, ["view", "-Oz", "-o", "tiny.vcf.gz", "tiny.vcf"], currentDirectory: dir.path)
        try #require(gz.status == 0, "\(gz.stderr)")
        // Standard input redirected from a bgzipped file can be checked for its end-of-file block; a pipe cannot.
        let redirected = try encrypt("-", "gz.he", input: try Data(contentsOf: URL(fileURLWithPath: dir.file("tiny.vcf.gz"))))
        #expect(redirected.status == 0, "\(redirected.stderr)")
        let refused = try ChildProcess.run("/bin/sh", ["-c", "cat tiny.vcf.gz | \"$0\" gwas encrypt --vcf - --pheno tiny.pheno "
                                                       + "--panel panel.tsv --site north --public-key \"$1\" --out pipe.he",
                                                       HeCLI.binary, keys.publicKey], currentDirectory: dir.path)
        #expect(refused.status == 65 && refused.stderr.contains("he-cli: error: standard input: ")
                && refused.stderr.contains("from a pipe"), "\(refused.stderr)")
        #expect(!dir.exists("pipe.he"))
    }
}
