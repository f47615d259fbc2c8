import EncryptedStats

// The Manhattan and QQ plots of a GWAS report as standalone SVG: the allelic test's -log10 p of every variant that
// has one. -log10 p comes from the chi-square statistic's log survival function, so a p-value that underflows to 0
// still has its height.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SVG plots of a report (`gwas report --plots`).
public enum ReportPlots {
    /// The genome-wide significance threshold drawn on the Manhattan plot.
    public static let genomeWideSignificance = 5e-8
    static let width = 960.0, height = 480.0
    static let left = 70.0, right = 20.0, top = 40.0, bottom = 60.0
    static let colours = ["#1f4e79", "#7fa7cf"]

    /// -log10 p of the allelic test of `r`, nil without a test.
    static func minusLog10P(_ r: VariantReport) -> Double? {
        guard let chi = r.assoc.chiSquare, chi.isFinite, r.assoc.p != nil else { return nil }
        return -ChiSquareDistribution.logSurvival(chi, degreesOfFreedom: 1) / M_LN10
    }

    private static func number(_ x: Double) -> String { String(format: "%.2f", x) }

    private static func frame(title: String, xLabel: String, yLabel: String, yMax: Double, body: String,
                              xTicks: String) -> String {
        let plotHeight = height - top - bottom
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<title>\(escape(title))</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(number(width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">\(escape(title))</text>\n"
        // Axes, y ticks at whole numbers.
        out += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        out += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        let step = max(1, Int((yMax / 8).rounded(.up)))
        for t in stride(from: 0, through: Int(yMax), by: step) {
            let y = height - bottom - Double(t) / yMax * plotHeight
            out += "<line x1=\"\(left - 4)\" y1=\"\(number(y))\" x2=\"\(left)\" y2=\"\(number(y))\" stroke=\"black\"/>"
                + "<text x=\"\(left - 7)\" y=\"\(number(y + 4))\" text-anchor=\"end\">\(t)</text>\n"
        }
        out += xTicks
        out += "<text x=\"\(number((left + width - right) / 2))\" y=\"\(number(height - 15))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        out += "<text transform=\"translate(18 \(number(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        out += body
        out += "</svg>\n"
        return out
    }

    /// Chromosomes along the x axis in PLINK's order, each as wide as its largest position, alternately coloured; a
    /// dashed line at the genome-wide significance threshold (5e-8).
    public static func manhattan(_ reports: [VariantReport], title: String) -> String {
        let tested = reports.compactMap { r in minusLog10P(r).map { (r, $0) } }
        var extent: [Int: Int] = [:]
        for (r, _) in tested { extent[r.chromosomeCode] = max(extent[r.chromosomeCode] ?? 0, r.variant.pos) }
        let chromosomes = extent.keys.sorted()
        var offset: [Int: Double] = [:]
        var running = 0.0
        for c in chromosomes { offset[c] = running; running += Double(extent[c]!) }
        let span = max(running, 1)
        let threshold = -log10(genomeWideSignificance)
        let yMax = max(threshold + 1, (tested.map(\.1).max() ?? 0) * 1.05)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ r: VariantReport) -> Double { left + (offset[r.chromosomeCode]! + Double(r.variant.pos)) / span * plotWidth }
        func y(_ v: Double) -> Double { height - bottom - v / yMax * plotHeight }
        var ticks = ""
        for c in chromosomes {
            let mid = left + (offset[c]! + Double(extent[c]!) / 2) / span * plotWidth
            let name = c == 23 ? "X" : c == 25 ? "XY" : String(c)
            ticks += "<text x=\"\(number(mid))\" y=\"\(number(height - bottom + 16))\" text-anchor=\"middle\">\(name)</text>\n"
        }
        var body = "<g class=\"points\">\n"
        for (r, v) in tested {
            let colour = colours[(chromosomes.firstIndex(of: r.chromosomeCode) ?? 0) % 2]
            body += "<circle cx=\"\(number(x(r)))\" cy=\"\(number(y(v)))\" r=\"2.5\" fill=\"\(colour)\"><title>"
                + escape("\(r.variant.id) p = \(r.assoc.p!)") + "</title></circle>\n"
        }
        body += "</g>\n"
        body += "<line class=\"genome-wide\" x1=\"\(left)\" y1=\"\(number(y(threshold)))\" x2=\"\(width - right)\" "
            + "y2=\"\(number(y(threshold)))\" stroke=\"#c0392b\" stroke-dasharray=\"6 4\"/>\n"
        body += "<text x=\"\(number(width - right - 4))\" y=\"\(number(y(threshold) - 4))\" text-anchor=\"end\" fill=\"#c0392b\">p = 5e-8</text>\n"
        return frame(title: title, xLabel: "Chromosome", yLabel: "-log10(p)", yMax: yMax, body: body, xTicks: ticks)
    }

    /// Observed against expected -log10 p (expected (i - 0.5) / n for the i-th smallest of n), the diagonal, and
    /// lambda in the title.
    public static func qq(_ reports: [VariantReport], lambda: Double?, title: String) -> String {
        let observed = reports.compactMap(minusLog10P).sorted(by: >)
        let n = Double(observed.count)
        let expected = (0 ..< observed.count).map { -log10((Double($0) + 0.5) / n) }
        let yMax = max(1, (observed.first ?? 1) * 1.05), xMax = max(1, (expected.first ?? 1) * 1.05)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ v: Double) -> Double { left + v / xMax * plotWidth }
        func y(_ v: Double) -> Double { height - bottom - v / yMax * plotHeight }
        var ticks = ""
        let step = max(1, Int((xMax / 8).rounded(.up)))
        for t in stride(from: 0, through: Int(xMax), by: step) {
            ticks += "<text x=\"\(number(x(Double(t))))\" y=\"\(number(height - bottom + 16))\" text-anchor=\"middle\">\(t)</text>\n"
        }
        let diagonal = min(xMax, yMax)
        var body = "<line class=\"diagonal\" x1=\"\(number(x(0)))\" y1=\"\(number(y(0)))\" x2=\"\(number(x(diagonal)))\" "
            + "y2=\"\(number(y(diagonal)))\" stroke=\"#c0392b\"/>\n<g class=\"points\">\n"
        for (e, o) in zip(expected, observed) {
            body += "<circle cx=\"\(number(x(e)))\" cy=\"\(number(y(o)))\" r=\"2.5\" fill=\"\(colours[0])\"/>\n"
        }
        body += "</g>\n"
        let full = title + ", lambda = " + (lambda.map { String(format: "%.4f", $0) } ?? "NA")
        return frame(title: full, xLabel: "Expected -log10(p)", yLabel: "Observed -log10(p)", yMax: yMax, body: body,
                     xTicks: ticks)
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                // XML 1.0 allows no C0 controls but tab, line feed and carriage return.
                if u.value < 0x20 && u != "\t" && u != "\n" && u != "\r" { out += "?" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}
