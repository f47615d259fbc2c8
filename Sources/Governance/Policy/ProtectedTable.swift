// Small-cell suppression with complementary suppression for a count table released with its row totals, column
// totals and grand total (docs/GOVERNANCE.md, "Complementary suppression").

/// Why a value is withheld.
public enum SuppressionReason: String, Sendable, Hashable {
    /// The value itself is small (1 to the profile's threshold).
    case primary
    /// The value is withheld so that a small value cannot be derived from what is released.
    case complementary
}

/// One value of a protected table as it may be released.
public enum ReleasedValue: Sendable, Hashable, CustomStringConvertible {
    /// Released (rounded to the nearest 5 under ``SmallCellProfile/nhs``).
    case value(Int64)
    /// Withheld. Outputs must show every withheld value alike: the reason is for the decryption log only, since
    /// telling primary from complementary suppressions would say which values are small.
    case suppressed(SuppressionReason)

    /// The released value; nil when withheld.
    public var value: Int64? {
        if case let .value(v) = self { return v }
        return nil
    }

    public var isSuppressed: Bool { value == nil }

    public var description: String {
        switch self {
        case let .value(v): String(v)
        case let .suppressed(reason): "suppressed (\(reason.rawValue))"
        }
    }
}

/// How many values a protection withheld, for the decryption log.
public struct SuppressionCounts: Sendable, Hashable {
    public var primaryCells = 0
    public var complementaryCells = 0
    /// Row totals, column totals and the grand total.
    public var primaryMargins = 0
    public var complementaryMargins = 0

    public init() {}

    public var suppressedCells: Int { primaryCells + complementaryCells }
    public var suppressedMargins: Int { primaryMargins + complementaryMargins }
}

/// A count table with its row totals, column totals and grand total as a small-cell profile releases them.
///
/// Under ``SmallCellProfile/cms`` and ``SmallCellProfile/nhs`` every value (cell or margin) from 1 to the
/// profile's threshold is withheld (primary suppression), and further values are withheld (complementary
/// suppression) until, given everything released and that counts are non-negative, every withheld value's
/// feasible range is at least the threshold wide. Zeros are shown; under `nhs` every released value is rounded to
/// the nearest 5. A one-column table's row totals are its cells (and a one-row table's column totals): they are
/// withheld with them.
public struct ProtectedTable: Sendable, Hashable {
    public let profile: SmallCellProfile
    public let cells: [[ReleasedValue]]
    public let rowTotals: [ReleasedValue]
    public let columnTotals: [ReleasedValue]
    public let grandTotal: ReleasedValue
    /// What was withheld.
    public let counts: SuppressionCounts

    public var rowCount: Int { cells.count }
    public var columnCount: Int { columnTotals.count }

    /// Protects `cells` (rows of non-negative counts, all of one length, at least one row and one column) under
    /// `profile`. Deterministic: the same table gives the same result.
    public init(cells: [[Int64]], profile: SmallCellProfile) throws(GovernanceError) {
        let table = try Augmented(cells)
        var status = table.values.map { profile.suppresses($0) ? SuppressionReason.primary : nil }
        if profile != .none { table.complement(&status, profile: profile) }
        self.init(table: table, status: status, profile: profile)
    }

    private init(table: Augmented, status: [SuppressionReason?], profile: SmallCellProfile) {
        func released(_ k: Int) -> ReleasedValue {
            status[k].map(ReleasedValue.suppressed) ?? .value(profile.released(table.values[k]))
        }
        let w = table.columns + 1
        self.profile = profile
        cells = (0 ..< table.rows).map { i in (0 ..< table.columns).map { j in released(i * w + j) } }
        rowTotals = (0 ..< table.rows).map { i in released(i * w + table.columns) }
        columnTotals = (0 ..< table.columns).map { j in released(table.rows * w + j) }
        grandTotal = released(table.rows * w + table.columns)
        var counts = SuppressionCounts()
        for (k, reason) in status.enumerated() {
            let margin = k / w == table.rows || k % w == table.columns
            switch (reason, margin) {
            case (.primary, false): counts.primaryCells += 1
            case (.complementary, false): counts.complementaryCells += 1
            case (.primary, true): counts.primaryMargins += 1
            case (.complementary, true): counts.complementaryMargins += 1
            case (nil, _): break
            }
        }
        self.counts = counts
    }

