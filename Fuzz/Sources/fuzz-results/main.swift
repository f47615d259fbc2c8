// Sites' PLINK association results as `he-cli gwas meta-encrypt --results` reads them: RegressionResults.read
// against a fixed panel, then the site's fixed-point values (MetaAnalysis.siteTerms).
// Invariants of a file that parses: one entry per panel variant, as many estimates as matched lines, every
// estimate finite with a positive SE, and the fixed-point values of an estimate within the declared bound.
import EncryptedStats
import HEFiles
import GWAS
import FuzzSupport

let panel = [
    PanelVariant(chrom: "1", pos: 100, id: "rs1", ref: "A", alt: "G"),
    PanelVariant(chrom: "1", pos: 200, id: "rs2", ref: "C", alt: "T"),
    PanelVariant(chrom: "2", pos: 300, id: "rs3", ref: "G", alt: "GA"),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResults(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let path = Scratch.write("site.assoc.logistic", input.rest())
    let read: (estimates: [AlignedEstimate?], summary: RegressionResultsSummary)
    do {
        read = try RegressionResults.read(path: path, panel: panel)
    } catch {
        return 0
    }
    check(read.estimates.count == panel.count, "one entry per panel variant")
    check(read.estimates.compactMap { $0 }.count == read.summary.matched, "estimates and matched lines differ")
    check(read.summary.matched + read.summary.missing + read.summary.notInPanel <= read.summary.lines, "line counts")
    for e in read.estimates.compactMap({ $0 }) {
        check(e.beta.isFinite && e.standardError.isFinite && e.standardError > 0, "estimate \(e)")
        if let t = MetaAnalysisTerms(e) {
            check(t.values.allSatisfy { $0.magnitude <= MetaAnalysisTerms.siteBound }, "values outside the bound")
        }
    }
    if let terms = try? MetaAnalysis.siteTerms(read.estimates, panel: panel, path: path) {
        check(terms.count == panel.count, "one set of values per panel variant")
    }
    return 0
}

FuzzDriver.run(fuzzResults)
