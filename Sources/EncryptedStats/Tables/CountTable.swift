import HEFiles

// Count tables: the plaintext a site encrypts and the key holder gets back.

/// A labelled table of integers (row-major): the plaintext a site encrypts and the key holder gets back. The
/// shape's fields read as the table's own (`table.rowLabels`). Fixed-point values are stored as integers times
/// 10^scale.
@dynamicMemberLookup
public struct CountTable: Sendable, Hashable {
    public var shape: TableShape
    /// `shape.valueCount` values, row by row.
    public var values: [Int64]

    public init(shape: TableShape, values: [Int64]) {
        precondition(values.count == shape.valueCount, "values must fill rows x columns")
        self.shape = shape
        self.values = values
    }

    public subscript<T>(dynamicMember path: KeyPath<TableShape, T>) -> T { shape[keyPath: path] }

    /// The schema of this table when encrypted with `layout`.
    public func schema(layout: SlotLayout) -> TableSchema { TableSchema(shape: shape, layout: layout) }

    public func value(row: Int, column: Int) -> Int64 { values[row * shape.columnLabels.count + column] }
}

extension String {
    package var trimmingASCIISpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

/// Formats a stored integer in the table's units (fixed-point values get their decimal point back).
public func formatValue(_ v: Int64, encoding: ValueEncoding) -> String {
    guard case let .fixedPoint(scale) = encoding, scale > 0 else { return String(v) }
    let digits = String(v.magnitude).leftPadded(to: scale + 1)
    let cut = digits.index(digits.endIndex, offsetBy: -scale)
    return (v < 0 ? "-" : "") + digits[..<cut] + "." + digits[cut...]
}
