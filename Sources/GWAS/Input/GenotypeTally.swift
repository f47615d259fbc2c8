import CHTSlib

// The genotype counter's inner loop: one record's calls classified per phenotype group (BCF values or VCF text).

/// Per-record genotype class counts: 4 phenotype groups (the 4th not counted) x 4 classes.
final class Tally {
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

    /// Counts the GT calls of a VCF text line straight from its bytes. One-character diploid calls (`0/1`, `1|1`,
    /// `./.`) are classified inline; every other call is decoded by ``VCFTextLine/decodeCall`` and classified by
    /// ``classifyPair``, the rules BCF input uses too.
    func countText(_ line: UnsafeBufferPointer<UInt8>, fields: VCFTextLine, gtIndex: Int,
                   groups: UnsafeBufferPointer<UInt8>, codes: UnsafeBufferPointer<UInt8>,
                   alleleCount: Int) throws(VCFTextLine.Problem) {
        let samples = groups.count
        let end = line.count
        let nAlleles = UInt32(alleleCount)
        let vectorEnd = he_bcf_int32_vector_end()
        let table = self.table
        let inline = gtIndex == 0 && line.baseAddress != nil
        var i = fields.samplesStart
        var s = 0
        while s < samples {
            let g = Int(groups[s])
            if inline && i &+ 3 <= end, let p = line.baseAddress {
                let a = p[i], sep = p[i &+ 1], b = p[i &+ 2]
                let term: UInt8 = i &+ 3 < end ? p[i &+ 3] : 9
                if (sep == 47 || sep == 124) && (term == 9 || term == 58) {  // '/' or '|', then tab or ':'
                    let da = a &- 48, db = b &- 48
                    var cls = -1
                    if da <= 9 && db <= 9 {
                        let sum = codes[Int(da)] &+ codes[Int(db)]
                        if sum <= 2 { cls = Int(sum) } else { cls = 3; if g < 3 { otherAlleleCalls += 1 } }
                    } else if a == 46 && b == 46 {  // "./."
                        cls = 3
                    }
                    if cls >= 0 {
                        table[4 &* g &+ cls] &+= 1
                        i &+= 3
                        if term == 58 { i = VCFTextLine.tab(line, from: i) }
                        i &+= 1
                        s &+= 1
                        continue
                    }
                }
            }
            guard i <= end else { throw .columns("expected \(samples) sample columns, found \(s)") }
            let (v0, v1) = try fields.decodeCall(line, at: &i, sample: s, gtIndex: gtIndex)
            table[4 &* g &+ classifyPair(v0, v1, codes: codes, nAlleles: nAlleles, vectorEnd: vectorEnd,
                                         counted: g < 3)] &+= 1
            s &+= 1
        }
        guard i > end else { throw .columns("expected \(samples) sample columns, found more") }
    }

    /// Class of a call given as two values in htslib's encoding (the second `bcf_int32_vector_end` for a haploid
    /// call, both ``VCFTextLine/polyploidMarker`` for a called genotype of ploidy above 2).
    @inline(__always)
    private func classifyPair(_ v0: Int32, _ v1: Int32, codes: UnsafeBufferPointer<UInt8>, nAlleles: UInt32,
                              vectorEnd: Int32, counted: Bool) -> Int {
        if v0 == VCFTextLine.polyploidMarker {
            if counted { polyploidCalls += 1 }
            return 3
        }
        let a = (v0 >> 1) &- 1
        if v1 == vectorEnd {  // haploid
            guard v0 != vectorEnd, a >= 0 else { return 3 }
            if counted { haploidCalls += 1 }
            guard UInt32(bitPattern: a) < nAlleles, codes[Int(a)] <= 1 else {
                if counted { otherAlleleCalls += 1 }
                return 3
            }
            return Int(2 &* codes[Int(a)])
        }
        let b = (v1 >> 1) &- 1
        if a < 0 && b < 0 { return 3 }
        if a < 0 || b < 0 { if counted { halfCalls += 1 }; return 3 }
        guard UInt32(bitPattern: a) < nAlleles, UInt32(bitPattern: b) < nAlleles else {
            if counted { otherAlleleCalls += 1 }
            return 3
        }
        return diploidClass(codes[Int(a)], codes[Int(b)], counted: counted)
    }

    /// Any BCF call that is not a diploid call of two known alleles: missing, half, haploid, polyploid.
    private func slowCall(_ gt: UnsafeBufferPointer<Int32>, base: Int, ploidy: Int,
                          codes: UnsafeBufferPointer<UInt8>, nAlleles: UInt32, vectorEnd: Int32,
                          counted: Bool) -> Int {
        var present = 0
        while present < ploidy && gt[base &+ present] != vectorEnd { present &+= 1 }
        switch present {
        case 0:
            return 3
        case 1:
            return classifyPair(gt[base], vectorEnd, codes: codes, nAlleles: nAlleles, vectorEnd: vectorEnd,
                                counted: counted)
        case 2:
            return classifyPair(gt[base], gt[base &+ 1], codes: codes, nAlleles: nAlleles, vectorEnd: vectorEnd,
                                counted: counted)
        default:
            // Alleles after the second that are all missing are padding: PLINK 1.9 reads `0/1/.` as the call 0/1.
            var calledBeyondSecond = false
            for k in 2..<present where (gt[base &+ k] >> 1) &- 1 >= 0 { calledBeyondSecond = true }
            if !calledBeyondSecond {
                return classifyPair(gt[base], gt[base &+ 1], codes: codes, nAlleles: nAlleles, vectorEnd: vectorEnd,
                                    counted: counted)
            }
            if counted { polyploidCalls += 1 }
            return 3
        }
    }
}
