// Encoding and validation of container headers, format versions 2 and 3 (docs/FORMAT.md is the specification).

/// Constants of the container format.
public enum ContainerFormat {
    /// `\x89 H E T K \r \n \x1a`: a non-ASCII first byte, the name, and the CR LF / Ctrl-Z trap of PNG, so
    /// text-mode transfers that alter line endings are caught as a wrong magic rather than a checksum error.
    public static let magic: [UInt8] = [0x89, 0x48, 0x45, 0x54, 0x4B, 0x0D, 0x0A, 0x1A]
    /// The newest format version this build writes (3, only for headers that carry statements; see
    /// ``ContainerHeader/formatVersion``).
    public static let version: UInt16 = 3
    /// Versions this build reads: version 1 keys and BFV tables mean the same as in version 2; version 1
    /// Paillier tables (48-bit signed-digit packing) are refused with ``HEFilesError/retiredPaillierPacking(path:version:)``.
    public static let readableVersions: ClosedRange<UInt16> = 1 ... 3
    /// Magic (8) + version (2) + reserved (2) + header length (4).
    public static let preambleSize = 16
    /// SHA-256 digest length: the header digest and the trailing file digest.
    public static let digestSize = 32
    /// Upper limit on the header length (labels of a very large GWAS panel stay far below it).
    public static let maxHeaderLength = 1 << 30
    /// Upper limit on one payload chunk.
    public static let maxChunkLength = 1 << 30
    /// Upper limit on the length of one label or metadata value, in UTF-8 bytes.
    public static let maxLabelLength = 4096


    /// Upper limit on the number of statements a header carries, and on one statement's length.
    public static let maxStatements = 1 << 16
    public static let maxStatementLength = 1 << 16

    /// The 16-byte preamble for a header of `headerLength` bytes.
    package static func preamble(headerLength: Int, version: UInt16) -> [UInt8] {
        var w = ByteWriter()
        w.raw(magic)
        w.u16(version)
        w.u16(0)
        w.u32(UInt32(headerLength))
        return w.bytes
    }

    // MARK: Header encoding

    package static func encodeHeader(_ h: ContainerHeader) -> [UInt8] {
        var w = ByteWriter()
        w.u8(h.scheme.rawValue)
        w.u8(h.kind.rawValue)
        w.u16(0)
        w.raw(h.parameterFingerprint.bytes)
        w.raw(h.publicKeyFingerprint.bytes)
        w.blob(h.parameters)
        w.u64(h.valueBound)
        w.strings(h.contributors)
        w.u32(UInt32(h.payloadChunkCount))
        w.u64(h.payloadByteCount)
        w.blob(h.schema.map(encodeSchema) ?? [])
        if !h.statements.isEmpty {
            w.u32(UInt32(h.statements.count))
            for s in h.statements { w.blob(s) }
        }
        return w.bytes
    }

    package static func encodeSchema(_ s: TableSchema) -> [UInt8] {
        var w = ByteWriter()
        w.u8(s.kind.rawValue)
        switch s.encoding {
        case .count: w.u8(1); w.u8(0)
        case .signedInteger: w.u8(2); w.u8(0)
        case let .fixedPoint(scale): w.u8(3); w.u8(UInt8(scale))
        }
        w.u8(0)
        w.string(s.rowHeader)
        w.strings(s.columnLabels)
        w.strings(s.rowLabels)
        w.strings(s.metadataFields)
        for row in s.rowMetadata {
            for value in row { w.string(value) }
        }
        w.u32(UInt32(s.layout.slotsPerCiphertext))
        w.u16(UInt16(s.layout.slotBits))
        w.u16(0)
        w.u64(s.layout.slotCapacity)
        w.u64(s.layout.maxContributions)
        return w.bytes
    }

