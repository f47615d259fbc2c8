import EncryptedStats
import HEFiles

// Case/control association statistics on pooled genotype counts, with PLINK 1.9's conventions
// (--assoc, --model, --hardy, --freq). See docs/STATISTICS.md for every formula and the source of each rule.

/// How the analysis follows PLINK 1.9's options.
public struct GwasOptions: Sendable, Equatable {
    /// PLINK's `--keep-allele-order`: A1 is always the panel's ALT (A2 its REF). Otherwise A1 is the minor allele
    /// over all samples' called genotypes, ALT on a tie or when nothing is called.
    public var keepAlleleOrder: Bool
    /// PLINK's `--cell`: GENO, DOM and REC are NA when any of the six genotype cells is below this count.
    public var cellThreshold: UInt64
    /// PLINK's `--hardy midp`.
    public var hardyMidP: Bool
    /// Whether to compute the `.model` tests and the Hardy-Weinberg tests (`VariantReport.model` and `.hardy`
    /// are empty otherwise): a report computes only what its files show.
    public var modelTests: Bool
    public var hardyTests: Bool

    public init(keepAlleleOrder: Bool = false, cellThreshold: UInt64 = 5, hardyMidP: Bool = false,
                modelTests: Bool = true, hardyTests: Bool = true) {
        self.keepAlleleOrder = keepAlleleOrder
        self.cellThreshold = cellThreshold
        self.hardyMidP = hardyMidP
        self.modelTests = modelTests
        self.hardyTests = hardyTests
    }
}

/// Genotype counts of one group oriented to A1/A2.
public struct OrientedGenotypes: Sendable, Equatable {
    public var homA1: UInt64
    public var het: UInt64
    public var homA2: UInt64
    public var missing: UInt64

    public init(homA1: UInt64, het: UInt64, homA2: UInt64, missing: UInt64) {
        self.homA1 = homA1
        self.het = het
        self.homA2 = homA2
        self.missing = missing
    }

    /// Orients panel REF/ALT counts: with A1 = ALT, hom-A1 is hom-ALT.
    init(_ counts: GenotypeCounts, a1IsAlt: Bool) {
        self.init(homA1: a1IsAlt ? counts.homAlt : counts.homRef, het: counts.het,
                  homA2: a1IsAlt ? counts.homRef : counts.homAlt, missing: counts.missing)
    }

    public var called: UInt64 { homA1 + het + homA2 }
    public var a1Alleles: UInt64 { 2 * homA1 + het }
    public var a2Alleles: UInt64 { 2 * homA2 + het }
}

/// PLINK `--assoc` (allelic chi-square, 1 df, no continuity correction).
public struct AssocResult: Sendable, Equatable {
    public var caseA1: UInt64
    public var caseA2: UInt64
    public var controlA1: UInt64
    public var controlA2: UInt64
    /// A1 frequency in cases (F_A); nil (NA) when no case allele is called.
    public var frequencyAffected: Double?
    /// A1 frequency in controls (F_U); nil (NA) when no control allele is called.
    public var frequencyUnaffected: Double?
    /// nil (NA) when A1 or A2 is never observed among phenotyped samples; 0 when only one group has calls.
    public var chiSquare: Double?
    public var p: Double?
    /// caseA1 * controlA2 / (controlA1 * caseA2); nil (NA) when the denominator is 0.
    public var oddsRatio: Double?
}

/// The tests of PLINK `--model`, in the order PLINK writes them.
public enum ModelTestKind: String, Sendable, CaseIterable {
    case genotypic = "GENO"
    case trend = "TREND"
    case allelic = "ALLELIC"
    case dominant = "DOM"
    case recessive = "REC"
}

/// One row of a `.model` report.
public struct ModelTest: Sendable, Equatable {
    public var kind: ModelTestKind
    /// Counts shown in the AFF column (cases), e.g. A1A1/A1A2/A2A2 for GENO, A1/A2 alleles for TREND and ALLELIC.
    public var affected: [UInt64]
    /// The same for controls (UNAFF).
    public var unaffected: [UInt64]
    /// nil (NA) when the test is not valid (cell counts below `cellThreshold`, or a zero margin).
    public var chiSquare: Double?
    public var degreesOfFreedom: Int?
    public var p: Double?
}

/// Which samples a Hardy-Weinberg row covers.
public enum HardyGroup: String, Sendable {
    /// All samples, whatever their phenotype.
    case all = "ALL"
    /// Cases.
    case affected = "AFF"
    /// Controls.
    case unaffected = "UNAFF"
}

