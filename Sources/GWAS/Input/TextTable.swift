import EncryptedStats
import HEFiles

// Whitespace-separated text tables (phenotype files, variant panels), read whole and split into fields.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One non-empty line of a text table: its 1-based line number and its fields.
package struct TextTableLine: Sendable {
    package var number: Int
    package var fields: [String]
}

/// Reads a small text table: lines separated by LF (a trailing CR is dropped), fields separated by runs of spaces
/// or tabs, blank lines skipped. The text must be UTF-8 (an optional byte-order mark is skipped); an empty file is
/// refused with `what` (for example "a variant panel") as what it should have held.
package enum TextTable {
    package static func read(path: String, what: String = "whitespace-separated text lines") throws(GwasError)
        -> [TextTableLine] {
        let bytes = try readBytes(path: path)
        guard !bytes.isEmpty else { throw .emptyFile(path: path, expected: what) }
        if let encoding = CSVParser.utf16Encoding(bytes) {
            throw .inputField(path: path, line: 1, field: "encoding", expected: "UTF-8 text",
                              found: "\(encoding) text (save the file as UTF-8)")
        }
        var lines: [TextTableLine] = []
        var lineNumber = 0
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let count = bytes.count
        while start < count {
            var end = start
            while end < count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            var fields: [String] = []
            var i = start
            while i < end {
                while i < end && isSeparator(bytes[i]) { i += 1 }
                let fieldStart = i
                while i < end && !isSeparator(bytes[i]) { i += 1 }
                if i > fieldStart {
                    guard let field = String(validating: bytes[fieldStart..<i], as: UTF8.self) else {
                        throw .inputField(path: path, line: lineNumber, field: "\(fields.count + 1)",
                                          expected: "UTF-8 text", found: escapedInvalidUTF8(bytes[fieldStart..<i]))
                    }
                    fields.append(field)
                }
            }
            if !fields.isEmpty { lines.append(TextTableLine(number: lineNumber, fields: fields)) }
            start = end + 1
        }
        return lines
    }

    /// The bytes with every byte outside printable ASCII written as \xHH (at most 40 bytes shown).
    private static func escapedInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> String {
        var s = ""
        for b in bytes.prefix(40) {
            if b >= 0x20 && b < 0x7F { s.unicodeScalars.append(Unicode.Scalar(b)) } else { s += "\\x" + hex(b) }
        }
        return bytes.count > 40 ? s + "..." : s
    }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }

    @inline(__always)
    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// The whole file as bytes; errors carry the operating system's reason.
    package static func readBytes(path: String) throws(GwasError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw .inputUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count {
                if ferror(file) != 0 {
                    throw .inputUnreadable(path: path, reason: String(cString: strerror(errno)))
                }
                break
            }
        }
        return bytes
    }
}
