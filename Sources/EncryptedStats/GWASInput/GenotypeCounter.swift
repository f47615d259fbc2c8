// Turns one site's VCF/BCF, phenotypes and the shared panel into genotype counts in panel order.

import CHTSlib

/// Counts genotypes per panel variant and phenotype group at one site.
///
/// Rules (PLINK 1.9 on the pooled VCF; details in docs/GWAS-INPUT.md):
/// - A record matches a panel variant on CHR (ignoring a `chr` prefix), POS, and alleles: the panel's REF and ALT
///   are both alleles of the record and one of them is the record's REF; or the record's ALT is `.` and its REF is
///   one of the panel's alleles. Counts are oriented to the panel, so a record with REF/ALT swapped is flipped.
/// - Calls with an allele outside the panel pair (multi-allelic records), half-calls (`0/.`) and calls of ploidy
///   above 2 count as missing; haploid calls count as homozygous.
/// - A panel variant with no record, or whose record has no GT field, counts every sample as missing: the site
///   did not genotype it, exactly as PLINK sees `./.` for those samples in a merged VCF.
/// - Samples without a phenotype line are not counted at all.
public enum GenotypeCounter {
    /// Counts `vcfPath` against `panel`; the result has one entry per panel variant, in panel order.
    /// - Parameter decompressionThreads: extra htslib threads for BGZF decompression (0 = none).
    public static func count(
        vcfPath: String, phenotypes: PhenotypeTable, panel: [PanelVariant], decompressionThreads: Int = 0
    ) throws(EncryptedStatsError) -> (counts: [VariantCounts], summary: SiteInputSummary) {
        let index = try PanelIndex(panel)
        let reader = try VCFReader(path: vcfPath, decompressionThreads: decompressionThreads)
        var summary = SiteInputSummary()

        // Phenotype group of each VCF sample: 0 cases, 1 controls, 2 missing phenotype, 3 not counted.
        var groupOf = [UInt8](repeating: 3, count: reader.sampleNames.count)
        var groupSize = [UInt64](repeating: 0, count: 4)
        var inVCF = Set<String>()
        for (i, name) in reader.sampleNames.enumerated() {
            inVCF.insert(name)
            switch phenotypes[name] {
            case .affected?: groupOf[i] = 0; summary.cases += 1
            case .unaffected?: groupOf[i] = 1; summary.controls += 1
            case .missing?: groupOf[i] = 2; summary.unknownPhenotype += 1
            case nil:
                summary.samplesWithoutPhenotype += 1
                if summary.examplesWithoutPhenotype.count < 5 { summary.examplesWithoutPhenotype.append(name) }
            }
            groupSize[Int(groupOf[i])] += 1
        }
        summary.vcfSamples = reader.sampleNames.count
        for name in phenotypes.samples where !inVCF.contains(name) {
            summary.phenotypeSamplesNotInVCF += 1
            if summary.examplesNotInVCF.count < 5 { summary.examplesNotInVCF.append(name) }
        }

        var counts = [VariantCounts?](repeating: nil, count: panel.count)
        var matchedAt = [String?](repeating: nil, count: panel.count)
        var chromIndexOfRid: [Int] = []
        let tally = Tally()
        var codes = [UInt8](repeating: Tally.other, count: 16)

        while try reader.next() {
            summary.records += 1
            let rid = Int(reader.record.pointee.rid)
            while chromIndexOfRid.count <= rid {
                let name = reader.chromosome(rid: Int32(chromIndexOfRid.count))
                chromIndexOfRid.append(index.chromIndex[VariantPanel.normalizedChromosome(name)] ?? -1)
            }
            let chromIndex = chromIndexOfRid[rid]
            guard chromIndex >= 0, let candidates = index.variantsAt[PanelIndex.key(chromIndex, reader.position)]
            else {
                summary.recordsNotInPanel += 1
                reader.noteLocation()
                continue
            }
            reader.unpackAlleles()
            let alleleCount = reader.alleleCount
            if codes.count < alleleCount { codes = [UInt8](repeating: Tally.other, count: alleleCount) }
            var matchedAny = false
            var genotypesFetched = false
            var genotypes: UnsafeBufferPointer<Int32>?
            for variant in candidates {
                guard try orient(reader: reader, variant: index.alleles[variant], codes: &codes) else { continue }
                matchedAny = true
                let here = "\(reader.chromosome(rid: Int32(rid))):\(reader.position)"
                if let first = matchedAt[variant] {
                    throw .vcfRecord(path: vcfPath, chrom: reader.chromosome(rid: Int32(rid)), pos: reader.position,
                                     field: "CHROM/POS/REF/ALT",
                                     reason: "second record for panel variant \(panel[variant].id) (first at \(first)); "
                                         + "expected one record per panel variant")
                }
                matchedAt[variant] = here
                if !genotypesFetched {
                    genotypes = try reader.genotypes()
                    genotypesFetched = true
                }
                guard let gt = genotypes else {
                    summary.recordsWithoutGenotypes += 1
                    counts[variant] = allMissing(groupSize)
                    continue
                }
                tally.reset()
                codes.withUnsafeBufferPointer { codes in
                    groupOf.withUnsafeBufferPointer { groups in
                        tally.count(gt, groups: groups, codes: codes, alleleCount: alleleCount)
                    }
                }
                counts[variant] = tally.variantCounts
                if alleleCount > 2 { summary.multiAllelicRecordsMatched += 1 }
                if alleleCount == 1 { summary.monomorphicRecordsMatched += 1 }
            }
            for code in 0..<alleleCount { codes[code] = Tally.other }
            if matchedAny { summary.recordsMatched += 1 } else { summary.recordsWithOtherAlleles += 1 }
            reader.noteLocation()
        }
        summary.halfCalls = tally.halfCalls
        summary.haploidCalls = tally.haploidCalls
        summary.polyploidCalls = tally.polyploidCalls
        summary.callsWithOtherAlleles = tally.otherAlleleCalls

        let result = counts.map { entry -> VariantCounts in
            if let entry { return entry }
            summary.panelVariantsAbsent += 1
            return allMissing(groupSize)
        }
        return (result, summary)
    }

