import EncryptedStats
import Foundation
import HEFiles
import HETestSupport
import Paillier
import Testing

// The study-wide Paillier packing: slot widths derived from the table kind and value encoding, sums at the exact
// slot capacity, refusal one contribution later, signed offsets, and files packed otherwise.

@Suite("Paillier packing of tables")
struct PaillierLayoutTests {
    static let keys = try! SchemeRegistry.generateKeys(scheme: .paillier, options: KeyGenerationOptions(modulusBits: 2048))

    func scheme(_ kind: TableKind, _ encoding: ValueEncoding) throws -> PaillierVectors {
        try #require(try SchemeRegistry.instance(for: Self.keys, kind: kind, encoding: encoding) as? PaillierVectors)
    }

    @Test("slot widths and counts per key size, table kind and encoding")
    func derivedWidths() throws {
        // (bits, kind, encoding) -> (slot bits, slots per ciphertext, capacity)
        let cases: [(Int, TableKind, ValueEncoding, Int, Int, UInt64)] = [
            (3072, .gwasGenotypeCounts, .count, 24, 127, (1 << 24) - 1),
            (2048, .gwasGenotypeCounts, .count, 24, 85, (1 << 24) - 1),
            (4096, .gwasGenotypeCounts, .count, 24, 170, (1 << 24) - 1),
            (3072, .countTable, .count, 47, 65, (1 << 47) - 1),
            (3072, .countTable, .signedInteger, 48, 63, (1 << 47) - 1),
            (3072, .countTable, .fixedPoint(scale: 2), 48, 63, (1 << 47) - 1),
            (2048, .countTable, .count, 47, 43, (1 << 47) - 1),
            (2048, .gwasMantelHaenszel, .fixedPoint(scale: 9), 63, 32, (1 << 62) - 1),
            (3072, .gwasMantelHaenszel, .fixedPoint(scale: 9), 63, 48, (1 << 62) - 1),
            (4096, .gwasMantelHaenszel, .fixedPoint(scale: 9), 63, 65, (1 << 62) - 1),
            (3072, .gwasMetaAnalysis, .fixedPoint(scale: 6), 63, 48, (1 << 62) - 1),
        ]
        for (bits, kind, encoding, slotBits, slots, capacity) in cases {
            let p = try PaillierVectors.packing(modulusBits: bits, kind: kind, encoding: encoding)
            #expect(p.slotBits == slotBits, "\(bits) \(kind) \(encoding)")
            #expect(p.slotsPerCiphertext == slots, "\(bits) \(kind) \(encoding)")
            #expect(p.slotCapacity == capacity)
            #expect(p.isSigned == (encoding != .count))
            // Every slot fits below 2^(|n| - 1) < n.
            #expect(p.slotsPerCiphertext * p.slotBits <= bits - 1)
        }
        #expect(PaillierVectors.gwasCapacity == 16_777_215)
        let layout = try scheme(.gwasGenotypeCounts, .count).layout
        #expect(layout == SlotLayout(slotsPerCiphertext: 85, slotBits: 24, slotCapacity: (1 << 24) - 1))
    }

    @Test("GWAS slots at the pooled capacity decode exactly; one more contribution is refused")
    func gwasBoundary() throws {
        let s = try scheme(.gwasGenotypeCounts, .count)
        let capacity = PaillierVectors.gwasCapacity
        #expect(capacity % 3 == 0)
        let b = capacity / 3
        let count = s.layout.slotsPerCiphertext * 2 + 7
        let full = [UInt64](repeating: b, count: count)
        let sites = try (0 ..< 3).map { try s.encrypt(full, bound: b, site: "site\($0)") }
        let pooled = try s.add(try s.add(sites[0], sites[1]), sites[2])
        #expect(pooled.valueBound == capacity)
        #expect(try s.decrypt(pooled) == [Int64](repeating: Int64(capacity), count: count))
        let one = try s.encrypt([UInt64](repeating: 1, count: count), bound: 1, site: "site3")
        #expect(throws: EncryptedStatsError.slotOverflow(files: ["the first vector", "the second vector"],
                                                        bound: capacity + 1, capacity: capacity)) {
            try s.add(pooled, one)
        }
        // A bound above the capacity cannot be declared at all; a value above its declared bound is refused.
        #expect(throws: EncryptedStatsError.self) { try s.encrypt([1], bound: capacity + 1, site: "big") }
        #expect(throws: EncryptedStatsError.self) { try s.encrypt([3, 4], bound: 3, site: "over") }
    }

    @Test("signed values with each site's own bound decode at both extremes of the capacity")
    func signedBoundary() throws {
        let s = try scheme(.countTable, .signedInteger)
        let capacity = PaillierVectors.countTableCapacity
        let b1 = capacity / 2 + 1
        let b2 = capacity - b1
        let count = s.layout.slotsPerCiphertext + 3
        let pattern = (0 ..< count).map { Int64($0 % 3) - 1 }   // -1, 0, 1, ...
        let a = try s.encrypt(pattern.map { $0 * Int64(b1) }, bound: b1, site: "a")
        let b = try s.encrypt(pattern.map { $0 * Int64(b2) }, bound: b2, site: "b")
        let sum = try s.add(a, b)
        #expect(sum.valueBound == capacity)
        #expect(try s.decrypt(sum) == pattern.map { $0 * Int64(capacity) })
        #expect(try s.decrypt(a) == pattern.map { $0 * Int64(b1) })
        #expect(throws: EncryptedStatsError.self) {
            try s.add(sum, try s.encrypt([Int64](repeating: -1, count: count), bound: 1, site: "c"))
        }
    }

    @Test("a table packed otherwise than its kind and encoding require is refused before aggregation")
    func layoutMismatchRefused() throws {
        let dir = ScratchDirectory()
        let shape = TableShape(kind: .gwasGenotypeCounts, rowHeader: "SNP", rowLabels: ["rs1", "rs2", "rs3"],
                               columnLabels: TableShape.gwasColumnLabels, metadataFields: TableShape.gwasMetadataFields,
                               rowMetadata: (1 ... 3).map { ["1", "\($0)", "A", "G"] }, encoding: .count)
        let table = CountTable(shape: shape, values: [Int64](repeating: 2, count: shape.valueCount))
        let path = dir.file("a.he")
        try EncryptedTableFiles.encrypt(table, bound: 10, site: "a", keys: Self.keys.publicOnly, to: path)
        let reader = try ContainerReader(path: path)
        var header = reader.header
        let chunks = try reader.readAllChunks()
        // The packing of earlier versions: 48-bit slots, 42 per 2048-bit ciphertext.
        header.schema!.layout = SlotLayout(slotsPerCiphertext: 42, slotBits: 48, slotCapacity: (1 << 47) - 1)
        let forged = dir.file("forged.he")
        try ContainerWriter.write(header: header, chunks: chunks, to: forged)
        let error = try #require(throws: EncryptedStatsError.self) {
            try EncryptedTableFiles.aggregate(inputs: [forged, path], to: dir.file("sum.he"))
        }
        guard case let .file(.inconsistentHeader(p, field, reason)) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(p == forged && field == "schema slot layout")
        #expect(reason.contains("42 packed slots of 48 bits") && reason.contains("85 packed slots of 24 bits"), "\(reason)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("sum.he")))
        let decrypted = try #require(throws: EncryptedStatsError.self) {
            try EncryptedTableFiles.decrypt(forged, keys: Self.keys, keyPath: "secret")
        }
        #expect("\(decrypted)".contains("slot layout"))
    }
}
