// Encrypted payloads under the committed test keys, through `he-cli decrypt` (EncryptedTableFiles.decrypt),
// `he-cli aggregate` (EncryptedTableFiles.aggregate) and `he-cli gwas report` (GwasFiles.decrypt, Gwas.analyse).
// The header is made valid here (test key, its parameters, a schema whose size matches the number of chunks, valid
// checksums), so every input reaches ciphertext deserialisation and decryption. Input layout:
//   selector u8 (bit 0: 0 Paillier, 1 BFV; bit 1: aggregate of two sites, else a site table; bit 2: GWAS counts,
//     else a count table; bits 3-4: 0 count, 1 signed, 2 decimal scale 2) | u64 bound | u16 shortfall
//   | chunks: (u32 length, bytes) until the input ends
// Invariants: decrypted values lie within the declared bound (counts non-negative); aggregating the file alone and
// decrypting the result gives the same totals.
import EncryptedStats
import HEFiles
import GWAS
import FuzzSupport

let keys = [TestKeys.secret(.paillier), TestKeys.secret(.bfv)]
let layouts = keys.map { key in
    do { return try SchemeRegistry.instance(for: key.keys).layout } catch { invariantFailure("test key: \(error)") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCiphertext(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.u8()
    let (key, keyPath) = keys[Int(selector & 1)]
    let layout = layouts[Int(selector & 1)]
    let aggregate = selector & 2 != 0
    let gwas = selector & 4 != 0
    let bound = 1 + input.u64() % layout.slotCapacity
    let shortfall = Int(input.u16())
    var chunks: [[UInt8]] = []
    while !input.isAtEnd { chunks.append(input.blob()) }
    guard !chunks.isEmpty else { return 0 }

    let per = layout.slotsPerCiphertext
    let schema: TableSchema
    if gwas {
        let k = VariantCounts.slotsPerVariant
        var variants = chunks.count * per / k - shortfall % max(1, per / k)
        if variants < 1 || layout.ciphertextCount(forValues: variants * k) != chunks.count { variants = chunks.count * per / k }
        guard variants >= 1, layout.ciphertextCount(forValues: variants * k) == chunks.count else { return 0 }
        let shape = TableShape(kind: .gwasGenotypeCounts, rowHeader: "SNP", rowLabels: (0 ..< variants).map { "rs\($0 + 1)" },
                               columnLabels: TableShape.gwasColumnLabels, metadataFields: TableShape.gwasMetadataFields,
                               rowMetadata: (0 ..< variants).map { ["\(1 + $0 % 22)", "\(100 + $0)", "A", "G"] },
                               encoding: .count)
        schema = TableSchema(shape: shape, layout: layout)
    } else {
        let rows = chunks.count * per - shortfall % per
        let encoding: ValueEncoding = switch (selector >> 3) % 4 {
        case 1: .signedInteger
        case 2: .fixedPoint(scale: 2)
        default: .count
        }
        schema = TableSchema(shape: TableShape(rowHeader: "row", rowLabels: (0 ..< rows).map { "r\($0)" },
                                               columnLabels: ["value"], encoding: encoding),
                             layout: layout)
    }
    let header = ContainerHeader(scheme: key.scheme, kind: aggregate ? .aggregate : .siteTable,
                                 parameters: key.parameters, publicKeyFingerprint: key.publicKeyFingerprint,
                                 schema: schema, contributors: aggregate ? ["north", "south"] : ["north"],
                                 valueBound: bound)
    let path = Scratch.path("table.he")
    Scratch.remove("table.he")
    do {
        try ContainerWriter.write(header: header, chunks: chunks, to: path)
    } catch {
        invariantFailure("cannot write the table file: \(error)")
    }
    let totals: DecryptedTotals
    do {
        totals = try EncryptedTableFiles.decrypt(path, keys: key, keyPath: keyPath)
    } catch {
        return 0
    }
    check(totals.values.count == schema.valueCount, "decrypted \(totals.values.count) of \(schema.valueCount) values")
    for v in totals.values {
        check(v.magnitude <= bound, "decrypted \(v) outside the declared bound \(bound)")
        if schema.encoding == .count { check(v >= 0, "negative count \(v)") }
    }
    if gwas {
        do {
            let pooled = try GwasFiles.decrypt(path, keys: key, keyPath: keyPath)
            check(pooled.counts.count == schema.rowLabels.count, "pooled counts for \(pooled.counts.count) variants")
            _ = try? Gwas.analyse(panel: pooled.panel, counts: pooled.counts)
        } catch {
            invariantFailure("a GWAS table that decrypts does not give pooled counts: \(error)")
        }
    }
    let out = Scratch.path("aggregate.he")
    Scratch.remove("aggregate.he")
    do {
        try EncryptedTableFiles.aggregate(inputs: [path], to: out)
        let again = try EncryptedTableFiles.decrypt(out, keys: key, keyPath: keyPath)
        check(again.values == totals.values, "aggregating one file changed its totals")
    } catch {
        invariantFailure("a file that decrypts does not aggregate: \(error)")
    }
    return 0
}

FuzzDriver.run(fuzzCiphertext)
