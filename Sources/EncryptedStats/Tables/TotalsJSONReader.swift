import HEFiles

// The JSON that `TotalsWriter.json` writes (he-cli decrypt --format json), read back as the records of the
// equivalent CSV table, so that the statistics check it exactly as they check a CSV: every field keeps the line and
// column where its JSON token starts, and numbers keep their literal text (a decimal such as 75.90 stays exact).

/// A JSON value with where it starts in the file.
package indirect enum JSONNode: Sendable {
    case object([(key: String, value: JSONNode)], line: Int, column: Int)
    case array([JSONNode], line: Int, column: Int)
    case string(String, line: Int, column: Int)
    /// The number's literal text.
    case number(String, line: Int, column: Int)
    case bool(Bool, line: Int, column: Int)
    case null(line: Int, column: Int)

    package var position: (line: Int, column: Int) {
        switch self {
        case let .object(_, l, c), let .array(_, l, c), let .string(_, l, c), let .number(_, l, c), let .bool(_, l, c):
            (l, c)
        case let .null(l, c): (l, c)
        }
    }

    package var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "true or false"
        case .null: "null"
        }
    }

    package subscript(key: String) -> JSONNode? {
        guard case let .object(members, _, _) = self else { return nil }
        return members.first { $0.key == key }?.value
    }
}

/// A strict RFC 8259 JSON parser that records positions. Nesting deeper than `maximumDepth` is refused.
package struct JSONParser {
    package static let maximumDepth = 64
    private let bytes: [UInt8]
    private let path: String
    private var i = 0
    private var line = 1
    private var lineStart = 0

    private init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// The single JSON value of `bytes` (an optional UTF-8 byte-order mark and surrounding whitespace allowed).
    package static func parse(_ bytes: [UInt8], path: String) throws(EncryptedStatsError) -> JSONNode {
        var p = JSONParser(bytes: bytes, path: path)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { p.i = 3; p.lineStart = 3 }
        p.skipWhitespace()
        let value = try p.value(depth: 0)
        p.skipWhitespace()
        guard p.i == bytes.count else { throw p.fail("text after the end of the JSON value") }
        return value
    }

    private var column: Int { i - lineStart + 1 }

    private func fail(_ reason: String) -> EncryptedStatsError {
        .tableSyntax(path: path, line: line, column: column, reason: "JSON: " + reason)
    }

    private mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0D: i += 1
            case 0x0A: i += 1; line += 1; lineStart = i
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(EncryptedStatsError) -> JSONNode {
        guard depth < Self.maximumDepth else { throw fail("nested more than \(Self.maximumDepth) levels deep") }
        guard i < bytes.count else { throw fail("unexpected end of the file (expected a value)") }
        let (l, c) = (line, column)
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var members: [(key: String, value: JSONNode)] = []
            skipWhitespace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members, line: l, column: c) }
            while true {
                skipWhitespace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a member name in double quotes") }
                let key = try string()
                skipWhitespace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
                i += 1
                skipWhitespace()
                if members.contains(where: { $0.key == key }) { throw fail("member \"\(key)\" appears twice") }
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard i < bytes.count else { throw fail("unexpected end of the file (the object is not closed)") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members, line: l, column: c) }
                throw fail("expected ',' or '}' in an object")
            }
        case UInt8(ascii: "["):
            i += 1
            var elements: [JSONNode] = []
            skipWhitespace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "]") { i += 1; return .array(elements, line: l, column: c) }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard i < bytes.count else { throw fail("unexpected end of the file (the array is not closed)") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(elements, line: l, column: c) }
                throw fail("expected ',' or ']' in an array")
            }
        case UInt8(ascii: "\""):
            return .string(try string(), line: l, column: c)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            for (word, node) in [("true", JSONNode.bool(true, line: l, column: c)), ("false", .bool(false, line: l, column: c)),
                                 ("null", .null(line: l, column: c))] where bytes[i...].starts(with: word.utf8) {
                i += word.utf8.count
                return node
            }
            throw fail("expected a value")
        default:
            return .number(try number(), line: l, column: c)
        }
    }

    private mutating func number() throws(EncryptedStatsError) -> String {
        let start = i
        func digits() -> Int {
            let s = i
            while i < bytes.count, (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            return i - s
        }
        if i < bytes.count && bytes[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        let n = digits()
        guard n > 0 else { throw fail("expected a value") }
        if n > 1 && bytes[intStart] == UInt8(ascii: "0") {
            // Point at the number, not past its digits (a number never spans lines).
            throw .tableSyntax(path: path, line: line, column: start - lineStart + 1, reason: "JSON: a number with a leading zero")
        }
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw fail("digits must follow the decimal point") }
        }
        if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            guard digits() > 0 else { throw fail("digits must follow the exponent") }
        }
        return String(decoding: bytes[start ..< i], as: UTF8.self)
    }

    private mutating func string() throws(EncryptedStatsError) -> String {
        i += 1  // the opening quote
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw fail("the string is not closed before the end of the file") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; break }
            if b < 0x20 { throw fail("a control character inside a string (write it as an escape)") }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw fail("the string is not closed before the end of the file") }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800 ..< 0xDC00).contains(scalar) {
                    guard bytes[i...].starts(with: "\\u".utf8) else { throw fail("an unpaired surrogate escape") }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00 ..< 0xE000).contains(low) else { throw fail("an unpaired surrogate escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("an unpaired surrogate escape") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw fail("an unknown escape '\\\(Character(Unicode.Scalar(e)))'")
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("a string that is not valid UTF-8") }
        return s
    }

    private mutating func hex4() throws(EncryptedStatsError) -> UInt32 {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i ..< i + 4], as: UTF8.self), radix: 16),
              bytes[i ..< i + 4].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") }) else {
            throw fail("\\u must be followed by four hexadecimal digits")
        }
        i += 4
        return v
    }
}

