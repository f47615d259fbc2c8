import Governance
import HEFiles

// The three roles on files: a site encrypts a table, an aggregator sums files without any secret, the key holder
// decrypts the aggregate. Scheme-agnostic: the scheme comes from the key or the file header.

/// Reports progress as (done, total) units of work.
public typealias ProgressHandler = (_ done: Int, _ total: Int) -> Void

/// Size figures of an encrypted table file.
public struct EncryptedFileSizes: Sendable, Hashable {
    public var fileBytes: UInt64
    public var payloadBytes: UInt64
    public var ciphertextCount: Int
    public var valueCount: Int

    /// Bytes of ciphertext per encrypted value (payload bytes divided by the number of values).
    public var bytesPerValue: Double { Double(payloadBytes) / Double(max(valueCount, 1)) }
    /// File size relative to the same values as plain 32-bit integers.
    public var expansionOver32BitIntegers: Double { Double(fileBytes) / Double(4 * max(valueCount, 1)) }

    public init(header: ContainerHeader, fileBytes: UInt64) {
        self.fileBytes = fileBytes
        self.payloadBytes = header.payloadByteCount
        self.ciphertextCount = header.payloadChunkCount
        self.valueCount = header.schema?.valueCount ?? 0
    }
}

public enum EncryptedTableFiles {
    /// Encrypts `table` for one site under `keys` and writes the site file atomically.
    /// - Parameter bound: declared bound on the absolute value of every stored integer (after fixed-point
    ///   scaling); every value is checked against it.
    @discardableResult
    public static func encrypt(_ table: CountTable, bound: UInt64, site: String, keys: SchemeKeys, to path: String,
                               signer: SiteSigner? = nil,
                               progress: ProgressHandler? = nil) throws(EncryptedStatsError) -> ContainerHeader {
        let scheme = try SchemeRegistry.instance(for: keys.publicOnly, valueCount: table.values.count, kind: table.kind,
                                                 encoding: table.encoding)
        return try encrypt(table, bound: bound, site: site, scheme: scheme, keys: keys, to: path, signer: signer,
                           progress: progress)
    }

    /// As ``encrypt(_:bound:site:keys:to:progress:)``, with a scheme instance already opened for `keys` and the
    /// table's kind and encoding.
    /// With `signer`, the site is first checked against the study manifest and the file carries its signed
    /// statement (format version 3).
    public static func encrypt(_ table: CountTable, bound: UInt64, site: String, scheme: any AdditiveVectorScheme,
                               keys: SchemeKeys, to path: String, signer: SiteSigner? = nil,
                               progress: ProgressHandler? = nil) throws(EncryptedStatsError) -> ContainerHeader {
        try encryptOpened(table, bound: bound, site: site, scheme: scheme, keys: keys, to: path, signer: signer,
                          progress: progress)
    }

    private static func encryptOpened<S: AdditiveVectorScheme>(_ table: CountTable, bound: UInt64, site: String, scheme: S,
                                                          keys: SchemeKeys, to path: String, signer: SiteSigner?,
                                                          progress: ProgressHandler?) throws(EncryptedStatsError) -> ContainerHeader {
        try signer?.check(site: site, encryptionKey: keys.publicKeyFingerprint, bound: bound)
        let vector = try scheme.encrypt(table.values, bound: bound, site: site, progress: progress)
        var header = ContainerHeader(scheme: S.schemeID, kind: .siteTable, parameters: scheme.parameters,
                                     publicKeyFingerprint: keys.publicKeyFingerprint,
                                     schema: table.schema(layout: scheme.layout), contributors: vector.contributors,
                                     valueBound: vector.valueBound)
        let chunks = vector.ciphertexts.map(scheme.serialize)
        if let signer { header.statements = [try signer.statement(site: site, content: ContentDigest.compute(header: header, chunks: chunks))] }
        return try files { () throws(HEFilesError) in try ContainerWriter.write(header: header, chunks: chunks, to: path) }
    }

    /// Checks that the inputs can be summed, from their headers alone: all encrypted tables of one scheme,
    /// key, parameter set and schema, no site twice, and a combined bound that fits a slot. Returns the headers.
    public static func checkAggregation(inputs: [String],
                                        expectedKey: (path: String, fingerprint: Fingerprint)? = nil) throws(EncryptedStatsError) -> [ContainerHeader] {
        var cache: ContainerFormat.DecodedSchema? = nil
        return try checkAggregation(inputs: inputs, expectedKey: expectedKey, schemaCache: &cache)
    }

