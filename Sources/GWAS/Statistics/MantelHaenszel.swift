import EncryptedStats
import HEFiles

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The site-stratified allelic test (PLINK 1.9 `--mh` with the sites as clusters): Cochran-Mantel-Haenszel
// chi-square over the sites' allelic 2 x 2 tables, the Mantel-Haenszel common odds ratio and its
// Robins-Breslow-Greenland confidence interval. Every quantity is a sum over sites of terms that a site computes
// from its own table, so the key holder needs only the sums (docs/STATISTICS.md, "Site-stratified allelic test").
//
// Terms are kept in fixed point: each site rounds each term to the nearest multiple of 10^-9
// (`TableShape.gwasMantelHaenszelScale`), computed exactly in integers; the allele counts are integers and exact.

/// One site's (or the sum of several sites') terms for one variant, in stored units (value x 10^9), oriented to
/// the panel (ALT counted as A1), in the order of `TableShape.gwasMantelHaenszelColumnLabels`.
public struct MantelHaenszelTerms: Sendable, Hashable {
    public static let columnCount = TableShape.gwasMantelHaenszelColumnLabels.count
    /// 10^9: one unit in stored integers.
    public static let unit: Int64 = 1_000_000_000
    /// The largest number of counted samples of one site whose terms are computed exactly in 128-bit integers
    /// ((2 x 4,000,000)^4 x 10^9 < 2^127).
    public static let maximumSiteSamples: UInt64 = 4_000_000

    public var values: [Int64]

    public init(values: [Int64]) {
        precondition(values.count == Self.columnCount)
        self.values = values
    }

    /// The terms of one site's counts for a variant.
    public init(site counts: VariantCounts) {
        let all = counts.all
        let a = counts.cases.altAlleles, b = counts.cases.refAlleles
        let c = counts.controls.altAlleles, d = counts.controls.refAlleles
        var v = [all.refAlleles, all.altAlleles, b, a, d, c].map { Int64($0) * Self.unit }
        // PLINK leaves out a cluster without a called case allele or without a called control allele.
        if a + b > 0 && c + d > 0 {
            let n = Int128(a + b + c + d)
            let (A, B, C, D) = (Int128(a), Int128(b), Int128(c), Int128(d))
            let u = Int128(Self.unit)
            func rounded(_ numerator: Int128, _ denominator: Int128) -> Int64 {
                // Nearest integer to numerator / denominator (both non-negative), halves rounded up.
                Int64((2 * numerator + denominator) / (2 * denominator))
            }
            v.append(Int64(a + b) * Self.unit)
            v.append(Int64(a) * Self.unit)
            v.append(rounded((A + B) * (A + C) * u, n))
            v.append(rounded((A + B) * (C + D) * (A + C) * (B + D) * u, n * n * (n - 1)))
            v.append(rounded(A * D * u, n))
            v.append(rounded(B * C * u, n))
            v.append(rounded(A * D * (A + D) * u, n * n))
            v.append(rounded(B * C * (B + C) * u, n * n))
            v.append(rounded(((A + D) * B * C + (B + C) * A * D) * u, n * n))
        } else {
            v += [Int64](repeating: 0, count: 9)
        }
        self.init(values: v)
    }

    public var allRef: Int64 { values[0] / Self.unit }
    public var allAlt: Int64 { values[1] / Self.unit }
    public var caseRef: Int64 { values[2] / Self.unit }
    public var caseAlt: Int64 { values[3] / Self.unit }
    public var controlRef: Int64 { values[4] / Self.unit }
    public var controlAlt: Int64 { values[5] / Self.unit }
}

/// PLINK 1.9 `--mh` for one variant, from the pooled terms.
public struct MantelHaenszelResult: Sendable, Equatable {
    public var variant: PanelVariant
    public var chromosomeCode: Int
    public var a1: String
    public var a2: String
    public var a1IsAlt: Bool
    /// A1 frequency over every sample's called genotypes (PLINK's MAF column); 0.5, as PLINK prints it, when
    /// nothing is called.
    public var a1Frequency: Double
    /// Cochran-Mantel-Haenszel chi-square (1 df, no continuity correction); nil (NA) when its variance is 0.
    public var chiSquare: Double?
    public var p: Double?
    /// Mantel-Haenszel common odds ratio of A1 in cases; nil (NA) when undefined or infinite.
    public var oddsRatio: Double?
    /// Robins-Breslow-Greenland standard error of ln(OR); nil (NA) when not finite.
    public var standardError: Double?
    public var lower95: Double?
    public var upper95: Double?
    /// The pooled allele counts of cases and controls, oriented to the panel (for the release policy).
    public var caseRef: Int64
    public var caseAlt: Int64
    public var controlRef: Int64
    public var controlAlt: Int64
}

public enum MantelHaenszel {
    /// The standard normal quantile of 0.975 (PLINK's default --ci 0.95).
    static let z975 = 1.959963984540054

    /// The terms of every panel variant of one site.
    public static func siteTerms(_ counts: [VariantCounts]) -> [MantelHaenszelTerms] {
        counts.map(MantelHaenszelTerms.init(site:))
    }

