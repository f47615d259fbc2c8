import EncryptedStats
import HEFiles

// Field splitting and GT decoding for VCF text data lines.
//
// htslib's general VCF parser re-encodes every FORMAT field of every sample into BCF before anything can read
// GT; on 2,000-sample files that costs three times PLINK's whole `--freq`. Counting needs only CHROM, POS, REF,
// ALT, FORMAT and the GT sub-field, so VCF text lines read through htslib are split here. Calls that are not
// one-character diploid calls are decoded into htslib's integer encoding, so that VCF and BCF input share the
// rules for haploid, half, polyploid and multi-allelic calls.

import CHTSlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte offsets of the fields of one VCF data line.
package struct VCFTextLine {
    package var chrom: Range<Int>
    package var pos: Int
    /// Set by ``parseAlleles(_:)``.
    package var ref: Range<Int> = 0..<0
    package var alt: Range<Int> = 0..<0
    package var format: Range<Int> = 0..<0
    /// Offset of the first sample column (one past the end of the line when there is none).
    package var samplesStart = 0
    private var afterPos: Int

    package enum Problem: Error {
        case columns(String)
        case pos(String)
        case genotype(sample: Int, text: String)
    }

    /// Splits CHROM and POS.
    package init(_ line: UnsafeBufferPointer<UInt8>) throws(Problem) {
        let t1 = Self.tab(line, from: 0)
        guard t1 < line.count else { throw .columns("expected at least 8 tab-separated columns") }
        let t2 = Self.tab(line, from: t1 + 1)
        chrom = 0..<t1
        var value = 0
        var i = t1 + 1
        guard i < t2 else { throw .pos("") }
        while i < t2 {
            let d = Int(line[i]) &- 48
            guard d >= 0 && d <= 9 && value < 1 << 40 else {
                throw .pos(String(decoding: UnsafeBufferPointer(rebasing: line[(t1 + 1)..<t2]), as: UTF8.self))
            }
            value = value &* 10 &+ d
            i += 1
        }
        guard value > 0 && value < 1 << 40 else { throw .pos(String(decoding: UnsafeBufferPointer(rebasing: line[(t1 + 1)..<t2]), as: UTF8.self)) }
        pos = value
        afterPos = t2 + 1
    }

    /// Splits ID .. FORMAT; a line with exactly 8 columns has an empty FORMAT.
    package mutating func parseAlleles(_ line: UnsafeBufferPointer<UInt8>) throws(Problem) {
        var starts = [Int](repeating: 0, count: 8)
        var i = afterPos
        for k in 0..<6 {  // ID REF ALT QUAL FILTER INFO
            guard i <= line.count else { throw .columns("expected at least 8 tab-separated columns") }
            starts[k] = i
            i = Self.tab(line, from: i) + 1
        }
        ref = starts[1]..<(starts[2] - 1)
        alt = starts[2]..<(starts[3] - 1)
        if i <= line.count {
            let end = Self.tab(line, from: i)
            format = i..<end
            samplesStart = end + 1
        } else {
            format = line.count..<line.count
            samplesStart = line.count + 1
        }
    }

    /// Index of the `GT` key in FORMAT, or nil when FORMAT has no GT.
    package func gtIndex(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        var key = 0
        var i = format.lowerBound
        while i < format.upperBound {
            var j = i
            while j < format.upperBound && line[j] != UInt8(ascii: ":") { j += 1 }
            if j - i == 2 && line[i] == UInt8(ascii: "G") && line[i + 1] == UInt8(ascii: "T") { return key }
            key += 1
            i = j + 1
        }
        return nil
    }

    /// Marker written for a call of ploidy above 2 with at least one called allele.
    package static let polyploidMarker = Int32.max

    /// Decodes the GT of sample `s`, whose column starts at `i`, into two values in htslib's encoding (allele k as
    /// `(k + 1) << 1 | phased`, `.` as 0, a haploid call padded with `bcf_int32_vector_end`, a call of ploidy above
    /// 2 as two ``polyploidMarker``s when an allele after the second is called, else as its first two values), and
    /// moves `i` to the next column.
    package func decodeCall(_ line: UnsafeBufferPointer<UInt8>, at i: inout Int, sample s: Int,
                            gtIndex: Int) throws(Problem) -> (Int32, Int32) {
        let end = line.count
        // Skip the sub-fields before GT; a sample with fewer sub-fields has a missing GT.
        var key = 0
        while key < gtIndex && i < end && line[i] != UInt8(ascii: "\t") {
            while i < end && line[i] != UInt8(ascii: ":") && line[i] != UInt8(ascii: "\t") { i += 1 }
            if i < end && line[i] == UInt8(ascii: ":") { i += 1; key += 1 }
        }
        var v0: Int32 = 0, v1: Int32 = 0
        var n = 0
        var anyCalled = false
        var calledBeyondSecond = false
        if key == gtIndex {
            var phased: Int32 = 0
            while i < end {
                let c = line[i]
                var value: Int32
                if c == UInt8(ascii: ".") {
                    value = 0
                    i += 1
                } else if c &- 48 <= 9 {
                    var k: Int32 = 0
                    var digits = 0
                    while i < end && line[i] &- 48 <= 9 && digits < 9 {
                        k = k &* 10 &+ Int32(line[i] &- 48)
                        i += 1
                        digits += 1
                    }
                    value = (k &+ 1) << 1 | phased
                    anyCalled = true
                    if n >= 2 { calledBeyondSecond = true }
                } else if n == 0 && (c == UInt8(ascii: ":") || c == UInt8(ascii: "\t")) {
                    break  // empty GT: missing
                } else {
                    throw .genotype(sample: s, text: Self.column(line, around: i))
                }
                if n == 0 { v0 = value } else if n == 1 { v1 = value }
                n += 1
                guard i < end else { break }
                let sep = line[i]
                if sep == UInt8(ascii: "/") || sep == UInt8(ascii: "|") {
                    phased = sep == UInt8(ascii: "|") ? 1 : 0
                    i += 1
                    continue
                }
                guard sep == UInt8(ascii: ":") || sep == UInt8(ascii: "\t") else {
                    throw .genotype(sample: s, text: Self.column(line, around: i))
                }
                break
            }
        }
        // Move to the next sample column.
        if i < end && line[i] != UInt8(ascii: "\t") { i = Self.tab(line, from: i) }
        i += 1
        switch n {
        case 0: return (0, 0)
        case 1: return (v0, he_bcf_int32_vector_end())
        case 2: return (v0, v1)
        default:
            // Alleles after the second that are all `.` are padding: PLINK 1.9 reads `0/1/.` as the call 0/1.
            if !calledBeyondSecond { return (v0, v1) }
            let v = anyCalled ? Self.polyploidMarker : 0
            return (v, v)
        }
    }

    /// Offset of the next tab at or after `from`, or `line.count`.
    @inline(__always)
    static func tab(_ line: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard from < line.count, let base = line.baseAddress else { return line.count }
        guard let hit = memchr(base + from, 9, line.count - from) else { return line.count }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// The sample column containing offset `i`, for error messages.
    static func column(_ line: UnsafeBufferPointer<UInt8>, around i: Int) -> String {
        var start = i
        while start > 0 && line[start - 1] != UInt8(ascii: "\t") { start -= 1 }
        let end = tab(line, from: i)
        return excerpt(String(decoding: UnsafeBufferPointer(rebasing: line[start..<end]), as: UTF8.self))
    }
}
