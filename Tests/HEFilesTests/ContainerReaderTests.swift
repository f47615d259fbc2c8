import Crypto
import Foundation
import HEFiles
import HETestSupport
import Testing

// The container reader's tests: every damaged, truncated or inconsistent header and payload, version by version
// (1, 2 and 3), in one file of some 400 lines because they share one set of sample headers and damage helpers.

private let layout = SlotLayout(slotsPerCiphertext: 4, slotBits: 60, slotCapacity: (1 << 58) - 1)

private func sampleSchema(rows: Int = 3) -> TableSchema {
    TableSchema(shape: TableShape(rowHeader: "diagnosis", rowLabels: (1 ... rows).map { "row \($0)" },
                                  columnLabels: ["cases", "controls"], encoding: .count),
                layout: layout)
}

private func sampleHeader(kind: ContentKind = .siteTable, contributors: [String] = ["site-a"]) -> ContainerHeader {
    ContainerHeader(scheme: .paillier, kind: kind, parameters: Array("parameters".utf8),
                    publicKeyFingerprint: Fingerprint(sha256Of: Array("public key".utf8)),
                    schema: kind.isEncryptedTable ? sampleSchema() : nil,
                    contributors: kind.isEncryptedTable || contributors != ["site-a"] ? contributors : [],
                    valueBound: kind.isEncryptedTable ? 1000 : 0)
}

/// Two ciphertext-like chunks (3 rows x 2 columns = 6 values in slots of 4).
private let sampleChunks: [[UInt8]] = [Array(repeating: 0xA5, count: 40), Array(0 ..< 40)]

/// A container assembled by hand from a header body, so tests can write headers the writer would never produce.
private func assemble(body: [UInt8], chunks: [[UInt8]], version: UInt16 = 2) -> [UInt8] {
    var bytes = ContainerFormat.magic
    withUnsafeBytes(of: version.littleEndian) { bytes += $0 }
    bytes += [0, 0]
    withUnsafeBytes(of: UInt32(body.count).littleEndian) { bytes += $0 }
    bytes += body
    bytes += Array(SHA256.hash(data: bytes))
    for c in chunks {
        withUnsafeBytes(of: UInt32(c.count).littleEndian) { bytes += $0 }
        bytes += c
    }
    bytes += Array(SHA256.hash(data: bytes))
    return bytes
}

private func readAll(_ path: String) throws -> (ContainerHeader, [[UInt8]]) {
    let reader = try ContainerReader(path: path)
    return (reader.header, try reader.readAllChunks())
}

private func write(_ bytes: [UInt8], _ path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
}

