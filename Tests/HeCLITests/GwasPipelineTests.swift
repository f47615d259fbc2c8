import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

/// The encrypted GWAS pipeline through the built binary: keygen -> gwas encrypt per site -> aggregate ->
/// gwas report, compared with plink1.9 on the pooled VCF and with an independent scipy recomputation.
@Suite("he-cli gwas end to end")
struct GwasPipelineTests {
    static let samples = 600
    static let variants = 250
    static let sites = 4

    /// Runs gwas encrypt for every site of `cohort` and aggregates; returns the aggregate's path.
    static func encryptAndAggregate(_ dir: Scratch, _ cohort: SimulatedCohort, keys: SharedKeys,
                                    tag: String) throws -> String {
        var files: [String] = []
        for (i, site) in cohort.sites.enumerated() {
            let out = "\(tag)-site\(i).he"
            let r = try dir.run(["gwas", "encrypt", "--vcf", site.vcf, "--pheno", site.pheno, "--panel", cohort.panel,
                                 "--site", "site\(i)", "--public-key", keys.publicKey, "--out", out])
            try #require(r.status == 0, "gwas encrypt site\(i): \(r.stderr)")
            #expect(r.stderr.contains("site\(i): VCF samples:"), "site summary missing: \(r.stderr)")
            files.append(out)
        }
        if files.count == 1 { return files[0] }
        // Tree aggregation: (site0 + site1) + (site2 + site3 ...).
        let half = files.count / 2
        try #require(try dir.run(["aggregate", "--quiet", "--out", "\(tag)-a.he"] + files[..<half]).status == 0)
        try #require(try dir.run(["aggregate", "--quiet", "--out", "\(tag)-b.he"] + files[half...]).status == 0)
        let agg = "\(tag)-pooled.he"
        let r = try dir.run("aggregate", "--quiet", "--out", agg, "\(tag)-a.he", "\(tag)-b.he")
        try #require(r.status == 0, "\(r.stderr)")
        return agg
    }