    /// The first value of `h` that a reader would refuse as too long (a label, a metadata value or a site ID),
    /// as (field, reason); nil when every string fits. Checked before a container is written, so an input that
    /// slipped past its own reader's checks cannot produce a file that no reader accepts.
    package static func encodingProblem(_ h: ContainerHeader) -> (field: String, reason: String)? {
        func tooLong(_ field: String, _ values: [String]) -> (field: String, reason: String)? {
            for (i, v) in values.enumerated() where v.utf8.count > maxLabelLength {
                return ("\(field) \(i + 1) ('\(v.prefix(20))...')",
                        "\(v.utf8.count) bytes, more than the \(maxLabelLength) a label may have")
            }
            return nil
        }
        if let p = tooLong("contributor", h.contributors) { return p }
        guard let s = h.schema else { return nil }
        if let p = tooLong("label column name", [s.rowHeader]) { return p }
        if let p = tooLong("column label", s.columnLabels) { return p }
        if let p = tooLong("row label", s.rowLabels) { return p }
        if let p = tooLong("metadata field", s.metadataFields) { return p }
        for (i, row) in s.rowMetadata.enumerated() {
            if let p = tooLong("metadata of row \(i + 1), value", row) { return p }
        }
        return nil
    }

    // MARK: Header decoding and validation

    /// A schema decoded from a header, with the bytes it came from. A header whose schema field holds the same
    /// bytes has the same schema, so a reader of many files of one table (aggregation) decodes it once: a GWAS
    /// schema of 100,000 variants is half a million strings.
    package struct DecodedSchema: Sendable {
        package let bytes: [UInt8]
        package let schema: TableSchema
    }

    package static func decodeHeader(_ bytes: [UInt8], path: String, version: UInt16 = 2) throws(HEFilesError) -> ContainerHeader {
        var cache: DecodedSchema? = nil
        return try decodeHeader(bytes, path: path, version: version, schemaCache: &cache)
    }

