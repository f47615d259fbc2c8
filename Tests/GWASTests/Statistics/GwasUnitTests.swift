import EncryptedStats
import Foundation
import GWAS
import HEFiles
import HETestSupport
import Testing

@Suite("GWAS conventions without external tools")
struct GwasUnitTests {
    static let variant = PanelVariant(chrom: "chr7", pos: 117_559_590, id: "rs113993960", ref: "A", alt: "G")

    @Test("PLINK's four-significant-digit number style")
    func numberStyle() {
        let cases: [(Double, String)] = [
            (0, "0"), (1, "1"), (0.5, "0.5"), (0.003433, "0.003433"), (0.9533, "0.9533"), (1.009, "1.009"),
            (2.79e-19, "2.79e-19"), (50.76, "50.76"), (402.5, "402.5"), (1.428e-119, "1.428e-119"),
            (1234.5678, "1235"), (99.996, "100"), (9999.6, "1e+04"), (123_456, "1.235e+05"), (0.00012345, "0.0001234"),
            (0.000099994, "9.999e-05"), (1e-5, "1e-05"), (Double.leastNonzeroMagnitude, "4.941e-324"), (-0.25, "-0.25"),
            // PLINK rounds half to even and treats binary noise within 5e-11 of a decimal tie as the tie.
            (0.12345, "0.1234"), (0.015625, "0.01562"), (2.5e-7, "2.5e-07"), (.nan, "nan"), (.infinity, "inf"),
        ]
        for (value, text) in cases {
            #expect(PlinkWriterProbe.g4(value) == text, "\(value)")
        }
    }