@Suite("Container reader")
struct ContainerReaderTests {
    @Test("round trip of a site table, a public key and a secret key")
    func roundTrip() throws {
        let dir = ScratchDirectory()
        for (kind, chunks) in [(ContentKind.siteTable, sampleChunks), (.publicKey, [[1, 2, 3]]),
                               (.secretKey, [[1, 2, 3], [4, 5]])] {
            let path = dir.file("\(kind.rawValue).he")
            try ContainerWriter.write(header: sampleHeader(kind: kind), chunks: chunks, to: path,
                                      secret: kind == .secretKey)
            let (header, read) = try readAll(path)
            var expected = sampleHeader(kind: kind)
            expected.payloadChunkCount = chunks.count
            expected.payloadByteCount = UInt64(chunks.reduce(0) { $0 + 4 + $1.count })
            #expect(header == expected)
            #expect(read == chunks)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! Int
            if kind == .secretKey { #expect(mode == 0o600) }
        }
    }

    @Test("a label longer than readers accept is refused before anything is written, an existing file kept")
    func overlongLabelWritesNothing() throws {
        let dir = ScratchDirectory()
        let path = dir.file("t.he")
        try ContainerWriter.write(header: sampleHeader(), chunks: sampleChunks, to: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        let long = String(repeating: "x", count: ContainerFormat.maxLabelLength + 1)
        var cases: [(ContainerHeader, String)] = []
        var h = sampleHeader()
        h.schema!.rowLabels[1] = long
        cases.append((h, "row label 2"))
        h = sampleHeader()
        h.schema!.rowHeader = long
        cases.append((h, "label column name"))
        h = sampleHeader()
        h.schema!.columnLabels[0] = long
        cases.append((h, "column label 1"))
        // At the limit itself the header is written and read back.
        h = sampleHeader()
        h.schema!.rowLabels[0] = String(repeating: "y", count: ContainerFormat.maxLabelLength)
        try ContainerWriter.write(header: h, chunks: sampleChunks, to: dir.file("limit.he"))
        #expect(try readAll(dir.file("limit.he")).0.schema?.rowLabels[0].utf8.count == ContainerFormat.maxLabelLength)
        for (header, field) in cases {
            let error = #expect(throws: HEFilesError.self) {
                try ContainerWriter.write(header: header, chunks: sampleChunks, to: path)
            }
            let text = error.map { "\($0)" } ?? ""
            #expect(text.hasPrefix("cannot write \(path): \(field)"), "\(text)")
            #expect(text.contains("\(ContainerFormat.maxLabelLength + 1) bytes"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == good)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["limit.he", "t.he"])
        }
    }

    @Test("files committed together: a failed rename puts back the ones already renamed")
    func commitAllRollsBack() throws {
        let dir = ScratchDirectory()
        func text(_ name: String) -> String? { try? String(contentsOfFile: dir.file(name), encoding: .utf8) }
        try AtomicFileWriter.write(Array("old a".utf8), to: dir.file("a.txt"))
        try AtomicFileWriter.write(Array("old b".utf8), to: dir.file("b.txt"))
        var writers: [AtomicFileWriter] = []
        for name in ["a.txt", "b.txt", "new.txt", "c.txt"] {
            let w = try AtomicFileWriter(destination: dir.file(name))
            try w.write(Array("new \(name)".utf8))
            writers.append(w)
        }
        // c.txt becomes a non-empty directory after staging: its rename fails after the first three succeeded.
        try FileManager.default.createDirectory(atPath: dir.file("c.txt/inner"), withIntermediateDirectories: true)
        #expect(throws: HEFilesError.self) { try AtomicFileWriter.commitAll(writers) }
        #expect(text("a.txt") == "old a" && text("b.txt") == "old b")
        #expect(!FileManager.default.fileExists(atPath: dir.file("new.txt")))
        writers.removeAll()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.txt", "b.txt", "c.txt"])

        // Without the obstacle all are published.
        try FileManager.default.removeItem(atPath: dir.file("c.txt"))
        for name in ["a.txt", "new.txt", "c.txt"] {
            let w = try AtomicFileWriter(destination: dir.file(name))
            try w.write(Array("new \(name)".utf8))
            writers.append(w)
        }
        try AtomicFileWriter.commitAll(writers)
        writers.removeAll()
        #expect(text("a.txt") == "new a.txt" && text("new.txt") == "new new.txt" && text("c.txt") == "new c.txt")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.txt", "b.txt", "c.txt", "new.txt"])
    }

    @Test("a destination name near the 255-byte limit is written through a shorter temporary name")
    func longDestinationName() throws {
        let dir = ScratchDirectory()
        let path = dir.file(String(repeating: "n", count: 250) + ".he")
        try AtomicFileWriter.write(Array("content".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "content")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).count == 1)
    }