    private static func allMissing(_ groupSize: [UInt64]) -> VariantCounts {
        VariantCounts(cases: GenotypeCounts(missing: groupSize[0]), controls: GenotypeCounts(missing: groupSize[1]),
                      unknownPhenotype: GenotypeCounts(missing: groupSize[2]))
    }

    /// Sets `codes[k]` to 0 for the record allele equal to the panel REF, 1 for the panel ALT (others stay
    /// `Tally.other`) and returns whether the record matches the panel variant.
    private static func orient(reader: VCFReader, variant: (ref: [UInt8], alt: [UInt8]),
                               codes: inout [UInt8]) throws(EncryptedStatsError) -> Bool {
        let n = reader.alleleCount
        var refAt = -1, altAt = -1
        for k in 0..<n {
            let allele = reader.allele(k)
            if refAt < 0 && equalsUppercased(allele, variant.ref) { refAt = k }
            else if altAt < 0 && equalsUppercased(allele, variant.alt) { altAt = k }
        }
        for k in 0..<n { codes[k] = Tally.other }
        let matches = n == 1 ? (refAt == 0 || altAt == 0) : (refAt >= 0 && altAt >= 0 && (refAt == 0 || altAt == 0))
        guard matches else { return false }
        if refAt >= 0 { codes[refAt] = 0 }
        if altAt >= 0 { codes[altAt] = 1 }
        return true
    }

    private static func equalsUppercased(_ cString: UnsafePointer<CChar>, _ bytes: [UInt8]) -> Bool {
        var i = 0
        while true {
            var c = UInt8(bitPattern: cString[i])
            if i == bytes.count { return c == 0 }
            if c >= 97 && c <= 122 { c -= 32 }
            if c != bytes[i] { return false }
            i += 1
        }
    }
}

/// The panel indexed by normalised chromosome and position.
private struct PanelIndex {
    var chromIndex: [Substring: Int] = [:]
    var variantsAt: [Int: [Int]] = [:]
    var alleles: [(ref: [UInt8], alt: [UInt8])] = []

    static func key(_ chrom: Int, _ pos: Int) -> Int { chrom << 40 | pos }

    init(_ panel: [PanelVariant]) throws(EncryptedStatsError) {
        var ids: [String: Int] = [:]
        for (i, v) in panel.enumerated() {
            guard v.pos > 0, v.pos < 1 << 40 else { throw .invalidPanel(variant: i, reason: "POS \(v.pos) is out of range") }
            let ref = v.ref.uppercased(), alt = v.alt.uppercased()
            guard VariantPanel.isSequenceAllele(ref), VariantPanel.isSequenceAllele(alt), ref != alt else {
                throw .invalidPanel(variant: i, reason: "REF '\(v.ref)' and ALT '\(v.alt)' must be different strings of A, C, G, T, N")
            }
            if let first = ids.updateValue(i, forKey: v.id) {
                throw .invalidPanel(variant: i, reason: "ID '\(v.id)' repeats variant \(first + 1)")
            }
            let chrom = VariantPanel.normalizedChromosome(v.chrom)
            let c: Int
            if let known = chromIndex[chrom] { c = known } else { c = chromIndex.count; chromIndex[chrom] = c }
            let k = Self.key(c, v.pos)
            for other in variantsAt[k, default: []] where Set([alleles[other].ref, alleles[other].alt]) == Set([Array(ref.utf8), Array(alt.utf8)]) {
                throw .invalidPanel(variant: i, reason: "same CHR:POS and alleles as variant \(other + 1)")
            }
            variantsAt[k, default: []].append(i)
            alleles.append((Array(ref.utf8), Array(alt.utf8)))
        }
    }
}

