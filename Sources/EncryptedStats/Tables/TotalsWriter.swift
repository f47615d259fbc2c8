import HEFiles

// Writers for decrypted totals: CSV (re-readable by `CountTableReader`) and JSON.

/// Decrypted totals with the labels of the encrypted schema and the contributing sites.
public struct DecryptedTotals: Sendable, Hashable {
    public var schema: TableSchema
    /// Row-major, `schema.valueCount` values, in the stored integer unit of `schema.encoding`.
    public var values: [Int64]
    public var contributors: [String]
    public var scheme: SchemeID
    public var publicKeyFingerprint: Fingerprint
    /// Indices into `values` that a release policy withheld: written as empty CSV fields and JSON nulls.
    public var withheld: Set<Int> = []
    /// The content digest of the file the totals were decrypted from (docs/FORMAT.md), when known.
    public var contentDigest: Fingerprint? = nil

    public init(schema: TableSchema, values: [Int64], contributors: [String], scheme: SchemeID,
                publicKeyFingerprint: Fingerprint) {
        precondition(values.count == schema.valueCount)
        self.schema = schema
        self.values = values
        self.contributors = contributors
        self.scheme = scheme
        self.publicKeyFingerprint = publicKeyFingerprint
    }

    /// The totals as a table (labels and encoding of the schema).
    public var table: CountTable {
        CountTable(shape: schema.shape, values: values)
    }
}

public enum TotalsFormat: String, Sendable, CaseIterable {
    case csv
    case json
}

public enum TotalsWriter {
    /// CSV: comment lines naming the contributing sites, then the header row and one row per label. Per-row
    /// metadata (GWAS: CHR, POS, REF, ALT) becomes extra columns right after the label column. Every text field
    /// (label column name, column and row labels, metadata) that a spreadsheet would run as a formula gets a
    /// leading single quote (``CSVParser/quoteText(_:)``); values are written as numbers, unchanged.
    public static func csv(_ t: DecryptedTotals) -> String {
        var out = "# contributors (\(t.contributors.count)): \(t.contributors.joined(separator: " "))\n"
        let header = [t.schema.rowHeader] + t.schema.metadataFields + t.schema.columnLabels
        out += header.map(CSVParser.quoteText).joined(separator: ",") + "\n"
        let width = t.schema.columnLabels.count
        for (i, label) in t.schema.rowLabels.enumerated() {
            var fields = [CSVParser.quoteText(label)]
            if !t.schema.metadataFields.isEmpty { fields += t.schema.rowMetadata[i].map(CSVParser.quoteText) }
            for j in 0 ..< width {
                fields.append(t.withheld.contains(i * width + j) ? "" : formatValue(t.values[i * width + j], encoding: t.schema.encoding))
            }
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    /// JSON object: format tag, scheme, key fingerprint, contributors, labels, encoding and rows of values.
    /// Fixed-point values are written as exact decimal numbers. Labels are shown unchanged (JSON strings are never
    /// evaluated as formulas), escaped only as JSON requires.
    public static func json(_ t: DecryptedTotals) -> String {
        let s = t.schema
        var out = "{\n"
        out += "  \"format\": \"he-toolkit decrypted totals\",\n"
        out += "  \"version\": 1,\n"
        out += "  \"scheme\": \(jsonString(t.scheme.description)),\n"
        out += "  \"publicKeyFingerprint\": \(jsonString(t.publicKeyFingerprint.hex)),\n"
        out += "  \"tableKind\": \(jsonString(s.kind.description)),\n"
        out += "  \"contributors\": [\(t.contributors.map(jsonString).joined(separator: ", "))],\n"
        switch s.encoding {
        case .count: out += "  \"valueType\": \"count\",\n"
        case .signedInteger: out += "  \"valueType\": \"signed\",\n"
        case let .fixedPoint(scale): out += "  \"valueType\": \"decimal\",\n  \"scale\": \(scale),\n"
        }
        out += "  \"rowHeader\": \(jsonString(s.rowHeader)),\n"
        out += "  \"columns\": [\(s.columnLabels.map(jsonString).joined(separator: ", "))],\n"
        if !s.metadataFields.isEmpty {
            out += "  \"metadataFields\": [\(s.metadataFields.map(jsonString).joined(separator: ", "))],\n"
        }
        out += "  \"rows\": ["
        let width = s.columnLabels.count
        for (i, label) in s.rowLabels.enumerated() {
            out += i == 0 ? "\n" : ",\n"
            out += "    {\"label\": \(jsonString(label)), "
            if !s.metadataFields.isEmpty {
                let pairs = zip(s.metadataFields, s.rowMetadata[i]).map { "\(jsonString($0)): \(jsonString($1))" }
                out += "\"metadata\": {\(pairs.joined(separator: ", "))}, "
            }
            let vals = (0 ..< width).map { t.withheld.contains(i * width + $0) ? "null" : formatValue(t.values[i * width + $0], encoding: s.encoding) }
            out += "\"values\": [\(vals.joined(separator: ", "))]}"
        }
        out += "\n  ]\n}\n"
        return out
    }

    public static func render(_ t: DecryptedTotals, format: TotalsFormat) -> String {
        switch format {
        case .csv: csv(t)
        case .json: json(t)
        }
    }

    /// Writes the totals atomically, readable by their owner only (mode 0600, also when replacing a file of
    /// another mode): they are decrypted data. `path` `-` writes them to standard output.
    public static func write(_ t: DecryptedTotals, format: TotalsFormat, to path: String) throws(EncryptedStatsError) {
        try files { () throws(HEFilesError) in
            if path == "-" { return try writeStandardOutput(Array(render(t, format: format).utf8)) }
            try AtomicFileWriter.write(Array(render(t, format: format).utf8), to: path, mode: AtomicFileWriter.ownerOnly)
        }
    }
}

/// A JSON string literal.
package func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            // C0 controls must be escaped in JSON; DEL and C1 controls may be, and are, so that printing the JSON
            // on a terminal cannot start an escape sequence (U+009B is a control sequence introducer).
            if u.value < 0x20 || (0x7F ... 0x9F).contains(u.value) {
                out += "\\u" + String(u.value, radix: 16).leftPadded(to: 4)
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}
