import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

/// The site-stratified allelic test from per-site terms, against a direct floating-point computation of the
/// Cochran-Mantel-Haenszel statistic and the Robins-Breslow-Greenland interval from the sites' own tables.
@Suite("Mantel-Haenszel terms and statistics")
struct MantelHaenszelTests {
    static let variant = PanelVariant(chrom: "3", pos: 1000, id: "rs9", ref: "A", alt: "G")

    static func randomGroup(_ n: Int, _ p: Double, using g: inout some RandomNumberGenerator) -> GenotypeCounts {
        var c = GenotypeCounts()
        for _ in 0 ..< n {
            if Double.random(in: 0 ..< 1, using: &g) < 0.05 { c.missing += 1; continue }
            switch (Double.random(in: 0 ..< 1, using: &g) < p ? 1 : 0) + (Double.random(in: 0 ..< 1, using: &g) < p ? 1 : 0) {
            case 0: c.homRef += 1
            case 1: c.het += 1
            default: c.homAlt += 1
            }
        }
        return c
    }

    static func sum(_ terms: [MantelHaenszelTerms]) -> MantelHaenszelTerms {
        var total = [Int64](repeating: 0, count: MantelHaenszelTerms.columnCount)
        for t in terms { for i in total.indices { total[i] += t.values[i] } }
        return MantelHaenszelTerms(values: total)
    }

    /// The textbook statistics straight from the strata (A1 = ALT), in doubles.
    static func direct(_ sites: [VariantCounts]) -> (chi: Double, or: Double, se: Double) {
        var dev = 0.0, v = 0.0, r = 0.0, s = 0.0, pr = 0.0, qs = 0.0, psqr = 0.0
        for k in sites {
            let a = Double(k.cases.altAlleles), b = Double(k.cases.refAlleles)
            let c = Double(k.controls.altAlleles), d = Double(k.controls.refAlleles)
            guard a + b > 0, c + d > 0 else { continue }
            let n = a + b + c + d
            dev += a - (a + b) * (a + c) / n
            v += (a + b) * (c + d) * (a + c) * (b + d) / (n * n * (n - 1))
            let rk = a * d / n, sk = b * c / n
            r += rk
            s += sk
            pr += (a + d) / n * rk
            qs += (b + c) / n * sk
            psqr += (a + d) / n * sk + (b + c) / n * rk
        }
        return (dev * dev / v, r / s, (pr / (2 * r * r) + psqr / (2 * r * s) + qs / (2 * s * s)).squareRoot())
    }

    @Test("summed site terms give the CMH chi-square, MH odds ratio and RBG interval of the strata", arguments: [2, 3, 7])
    func againstDirect(sites: Int) throws {
        var g = SystemRandomNumberGenerator()
        for _ in 0 ..< 50 {
            let strata = (0 ..< sites).map { k in
                let p = 0.1 + 0.1 * Double(k % 4)
                return VariantCounts(cases: Self.randomGroup(Int.random(in: 5 ... 300, using: &g), p + 0.05, using: &g),
                                     controls: Self.randomGroup(Int.random(in: 5 ... 300, using: &g), p, using: &g),
                                     unknownPhenotype: Self.randomGroup(Int.random(in: 0 ... 20, using: &g), p, using: &g))
            }
            let pooled = Self.sum(MantelHaenszel.siteTerms(strata))
            let r = try MantelHaenszel.analyse(panel: [Self.variant], terms: [pooled], sites: sites, keepAlleleOrder: true)[0]
            let d = Self.direct(strata)
            let chi = try #require(r.chiSquare), or = try #require(r.oddsRatio), se = try #require(r.standardError)
            // Each pooled term is within sites x 0.5e-9 of its exact value.
            #expect(abs(chi - d.chi) <= 1e-7 * max(1, d.chi), "chi \(chi) vs \(d.chi)")
            #expect(abs(or - d.or) <= 1e-8 * d.or, "OR \(or) vs \(d.or)")
            #expect(abs(se - d.se) <= 1e-8 * d.se, "SE \(se) vs \(d.se)")
            #expect(r.p == ChiSquareDistribution.survival(chi, degreesOfFreedom: 1))
            let l = try #require(r.lower95), u = try #require(r.upper95)
            #expect(abs(log(u / or) - 1.959963984540054 * se) < 1e-12 && abs(log(or / l) - 1.959963984540054 * se) < 1e-12)
            // Pooled allele counts are exact.
            let all = strata.map(\.all).reduce(GenotypeCounts(), +)
            #expect(pooled.allRef == Int64(all.refAlleles) && pooled.allAlt == Int64(all.altAlleles))
            #expect(r.caseAlt == Int64(strata.map(\.cases.altAlleles).reduce(0, +)))
        }
    }

