import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

/// Runs Tests/Oracles/plink_cohort.py (random cohort, genotype counts, plink1.9 reports, scipy recomputation) and
/// compares our analysis of the counted genotypes with both.
@Suite("GWAS statistics against plink1.9 and scipy")
struct PlinkComparisonTests {
    struct Cohort {
        var directory: URL
        var panel: [PanelVariant]
        var counts: [VariantCounts]
        var seed: UInt64
    }

    static func makeCohort(samples: Int, variants: Int) throws -> Cohort {
        let directory = try StatisticsOracle.temporaryDirectory()
        // HE_COHORT_SEED replays a failing cohort; otherwise every run draws a new one.
        let seed = StatisticsOracle.environment["HE_COHORT_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 0...UInt64(Int64.max))
        _ = try StatisticsOracle.run(script: "plink_cohort.py", arguments: [
            "--out", directory.path, "--seed", String(seed), "--samples", String(samples),
            "--variants", String(variants), "--plink", try StatisticsOracle.requirePlink(),
        ])
        var panel: [PanelVariant] = []
        var counts: [VariantCounts] = []
        for row in try StatisticsOracle.readTable(directory.appendingPathComponent("counts.tsv")) {
            panel.append(PanelVariant(chrom: row["CHROM"]!, pos: Int(row["POS"]!)!, id: row["ID"]!,
                                      ref: row["REF"]!, alt: row["ALT"]!))
            let slots = ["CASE", "CONTROL", "UNKNOWN"].flatMap { group in
                ["HOMREF", "HET", "HOMALT", "MISSING"].map { UInt64(row["\(group)_\($0)"]!)! }
            }
            counts.append(VariantCounts(slots: slots))
        }
        return Cohort(directory: directory, panel: panel, counts: counts, seed: seed)
    }

    @Test("reports match plink1.9 within its printing precision and scipy to 1e-9",
          .enabled(if: StatisticsOracle.plinkUsable, "set HE_TEST_PYTHON and put plink1.9 on PATH"),
          arguments: [("default", false, 400), ("kao", true, 150)])
    func againstPlink(name: String, keepAlleleOrder: Bool, samples: Int) throws {
        let cohort = try Self.makeCohort(samples: samples, variants: 300)
        defer { if ProcessInfo.processInfo.environment["HE_KEEP_COHORT"] == nil { try? FileManager.default.removeItem(at: cohort.directory) } }
        let context = "cohort seed \(cohort.seed), \(name)"
        let reports = try Gwas.analyse(panel: cohort.panel, counts: cohort.counts,
                                       options: GwasOptions(keepAlleleOrder: keepAlleleOrder))
        let prefix = cohort.directory.appendingPathComponent("ours-\(name)").path
        let written = try PlinkWriter.write(reports: reports, prefix: prefix, files: Set(PlinkReportFile.allCases))
        #expect(written.count == PlinkReportFile.allCases.count)

        let exactColumns: [PlinkReportFile: Set<String>] = [
            .assoc: ["CHR", "BP"], .model: ["CHR", "DF"], .hwe: ["CHR"], .frq: ["CHR", "NCHROBS"],
        ]
        var identicalLines = 0
        var totalLines = 0
        for file in [PlinkReportFile.assoc, .model, .hwe, .frq] {
            let theirs = try String(contentsOfFile: cohort.directory.appendingPathComponent("plink/\(name)")
                .path + file.fileExtension, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            let ours = try String(contentsOfFile: prefix + file.fileExtension, encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false)
            try #require(ours.count == theirs.count, "\(context): \(file) has \(ours.count) lines, PLINK \(theirs.count)")
            let header = theirs[0].split(separator: " ").map(String.init)
            #expect(ours[0] == theirs[0], "\(context): \(file) header")
            for (lineNumber, (mine, plink)) in zip(ours, theirs).enumerated().dropFirst() {
                totalLines += 1
                let a = mine.split(separator: " ").map(String.init)
                let b = plink.split(separator: " ").map(String.init)
                try #require(a.count == b.count, "\(context): \(file) line \(lineNumber + 1)\n ours: \(mine)\nplink: \(plink)")
                var allEqual = true
                for (column, (x, y)) in zip(a, b).enumerated() where x != y {
                    allEqual = false
                    let name = column < header.count ? header[column] : "?"
                    let close = !exactColumns[file, default: []].contains(name) && Self.withinPrintPrecision(x, y)
                    #expect(close, "\(context): \(file) line \(lineNumber + 1) column \(name): ours \(x), PLINK \(y)")
                }
                if allEqual {
                    #expect(mine == plink, "\(context): \(file) line \(lineNumber + 1) layout\n ours: \(mine)\nplink: \(plink)")
                    identicalLines += 1
                }
            }
        }
        // --hardy midp.
        let midP = try Gwas.analyse(panel: cohort.panel, counts: cohort.counts,
                                    options: GwasOptions(keepAlleleOrder: keepAlleleOrder, hardyMidP: true))
        let ourMidP = PlinkWriterProbe.render(.hwe, midP).split(separator: "\n")
        let plinkMidP = try String(contentsOfFile: cohort.directory.appendingPathComponent("plink/\(name).midp.hwe").path,
                                   encoding: .utf8).split(separator: "\n")
        try #require(ourMidP.count == plinkMidP.count)
        for (mine, plink) in zip(ourMidP, plinkMidP) where mine != plink {
            let a = mine.split(separator: " ").map(String.init), b = plink.split(separator: " ").map(String.init)
            #expect(a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || Self.withinPrintPrecision($0, $1) },
                    "\(context): --hardy midp\n ours: \(mine)\nplink: \(plink)")
        }

        // Nobody phenotyped: single ALL(NP) rows.
        let unphenotyped = cohort.counts.map { VariantCounts(unknownPhenotype: $0.all) }
        let np = try Gwas.analyse(panel: cohort.panel, counts: unphenotyped,
                                  options: GwasOptions(keepAlleleOrder: keepAlleleOrder))
        let ourNP = PlinkWriterProbe.render(.hwe, np).split(separator: "\n")
        let plinkNP = try String(contentsOfFile: cohort.directory.appendingPathComponent("plink/\(name).np.hwe").path,
                                 encoding: .utf8).split(separator: "\n")
        try #require(ourNP.count == plinkNP.count)
        for (mine, plink) in zip(ourNP, plinkNP) where mine != plink {
            let a = mine.split(separator: " ").map(String.init), b = plink.split(separator: " ").map(String.init)
            #expect(a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || Self.withinPrintPrecision($0, $1) },
                    "\(context): --hardy without phenotypes\n ours: \(mine)\nplink: \(plink)")
        }

        // Differences in the fourth significant digit must stay rare (ties in the fifth digit only).
        #expect(identicalLines * 100 >= totalLines * 97, "\(context): \(identicalLines) of \(totalLines) lines identical")

        // Full precision against the independent scipy / exact-rational recomputation.
        let full = try StatisticsOracle.readTable(URL(fileURLWithPath: prefix + PlinkReportFile.full.fileExtension))
        let expected = try StatisticsOracle.readTable(cohort.directory.appendingPathComponent("expected_\(name).tsv"))
        try #require(full.count == expected.count)
        for (row, reference) in zip(full, expected) {
            #expect(row["SNP"] == reference["SNP"])
            for (column, value) in reference where column != "SNP" {
                let mine = try #require(row[column], "column \(column) missing from the full table")
                if value == "NA" || ["A1", "A2", "NCHROBS", "DF_GENO"].contains(column) {
                    #expect(mine == value, "\(context): \(reference["SNP"]!) \(column): ours \(mine), expected \(value)")
                    continue
                }
                let x = try #require(Double(mine), "\(context): \(column) = \(mine)")
                let y = try #require(Double(value))
                let ok = StatisticsOracle.relativeError(x, y) < 1e-9 || (abs(x - y) < 1e-300)
                    || (column.hasPrefix("CHISQ") && abs(x - y) < 1e-12)
                #expect(ok, "\(context): \(reference["SNP"]!) \(column): ours \(x), scipy \(y)")
            }
        }
    }

    /// Two renderings of a number with four significant digits that agree up to one unit of the last digit.
    static func withinPrintPrecision(_ a: String, _ b: String) -> Bool {
        guard let x = Double(a), let y = Double(b) else { return false }
        if x == y { return true }
        let magnitude = max(abs(x), abs(y))
        let unit = pow(10, floor(log10(magnitude)) - 3)
        return abs(x - y) <= unit * 1.000001
    }
}
