import Paillier

// Paillier conformance of the scheme-agnostic layer: values are packed into slots of `slotBits` bits as signed
// digits, m = sum_j v_j 2^(slotBits * j), so negative values and sums of many contributions need no offsets.
// A slot holds |v| <= 2^(slotBits - 1) - 1 after all additions; decryption recovers the centred plaintext and
// reads the digits back by adding 2^(slotBits - 1) to every slot (no borrows can then occur).
//
// Parameters field (docs/FORMAT.md): the canonical Paillier public-key encoding (`HEPK`, version, bits, n).
// n is all an aggregator needs to add ciphertexts (a product mod n^2), so no key file is needed to aggregate,
// and the parameter fingerprint equals the public-key fingerprint.

/// Additively homomorphic vectors with packed Paillier.
public struct PaillierVectors: AdditiveVectorDecryptor {
    public typealias Ciphertext = PaillierCiphertext

    public static let schemeID = SchemeID.paillier
    /// Width of one packed slot.
    public static let slotBits = 48
    /// Below this many ciphertexts, textbook encryption is used: building the DJN fixed-base table costs more
    /// than the encryptions it would speed up.
    public static let djnThreshold = 24

    public let publicKey: PaillierPublicKey
    private let evaluator: PaillierEncryptor
    private let secret: PaillierDecryptor?
    public let layout: SlotLayout
    /// 2^(slotBits - 1) in every slot: added before reading digits back.
    private let digitOffset: BigInt

    public var parameters: [UInt8] { publicKey.serialized() }
    public var publicKeyFingerprint: Fingerprint { Fingerprint(unchecked: publicKey.fingerprint) }
    public var parameterSummary: [(String, String)] {
        [("modulus n", "\(publicKey.bits) bits"),
         ("security", PaillierKeySize.securityBits(forModulusBits: publicKey.bits).map { "\($0)-bit" } ?? "unknown"),
         ("ciphertext", "\(PaillierCiphertext.serializedByteCount(for: publicKey)) bytes (mod n^2)")]
    }

    /// An instance for `publicKey` (and `secretKey` when decryption is needed).
    public init(publicKey: PaillierPublicKey, secretKey: PaillierSecretKey? = nil,
                randomizer: PaillierRandomizer = .textbook) {
        self.publicKey = publicKey
        self.evaluator = PaillierEncryptor(publicKey: publicKey, randomizer: randomizer)
        self.secret = secretKey.map { PaillierDecryptor(secretKey: $0) }
        let w = Self.slotBits
        // |m| < 2^(w s - 1) <= 2^(bits - 3) < n / 2, so the centred plaintext is the packed integer itself.
        let slots = (publicKey.bits - 2) / w
        self.layout = SlotLayout(slotsPerCiphertext: slots, slotBits: w, slotCapacity: (1 << UInt64(w - 1)) - 1)
        var words = [UInt64](repeating: 0, count: (slots * w + 63) / 64 + 1)
        for j in 0 ..< slots {
            let bit = j * w + w - 1
            words[bit / 64] |= 1 << UInt64(bit % 64)
        }
        self.digitOffset = BigInt(littleEndianWords: words)
    }

    /// An instance from the parameters field of a container (no secret key).
    public init(parameters bytes: [UInt8]) throws(EncryptedStatsError) {
        do {
            self.init(publicKey: try PaillierPublicKey(serialized: bytes))
        } catch {
            throw .scheme(operation: "paillier parameters", reason: "\(error)")
        }
    }

    /// The same instance with the DJN randomiser (worth its table only for many ciphertexts).
    public func withDJN() -> PaillierVectors {
        PaillierVectors(publicKey: publicKey, secretKey: secret?.secretKey, randomizer: .djn)
    }

