import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

/// The site-stratified allelic test through the built binary: gwas encrypt --mh per site -> aggregate ->
/// gwas report --mh, compared with plink1.9 --mh --within (the sites as clusters) on the pooled VCF.
@Suite("he-cli gwas --mh (site-stratified allelic test)")
struct GwasMantelHaenszelTests {
    /// `name name siteK` for every sample of every site's phenotype file (PLINK --within, FID = IID with --double-id).
    static func clusterFile(_ cohort: SimulatedCohort, in dir: Scratch) throws -> String {
        var lines: [String] = []
        for (k, site) in cohort.sites.enumerated() {
            for line in try String(contentsOfFile: site.pheno, encoding: .utf8).split(separator: "\n") {
                guard let name = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init),
                      name.count == 7, name.hasPrefix("s"), name.dropFirst().allSatisfy(\.isNumber) else { continue }
                lines.append("\(name) \(name) site\(k)")
            }
        }
        dir.write(lines.joined(separator: "\n") + "\n", to: "sites.clusters")
        return dir.file("sites.clusters")
    }

    /// Encrypts every site's terms with --mh and sums them; returns the aggregate.
    static func encryptAndAggregate(_ dir: Scratch, _ cohort: SimulatedCohort, keys: SharedKeys,
                                    extra: (Int) -> [String] = { _ in [] },
                                    environment: [String: String?] = [:]) throws -> (aggregate: String, sites: [String]) {
        var files: [String] = []
        for (i, site) in cohort.sites.enumerated() {
            let out = "site\(i).mh.he"
            let r = try dir.run(environment: environment, ["gwas", "encrypt", "--mh", "--vcf", site.vcf, "--pheno", site.pheno,
                                                           "--panel", cohort.panel, "--site", "site\(i)", "--public-key",
                                                           keys.publicKey, "--out", out] + extra(i))
            try #require(r.status == 0, "gwas encrypt --mh site\(i): \(r.stderr)")
            #expect(r.stdout.contains("encrypted Mantel-Haenszel terms of"), "\(r.stdout)")
            files.append(out)
        }
        let r = try dir.run(environment: environment, ["aggregate", "--quiet", "--out", "pooled.mh.he"] + files)
        try #require(r.status == 0, "\(r.stderr)")
        return ("pooled.mh.he", files)
    }

    /// Same SNPs in the same order, CHR SNP BP A1 A2 identical, every number within PLINK's printing precision.
    static func compare(ours: String, plink: String, context: String) throws {
        let mine = try String(contentsOfFile: ours, encoding: .utf8).split(separator: "\n")
        let theirs = try String(contentsOfFile: plink, encoding: .utf8).split(separator: "\n")
        try #require(mine.count == theirs.count && mine.count > 1, "\(context): \(mine.count) lines, PLINK \(theirs.count)")
        #expect(mine[0] == theirs[0], "\(context): header\n ours: \(mine[0])\nplink: \(theirs[0])")
        let header = theirs[0].split(separator: " ").map(String.init)
        var identical = 0, numeric = 0
        for (n, (a, b)) in zip(mine, theirs).enumerated().dropFirst() {
            if a == b { identical += 1 }
            let x = a.split(separator: " ").map(String.init), y = b.split(separator: " ").map(String.init)
            try #require(x.count == y.count, "\(context): line \(n + 1)\n ours: \(a)\nplink: \(b)")
            for (column, (u, v)) in zip(x, y).enumerated() {
                let name = column < header.count ? header[column] : "?"
                if ["CHR", "SNP", "BP", "A1", "A2"].contains(name) || u == "NA" || v == "NA" {
                    #expect(u == v, "\(context): line \(n + 1) column \(name): ours \(u), PLINK \(v)")
                } else {
                    if Double(v) != nil && v != "0" { numeric += 1 }
                    #expect(u == v || Oracles.withinPrintPrecision(u, v),
                            "\(context): line \(n + 1) column \(name): ours \(u), PLINK \(v)")
                }
            }
        }
        #expect(identical * 100 >= (mine.count - 1) * 95, "\(context): \(identical) of \(mine.count - 1) lines identical")
        // The comparison is not vacuous: most variants have a test.
        #expect(numeric > (mine.count - 1) * 4, "\(context): only \(numeric) numbers compared")
    }

    @Test("PREFIX.cmh equals plink1.9 --mh --within <sites> on the pooled VCF, with and without --keep-allele-order",
          .timeLimit(.minutes(3)),
          .enabled(if: Oracles.plinkUsable, "needs HE_TEST_PYTHON (numpy) and plink1.9 on PATH"))
    func againstPlink() throws {
        let dir = Scratch()
        let seed = Oracles.environment["HE_COHORT_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1 ... 1 << 31)
        let context = "cohort seed \(seed)"
        let cohort = try SimulatedCohort.make(in: dir.file("cohort"), samples: 500, variants: 160, sites: 4, seed: seed,
                                              splitSeed: 2)
        let clusters = try Self.clusterFile(cohort, in: dir)
        let plink = try Oracles.requirePlink()
        for (name, flags) in [("default", [String]()), ("kao", ["--keep-allele-order"])] {
            try Oracles.run(plink, ["--vcf", cohort.directory + "/pooled.vcf.gz", "--double-id", "--vcf-half-call", "missing",
                                    "--pheno", cohort.directory + "/pooled.pheno", "--allow-no-sex", "--threads", "1",
                                    "--mh", "--within", clusters, "--out", dir.file("plink-" + name)] + flags)
        }
        let keys = SharedKeys.for(.paillier)
        let (agg, _) = try Self.encryptAndAggregate(dir, cohort, keys: keys)
        for (name, flags) in [("default", [String]()), ("kao", ["--keep-allele-order"])] {
            let r = try dir.run(["gwas", "report", "--mh", "--secret-key", keys.secretKey, "--in", agg, "--out", name] + flags)
            try #require(r.status == 0, "\(context): \(r.stderr)")
            #expect(r.stderr.contains("contributing sites (4): site0 site1 site2 site3"), "\(r.stderr)")
            #expect(r.stdout.contains("wrote \(dir.file(name)).cmh") || r.stdout.contains("wrote \(name).cmh"), "\(r.stdout)")
            #expect(dir.listing.filter { $0.hasPrefix(name + ".") } == [name + ".cmh"])
            let mode = try FileManager.default.attributesOfItem(atPath: dir.file(name + ".cmh"))[.posixPermissions] as? Int
            #expect(mode == 0o600)
            try Self.compare(ours: dir.file(name + ".cmh"), plink: dir.file("plink-\(name).cmh"), context: "\(context), \(name)")
        }
    }

    @Test("wrong inputs are refused with the fix: BFV keys, counts vs terms, --mh with count-report flags")
    func refusals() throws {
        let dir = Scratch()
        // A two-variant site, written by hand.
        dir.write("CHR\tPOS\tID\tREF\tALT\n1\t100\trs1\tA\tG\n1\t200\trs2\tC\tT\n", to: "panel.tsv")
        var vcf = "##fileformat=VCFv4.2\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
        vcf += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ts1\ts2\ts3\ts4\n"
        vcf += "1\t100\trs1\tA\tG\t.\t.\t.\tGT\t0/1\t1/1\t0/0\t0/1\n1\t200\trs2\tC\tT\t.\t.\t.\tGT\t0/0\t0/1\t0/1\t1/1\n"
        dir.write(vcf, to: "site.vcf")
        dir.write("s1 s1 2\ns2 s2 2\ns3 s3 1\ns4 s4 1\n", to: "site.pheno")
        let site = ["--vcf", "site.vcf", "--pheno", "site.pheno", "--panel", "panel.tsv", "--site", "a"]

        let bfv = SharedKeys.for(.bfv)
        let refused = try dir.run(["gwas", "encrypt", "--mh", "--public-key", bfv.publicKey, "--out", "bfv.mh.he"] + site)
        #expect(refused.status != 0 && refused.stderr.contains("use a Paillier key"), "\(refused.stderr)")
        #expect(!dir.listing.contains("bfv.mh.he"))

        let keys = SharedKeys.for(.paillier)
        try #require(try dir.run(["gwas", "encrypt", "--mh", "--public-key", keys.publicKey, "--out", "a.mh.he", "--quiet"]
                                 + site).status == 0)
        try #require(try dir.run(["gwas", "encrypt", "--public-key", keys.publicKey, "--out", "a.gwas.he", "--quiet"]
                                 + site).status == 0)
        #expect(try ContainerReader.readHeader(dir.file("a.mh.he")).schema?.kind == .gwasMantelHaenszel)

        let counts = try dir.run("gwas", "report", "--mh", "--secret-key", keys.secretKey, "--in", "a.gwas.he", "--out", "x")
        #expect(counts.status != 0 && counts.stderr.contains("a.gwas.he: expected site-stratified (Mantel-Haenszel) terms")
                && counts.stderr.contains("report them with he-cli gwas report without --mh or --meta"), "\(counts.stderr)")
        let terms = try dir.run("gwas", "report", "--secret-key", keys.secretKey, "--in", "a.mh.he", "--out", "x")
        #expect(terms.status != 0 && terms.stderr.contains("report them with he-cli gwas report --mh"), "\(terms.stderr)")
        let flags = try dir.run("gwas", "report", "--mh", "--assoc", "--secret-key", keys.secretKey, "--in", "a.mh.he",
                                "--out", "x")
        #expect(flags.status != 0 && flags.stderr.contains("--mh writes only PREFIX.cmh"), "\(flags.stderr)")
        #expect(!dir.listing.contains { $0.hasPrefix("x.") }, "no partial output")

        // One site: the test of its single stratum, in PLINK's layout.
        let one = try dir.run("gwas", "report", "--mh", "--secret-key", keys.secretKey, "--in", "a.mh.he", "--out", "one",
                              "--quiet")
        try #require(one.status == 0, "\(one.stderr)")
        let lines = try String(contentsOfFile: dir.file("one.cmh"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines[0].hasPrefix(" CHR  SNP         BP   A1      MAF   A2      CHISQ"), "\(lines)")
    }

    @Test("under a study's policy: refused with too few sites, rare variants withheld, the release logged",
          .timeLimit(.minutes(3)),
          .enabled(if: Oracles.pythonUsable, "needs HE_TEST_PYTHON (numpy) for the simulated cohort"))
    func signedRelease() throws {
        let dir = Scratch()
        let env: [String: String?] = ["HE_TOOLKIT_STATE": dir.file("state")]
        let keys = SharedKeys.for(.paillier)
        let cohort = try SimulatedCohort.make(in: dir.file("cohort"), samples: 200, variants: 40, sites: 4, seed: 11,
                                              splitSeed: 1)
        let m = try makeStudy(dir, env, keys: keys, sites: ["site0", "site1", "site2", "site3"],
                              maxValue: "1000000000000000", policy: ["--min-sites", "3", "--gwas-min-mac", "20"])
        let (agg, files) = try Self.encryptAndAggregate(dir, cohort, keys: keys, extra: { i in
            ["--manifest", m, "--signing-key", "site\(i)/signing.key"]
        }, environment: env)
        try #require(try dir.run(environment: env, "site-key", "generate", "--out", "logkey", "--quiet").status == 0)
        try #require(try dir.run(environment: env, ["aggregate", "--manifest", m, "--out", "two.he"] + files.prefix(2)).status == 0)
        let log = ["--log", "releases.helog", "--log-key", "logkey/signing.key"]
        let report = ["gwas", "report", "--mh", "--secret-key", keys.secretKey, "--manifest", m] + log

        let two = try dir.run(environment: env, report + ["--in", "two.he", "--out", "two", "--inputs"] + files.prefix(2))
        #expect(two.status != 0 && two.stderr.contains("refused by the study's release policy"), "\(two.stderr)")
        #expect(!dir.listing.contains("two.cmh"))

        // decrypt does not release the terms under a small-cell policy: gwas report --mh does, withholding rare variants.
        let decrypt = try dir.run(environment: env, ["decrypt", "--secret-key", keys.secretKey, "--in", agg, "--out", "t.csv",
                                                     "--manifest", m, "--inputs"] + files)
        #expect(decrypt.status != 0 && decrypt.stderr.contains("gwas report --mh"), "\(decrypt.stderr)")
        #expect(!dir.listing.contains("t.csv"))
        let r = try dir.run(environment: env, report + ["--in", agg, "--out", "signed", "--inputs"] + files)
        try #require(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("withheld"), "\(r.stderr)")
        let plain = try dir.run(environment: env, "gwas", "report", "--mh", "--secret-key", keys.secretKey, "--in", agg,
                                "--out", "plain", "--quiet")
        try #require(plain.status == 0, "\(plain.stderr)")
        let signed = try String(contentsOfFile: dir.file("signed.cmh"), encoding: .utf8).split(separator: "\n")
        let all = try String(contentsOfFile: dir.file("plain.cmh"), encoding: .utf8).split(separator: "\n")
        #expect(signed.count > 1 && signed.count < all.count, "\(signed.count) of \(all.count)")
        #expect(Set(signed).isSubset(of: Set(all)))
        let show = try dir.run("audit", "show", "--log", "releases.helog", "--format", "json")
        try #require(show.status == 0, "\(show.stderr)")
        let entries = show.stdout.split(separator: "\n").map(String.init)
        #expect(entries.count == 2, "\(entries)")
        let digest = Fingerprint(sha256Of: Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("signed.cmh"))))).hex
        #expect(entries.last?.contains(digest) == true && entries.last?.contains("\"variants\":\(all.count - signed.count)") == true,
                "\(entries)")
        #expect(FileManager.default.fileExists(atPath: dir.file("signed.release.json")))
    }
}