    @Test("readers sharing a schema cache decode a repeated schema once and still see a different one")
    func schemaCache() throws {
        let dir = ScratchDirectory()
        let a = dir.file("a.he"), b = dir.file("b.he"), c = dir.file("c.he")
        try ContainerWriter.write(header: sampleHeader(contributors: ["site-a"]), chunks: sampleChunks, to: a)
        try ContainerWriter.write(header: sampleHeader(contributors: ["site-b"]), chunks: sampleChunks, to: b)
        var other = sampleHeader(contributors: ["site-c"])
        other.schema!.rowLabels[1] = "another row"
        try ContainerWriter.write(header: other, chunks: sampleChunks, to: c)

        var cache: ContainerFormat.DecodedSchema? = nil
        let ha = try ContainerReader.readHeader(a, schemaCache: &cache)
        let cachedBytes = try #require(cache).bytes
        let hb = try ContainerReader.readHeader(b, schemaCache: &cache)
        let freshA = try ContainerReader.readHeader(a), freshB = try ContainerReader.readHeader(b)
        #expect(ha == freshA && hb == freshB)
        #expect(hb.contributors == ["site-b"])
        // The same bytes: the second header carries the first one's decoded schema (shared storage).
        #expect(try #require(cache).bytes == cachedBytes)
        func storage(_ h: ContainerHeader) -> UnsafeRawPointer? {
            h.schema!.rowLabels.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        }
        #expect(storage(ha) == storage(hb))
        // A different schema is decoded on its own and replaces the cached one.
        let hc = try ContainerReader.readHeader(c, schemaCache: &cache)
        #expect(hc.schema!.rowLabels == ["row 1", "another row", "row 3"])
        let freshC = try ContainerReader.readHeader(c)
        #expect(hc == freshC)
        #expect(try #require(cache).bytes != cachedBytes)
        #expect(ha.schema!.firstDifference(from: hc.schema!) == "row label 2 differs: 'row 2' vs 'another row'")
    }

    @Test("the bytes written equal the documented layout")
    func layoutMatchesEncoder() throws {
        let header = sampleHeader()
        let encoded = ContainerWriter.encode(header: header, chunks: sampleChunks)
        var filled = header
        filled.payloadChunkCount = 2
        filled.payloadByteCount = 88
        #expect(encoded == assemble(body: ContainerFormat.encodeHeader(filled), chunks: sampleChunks))
        #expect(Array(encoded.prefix(8)) == [0x89, 0x48, 0x45, 0x54, 0x4B, 0x0D, 0x0A, 0x1A])
    }

    @Test("truncation at every offset is refused as truncation (an empty file as empty)")
    func truncation() throws {
        let dir = ScratchDirectory()
        let full = ContainerWriter.encode(header: sampleHeader(), chunks: sampleChunks)
        let path = dir.file("t.he")
        for cut in 0 ..< full.count {
            write(Array(full.prefix(cut)), path)
            do {
                _ = try readAll(path)
                Issue.record("a file cut at \(cut) of \(full.count) bytes was accepted")
            } catch let error as HEFilesError {
                switch error {
                case .truncated: break
                case .emptyFile where cut == 0: break
                default: Issue.record("cut at \(cut): expected a truncation error, got \(error)")
                }
                #expect(error.description.contains(path))
            }
        }
    }

    @Test("every single-bit flip is detected with the message for the damaged region")
    func bitFlips() throws {
        let dir = ScratchDirectory()
        let full = ContainerWriter.encode(header: sampleHeader(), chunks: sampleChunks)
        let path = dir.file("f.he")
        let headerLength = Int(full[12]) | Int(full[13]) << 8 | Int(full[14]) << 16 | Int(full[15]) << 24
        let headerEnd = 16 + headerLength + 32
        for offset in 0 ..< full.count {
            for bit in [0, 7] {
                var damaged = full
                damaged[offset] ^= UInt8(1 << bit)
                write(damaged, path)
                do {
                    _ = try readAll(path)
                    Issue.record("flip of bit \(bit) at byte \(offset) was accepted")
                } catch let error as HEFilesError {
                    switch (offset, error) {
                    case (0 ..< 8, .notAContainer): break
                    case (8 ..< 10, .unsupportedFormatVersion): break
                    // 2 -> 3 is another readable version: the header digest, which covers the preamble, catches it.
                    case (8 ..< 10, .headerChecksumMismatch): break
                    case (10 ..< 12, .inconsistentHeader): break
                    case (12 ..< 16, .truncated), (12 ..< 16, .headerChecksumMismatch),
                         (12 ..< 16, .inconsistentHeader): break
                    case (16 ..< headerEnd, .headerChecksumMismatch): break
                    case (headerEnd ..< full.count, .checksumMismatch): break
                    case (headerEnd ..< full.count, .inconsistentHeader), (headerEnd ..< full.count, .truncated),
                         (headerEnd ..< full.count, .invalidPayload):
                        // a flipped chunk length prefix
                        break
                    default:
                        Issue.record("flip of bit \(bit) at byte \(offset): unexpected \(error)")
                    }
                }
            }
        }
    }

