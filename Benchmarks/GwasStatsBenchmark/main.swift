// Key-holder statistics on pooled genotype counts, timed: parse the counts table, analyse, write the reports.
//
//   gwas-stats-benchmark COUNTS.tsv PREFIX [assoc,model,hwe,frq,full]
//
// COUNTS.tsv has the layout of Tests/Oracles/plink_cohort.py's counts.tsv (CHROM POS ID REF ALT and the twelve
// VariantCounts slots in wire order). Benchmarks/run-gwas-stats.sh runs it beside plink1.9 on the same cohort.

import EncryptedStats
import GWAS
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else { fail("usage: gwas-stats-benchmark COUNTS.tsv PREFIX [assoc,model,hwe,frq,full]") }
let files: Set<PlinkReportFile> = arguments.count > 3
    ? Set(arguments[3].split(separator: ",").map { name in
        guard let file = PlinkReportFile(rawValue: String(name)) else { fail("unknown report '\(name)'") }
        return file
    })
    : Set(PlinkReportFile.allCases)

let clock = ContinuousClock()
let start = clock.now
guard let data = FileManager.default.contents(atPath: arguments[1]) else { fail("cannot read \(arguments[1])") }
let bytes = [UInt8](data)
var panel: [PanelVariant] = []
var counts: [VariantCounts] = []
var lineStart = bytes.firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.count  // skip the header
var lineNumber = 1
var slots = [UInt64](repeating: 0, count: VariantCounts.slotsPerVariant)
while lineStart < bytes.count {
    lineNumber += 1
    let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
    var fields: [ArraySlice<UInt8>] = []
    fields.reserveCapacity(5 + VariantCounts.slotsPerVariant)
    var fieldStart = lineStart
    for i in lineStart...lineEnd where i == lineEnd || bytes[i] == UInt8(ascii: "\t") {
        fields.append(bytes[fieldStart..<i])
        fieldStart = i + 1
    }
    guard fields.count == 5 + VariantCounts.slotsPerVariant else {
        fail("line \(lineNumber): expected CHROM POS ID REF ALT and \(VariantCounts.slotsPerVariant) counts")
    }
    func number(_ field: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for byte in field {
            guard byte >= 48, byte <= 57 else { fail("line \(lineNumber): '\(String(decoding: field, as: UTF8.self))' is not a count") }
            value = value * 10 + UInt64(byte - 48)
        }
        return value
    }
    for k in 0..<VariantCounts.slotsPerVariant { slots[k] = number(fields[5 + k]) }
    panel.append(PanelVariant(chrom: String(decoding: fields[0], as: UTF8.self), pos: Int(number(fields[1])),
                              id: String(decoding: fields[2], as: UTF8.self),
                              ref: String(decoding: fields[3], as: UTF8.self),
                              alt: String(decoding: fields[4], as: UTF8.self)))
    counts.append(VariantCounts(slots: slots))
    lineStart = lineEnd + 1
}
let parsed = clock.now
let reports: [VariantReport]
do {
    reports = try Gwas.analyse(panel: panel, counts: counts)
} catch {
    fail(error.description)
}
let analysed = clock.now
do {
    try PlinkWriter.write(reports: reports, prefix: arguments[2], files: files)
} catch {
    fail(error.description)
}
let written = clock.now
func ms(_ d: Duration) -> String { String(format: "%.1f ms", Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1e3) }
print("variants \(panel.count): parse \(ms(parsed - start)), analyse \(ms(analysed - parsed)), "
    + "write \(ms(written - analysed)), total \(ms(written - start))")
