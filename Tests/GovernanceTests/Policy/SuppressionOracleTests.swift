// Complementary suppression checked by an independent oracle: Tests/Oracles/suppression_oracle.py finds, by
// linear programming over everything a table releases, the feasible range of every withheld value.

import Foundation
import HETestSupport
import Testing
import Governance

enum SuppressionOracle {
    static let enabled = OracleEnvironment.python != nil || OracleEnvironment.required
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Oracles/suppression_oracle.py")

    struct Failure: Error, CustomStringConvertible { var description: String }

    struct Range: Equatable { var min: Double; var max: Double? }
    struct Report {
        var checked: Int
        var narrow: Int
        /// Per table id: entry -> range, and the narrow entries.
        var ranges: [Int: [TableEntry: Range]]
        var narrowEntries: [Int: Set<TableEntry>]
    }

    /// One oracle process for all `tables`.
    static func run(_ tables: [[String: Any]]) throws -> Report {
        let python = try OracleEnvironment.requirePython()
        let input = try JSONSerialization.data(withJSONObject: ["tables": tables])
        let result = try ChildProcess.run(python, [script.path], input: input)
        guard result.status == 0 else { throw Failure(description: "oracle exited \(result.status): \(result.stderr)") }
        guard let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let checked = report["checked"] as? Int, let narrow = report["narrow"] as? Int,
              let results = report["tables"] as? [[String: Any]] else {
            throw Failure(description: "oracle output is not a report: \(result.stdout.prefix(500))")
        }
        func entry(_ any: Any?) throws -> TableEntry {
            guard let pair = any as? [Int], pair.count == 2 else { throw Failure(description: "bad entry \(String(describing: any))") }
            return TableEntry(row: pair[0], column: pair[1])
        }
        var out = Report(checked: checked, narrow: narrow, ranges: [:], narrowEntries: [:])
        for table in results {
            let id = try #require(table["id"] as? Int)
            var ranges: [TableEntry: Range] = [:]
            for r in try #require(table["ranges"] as? [[String: Any]]) {
                ranges[try entry(r["entry"])] = Range(min: try #require(r["min"] as? Double), max: r["max"] as? Double)
            }
            out.ranges[id] = ranges
            out.narrowEntries[id] = Set(try (table["narrow"] as? [Any] ?? []).map(entry))
        }
        return out
    }

    /// Whether the oracle's range is the maximum-flow range (integer ends).
    static func agrees(_ oracle: Range?, _ swift: FeasibleRange) -> Bool {
        guard let oracle else { return false }
        guard abs(oracle.min - Double(swift.lower)) < 1e-6 else { return false }
        switch (oracle.max, swift.upper) {
        case (nil, nil): return true
        case let (a?, b?): return abs(a - Double(b)) < 1e-6
        default: return false
        }
    }
}

@Suite("Release policy: complementary suppression against a linear-programming oracle",
       .enabled(if: SuppressionOracle.enabled, "HE_TEST_PYTHON is not set (scipy suppression oracle unavailable)"))
struct SuppressionOracleTests {
    @Test("500 random tables (2x2 to 10x10, cms and nhs) and one-dimensional ones: no withheld value is narrower than the threshold")
    func randomTables() throws {
        var inputs = PolicyTables.random(count: 500, seed: 2026)
        inputs += [([[3], [50], [60], [0], [14]], .cms), ([[2, 40, 9, 70, 1]], .nhs), ([[5], [5], [5]], .cms),
                   ([[12], [80], [6]], .nhs)]
        let tables = try inputs.map { try ProtectedTable(cells: $0.cells, profile: $0.profile) }
        let withheld = tables.reduce(0) { $0 + $1.counts.suppressedCells + $1.counts.suppressedMargins }
        #expect(tables.filter { $0.counts.complementaryCells > 0 }.count > 200)
        let report = try SuppressionOracle.run(tables.enumerated().map { PolicyTables.json($1, id: $0) })
        #expect(report.checked == withheld)
        #expect(report.narrow == 0, "\(report.narrowEntries.filter { !$0.value.isEmpty })")
        // The oracle's ranges are the ones the protection computed by maximum flow.
        for (id, table) in tables.enumerated() {
            for (entry, range) in try table.feasibleRanges(of: inputs[id].cells) {
                #expect(SuppressionOracle.agrees(report.ranges[id]?[entry], range),
                        "table \(id) \(entry): oracle \(String(describing: report.ranges[id]?[entry])), flow \(range)")
            }
        }
    }

    @Test("a weakened suppression (one complementary value released after all) is reported")
    func weakened() throws {
        // The hand example: a single small cell and its three complements; releasing any complement gives it away.
        let example: [[Int64]] = [[3, 50, 60], [40, 70, 80], [90, 20, 30]]
        var weakened: [(cells: [[Int64]], table: ProtectedTable)] = []
        let protected = try ProtectedTable(cells: example, profile: .cms)
        let complement = try #require(protected.entries.first { protected[$0] == .suppressed(.complementary) })
        weakened.append((example, protected.releasing(complement, trueValue: PolicyTables.value(example, complement))))
        for (cells, profile) in PolicyTables.random(count: 150, seed: 31) {
            let table = try ProtectedTable(cells: cells, profile: profile)
            guard let first = table.entries.first(where: { table[$0] == .suppressed(.complementary) }) else { continue }
            weakened.append((cells, table.releasing(first, trueValue: PolicyTables.value(cells, first))))
        }
        let report = try SuppressionOracle.run(weakened.enumerated().map { PolicyTables.json($1.table, id: $0) })
        let narrow = try #require(report.narrowEntries[0])
        #expect(narrow.contains(TableEntry(row: 0, column: 0)), "the small cell is derivable: \(narrow)")
        var caught = 0
        for (id, (cells, table)) in weakened.enumerated() {
            let flowNarrow = Set(try table.feasibleRanges(of: cells).filter { ($0.value.width ?? .max) < table.profile.threshold }.keys)
            #expect(report.narrowEntries[id] == flowNarrow, "weakened table \(id)")
            if !flowNarrow.isEmpty { caught += 1 }
        }
        #expect(caught > weakened.count / 4, "\(caught) of \(weakened.count) weakened tables")
    }
}
