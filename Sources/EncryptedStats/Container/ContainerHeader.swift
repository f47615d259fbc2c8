import Crypto

// The header of the one container format used for keys, site files and aggregates (docs/FORMAT.md).

/// The homomorphic scheme a container belongs to.
public enum SchemeID: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case paillier = 1
    case bfv = 2

    public var description: String {
        switch self {
        case .paillier: "paillier"
        case .bfv: "bfv"
        }
    }

    public init?(name: String) {
        guard let s = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = s
    }
}

/// What a container holds.
public enum ContentKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case publicKey = 1
    case secretKey = 2
    /// One site's encrypted table (exactly one contributor).
    case siteTable = 3
    /// The encrypted sum of one or more site tables.
    case aggregate = 4

    public var description: String {
        switch self {
        case .publicKey: "a public key"
        case .secretKey: "a secret key"
        case .siteTable: "an encrypted site table"
        case .aggregate: "an encrypted aggregate"
        }
    }

    /// Site tables and aggregates carry a schema and ciphertexts; keys carry key material.
    public var isEncryptedTable: Bool { self == .siteTable || self == .aggregate }
}

/// A SHA-256 fingerprint (of scheme parameters or of a public key).
public struct Fingerprint: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    package static let byteCount = 32
    package static let zero = Fingerprint(unchecked: [UInt8](repeating: 0, count: byteCount))

    package init(unchecked bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount)
        self.bytes = bytes
    }

    /// The SHA-256 of `data`.
    public init(sha256Of data: some Collection<UInt8>) {
        self.bytes = Array(SHA256.hash(data: Array(data)))
    }

    /// Lowercase hex of all 32 bytes.
    public var hex: String { bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined() }

    /// Hex in groups of four, as printed for people to compare over the phone.
    public var description: String {
        let h = hex
        return stride(from: 0, to: h.count, by: 4).map { i in
            let a = h.index(h.startIndex, offsetBy: i)
            return String(h[a ..< h.index(a, offsetBy: 4)])
        }.joined(separator: " ")
    }
}

extension String {
    package func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// What the rows of an encrypted table are.
public enum TableKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// A count table read from CSV: row labels x column labels.
    case countTable = 1
    /// Per-variant genotype counts: one row per panel variant (metadata CHR, POS, REF, ALT), the columns in the
    /// wire order of `VariantCounts.slots`.
    case gwasGenotypeCounts = 2

    public var description: String {
        switch self {
        case .countTable: "countTable"
        case .gwasGenotypeCounts: "gwasGenotypeCounts"
        }
    }
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

    public var description: String {
        switch self {
        case .count: "count"
        case .signedInteger: "signed integer"
        case let .fixedPoint(scale): "fixed-point decimal, scale \(scale) (stored as value x 10^\(scale))"
        }
    }
}

/// How the values of a table are laid out in ciphertexts.
public struct SlotLayout: Sendable, Hashable {
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
}

/// The labels, dimensions, value encoding and slot layout of an encrypted table. Two files can be summed only
/// when their schemas are equal.
public struct TableSchema: Sendable, Hashable {
    public var kind: TableKind
    /// The first header cell of the CSV (the name of the label column).
    public var rowHeader: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// Names of per-row metadata fields (for GWAS: `CHR`, `POS`, `REF`, `ALT`); empty for count tables.
    public var metadataFields: [String]
    /// One entry per row, each with one value per metadata field.
    public var rowMetadata: [[String]]
    public var encoding: ValueEncoding
    public var layout: SlotLayout

    public init(kind: TableKind = .countTable, rowHeader: String, rowLabels: [String], columnLabels: [String],
                metadataFields: [String] = [], rowMetadata: [[String]] = [], encoding: ValueEncoding,
                layout: SlotLayout) {
        self.kind = kind
        self.rowHeader = rowHeader
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.metadataFields = metadataFields
        self.rowMetadata = rowMetadata
        self.encoding = encoding
        self.layout = layout
    }

    /// Rows x columns: the length of the encrypted vector (row-major).
    public var valueCount: Int { rowLabels.count * columnLabels.count }

    /// The first difference from `other`, described for a person (nil when equal).
    public func firstDifference(from other: TableSchema) -> String? {
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
        if layout != other.layout {
            return "slot layouts differ (\(layout.slotsPerCiphertext) slots of \(layout.slotBits) bits, capacity "
                + "\(layout.slotCapacity), at most \(layout.maxContributions) contributions vs "
                + "\(other.layout.slotsPerCiphertext) slots of \(other.layout.slotBits) bits, capacity "
                + "\(other.layout.slotCapacity), at most \(other.layout.maxContributions) contributions)"
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

/// Everything before the payload of a container.
public struct ContainerHeader: Sendable, Hashable {
    public var scheme: SchemeID
    public var kind: ContentKind
    /// SHA-256 of `parameters`.
    public var parameterFingerprint: Fingerprint
    /// SHA-256 of the canonical public-key encoding of the key the content belongs to.
    public var publicKeyFingerprint: Fingerprint
    /// Scheme parameters: everything needed to add ciphertexts, no secret (format per scheme in FORMAT.md).
    public var parameters: [UInt8]
    /// Encrypted tables: the schema. Keys: nil.
    public var schema: TableSchema?
    /// Site IDs whose data the content holds, in the order they were summed (empty for keys).
    public var contributors: [String]
    /// Upper bound on the absolute value of every slot: the sum of the contributors' declared bounds.
    public var valueBound: UInt64
    /// Number of payload chunks that follow the header.
    public var payloadChunkCount: Int
    /// Total payload bytes (each chunk's 4-byte length prefix included).
    public var payloadByteCount: UInt64

    public init(scheme: SchemeID, kind: ContentKind, parameters: [UInt8], publicKeyFingerprint: Fingerprint,
                schema: TableSchema?, contributors: [String], valueBound: UInt64,
                payloadChunkCount: Int = 0, payloadByteCount: UInt64 = 0) {
        self.scheme = scheme
        self.kind = kind
        self.parameters = parameters
        self.parameterFingerprint = Fingerprint(sha256Of: parameters)
        self.publicKeyFingerprint = publicKeyFingerprint
        self.schema = schema
        self.contributors = contributors
        self.valueBound = valueBound
        self.payloadChunkCount = payloadChunkCount
        self.payloadByteCount = payloadByteCount
    }
}
