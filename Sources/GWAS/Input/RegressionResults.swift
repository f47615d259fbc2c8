import EncryptedStats
import HEFiles

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// A site's own association results, as PLINK writes them: PLINK 1.9 `--logistic` / `--linear` (`.assoc.logistic`,
// `.assoc.linear`, with `--ci` for the SE column) or PLINK 2 `--glm` (`.glm.logistic`, `.glm.linear`), read and
// aligned to the shared panel (the effect of the panel's ALT allele: an estimate for REF is negated).

/// One site's estimate for one panel variant: the effect of the panel's ALT allele (log odds ratio or beta).
public struct AlignedEstimate: Sendable, Hashable {
    public var beta: Double
    public var standardError: Double

    public init(beta: Double, standardError: Double) {
        self.beta = beta
        self.standardError = standardError
    }
}

/// What a site's results file held, for the site's summary.
public struct RegressionResultsSummary: Sendable, Equatable {
    /// Whether the effects are odds ratios (logistic) or betas (linear).
    public var oddsRatios: Bool
    /// Result lines read (after the TEST filter).
    public var lines: Int = 0
    /// Lines whose variant is in the panel with an estimate.
    public var matched: Int = 0
    /// Of those, lines whose A1 is the panel's REF (beta negated).
    public var flipped: Int = 0
    /// Lines with NA (or non-finite) effect or SE: the site has no estimate there.
    public var missing: Int = 0
    /// Lines whose variant is not in the panel.
    public var notInPanel: Int = 0
    /// Lines of other TEST rows (covariates, interactions) left out.
    public var otherTests: Int = 0

    /// The summary for people, one line each.
    public var text: [String] {
        var out = ["results: \(lines) \(oddsRatios ? "logistic (OR)" : "linear (BETA)") lines, \(matched) matched to the panel"
                   + (flipped > 0 ? ", \(flipped) with A1 = REF (effect negated)" : "")]
        if missing > 0 { out.append("lines with NA estimates (no estimate sent): \(missing)") }
        if notInPanel > 0 { out.append("variants not in the panel, ignored: \(notInPanel)") }
        if otherTests > 0 { out.append("rows of other tests (covariates), ignored: \(otherTests)") }
        return out
    }
}