/// Decrypted totals in JSON (`TotalsWriter.json`) as the records of the equivalent CSV table.
package enum TotalsJSONReader {
    package static let formatTag = "he-toolkit decrypted totals"

    /// Whether `bytes` hold JSON rather than CSV: the first character after an optional byte-order mark and
    /// whitespace is `{` (a CSV table starts with its header row, whose label column name cannot start with it).
    package static func looksLikeJSON(_ bytes: [UInt8]) -> Bool {
        var k = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while k < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[k]) { k += 1 }
        return k < bytes.count && bytes[k] == UInt8(ascii: "{")
    }

    /// The header record (label column name, metadata fields, column labels) and one record per row (label,
    /// metadata, values; a withheld value, JSON null, is an empty field).
    package static func records(_ bytes: [UInt8], path: String) throws(EncryptedStatsError) -> [CSVRecord] {
        let root = try JSONParser.parse(bytes, path: path)
        func fail(_ node: JSONNode, _ reason: String) -> EncryptedStatsError {
            .tableSyntax(path: path, line: node.position.line, column: node.position.column, reason: reason)
        }
        guard case .object = root else {
            throw fail(root, "expected the JSON object that he-cli decrypt writes, found \(root.kindName)")
        }
        guard case let .string(tag, _, _)? = root["format"], tag == formatTag else {
            throw fail(root, "not the JSON that he-cli decrypt writes (expected \"format\": \"\(formatTag)\")")
        }
        guard case let .number(version, _, _)? = root["version"], version == "1" else {
            throw fail(root["version"] ?? root, "decrypted totals JSON version \(root["version"].map(describe) ?? "missing"); this "
                       + "build reads version 1")
        }
        func member(_ node: JSONNode, _ key: String) throws(EncryptedStatsError) -> JSONNode {
            guard let v = node[key] else { throw fail(node, "the object has no member \"\(key)\"") }
            return v
        }
        func text(_ node: JSONNode, _ what: String) throws(EncryptedStatsError) -> CSVField {
            guard case let .string(s, l, c) = node else { throw fail(node, "\(what): expected a string, found \(node.kindName)") }
            return CSVField(text: s, line: l, column: c, quoted: true)
        }
        func list(_ node: JSONNode, _ what: String) throws(EncryptedStatsError) -> [JSONNode] {
            guard case let .array(items, _, _) = node else { throw fail(node, "\(what): expected an array, found \(node.kindName)") }
            return items
        }
        let rowHeader = try text(try member(root, "rowHeader"), "\"rowHeader\"")
        var metadataFields: [CSVField] = []
        if let m = root["metadataFields"] {
            for f in try list(m, "\"metadataFields\"") { metadataFields.append(try text(f, "\"metadataFields\"")) }
        }
        let columnsNode = try member(root, "columns")
        var columns: [CSVField] = []
        for c in try list(columnsNode, "\"columns\"") { columns.append(try text(c, "\"columns\"")) }
        var records = [CSVRecord(fields: [rowHeader] + metadataFields + columns, line: columnsNode.position.line)]
        for row in try list(try member(root, "rows"), "\"rows\"") {
            guard case .object = row else { throw fail(row, "\"rows\": expected an object per row, found \(row.kindName)") }
            var fields = [try text(try member(row, "label"), "\"label\"")]
            if !metadataFields.isEmpty {
                let meta = try member(row, "metadata")
                for f in metadataFields {
                    guard let v = meta[f.text] else { throw fail(meta, "\"metadata\" has no member \"\(f.text)\"") }
                    fields.append(try text(v, "\"metadata\""))
                }
            }
            for v in try list(try member(row, "values"), "\"values\"") {
                switch v {
                case let .number(s, l, c): fields.append(CSVField(text: s, line: l, column: c, quoted: false))
                case let .null(l, c): fields.append(CSVField(text: "", line: l, column: c, quoted: false))
                default: throw fail(v, "\"values\": expected numbers (or null for a withheld cell), found \(v.kindName)")
                }
            }
            records.append(CSVRecord(fields: fields, line: row.position.line))
        }
        return records
    }

    private static func describe(_ node: JSONNode) -> String {
        if case let .number(s, _, _) = node { return s }
        return node.kindName
    }

    /// The records of a decrypted table in CSV or in the JSON above, chosen by the content.
    package static func tableRecords(_ bytes: [UInt8], path: String) throws(EncryptedStatsError) -> ArraySlice<CSVRecord> {
        if looksLikeJSON(bytes) { return try records(bytes, path: path)[...] }
        return try CSVParser.parse(bytes, path: path).droppingLeadingComments
    }
}
