import EncryptedStats
import HEFiles

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Fixed-effect inverse-variance meta-analysis of the sites' own regression results (PLINK 1.9 `--meta-analysis`):
// each site sends, per panel variant, 1 (a study), w = 1/SE^2, w beta and w beta^2 in fixed point; the key holder
// gets their sums over sites only (docs/STATISTICS.md, "Meta-analysis").

/// One site's (or the sum of several sites') values for one variant, in stored units (value x 10^6), in the order
/// of `TableShape.gwasMetaAnalysisColumnLabels(oddsRatios:)`.
public struct MetaAnalysisTerms: Sendable, Hashable {
    public static let columnCount = 4
    /// 10^6: one unit in stored integers.
    public static let unit: Int64 = 1_000_000
    /// The largest magnitude of any value of one site (w, w beta or w beta^2), in table units: 10^10.
    public static let maximumValue: Double = 1e10
    /// The declared bound of a site's table, in stored units: 10^16, so a slot (2^62 - 1) holds 461 sites.
    public static let siteBound: UInt64 = 10_000_000_000_000_000

    public var values: [Int64]

    public init(values: [Int64]) {
        precondition(values.count == Self.columnCount)
        self.values = values
    }

    /// Nothing: the site has no estimate for the variant.
    public static let absent = MetaAnalysisTerms(values: [0, 0, 0, 0])

    /// The values of one estimate, each rounded to the nearest multiple of 10^-6; nil when one of them exceeds
    /// `maximumValue` in magnitude (SE below 10^-5, or |beta| / SE^2 or (beta / SE)^2 above 10^10).
    public init?(_ e: AlignedEstimate) {
        let w = 1 / (e.standardError * e.standardError)
        let parts = [w, w * e.beta, w * e.beta * e.beta]
        guard parts.allSatisfy({ $0.isFinite && abs($0) <= Self.maximumValue }) else { return nil }
        self.init(values: [Self.unit] + parts.map { Int64(($0 * Double(Self.unit)).rounded()) })
    }

    public var studies: Int64 { values[0] / Self.unit }
}

/// PLINK 1.9 `--meta-analysis` (fixed effect) for one variant.
public struct MetaAnalysisResult: Sendable, Equatable {
    public var variant: PanelVariant
    public var chromosomeCode: Int
    /// Number of studies with an estimate.
    public var studies: Int
    /// The pooled effect of ALT: sum(w beta) / sum(w).
    public var beta: Double
    /// Its standard error, 1 / sqrt(sum w).
    public var standardError: Double
    /// Two-sided p-value of beta / SE.
    public var p: Double
    /// Cochran's Q = sum(w beta^2) - sum(w beta)^2 / sum(w) (0 when rounding makes it negative), studies - 1 df.
    public var q: Double
    /// p-value of Q.
    public var pQ: Double
    /// I^2 = 100 (Q - df) / Q, within 0...100.
    public var iSquared: Double
}

public enum MetaAnalysis {
    /// The values of every panel variant of one site (`absent` where it has no estimate).
    /// - Throws: `GwasError.metaAnalysisValueTooLarge` for an estimate whose values exceed the fixed-point bound.
    public static func siteTerms(_ estimates: [AlignedEstimate?], panel: [PanelVariant],
                                 path: String) throws(GwasError) -> [MetaAnalysisTerms] {
        var terms: [MetaAnalysisTerms] = []
        terms.reserveCapacity(estimates.count)
        for (i, e) in estimates.enumerated() {
            guard let e else { terms.append(.absent); continue }
            guard let t = MetaAnalysisTerms(e) else {
                throw .metaAnalysisValueTooLarge(path: path, variant: panel[i].id, standardError: e.standardError,
                                                 beta: e.beta)
            }
            terms.append(t)
        }
        return terms
    }