    /// The statistics of every variant from pooled terms summed over `sites` contributions.
    ///
    /// `sites` bounds the rounding error: each pooled rational term is within `sites` x 0.5 x 10^-9 of its exact
    /// value, so a deviation sum(a) - sum(E) that small is taken as 0 (chi-square 0, as PLINK prints for tables
    /// whose exact deviation is 0).
    public static func analyse(panel: [PanelVariant], terms: [MantelHaenszelTerms], sites: Int,
                               keepAlleleOrder: Bool) throws(GwasError) -> [MantelHaenszelResult] {
        guard panel.count == terms.count else {
            throw GwasError.panelCountMismatch(panelVariants: panel.count, countedVariants: terms.count)
        }
        var results: [MantelHaenszelResult] = []
        results.reserveCapacity(panel.count)
        for (variant, t) in zip(panel, terms) {
            results.append(try analyse(variant: variant, terms: t, sites: sites, keepAlleleOrder: keepAlleleOrder))
        }
        return results
    }

    static func analyse(variant: PanelVariant, terms t: MantelHaenszelTerms, sites: Int,
                        keepAlleleOrder: Bool) throws(GwasError) -> MantelHaenszelResult {
        let limit = Gwas.maximumCount
        for (i, value) in t.values.enumerated() where value < 0 || UInt64(value) / UInt64(MantelHaenszelTerms.unit) > limit
            || (i < 8 && value % MantelHaenszelTerms.unit != 0) {
            throw GwasError.implausibleTerm(variant: variant.id, column: TableShape.gwasMantelHaenszelColumnLabels[i],
                                            value: value)
        }
        guard let code = PlinkChromosome.code(for: variant.chrom) else {
            throw GwasError.unsupportedChromosome(variant: variant.id, chromosome: variant.chrom)
        }
        let a1IsAlt = keepAlleleOrder || !(t.allRef < t.allAlt)
        let called = t.allRef + t.allAlt
        // PLINK's allele frequency of a variant without any call is 0.5.
        let frequency = called == 0 ? 0.5 : Double(a1IsAlt ? t.allAlt : t.allRef) / Double(called)

        let unit = Double(MantelHaenszelTerms.unit)
        func value(_ i: Int) -> Double { Double(t.values[i]) / unit }
        // Deviation of the case A1 count from its expectation, in stored units (exact integer arithmetic): with
        // A1 = REF it is (N1 - a) - (N1 - E) = E - a.
        let deviationUnits = a1IsAlt ? t.values[7] - t.values[8] : t.values[8] - t.values[7]
        let variance = value(9)
        let (r, s) = a1IsAlt ? (value(10), value(11)) : (value(11), value(10))
        let (v1, v2) = a1IsAlt ? (value(12), value(13)) : (value(13), value(12))
        let v3 = value(14)

        var chiSquare: Double? = nil
        var p: Double? = nil
        let rounding = Int64(max(sites, 1))
        let deviation = deviationUnits.magnitude <= UInt64(rounding) ? 0 : Double(deviationUnits) / unit
        let statistic = deviation * deviation / variance
        if statistic.isFinite {
            let chi = statistic < 1e-28 ? 0 : statistic
            chiSquare = chi
            p = ChiSquareDistribution.survival(chi, degreesOfFreedom: 1)
        }
        var odds = r / s
        if abs(1 - odds) < 1e-14 { odds = 1 }
        let se = (v1 / (2 * r * r) + v2 / (2 * s * s) + v3 / (2 * r * s)).squareRoot()
        var lower: Double? = nil, upper: Double? = nil
        if se.isFinite {
            let logOdds = log(odds)
            let l = exp(logOdds - z975 * se), u = exp(logOdds + z975 * se)
            lower = l.isFinite ? l : nil
            upper = u.isFinite ? u : nil
        }
        return MantelHaenszelResult(
            variant: variant, chromosomeCode: code, a1: a1IsAlt ? variant.alt : variant.ref,
            a2: a1IsAlt ? variant.ref : variant.alt, a1IsAlt: a1IsAlt, a1Frequency: frequency,
            chiSquare: chiSquare, p: p, oddsRatio: odds.isFinite ? odds : nil,
            standardError: se.isFinite ? se : nil, lower95: lower, upper95: upper,
            caseRef: t.caseRef, caseAlt: t.caseAlt, controlRef: t.controlRef, controlAlt: t.controlAlt)
    }
}

/// The `.cmh` file of PLINK 1.9 `--mh`.
public enum MantelHaenszelWriter {
    /// The text of PREFIX.cmh: CHR SNP BP A1 MAF A2 CHISQ P OR SE L95 U95, PLINK's widths and number style.
    public static func render(_ results: [MantelHaenszelResult]) -> [UInt8] {
        var out = ReportText()
        let width = PlinkFormat.snpWidth(results.lazy.map(\.variant.id))
        out.header(snpWidth: width, "         BP   A1      MAF   A2      CHISQ          P         OR         SE"
                   + "        L95        U95 \n")
        for r in results {
            out.pad(r.chromosomeCode, 4)
            out.append(" ")
            out.pad(r.variant.id, width)
            out.append(" ")
            out.pad(r.variant.pos, 10)
            out.append(" ")
            out.pad(r.a1, 4)
            out.append(" ")
            out.g4(r.a1Frequency, 8)
            out.append(" ")
            out.pad(r.a2, 4)
            out.append(" ")
            if let chi = r.chiSquare, let p = r.p {
                out.g4(chi, 10)
                out.append(" ")
                out.g4(PlinkFormat.printedChiSquareP(p, chiSquare: chi, degreesOfFreedom: 1), 10)
            } else {
                out.append("        NA         NA")
            }
            out.append(" ")
            out.g4(r.oddsRatio, 10)
            out.append(" ")
            if let se = r.standardError {
                out.g4(se, 10)
                out.append(" ")
                out.g4(r.lower95, 10)
                out.append(" ")
                out.g4(r.upper95, 10)
            } else {
                out.append("        NA         NA         NA")
            }
            out.append(" \n")
        }
        return out.bytes
    }
}