public enum RegressionResults {
    /// Reads a PLINK results file and aligns it to `panel`: one estimate (or nil) per panel variant.
    ///
    /// Columns are found by name in the header line: the variant ID (`SNP`, or `ID` in PLINK 2), `A1`, optionally
    /// `A2`, the effect (`OR`, whose log is taken, or `BETA`), its standard error (`SE`, or `LOG(OR)_SE` in PLINK 2)
    /// and optionally `TEST`, of which only `ADD` rows are read. Variants are matched by ID; A1 (and A2 when present)
    /// must be the panel variant's REF or ALT.
    public static func read(path: String, panel: [PanelVariant]) throws(GwasError)
        -> (estimates: [AlignedEstimate?], summary: RegressionResultsSummary) {
        let lines = try TextTable.read(path: path, what: "PLINK association results (--logistic/--linear/--glm)")
        guard let header = lines.first else {
            throw .emptyFile(path: path, expected: "PLINK association results (--logistic/--linear/--glm)")
        }
        func column(_ names: [String]) -> Int? {
            for name in names { if let i = header.fields.firstIndex(of: name) { return i } }
            return nil
        }
        func required(_ names: [String], _ what: String) throws(GwasError) -> Int {
            guard let i = column(names) else {
                throw .inputField(path: path, line: header.number, field: "header",
                                  expected: "a column \(names.joined(separator: " or ")) (\(what))",
                                  found: header.fields.joined(separator: " "))
            }
            return i
        }
        let idColumn = try required(["SNP", "ID"], "the variant ID")
        let a1Column = try required(["A1"], "the tested allele")
        let a2Column = column(["A2"])
        let orColumn = column(["OR"]), betaColumn = column(["BETA"])
        guard orColumn != nil || betaColumn != nil else {
            throw .inputField(path: path, line: header.number, field: "header",
                              expected: "a column OR (--logistic) or BETA (--linear, or --logistic beta)",
                              found: header.fields.joined(separator: " "))
        }
        let effectColumn = betaColumn ?? orColumn!
        let oddsRatios = betaColumn == nil
        let seColumn = try required(["SE", "LOG(OR)_SE"], "the standard error; PLINK 1.9 writes it with --ci 0.95")
        let testColumn = column(["TEST"])
        let width = [idColumn, a1Column, a2Column ?? 0, effectColumn, seColumn, testColumn ?? 0].max()! + 1

        var index: [String: Int] = [:]
        index.reserveCapacity(panel.count)
        for (i, v) in panel.enumerated() { index[v.id] = i }
        var estimates = [AlignedEstimate?](repeating: nil, count: panel.count)
        var seenOn: [Int: Int] = [:]
        var summary = RegressionResultsSummary(oddsRatios: oddsRatios)
        for line in lines.dropFirst() {
            let f = line.fields
            guard f.count >= width else {
                throw .inputField(path: path, line: line.number, field: "columns",
                                  expected: "at least \(width) columns as in the header", found: "\(f.count) columns")
            }
            if let testColumn, f[testColumn] != "ADD" {
                summary.otherTests += 1
                continue
            }
            summary.lines += 1
            guard let i = index[f[idColumn]] else {
                summary.notInPanel += 1
                continue
            }
            if let first = seenOn[i] {
                throw .inputDuplicate(path: path, line: line.number, firstLine: first, field: header.fields[idColumn],
                                      value: f[idColumn])
            }
            seenOn[i] = line.number
            let v = panel[i]
            let a1 = f[a1Column].uppercased()
            let a1IsAlt: Bool
            switch a1 {
            case v.alt.uppercased(): a1IsAlt = true
            case v.ref.uppercased(): a1IsAlt = false
            default:
                throw .inputField(path: path, line: line.number, field: "A1",
                                  expected: "the panel's REF '\(v.ref)' or ALT '\(v.alt)' of \(v.id)", found: f[a1Column])
            }
            if let a2Column {
                let expected = a1IsAlt ? v.ref : v.alt
                guard f[a2Column].uppercased() == expected.uppercased() else {
                    throw .inputField(path: path, line: line.number, field: "A2",
                                      expected: "the panel's other allele '\(expected)' of \(v.id)", found: f[a2Column])
                }
            }
            guard let effect = Double(f[effectColumn]), effect.isFinite, let se = Double(f[seColumn]), se.isFinite else {
                if isMissing(f[effectColumn]) || isMissing(f[seColumn]) {
                    summary.missing += 1
                    continue
                }
                let bad = Double(f[effectColumn]) == nil ? effectColumn : seColumn
                throw .inputField(path: path, line: line.number, field: header.fields[bad], expected: "a number or NA",
                                  found: f[bad])
            }
            guard se > 0 else {
                throw .inputField(path: path, line: line.number, field: header.fields[seColumn],
                                  expected: "a positive standard error", found: f[seColumn])
            }
            if oddsRatios && !(effect > 0) {
                throw .inputField(path: path, line: line.number, field: header.fields[effectColumn],
                                  expected: "a positive odds ratio", found: f[effectColumn])
            }
            var beta = oddsRatios ? log(effect) : effect
            if !a1IsAlt {
                beta = -beta
                summary.flipped += 1
            }
            summary.matched += 1
            estimates[i] = AlignedEstimate(beta: beta, standardError: se)
        }
        return (estimates, summary)
    }

    /// PLINK's spellings of a missing value.
    static func isMissing(_ field: String) -> Bool {
        ["NA", "nan", "NaN", "-nan", "inf", "-inf", "."].contains(field)
    }
}