    /// The value at `entry` (cells, then row totals at column `columnCount`, column totals at row `rowCount`).
    public subscript(entry: TableEntry) -> ReleasedValue {
        switch (entry.row == rowCount, entry.column == columnCount) {
        case (false, false): cells[entry.row][entry.column]
        case (false, true): rowTotals[entry.row]
        case (true, false): columnTotals[entry.column]
        case (true, true): grandTotal
        }
    }

    /// Every entry, cells row by row, then row totals, column totals and the grand total.
    public var entries: [TableEntry] {
        (0 ..< rowCount).flatMap { i in (0 ..< columnCount).map { TableEntry(row: i, column: $0) } }
            + (0 ..< rowCount).map { TableEntry(row: $0, column: columnCount) }
            + (0 ... columnCount).map { TableEntry(row: rowCount, column: $0) }
    }

    /// The feasible range of every withheld value of this release of `cells` (the table it was made from): what
    /// an observer of the release can derive, by the same circulation the protection checks.
    package func feasibleRanges(of cells: [[Int64]]) throws(GovernanceError) -> [TableEntry: FeasibleRange] {
        let table = try Augmented(cells)
        let withheld = (0 ..< table.values.count).map { k in
            self[TableEntry(row: k / (table.columns + 1), column: k % (table.columns + 1))].isSuppressed
        }
        let circulation = TableCirculation(rows: table.rows, columns: table.columns, values: table.values,
                                           withheld: withheld, profile: profile)
        var ranges: [TableEntry: FeasibleRange] = [:]
        for (k, isWithheld) in withheld.enumerated() where isWithheld {
            let e = TableEntry(row: k / (table.columns + 1), column: k % (table.columns + 1))
            ranges[e] = circulation.range(of: e, value: table.values[k])
        }
        return ranges
    }

    /// This release with `entry` released after all (as the profile would release `trueValue`): a deliberately
    /// weakened release, for checking that a weakening is detected.
    package func releasing(_ entry: TableEntry, trueValue: Int64) -> ProtectedTable {
        var cells = cells, rowTotals = rowTotals, columnTotals = columnTotals, grandTotal = grandTotal
        let value = ReleasedValue.value(profile.released(trueValue))
        switch (entry.row == rowCount, entry.column == columnCount) {
        case (false, false): cells[entry.row][entry.column] = value
        case (false, true): rowTotals[entry.row] = value
        case (true, false): columnTotals[entry.column] = value
        case (true, true): grandTotal = value
        }
        return ProtectedTable(profile: profile, cells: cells, rowTotals: rowTotals, columnTotals: columnTotals,
                              grandTotal: grandTotal, counts: counts)
    }

    private init(profile: SmallCellProfile, cells: [[ReleasedValue]], rowTotals: [ReleasedValue],
                 columnTotals: [ReleasedValue], grandTotal: ReleasedValue, counts: SuppressionCounts) {
        self.profile = profile
        self.cells = cells
        self.rowTotals = rowTotals
        self.columnTotals = columnTotals
        self.grandTotal = grandTotal
        self.counts = counts
    }
}

extension ReleasePolicy {
    /// `cells` protected under this policy's small-cell profile.
    public func protect(_ cells: [[Int64]]) throws(GovernanceError) -> ProtectedTable {
        try ProtectedTable(cells: cells, profile: smallCells)
    }
}

/// The cells with their margins: (rows + 1) x (columns + 1), row-major; row totals in the last column, column
/// totals in the last row, the grand total last.
private struct Augmented {
    let rows: Int
    let columns: Int
    let values: [Int64]

