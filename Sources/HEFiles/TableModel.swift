// The one table model: what a table is (its shape: kind, labels, per-row metadata, value encoding), used by the
// plaintext table a site encrypts, the schema in every encrypted file's header (shape + slot layout) and the
// decrypted totals the key holder gets back (schema + values).

/// What the rows of an encrypted table are.
public enum TableKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// A count table read from CSV: row labels x column labels.
    case countTable = 1
    /// Per-variant genotype counts: one row per panel variant (metadata CHR, POS, REF, ALT) and the twelve columns
    /// of ``TableShape/gwasColumnLabels``.
    case gwasGenotypeCounts = 2
    /// Per-variant Cochran-Mantel-Haenszel terms of one site's (or the sum of several sites') allelic 2 x 2 tables:
    /// one row per panel variant (metadata CHR, POS, REF, ALT), the columns of ``TableShape/gwasMantelHaenszelColumnLabels``
    /// in fixed point (``TableShape/gwasMantelHaenszelScale`` decimal places).
    case gwasMantelHaenszel = 3
    /// Per-variant inverse-variance sums of one site's (or several sites') regression results: one row per panel
    /// variant (metadata CHR, POS, REF, ALT), the columns of ``TableShape/gwasMetaAnalysisColumnLabels`` in fixed
    /// point (``TableShape/gwasMetaAnalysisScale`` decimal places).
    case gwasMetaAnalysis = 4

    public var description: String {
        switch self {
        case .countTable: "countTable"
        case .gwasGenotypeCounts: "gwasGenotypeCounts"
        case .gwasMantelHaenszel: "gwasMantelHaenszel"
        case .gwasMetaAnalysis: "gwasMetaAnalysis"
        }
    }

    /// Whether rows are panel variants (metadata CHR, POS, REF, ALT): the tables `gwas encrypt` writes.
    public var isGwas: Bool { self != .countTable }
}

/// How the integers in the slots are to be read.
public enum ValueEncoding: Sendable, Hashable, CustomStringConvertible {
    /// Non-negative integer counts.
    case count
    /// Signed integers.
    case signedInteger
    /// Decimals stored as integers times 10^scale.
    case fixedPoint(scale: Int)

    /// Largest supported fixed-point scale (10^18 still fits an Int64).
    public static let maxScale = 18

    /// Decimal places of a stored integer (0 unless fixed-point).
    public var scale: Int {
        if case let .fixedPoint(scale) = self { return scale }
        return 0
    }

    /// 10^scale: one table unit in stored integers (1 unless fixed-point).
    public var scaleFactor: Int64 {
        var f: Int64 = 1
        for _ in 0 ..< scale { f *= 10 }
        return f
    }

    /// The bound on stored integers for a largest absolute value of `maxValue` in table units (nil when it does
    /// not fit an Int64).
    public func storedBound(maxValue: UInt64) -> UInt64? {
        let (b, overflow) = maxValue.multipliedReportingOverflow(by: UInt64(scaleFactor))
        return overflow || b > UInt64(Int64.max) ? nil : b
    }

    public var description: String {
        switch self {
        case .count: "count"
        case .signedInteger: "signed integer"
        case let .fixedPoint(scale): "fixed-point decimal, scale \(scale) (stored as value x 10^\(scale))"
        }
    }
}

/// How the values of a table are laid out in ciphertexts.
public struct SlotLayout: Sendable, Hashable, CustomStringConvertible {
    /// Values per ciphertext (Paillier: packed slots; BFV: batching slots).
    public var slotsPerCiphertext: Int
    /// Width of one packed slot in bits (Paillier); 0 when slots are batching slots modulo t (BFV).
    public var slotBits: Int
    /// Largest absolute value a slot can hold after all additions and still decrypt correctly.
    public var slotCapacity: UInt64
    /// Largest number of contributions that may be summed (BFV: the noise bound); 0 when only the value
    /// bound limits sums (Paillier).
    public var maxContributions: UInt64