    public func encrypt(slots: ArraySlice<Int64>) throws(EncryptedStatsError) -> PaillierCiphertext {
        guard slots.count <= layout.slotsPerCiphertext else {
            throw .scheme(operation: "encrypt", reason: "\(slots.count) values exceed the \(layout.slotsPerCiphertext) slots of a ciphertext")
        }
        let w = Self.slotBits
        let half = UInt64(1) << UInt64(w - 1)
        // Digits shifted by 2^(w-1) are non-negative, so the packing is a plain bit concatenation.
        var words = [UInt64](repeating: 0, count: (layout.slotsPerCiphertext * w + 63) / 64 + 1)
        for (j, v) in slots.enumerated() {
            guard v.magnitude <= layout.slotCapacity else {
                throw .scheme(operation: "encrypt", reason: "value \(v) exceeds the slot capacity \(layout.slotCapacity)")
            }
            let d = UInt64(bitPattern: v) &+ half
            let position = j * w
            words[position / 64] |= d << UInt64(position % 64)
            if position % 64 + w > 64 { words[position / 64 + 1] |= d >> UInt64(64 - position % 64) }
        }
        for j in slots.count ..< layout.slotsPerCiphertext {
            let position = j * w
            words[position / 64] |= half << UInt64(position % 64)
            if position % 64 + w > 64 { words[position / 64 + 1] |= half >> UInt64(64 - position % 64) }
        }
        let m = BigInt(littleEndianWords: words) - digitOffset
        do {
            return try evaluator.encrypt(m)
        } catch {
            throw .scheme(operation: "encrypt", reason: "\(error)")
        }
    }

    public func add(_ a: PaillierCiphertext, _ b: PaillierCiphertext) throws(EncryptedStatsError) -> PaillierCiphertext {
        evaluator.add(a, b)
    }

    public func compact(_ c: PaillierCiphertext) throws(EncryptedStatsError) -> PaillierCiphertext { c }

    public func serialize(_ c: PaillierCiphertext) -> [UInt8] { c.serialized(for: publicKey) }

    public func deserialize(_ bytes: [UInt8]) throws(EncryptedStatsError) -> PaillierCiphertext {
        do {
            return try PaillierCiphertext(serialized: bytes, publicKey: publicKey)
        } catch {
            throw .scheme(operation: "read ciphertext", reason: "\(error)")
        }
    }

    public func decrypt(_ c: PaillierCiphertext, count: Int) throws(EncryptedStatsError) -> [Int64] {
        guard let secret else { throw .scheme(operation: "decrypt", reason: "no secret key is loaded") }
        let m: BigInt
        do {
            m = try secret.decryptSigned(c)
        } catch {
            throw .scheme(operation: "decrypt", reason: "\(error)")
        }
        let w = Self.slotBits
        let s = layout.slotsPerCiphertext
        let shifted = m + digitOffset
        guard shifted.signum >= 0, shifted.bitWidth <= s * w else {
            throw .scheme(operation: "decrypt", reason: "the plaintext does not decode as packed slots (wrong key or damaged ciphertext)")
        }
        let words = shifted.littleEndianWords(count: (s * w + 63) / 64 + 1)!
        let half = UInt64(1) << UInt64(w - 1)
        let mask = (UInt64(1) << UInt64(w)) - 1
        var out: [Int64] = []
        out.reserveCapacity(count)
        for j in 0 ..< s {
            let position = j * w
            var d = words[position / 64] >> UInt64(position % 64)
            if position % 64 + w > 64 { d |= words[position / 64 + 1] << UInt64(64 - position % 64) }
            let v = Int64(d & mask) - Int64(half)
            if j < count {
                out.append(v)
            } else if v != 0 {
                throw .scheme(operation: "decrypt", reason: "unused slot \(j + 1) is not zero (wrong key or damaged ciphertext)")
            }
        }
        return out
    }

    /// Packs already encrypted single values (for example python-paillier ciphertexts of integers) into one
    /// packed ciphertext by Horner's rule: C = (...(c_{k-1}^(2^w) c_{k-2})^(2^w) ...) c_0.
    public func pack(_ singles: ArraySlice<PaillierCiphertext>) throws(EncryptedStatsError) -> PaillierCiphertext {
        guard let last = singles.last, singles.count <= layout.slotsPerCiphertext else {
            throw .scheme(operation: "pack", reason: "between 1 and \(layout.slotsPerCiphertext) ciphertexts are needed")
        }
        let shift = BigInt(1) << Self.slotBits
        var acc = last
        do {
            for c in singles.dropLast().reversed() {
                acc = evaluator.add(try evaluator.multiply(acc, byScalar: shift), c)
            }
        } catch {
            throw .scheme(operation: "pack", reason: "\(error)")
        }
        return acc
    }
}
