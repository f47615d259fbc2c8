// The byte buffer the PLINK writers fill, with PLINK's column formatting.

/// Report text accumulated as ASCII/UTF-8 bytes in a growable raw buffer (reports run to millions of short
/// appends, where Array's per-append bookkeeping dominated).
struct ReportText {
    private final class Storage {
        var base: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }

        deinit { base.deallocate() }

        /// Makes room for `extra` more bytes and returns where they go.
        @inline(__always)
        func reserve(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
            if count + extra > capacity {
                let newCapacity = max(2 * capacity, count + extra)
                let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
                newBase.update(from: base, count: count)
                base.deallocate()
                base = newBase
                capacity = newCapacity
            }
            return base + count
        }
    }

    private let storage = Storage(capacity: 1 << 16)

    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage.base, count: storage.count)) }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            guard let source = utf8.baseAddress else { return }
            storage.reserve(utf8.count).update(from: source, count: utf8.count)
            storage.count += utf8.count
        }
    }

    mutating func byte(_ value: UInt8) {
        storage.reserve(1).pointee = value
        storage.count += 1
    }

    mutating func spaces(_ count: Int) {
        guard count > 0 else { return }
        storage.reserve(count).update(repeating: UInt8(ascii: " "), count: count)
        storage.count += count
    }

    /// `text` right-aligned in `width` columns.
    /// A header line: ` CHR `, `SNP` right-aligned in `width`, then `rest` (the other column names and the line end).
    mutating func header(snpWidth width: Int, _ rest: String) {
        append(" CHR ")
        pad("SNP", width)
        append(rest)
    }

    /// The CHR and SNP columns of a row: the chromosome code right-aligned in 4, a space, the ID right-aligned in
    /// `width`.
    mutating func variant(_ r: VariantReport, _ width: Int) {
        pad(r.chromosomeCode, 4)
        append(" ")
        pad(r.variant.id, width)
    }

    /// The A1 and A2 columns, each right-aligned in 4, separated by a space.
    mutating func alleles(_ r: VariantReport) {
        pad(r.a1, 4)
        append(" ")
        pad(r.a2, 4)
    }

    mutating func pad(_ text: String, _ width: Int) {
        let count = text.utf8.count
        if count < width { spaces(width - count) }
        append(text)
    }

    mutating func pad(_ value: Int, _ width: Int) {
        if value < 0 { return pad(String(value), width) }
        pad(UInt64(value), width)
    }

    /// PLINK's 4-significant-digit style, or NA for a missing value.
    mutating func g4(_ value: Double?, _ width: Int) {
        guard let value else { return pad("NA", width) }
        let target = storage.reserve(PlinkFormat.maximumG4Length + width)
        let length = PlinkFormat.g4(value, into: target)
        if length < width {
            // Shift right to align, then fill the gap.
            let shift = width - length
            (target + shift).update(from: target, count: length)
            target.update(repeating: UInt8(ascii: " "), count: shift)
            storage.count += width
        } else {
            storage.count += length
        }
    }

    /// Counts joined by "/", right-aligned in `width`.
    mutating func counts(_ values: [UInt64], _ width: Int) {
        var length = values.count - 1
        for value in values { length += value.decimalDigits }
        if length < width { spaces(width - length) }
        for (i, value) in values.enumerated() {
            if i > 0 { byte(UInt8(ascii: "/")) }
            appendDecimal(value)
        }
    }

    /// `value` right-aligned in `width`.
    mutating func pad(_ value: UInt64, _ width: Int) {
        let length = value.decimalDigits
        if length < width { spaces(width - length) }
        appendDecimal(value)
    }

    private mutating func appendDecimal(_ value: UInt64) {
        let digits = value.decimalDigits
        let target = storage.reserve(digits)
        var v = value
        for i in stride(from: digits - 1, through: 0, by: -1) {
            target[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
        }
        storage.count += digits
    }

    /// The shortest decimal that reads back as exactly the same double (at most 17 significant digits, so
    /// nothing is lost), or NA for a missing value.
    mutating func full(_ value: Double?) {
        guard let value else { return append("NA") }
        append(value.description)
    }
}

extension UInt64 {
    /// Number of decimal digits (1 for 0).
    var decimalDigits: Int {
        var count = 1
        var v = self
        while v >= 10 {
            v /= 10
            count += 1
        }
        return count
    }
}
