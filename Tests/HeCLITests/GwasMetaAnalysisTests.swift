import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

/// The encrypted fixed-effect meta-analysis through the built binary: each site runs plink1.9 --logistic (with a
/// covariate) or --linear on its own samples, gwas meta-encrypt -> aggregate -> gwas report --meta, compared with
/// plink1.9 --meta-analysis on the same per-site files.
@Suite("he-cli gwas meta-encrypt / report --meta (fixed-effect meta-analysis)")
struct GwasMetaAnalysisTests {
    /// The panel's REF and ALT by variant ID.
    static func panelAlleles(_ path: String) throws -> [String: (ref: String, alt: String)] {
        var out: [String: (String, String)] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard f.count == 5, f[0] != "CHR" else { continue }
            out[f[2]] = (f[3], f[4])
        }
        return out
    }

    /// A copy of a PLINK results file with an A2 column after A1 (the panel's other allele), so that plink1.9
    /// --meta-analysis can align studies whose A1 differs, as gwas meta-encrypt does against the panel.
    static func withA2(_ path: String, panel: [String: (ref: String, alt: String)], to out: String) throws {
        var lines: [String] = []
        for (i, line) in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").enumerated() {
            var f = line.split(separator: " ").map(String.init)
            if i == 0 {
                f.insert("A2", at: 4)
            } else {
                let alleles = try #require(panel[f[1]], "\(f[1]) not in the panel")
                f.insert(f[3] == alleles.alt ? alleles.ref : alleles.alt, at: 4)
            }
            lines.append(f.joined(separator: " "))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
    }

    /// Number of units of the last printed decimal between two fixed-decimal renderings (nil if not numbers).
    static func fixedDistance(_ a: String, _ b: String) -> Double? {
        guard let x = Double(a), let y = Double(b) else { return nil }
        let decimals = a.split(separator: ".").last.map(\.count) ?? 0
        return abs(x - y) * pow(10, Double(decimals))
    }

    static func compare(ours: String, plink: String, context: String) throws {
        let mine = try String(contentsOfFile: ours, encoding: .utf8).split(separator: "\n")
        let theirs = try String(contentsOfFile: plink, encoding: .utf8).split(separator: "\n")
        try #require(mine.count == theirs.count && mine.count > 20, "\(context): \(mine.count) lines, PLINK \(theirs.count)")
        #expect(mine[0] == theirs[0], "\(context): header\n ours: \(mine[0])\nplink: \(theirs[0])")
        let header = theirs[0].split(separator: " ").map(String.init)
        var identical = 0
        for (n, (a, b)) in zip(mine, theirs).enumerated().dropFirst() {
            let x = a.split(separator: " ").map(String.init), y = b.split(separator: " ").map(String.init)
            try #require(x.count == y.count && x.count == header.count, "\(context): line \(n + 1)\n ours: \(a)\nplink: \(b)")
            var same = true
            for (column, (u, v)) in zip(x, y).enumerated() {
                let name = header[column]
                switch name {
                case "P(R)", "OR(R)", "BETA(R)":
                    #expect(u == "NA", "\(context): line \(n + 1): \(name) is \(u)")
                case "P":
                    #expect(u == v || Oracles.withinPrintPrecision(u, v), "\(context): line \(n + 1) P: ours \(u), PLINK \(v)")
                    same = same && u == v
                case "OR", "BETA", "Q", "I":
                    #expect(u == v || (Self.fixedDistance(u, v) ?? 9) <= 1.000001,
                            "\(context): line \(n + 1) \(name): ours \(u), PLINK \(v)")
                    same = same && u == v
                default:
                    #expect(u == v, "\(context): line \(n + 1) \(name): ours \(u), PLINK \(v)")
                }
            }
            if same { identical += 1 }
        }
        #expect(identical * 100 >= (mine.count - 1) * 95, "\(context): \(identical) of \(mine.count - 1) lines identical")
    }

    @Test("PREFIX.meta equals plink1.9 --meta-analysis on the sites' --logistic --covar and --linear results",
          .timeLimit(.minutes(3)),
          .enabled(if: Oracles.plinkUsable, "needs HE_TEST_PYTHON (numpy) and plink1.9 on PATH"),
          arguments: [3, 7])
    func againstPlink(sites: Int) throws {
        let dir = Scratch()
        let seed = Oracles.environment["HE_COHORT_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1 ... 1 << 31)
        let context = "\(sites) sites, cohort seed \(seed)"
        let cohort = try SimulatedCohort.make(in: dir.file("cohort"), samples: 150 * sites + 150, variants: 160,
                                              sites: sites + 1, seed: seed, splitSeed: 3)
        let plink = try Oracles.requirePlink()
        let panel = try Self.panelAlleles(cohort.panel)
        // Sites 1 to `sites` (site 0 of the simulator has no cases); a covariate and a quantitative trait for everyone.
        var g = SystemRandomNumberGenerator()
        var covar = ["FID IID PC1"], trait = ["FID IID Q"]
        for k in 1 ... sites {
            var members: [String] = []
            for line in try String(contentsOfFile: cohort.sites[k].pheno, encoding: .utf8).split(separator: "\n") {
                guard let name = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init),
                      name.count == 7, name.hasPrefix("s"), name.dropFirst().allSatisfy(\.isNumber) else { continue }
                members.append("\(name) \(name)")
                covar.append("\(name) \(name) \(Double(Int.random(in: -30000 ... 30000, using: &g)) / 10000)")
                trait.append("\(name) \(name) \(Double(Int.random(in: 50000 ... 150000, using: &g)) / 10000)")
            }
            dir.write(members.joined(separator: "\n") + "\n", to: "site\(k).keep")
        }
        dir.write(covar.joined(separator: "\n") + "\n", to: "covar.txt")
        dir.write(trait.joined(separator: "\n") + "\n", to: "trait.txt")
        let keys = SharedKeys.for(.paillier)
        for (model, extension_, plinkFlags) in [
            ("logistic", "assoc.logistic", ["--pheno", cohort.directory + "/pooled.pheno", "--logistic", "--covar", dir.file("covar.txt")]),
            ("linear", "assoc.linear", ["--pheno", dir.file("trait.txt"), "--linear"]),
        ] {
            var siteFiles: [String] = [], plinkInputs: [String] = []
            for k in 1 ... sites {
                let prefix = dir.file("\(model)-site\(k)")
                // Site 1 reports ALT as A1 (the first file fixes PLINK's A1); the others their minor allele.
                try Oracles.run(plink, ["--vcf", cohort.directory + "/pooled.vcf.gz", "--double-id", "--vcf-half-call", "missing",
                                        "--allow-no-sex", "--threads", "1", "--keep", dir.file("site\(k).keep"), "--ci", "0.95",
                                        "--out", prefix] + plinkFlags + (k == 1 ? ["--keep-allele-order"] : []))
                let results = prefix + "." + extension_
                try Self.withA2(results, panel: panel, to: prefix + ".a2")
                plinkInputs.append(prefix + ".a2")
                let out = "\(model)-site\(k).meta.he"
                let r = try dir.run("gwas", "meta-encrypt", "--results", results, "--panel", cohort.panel, "--site", "site\(k)",
                                    "--public-key", keys.publicKey, "--out", out)
                try #require(r.status == 0, "\(context): meta-encrypt \(model) site\(k): \(r.stderr)")
                #expect(r.stderr.contains("site\(k): results: "), "\(r.stderr)")
                if model == "logistic" { #expect(r.stderr.contains("rows of other tests (covariates), ignored"), "\(r.stderr)") }
                siteFiles.append(out)
            }
            let agg = "\(model).meta.he"
            try #require(try dir.run(["aggregate", "--quiet", "--out", agg] + siteFiles).status == 0)
            try Oracles.run(plink, ["--meta-analysis"] + plinkInputs + (model == "linear" ? ["+", "qt"] : [])
                            + ["--out", dir.file("plink-" + model)])
            let r = try dir.run("gwas", "report", "--meta", "--secret-key", keys.secretKey, "--in", agg, "--out", model)
            try #require(r.status == 0, "\(context): \(r.stderr)")
            let names = (1 ... sites).map { "site\($0)" }.sorted().joined(separator: " ")
            #expect(r.stderr.contains("contributing sites (\(sites)): \(names)"), "\(r.stderr)")
            #expect(dir.listing.filter { $0.hasPrefix(model + ".") && !$0.hasSuffix(".he") } == [model + ".meta"])
            try Self.compare(ours: dir.file(model + ".meta"), plink: dir.file("plink-\(model).meta"), context: "\(context), \(model)")
        }
        // Logistic and linear sums cannot be summed together.
        let mixed = try dir.run("aggregate", "--out", "mixed.he", "logistic-site1.meta.he", "linear-site2.meta.he")
        #expect(mixed.status != 0 && mixed.stderr.contains("'w_logor' vs 'w_beta'"), "\(mixed.stderr)")
    }

    @Test("bad results files are refused naming the file, line and field; wrong keys and aggregates with the fix")
    func refusals() throws {
        let dir = Scratch()
        dir.write("CHR\tPOS\tID\tREF\tALT\n1\t100\trs1\tA\tG\n1\t200\trs2\tC\tT\n", to: "panel.tsv")
        let header = " CHR SNP BP A1 TEST NMISS OR SE L95 U95 STAT P\n"
        let keys = SharedKeys.for(.paillier)
        func encrypt(_ text: String, key: String = keys.publicKey) throws -> RunResult {
            dir.write(text, to: "r.assoc.logistic")
            return try dir.run("gwas", "meta-encrypt", "--results", "r.assoc.logistic", "--panel", "panel.tsv", "--site", "a",
                               "--public-key", key, "--out", "a.meta.he", "--quiet")
        }
        let cases: [(String, String)] = [
            (header + " 1 rs1 100 C ADD 50 1.2 0.3 0.6 2.1 0.6 0.5\n",
             "r.assoc.logistic:2: field A1: expected the panel's REF 'A' or ALT 'G' of rs1, found 'C'"),
            (" CHR SNP BP A1 TEST NMISS OR STAT P\n 1 rs1 100 G ADD 50 1.2 0.6 0.5\n",
             "r.assoc.logistic:1: field header: expected a column SE or LOG(OR)_SE"),
            (header + " 1 rs1 100 G ADD 50 1.2 0.3 0.6 2.1 0.6 0.5\n 1 rs1 100 G ADD 50 1.2 0.3 0.6 2.1 0.6 0.5\n",
             "r.assoc.logistic:3: field SNP: 'rs1' already appears on line 2"),
            (header + " 1 rs1 100 G ADD 50 1.2 0 0.6 2.1 0.6 0.5\n", "field SE: expected a positive standard error, found '0'"),
            (header + " 1 rs1 100 G ADD 50 -1 0.3 0.6 2.1 0.6 0.5\n", "field OR: expected a positive odds ratio"),
            (header + " 1 rs9 100 G ADD 50 1.2 0.3 0.6 2.1 0.6 0.5\n 1 rs1 100 G ADD 0 NA NA NA NA NA NA\n",
             "none of its 2 result lines gives an estimate"),
            (header + " 1 rs1 100 G ADD 50 1.2 0.000001 0.6 2.1 0.6 0.5\n", "variant rs1: beta"),
        ]
        for (text, message) in cases {
            let r = try encrypt(text)
            #expect(r.status == 65 && r.stderr.contains(message), "\(message): exit \(r.status), \(r.stderr)")
            #expect(!dir.listing.contains("a.meta.he"))
        }
        let good = header + " 1 rs1 100 G ADD 50 1.2 0.3 0.6 2.1 0.6 0.5\n 1 rs2 200 C ADD 50 0.8 0.2 0.6 2.1 0.6 0.5\n"
        let bfv = try encrypt(good, key: SharedKeys.for(.bfv).publicKey)
        #expect(bfv.status != 0 && bfv.stderr.contains("use a Paillier key"), "\(bfv.stderr)")
        try #require(try encrypt(good).status == 0)
        #expect(try ContainerReader.readHeader(dir.file("a.meta.he")).schema?.kind == .gwasMetaAnalysis)
        let counts = try dir.run("gwas", "report", "--secret-key", keys.secretKey, "--in", "a.meta.he", "--out", "x")
        #expect(counts.status == 65 && counts.stderr.contains("report them with he-cli gwas report --meta"), "\(counts.stderr)")
        let mh = try dir.run("gwas", "report", "--mh", "--secret-key", keys.secretKey, "--in", "a.meta.he", "--out", "x")
        #expect(mh.status == 65 && mh.stderr.contains("meta-analysis sums (from he-cli gwas meta-encrypt)"), "\(mh.stderr)")
        let flags = try dir.run("gwas", "report", "--meta", "--freq", "--secret-key", keys.secretKey, "--in", "a.meta.he",
                                "--out", "x")
        #expect(flags.status == 64 && flags.stderr.contains("--meta writes only PREFIX.meta"), "\(flags.stderr)")
        // One study: no variant has two estimates, so the file has only its header (as PLINK without report-all).
        let one = try dir.run("gwas", "report", "--meta", "--secret-key", keys.secretKey, "--in", "a.meta.he", "--out", "one",
                              "--quiet")
        try #require(one.status == 0, "\(one.stderr)")
        #expect(try String(contentsOfFile: dir.file("one.meta"), encoding: .utf8).split(separator: "\n").count == 1)
    }

    @Test("under a study's policy: too few sites refused before decryption and logged, the release logged")
    func signedRelease() throws {
        let dir = Scratch()
        let env: [String: String?] = ["HE_TOOLKIT_STATE": dir.file("state")]
        let keys = SharedKeys.for(.paillier)
        dir.write("CHR\tPOS\tID\tREF\tALT\n1\t100\trs1\tA\tG\n1\t200\trs2\tC\tT\n", to: "panel.tsv")
        let m = try makeStudy(dir, env, keys: keys, sites: ["a", "b", "c"], maxValue: "10000000000000000",
                              policy: ["--min-sites", "3"])
        var files: [String] = []
        for (i, site) in ["a", "b", "c"].enumerated() {
            dir.write(" CHR SNP BP A1 TEST NMISS BETA SE L95 U95 STAT P\n 1 rs1 100 G ADD 50 0.\(i + 1) 0.3 0 0 0 0.5\n"
                      + " 1 rs2 200 C ADD 50 -0.2 0.\(i + 2) 0 0 0 0.5\n", to: "\(site).assoc.linear")
            let r = try dir.run(environment: env, "gwas", "meta-encrypt", "--results", "\(site).assoc.linear", "--panel",
                                "panel.tsv", "--site", site, "--public-key", keys.publicKey, "--out", "\(site).he",
                                "--manifest", m, "--signing-key", "\(site)/signing.key", "--quiet")
            try #require(r.status == 0, "\(r.stderr)")
            files.append("\(site).he")
        }
        try #require(try dir.run(environment: env, "site-key", "generate", "--out", "logkey", "--quiet").status == 0)
        try #require(try dir.run(environment: env, ["aggregate", "--manifest", m, "--out", "all.he"] + files).status == 0)
        try #require(try dir.run(environment: env, ["aggregate", "--manifest", m, "--out", "two.he"] + files.prefix(2)).status == 0)
        let report = ["gwas", "report", "--meta", "--secret-key", keys.secretKey, "--manifest", m,
                      "--log", "releases.helog", "--log-key", "logkey/signing.key"]
        let two = try dir.run(environment: env, report + ["--in", "two.he", "--out", "two", "--inputs"] + files.prefix(2))
        #expect(two.status != 0 && two.stderr.contains("refused by the study's release policy"), "\(two.stderr)")
        #expect(!dir.listing.contains("two.meta"))
        let r = try dir.run(environment: env, report + ["--in", "all.he", "--out", "all", "--inputs"] + files)
        try #require(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: dir.file("all.meta"), encoding: .utf8)
        // rs2 (effect given for A1 = C = REF): the pooled BETA of ALT is +0.2.
        #expect(text.contains("rs2   T   C   3") && text.contains(" 0.2000 "), "\(text)")
        let show = try dir.run("audit", "show", "--log", "releases.helog", "--format", "json")
        let entries = show.stdout.split(separator: "\n").map(String.init)
        let digest = Fingerprint(sha256Of: Array(text.utf8)).hex
        #expect(entries.count == 2 && entries[1].contains(digest), "\(entries)")
        #expect(FileManager.default.fileExists(atPath: dir.file("all.release.json")))
    }
}
