// Decrypted totals as `he-cli chi2` and `he-cli summary` read them: CountTableReader.parse(..., decryptedJSON: true),
// which reads the JSON of `he-cli decrypt --format json` (TotalsJSONReader) or a CSV, recognised by the content.
// Input: one selector byte (value encoding), then the file.
// Invariants of a table that parses: rows x columns values, labels unique, values within the stored bound
// (non-negative for counts), and the table written back as decrypt's JSON parses to the same table.
import EncryptedStats
import HEFiles
import GWAS
import FuzzSupport

let hints = ValueHints(maxValue: nil, decimals: "", negative: "")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTotalsJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.u8()
    let encoding: ValueEncoding = switch selector % 3 {
    case 0: .count
    case 1: .signedInteger
    default: .fixedPoint(scale: 1 + Int(selector / 3) % ValueEncoding.maxScale)
    }
    let maxValue = UInt64(Int64.max / encoding.scaleFactor)
    guard let bound = encoding.storedBound(maxValue: maxValue) else { return 0 }
    let bytes = input.rest()
    let table: CountTable
    do {
        table = try CountTableReader.parse(Array(bytes), path: "totals.json", encoding: encoding, maxValue: maxValue,
                                           hints: hints, decryptedJSON: true)
    } catch {
        return 0
    }
    check(!table.columnLabels.isEmpty && !table.rowLabels.isEmpty, "a parsed table has no rows or no columns")
    check(table.values.count == table.rowLabels.count * table.columnLabels.count,
          "\(table.values.count) values for \(table.rowLabels.count) x \(table.columnLabels.count)")
    check(Set(table.rowLabels).count == table.rowLabels.count, "repeated row label")
    check(Set(table.columnLabels).count == table.columnLabels.count, "repeated column label")
    for v in table.values {
        check(v.magnitude <= bound, "value \(v) exceeds the stored bound \(bound)")
        if encoding == .count { check(v >= 0, "negative count \(v)") }
    }
    // Written back as decrypt's JSON, it reads as the same table.
    let shape = TableShape(rowHeader: table.rowHeader, rowLabels: table.rowLabels, columnLabels: table.columnLabels,
                           encoding: encoding)
    let schema = TableSchema(shape: shape, layout: SlotLayout(slotsPerCiphertext: 1, slotBits: 64, slotCapacity: bound))
    let totals = DecryptedTotals(schema: schema, values: table.values, contributors: ["fuzz"], scheme: .paillier,
                                 publicKeyFingerprint: Fingerprint(sha256Of: [UInt8]("fuzz".utf8)))
    do {
        let reread = try CountTableReader.parse(Array(TotalsWriter.json(totals).utf8), path: "again.json", encoding: encoding,
                                                maxValue: maxValue, hints: hints, decryptedJSON: true)
        check(reread == table, "the table written back as JSON parses to a different table")
    } catch {
        invariantFailure("the table written back as JSON does not parse: \(error)")
    }
    return 0
}

FuzzDriver.run(fuzzTotalsJSON)
