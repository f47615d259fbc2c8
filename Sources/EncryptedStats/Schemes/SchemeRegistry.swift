import HEFiles
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

    public init(modulusBits: Int? = nil, preset: String? = nil) {
        self.modulusBits = modulusBits
        self.preset = preset
    }

    /// The warning to show people for a key size below 128-bit security (a 2048-bit Paillier modulus), or nil.
    public var securityWarning: String? { modulusBits.flatMap(PaillierKeySize.warning(forModulusBits:)) }
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
    /// For a multi-party study's collective BFV key: the number of primes site ciphertexts keep (the smallest that
    /// leaves room for the parties' smudging noise, docs/MULTIPARTY.md); nil for a single-key study (one prime).
    public package(set) var transportLimbCount: Int? = nil
    /// Set when decryption goes through the parties' shares instead of a secret key (`party combine`).
    package var combination: PartyCombination? = nil

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
        var keys = SchemeKeys(scheme: scheme, parameters: parameters, publicKey: publicKey, secretKey: nil)
        keys.transportLimbCount = transportLimbCount
        return keys
    }

    /// The modulus size of a Paillier key (nil for BFV).
    public var modulusBits: Int? {
        guard scheme == .paillier else { return nil }
        return try? PaillierPublicKey(serialized: parameters).bits
    }

    /// The warning to show people for a key below 128-bit security (a 2048-bit Paillier modulus), or nil.
    public var securityWarning: String? { modulusBits.flatMap(PaillierKeySize.warning(forModulusBits:)) }

    /// The security level in bits, when this build knows it for the key.
    public var securityBits: Int? {
        switch scheme {
        case .paillier: modulusBits.flatMap(PaillierKeySize.securityBits(forModulusBits:))
        case .bfv: 128
        }
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
                throw .scheme(operation: "keygen", reason: "a parameter preset applies to bfv; paillier takes a modulus size")
            }
            let (pk, sk) = try paillier("keygen") { try PaillierKeyPair.generate(bits: bits) }
            return SchemeKeys(scheme: .paillier, parameters: pk.serialized(), publicKey: pk.serialized(),
                              secretKey: sk.serialized())
        case .bfv:
            guard options.modulusBits == nil else {
                throw .scheme(operation: "keygen", reason: "a modulus size applies to paillier; bfv takes a parameter preset")
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
            let pk = try paillier("load key") { try PaillierPublicKey(serialized: keys.publicKey) }
            let sk = try paillier("load key") { try keys.secretKey.map { try PaillierSecretKey(serialized: $0) } }
            if let sk, sk.publicKey != pk {
                throw .scheme(operation: "load key", reason: "the secret key does not belong to the public key")
            }
            // The randomiser is chosen before the instance is built: the DJN fixed-base table is worth its cost only
            // for many ciphertexts, and is then built once.
            let packing = try PaillierVectors.packing(modulusBits: pk.bits, kind: kind, encoding: encoding)
            let djn = packing.ciphertextCount(forValues: valueCount) >= PaillierVectors.djnThreshold
            return try PaillierVectors(publicKey: pk, secretKey: sk, kind: kind, encoding: encoding,
                                       randomizer: djn ? .djn : .textbook)
        case .bfv:
            if let combination = keys.combination { return try SharedBFVDecryptor(keys: keys, combination: combination) }
            return try BFVVectors(keys: keys)
        }
    }

    /// Whether a table of `ciphertexts` ciphertexts is encrypted faster by an instance opened for its value count
    /// (Paillier's DJN randomiser, whose fixed-base table pays off only for many ciphertexts).
    public static func prefersFastEncryption(_ scheme: SchemeID, ciphertexts: Int) -> Bool {
        scheme == .paillier && ciphertexts >= PaillierVectors.djnThreshold
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
        guard keys.hasSecretKey else {
            // A public key: parsing it is the whole check, and it must be the key the parameters describe.
            switch keys.scheme {
            case .paillier:
                let pk = try paillier("load key") { try PaillierPublicKey(serialized: keys.publicKey) }
                guard pk.serialized() == keys.parameters else {
                    throw .scheme(operation: "load key", reason: "the parameters do not belong to the key")
                }
            case .bfv:
                let bfv = try BFVVectors.decodeParameters(keys.parameters)
                _ = try rlwe("load key") { () throws(RlweError) in try PublicKey(serialized: keys.publicKey, parameters: bfv) }
            }
            return
        }
        let v = try instance(for: keys)
        if let bfv = v as? BFVVectors { try bfv.checkKeyPair() }
        guard v.parameters == keys.parameters else {
            throw .scheme(operation: "load key", reason: "the parameters do not belong to the key")
        }
    }
}
