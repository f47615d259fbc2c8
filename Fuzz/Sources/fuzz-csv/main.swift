// Count tables (CSV) as `he-cli encrypt` reads them: CountTableReader.read(path:encoding:maxValue:hints:).
// Input: one selector byte (value encoding, scale and --max-value), then the CSV file.
// Invariants of a table that parses: rows x columns values, labels unique, every value within the stored bound
// (non-negative for counts), and writing the table back as CSV parses to the same table.
import EncryptedStats
import HEFiles
import GWAS
import FuzzSupport

/// The hints of a site's encryption (the messages do not matter here).
let hints = ValueHints(maxValue: "--max-value", decimals: "", negative: "")
let maxValues: [UInt64] = [ValueBounds.defaultMaxValueCap, 1, 999, 1 << 62, UInt64(Int64.max), UInt64.max]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let selector = input.u8()
    let encoding: ValueEncoding = switch selector % 3 {
    case 0: .count
    case 1: .signedInteger
    default: .fixedPoint(scale: 1 + Int(selector / 3) % ValueEncoding.maxScale)
    }
    let maxValue = maxValues[Int(selector >> 5) % maxValues.count]
    // he-cli refuses a --max-value whose stored bound does not fit before it reads the table.
    guard let bound = encoding.storedBound(maxValue: maxValue) else { return 0 }
    let path = Scratch.write("table.csv", input.rest())
    let table: CountTable
    do {
        table = try CountTableReader.read(path: path, encoding: encoding, maxValue: maxValue, hints: hints)
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
    // Write back (every field quoted) and read again.
    func quoted(_ s: String) -> String { "\"" + s.replacingAll("\"", with: "\"\"") + "\"" }
    var text = ([table.rowHeader] + table.columnLabels).map(quoted).joined(separator: ",") + "\n"
    for (r, label) in table.rowLabels.enumerated() {
        let cells = (0 ..< table.columnLabels.count).map { formatValue(table.value(row: r, column: $0), encoding: encoding) }
        text += ([quoted(label)] + cells).joined(separator: ",") + "\n"
    }
    let again = Scratch.write("table-again.csv", Array(text.utf8))
    do {
        let reread = try CountTableReader.read(path: again, encoding: encoding, maxValue: maxValue, hints: hints)
        check(reread == table, "the table written back as CSV parses to a different table")
    } catch {
        invariantFailure("the table written back as CSV does not parse: \(error)")
    }
    return 0
}

extension String {
    /// Byte-level replacement: a quote followed by a combining mark is one `Character`, so comparing
    /// characters would miss it.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        let t = Array(String(target).utf8)
        precondition(t.count == 1, "single-byte targets only")
        var out: [UInt8] = []
        for b in utf8 { if b == t[0] { out += Array(replacement.utf8) } else { out.append(b) } }
        return String(decoding: out, as: UTF8.self)
    }
}

FuzzDriver.run(fuzzCSV)