    @Test("an unknown version and a wrong magic are refused with their own message")
    func versionAndMagic() throws {
        let dir = ScratchDirectory()
        var filled = sampleHeader()
        filled.payloadChunkCount = 2
        filled.payloadByteCount = 88
        let path = dir.file("v.he")
        #expect(ContainerFormat.version == 3)
        for version: UInt16 in [0, 4, 0xFFFF] {
            write(assemble(body: ContainerFormat.encodeHeader(filled), chunks: sampleChunks, version: version), path)
            #expect(throws: HEFilesError.unsupportedFormatVersion(path: path, found: version, supported: 3)) {
                try readAll(path)
            }
        }
        let error = try #require(throws: HEFilesError.self) { try readAll(path) }
        #expect(error.description.contains("format version 65535 is not supported"))

        // Version 1 Paillier tables (48-bit signed-digit packing) are refused with their own message; version 1
        // key files and BFV tables mean the same in version 2 and are read.
        write(assemble(body: ContainerFormat.encodeHeader(filled), chunks: sampleChunks, version: 1), path)
        #expect(throws: HEFilesError.retiredPaillierPacking(path: path, version: 1)) { try readAll(path) }
        let retired = try #require(throws: HEFilesError.self) { try readAll(path) }
        #expect(retired.description.contains("encrypt the site's table again"))
        var bfv = filled
        bfv.scheme = .bfv
        write(assemble(body: ContainerFormat.encodeHeader(bfv), chunks: sampleChunks, version: 1), path)
        #expect(try readAll(path).0 == bfv)
        var key = sampleHeader(kind: .publicKey)
        key.payloadChunkCount = 1
        key.payloadByteCount = 44
        write(assemble(body: ContainerFormat.encodeHeader(key), chunks: [sampleChunks[0]], version: 1), path)
        #expect(try readAll(path).0 == key)
        #expect(try ContainerReader(path: path).formatVersion == 1)
        write(assemble(body: ContainerFormat.encodeHeader(key), chunks: [sampleChunks[0]]), path)
        #expect(try ContainerReader(path: path).formatVersion == 2)

