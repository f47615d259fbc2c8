import HEFiles

// A small RFC 4180 CSV parser that remembers where every field started, so errors can name line and column.
//
// Accepted: comma separators; LF or CRLF record ends; fields in double quotes may contain commas, line breaks
// and doubled quotes (""); an optional UTF-8 byte-order mark; empty lines are skipped.
// Refused with a located message: a quote inside an unquoted field, text after a closing quote, an unterminated
// quoted field, and invalid UTF-8.

/// One CSV field with the 1-based line and column where it starts.
package struct CSVField: Sendable {
    package var text: String
    package var line: Int
    package var column: Int
    package var quoted: Bool
}

/// One CSV record (a row); `line` is where it starts.
package struct CSVRecord: Sendable {
    package var fields: [CSVField]
    package var line: Int

    /// A comment line before the header row, such as the `# contributors (...)` line of a decrypted table: a single
    /// unquoted field starting with #. A line of several fields is the header even when its first label starts
    /// with # (`#diagnosis,cases,controls`), so a header is never taken for a comment and a data row for the header.
    package var isComment: Bool {
        fields.count == 1 && !fields[0].quoted && fields[0].text.hasPrefix("#")
    }
}

extension Array where Element == CSVRecord {
    /// The records after the comment lines that come before the header row.
    package var droppingLeadingComments: ArraySlice<CSVRecord> { self[(firstIndex { !$0.isComment } ?? count)...] }
}