    /// As ``checkAggregation(inputs:expectedKey:)``; inputs with byte-identical schemas share one decoded schema
    /// (`schemaCache`), which ``aggregate(inputs:to:expectedKey:progress:)`` passes on to its second read.
    static func checkAggregation(inputs: [String], expectedKey: (path: String, fingerprint: Fingerprint)?,
                                 schemaCache cache: inout ContainerFormat.DecodedSchema?) throws(EncryptedStatsError) -> [ContainerHeader] {
        guard !inputs.isEmpty else { throw .scheme(operation: "aggregate", reason: "no input files") }
        var headers: [ContainerHeader] = []
        var rule: AggregationRule? = nil
        for path in inputs {
            var h = try files { () throws(HEFilesError) in try ContainerReader.readHeader(path, schemaCache: &cache) }
            guard h.kind.isEncryptedTable, let schema = h.schema else {
                throw .file(.wrongContentKind(path: path, expected: "an encrypted site table or aggregate",
                                              found: h.kind.description))
            }
            if let expectedKey, h.publicKeyFingerprint != expectedKey.fingerprint {
                throw .keyMismatch(keyPath: expectedKey.path, dataPath: path)
            }
            if let first = headers.first {
                let firstPath = inputs[0]
                if h.scheme != first.scheme {
                    throw .incompatibleInputs(first: firstPath, second: path,
                                              reason: "different schemes (\(first.scheme) vs \(h.scheme))")
                }
                if h.publicKeyFingerprint != first.publicKeyFingerprint {
                    throw .incompatibleInputs(first: firstPath, second: path, reason:
                        "encrypted under different public keys (fingerprints \(first.publicKeyFingerprint.hex.prefix(16))... "
                        + "vs \(h.publicKeyFingerprint.hex.prefix(16))...)")
                }
                if h.parameterFingerprint != first.parameterFingerprint {
                    throw .incompatibleInputs(first: firstPath, second: path, reason:
                        "different scheme parameters (fingerprints \(first.parameterFingerprint.hex.prefix(16))... "
                        + "vs \(h.parameterFingerprint.hex.prefix(16))...)")
                }
                if let difference = first.schema!.firstDifference(from: schema) {
                    throw .incompatibleInputs(first: firstPath, second: path, reason: "different table schemas: \(difference)")
                }
                // Equal schemas: keep one copy (labels and row metadata can be large), so memory stays flat in the
                // number of inputs.
                h.schema = first.schema
            } else {
                try checkLayout(h, schema: schema, path: path)
                rule = AggregationRule(layout: schema.layout)
            }
            try rule!.admit(contributors: h.contributors, bound: h.valueBound, source: path, allSources: inputs)
            headers.append(h)
        }
        return headers
    }

    /// Checks that a table's slot layout is the one every site derives for its scheme parameters, table kind
    /// and value encoding (docs/FORMAT.md), so that files packed differently are refused before any arithmetic.
    static func checkLayout(_ h: ContainerHeader, schema: TableSchema, path: String) throws(EncryptedStatsError) {
        let expected = try SchemeRegistry.evaluator(scheme: h.scheme, parameters: h.parameters, kind: schema.kind,
                                                    encoding: schema.encoding).layout
        guard schema.layout == expected else {
            throw .inconsistentHeader(path: path, field: "schema slot layout", reason:
                "\(schema.layout), but a \(schema.kind) table of \(schema.encoding) values under this key is "
                + "packed as \(expected)")
        }
    }

    /// Sums `inputs` (site files and earlier aggregates) into `output`. Headers are checked first; then each
    /// file is streamed chunk by chunk into one running sum, so memory does not grow with the number of inputs.
    ///
    /// With `manifest`, every input's statements are verified first (``ProvenanceCheck``) and each site file's
    /// content digest is recomputed while it is read; a refusal names the site and the file and nothing is
    /// written. Inputs carrying statements are summed in the canonical order (by their first site ID) and the
    /// aggregate carries every input's statement in that order.
    @discardableResult
    public static func aggregate(inputs: [String], to output: String,
                                 expectedKey: (path: String, fingerprint: Fingerprint)? = nil,
                                 manifest: SignedManifest? = nil,
                                 progress: ProgressHandler? = nil) throws(EncryptedStatsError) -> ContainerHeader {
        let sum = try recompute(inputs: inputs, expectedKey: expectedKey, manifest: manifest, progress: progress)
        return try files { () throws(HEFilesError) in try ContainerWriter.write(header: sum.header, chunks: sum.chunks, to: output) }
    }