    init(_ cells: [[Int64]]) throws(GovernanceError) {
        guard let first = cells.first, !first.isEmpty else {
            throw .countTableInvalid(reason: "the table has no cells")
        }
        rows = cells.count
        columns = first.count
        let w = columns + 1
        var values = [Int64](repeating: 0, count: (rows + 1) * w)
        let limit = TableCirculation.unbounded
        for (i, row) in cells.enumerated() {
            guard row.count == columns else {
                throw .countTableInvalid(reason: "row \(i + 1) has \(row.count) values, row 1 has \(columns)")
            }
            for (j, v) in row.enumerated() {
                guard v >= 0 else { throw .countTableInvalid(reason: "row \(i + 1), column \(j + 1): \(v) is not a count") }
                values[i * w + j] = v
                // Every partial sum stays below 2^62, so no sum below overflows.
                values[i * w + columns] += v
                values[rows * w + j] += v
                values[rows * w + columns] += v
                guard values[rows * w + columns] < limit else {
                    throw .countTableInvalid(reason: "the grand total exceeds 2^62")
                }
            }
        }
        self.values = values
    }

    /// Adds complementary suppressions to `status` until every withheld value is protected (see
    /// ``ProtectedTable``): each withheld entry in turn (cells row by row, then margins) is checked by maximum
    /// flow; one that is not gets a rectangle of withheld entries through it (its row, its column and the entry
    /// where they cross) whose own circulation moves it by at least the threshold; of those, the rectangle that
    /// withholds the fewest margins, then the fewest new entries, then the least total count, then the first.
    func complement(_ status: inout [SuppressionReason?], profile: SmallCellProfile) {
        let w = columns + 1
        let threshold = profile.threshold
        var changed = true
        var verified = [Bool](repeating: false, count: values.count)
        // Withholding more only widens feasible ranges, so a protected entry stays protected: one pass without a
        // repair proves them all.
        while changed {
            changed = false
            var circulation = TableCirculation(rows: rows, columns: columns, values: values,
                                               withheld: status.map { $0 != nil }, profile: profile)
            for k in order where status[k] != nil && !verified[k] {
                let e = TableEntry(row: k / w, column: k % w)
                if circulation.isProtected(e, width: threshold) {
                    verified[k] = true
                    continue
                }
                // The fallback is never taken (a withheld entry is non-zero, so its row total, column total and
                // the grand total form a rectangle that lets it rise without bound); it keeps the loop finite anyway.
                let current = status
                let added: [Int] = rectangle(through: e, status: current, circulation: circulation, threshold: threshold)
                    ?? values.indices.filter { current[$0] == nil && values[$0] != 0 }
                for n in added { status[n] = .complementary }
                changed = true
                circulation = TableCirculation(rows: rows, columns: columns, values: values,
                                               withheld: status.map { $0 != nil }, profile: profile)
            }
        }
    }

    /// Entry indices in checking order: cells row by row, then row totals, column totals, the grand total.
    private var order: [Int] {
        let w = columns + 1
        return (0 ..< rows).flatMap { i in (0 ..< columns).map { i * w + $0 } }
            + (0 ..< rows).map { $0 * w + columns } + (0 ... columns).map { rows * w + $0 }
    }

    /// The entries to withhold so that `e` lies on a rectangle of withheld entries that moves it by at least
    /// `threshold`; nil when there is none.
    private func rectangle(through e: TableEntry, status: [SuppressionReason?], circulation: TableCirculation,
                           threshold: Int64) -> [Int]? {
        let w = columns + 1
        let unbounded = TableCirculation.unbounded
        var best: (key: (Int, Int, Int64, Int, Int), added: [Int])?
        for p in 0 ... rows where p != e.row {
            for q in 0 ... columns where q != e.column {
                var added: [Int] = []
                var margins = 0
                var cost: Int64 = 0
                // How far the rectangle lets e rise (bounded by the entries that fall meanwhile) and fall.
                var rise = unbounded, fall = values[e.row * w + e.column]
                var usable = true
                for (r, c) in [(e.row, q), (p, e.column), (p, q)] {
                    let k = r * w + c, v = values[k]
                    if status[k] == nil {
                        // A zero is shown, so it cannot move.
                        guard v != 0 else { usable = false; break }
                        added.append(k)
                        cost += v
                        if r == rows || c == columns { margins += 1 }
                    }
                    if circulation.risesWithAnchor(row: r, column: c, anchorRow: e.row, anchorColumn: e.column) {
                        fall = min(fall, v)
                    } else {
                        rise = min(rise, v)
                    }
                }
                guard usable, rise >= threshold - fall else { continue }
                let key = (margins, added.count, cost, p, q)
                if best == nil || key < best!.key { best = (key, added) }
            }
        }
        return best?.added
    }
}
