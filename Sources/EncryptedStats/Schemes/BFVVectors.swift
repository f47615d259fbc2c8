import HEFiles
import RLWE

// BFV conformance of the scheme-agnostic layer: one value per batching slot (N per ciphertext), signed values
// centred modulo t. Ciphertexts are switched down to the first coefficient prime before writing (the smallest
// modulus at which the documented noise bound still allows `maxContributions` sums), so a site file costs
// 2 x ceil(log2 q_0) bits per slot. The parameters field is RLWE's `BfvParameters.parametersField`.

/// Additively homomorphic vectors with batched BFV.
public struct BFVVectors: AdditiveVectorDecryptor {
    public typealias Ciphertext = RLWE.Ciphertext

    public static let schemeID = SchemeID.bfv
    /// Preset used when `he-cli keygen --scheme bfv` is given no `--preset`.
    public static let defaultPreset = BfvPreset.n4096

    public let bfv: BfvParameters
    private let publicKey: PublicKey?
    private let secretKey: SecretKey?
    private let evaluator: Evaluator
    private let encoder: BatchEncoder
    public let layout: SlotLayout
    public let parameters: [UInt8]
    /// Primes a written ciphertext keeps: 1 (single key), or more under a multi-party collective key.
    public let transportLimbCount: Int

    public var parameterSummary: [(String, String)] {
        let q0 = bfv.coefficientModuli[0]
        return [("ring degree N", "\(bfv.degree) (slots per ciphertext)"),
                ("plaintext modulus t", "\(bfv.plaintextModulus)"),
                ("coefficient primes", "\(bfv.coefficientModuli.count), log2 Q = \(Int(bfv.logQ.rounded())) bits"
                    + (bfv.specialModulus.map { " + special key-switching prime of \(64 - $0.leadingZeroBitCount) bits" } ?? "")
                    + (bfv.preset.map { " (preset \($0.rawValue), 128-bit security)" } ?? "")),
                ("written at", transportLimbCount == 1 ? "first prime only, \(64 - q0.leadingZeroBitCount) bits"
                    : "\(transportLimbCount) primes (multi-party collective key)"),
                ("sums allowed", "up to \(bfv.aggregateCapacity(limbCount: 1)) contributions (noise bound)")]
    }

    public init(parameters bfv: BfvParameters, publicKey: PublicKey? = nil, secretKey: SecretKey? = nil,
                transportLimbCount: Int = 1) {
        self.bfv = bfv
        self.transportLimbCount = min(max(transportLimbCount, 1), bfv.maxLimbCount)
        self.publicKey = publicKey
        self.secretKey = secretKey
        self.evaluator = Evaluator(parameters: bfv)
        self.encoder = BatchEncoder(parameters: bfv)
        self.layout = SlotLayout(slotsPerCiphertext: bfv.degree, slotBits: 0,
                                 slotCapacity: (bfv.plaintextModulus - 1) / 2,
                                 maxContributions: UInt64(bfv.aggregateCapacity(limbCount: 1)))
        self.parameters = Self.encode(bfv)
    }

    /// The parameters field of a container (docs/FORMAT.md; the codec is `BfvParameters.parametersField`).
    public static func encode(_ p: BfvParameters) -> [UInt8] { p.parametersField }

    /// Parameters from a container's parameters field, validated against the 128-bit security table.
    public static func decodeParameters(_ bytes: [UInt8]) throws(EncryptedStatsError) -> BfvParameters {
        try rlwe("bfv parameters") { () throws(RlweError) in try BfvParameters.decoding(parametersField: bytes) }
    }

