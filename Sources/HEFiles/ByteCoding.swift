// Little-endian primitives of the container format (docs/FORMAT.md, "Encoding conventions").

/// Appends little-endian integers and length-prefixed fields to a byte buffer.
package struct ByteWriter {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    package mutating func u8(_ v: UInt8) { bytes.append(v) }
    package mutating func u16(_ v: UInt16) { append(v) }
    package mutating func u32(_ v: UInt32) { append(v) }
    package mutating func u64(_ v: UInt64) { append(v) }

    private mutating func append<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func raw(_ data: some Collection<UInt8>) { bytes.append(contentsOf: data) }

    /// `u32` byte length followed by the bytes.
    package mutating func blob(_ data: some Collection<UInt8>) {
        u32(UInt32(data.count))
        bytes.append(contentsOf: data)
    }

    /// `u32` byte length followed by UTF-8 bytes.
    package mutating func string(_ s: String) { blob(Array(s.utf8)) }

    /// `u32` count followed by that many strings.
    package mutating func strings(_ list: [String]) {
        u32(UInt32(list.count))
        for s in list { string(s) }
    }
}

/// Reads little-endian fields from a byte buffer; every failure names the field being read and becomes the
/// caller's own error type (`fail`).
package struct ByteReader<Failure: Error> {
    package let bytes: [UInt8]
    package private(set) var offset: Int
    private let end: Int
    /// Builds the error for a field that does not fit or is invalid (the container reader adds the file name).
    private let fail: (_ field: String, _ reason: String) -> Failure

    package init(_ bytes: [UInt8], range: Range<Int>? = nil,
                 fail: @escaping (_ field: String, _ reason: String) -> Failure) {
        self.bytes = bytes
        self.offset = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
        self.fail = fail
    }

    package var remaining: Int { end - offset }
    package var isAtEnd: Bool { offset == end }

    package func error(_ field: String, _ reason: String) -> Failure { fail(field, reason) }

    private mutating func take(_ n: Int, _ field: String) throws(Failure) -> Range<Int> {
        guard n >= 0, n <= remaining else {
            throw fail(field, "needs \(n) bytes but the header has only \(remaining) left")
        }
        defer { offset += n }
        return offset ..< offset + n
    }

    private mutating func integer<T: FixedWidthInteger>(_: T.Type, _ field: String) throws(Failure) -> T {
        let r = try take(MemoryLayout<T>.size, field)
        var v: T = 0
        for i in r.reversed() { v = (v << 8) | T(bytes[i]) }
        return v
    }

    package mutating func u8(_ field: String) throws(Failure) -> UInt8 { try integer(UInt8.self, field) }
    package mutating func u16(_ field: String) throws(Failure) -> UInt16 { try integer(UInt16.self, field) }
    package mutating func u32(_ field: String) throws(Failure) -> UInt32 { try integer(UInt32.self, field) }
    package mutating func u64(_ field: String) throws(Failure) -> UInt64 { try integer(UInt64.self, field) }

    package mutating func raw(_ n: Int, _ field: String) throws(Failure) -> [UInt8] {
        Array(bytes[try take(n, field)])
    }

    package mutating func blob(_ field: String, maxLength: Int = Int(UInt32.max)) throws(Failure) -> [UInt8] {
        let n = Int(try u32("\(field) length"))
        guard n <= maxLength else { throw fail(field, "length \(n) exceeds the limit of \(maxLength) bytes") }
        return try raw(n, field)
    }

    package mutating func string(_ field: String, maxLength: Int = 65_536) throws(Failure) -> String {
        let data = try blob(field, maxLength: maxLength)
        guard let s = String(validating: data, as: UTF8.self) else { throw fail(field, "not valid UTF-8") }
        return s
    }

    /// A `u32` count then that many strings; the count is checked against the bytes left before allocating.
    package mutating func strings(_ field: String, maxLength: Int = 65_536) throws(Failure) -> [String] {
        let n = Int(try u32("\(field) count"))
        guard n <= remaining / 4 else {
            throw fail(field, "count \(n) cannot fit in the \(remaining) bytes left in the header")
        }
        var out: [String] = []
        out.reserveCapacity(n)
        for i in 0 ..< n { out.append(try string("\(field)[\(i)]", maxLength: maxLength)) }
        return out
    }
}