/// One row of a `.hwe` report.
public struct HardyRow: Sendable, Equatable {
    public var group: HardyGroup
    public var homA1: UInt64
    public var het: UInt64
    public var homA2: UInt64
    /// O(HET): het / n; nil (PLINK prints nan) with no genotypes.
    public var observedHeterozygosity: Double?
    /// E(HET): 2 p q with p the A1 frequency of the group; nil with no genotypes.
    public var expectedHeterozygosity: Double?
    /// Exact test p-value.
    public var p: Double
}

/// PLINK `--freq`.
public struct FrequencyResult: Sendable, Equatable {
    /// A1 frequency over all samples' called genotypes (the MAF column unless `--keep-allele-order`); nil (NA)
    /// when nothing is called.
    public var a1Frequency: Double?
    /// Number of called allele observations (NCHROBS).
    public var alleleObservations: UInt64
}

/// Every statistic of one panel variant.
public struct VariantReport: Sendable, Equatable {
    public var variant: PanelVariant
    /// PLINK's numeric chromosome code (1-22).
    public var chromosomeCode: Int
    public var a1: String
    public var a2: String
    /// Whether A1 is the panel's ALT (false: A1 is REF).
    public var a1IsAlt: Bool
    public var cases: OrientedGenotypes
    public var controls: OrientedGenotypes
    /// All samples, including those with a missing phenotype.
    public var all: OrientedGenotypes
    public var assoc: AssocResult
    /// GENO, TREND, ALLELIC, DOM, REC.
    public var model: [ModelTest]
    /// ALL, AFF, UNAFF.
    public var hardy: [HardyRow]
    public var frequency: FrequencyResult

    /// Samples with a case or control phenotype (called or not) at this variant.
    public var phenotypedSamples: UInt64 {
        cases.called + cases.missing + controls.called + controls.missing
    }

    public func modelTest(_ kind: ModelTestKind) -> ModelTest? { model.first { $0.kind == kind } }
    public func hardyRow(_ group: HardyGroup) -> HardyRow? { hardy.first { $0.group == group } }
}

/// Genome-wide association analysis of pooled counts.
public enum Gwas {
    /// Counts above this are not from a real cohort (a wrong key or a corrupt aggregate decrypts to huge numbers).
    public static let maximumCount: UInt64 = 1 << 40

    /// Analyses every panel variant from its pooled counts.
    ///
    /// - Parameters:
    ///   - panel: the shared variant panel, in the order of the encrypted vector.
    ///   - counts: decrypted pooled counts, one per panel variant, oriented to the panel's REF/ALT.
    /// - Throws: `GwasError.panelCountMismatch`, `.implausibleCount` (a count above `maximumCount`),
    ///   `.unsupportedChromosome` (anything but autosomes 1-22; see docs/STATISTICS.md).
    public static func analyse(panel: [PanelVariant], counts: [VariantCounts],
                               options: GwasOptions = GwasOptions()) throws(GwasError) -> [VariantReport] {
        guard panel.count == counts.count else {
            throw GwasError.panelCountMismatch(panelVariants: panel.count, countedVariants: counts.count)
        }
        var reports: [VariantReport] = []
        reports.reserveCapacity(panel.count)
        for (variant, pooled) in zip(panel, counts) {
            reports.append(try analyse(variant: variant, counts: pooled, options: options))
        }
        return reports
    }