    public init(slotsPerCiphertext: Int, slotBits: Int, slotCapacity: UInt64, maxContributions: UInt64 = 0) {
        self.slotsPerCiphertext = slotsPerCiphertext
        self.slotBits = slotBits
        self.slotCapacity = slotCapacity
        self.maxContributions = maxContributions
    }

    /// Whether `count` contributions may be summed under this layout.
    public func allows(contributions count: Int) -> Bool {
        maxContributions == 0 || UInt64(count) <= maxContributions
    }

    /// Number of ciphertexts a vector of `valueCount` values occupies (values in row-major order).
    public func ciphertextCount(forValues valueCount: Int) -> Int {
        (valueCount + slotsPerCiphertext - 1) / slotsPerCiphertext
    }

    /// The slots of one ciphertext for people: `127 packed slots of 24 bits` or `4096 batching slots`.
    public var slotsDescription: String {
        slotBits > 0 ? "\(slotsPerCiphertext) packed slots of \(slotBits) bits" : "\(slotsPerCiphertext) batching slots"
    }

    /// The layout for people: `127 packed slots of 24 bits, slot capacity 16777215`, `4096 batching slots, ...`.
    public var description: String {
        slotsDescription + ", slot capacity \(slotCapacity)"
            + (maxContributions > 0 ? ", at most \(maxContributions) contributions" : "")
    }
}

/// What a table is, independent of its values and of how it is encrypted: kind, labels, per-row metadata and the
/// encoding of its values.
public struct TableShape: Sendable, Hashable {
    public var kind: TableKind
    /// The first header cell of the CSV (the name of the label column).
    public var rowHeader: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// Names of per-row metadata fields (GWAS: ``gwasMetadataFields``); empty for count tables.
    public var metadataFields: [String]
    /// One entry per row with one value per metadata field (empty when there are no metadata fields).
    public var rowMetadata: [[String]]
    public var encoding: ValueEncoding

    /// Metadata fields of a `gwasGenotypeCounts` table.
    public static let gwasMetadataFields = ["CHR", "POS", "REF", "ALT"]
    /// Column labels of a `gwasGenotypeCounts` table, in wire order: per phenotype group (case, control, unknown)
    /// the counts of hom-REF, het, hom-ALT and missing calls.
    public static let gwasColumnLabels: [String] = ["case", "control", "unknown"].flatMap { group in
        ["homRef", "het", "homAlt", "missing"].map { "\(group)_\($0)" }
    }

    /// Column labels of a `gwasMantelHaenszel` table, in wire order, oriented to the panel (ALT counted as A1):
    /// the allele counts of all samples, of cases and of controls (REF, ALT; for the minor allele, MAF and the
    /// release policy), then the Cochran-Mantel-Haenszel terms of the site's allelic table a = case ALT,
    /// b = case REF, c = control ALT, d = control REF, n = a + b + c + d, taken only when the site has a called
    /// case allele and a called control allele: a + b, a, E = (a + b)(a + c) / n,
    /// V = (a + b)(c + d)(a + c)(b + d) / (n^2 (n - 1)), R = a d / n, S = b c / n, and the Robins-Breslow-Greenland
    /// terms R (a + d) / n, S (b + c) / n, ((a + d) S + (b + c) R) / n (docs/STATISTICS.md).
    public static let gwasMantelHaenszelColumnLabels = [
        "all_ref", "all_alt", "case_ref", "case_alt", "control_ref", "control_alt",
        "mh_case_alleles", "mh_case_alt", "mh_expected", "mh_variance", "mh_r", "mh_s", "mh_rbg_pr", "mh_rbg_qs",
        "mh_rbg_ps_qr",
    ]
    /// Decimal places of every value of a `gwasMantelHaenszel` table: each site's terms are rounded to the nearest
    /// multiple of 10^-9 (the allele counts are integers and exact).
    public static let gwasMantelHaenszelScale = 9

