import EncryptedStats
import Foundation
import HETestSupport
import Testing

/// What `gwas report` says about the whole study: the genomic-control lambda and the top hits.
@Suite("he-cli gwas report: genomic control and top hits")
struct GwasSummaryTests {
    @Test("lambda, the top hits and the plots agree with what independent scripts read from plink1.9's .assoc of the pooled VCF",
          .enabled(if: Oracles.plinkUsable, "needs HE_TEST_PYTHON and plink1.9"))
    func againstPlink() throws {
        let dir = Scratch()
        let keys = SharedKeys.for(.paillier)
        let plink = try OracleEnvironment.require(executable: "plink1.9")
        let cohort = try SimulatedCohort.make(in: dir.file("cohort"), samples: 400, variants: 80, sites: 4, seed: 21, splitSeed: 4)
        var files: [String] = []
        for (i, site) in cohort.sites.enumerated() {
            let r = try dir.run("gwas", "encrypt", "--vcf", site.vcf, "--pheno", site.pheno, "--panel", cohort.panel,
                                "--site", "site\(i)", "--public-key", keys.publicKey, "--out", "site\(i).he", "--quiet")
            try #require(r.status == 0, "\(r.stderr)")
            files.append("site\(i).he")
        }
        try #require(try dir.run(["aggregate", "--quiet", "--out", "pooled.he"] + files).status == 0)
        let report = try dir.run("gwas", "report", "--secret-key", keys.secretKey, "--in", "pooled.he", "--out", "ours", "--assoc",
                                 "--plots")
        try #require(report.status == 0, "\(report.stderr)")
        let reference = try ChildProcess.run(plink, ["--vcf", cohort.directory + "/pooled.vcf.gz", "--double-id",
                                                     "--vcf-half-call", "missing", "--pheno", cohort.directory + "/pooled.pheno",
                                                     "--allow-no-sex", "--assoc", "--out", "plink"], currentDirectory: dir.path)
        try #require(reference.status == 0, "\(reference.stdout)")
        let answer = try Oracles.python(["gwas_lambda.py", dir.file("plink.assoc"), "10"])
        let oracle = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any])
        let lines = report.stdout.split(separator: "\n").map(String.init)
        let lambdaLine = try #require(lines.first { $0.hasPrefix("genomic-control lambda") }, "\(report.stdout)")
        let tested = try #require(oracle["tested"] as? Int)
        #expect(lambdaLine.contains("over \(tested) variants): "), "\(lambdaLine)")
        let ours = try #require(Double(lambdaLine.split(separator: " ").last!), "\(lambdaLine)")
        let expected = try #require(oracle["lambda"] as? Double)
        // PLINK prints CHISQ to 4 significant digits; ours is printed to 4 decimals.
        #expect(abs(ours - expected) < 1e-3 * expected + 5e-5, "lambda \(ours) vs \(expected)")
        let header = try #require(lines.firstIndex(of: "CHR\tSNP\tBP\tA1\tA2\tP\tOR"), "\(report.stdout)")
        let top = lines[(header + 1)...].prefix(10).map { String($0.split(separator: "\t")[1]) }
        #expect(top == (oracle["top"] as? [String]), "ours \(top) vs \(String(describing: oracle["top"]))")

        // The plots parse as SVG (XML), have a point per tested variant, and their heights are PLINK's -log10 p.
        let plinkRows = try Oracles.readTSVWhitespace(dir.file("plink.assoc"))
        let pValues = plinkRows.compactMap { Double($0["P"] ?? "NA") }
        let highest = -log10(try #require(pValues.min()))
        for (file, isManhattan) in [("ours.manhattan.svg", true), ("ours.qq.svg", false)] {
            let answer = try Oracles.python(["svg_plot_check.py", dir.file(file)])
            let plot = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any], "\(answer)")
            #expect(plot["points"] as? Int == pValues.count, "\(file): \(plot)")
            let top = try #require(plot["max"] as? Double)
            #expect(abs(top - highest) < 0.02 * highest + 0.05, "\(file): highest point \(top) vs -log10 p \(highest)")
            let labels = plot["labels"] as? [String] ?? []
            if isManhattan {
                #expect(abs((plot["threshold"] as? Double ?? 0) - -log10(5e-8)) < 0.05, "\(file): \(plot)")
                #expect(labels.contains("Chromosome") && labels.contains("-log10(p)") && labels.contains("1"), "\(labels)")
            } else {
                #expect((plot["title"] as? String)?.hasSuffix("lambda = \(String(format: "%.4f", ours))") == true, "\(plot)")
                #expect(labels.contains("Expected -log10(p)") && labels.contains("Observed -log10(p)"), "\(labels)")
            }
        }
    }
}