    /// Analyses one variant.
    public static func analyse(variant: PanelVariant, counts: VariantCounts,
                               options: GwasOptions = GwasOptions()) throws(GwasError) -> VariantReport {
        for value in counts.slots where value > maximumCount {
            throw GwasError.implausibleCount(variant: variant.id, value: value, limit: maximumCount)
        }
        guard let code = PlinkChromosome.code(for: variant.chrom) else {
            throw GwasError.unsupportedChromosome(variant: variant.id, chromosome: variant.chrom)
        }
        let pooled = counts.all
        // PLINK stores the minor allele as A1 unless --keep-allele-order: the REF count is compared with the ALT
        // count over every sample's called genotypes (missing phenotypes included), and REF becomes A1 only when
        // strictly rarer.
        let a1IsAlt = options.keepAlleleOrder || !(pooled.refAlleles < pooled.altAlleles)
        let cases = OrientedGenotypes(counts.cases, a1IsAlt: a1IsAlt)
        let controls = OrientedGenotypes(counts.controls, a1IsAlt: a1IsAlt)
        let all = OrientedGenotypes(pooled, a1IsAlt: a1IsAlt)

        let called = all.called
        // A panel ALT '.' (monomorphic in the reference) is PLINK's missing allele code 0, as its VCF import writes it.
        let plinkAlt = variant.alt == VariantPanel.missingAllele ? "0" : variant.alt
        let frequency = FrequencyResult(
            a1Frequency: called == 0 ? nil : Double(all.a1Alleles) / Double(2 * called),
            alleleObservations: 2 * called)
        return VariantReport(
            variant: variant, chromosomeCode: code,
            a1: a1IsAlt ? plinkAlt : variant.ref, a2: a1IsAlt ? variant.ref : plinkAlt, a1IsAlt: a1IsAlt,
            cases: cases, controls: controls, all: all,
            assoc: assoc(cases: cases, controls: controls),
            model: options.modelTests ? model(cases: cases, controls: controls, cellThreshold: options.cellThreshold) : [],
            hardy: options.hardyTests ? [hardy(all, group: .all, midP: options.hardyMidP),
                                         hardy(cases, group: .affected, midP: options.hardyMidP),
                                         hardy(controls, group: .unaffected, midP: options.hardyMidP)] : [],
            frequency: frequency)
    }

    static func assoc(cases: OrientedGenotypes, controls: OrientedGenotypes) -> AssocResult {
        let a = cases.a1Alleles, b = cases.a2Alleles, c = controls.a1Alleles, d = controls.a2Alleles
        var chiSquare: Double?
        var p: Double?
        if a + c > 0 && b + d > 0 {
            // Both alleles observed. A group without calls leaves nothing to compare: PLINK reports 0 and P = 1.
            let statistic = TwoByTwo.chiSquare(a, b, c, d) ?? 0
            chiSquare = statistic
            p = ChiSquareDistribution.survival(statistic, degreesOfFreedom: 1)
        }
        let denominator = Double(c) * Double(b)
        return AssocResult(
            caseA1: a, caseA2: b, controlA1: c, controlA2: d,
            frequencyAffected: a + b == 0 ? nil : Double(a) / Double(a + b),
            frequencyUnaffected: c + d == 0 ? nil : Double(c) / Double(c + d),
            chiSquare: chiSquare, p: p,
            oddsRatio: denominator == 0 ? nil : Double(a) * Double(d) / denominator)
    }

    static func model(cases: OrientedGenotypes, controls: OrientedGenotypes, cellThreshold: UInt64) -> [ModelTest] {
        let cells = [cases.homA1, cases.het, cases.homA2, controls.homA1, controls.het, controls.homA2]
        let valid = cells.allSatisfy { $0 >= cellThreshold }

        func test(_ kind: ModelTestKind, _ affected: [UInt64], _ unaffected: [UInt64],
                  _ statistic: (Double, Int)?) -> ModelTest {
            guard let (chi, df) = statistic else {
                return ModelTest(kind: kind, affected: affected, unaffected: unaffected,
                                 chiSquare: nil, degreesOfFreedom: nil, p: nil)
            }
            return ModelTest(kind: kind, affected: affected, unaffected: unaffected, chiSquare: chi,
                             degreesOfFreedom: df, p: ChiSquareDistribution.survival(chi, degreesOfFreedom: Double(df)))
        }
        func oneDf(_ value: Double?) -> (Double, Int)? { value.map { ($0, 1) } }

        let genotypes = test(.genotypic, [cases.homA1, cases.het, cases.homA2],
                             [controls.homA1, controls.het, controls.homA2],
                             valid ? genotypic(cases: cases, controls: controls) : nil)
        let alleles = ([cases.a1Alleles, cases.a2Alleles], [controls.a1Alleles, controls.a2Alleles])
        let trend = test(.trend, alleles.0, alleles.1, oneDf(cochranArmitage(cases: cases, controls: controls)))
        let allelic = test(.allelic, alleles.0, alleles.1,
                           oneDf(TwoByTwo.chiSquare(cases.a1Alleles, cases.a2Alleles,
                                                    controls.a1Alleles, controls.a2Alleles)))
        let dominant = test(.dominant, [cases.homA1 + cases.het, cases.homA2],
                            [controls.homA1 + controls.het, controls.homA2],
                            valid ? oneDf(TwoByTwo.chiSquare(cases.homA1 + cases.het, cases.homA2,
                                                             controls.homA1 + controls.het, controls.homA2)) : nil)
        let recessive = test(.recessive, [cases.homA1, cases.het + cases.homA2],
                             [controls.homA1, controls.het + controls.homA2],
                             valid ? oneDf(TwoByTwo.chiSquare(cases.homA1, cases.het + cases.homA2,
                                                              controls.homA1, controls.het + controls.homA2)) : nil)
        return [genotypes, trend, allelic, dominant, recessive]
    }

