// Small-cell suppression with complementary suppression: what is withheld and why, rounding, and (by the same
// maximum-flow audit the protection uses) that every withheld value keeps a feasible range of the threshold.
// The independent linear-programming check is SuppressionOracleTests.

import Testing
import Governance

@Suite("Release policy: small-cell protection")
struct ProtectedTableTests {
    /// Checks the documented invariants of `table`, the protection of `cells`.
    func checkInvariants(_ cells: [[Int64]], _ table: ProtectedTable, _ note: String) throws {
        let profile = table.profile
        var counts = SuppressionCounts()
        for entry in table.entries {
            let v = PolicyTables.value(cells, entry), released = table[entry]
            let margin = entry.row == cells.count || entry.column == cells[0].count
            switch released {
            case let .value(shown):
                #expect(!profile.suppresses(v), "\(note) \(entry): \(v) shown")
                #expect(shown == profile.released(v), "\(note) \(entry)")
            case .suppressed(.primary):
                #expect(profile.suppresses(v), "\(note) \(entry): \(v) primary")
                if margin { counts.primaryMargins += 1 } else { counts.primaryCells += 1 }
            case .suppressed(.complementary):
                #expect(v > profile.threshold, "\(note) \(entry): complement \(v)")
                if margin { counts.complementaryMargins += 1 } else { counts.complementaryCells += 1 }
            }
        }
        #expect(table.counts == counts, "\(note)")
        let ranges = try table.feasibleRanges(of: cells)
        #expect(ranges.count == counts.suppressedCells + counts.suppressedMargins)
        for (entry, range) in ranges {
            let v = PolicyTables.value(cells, entry)
            #expect(range.lower <= v && range.upper.map { v <= $0 } ?? true, "\(note) \(entry): \(v) outside \(range)")
            #expect(range.width.map { $0 >= profile.threshold } ?? true, "\(note) \(entry): \(range) too narrow")
        }
    }

    @Test("random tables: small values withheld, zeros shown, every withheld value's range at least the threshold")
    func randomInvariants() throws {
        var complementary = 0
        for (i, (cells, profile)) in PolicyTables.random(count: 300, seed: 7).enumerated() {
            let table = try ProtectedTable(cells: cells, profile: profile)
            try checkInvariants(cells, table, "table \(i) \(profile)")
            complementary += table.counts.complementaryCells + table.counts.complementaryMargins
            #expect(try ProtectedTable(cells: cells, profile: profile) == table, "deterministic")
        }
        #expect(complementary > 300)
    }

