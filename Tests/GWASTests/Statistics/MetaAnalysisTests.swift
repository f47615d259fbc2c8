import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

/// Reading and aligning sites' PLINK results, and the fixed-effect meta-analysis from summed fixed-point values,
/// against a direct floating-point computation from the studies' estimates.
@Suite("Meta-analysis: results files, fixed point, pooled statistics")
struct MetaAnalysisTests {
    static let panel = [
        PanelVariant(chrom: "1", pos: 100, id: "rs1", ref: "A", alt: "G"),
        PanelVariant(chrom: "1", pos: 200, id: "rs2", ref: "C", alt: "T"),
        PanelVariant(chrom: "2", pos: 300, id: "rs3", ref: "G", alt: "A"),
    ]

    @Test("PLINK results are aligned to the panel: ADD rows only, ln OR, A1 = REF negated, NA sent as absent")
    func reading() throws {
        let dir = ScratchDirectory()
        let path = dir.file("site.assoc.logistic")
        try (" CHR SNP BP A1 TEST NMISS OR SE L95 U95 STAT P\n"
             + " 1 rs1 100 G ADD 80 2 0.25 0 0 0 0.1\n 1 rs1 100 G COV1 80 9 0.5 0 0 0 0.1\n"
             + " 1 rs2 200 C ADD 80 0.5 0.4 0 0 0 0.1\n 2 rs3 300 A ADD 0 NA NA NA NA NA NA\n"
             + " 3 rs9 400 A ADD 80 1.1 0.1 0 0 0 0.1\n").write(toFile: path, atomically: true, encoding: .utf8)
        let (estimates, summary) = try RegressionResults.read(path: path, panel: Self.panel)
        #expect(estimates[0] == AlignedEstimate(beta: log(2), standardError: 0.25))
        #expect(estimates[1] == AlignedEstimate(beta: -log(0.5), standardError: 0.4))
        #expect(estimates[2] == nil)
        #expect(summary.oddsRatios && summary.matched == 2 && summary.flipped == 1 && summary.missing == 1
                && summary.notInPanel == 1 && summary.otherTests == 1)

        // PLINK 2 --glm names, with A2 checked against the panel.
        try ("#CHROM POS ID REF ALT A1 A2 TEST OBS_CT BETA SE T_STAT P\n1 100 rs1 A G A G ADD 80 0.3 0.1 3 0.01\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let glm = try RegressionResults.read(path: path, panel: Self.panel)
        #expect(glm.estimates[0] == AlignedEstimate(beta: -0.3, standardError: 0.1) && !glm.summary.oddsRatios)
        try ("ID A1 A2 BETA SE\nrs1 A T 0.3 0.1\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: GwasError.inputField(path: path, line: 2, field: "A2", expected: "the panel's other allele 'G' of rs1",
                                             found: "T")) {
            try RegressionResults.read(path: path, panel: Self.panel)
        }
    }

    @Test("summed site values give the inverse-variance estimate, SE, p, Q and I^2 of the studies", arguments: [2, 3, 7])
    func againstDirect(studies: Int) throws {
        var g = SystemRandomNumberGenerator()
        for _ in 0 ..< 100 {
            let heterogeneity = Double.random(in: 0 ... 0.5, using: &g)
            let estimates = (0 ..< studies).map { _ in
                AlignedEstimate(beta: 0.2 + Double.random(in: -heterogeneity ... heterogeneity, using: &g),
                                standardError: Double.random(in: 0.02 ... 0.6, using: &g))
            }
            var sum = [Int64](repeating: 0, count: 4)
            for e in estimates {
                let t = try #require(MetaAnalysisTerms(e))
                for i in 0 ..< 4 { sum[i] += t.values[i] }
            }
            let r = try #require(try MetaAnalysis.analyse(panel: [Self.panel[0]], terms: [MetaAnalysisTerms(values: sum)]).first)
            let w = estimates.map { 1 / ($0.standardError * $0.standardError) }
            let sw = w.reduce(0, +)
            let beta = zip(w, estimates).map { $0 * $1.beta }.reduce(0, +) / sw
            let q = zip(w, estimates).map { $0 * ($1.beta - beta) * ($1.beta - beta) }.reduce(0, +)
            let df = Double(studies - 1)
            #expect(r.studies == studies)
            // Each site's values are within 0.5e-6 of exact: the sums within K x 0.5e-6 (bounds doubled for slack).
            let k = Double(studies)
            #expect(abs(r.beta - beta) <= k * 1e-6 * (1 + abs(beta)) / sw, "beta \(r.beta) vs \(beta)")
            #expect(abs(r.standardError - 1 / sw.squareRoot()) <= k * 0.5e-6 / sw / sw.squareRoot())
            let dq = k * 2e-6 * (1 + abs(beta)) * (1 + abs(beta))
            #expect(abs(r.q - q) <= dq, "Q \(r.q) vs \(q)")
            let i2 = q > df ? 100 * (q - df) / q : 0
            #expect(abs(r.iSquared - i2) <= 100 * df / (q * q) * dq + 1e-9, "I2 \(r.iSquared) vs \(i2)")
            let z = beta * sw.squareRoot()
            #expect(abs(r.p - ChiSquareDistribution.survival(z * z, degreesOfFreedom: 1)) <= 1e-5)
        }
    }

    @Test("fixed point bound, single studies left out, PLINK's fixed-decimal style")
    func edges() throws {
        #expect(MetaAnalysisTerms(AlignedEstimate(beta: 0.1, standardError: 1e-6)) == nil)
        #expect(MetaAnalysisTerms(AlignedEstimate(beta: 0.1, standardError: 1e-4)) != nil)
        #expect(throws: GwasError.metaAnalysisValueTooLarge(path: "x", variant: "rs1", standardError: 1e-6, beta: 0.1)) {
            try MetaAnalysis.siteTerms([AlignedEstimate(beta: 0.1, standardError: 1e-6)], panel: Self.panel, path: "x")
        }
        let one = try #require(MetaAnalysisTerms(AlignedEstimate(beta: 0.1, standardError: 0.2)))
        #expect(try MetaAnalysis.analyse(panel: [Self.panel[0]], terms: [one]).isEmpty)
        var bad = one.values
        bad[0] = 1_500_000
        #expect(throws: GwasError.implausibleTerm(variant: "rs1", column: "studies", value: 1_500_000)) {
            try MetaAnalysis.analyse(panel: [Self.panel[0]], terms: [MetaAnalysisTerms(values: bad)])
        }
        let cases: [(Double, Int, String)] = [(1.5913, 4, "1.5913"), (0.03282, 4, "0.0328"), (-0.00001, 4, "-0.0000"),
                                              (0.00015, 4, "0.0002"), (0.00025, 4, "0.0002"), (17.775, 2, "17.78"),
                                              (100, 2, "100.00"), (0, 2, "0.00")]
        for (x, d, text) in cases {
            #expect(MetaAnalysisWriter.fixed(x, decimals: d) == text, "\(x)")
        }
    }
}