    /// A fresh key pair for `preset`.
    public static func generateKeys(preset name: String?) throws(EncryptedStatsError) -> SchemeKeys {
        let preset: BfvPreset
        if let name {
            guard let p = BfvPreset(rawValue: name) else {
                throw .scheme(operation: "keygen", reason: "unknown BFV preset '\(name)' (known: \(BfvPreset.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            preset = p
        } else {
            preset = defaultPreset
        }
        let bfv = BfvParameters.preset(preset)
        let generator = KeyGenerator(parameters: bfv)
        return SchemeKeys(scheme: .bfv, parameters: encode(bfv), publicKey: generator.publicKey().serialized(),
                          secretKey: generator.secretKey.serialized())
    }

    /// An instance from key material.
    public init(keys: SchemeKeys) throws(EncryptedStatsError) {
        let bfv = try Self.decodeParameters(keys.parameters)
        let (pk, sk) = try rlwe("load key") { () throws(RlweError) in
            (try PublicKey(serialized: keys.publicKey, parameters: bfv),
             try keys.secretKey.map { (bytes) throws(RlweError) in try SecretKey(serialized: bytes, parameters: bfv) })
        }
        self.init(parameters: bfv, publicKey: pk, secretKey: sk, transportLimbCount: keys.transportLimbCount ?? 1)
    }

    /// Refuses a secret key that does not belong to the public key: a known vector encrypted under the public key
    /// must decrypt to itself (under a foreign secret key the phase is uniformly random, so the noise budget is
    /// exhausted or the slots differ).
    /// Called when a key file is read (`SchemeRegistry.validate`); a no-op without a secret key.
    package func checkKeyPair() throws(EncryptedStatsError) {
        guard secretKey != nil else { return }
        let probe: [Int64] = [1, -2, 3, -4, 5, -6, 7, -8]
        let decrypted: [Int64]
        do {
            decrypted = try decrypt(try encrypt(slots: probe[...], bound: 8), count: probe.count, bound: 8)
        } catch {
            throw .scheme(operation: "load key", reason: "the secret key does not belong to the public key")
        }
        guard decrypted == probe else {
            throw .scheme(operation: "load key", reason: "the secret key does not belong to the public key")
        }
    }

    /// Encrypts the values in batching slots; BFV's slots are centred modulo t, so `bound` needs no offset.
    public func encrypt(slots: ArraySlice<Int64>, bound: UInt64) throws(EncryptedStatsError) -> Ciphertext {
        guard let publicKey else { throw .scheme(operation: "encrypt", reason: "no public key is loaded") }
        return try rlwe("encrypt") { () throws(RlweError) in
            try Encryptor(publicKey: publicKey).encrypt(try encoder.encode(Array(slots)))
        }
    }

    public func add(_ a: Ciphertext, _ b: Ciphertext) throws(EncryptedStatsError) -> Ciphertext {
        try rlwe("add") { () throws(RlweError) in try evaluator.add(a, b) }
    }

    /// Switches a fresh ciphertext down to ``transportLimbCount`` primes; a ciphertext already at or below it (a
    /// sum of written ciphertexts) keeps its level, so an aggregator, which knows no key, never lowers it.
    public func compact(_ c: Ciphertext) throws(EncryptedStatsError) -> Ciphertext {
        guard c.limbCount > transportLimbCount else { return c }
        return try rlwe("modulus switch") { () throws(RlweError) in try evaluator.modSwitch(c, toLimbCount: transportLimbCount) }
    }

    public func serialize(_ c: Ciphertext) -> [UInt8] { c.serialized() }

    public func deserialize(_ bytes: [UInt8]) throws(EncryptedStatsError) -> Ciphertext {
        let c = try rlwe("read ciphertext") { () throws(RlweError) in try Ciphertext(serialized: bytes, parameters: bfv) }
        // One prime for a single-key study; a multi-party study's ciphertexts keep more (``transportLimbCount``).
        guard c.size == 2 else {
            throw .scheme(operation: "read ciphertext", reason: "expected a 2-polynomial ciphertext, found \(c.size) polynomials")
        }
        return c
    }

    public func decrypt(_ c: Ciphertext, count: Int, bound: UInt64) throws(EncryptedStatsError) -> [Int64] {
        guard let secretKey else { throw .scheme(operation: "decrypt", reason: "no secret key is loaded") }
        let (plaintext, budget) = try rlwe("decrypt") { () throws(RlweError) in
            try Decryptor(secretKey: secretKey).decryptWithNoiseBudget(c)
        }
        guard budget > 0 else {
            throw .scheme(operation: "decrypt", reason: "the noise budget is exhausted (wrong key or damaged ciphertext)")
        }
        let values = try rlwe("decrypt") { () throws(RlweError) in try encoder.decodeSigned(plaintext) }
        guard values[count...].allSatisfy({ $0 == 0 }) else {
            throw .scheme(operation: "decrypt", reason: "an unused slot is not zero (wrong key or damaged ciphertext)")
        }
        return Array(values.prefix(count))
    }
}