    @Test("chromosome names map to PLINK's codes for the autosomes, X and XY; others are refused")
    func chromosomes() throws {
        #expect(PlinkChromosome.code(for: "1") == 1)
        #expect(PlinkChromosome.code(for: "chr22") == 22)
        #expect(PlinkChromosome.code(for: "CHR7") == 7)
        #expect(PlinkChromosome.code(for: "07") == 7 && PlinkChromosome.code(for: "chr01") == 1, "PLINK reads leading zeros")
        for (name, code) in [("X", 23), ("chrX", 23), ("x", 23), ("23", 23), ("XY", 25), ("chrXY", 25), ("25", 25)] {
            #expect(PlinkChromosome.code(for: name) == code, "\(name)")
        }
        for name in ["Y", "chrY", "24", "MT", "chrM", "M", "26", "0", "00", "024", "chr", "chrUn_gl000220", ""] {
            #expect(PlinkChromosome.code(for: name) == nil, "\(name)")
        }
        let counts = VariantCounts(cases: GenotypeCounts(homRef: 5, het: 5, homAlt: 5))
        #expect(throws: GwasError.unsupportedChromosome(variant: "y1", chromosome: "chrY")) {
            try Gwas.analyse(variant: PanelVariant(chrom: "chrY", pos: 1, id: "y1", ref: "A", alt: "C"), counts: counts)
        }
    }

    @Test("1-df p-values PLINK's dcdflib cannot represent print as 0 in the report files, not in the full table")
    func subnormalChiSquareP() throws {
        // Pooled counts of two variants of a 1,500 / 1,500 cohort; plink1.9 1.90b6.26 on the pooled VCF prints
        // CHISQ 1411 P 8.828e-309 and CHISQ 1417 P 0 in .assoc (and the same P for ALLELIC in .model).
        func report(_ id: String, caseHet: UInt64) throws -> VariantReport {
            let counts = VariantCounts(cases: GenotypeCounts(homRef: 1500 - caseHet, het: caseHet, homAlt: 0),
                                       controls: GenotypeCounts(homRef: 1450, het: 50, homAlt: 0))
            return try Gwas.analyse(variant: PanelVariant(chrom: "1", pos: 100, id: id, ref: "A", alt: "G"), counts: counts)
        }
        let below = try report("v500", caseHet: 1248), above = try report("v600", caseHet: 1252)
        // P is column 9 of .assoc (before OR) and the last column of .model.
        let pColumn = { (r: VariantReport, file: PlinkReportFile, test: String) -> String? in
            let line = PlinkWriterProbe.render(file, [r]).split(separator: "\n").dropFirst()
                .first { test.isEmpty || $0.contains(" \(test) ") }
            let fields = line?.split(separator: " ").map(String.init) ?? []
            return file == .assoc ? (fields.count > 8 ? fields[8] : nil) : fields.last
        }
        #expect(pColumn(below, .assoc, "") == "8.828e-309")
        #expect(pColumn(above, .assoc, "") == "0")
        #expect(pColumn(above, .model, "ALLELIC") == "0")
        #expect(above.assoc.p.map { $0 > 3.81e-310 && $0 < 3.82e-310 } == true, "the computed value is kept")
        #expect(PlinkWriterProbe.render(.full, [above]).contains("\t3.8130369039241e-310\t"))
    }

    @Test("mismatched or implausible inputs are refused")
    func inputErrors() {
        #expect(throws: GwasError.panelCountMismatch(panelVariants: 1, countedVariants: 0)) {
            try Gwas.analyse(panel: [Self.variant], counts: [])
        }
        let garbage = VariantCounts(controls: GenotypeCounts(het: UInt64.max - 3))
        #expect(throws: GwasError.implausibleCount(variant: "rs113993960", value: UInt64.max - 3,
                                                            limit: Gwas.maximumCount)) {
            try Gwas.analyse(panel: [Self.variant], counts: [garbage])
        }
    }

    @Test("allele orientation: minor allele over all samples, ALT on ties, REF/ALT kept on request")
    func orientation() throws {
        // Phenotyped samples carry more ALT than REF, but the missing-phenotype samples tip the balance.
        let counts = VariantCounts(cases: GenotypeCounts(homRef: 1, het: 2, homAlt: 7),
                                   controls: GenotypeCounts(homRef: 3, het: 4, homAlt: 3),
                                   unknownPhenotype: GenotypeCounts(homRef: 10))
        let report = try Gwas.analyse(variant: Self.variant, counts: counts)
        #expect(report.a1 == "G" && report.a2 == "A" && report.a1IsAlt)
        #expect(report.assoc.caseA1 == 16 && report.assoc.caseA2 == 4)
        let flipped = try Gwas.analyse(variant: Self.variant, counts: VariantCounts(cases: GenotypeCounts(homAlt: 4)))
        #expect(flipped.a1 == "A" && flipped.frequency.a1Frequency == 0)
        let kept = try Gwas.analyse(variant: Self.variant, counts: VariantCounts(cases: GenotypeCounts(homAlt: 4)),
                                    options: GwasOptions(keepAlleleOrder: true))
        #expect(kept.a1 == "G" && kept.frequency.a1Frequency == 1)
        let tie = try Gwas.analyse(variant: Self.variant, counts: VariantCounts(cases: GenotypeCounts(het: 3)))
        #expect(tie.a1 == "G")
    }

    @Test("Hardy-Weinberg exact test: by hand, ties and mid-p")
    func hardyWeinberg() {
        // n = 3, two rare alleles: P(h = 0) = 1/5, P(h = 2) = 4/5 (weights n!/(h! homr! homc!) 2^h = 3 and 12).
        #expect(abs(HardyWeinbergTest.pValue(homA: 1, het: 0, homB: 2) - 0.2) < 1e-15)
        #expect(HardyWeinbergTest.pValue(homA: 0, het: 2, homB: 1) == 1)
        #expect(abs(HardyWeinbergTest.pValue(homA: 0, het: 2, homB: 1, midP: true) - 0.6) < 1e-15)
        // 0/25/149: P(25 hets) = P(23 hets) exactly, so mid-p removes half of both.
        let plain = HardyWeinbergTest.pValue(homA: 0, het: 25, homB: 149)
        let mid = HardyWeinbergTest.pValue(homA: 0, het: 25, homB: 149, midP: true)
        let tied = HardyWeinbergTest.pValue(homA: 1, het: 23, homB: 150, midP: true)
        #expect(plain == 1 && abs(mid - tied) < 1e-15 && mid < 0.61 && mid > 0.60)
        #expect(HardyWeinbergTest.pValue(homA: 0, het: 0, homB: 0) == 1)
        #expect(HardyWeinbergTest.pValue(homA: 0, het: 0, homB: 0, midP: true) == 0.5)
        // All heterozygous in 1000 samples: far below 1e-300, still a finite positive double or 0, never NaN.
        let extreme = HardyWeinbergTest.pValue(homA: 0, het: 1000, homB: 0)
        #expect(extreme >= 0 && extreme < 1e-290)
    }

    @Test("report files are written whole or not at all")
    func atomicWrites() throws {
        let counts = VariantCounts(cases: GenotypeCounts(homRef: 5, het: 5, homAlt: 5),
                                   controls: GenotypeCounts(homRef: 6, het: 5, homAlt: 4))
        let reports = try Gwas.analyse(panel: [Self.variant], counts: [counts])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("he-stats-w\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let missing = directory.appendingPathComponent("no-such-dir/out").path
        #expect(throws: GwasError.self) {
            try PlinkWriter.write(reports: reports, prefix: missing, files: [.assoc])
        }
        let prefix = directory.appendingPathComponent("out").path
        let written = try PlinkWriter.write(reports: reports, prefix: prefix, files: [.assoc, .frq, .full])
        #expect(written == [prefix + ".assoc", prefix + ".frq", prefix + ".gwas.tsv"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
                == ["out.assoc", "out.frq", "out.gwas.tsv"])
        let assoc = try String(contentsOfFile: prefix + ".assoc", encoding: .utf8)
        // A1 = G (28 ALT vs 32 REF alleles); F_A = 15/30, F_U = 13/30; chi-square 60 * 60^2 / (30 * 30 * 28 * 32);
        // OR = 15 * 17 / (13 * 15). The SNP column is 11 + 2 wide (PLINK's rule).
        #expect(assoc == """
             CHR           SNP         BP   A1      F_A      F_U   A2        CHISQ            P           OR \n\
               7   rs113993960  117559590    G      0.5   0.4333    A       0.2679       0.6048        1.308 \n
            """)

        // Without two phenotyped samples PLINK skips --assoc/--model; asking for them is an error.
        let noPhenotypes = try Gwas.analyse(panel: [Self.variant],
                                            counts: [VariantCounts(unknownPhenotype: GenotypeCounts(het: 4))])
        #expect(throws: GwasError.notEnoughPhenotypes(found: 0)) {
            try PlinkWriter.write(reports: noPhenotypes, prefix: prefix + "-np", files: [.model, .hwe])
        }
        let hwe = PlinkWriterProbe.render(.hwe, noPhenotypes)
        #expect(hwe.contains("  ALL(NP) "))
    }
}
