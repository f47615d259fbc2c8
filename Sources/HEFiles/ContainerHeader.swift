// The header of the one container format used for keys, site files and aggregates (docs/FORMAT.md).

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
    /// Signed provenance statements (format version 3), each an opaque blob to this module: the Governance
    /// module encodes and verifies them. Empty for unsigned files, which are written as version 2.
    public var statements: [[UInt8]] = []

    /// The format version a writer uses for this header: 3 when it carries statements, else 2.
    public var formatVersion: UInt16 { statements.isEmpty ? 2 : 3 }

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
