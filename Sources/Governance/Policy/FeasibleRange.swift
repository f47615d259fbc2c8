// What an observer can derive about a withheld value of a released table: its feasible range given every released
// cell, margin and total and non-negativity (docs/GOVERNANCE.md, "Complementary suppression").
//
// A table with its row totals, column totals and grand total is a circulation on a bipartite graph: a node per
// row (and one for the row of column totals), a node per column (and one for the column of row totals), and one
// arc per entry of the (rows + 1) x (columns + 1) table of cells and margins:
//
//     cell (i, j)        row i          -> column j         (row i sends its cells to the columns)
//     row total i        totals column  -> row i
//     column total j     column j       -> totals row
//     grand total        totals row     -> totals column
//
// Flow conservation at every node is exactly "each row and column adds up to its total, and the margins add up to
// the grand total". What is released bounds each arc: an exact value fixes it, a value rounded to r lies in
// [r - 2, r + 2], a withheld value lies in [0, infinity). Because the constraint matrix is a network matrix, the
// linear-programming range of an entry over the reals has integer ends, and it is found with two maximum flows
// in the residual graph of the true table (which is one feasible circulation): the largest increase of an arc
// u -> v is the largest flow from v back to u that avoids the arc, and its largest decrease the largest flow from
// u to v.

/// A position in the table of cells and margins: the cells, then the row totals (column index `columns`), the
/// column totals (row index `rows`) and the grand total (`rows`, `columns`).
public struct TableEntry: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 0 ..< rows for cells and row totals; `rows` for column totals and the grand total.
    public let row: Int
    /// 0 ..< columns for cells and column totals; `columns` for row totals and the grand total.
    public let column: Int

    public init(row: Int, column: Int) { self.row = row; self.column = column }

    public static func < (a: TableEntry, b: TableEntry) -> Bool { (a.row, a.column) < (b.row, b.column) }

    /// Rows and columns counted from 1, as in messages.
    public var description: String { "(\(row + 1), \(column + 1))" }
}

/// The feasible interval of one withheld value.
public struct FeasibleRange: Sendable, Hashable, CustomStringConvertible {
    public let lower: Int64
    /// nil when the value is unbounded above.
    public let upper: Int64?

    /// `upper - lower`; nil when unbounded.
    public var width: Int64? { upper.map { $0 - lower } }

    public var description: String { "[\(lower), \(upper.map(String.init) ?? "unbounded")]" }
}

/// The circulation of a table of cells and margins with the bounds its release puts on every entry.
struct TableCirculation {
    /// Stands for "no upper bound"; larger than any table total this code accepts (checked on input).
    static let unbounded: Int64 = 1 << 62

    let rows: Int
    let columns: Int
    /// Per entry, row-major over (rows + 1) x (columns + 1): how much its flow may still rise and fall.
    private var rise: [Int64]
    private var fall: [Int64]

    var width: Int { columns + 1 }

    /// `values` is the true table of cells and margins (row-major, (rows + 1) x (columns + 1)); `withheld` marks
    /// the entries not released; released entries are bounded as `profile` releases them.
    init(rows: Int, columns: Int, values: [Int64], withheld: [Bool], profile: SmallCellProfile) {
        self.rows = rows
        self.columns = columns
        rise = [Int64](repeating: 0, count: values.count)
        fall = [Int64](repeating: 0, count: values.count)
        let slack = profile.roundingSlack
        for k in values.indices {
            let v = values[k]
            if withheld[k] {
                rise[k] = Self.unbounded
                fall[k] = v
            } else if slack > 0, v != 0 {
                let r = profile.released(v)
                rise[k] = r + slack - v
                fall[k] = v - max(0, r - slack)
            }
        }
    }

    func index(_ e: TableEntry) -> Int { e.row * width + e.column }

    /// Whether the entry's arc runs from its row node to its column node (cells and the grand total) rather than
    /// the other way (row and column totals).
    private func runsRowToColumn(_ row: Int, _ column: Int) -> Bool { (row < rows) == (column < columns) }

    // Nodes: 0 ... rows are the row nodes, rows + 1 + j the column nodes.
    private var nodeCount: Int { rows + columns + 2 }

    /// Residual capacity of the arc (or reverse arc) between row node `row` and column node `column`, in the
    /// direction row -> column when `forward`.
    private func residual(_ flow: [Int64], _ flowFall: [Int64], row: Int, column: Int, forward: Bool) -> Int64 {
        let k = row * width + column
        return forward == runsRowToColumn(row, column) ? flow[k] : flowFall[k]
    }

