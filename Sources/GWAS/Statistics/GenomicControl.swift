// Genomic control and the strongest associations of a report, from the allelic test of every variant.

/// The genomic-control inflation factor and the top hits of a GWAS report.
public enum GenomicControl {
    /// The median of the chi-square distribution with 1 degree of freedom (`scipy.stats.chi2.ppf(0.5, 1)`).
    public static let chiSquareMedian = 0.454_936_423_119_572_8

    /// lambda = median of the allelic test's 1-df chi-square statistics (variants with a statistic; NA left out) /
    /// `chiSquareMedian`; the median of an even count is the mean of the two middle values. nil without statistics.
    public static func lambda(_ reports: [VariantReport]) -> Double? {
        let statistics = reports.compactMap(\.assoc.chiSquare).filter(\.isFinite).sorted()
        guard !statistics.isEmpty else { return nil }
        let n = statistics.count
        let median = n % 2 == 1 ? statistics[n / 2] : (statistics[n / 2 - 1] + statistics[n / 2]) / 2
        return median / chiSquareMedian
    }

    /// The `count` variants with the smallest allelic-test p-values (variants without one left out), smallest
    /// first; equal p-values keep the panel order.
    public static func topHits(_ reports: [VariantReport], count: Int) -> [VariantReport] {
        let tested = reports.enumerated().filter { $0.element.assoc.p != nil }
        let sorted = tested.sorted { a, b in
            let (pa, pb) = (a.element.assoc.p!, b.element.assoc.p!)
            return pa != pb ? pa < pb : a.offset < b.offset
        }
        return sorted.prefix(max(count, 0)).map(\.element)
    }
}