    /// 2 x 3 genotype table chi-square. Like PLINK: NA without cases or without controls; a genotype class seen in
    /// nobody reduces the test to the 2 x 2 table of the remaining classes (1 df).
    static func genotypic(cases: OrientedGenotypes, controls: OrientedGenotypes) -> (Double, Int)? {
        guard cases.called > 0, controls.called > 0 else { return nil }
        let columns = [(controls.homA2, cases.homA2), (controls.het, cases.het), (controls.homA1, cases.homA1)]
        let present = columns.filter { $0.0 + $0.1 > 0 }
        switch present.count {
        case 3:
            let table = [columns.map(\.0), columns.map(\.1)]
            return (ContingencyTable.pearson(table), 2)
        case 2:
            return TwoByTwo.chiSquare(present[0].0, present[1].0, present[0].1, present[1].1).map { ($0, 1) }
        default:
            return nil
        }
    }

    /// Cochran-Armitage trend test with allele-count scores, as PLINK computes it:
    /// T (caseAlleles T - alleles caseN)^2 / (caseN (T - caseN) (T (het + 4 hom) - alleles^2)), with T and caseN the
    /// called genotypes of everyone / of cases and the allele counts in A2 (the statistic is the same in A1).
    /// NA when the genotype variance is 0 (monomorphic or nothing called) or when cases or controls have no call.
    static func cochranArmitage(cases: OrientedGenotypes, controls: OrientedGenotypes) -> Double? {
        let total = Int128(cases.called + controls.called)
        let caseCount = Int128(cases.called)
        let het = Int128(cases.het + controls.het)
        let hom = Int128(cases.homA2 + controls.homA2)
        let alleles = het + 2 * hom
        let caseAlleles = Int128(cases.a2Alleles)
        let variance = total * (het + 4 * hom) - alleles * alleles
        guard variance != 0, caseCount > 0, caseCount < total else { return nil }
        let numerator = Double(wide: caseAlleles * total - alleles * caseCount)
        return numerator * numerator * Double(wide: total)
            / (Double(wide: variance) * Double(wide: caseCount) * Double(wide: total - caseCount))
    }

    static func hardy(_ genotypes: OrientedGenotypes, group: HardyGroup, midP: Bool) -> HardyRow {
        let n = genotypes.called
        let p = HardyWeinbergTest.pValue(homA: genotypes.homA1, het: genotypes.het, homB: genotypes.homA2,
                                         midP: midP)
        guard n > 0 else {
            return HardyRow(group: group, homA1: genotypes.homA1, het: genotypes.het, homA2: genotypes.homA2,
                            observedHeterozygosity: nil, expectedHeterozygosity: nil, p: p)
        }
        let alleles = Double(2 * n)
        let f1 = Double(genotypes.a1Alleles) / alleles
        let f2 = Double(genotypes.a2Alleles) / alleles
        return HardyRow(group: group, homA1: genotypes.homA1, het: genotypes.het, homA2: genotypes.homA2,
                        observedHeterozygosity: Double(genotypes.het) / Double(n),
                        expectedHeterozygosity: 2 * f1 * f2, p: p)
    }
}

/// Pearson chi-square on 2 x 2 tables [[a, b], [c, d]] with exact integer arithmetic.
enum TwoByTwo {
    /// N (ad - bc)^2 / (R1 R2 C1 C2); nil when a margin is 0.
    static func chiSquare(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> Double? {
        let r1 = a + b, r2 = c + d, c1 = a + c, c2 = b + d
        guard r1 > 0, r2 > 0, c1 > 0, c2 > 0 else { return nil }
        let cross = Double(wide: Int128(a) * Int128(d) - Int128(b) * Int128(c))
        return Double(r1 + r2) * cross * cross / (Double(r1) * Double(r2) * Double(c1) * Double(c2))
    }
}
