// Seeded count tables for the suppression tests, and the JSON a released table is given to the oracle as.

import Foundation
import Governance

enum PolicyTables {
    /// `count` tables of 2x2 to 10x10 cells from seed `seed`, a mix of zeros, small and large counts in four
    /// styles (mostly small, mixed, a few small, large counts), alternating the cms and nhs profiles.
    static func random(count: Int, seed: UInt64) -> [(cells: [[Int64]], profile: SmallCellProfile)] {
        var random = TestBytes(state: seed)
        return (0 ..< count).map { t in
            let rows = 2 + Int(random.next() % 9), columns = 2 + Int(random.next() % 9)
            let profile: SmallCellProfile = t % 2 == 0 ? .cms : .nhs
            let (zero, small, large): (UInt64, UInt64, Int64) = switch random.next() % 4 {
            case 0: (10, 60, 60)
            case 1: (10, 30, 300)
            case 2: (5, 10, 300)
            default: (15, 20, 20000)
            }
            let cells = (0 ..< rows).map { _ in
                (0 ..< columns).map { _ -> Int64 in
                    let r = random.next() % 100
                    if r < zero { return 0 }
                    if r < zero + small { return 1 + Int64(random.next() % 12) }
                    return 11 + Int64(random.next() % UInt64(large))
                }
            }
            return (cells, profile)
        }
    }

    /// A released value for the oracle: the number, or null when withheld.
    static func json(_ value: ReleasedValue) -> Any { value.value.map { NSNumber(value: $0) } ?? NSNull() }

    /// The oracle's view of a release: only what is released.
    static func json(_ table: ProtectedTable, id: Int) -> [String: Any] {
        ["id": id, "profile": table.profile.rawValue,
         "cells": table.cells.map { $0.map(json) }, "rowTotals": table.rowTotals.map(json),
         "columnTotals": table.columnTotals.map(json), "grandTotal": json(table.grandTotal)]
    }

    /// The true table of cells and margins at `entry`.
    static func value(_ cells: [[Int64]], _ entry: TableEntry) -> Int64 {
        let rows = cells.count, columns = cells[0].count
        switch (entry.row == rows, entry.column == columns) {
        case (false, false): return cells[entry.row][entry.column]
        case (false, true): return cells[entry.row].reduce(0, +)
        case (true, false): return cells.map { $0[entry.column] }.reduce(0, +)
        case (true, true): return cells.joined().reduce(0, +)
        }
    }
}
