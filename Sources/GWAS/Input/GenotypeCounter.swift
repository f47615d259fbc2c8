import EncryptedStats
import HEFiles

// Turns one site's VCF/BCF, phenotypes and the shared panel into genotype counts in panel order.

import CHTSlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts genotypes per panel variant and phenotype group at one site.
///
/// Rules (PLINK 1.9 on the pooled VCF; details in docs/GWAS-INPUT.md):
/// - A record matches a panel variant on CHR (ignoring a `chr` prefix), POS, and alleles: the panel's REF and ALT
///   are both alleles of the record and one of them is the record's REF; or the record's ALT is `.` and its REF is
///   one of the panel's alleles. Counts are oriented to the panel, so a record with REF/ALT swapped is flipped.
/// - Calls with an allele outside the panel pair (multi-allelic records), half-calls (`0/.`) and calls of ploidy
///   above 2 count as missing; haploid calls count as homozygous. A call whose alleles after the second are all
///   missing (`0/1/.`) is the diploid call of its first two, as PLINK 1.9 reads it.
/// - A panel variant with no record, or whose record has no GT field, counts every sample as missing: the site
///   did not genotype it, exactly as PLINK sees `./.` for those samples in a merged VCF.
/// - Samples without a phenotype line are not counted at all.
public enum GenotypeCounter {
    /// Counts `vcfPath` against `panel`; the result has one entry per panel variant, in panel order.
    /// - Parameter decompressionThreads: extra htslib threads for BGZF decompression (0 = none).
    public static func count(
        vcfPath: String, phenotypes: PhenotypeTable, panel: [PanelVariant], decompressionThreads: Int = 0
    ) throws(GwasError) -> (counts: [VariantCounts], summary: SiteInputSummary) {
        let index = try PanelIndex(panel)
        let reader = try VCFReader(path: vcfPath, decompressionThreads: decompressionThreads)
        var summary = SiteInputSummary()

        // Phenotype group of each VCF sample: 0 cases, 1 controls, 2 missing phenotype, 3 not counted.
        var groupOf = [UInt8](repeating: 3, count: reader.sampleNames.count)
        var groupSize = [UInt64](repeating: 0, count: 4)
        // The VCF sample each phenotype line was matched to: a line may name one sample only (by IID, or by
        // FID_IID when PLINK would split the VCF sample ID at its underscore; not both).
        var matchedBy = [String?](repeating: nil, count: phenotypes.count)
        for (i, name) in reader.sampleNames.enumerated() {
            let match = phenotypes.match(name)
            if let entry = match?.entry {
                if let other = matchedBy[entry] {
                    throw .inputField(path: phenotypes.path, line: phenotypes.line(ofEntry: entry), field: "IID",
                                      expected: "a line that names one VCF sample (by IID or by FID_IID)",
                                      found: "a line naming the VCF samples '\(other)' and '\(name)' of \(reader.path)")
                }
                matchedBy[entry] = name
            }
            switch match?.phenotype {
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
        for (entry, name) in phenotypes.samples.enumerated() where matchedBy[entry] == nil {
            summary.phenotypeSamplesNotInVCF += 1
            if summary.examplesNotInVCF.count < 5 { summary.examplesNotInVCF.append(name) }
        }

        let state = CountingState(panel: panel, index: index, groupOf: groupOf, groupSize: groupSize, path: reader.path)
        if reader.isText {
            try countText(reader, state)
        } else {
            try countBinary(reader, state)
        }
        summary.records = state.records
        summary.recordsMatched = state.recordsMatched
        summary.recordsNotInPanel = state.recordsNotInPanel
        summary.recordsWithOtherAlleles = state.recordsWithOtherAlleles
        summary.multiAllelicRecordsMatched = state.multiAllelicRecordsMatched
        summary.monomorphicRecordsMatched = state.monomorphicRecordsMatched
        summary.swappedRecordsMatched = state.swappedRecordsMatched
        summary.recordsWithoutGenotypes = state.recordsWithoutGenotypes
        summary.halfCalls = state.tally.halfCalls
        summary.haploidCalls = state.tally.haploidCalls
        summary.polyploidCalls = state.tally.polyploidCalls
        summary.callsWithOtherAlleles = state.tally.otherAlleleCalls
        let result = state.counts.enumerated().map { (variant, entry) -> VariantCounts in
            if let entry { return entry }
            // No record carries the panel pair, but exactly one SNP record has the panel's REF with other bases
            // only (A>C at a panel A>G): its REF/REF calls are hom-ref, as in a bcftools-merged A>G,C record.
            if let f = state.fallback[variant], f.records == 1 {
                summary.panelVariantsCountedByReference += 1
                summary.halfCalls += f.calls.half
                summary.haploidCalls += f.calls.haploid
                summary.polyploidCalls += f.calls.polyploid
                summary.callsWithOtherAlleles += f.calls.other
                return f.withoutGT ? state.allMissing : f.counts
            }
            summary.panelVariantsAbsent += 1
            summary.absentVariantIDs.append(panel[variant].id)
            return state.allMissing
        }
        return (result, summary)
    }

    /// BCF input: htslib decodes each record; GT comes from `bcf_get_genotypes` into the reader's reused buffer.
    private static func countBinary(_ reader: VCFReader, _ state: CountingState) throws(GwasError) {
        var chromIndexOfRid: [Int] = []
        while try reader.next() {
            state.records += 1
            let rid = Int(reader.record.pointee.rid)
            while chromIndexOfRid.count <= rid {
                let name = reader.chromosome(rid: Int32(chromIndexOfRid.count))
                chromIndexOfRid.append(state.index.chromIndex[VariantPanel.normalizedChromosome(name)] ?? -1)
            }
            let chromIndex = chromIndexOfRid[rid]
            guard chromIndex >= 0, let candidates = state.index.variantsAt[PanelIndex.key(chromIndex, reader.position)]
            else {
                state.recordsNotInPanel += 1
                reader.noteLocation()
                continue
            }
            reader.unpackAlleles()
            let alleles = (0..<reader.alleleCount).map { k in
                let allele = reader.allele(k)
                return UnsafeBufferPointer(start: UnsafeRawPointer(allele).assumingMemoryBound(to: UInt8.self),
                                           count: strlen(allele))
            }
            let chrom = reader.chromosome(rid: Int32(rid)), pos = reader.position
            var fetched = false
            var genotypes: UnsafeBufferPointer<Int32>?
            try state.record(candidates: candidates, alleles: alleles, chrom: chrom, pos: pos) {
                tally, codes, groups throws(GwasError) -> Bool in
                if !fetched {
                    genotypes = try reader.genotypes()
                    fetched = true
                }
                guard let gt = genotypes else { return false }
                tally.count(gt, groups: groups, codes: codes, alleleCount: alleles.count)
                return true
            }
            reader.noteLocation()
        }
    }

    /// VCF text input: lines come through htslib, fields and GT are split by ``VCFTextLine``.
    private static func countText(_ reader: VCFReader, _ state: CountingState) throws(GwasError) {
        var lastChrom: [UInt8] = []
        var lastChromName = ""
        var chromIndex = -1
        var lastPos = 0
        while let line = try reader.nextLine() {
            state.records += 1
            let location = { "\(String(decoding: UnsafeBufferPointer(rebasing: line[..<VCFTextLine.tab(line, from: 0)]), as: UTF8.self))" }
            var fields: VCFTextLine
            do {
                fields = try VCFTextLine(line)
            } catch {
                throw state.problem(error, chrom: location(), pos: 0, reader: reader)
            }
            let chromBytes = UnsafeBufferPointer(rebasing: line[fields.chrom])
            if !chromBytes.elementsEqual(lastChrom) {
                lastChrom = Array(chromBytes)
                lastChromName = String(decoding: chromBytes, as: UTF8.self)
                chromIndex = state.index.chromIndex[VariantPanel.normalizedChromosome(lastChromName)] ?? -1
            }
            lastPos = fields.pos
            defer { reader.noteLocation("\(lastChromName):\(lastPos)") }
            guard chromIndex >= 0, let candidates = state.index.variantsAt[PanelIndex.key(chromIndex, fields.pos)]
            else {
                state.recordsNotInPanel += 1
                continue
            }
            do {
                try fields.parseAlleles(line)
            } catch {
                throw state.problem(error, chrom: lastChromName, pos: fields.pos, reader: reader)
            }
            var alleles = [UnsafeBufferPointer(rebasing: line[fields.ref])]
            if !(fields.alt.count == 1 && line[fields.alt.lowerBound] == UInt8(ascii: ".")) {
                var start = fields.alt.lowerBound
                for i in fields.alt where line[i] == UInt8(ascii: ",") {
                    alleles.append(UnsafeBufferPointer(rebasing: line[start..<i]))
                    start = i + 1
                }
                alleles.append(UnsafeBufferPointer(rebasing: line[start..<fields.alt.upperBound]))
            }
            let gtIndex = fields.gtIndex(line)
            try state.record(candidates: candidates, alleles: alleles, chrom: lastChromName, pos: fields.pos) {
                tally, codes, groups throws(GwasError) -> Bool in
                guard let gtIndex else { return false }
                do throws(VCFTextLine.Problem) {
                    try tally.countText(line, fields: fields, gtIndex: gtIndex, groups: groups, codes: codes,
                                        alleleCount: alleles.count)
                } catch {
                    throw state.problem(error, chrom: lastChromName, pos: fields.pos, reader: reader)
                }
                return true
            }
        }
    }
}

/// Everything one counting pass accumulates.
private final class CountingState {
    let panel: [PanelVariant]
    let index: PanelIndex
    let groupOf: [UInt8]
    let allMissing: VariantCounts
    let path: String
    let tally = Tally()
    var counts: [VariantCounts?]
    var matchedAt: [String?]
    var codes = [UInt8](repeating: Tally.other, count: 16)
    var records = 0, recordsMatched = 0, recordsNotInPanel = 0, recordsWithOtherAlleles = 0
    var multiAllelicRecordsMatched = 0, monomorphicRecordsMatched = 0, recordsWithoutGenotypes = 0
    var swappedRecordsMatched = 0
    /// Per panel SNP, the counts of SNP records with its REF and only other bases (used when no record carries
    /// the panel pair), with the call conversions they made and how many such records there were.
    struct Fallback {
        var counts: VariantCounts
        var withoutGT: Bool
        var calls: (half: Int, haploid: Int, polyploid: Int, other: Int)
        var records: Int
    }
    var fallback: [Int: Fallback] = [:]

    init(panel: [PanelVariant], index: PanelIndex, groupOf: [UInt8], groupSize: [UInt64], path: String) {
        self.panel = panel
        self.index = index
        self.groupOf = groupOf
        self.path = path
        allMissing = VariantCounts(cases: GenotypeCounts(missing: groupSize[0]),
                                   controls: GenotypeCounts(missing: groupSize[1]),
                                   unknownPhenotype: GenotypeCounts(missing: groupSize[2]))
        counts = [VariantCounts?](repeating: nil, count: panel.count)
        matchedAt = [String?](repeating: nil, count: panel.count)
    }

    /// Counts one record at a panel position against each panel variant there whose alleles it carries.
    /// `tallyCalls` counts the record's calls into the tally with the given allele codes and returns false when
    /// the record has no GT.
    func record(candidates: [Int], alleles: [UnsafeBufferPointer<UInt8>], chrom: String, pos: Int,
                tallyCalls: (Tally, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws(GwasError) -> Bool)
        throws(GwasError) {
        if codes.count < alleles.count { codes = [UInt8](repeating: Tally.other, count: alleles.count) }
        var matchedAny = false
        var withoutGT = false
        var swapped = false
        var matchedHere = 0  // how many candidates this record carries (usually its only one)
        for variant in candidates {
            guard orient(alleles: alleles, variant: index.alleles[variant]) else { continue }
            matchedAny = true
            matchedHere += 1
            if codes[0] == 1 { swapped = true }  // the record's REF is the panel's ALT
            if let first = matchedAt[variant] {
                throw .vcfRecord(path: path, chrom: chrom, pos: pos, field: "CHROM/POS/REF/ALT",
                                 reason: "second record for panel variant \(panel[variant].id) (first at \(first)); "
                                     + "expected one record per panel variant")
            }
            matchedAt[variant] = "\(chrom):\(pos)"
            tally.reset()
            let hasGT = try codes.withUnsafeBufferPointer { codes throws(GwasError) in
                try groupOf.withUnsafeBufferPointer { groups throws(GwasError) in
                    try tallyCalls(tally, codes, groups)
                }
            }
            if hasGT {
                counts[variant] = tally.variantCounts
            } else {
                counts[variant] = allMissing
                withoutGT = true
            }
        }
        for k in 0..<alleles.count { codes[k] = Tally.other }
        if matchedHere < candidates.count {
            try fallbackCounts(candidates: candidates, alleles: alleles, tallyCalls: tallyCalls)
        }
        guard matchedAny else {
            recordsWithOtherAlleles += 1
            return
        }
        recordsMatched += 1
        if withoutGT { recordsWithoutGenotypes += 1 }
        if alleles.count > 2 { multiAllelicRecordsMatched += 1 }
        if alleles.count == 1 { monomorphicRecordsMatched += 1 }
        if swapped { swappedRecordsMatched += 1 }
    }

    /// For each panel SNP at the record's position that the record does not carry but whose REF is the record's
    /// REF, when all the record's alleles are single bases: the record's counts with REF/REF as hom-ref and every
    /// other base outside the pair (so missing), kept aside in `fallback` and used at the end only if no record
    /// carries that SNP's pair (a site that wrote `A>C`, or `A>C` split from `A>C,T`, for a panel `A>G`).
    private func fallbackCounts(candidates: [Int], alleles: [UnsafeBufferPointer<UInt8>],
                                tallyCalls: (Tally, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws(GwasError) -> Bool)
        throws(GwasError) {
        guard alleles.count >= 2, alleles.allSatisfy({ $0.count == 1 && Self.isBase($0[0]) }) else { return }
        for variant in candidates {
            let pair = index.alleles[variant]
            // A panel SNP with the record's REF whose ALT the record does not carry (one it carries matched above).
            guard pair.ref.count == 1, pair.alt.count == 1, Self.equalsUppercased(alleles[0], pair.ref),
                  !alleles.dropFirst().contains(where: { Self.equalsUppercased($0, pair.alt) }) else { continue }
            if var seen = fallback[variant] {
                seen.records += 1  // two such records (A>C and A>T): their REF/REF calls may overlap; none is used
                fallback[variant] = seen
                continue
            }
            codes[0] = 0
            let before = (tally.halfCalls, tally.haploidCalls, tally.polyploidCalls, tally.otherAlleleCalls)
            tally.reset()
            let hasGT = try codes.withUnsafeBufferPointer { codes throws(GwasError) in
                try groupOf.withUnsafeBufferPointer { groups throws(GwasError) in
                    try tallyCalls(tally, codes, groups)
                }
            }
            codes[0] = Tally.other
            // The conversions are reported only if this record is used; take them back out of the running tally.
            let calls = (tally.halfCalls - before.0, tally.haploidCalls - before.1, tally.polyploidCalls - before.2,
                         tally.otherAlleleCalls - before.3)
            (tally.halfCalls, tally.haploidCalls, tally.polyploidCalls, tally.otherAlleleCalls) = before
            fallback[variant] = Fallback(counts: tally.variantCounts, withoutGT: !hasGT, calls: calls, records: 1)
        }
    }

    /// A, C, G, T or N in either case.
    private static func isBase(_ c: UInt8) -> Bool {
        switch c | 0x20 {
        case UInt8(ascii: "a"), UInt8(ascii: "c"), UInt8(ascii: "g"), UInt8(ascii: "t"), UInt8(ascii: "n"): true
        default: false
        }
    }

    /// Sets `codes[k]` to 0 for the record allele equal to the panel REF, 1 for the panel ALT (others stay
    /// `Tally.other`) and returns whether the record matches the panel variant: both panel alleles present and one
    /// of them the record's REF, or ALT `.` and the record's REF one of the panel alleles.
    private func orient(alleles: [UnsafeBufferPointer<UInt8>], variant: (ref: [UInt8], alt: [UInt8])) -> Bool {
        var refAt = -1, altAt = -1
        for (k, allele) in alleles.enumerated() {
            if refAt < 0 && Self.equalsUppercased(allele, variant.ref) { refAt = k }
            else if altAt < 0 && Self.equalsUppercased(allele, variant.alt) { altAt = k }
        }
        for k in 0..<alleles.count { codes[k] = Tally.other }
        let n = alleles.count
        let matches = n == 1 ? (refAt == 0 || altAt == 0) : (refAt >= 0 && altAt >= 0 && (refAt == 0 || altAt == 0))
        guard matches else { return false }
        if refAt >= 0 { codes[refAt] = 0 }
        if altAt >= 0 { codes[altAt] = 1 }
        return true
    }

    private static func equalsUppercased(_ allele: UnsafeBufferPointer<UInt8>, _ bytes: [UInt8]) -> Bool {
        guard allele.count == bytes.count else { return false }
        for i in 0..<bytes.count {
            var c = allele[i]
            if c >= 97 && c <= 122 { c -= 32 }
            if c != bytes[i] { return false }
        }
        return true
    }

    /// The error for a malformed VCF text line.
    func problem(_ problem: VCFTextLine.Problem, chrom: String, pos: Int, reader: VCFReader) -> GwasError {
        switch problem {
        case .columns(let expected):
            return .vcfRecord(path: path, chrom: chrom, pos: pos, field: "columns", reason: expected)
        case .pos(let found):
            return .vcfRecord(path: path, chrom: chrom, pos: 0, field: "POS",
                              reason: "expected a positive 1-based position, found '\(found)'")
        case let .genotype(sample, text):
            return .vcfRecord(path: path, chrom: chrom, pos: pos, field: "GT of sample \(reader.sampleNames[sample])",
                              reason: "expected alleles (numbers or '.') separated by '/' or '|', found '\(text)'")
        }
    }
}
