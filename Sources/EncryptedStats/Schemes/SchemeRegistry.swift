import Paillier
import RLWE

// The only place that maps a scheme identifier to its implementation. Everything above works with
// `any AdditiveVectorDecryptor` and the bytes of key files.

/// Options for key generation; each scheme reads the ones that apply to it.
public struct KeyGenerationOptions: Sendable {
    /// Paillier modulus size (2048, 3072 or 4096; default 3072).
    public var modulusBits: Int?
    /// BFV parameter preset name (default: the smallest preset).
    public var preset: String?
    /// Print scheme warnings (for example the 112-bit security of 2048-bit Paillier) on standard error.
    public var warn: Bool

    public init(modulusBits: Int? = nil, preset: String? = nil, warn: Bool = true) {
        self.modulusBits = modulusBits
        self.preset = preset
        self.warn = warn
    }
}

/// Key material of one scheme as stored in key files: the parameters field, the canonical public-key bytes and
/// (for a secret key) the canonical secret-key bytes. Its description never shows the secret bytes.
public struct SchemeKeys: Sendable, CustomStringConvertible {
    public let scheme: SchemeID
    public let parameters: [UInt8]
    public let publicKey: [UInt8]
    /// Nil for a public key.
    package let secretKey: [UInt8]?
    public let publicKeyFingerprint: Fingerprint

    package init(scheme: SchemeID, parameters: [UInt8], publicKey: [UInt8], secretKey: [UInt8]?) {
        self.scheme = scheme
        self.parameters = parameters
        self.publicKey = publicKey
        self.secretKey = secretKey
        self.publicKeyFingerprint = Fingerprint(sha256Of: publicKey)
    }

    public var hasSecretKey: Bool { secretKey != nil }

    /// The public half.
    public var publicOnly: SchemeKeys {
        SchemeKeys(scheme: scheme, parameters: parameters, publicKey: publicKey, secretKey: nil)
    }

    public var description: String {
        "\(scheme) key \(publicKeyFingerprint)\(secretKey == nil ? "" : " (with secret key, not shown)")"
    }
}

extension SchemeKeys: CustomReflectable {
    /// `dump` and debuggers show the scheme and fingerprint only, never key bytes.
    public var customMirror: Mirror {
        Mirror(self, children: ["scheme": scheme, "publicKeyFingerprint": publicKeyFingerprint,
                                "hasSecretKey": hasSecretKey])
    }
}

public enum SchemeRegistry {
    /// Schemes this build can generate keys for and run.
    public static let availableSchemes: [SchemeID] = [.paillier, .bfv]

    /// Names accepted by `KeyGenerationOptions.preset` (BFV parameter presets, all at 128-bit security).
    public static let bfvPresets: [String] = BfvPreset.allCases.map(\.rawValue)

    /// Generates a fresh key pair (all randomness from the OS CSPRNG).
    public static func generateKeys(scheme: SchemeID, options: KeyGenerationOptions) throws(EncryptedStatsError) -> SchemeKeys {
        switch scheme {
        case .paillier:
            let bits = options.modulusBits ?? PaillierKeySize.defaultBits
            guard options.preset == nil else {
                throw .scheme(operation: "keygen", reason: "--preset applies to bfv; use --bits for paillier")
            }
            do {
                let (pk, sk) = try PaillierKeyPair.generate(bits: bits, warn: options.warn)
                return SchemeKeys(scheme: .paillier, parameters: pk.serialized(), publicKey: pk.serialized(),
                                  secretKey: sk.serialized())
            } catch {
                throw .scheme(operation: "keygen", reason: "\(error)")
            }
        case .bfv:
            guard options.modulusBits == nil else {
                throw .scheme(operation: "keygen", reason: "--bits applies to paillier; use --preset for bfv")
            }
            return try BFVVectors.generateKeys(preset: options.preset)
        }
    }

    /// An instance for encryption (and decryption when `keys` holds a secret key) of tables of `kind` with
    /// `encoding` (Paillier packs by them; BFV's batching is the same for all). `valueCount` lets the scheme
    /// choose its fastest method for that many values.
    public static func instance(for keys: SchemeKeys, valueCount: Int = 0, kind: TableKind = .countTable,
                                encoding: ValueEncoding = .count) throws(EncryptedStatsError) -> any AdditiveVectorDecryptor {
        switch keys.scheme {
        case .paillier:
            do {
                let pk = try PaillierPublicKey(serialized: keys.publicKey)
                let sk = try keys.secretKey.map { try PaillierSecretKey(serialized: $0) }
                if let sk, sk.publicKey != pk {
                    throw EncryptedStatsError.scheme(operation: "load key", reason: "the secret key does not belong to the public key")
                }
                let v = try PaillierVectors(publicKey: pk, secretKey: sk, kind: kind, encoding: encoding)
                return v.layout.ciphertextCount(forValues: valueCount) >= PaillierVectors.djnThreshold
                    ? try v.withDJN(kind: kind, encoding: encoding) : v
            } catch let e as EncryptedStatsError {
                throw e
            } catch {
                throw .scheme(operation: "load key", reason: "\(error)")
            }
        case .bfv:
            return try BFVVectors(keys: keys)
        }
    }

    /// An instance that can add and (de)serialise ciphertexts of tables of `kind` with `encoding`, from a
    /// container's parameters field only.
    public static func evaluator(scheme: SchemeID, parameters: [UInt8], kind: TableKind = .countTable,
                                 encoding: ValueEncoding = .count) throws(EncryptedStatsError) -> any AdditiveVectorDecryptor {
        switch scheme {
        case .paillier: return try PaillierVectors(parameters: parameters, kind: kind, encoding: encoding)
        case .bfv: return BFVVectors(parameters: try BFVVectors.decodeParameters(parameters))
        }
    }

    /// Checks that `keys` is internally consistent (parses, public key matches the secret key, parameters match
    /// the public key). For BFV the key pair is checked by encrypting and decrypting a known vector.
    public static func validate(_ keys: SchemeKeys) throws(EncryptedStatsError) {
        let v = try instance(for: keys)
        if let bfv = v as? BFVVectors { try bfv.checkKeyPair() }
        guard v.parameters == keys.parameters else {
            throw .scheme(operation: "load key", reason: "the parameters do not belong to the key")
        }
    }
}