    /// Decodes and validates a header; an encrypted table's schema comes from `schemaCache` when its bytes are
    /// the cached ones, and is otherwise decoded and left in `schemaCache`.
    package static func decodeHeader(_ bytes: [UInt8], path: String, version: UInt16,
                                     schemaCache: inout DecodedSchema?) throws(HEFilesError) -> ContainerHeader {
        var r = ByteReader(bytes) { field, reason in HEFilesError.inconsistentHeader(path: path, field: field, reason: reason) }
        func bad(_ field: String, _ reason: String) -> HEFilesError {
            .inconsistentHeader(path: path, field: field, reason: reason)
        }
        let schemeCode = try r.u8("scheme")
        guard let scheme = SchemeID(rawValue: schemeCode) else {
            throw bad("scheme", "unknown scheme code \(schemeCode) (known: 1 = paillier, 2 = bfv)")
        }
        let kindCode = try r.u8("content kind")
        guard let kind = ContentKind(rawValue: kindCode) else {
            throw bad("content kind", "unknown content kind \(kindCode) (known: 1 to 8)")
        }
        guard try r.u16("reserved") == 0 else { throw bad("reserved", "must be 0") }
        let parameterFingerprint = Fingerprint(unchecked: try r.raw(32, "parameter fingerprint"))
        let keyFingerprint = Fingerprint(unchecked: try r.raw(32, "public-key fingerprint"))
        let parameters = try r.blob("parameters")
        let valueBound = try r.u64("value bound")
        let contributors = try r.strings("contributors", maxLength: maxLabelLength)
        let chunkCount = Int(try r.u32("payload chunk count"))
        let payloadBytes = try r.u64("payload byte count")
        let schemaBytes = try r.blob("schema")
        var statements: [[UInt8]] = []
        if version >= 3 {
            let count = Int(try r.u32("statement count"))
            guard count >= 1, count <= maxStatements else {
                throw bad("statement count", "\(count) is outside 1...\(maxStatements) (a version 3 header carries statements)")
            }
            guard count <= r.remaining / 4 else { throw bad("statement count", "\(count) statements cannot fit in the header") }
            statements.reserveCapacity(count)
            for i in 0 ..< count { statements.append(try r.blob("statement \(i + 1)", maxLength: maxStatementLength)) }
        }
        guard r.isAtEnd else { throw bad("header length", "\(r.remaining) bytes left after the last header field") }

        var header = ContainerHeader(scheme: scheme, kind: kind, parameters: parameters,
                                     publicKeyFingerprint: keyFingerprint, schema: nil, contributors: contributors,
                                     valueBound: valueBound, payloadChunkCount: chunkCount,
                                     payloadByteCount: payloadBytes)
        header.statements = statements
        guard header.parameterFingerprint == parameterFingerprint else {
            throw bad("parameter fingerprint", "is not the SHA-256 of the parameters field")
        }
        guard payloadBytes >= 4 * UInt64(chunkCount) else {
            throw bad("payload byte count", "\(payloadBytes) bytes cannot hold \(chunkCount) chunk length prefixes")
        }

        if kind.isEncryptedTable {
            guard !schemaBytes.isEmpty else { throw bad("schema", "missing (required for \(kind))") }
            let schema: TableSchema
            if let cached = schemaCache, cached.bytes == schemaBytes {
                schema = cached.schema
            } else {
                schema = try decodeSchema(schemaBytes, path: path)
                schemaCache = DecodedSchema(bytes: schemaBytes, schema: schema)
            }
            header.schema = schema
            let expectedChunks = schema.layout.ciphertextCount(forValues: schema.valueCount)
            guard chunkCount == expectedChunks else {
                throw bad("payload chunk count", "\(chunkCount), but \(schema.valueCount) values in slots of "
                          + "\(schema.layout.slotsPerCiphertext) need \(expectedChunks) ciphertexts")
            }
            guard !contributors.isEmpty else { throw bad("contributors", "an encrypted table needs at least one") }
            if kind == .siteTable && contributors.count != 1 {
                throw bad("contributors", "a site table has exactly one contributor, found \(contributors.count)")
            }
            var seen = Set<String>()
            for (i, site) in contributors.enumerated() {
                if let reason = SiteID.problem(site) { throw bad("contributors[\(i)]", reason) }
                guard seen.insert(site).inserted else { throw bad("contributors", "site '\(site)' is listed twice") }
            }
            guard schema.layout.allows(contributions: contributors.count) else {
                throw bad("contributors", "\(contributors.count) exceed the \(schema.layout.maxContributions) the layout allows")
            }
            guard valueBound >= 1, valueBound <= schema.layout.slotCapacity else {
                throw bad("value bound", "\(valueBound) is outside 1...\(schema.layout.slotCapacity) (slot capacity)")
            }
        } else if kind.isPartyFile {
            // Multi-party files (docs/MULTIPARTY.md): one party, BFV, payload chunks then the signed envelope.
            guard scheme == .bfv else { throw bad("scheme", "\(kind) belongs to a BFV study") }
            guard schemaBytes.isEmpty else { throw bad("schema", "\(kind) carries no schema") }
            guard contributors.count == 1 else { throw bad("contributors", "\(kind) names exactly one party, found \(contributors.count)") }
            guard statements.isEmpty else { throw bad("statements", "\(kind) carries no statements") }
            guard valueBound == 0 else { throw bad("value bound", "must be 0 in \(kind)") }
            guard chunkCount >= 2 else { throw bad("payload chunk count", "\(kind) has at least 2 chunks, found \(chunkCount)") }
        } else {
            guard schemaBytes.isEmpty else { throw bad("schema", "a key file carries no schema") }
            guard contributors.isEmpty else { throw bad("contributors", "a key file has no contributors") }
            guard statements.isEmpty else { throw bad("statements", "a key file carries no statements") }
            guard valueBound == 0 else { throw bad("value bound", "must be 0 in a key file") }
            // A multi-party study's collective BFV public key carries a second chunk: how many primes sites keep.
            let expected = kind == .publicKey ? (scheme == .bfv ? 1 ... 2 : 1 ... 1) : 2 ... 2
            guard expected.contains(chunkCount) else {
                throw bad("payload chunk count", "\(kind) has \(expected.lowerBound == expected.upperBound ? "\(expected.lowerBound)" : "\(expected.lowerBound) or \(expected.upperBound)") chunk(s), found \(chunkCount)")
            }
        }
        return header
    }