    /// The largest flow, at most `limit`, from node `source` to node `sink` in the residual graph without the arc
    /// of entry `excluded` (Edmonds-Karp, stopping at `limit`).
    private func maxFlow(from source: Int, to sink: Int, excluding excluded: Int, limit: Int64) -> Int64 {
        guard limit > 0 else { return 0 }
        var up = rise, down = fall
        up[excluded] = 0
        down[excluded] = 0
        var total: Int64 = 0
        var parent = [Int](repeating: -1, count: nodeCount)
        var queue = [Int]()
        queue.reserveCapacity(nodeCount)
        while total < limit {
            for i in parent.indices { parent[i] = -1 }
            parent[source] = source
            queue.removeAll(keepingCapacity: true)
            queue.append(source)
            var head = 0
            search: while head < queue.count {
                let u = queue[head]
                head += 1
                if u <= rows {
                    for j in 0 ... columns where parent[rows + 1 + j] < 0 {
                        if residual(up, down, row: u, column: j, forward: true) > 0 {
                            parent[rows + 1 + j] = u
                            if rows + 1 + j == sink { break search }
                            queue.append(rows + 1 + j)
                        }
                    }
                } else {
                    let j = u - rows - 1
                    for i in 0 ... rows where parent[i] < 0 {
                        if residual(up, down, row: i, column: j, forward: false) > 0 {
                            parent[i] = u
                            if i == sink { break search }
                            queue.append(i)
                        }
                    }
                }
            }
            guard parent[sink] >= 0 else { break }
            var bottleneck = limit - total
            var v = sink
            while v != source {
                let u = parent[v]
                let (row, column, forward) = u <= rows ? (u, v - rows - 1, true) : (v, u - rows - 1, false)
                bottleneck = min(bottleneck, residual(up, down, row: row, column: column, forward: forward))
                v = u
            }
            v = sink
            while v != source {
                let u = parent[v]
                let (row, column, forward) = u <= rows ? (u, v - rows - 1, true) : (v, u - rows - 1, false)
                let k = row * width + column
                // Pushing along the arc's own direction raises its flow; against it lowers it.
                if forward == runsRowToColumn(row, column) {
                    if up[k] < Self.unbounded { up[k] -= bottleneck }
                    down[k] += bottleneck
                } else {
                    down[k] -= bottleneck
                    if up[k] < Self.unbounded { up[k] += bottleneck }
                }
                v = u
            }
            total += bottleneck
        }
        return total
    }

    /// The arc of entry `e`: its tail and head nodes.
    private func ends(_ e: TableEntry) -> (tail: Int, head: Int) {
        let rowNode = e.row, columnNode = rows + 1 + e.column
        return runsRowToColumn(e.row, e.column) ? (rowNode, columnNode) : (columnNode, rowNode)
    }

    /// How far entry `e` can rise and fall over all tables consistent with the release, each found up to `limit`.
    func movement(of e: TableEntry, limit: Int64 = unbounded) -> (rise: Int64, fall: Int64) {
        let k = index(e), (tail, head) = ends(e)
        let up = maxFlow(from: head, to: tail, excluding: k, limit: min(rise[k], limit))
        let down = maxFlow(from: tail, to: head, excluding: k, limit: min(fall[k], limit))
        return (up, down)
    }

    /// Whether entry `e`'s feasible range is at least `width` wide.
    func isProtected(_ e: TableEntry, width: Int64) -> Bool {
        let k = index(e), (tail, head) = ends(e)
        let up = maxFlow(from: head, to: tail, excluding: k, limit: min(rise[k], width))
        if up >= width { return true }
        return up + maxFlow(from: tail, to: head, excluding: k, limit: min(fall[k], width - up)) >= width
    }

    /// The exact feasible range of entry `e` whose true value is `value`.
    func range(of e: TableEntry, value: Int64) -> FeasibleRange {
        let (up, down) = movement(of: e)
        return FeasibleRange(lower: value - down, upper: up >= Self.unbounded ? nil : value + up)
    }

    /// Whether the arc of entry (`row`, `column`) rises when a unit circulates the rectangle that starts at
    /// (`anchorRow`, `anchorColumn`) in its arc's direction: along the rectangle, entries in the anchor's row or
    /// column move against it, the diagonal one with it; an arc's own direction flips that for margins.
    func risesWithAnchor(row: Int, column: Int, anchorRow: Int, anchorColumn: Int) -> Bool {
        let traversedForward = (row == anchorRow) == (column == anchorColumn)
        let anchorSign = runsRowToColumn(anchorRow, anchorColumn)
        return (traversedForward == runsRowToColumn(row, column)) == anchorSign
    }
}
