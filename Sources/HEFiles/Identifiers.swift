import Crypto

// Identifiers of the container format: scheme, content kind, fingerprints (docs/FORMAT.md).

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
    /// A decryption party's public-key share of a multi-party study's collective key (published).
    case publicKeyShare = 5
    /// A Shamir share of one party's key share, encrypted to another party (t-of-N studies).
    case shamirShare = 6
    /// A decryption party's share of the decryption of an aggregate (published to the combiner).
    case decryptionShare = 7
    /// A decryption party's secret share of the collective key (mode 0600).
    case partyKey = 8

    public var description: String {
        switch self {
        case .publicKey: "a public key"
        case .secretKey: "a secret key"
        case .siteTable: "an encrypted site table"
        case .aggregate: "an encrypted aggregate"
        case .publicKeyShare: "a public-key share"
        case .shamirShare: "an encrypted Shamir share"
        case .decryptionShare: "a decryption share"
        case .partyKey: "a party's key share"
        }
    }

    /// Site tables and aggregates carry a schema and ciphertexts; keys carry key material.
    public var isEncryptedTable: Bool { self == .siteTable || self == .aggregate }
    /// The files of a multi-party study's decryption parties.
    public var isPartyFile: Bool { rawValue >= 5 }
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