    @Test("a larger table (60 x 12, a third of its cells small) is protected in reasonable time")
    func larger() throws {
        var random = TestBytes(state: 5)
        let cells = (0 ..< 60).map { _ in
            (0 ..< 12).map { _ in random.next() % 3 == 0 ? Int64(random.next() % 11) : 11 + Int64(random.next() % 400) }
        }
        let clock = ContinuousClock()
        var table: ProtectedTable?
        let elapsed = try clock.measure { table = try ProtectedTable(cells: cells, profile: .cms) }
        try checkInvariants(cells, try #require(table), "60x12")
        #expect(elapsed < .seconds(20), "\(elapsed)")
    }

    @Test("one small cell gets three complements in a rectangle of cells; margins stay released")
    func singlePrimary() throws {
        let cells: [[Int64]] = [[3, 50, 60], [40, 70, 80], [90, 20, 30]]
        let table = try ProtectedTable(cells: cells, profile: .cms)
        try checkInvariants(cells, table, "3x3")
        #expect(table.counts.primaryCells == 1 && table.counts.complementaryCells == 3)
        #expect(table.counts.suppressedMargins == 0)
        #expect(table.cells[0][0] == .suppressed(.primary))
        // Each row and column holds no withheld cell or two of them.
        for i in 0 ..< 3 {
            #expect([0, 2].contains(table.cells[i].filter(\.isSuppressed).count))
            #expect([0, 2].contains((0 ..< 3).filter { table.cells[$0][i].isSuppressed }.count))
        }
        // The cheapest rectangle (50 + 40 + 70 = 160, tied with 50 + 90 + 20 and taken first).
        #expect(table.cells[0][1] == .suppressed(.complementary) && table.cells[1][0] == .suppressed(.complementary))
        #expect(table.cells[1][1] == .suppressed(.complementary))
        #expect(table.grandTotal == .value(443))
    }

    @Test("small margins are withheld, and protected like cells")
    func smallMargins() throws {
        // Row 0 adds up to 6, column 0 to 9: both withheld, with their cells.
        let cells: [[Int64]] = [[2, 4, 0], [7, 0, 50], [0, 35, 40]]
        for profile in [SmallCellProfile.cms, .nhs] {
            let table = try ProtectedTable(cells: cells, profile: profile)
            try checkInvariants(cells, table, "margins \(profile)")
            #expect(table.rowTotals[0] == .suppressed(.primary))
            #expect(table.columnTotals[0] == (profile == .cms ? .suppressed(.primary) : .value(10)))
            #expect(table.cells[0][2] == .value(0) && table.cells[1][1] == .value(0))
        }
    }

    @Test("nhs rounds every released value to the nearest 5 and shows 0; none releases everything exactly")
    func rounding() throws {
        #expect([0, 8, 10, 12, 13, 17, 18, 1002, 1003].map(SmallCellProfile.nhs.released) == [0, 10, 10, 10, 15, 15, 20, 1000, 1005])
        #expect((1 ... 7).allSatisfy(SmallCellProfile.nhs.suppresses) && !SmallCellProfile.nhs.suppresses(8))
        #expect((1 ... 10).allSatisfy(SmallCellProfile.cms.suppresses) && !SmallCellProfile.cms.suppresses(11))
        #expect(!SmallCellProfile.cms.suppresses(0) && !SmallCellProfile.none.suppresses(1))
        let cells: [[Int64]] = [[12, 0, 33], [8, 101, 44]]
        let nhs = try ProtectedTable(cells: cells, profile: .nhs)
        #expect(nhs.cells == [[.value(10), .value(0), .value(35)], [.value(10), .value(100), .value(45)]])
        #expect(nhs.rowTotals == [.value(45), .value(155)] && nhs.columnTotals == [.value(20), .value(100), .value(75)])
        #expect(nhs.grandTotal == .value(200))
        let small: [[Int64]] = [[1, 2], [3, 0]]
        let none = try ProtectedTable(cells: small, profile: .none)
        #expect(none.cells == [[.value(1), .value(2)], [.value(3), .value(0)]] && none.grandTotal == .value(6))
        #expect(none.counts == SuppressionCounts())
        #expect(try ReleasePolicy(manifestPolicy: ["small-cells": "none"]).protect(small) == none)
    }

    @Test("one-column and one-row tables: a withheld cell's own total is withheld with it")
    func oneDimensional() throws {
        let column: [[Int64]] = [[3], [50], [60], [0], [14]]
        for profile in [SmallCellProfile.cms, .nhs] {
            let table = try ProtectedTable(cells: column, profile: profile)
            try checkInvariants(column, table, "column \(profile)")
            for i in column.indices { #expect(table.cells[i][0].isSuppressed == table.rowTotals[i].isSuppressed) }
            #expect(table.cells[0][0].isSuppressed && table.cells[3][0] == .value(0))
            // Under nhs the rounding of the other values and the total already leaves the 3 a range of 8.
            #expect(table.counts.complementaryCells == (profile == .cms ? 1 : 0), "\(table)")
            let row = try ProtectedTable(cells: [column.map { $0[0] }], profile: profile)
            try checkInvariants([column.map { $0[0] }], row, "row \(profile)")
            #expect(row.cells[0].map(\.isSuppressed) == table.cells.map { $0[0].isSuppressed })
        }
        // A single small cell is its own totals: all withheld.
        let single = try ProtectedTable(cells: [[4]], profile: .cms)
        #expect(single.cells[0][0].isSuppressed && single.grandTotal.isSuppressed && single.rowTotals[0].isSuppressed)
    }

    @Test("a table of only small values is withheld except its zeros; large totals may stay")
    func allSmall() throws {
        let cells: [[Int64]] = [[3, 4], [5, 6]]
        let table = try ProtectedTable(cells: cells, profile: .cms)
        try checkInvariants(cells, table, "all small")
        let allWithheld = table.cells.joined().allSatisfy { $0.isSuppressed }
        #expect(allWithheld)
    }

    @Test("tables that are not of counts are refused, saying where")
    func invalid() throws {
        #expect(throws: GovernanceError.countTableInvalid(reason: "the table has no cells")) {
            try ProtectedTable(cells: [], profile: .cms)
        }
        #expect(throws: GovernanceError.countTableInvalid(reason: "the table has no cells")) {
            try ProtectedTable(cells: [[]], profile: .cms)
        }
        #expect(throws: GovernanceError.countTableInvalid(reason: "row 2 has 1 values, row 1 has 2")) {
            try ProtectedTable(cells: [[1, 2], [3]], profile: .cms)
        }
        #expect(throws: GovernanceError.countTableInvalid(reason: "row 1, column 2: -1 is not a count")) {
            try ProtectedTable(cells: [[1, -1]], profile: .nhs)
        }
        #expect(throws: GovernanceError.countTableInvalid(reason: "the grand total exceeds 2^62")) {
            try ProtectedTable(cells: [[Int64.max / 4, Int64.max / 4, 2]], profile: .cms)
        }
    }
}