        write(Array("diagnosis,cases\nflu,3\n".utf8), path)
        #expect(throws: HEFilesError.notAContainer(path: path)) { try readAll(path) }
    }

    @Test("bytes after the end of the container are refused")
    func trailingBytes() throws {
        let dir = ScratchDirectory()
        let path = dir.file("x.he")
        write(ContainerWriter.encode(header: sampleHeader(), chunks: sampleChunks) + [0, 1, 2], path)
        #expect(throws: HEFilesError.trailingBytes(path: path, count: 3)) { try readAll(path) }
    }

    @Test("inconsistent headers with valid checksums are refused naming the field")
    func inconsistentHeaders() throws {
        let dir = ScratchDirectory()
        let path = dir.file("i.he")
        func expectInconsistent(_ header: ContainerHeader, chunks: [[UInt8]] = sampleChunks, field: String,
                                sourceLocation: SourceLocation = #_sourceLocation) {
            var h = header
            if h.payloadChunkCount == 0 { h.payloadChunkCount = chunks.count }
            if h.payloadByteCount == 0 { h.payloadByteCount = UInt64(chunks.reduce(0) { $0 + 4 + $1.count }) }
            write(assemble(body: ContainerFormat.encodeHeader(h), chunks: chunks), path)
            do {
                _ = try readAll(path)
                Issue.record("accepted a header with a bad \(field)", sourceLocation: sourceLocation)
            } catch let HEFilesError.inconsistentHeader(p, f, _) {
                #expect(p == path, sourceLocation: sourceLocation)
                #expect(f.contains(field), "field was \(f)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("expected inconsistentHeader(\(field)), got \(error)", sourceLocation: sourceLocation)
            }
        }
        // A site table with two contributors.
        expectInconsistent(sampleHeader(contributors: ["a", "b"]), field: "contributors")
        // A contributor listed twice in an aggregate.
        expectInconsistent(sampleHeader(kind: .aggregate, contributors: ["a", "a"]), field: "contributors")
        // Chunk count that does not match 6 values in slots of 4.
        expectInconsistent(sampleHeader(), chunks: [sampleChunks[0]], field: "payload chunk count")
        // Parameter fingerprint that is not the hash of the parameters.
        var h = sampleHeader()
        h.parameterFingerprint = Fingerprint(sha256Of: [1])
        expectInconsistent(h, field: "parameter fingerprint")
        // Value bound above the slot capacity.
        h = sampleHeader()
        h.valueBound = layout.slotCapacity + 1
        expectInconsistent(h, field: "value bound")
        // Payload byte count that disagrees with the chunks.
        h = sampleHeader()
        h.payloadChunkCount = 2
        h.payloadByteCount = 90
        write(assemble(body: ContainerFormat.encodeHeader(h), chunks: sampleChunks) + [0, 0], path)
        #expect(throws: HEFilesError.self) { try readAll(path) }
        // A key file with a schema-less header but a contributor.
        expectInconsistent(sampleHeader(kind: .publicKey, contributors: ["a"]), chunks: [[1]], field: "contributors")
        // Unknown scheme code.
        var body = ContainerFormat.encodeHeader({ var x = sampleHeader(); x.payloadChunkCount = 2; x.payloadByteCount = 88; return x }())
        body[0] = 9
        write(assemble(body: body, chunks: sampleChunks), path)
        #expect(throws: HEFilesError.inconsistentHeader(
            path: path, field: "scheme", reason: "unknown scheme code 9 (known: 1 = paillier, 2 = bfv)")) {
            try readAll(path)
        }
    }

    @Test("a GWAS schema with per-variant metadata round-trips")
    func gwasSchema() throws {
        let dir = ScratchDirectory()
        let columns = ["case", "control", "unknown"].flatMap { g in ["homRef", "het", "homAlt", "missing"].map { "\(g)_\($0)" } }
        let shape = TableShape(kind: .gwasGenotypeCounts, rowHeader: "SNP", rowLabels: ["rs1", "rs2"],
                               columnLabels: columns, metadataFields: TableShape.gwasMetadataFields,
                               rowMetadata: [["1", "100", "A", "G"], ["1", "200", "C", "T"]], encoding: .count)
        let schema = TableSchema(shape: shape, layout: SlotLayout(slotsPerCiphertext: 16, slotBits: 0, slotCapacity: 1 << 20))
        let header = ContainerHeader(scheme: .bfv, kind: .aggregate, parameters: [7], publicKeyFingerprint: .init(sha256Of: [1]),
                                     schema: schema, contributors: ["x", "y"], valueBound: 20)
        let path = dir.file("g.he")
        try ContainerWriter.write(header: header, chunks: [[1], [2]], to: path)
        let (read, chunks) = try readAll(path)
        #expect(read.schema == schema)
        #expect(chunks == [[1], [2]])
    }

    @Test("a Mantel-Haenszel schema round-trips; other columns or encodings for that kind are refused")
    func mantelHaenszelSchema() throws {
        let dir = ScratchDirectory()
        func write(_ columns: [String], _ encoding: ValueEncoding, _ name: String) throws -> String {
            let shape = TableShape(kind: .gwasMantelHaenszel, rowHeader: "SNP", rowLabels: ["rs1"], columnLabels: columns,
                                   metadataFields: TableShape.gwasMetadataFields, rowMetadata: [["1", "100", "A", "G"]],
                                   encoding: encoding)
            let schema = TableSchema(shape: shape, layout: SlotLayout(slotsPerCiphertext: 16, slotBits: 63, slotCapacity: 1 << 62))
            let header = ContainerHeader(scheme: .paillier, kind: .aggregate, parameters: [7], publicKeyFingerprint: .init(sha256Of: [7]),
                                         schema: schema, contributors: ["x"], valueBound: 20)
            let path = dir.file(name)
            try ContainerWriter.write(header: header, chunks: [[1]], to: path)
            return path
        }
        let good = try write(TableShape.gwasMantelHaenszelColumnLabels, .fixedPoint(scale: 9), "good.he")
        #expect(try readAll(good).0.schema?.kind == .gwasMantelHaenszel)
        let scale = try write(TableShape.gwasMantelHaenszelColumnLabels, .fixedPoint(scale: 6), "scale.he")
        #expect(throws: HEFilesError.self) { try readAll(scale) }
        let columns = try write(Array(TableShape.gwasMantelHaenszelColumnLabels.dropLast()), .fixedPoint(scale: 9), "columns.he")
        #expect(throws: HEFilesError.self) { try readAll(columns) }
    }

    @Test("meta-analysis schemas: the logistic and the linear column sets at scale 6, nothing else")
    func metaAnalysisSchema() throws {
        let dir = ScratchDirectory()
        func write(_ columns: [String], _ encoding: ValueEncoding, _ name: String) throws -> String {
            let shape = TableShape(kind: .gwasMetaAnalysis, rowHeader: "SNP", rowLabels: ["rs1"], columnLabels: columns,
                                   metadataFields: TableShape.gwasMetadataFields, rowMetadata: [["1", "100", "A", "G"]],
                                   encoding: encoding)
            let schema = TableSchema(shape: shape, layout: SlotLayout(slotsPerCiphertext: 16, slotBits: 63, slotCapacity: 1 << 62))
            let header = ContainerHeader(scheme: .paillier, kind: .aggregate, parameters: [7], publicKeyFingerprint: .init(sha256Of: [7]),
                                         schema: schema, contributors: ["x"], valueBound: 20)
            let path = dir.file(name)
            try ContainerWriter.write(header: header, chunks: [[1]], to: path)
            return path
        }
        for oddsRatios in [true, false] {
            let path = try write(TableShape.gwasMetaAnalysisColumnLabels(oddsRatios: oddsRatios), .fixedPoint(scale: 6), "\(oddsRatios).he")
            #expect(try readAll(path).0.schema?.columnLabels == TableShape.gwasMetaAnalysisColumnLabels(oddsRatios: oddsRatios))
        }
        let scale = try write(TableShape.gwasMetaAnalysisColumnLabels(oddsRatios: true), .fixedPoint(scale: 9), "scale.he")
        #expect(throws: HEFilesError.self) { try readAll(scale) }
        let mixed = try write(["studies", "w", "w_beta", "w_logor2"], .fixedPoint(scale: 6), "mixed.he")
        #expect(throws: HEFilesError.self) { try readAll(mixed) }
    }

    @Test("schema differences name the first differing label")
    func schemaDifference() {
        let a = sampleSchema()
        var b = a
        b.columnLabels[1] = "Controls"
        #expect(a.firstDifference(from: b) == "column label 2 differs: 'controls' vs 'Controls'")
        b = a
        b.rowLabels.append("row 4")
        #expect(a.firstDifference(from: b) == "3 vs 4 rows; first extra row label: 'row 4'")
        #expect(a.firstDifference(from: a) == nil)
    }
}