    /// The aggregate of `inputs` in memory (header and ciphertext chunks), checked as by
    /// ``aggregate(inputs:to:expectedKey:manifest:progress:)``.
    static func recompute(inputs given: [String], expectedKey: (path: String, fingerprint: Fingerprint)?,
                          manifest: SignedManifest?, schemaCache: ContainerFormat.DecodedSchema? = nil,
                          progress: ProgressHandler?) throws(EncryptedStatsError) -> (header: ContainerHeader, chunks: [[UInt8]]) {
        var cache = schemaCache
        var headers = try checkAggregation(inputs: given, expectedKey: expectedKey, schemaCache: &cache)
        var inputs = given
        var statements: [[SiteStatement]] = []
        if let manifest {
            for (path, h) in zip(inputs, headers) {
                // Signatures now; each site file's content digest in `sum`, as its last chunk is read.
                let signed = try governance { () throws(GovernanceError) in
                    try ProvenanceCheck.verify(header: h, path: path, manifest: manifest) }
                statements.append(signed)
            }
            var firstPath: [String: String] = [:]
            for (path, list) in zip(inputs, statements) {
                for s in list {
                    if let other = firstPath[s.siteID] {
                        throw .governance(.duplicateSite(site: s.siteID, first: other, second: path))
                    }
                    firstPath[s.siteID] = path
                }
            }
        }
        if headers.contains(where: { !$0.statements.isEmpty }) {
            let order = headers.indices.sorted {
                (headers[$0].contributors.min() ?? "").utf8.lexicographicallyPrecedes((headers[$1].contributors.min() ?? "").utf8)
            }
            inputs = order.map { inputs[$0] }
            headers = order.map { headers[$0] }
            if !statements.isEmpty { statements = order.map { statements[$0] } }
        }
        let first = headers[0]
        let evaluator = try SchemeRegistry.evaluator(scheme: first.scheme, parameters: first.parameters,
                                                     kind: first.schema!.kind, encoding: first.schema!.encoding)
        let chunks = try sum(inputs: inputs, headers: headers, evaluator: evaluator, statements: statements,
                             schemaCache: &cache, progress: progress)
        var header = ContainerHeader(scheme: first.scheme, kind: .aggregate, parameters: first.parameters,
                                     publicKeyFingerprint: first.publicKeyFingerprint, schema: first.schema,
                                     contributors: headers.flatMap(\.contributors),
                                     valueBound: headers.reduce(0) { $0 + $1.valueBound })
        header.statements = headers.flatMap(\.statements)
        return (header, chunks)
    }

    private static func sum<S: AdditiveVectorScheme>(inputs: [String], headers: [ContainerHeader], evaluator: S,
                                                     statements: [[SiteStatement]],
                                                     schemaCache: inout ContainerFormat.DecodedSchema?,
                                                     progress: ProgressHandler?) throws(EncryptedStatsError) -> [[UInt8]] {
        let first = headers[0]
        let chunkCount = first.payloadChunkCount
        let total = chunkCount * inputs.count
        var sum: [S.Ciphertext] = []
        sum.reserveCapacity(chunkCount)
        for (fileIndex, path) in inputs.enumerated() {
            let reader = try files { () throws(HEFilesError) in try ContainerReader(path: path, schemaCache: &schemaCache) }
            guard reader.header == headers[fileIndex] else {
                throw .fileUnreadable(path: path, reason: "the file changed while it was being aggregated")
            }
            let signed = statements.isEmpty ? nil : statements[fileIndex]
            /// The file's content digest checked against its statement, once every chunk has been read.
            func checkContent() throws(EncryptedStatsError) {
                guard let signed, let digest = reader.contentDigest else { return }
                try governance { () throws(GovernanceError) in
                    try ProvenanceCheck.checkContent(of: reader.header, path: path, statements: signed, contentDigest: digest)
                }
            }
            var index = 0
            while let bytes = try files({ () throws(HEFilesError) in try reader.nextChunk() }) {
                do throws(EncryptedStatsError) {
                    let c: S.Ciphertext
                    do {
                        c = try evaluator.deserialize(bytes)
                    } catch {
                        guard let reason = error.schemeRefusal else { throw error }
                        throw .invalidPayload(path: path, chunk: index + 1, reason: reason)
                    }
                    if fileIndex == 0 { sum.append(c) } else { sum[index] = try evaluator.add(sum[index], c) }
                } catch {
                    // A signed file whose content is not what its site signed is named as such, not by its
                    // first unreadable ciphertext.
                    if signed != nil {
                        while try files({ () throws(HEFilesError) in try reader.nextChunk() }) != nil {}
                        try checkContent()
                    }
                    throw error
                }
                index += 1
                progress?(fileIndex * chunkCount + index, total)
            }
            // The sum of a file that is not what its site signed is never written or decrypted: this refuses it.
            try checkContent()
        }
        var chunks: [[UInt8]] = []
        chunks.reserveCapacity(chunkCount)
        // Sums keep the level of their inputs (sites wrote them compacted; an aggregator never lowers a level).
        for c in sum { chunks.append(evaluator.serialize(c)) }
        return chunks
    }