    /// Column labels of a `gwasMetaAnalysis` table, in wire order: the number of studies with an estimate (1 or 0
    /// per site), w = 1 / SE^2, w x beta and w x beta^2, with beta the effect of the panel's ALT allele (a site's
    /// estimate for REF is negated): `w_beta` for linear results (BETA), `w_logor` for logistic ones (beta = ln OR),
    /// so that the two cannot be summed together (docs/STATISTICS.md).
    public static func gwasMetaAnalysisColumnLabels(oddsRatios: Bool) -> [String] {
        oddsRatios ? ["studies", "w", "w_logor", "w_logor2"] : ["studies", "w", "w_beta", "w_beta2"]
    }
    /// Decimal places of every value of a `gwasMetaAnalysis` table (each site's values rounded to 10^-6).
    public static let gwasMetaAnalysisScale = 6

    public init(kind: TableKind = .countTable, rowHeader: String, rowLabels: [String], columnLabels: [String],
                metadataFields: [String] = [], rowMetadata: [[String]] = [], encoding: ValueEncoding) {
        precondition(metadataFields.isEmpty ? rowMetadata.isEmpty : rowMetadata.count == rowLabels.count,
                     "row metadata must have one entry per row")
        self.kind = kind
        self.rowHeader = rowHeader
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.metadataFields = metadataFields
        self.rowMetadata = rowMetadata
        self.encoding = encoding
    }

    /// Rows x columns: the number of values (row-major).
    public var valueCount: Int { rowLabels.count * columnLabels.count }

    /// The first difference from `other`, described for a person (nil when equal).
    public func firstDifference(from other: TableShape) -> String? {
        if kind != other.kind { return "table kinds differ (\(kind) vs \(other.kind))" }
        if encoding != other.encoding { return "value encodings differ (\(encoding) vs \(other.encoding))" }
        if rowHeader != other.rowHeader {
            return "label column is named '\(rowHeader)' vs '\(other.rowHeader)'"
        }
        if let d = Self.firstDifference("column", columnLabels, other.columnLabels) { return d }
        if let d = Self.firstDifference("row", rowLabels, other.rowLabels) { return d }
        if metadataFields != other.metadataFields {
            return "row metadata fields differ (\(metadataFields) vs \(other.metadataFields))"
        }
        for (i, (a, b)) in zip(rowMetadata, other.rowMetadata).enumerated() where a != b {
            return "metadata of row \(i + 1) ('\(rowLabels[i])') differs (\(a) vs \(b))"
        }
        return nil
    }

    private static func firstDifference(_ what: String, _ a: [String], _ b: [String]) -> String? {
        for (i, (x, y)) in zip(a, b).enumerated() where x != y {
            return "\(what) label \(i + 1) differs: '\(x)' vs '\(y)'"
        }
        if a.count != b.count {
            let longer = a.count > b.count ? a : b
            return "\(a.count) vs \(b.count) \(what)s; first extra \(what) label: '\(longer[min(a.count, b.count)])'"
        }
        return nil
    }
}

/// The shape and slot layout of an encrypted table, as every encrypted file's header carries it. Two files can be
/// summed only when their schemas are equal. The shape's fields read as the schema's own (`schema.rowLabels`).
@dynamicMemberLookup
public struct TableSchema: Sendable, Hashable {
    public var shape: TableShape
    public var layout: SlotLayout

    public init(shape: TableShape, layout: SlotLayout) {
        self.shape = shape
        self.layout = layout
    }

    public subscript<T>(dynamicMember path: WritableKeyPath<TableShape, T>) -> T {
        get { shape[keyPath: path] }
        set { shape[keyPath: path] = newValue }
    }

    public subscript<T>(dynamicMember path: KeyPath<TableShape, T>) -> T { shape[keyPath: path] }

    /// The first difference from `other`, described for a person (nil when equal).
    public func firstDifference(from other: TableSchema) -> String? {
        if let d = shape.firstDifference(from: other.shape) { return d }
        if layout != other.layout { return "slot layouts differ (\(layout) vs \(other.layout))" }
        return nil
    }
}