package enum CSVParser {
    package static func parse(_ bytes: [UInt8], path: String) throws(EncryptedStatsError) -> [CSVRecord] {
        var i = 0
        let n = bytes.count
        if let encoding = utf16Encoding(bytes) {
            throw .tableSyntax(path: path, line: 1, column: 1, reason: "the file is \(encoding) text, not UTF-8 (in "
                               + "Excel choose 'Save as' > 'CSV UTF-8 (comma delimited)')")
        }
        if n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { i = 3 }
        var records: [CSVRecord] = []
        var line = 1
        var fields: [CSVField] = []
        var recordLine = 1
        var field: [UInt8] = []

        func text(_ b: [UInt8], _ l: Int, _ c: Int) throws(EncryptedStatsError) -> String {
            guard let s = String(validating: b, as: UTF8.self) else {
                throw .tableSyntax(path: path, line: l, column: c, reason: "field is not valid UTF-8")
            }
            return s
        }

        while i < n {
            // Start of a field.
            let fieldLine = line
            let column = fields.count + 1
            field.removeAll(keepingCapacity: true)
            var quoted = false
            if bytes[i] == UInt8(ascii: "\"") {
                quoted = true
                i += 1
                var closed = false
                while i < n {
                    let b = bytes[i]
                    if b == UInt8(ascii: "\"") {
                        if i + 1 < n && bytes[i + 1] == UInt8(ascii: "\"") {
                            field.append(b)
                            i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    if b == UInt8(ascii: "\n") { line += 1 }
                    field.append(b)
                    i += 1
                }
                guard closed else {
                    throw .tableSyntax(path: path, line: fieldLine, column: column,
                                       reason: "quoted field is not closed before the end of the file")
                }
                if i < n, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "\n"),
                   !(bytes[i] == UInt8(ascii: "\r") && i + 1 < n && bytes[i + 1] == UInt8(ascii: "\n")),
                   !(bytes[i] == UInt8(ascii: "\r") && i + 1 == n) {
                    throw .tableSyntax(path: path, line: line, column: column,
                                       reason: "unexpected character after the closing quote (expected a comma or a line end)")
                }
            } else {
                while i < n {
                    let b = bytes[i]
                    if b == UInt8(ascii: ",") || b == UInt8(ascii: "\n") { break }
                    if b == UInt8(ascii: "\r") && (i + 1 == n || bytes[i + 1] == UInt8(ascii: "\n")) { break }
                    if b == UInt8(ascii: "\"") {
                        throw .tableSyntax(path: path, line: line, column: column,
                                           reason: "a double quote inside an unquoted field (quote the whole field and double the quote)")
                    }
                    field.append(b)
                    i += 1
                }
            }
            fields.append(CSVField(text: try text(field, fieldLine, column), line: fieldLine, column: column,
                                   quoted: quoted))
            // Separator or record end.
            if i < n && bytes[i] == UInt8(ascii: ",") {
                i += 1
                if i == n {  // a trailing comma at the end of the file: one more empty field
                    fields.append(CSVField(text: "", line: line, column: fields.count + 1, quoted: false))
                }
                continue
            }
            if i < n && bytes[i] == UInt8(ascii: "\r") { i += 1 }
            if i < n && bytes[i] == UInt8(ascii: "\n") { i += 1 }
            let empty = fields.count == 1 && fields[0].text.isEmpty && !fields[0].quoted
            if !empty { records.append(CSVRecord(fields: fields, line: recordLine)) }
            fields.removeAll(keepingCapacity: true)
            line += 1
            recordLine = line
            // Skip further empty lines quickly.
            while i < n && (bytes[i] == UInt8(ascii: "\n") || (bytes[i] == UInt8(ascii: "\r") && i + 1 < n && bytes[i + 1] == UInt8(ascii: "\n"))) {
                i += bytes[i] == UInt8(ascii: "\n") ? 1 : 2
                line += 1
                recordLine = line
            }
        }
        if !fields.isEmpty { records.append(CSVRecord(fields: fields, line: recordLine)) }
        return records
    }

    /// "UTF-16 little-endian" or "UTF-16 big-endian" when the bytes start with that byte-order mark (what Excel's
    /// "Unicode Text" and some Windows tools write), else nil.
    package static func utf16Encoding(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 2 else { return nil }
        if bytes[0] == 0xFF && bytes[1] == 0xFE { return "UTF-16 little-endian" }
        if bytes[0] == 0xFE && bytes[1] == 0xFF { return "UTF-16 big-endian" }
        return nil
    }

    /// A text field (a label, a metadata value) formatted for a CSV output that a spreadsheet may open.
    ///
    /// A field whose first character makes a spreadsheet evaluate it as a formula (`=`, `+`, `-`, `@`, tab,
    /// carriage return) gets a leading single quote, as OWASP's CSV-injection guidance recommends, so that it is
    /// shown as text; then the field is quoted like ``quote(_:)``, and also when it holds a semicolon (the
    /// separator of spreadsheets in some locales). A field that is a plain decimal number (`-3`, `+1.5`, `2e-4`) is
    /// a number to a spreadsheet, not a formula, and is left as it is. Values are never written through this.
    package static func quoteText(_ s: String) -> String {
        var text = s
        if let first = s.utf8.first, formulaStarts.contains(first), !isPlainNumber(s) { text = "'" + s }
        let bytes = Array(text.utf8)
        return needsQuotes(bytes) || bytes.contains(UInt8(ascii: ";")) ? quoted(bytes) : text
    }

    /// The first bytes that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
    private static let formulaStarts: Set<UInt8> = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"),
                                                    UInt8(ascii: "@"), 0x09, 0x0D]

    /// `[+-]?digits[.digits][(e|E)[+-]?digits]`, in ASCII.
    private static func isPlainNumber(_ s: String) -> Bool {
        var bytes = Array(s.utf8)[...]
        func digits() -> Bool {
            let start = bytes.startIndex
            while let b = bytes.first, (0x30 ... 0x39).contains(b) { bytes = bytes.dropFirst() }
            return bytes.startIndex > start
        }
        func sign() { if let b = bytes.first, b == UInt8(ascii: "+") || b == UInt8(ascii: "-") { bytes = bytes.dropFirst() } }
        sign()
        guard digits() else { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() else { return false }
        }
        if let b = bytes.first, b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            sign()
            guard digits() else { return false }
        }
        return bytes.isEmpty
    }

    private static func needsQuotes(_ bytes: [UInt8]) -> Bool {
        let quote = UInt8(ascii: "\""), space = UInt8(ascii: " ")
        return bytes.contains { $0 == UInt8(ascii: ",") || $0 == quote || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
            || bytes.first == space || bytes.last == space || bytes.first == UInt8(ascii: "#")
    }

    /// One field formatted for CSV output, quoted when it needs to be.
    ///
    /// Works on UTF-8 bytes, not on `Character`s: a quote followed by a combining mark, or CR LF, is one
    /// grapheme cluster to Swift, so a character-level test would miss the quote or the line break inside it.
    package static func quote(_ s: String) -> String {
        let bytes = Array(s.utf8)
        return needsQuotes(bytes) ? quoted(bytes) : s
    }

    /// `bytes` in double quotes, each double quote doubled (RFC 4180).
    private static func quoted(_ bytes: [UInt8]) -> String {
        let quote = UInt8(ascii: "\"")
        var out: [UInt8] = [quote]
        out.reserveCapacity(bytes.count + 2)
        for b in bytes {
            if b == quote { out.append(quote) }
            out.append(b)
        }
        out.append(quote)
        return String(decoding: out, as: UTF8.self)
    }
}