    @Test("reports equal plink1.9 on the pooled VCF and scipy to 1e-9", .timeLimit(.minutes(5)),
          .enabled(if: Oracles.plinkUsable, "needs HE_TEST_PYTHON (numpy, scipy) and plink1.9 on PATH"),
          arguments: schemesUnderTest)
    func againstPlink(scheme: SchemeID) throws {
        let dir = Scratch()
        let seed = Oracles.environment["HE_COHORT_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1 ... 1 << 31)
        let context = "scheme \(scheme), cohort seed \(seed)"
        let cohort = try SimulatedCohort.make(in: dir.file("cohort"), samples: Self.samples, variants: Self.variants,
                                              sites: Self.sites, seed: seed, splitSeed: 1)
        try #require(cohort.sites.contains { $0.cases == 0 }, "\(context): the simulator plants a site without cases")
        let reference = dir.file("reference")
        try Oracles.python(["gwas_pooled_reference.py", "--cohort", cohort.directory, "--out", reference,
                            "--plink", try Oracles.requirePlink()])
        let keys = SharedKeys.for(scheme)
        let agg = try Self.encryptAndAggregate(dir, cohort, keys: keys, tag: "x")

        for (name, flags) in [("default", [String]()), ("kao", ["--keep-allele-order"])] {
            let r = try dir.run(["gwas", "report", "--secret-key", keys.secretKey, "--in", agg, "--out", name,
                                 "--assoc", "--model", "--hardy", "--freq", "--full"] + flags)
            try #require(r.status == 0, "\(context): \(r.stderr)")
            #expect(r.stderr.contains("contributing sites (\(Self.sites)): site0 site1 site2 site3"), "\(r.stderr)")
            try compareWithPlink(ours: dir.file(name), plink: reference + "/plink/" + name, context: "\(context), \(name)")
            try compareFullPrecision(ours: dir.file(name + ".gwas.tsv"), expected: reference + "/expected_\(name).tsv",
                                     context: "\(context), \(name)")
        }
        // plink1.9's --hardy midp and --cell 0 through the report's --hardy-midp and --cell.
        let options = try dir.run(["gwas", "report", "--secret-key", keys.secretKey, "--in", agg, "--out", "midp_cell0",
                                   "--assoc", "--model", "--hardy-midp", "--freq", "--cell", "0", "--quiet"])
        try #require(options.status == 0, "\(context): \(options.stderr)")
        try compareWithPlink(ours: dir.file("midp_cell0"), plink: reference + "/plink/midp_cell0",
                             context: "\(context), --hardy midp --cell 0")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("midp_cell0.hwe")))
            != Data(contentsOf: URL(fileURLWithPath: dir.file("default.hwe"))), "mid-p changes the HWE p-values")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("midp_cell0.model")))
            != Data(contentsOf: URL(fileURLWithPath: dir.file("default.model"))), "--cell 0 computes GENO/DOM/REC everywhere")
        // Default output set: .assoc, .frq and the full table.
        let r = try dir.run("gwas", "report", "--secret-key", keys.secretKey, "--in", agg, "--out", "plain", "--quiet")
        try #require(r.status == 0, "\(r.stderr)")
        #expect(dir.listing.filter { $0.hasPrefix("plain.") }.sorted() == ["plain.assoc", "plain.frq", "plain.gwas.tsv"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("plain.assoc")))
            == Data(contentsOf: URL(fileURLWithPath: dir.file("default.assoc"))))
    }

    /// Same SNP set and order, A1/A2 and integer counts identical, every number within PLINK's printing precision.
    func compareWithPlink(ours prefix: String, plink: String, context: String) throws {
        let exactColumns: [String: Set<String>] = [
            ".assoc": ["CHR", "SNP", "BP", "A1", "A2"], ".model": ["CHR", "SNP", "A1", "A2", "TEST", "AFF", "UNAFF", "DF"],
            ".hwe": ["CHR", "SNP", "TEST", "A1", "A2", "GENO"], ".frq": ["CHR", "SNP", "A1", "A2", "NCHROBS"],
        ]
        var identical = 0, total = 0
        for (ext, exact) in exactColumns {
            let theirs = try String(contentsOfFile: plink + ext, encoding: .utf8).split(separator: "\n")
            let ours = try String(contentsOfFile: prefix + ext, encoding: .utf8).split(separator: "\n")
            try #require(ours.count == theirs.count, "\(context): \(ext) has \(ours.count) lines, PLINK \(theirs.count)")
            #expect(ours.first == theirs.first, "\(context): \(ext) header")
            let header = theirs[0].split(separator: " ").map(String.init)
            for (n, (mine, reference)) in zip(ours, theirs).enumerated().dropFirst() {
                total += 1
                if mine == reference { identical += 1; continue }
                let a = mine.split(separator: " ").map(String.init), b = reference.split(separator: " ").map(String.init)
                try #require(a.count == b.count, "\(context): \(ext) line \(n + 1)\n ours: \(mine)\nplink: \(reference)")
                for (column, (x, y)) in zip(a, b).enumerated() where x != y {
                    let name = column < header.count ? header[column] : "?"
                    #expect(!exact.contains(name) && Oracles.withinPrintPrecision(x, y),
                            "\(context): \(ext) line \(n + 1) column \(name): ours \(x), PLINK \(y)")
                }
            }
        }
        // Differences in the last printed digit stay rare (ties in the fifth significant digit only).
        #expect(identical * 100 >= total * 97, "\(context): \(identical) of \(total) lines identical to PLINK")
    }

    /// The full-precision table against the scipy / exact-rational recomputation from the pooled genotypes.
    func compareFullPrecision(ours: String, expected: String, context: String) throws {
        let rows = try Oracles.readTSV(ours)
        let reference = try Oracles.readTSV(expected)
        try #require(rows.count == reference.count && !rows.isEmpty, "\(context): \(rows.count) vs \(reference.count) rows")
        for (row, ref) in zip(rows, reference) {
            let snp = ref["SNP"] ?? "?"
            #expect(row["SNP"] == snp)
            for (column, value) in ref where column != "SNP" {
                let mine = try #require(row[column], "\(context): column \(column) missing from the full table")
                if value == "NA" || ["A1", "A2", "NCHROBS", "DF_GENO"].contains(column) {
                    #expect(mine == value, "\(context): \(snp) \(column): ours \(mine), expected \(value)")
                    continue
                }
                let x = try #require(Double(mine), "\(context): \(snp) \(column) = \(mine)")
                let y = try #require(Double(value))
                let ok = Oracles.relativeError(x, y) < 1e-9 || abs(x - y) < 1e-300
                    || (column.hasPrefix("CHISQ") && abs(x - y) < 1e-12)
                #expect(ok, "\(context): \(snp) \(column): ours \(x), scipy \(y)")
            }
        }
    }

    @Test("the report does not depend on how samples are split across sites", .timeLimit(.minutes(5)),
          .enabled(if: Oracles.pythonUsable && (Oracles.bcftools != nil || Oracles.required),
                   "needs HE_TEST_PYTHON (numpy) for the cohort simulator and bcftools on PATH"))
    func splitIndependence() throws {
        let dir = Scratch()
        let seed = UInt64.random(in: 1 ... 1 << 31)
        let scheme = schemesUnderTest[schemesUnderTest.count - 1]
        let keys = SharedKeys.for(scheme)
        let cohort = try SimulatedCohort.make(in: dir.file("cohort"), samples: 300, variants: 120, sites: 4,
                                              seed: seed, splitSeed: 1)
        let bcftools = try #require(Oracles.bcftools, "bcftools is not on PATH")
        let pooled = cohort.directory + "/pooled.vcf.gz"
        let samples = try Oracles.run(bcftools, ["query", "-l", pooled]).split(separator: "\n").map(String.init)
        try #require(samples.count == 300)
        var g = SystemRandomNumberGenerator()
        var reports: [[String: Data]] = []
        // The same pooled samples as one site, and in two different random partitions over three sites.
        for (split, siteCount) in [(0, 1), (1, 3), (2, 3)] {
            var sites: [(vcf: String, pheno: String, samples: Int, cases: Int)] = []
            let shuffled = samples.shuffled(using: &g)
            // Distinct cut points: two equal ones would leave a site without samples, which gwas encrypt refuses.
            var cuts = Array((20 ... 280).shuffled(using: &g).prefix(siteCount - 1)).sorted()
            cuts = [0] + cuts + [samples.count]
            for k in 0 ..< siteCount {
                let members = shuffled[cuts[k] ..< cuts[k + 1]]
                let list = dir.file("split\(split)-site\(k).samples")
                dir.write(members.joined(separator: "\n") + "\n", to: "split\(split)-site\(k).samples")
                let vcf = dir.file("split\(split)-site\(k).vcf.gz")
                try Oracles.run(bcftools, ["view", "--force-samples", "-S", list, "-Oz", "-o", vcf, pooled])
                sites.append((vcf: vcf, pheno: cohort.directory + "/pooled.pheno", samples: members.count, cases: 0))
            }
            let part = SimulatedCohort(directory: cohort.directory, sites: sites)
            let agg = try Self.encryptAndAggregate(dir, part, keys: keys, tag: "split\(split)")
            let prefix = "split\(split)"
            let r = try dir.run("gwas", "report", "--secret-key", keys.secretKey, "--in", agg, "--out", prefix,
                                "--assoc", "--model", "--hardy", "--freq", "--full", "--quiet")
            try #require(r.status == 0, "\(r.stderr)")
            var files: [String: Data] = [:]
            for ext in [".assoc", ".model", ".hwe", ".frq", ".gwas.tsv"] {
                files[ext] = try Data(contentsOf: URL(fileURLWithPath: dir.file(prefix + ext)))
            }
            reports.append(files)
        }
        for ext in reports[0].keys.sorted() {
            #expect(reports[1][ext] == reports[0][ext], "seed \(seed): \(ext) of the first split differs from one site")
            #expect(reports[2][ext] == reports[0][ext], "seed \(seed): \(ext) of the second split differs from one site")
        }
    }
}