    /// Decrypts an encrypted table (normally an aggregate) with the secret key in `keys`. With `check`, the
    /// statements are verified and, given the signed site files, the aggregate recomputed first (see
    /// ``DecryptionCheck``); each ciphertext is compared with the recomputed one before it is decrypted.
    ///
    /// `beforeDecrypting` (the release policy) runs once the file and its provenance are checked, before anything
    /// is decrypted; it is given the header and the SHA-256 of the schema field's bytes.
    public static func decrypt(_ path: String, keys: SchemeKeys, keyPath: String, check: DecryptionCheck? = nil,
                               beforeDecrypting: ((ContainerHeader, Fingerprint) throws(EncryptedStatsError) -> Void)? = nil,
                               progress: ProgressHandler? = nil) throws(EncryptedStatsError) -> DecryptedTotals {
        // One decoded schema for the folder listing, this file and the recomputation (a GWAS schema is many strings).
        var cache = check?.schemaCache
        let reader = try files { () throws(HEFilesError) in try ContainerReader(path: path, schemaCache: &cache) }
        let h = reader.header
        guard h.kind.isEncryptedTable, let schema = h.schema else {
            throw .wrongContentKind(path: path, expected: "an encrypted site table or aggregate", found: h.kind.description)
        }
        guard h.scheme == keys.scheme else {
            throw .keySchemeMismatch(keyPath: keyPath, keyScheme: keys.scheme, dataPath: path, dataScheme: h.scheme)
        }
        guard h.publicKeyFingerprint == keys.publicKeyFingerprint else { throw .keyMismatch(keyPath: keyPath, dataPath: path) }
        guard h.parameters == keys.parameters else {
            throw .incompatibleInputs(first: keyPath, second: path, reason: "different scheme parameters")
        }
        let expected = try expectations(for: h, path: path, keys: keys, keyPath: keyPath, check: check, schemaCache: cache)
        try beforeDecrypting?(h, Fingerprint(sha256Of: cache?.bytes ?? ContainerFormat.encodeSchema(schema)))
        let scheme = try SchemeRegistry.instance(for: keys, kind: schema.kind, encoding: schema.encoding)
        let totals = try decrypt(reader, schema: schema, scheme: scheme, expected: expected.chunks, progress: progress)
        if check != nil, let digest = reader.contentDigest {
            // The file was checked before decrypting; this catches a change while it was being read.
            try governance { () throws(GovernanceError) in
                try ProvenanceCheck.checkContent(of: h, path: path, statements: expected.statements, contentDigest: digest)
            }
        }
        return totals
    }

    private static func decrypt<S: AdditiveVectorDecryptor>(_ reader: ContainerReader, schema: TableSchema, scheme: S,
                                                             expected: [[UInt8]]?,
                                                             progress: ProgressHandler?) throws(EncryptedStatsError) -> DecryptedTotals {
        let h = reader.header
        guard schema.layout == scheme.layout else {
            throw .inconsistentHeader(path: reader.path, field: "schema slot layout",
                                      reason: "does not match the layout of the key's scheme")
        }
        var values: [Int64] = []
        values.reserveCapacity(schema.valueCount)
        let per = schema.layout.slotsPerCiphertext
        var index = 0
        while let bytes = try files({ () throws(HEFilesError) in try reader.nextChunk() }) {
            let count = min(per, schema.valueCount - index * per)
            if let expected, index >= expected.count || expected[index] != bytes {
                throw .recomputedSumDiffers(path: reader.path, chunk: index + 1, sites: h.contributors.sorted())
            }
            do {
                let c = try scheme.deserialize(bytes)
                values += try scheme.decrypt(c, count: count, bound: h.valueBound)
            } catch {
                guard let reason = error.schemeRefusal else { throw error }
                throw .invalidPayload(path: reader.path, chunk: index + 1, reason: reason)
            }
            index += 1
            progress?(index, h.payloadChunkCount)
        }
        // Every true sum lies within the declared bound; anything else means damage or a dishonest input.
        if let i = values.firstIndex(where: { $0.magnitude > h.valueBound || (schema.encoding == .count && $0 < 0) }) {
            throw .invalidPayload(path: reader.path, chunk: i / per + 1,
                                  reason: "a decrypted value lies outside the declared bound \(h.valueBound) "
                                      + "(the file is damaged or a contribution exceeded its declared bound)")
        }
        var totals = DecryptedTotals(schema: schema, values: values, contributors: h.contributors, scheme: h.scheme,
                               publicKeyFingerprint: h.publicKeyFingerprint)
        totals.contentDigest = reader.contentDigest
        return totals
    }
}