    package static func decodeSchema(_ bytes: [UInt8], path: String) throws(HEFilesError) -> TableSchema {
        var r = ByteReader(bytes) { field, reason in
            HEFilesError.inconsistentHeader(path: path, field: "schema \(field)", reason: reason)
        }
        let kindCode = try r.u8("table kind")
        guard let kind = TableKind(rawValue: kindCode) else {
            throw r.error("table kind", "unknown table kind \(kindCode) (known: 1 = countTable, 2 = gwasGenotypeCounts, 3 = gwasMantelHaenszel, 4 = gwasMetaAnalysis)")
        }
        let encodingCode = try r.u8("value encoding")
        let scale = Int(try r.u8("fixed-point scale"))
        let encoding: ValueEncoding
        switch encodingCode {
        case 1, 2:
            guard scale == 0 else { throw r.error("fixed-point scale", "must be 0 unless the encoding is fixed-point") }
            encoding = encodingCode == 1 ? .count : .signedInteger
        case 3:
            guard (1 ... ValueEncoding.maxScale).contains(scale) else {
                throw r.error("fixed-point scale", "\(scale) is outside 1...\(ValueEncoding.maxScale)")
            }
            encoding = .fixedPoint(scale: scale)
        default:
            throw r.error("value encoding", "unknown code \(encodingCode) (known: 1 = count, 2 = signed, 3 = fixed-point)")
        }
        guard try r.u8("reserved") == 0 else { throw r.error("reserved", "must be 0") }
        let rowHeader = try r.string("row header", maxLength: maxLabelLength)
        let columns = try r.strings("column labels", maxLength: maxLabelLength)
        let rows = try r.strings("row labels", maxLength: maxLabelLength)
        let fields = try r.strings("metadata fields", maxLength: maxLabelLength)
        var metadata: [[String]] = []
        if !fields.isEmpty {
            guard rows.count * fields.count <= r.remaining / 4 else {
                throw r.error("row metadata", "\(rows.count) x \(fields.count) values cannot fit in the schema")
            }
            metadata.reserveCapacity(rows.count)
            for i in 0 ..< rows.count {
                var row: [String] = []
                for f in fields { row.append(try r.string("row metadata[\(i)].\(f)", maxLength: maxLabelLength)) }
                metadata.append(row)
            }
        }
        let slots = Int(try r.u32("slots per ciphertext"))
        let slotBits = Int(try r.u16("slot bits"))
        guard try r.u16("reserved") == 0 else { throw r.error("reserved", "must be 0") }
        let capacity = try r.u64("slot capacity")
        let maxContributions = try r.u64("max contributions")
        guard r.isAtEnd else { throw r.error("length", "\(r.remaining) bytes left after the last schema field") }

        guard !columns.isEmpty, !rows.isEmpty else {
            throw r.error("dimensions", "\(rows.count) rows x \(columns.count) columns; both must be at least 1")
        }
        guard slots >= 1 else { throw r.error("slots per ciphertext", "must be at least 1") }
        guard slotBits <= 64 else { throw r.error("slot bits", "\(slotBits) exceeds 64") }
        guard capacity >= 1, capacity <= UInt64(Int64.max) else {
            throw r.error("slot capacity", "\(capacity) is outside 1...\(Int64.max)")
        }
        if kind == .gwasGenotypeCounts {
            guard fields == TableShape.gwasMetadataFields else {
                throw r.error("metadata fields", "a GWAS table has fields \(TableShape.gwasMetadataFields), found \(fields)")
            }
            guard columns.count == TableShape.gwasColumnLabels.count else {
                throw r.error("column labels", "a GWAS table has \(TableShape.gwasColumnLabels.count) columns, found \(columns.count)")
            }
        }
        let fixedPointGwas: [TableKind: (name: String, columns: [[String]], scale: Int)] = [
            .gwasMantelHaenszel: ("Mantel-Haenszel", [TableShape.gwasMantelHaenszelColumnLabels], TableShape.gwasMantelHaenszelScale),
            .gwasMetaAnalysis: ("meta-analysis", [true, false].map(TableShape.gwasMetaAnalysisColumnLabels(oddsRatios:)),
                                TableShape.gwasMetaAnalysisScale),
        ]
        if let rule = fixedPointGwas[kind] {
            guard fields == TableShape.gwasMetadataFields else {
                throw r.error("metadata fields", "a \(rule.name) table has fields \(TableShape.gwasMetadataFields), found \(fields)")
            }
            guard rule.columns.contains(columns) else {
                throw r.error("column labels", "a \(rule.name) table has the columns \(rule.columns.map { $0.joined(separator: " ") }.joined(separator: " or ")), found \(columns)")
            }
            guard encoding == .fixedPoint(scale: rule.scale) else {
                throw r.error("value encoding", "a \(rule.name) table is fixed-point with scale \(rule.scale), found \(encoding)")
            }
        }
        let shape = TableShape(kind: kind, rowHeader: rowHeader, rowLabels: rows, columnLabels: columns,
                               metadataFields: fields, rowMetadata: metadata, encoding: encoding)
        return TableSchema(shape: shape, layout: SlotLayout(slotsPerCiphertext: slots, slotBits: slotBits,
                                                            slotCapacity: capacity, maxContributions: maxContributions))
    }
}