/// Per-record genotype class counts: 4 phenotype groups (the 4th not counted) x 4 classes.
private final class Tally {
    /// Allele code for alleles outside the panel pair; sums of two codes >= `other` mean such an allele.
    static let other: UInt8 = 8
    /// Counts at `4 * group + class`; owned by this object and freed once in deinit.
    private let table = UnsafeMutablePointer<UInt64>.allocate(capacity: 16)
    var halfCalls = 0, haploidCalls = 0, polyploidCalls = 0, otherAlleleCalls = 0

    init() { table.initialize(repeating: 0, count: 16) }
    deinit { table.deallocate() }

    func reset() { table.update(repeating: 0, count: 16) }

    var variantCounts: VariantCounts {
        func g(_ k: Int) -> GenotypeCounts {
            GenotypeCounts(homRef: table[4 * k], het: table[4 * k + 1], homAlt: table[4 * k + 2], missing: table[4 * k + 3])
        }
        return VariantCounts(cases: g(0), controls: g(1), unknownPhenotype: g(2))
    }

    /// Class (0 hom-ref, 1 het, 2 hom-alt, 3 missing) of a call given its alleles' codes.
    @inline(__always)
    private func diploidClass(_ ca: UInt8, _ cb: UInt8, counted: Bool) -> Int {
        let sum = ca &+ cb
        if sum <= 2 { return Int(sum) }
        if counted { otherAlleleCalls += 1 }
        return 3
    }

    /// Counts one record's GT values (`groups.count` samples, `gt.count / groups.count` values each).
    func count(_ gt: UnsafeBufferPointer<Int32>, groups: UnsafeBufferPointer<UInt8>,
                        codes: UnsafeBufferPointer<UInt8>, alleleCount: Int) {
        let samples = groups.count
        guard samples > 0 else { return }
        let ploidy = gt.count / samples
        let nAlleles = UInt32(alleleCount)
        let vectorEnd = he_bcf_int32_vector_end()
        let table = self.table
        do {
            if ploidy == 2 {
                for i in 0..<samples {
                    let g = Int(groups[i])
                    let a = (gt[2 &* i] >> 1) &- 1, b = (gt[2 &* i &+ 1] >> 1) &- 1
                    let cls: Int
                    if UInt32(bitPattern: a) < nAlleles && UInt32(bitPattern: b) < nAlleles {
                        let sum = codes[Int(a)] &+ codes[Int(b)]
                        if sum <= 2 { cls = Int(sum) } else { cls = 3; if g < 3 { otherAlleleCalls += 1 } }
                    } else {
                        cls = slowCall(gt, base: 2 &* i, ploidy: 2, codes: codes, nAlleles: nAlleles,
                                       vectorEnd: vectorEnd, counted: g < 3)
                    }
                    table[4 &* g &+ cls] &+= 1
                }
            } else {
                for i in 0..<samples {
                    let g = Int(groups[i])
                    let cls = ploidy == 0 ? 3 : slowCall(gt, base: ploidy &* i, ploidy: ploidy, codes: codes,
                                                         nAlleles: nAlleles, vectorEnd: vectorEnd, counted: g < 3)
                    table[4 &* g &+ cls] &+= 1
                }
            }
        }
    }

    /// Any call that is not a diploid call of two known alleles: missing, half, haploid, polyploid.
    private func slowCall(_ gt: UnsafeBufferPointer<Int32>, base: Int, ploidy: Int,
                                   codes: UnsafeBufferPointer<UInt8>, nAlleles: UInt32, vectorEnd: Int32,
                                   counted: Bool) -> Int {
        var present = 0
        while present < ploidy && gt[base &+ present] != vectorEnd { present &+= 1 }
        switch present {
        case 0:
            return 3
        case 1:
            let a = (gt[base] >> 1) &- 1
            guard a >= 0 else { return 3 }
            if counted { haploidCalls += 1 }
            guard UInt32(bitPattern: a) < nAlleles else { if counted { otherAlleleCalls += 1 }; return 3 }
            let c = codes[Int(a)]
            if c > 1 { if counted { otherAlleleCalls += 1 }; return 3 }
            return Int(2 &* c)
        case 2:
            let a = (gt[base] >> 1) &- 1, b = (gt[base &+ 1] >> 1) &- 1
            if a < 0 && b < 0 { return 3 }
            if a < 0 || b < 0 { if counted { halfCalls += 1 }; return 3 }
            guard UInt32(bitPattern: a) < nAlleles, UInt32(bitPattern: b) < nAlleles else {
                if counted { otherAlleleCalls += 1 }
                return 3
            }
            return diploidClass(codes[Int(a)], codes[Int(b)], counted: counted)
        default:
            var anyCalled = false
            for k in 0..<present where (gt[base &+ k] >> 1) &- 1 >= 0 { anyCalled = true }
            if anyCalled && counted { polyploidCalls += 1 }
            return 3
        }
    }
}
