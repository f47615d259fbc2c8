import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

/// Confounding by site: a cohort whose sites differ in allele frequencies (Balding-Nichols, F_ST 0.05) and in case
/// fractions (0.2 / 0.8), with no true association (Tests/Oracles/simulate_structured.py), split into 3 and 7
/// sites. The pooled allelic test (.assoc) is inflated; the site-stratified test (.cmh) and the meta-analysis of
/// the sites' own logistic regressions (.meta) are not.
@Suite("Population structure across sites: pooled test inflated, adjusted tests not")
struct GwasStructureTests {
    /// The genomic-control lambda: median chi-square over its null median (0.4549364).
    static func lambda(_ statistics: [Double]) -> Double {
        let sorted = statistics.sorted()
        let n = sorted.count
        let median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        return median / 0.45493642311957283
    }

    /// Column `name` of a PLINK report, without NA.
    static func column(_ path: String, _ name: String) throws -> [Double] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: " ").map(String.init)
        let i = try #require(header.firstIndex(of: name), "\(path) has no column \(name)")
        return lines.dropFirst().compactMap { Double($0.split(separator: " ")[i]) }
    }

    /// The 1-df chi-square whose upper tail is `p` (bisection on the survival function).
    static func chiSquare(upperTail p: Double) -> Double {
        var lo = 0.0, hi = 400.0
        for _ in 0 ..< 200 {
            let mid = (lo + hi) / 2
            if ChiSquareDistribution.survival(mid, degreesOfFreedom: 1) > p { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    @Test("genomic-control lambda above 1.1 for the pooled .assoc, below for .cmh and .meta", .timeLimit(.minutes(3)),
          .enabled(if: Oracles.plinkUsable, "needs HE_TEST_PYTHON (numpy) and plink1.9 on PATH"),
          arguments: [3, 7])
    func confounding(sites: Int) throws {
        let dir = Scratch()
        let cohort = dir.file("cohort")
        // A fixed seed: with 500 null variants the lambdas of the adjusted tests scatter around 1 by about 0.07.
        try Oracles.python(["simulate_structured.py", "--out", cohort, "--sites", String(sites), "--samples", "1000",
                            "--variants", "500", "--seed", "1"])
        let keys = SharedKeys.for(.paillier)
        let plink = try Oracles.requirePlink()
        var counts: [String] = [], terms: [String] = [], sums: [String] = []
        for k in 0 ..< sites {
            let site = ["--vcf", "\(cohort)/site\(k).vcf", "--pheno", "\(cohort)/site\(k).pheno", "--panel", "\(cohort)/panel.tsv",
                        "--site", "site\(k)", "--public-key", keys.publicKey, "--quiet"]
            try #require(try dir.run(["gwas", "encrypt", "--out", "c\(k).he"] + site).status == 0)
            try #require(try dir.run(["gwas", "encrypt", "--mh", "--out", "t\(k).he"] + site).status == 0)
            // The site's own logistic regression, then its meta-analysis sums.
            try Oracles.run(plink, ["--vcf", "\(cohort)/site\(k).vcf", "--double-id", "--pheno", "\(cohort)/site\(k).pheno",
                                    "--allow-no-sex", "--threads", "1", "--logistic", "--ci", "0.95", "--out", dir.file("site\(k)")])
            let r = try dir.run("gwas", "meta-encrypt", "--results", dir.file("site\(k).assoc.logistic"), "--panel",
                                "\(cohort)/panel.tsv", "--site", "site\(k)", "--public-key", keys.publicKey, "--out", "m\(k).he",
                                "--quiet")
            try #require(r.status == 0, "\(r.stderr)")
            counts.append("c\(k).he"); terms.append("t\(k).he"); sums.append("m\(k).he")
        }
        for (name, files) in [("counts", counts), ("terms", terms), ("sums", sums)] {
            try #require(try dir.run(["aggregate", "--quiet", "--out", "\(name).he"] + files).status == 0)
        }
        let report = ["gwas", "report", "--secret-key", keys.secretKey, "--quiet"]
        try #require(try dir.run(report + ["--in", "counts.he", "--out", "pooled", "--assoc"]).status == 0)
        try #require(try dir.run(report + ["--in", "terms.he", "--out", "pooled", "--mh"]).status == 0)
        try #require(try dir.run(report + ["--in", "sums.he", "--out", "pooled", "--meta"]).status == 0)

        let pooled = Self.lambda(try Self.column(dir.file("pooled.assoc"), "CHISQ"))
        let stratified = Self.lambda(try Self.column(dir.file("pooled.cmh"), "CHISQ"))
        let meta = Self.lambda(try Self.column(dir.file("pooled.meta"), "P").map { Self.chiSquare(upperTail: $0) })
        #expect(pooled > 1.1, "\(sites) sites: lambda of the pooled allelic test \(pooled)")
        #expect(stratified < 1.1, "\(sites) sites: lambda of the site-stratified test \(stratified)")
        #expect(meta < 1.1, "\(sites) sites: lambda of the meta-analysis \(meta)")

        // The stratified test of this cohort is PLINK's, with the sites as clusters.
        try Oracles.run(plink, ["--vcf", "\(cohort)/pooled.vcf", "--double-id", "--pheno", "\(cohort)/pooled.pheno",
                                "--allow-no-sex", "--threads", "1", "--mh", "--within", "\(cohort)/sites.clusters",
                                "--out", dir.file("plink")])
        try GwasMantelHaenszelTests.compare(ours: dir.file("pooled.cmh"), plink: dir.file("plink.cmh"),
                                            context: "structured cohort, \(sites) sites")
    }
}