@Suite("Container format version 3: statements")
struct ContainerStatementTests {
    @Test("statements round-trip in version 3; unsigned files stay version 2; the content digest ignores statements")
    func statements() throws {
        let dir = ScratchDirectory()
        var h = sampleHeader()
        let plain = dir.file("plain.he"), signed = dir.file("signed.he")
        try ContainerWriter.write(header: h, chunks: sampleChunks, to: plain)
        h.statements = [[1, 2, 3], Array(repeating: 7, count: 100)]
        try ContainerWriter.write(header: h, chunks: sampleChunks, to: signed)
        let a = try ContainerReader(path: plain), b = try ContainerReader(path: signed)
        #expect(a.formatVersion == 2 && b.formatVersion == 3)
        #expect(b.header.statements == h.statements && a.header.statements.isEmpty)
        _ = try a.readAllChunks()
        _ = try b.readAllChunks()
        let digest = try #require(a.contentDigest)
        #expect(b.contentDigest == digest)
        #expect(ContentDigest.compute(header: h, chunks: sampleChunks) == digest)
        var other = sampleChunks
        other[1][0] ^= 1
        #expect(ContentDigest.compute(header: h, chunks: other) != digest)
        h.contributors = ["site-b"]
        #expect(ContentDigest.compute(header: h, chunks: sampleChunks) != digest)
    }
}