    /// The pooled statistics of every variant with estimates from at least two studies (PLINK leaves out the
    /// others), in panel order.
    public static func analyse(panel: [PanelVariant], terms: [MetaAnalysisTerms]) throws(GwasError) -> [MetaAnalysisResult] {
        guard panel.count == terms.count else {
            throw GwasError.panelCountMismatch(panelVariants: panel.count, countedVariants: terms.count)
        }
        var results: [MetaAnalysisResult] = []
        for (variant, t) in zip(panel, terms) {
            let columns = TableShape.gwasMetaAnalysisColumnLabels(oddsRatios: false)
            if t.values[0] < 0 || t.values[0] % MetaAnalysisTerms.unit != 0 || t.studies > 1 << 20 {
                throw .implausibleTerm(variant: variant.id, column: columns[0], value: t.values[0])
            }
            for i in [1, 3] where t.values[i] < 0 {
                throw .implausibleTerm(variant: variant.id, column: columns[i], value: t.values[i])
            }
            guard t.studies >= 2 else { continue }
            guard let code = PlinkChromosome.code(for: variant.chrom) else {
                throw GwasError.unsupportedChromosome(variant: variant.id, chromosome: variant.chrom)
            }
            let unit = Double(MetaAnalysisTerms.unit)
            let w = Double(t.values[1]) / unit, wb = Double(t.values[2]) / unit, wb2 = Double(t.values[3]) / unit
            guard w > 0 else { throw .implausibleTerm(variant: variant.id, column: columns[1], value: t.values[1]) }
            let beta = wb / w
            let se = 1 / w.squareRoot()
            let z = beta / se
            let df = Double(t.studies - 1)
            let q = max(0, wb2 - wb * wb / w)
            let i2 = min(100, max(0, 100 * ((q - df) / q)))
            results.append(MetaAnalysisResult(
                variant: variant, chromosomeCode: code, studies: Int(t.studies), beta: beta, standardError: se,
                p: ChiSquareDistribution.survival(z * z, degreesOfFreedom: 1), q: q,
                pQ: ChiSquareDistribution.survival(q, degreesOfFreedom: df), iSquared: i2.isNaN ? 0 : i2))
        }
        return results
    }
}

/// The `.meta` file of PLINK 1.9 `--meta-analysis`.
public enum MetaAnalysisWriter {
    /// The text of PREFIX.meta: CHR BP SNP A1 A2 N P P(R) OR|BETA OR(R)|BETA(R) Q I in PLINK's widths, A1 = the
    /// panel's ALT, A2 = REF; the random-effects columns P(R) and OR(R) are NA (one round of sums cannot give them).
    public static func render(_ results: [MetaAnalysisResult], oddsRatios: Bool) -> [UInt8] {
        var out = ReportText()
        out.append(" CHR          BP            SNP  A1  A2   N           P        P(R)")
        out.append(oddsRatios ? "      OR   OR(R)       Q       I\n" : "    BETA BETA(R)       Q       I\n")
        for r in results {
            out.pad(r.chromosomeCode, 4)
            out.append("  ")
            out.pad(r.variant.pos, 10)
            out.append(" ")
            out.pad(r.variant.id, 14)
            out.append(" ")
            out.pad(r.variant.alt, 3)
            out.append(" ")
            out.pad(r.variant.ref, 3)
            out.append(" ")
            out.pad(r.studies, 3)
            out.append(" ")
            out.g4(PlinkFormat.printedChiSquareP(r.p, chiSquare: (r.beta / r.standardError) * (r.beta / r.standardError),
                                                 degreesOfFreedom: 1), 11)
            out.append(" ")
            out.pad("NA", 11)
            out.append(" ")
            out.pad(fixed(oddsRatios ? exp(r.beta) : r.beta, decimals: 4), 7)
            out.append(" ")
            out.pad("NA", 7)
            out.append(" ")
            out.pad(fixed(r.pQ, decimals: 4), 7)
            out.append(" ")
            out.pad(fixed(r.iSquared, decimals: 2), 7)
            out.append("\n")
        }
        return out.bytes
    }

    /// PLINK's fixed-decimal style (`dtoa_f_w7p4`, `dtoa_f_p2`): `decimals` places, rounding half to even.
    package static func fixed(_ x: Double, decimals: Int) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        var scale = 1.0
        for _ in 0 ..< decimals { scale *= 10 }
        let negative = x < 0
        let scaled = PlinkFormat.roundHalfEven(abs(x) * scale)
        var factor = 1
        for _ in 0 ..< decimals { factor *= 10 }
        let fraction = String(scaled % factor)
        let text = String(scaled / factor) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        return negative ? "-" + text : text
    }
}