    @Test("each site term is its exact value rounded to 10^-9; a stratum without cases contributes only allele counts")
    func rounding() {
        let site = VariantCounts(cases: GenotypeCounts(homRef: 3, het: 5, homAlt: 1), controls: GenotypeCounts(homRef: 7, het: 2, homAlt: 4))
        let t = MantelHaenszelTerms(site: site).values
        let a = 7.0, b = 11.0, c = 10.0, d = 16.0, n = 44.0
        let exact = [(a + b) * (a + c) / n, (a + b) * (c + d) * (a + c) * (b + d) / (n * n * (n - 1)), a * d / n, b * c / n,
                     a * d * (a + d) / (n * n), b * c * (b + c) / (n * n), ((a + d) * b * c + (b + c) * a * d) / (n * n)]
        for (i, x) in exact.enumerated() {
            #expect(abs(Double(t[8 + i]) - x * 1e9) <= 0.5 + 1e-6 * x, "column \(TableShape.gwasMantelHaenszelColumnLabels[8 + i])")
        }
        #expect(Array(t[0 ..< 8]) == [27, 17, 11, 7, 16, 10, 18, 7].map { Int64($0) * 1_000_000_000 })

        let noCases = MantelHaenszelTerms(site: VariantCounts(controls: GenotypeCounts(homRef: 7, het: 2, homAlt: 4))).values
        #expect(Array(noCases[6...]).allSatisfy { $0 == 0 })
        #expect(noCases[4] == 16_000_000_000 && noCases[5] == 10_000_000_000)
    }

    @Test("A1 = REF (the minor allele) inverts the odds ratio and its interval and keeps the chi-square")
    func orientation() throws {
        // ALT is the major allele here, so A1 is REF without --keep-allele-order.
        let strata = [
            VariantCounts(cases: GenotypeCounts(homRef: 2, het: 10, homAlt: 30), controls: GenotypeCounts(homRef: 1, het: 8, homAlt: 40)),
            VariantCounts(cases: GenotypeCounts(homRef: 5, het: 12, homAlt: 20), controls: GenotypeCounts(homRef: 2, het: 9, homAlt: 33)),
        ]
        let pooled = Self.sum(MantelHaenszel.siteTerms(strata))
        let alt = try MantelHaenszel.analyse(panel: [Self.variant], terms: [pooled], sites: 2, keepAlleleOrder: true)[0]
        let minor = try MantelHaenszel.analyse(panel: [Self.variant], terms: [pooled], sites: 2, keepAlleleOrder: false)[0]
        #expect(alt.a1 == "G" && minor.a1 == "A" && minor.a2 == "G")
        #expect(abs(alt.a1Frequency + minor.a1Frequency - 1) < 1e-15)
        #expect(abs(try #require(alt.chiSquare) - (try #require(minor.chiSquare))) < 1e-12)
        #expect(abs(try #require(alt.oddsRatio) * (try #require(minor.oddsRatio)) - 1) < 1e-12)
        #expect(abs(try #require(alt.standardError) - (try #require(minor.standardError))) < 1e-12)
        #expect(abs(try #require(alt.lower95) * (try #require(minor.upper95)) - 1) < 1e-12)
    }

    @Test("undefined statistics are NA; impossible pooled terms are refused")
    func degenerate() throws {
        // Monomorphic: no variance, no odds ratio.
        let mono = MantelHaenszelTerms(site: VariantCounts(cases: GenotypeCounts(homRef: 9), controls: GenotypeCounts(homRef: 8)))
        let r = try MantelHaenszel.analyse(panel: [Self.variant], terms: [mono], sites: 1, keepAlleleOrder: false)[0]
        #expect(r.chiSquare == nil && r.p == nil && r.oddsRatio == nil && r.standardError == nil && r.lower95 == nil)
        let text = String(decoding: MantelHaenszelWriter.render([r]), as: UTF8.self)
        #expect(text.hasSuffix("         NA         NA         NA         NA         NA         NA \n"), "\(text)")
        #expect(text.hasPrefix(" CHR  SNP         BP   A1      MAF   A2      CHISQ          P         OR         SE        L95        U95 \n"))

        var bad = mono.values
        bad[9] = -5
        #expect(throws: GwasError.implausibleTerm(variant: "rs9", column: "mh_variance", value: -5)) {
            try MantelHaenszel.analyse(panel: [Self.variant], terms: [MantelHaenszelTerms(values: bad)], sites: 1,
                                       keepAlleleOrder: false)
        }
        // The allele counts (the first eight columns) are whole numbers; the rational terms need not be.
        for (column, name) in [(0, "all_ref"), (7, "mh_case_alt")] {
            bad = mono.values
            bad[column] += 1
            #expect(throws: GwasError.implausibleTerm(variant: "rs9", column: name, value: bad[column])) {
                try MantelHaenszel.analyse(panel: [Self.variant], terms: [MantelHaenszelTerms(values: bad)], sites: 1,
                                           keepAlleleOrder: false)
            }
        }
        bad = mono.values
        bad[8] += 1
        #expect(try MantelHaenszel.analyse(panel: [Self.variant], terms: [MantelHaenszelTerms(values: bad)], sites: 1,
                                           keepAlleleOrder: false).count == 1)
    }
}
