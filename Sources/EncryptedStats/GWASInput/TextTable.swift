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
/// or tabs, blank lines skipped.
package enum TextTable {
    package static func read(path: String) throws(EncryptedStatsError) -> [TextTableLine] {
        let bytes = try readBytes(path: path)
        var lines: [TextTableLine] = []
        var lineNumber = 0
        var start = 0
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
                    fields.append(String(decoding: bytes[fieldStart..<i], as: UTF8.self))
                }
            }
            if !fields.isEmpty { lines.append(TextTableLine(number: lineNumber, fields: fields)) }
            start = end + 1
        }
        return lines
    }

    @inline(__always)
    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// The whole file as bytes; errors carry the operating system's reason.
    package static func readBytes(path: String) throws(EncryptedStatsError) -> [UInt8] {
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
