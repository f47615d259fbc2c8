// Packed encryption of many small non-negative counts per ciphertext.
//
// A plaintext holds `slotsPerCiphertext` slots of `slotBits` bits each, slot j at bits [j*w, (j+1)*w) of
// the integer (least significant slot first), all below 2^(|n|-1) < n. Adding ciphertexts adds the packed
// integers, i.e. every slot at once; nothing carries between slots as long as each slot stays at or below
// its declared bound `slotBound` < 2^slotBits. The bound is declared up front as
// (largest value one contribution may put in a slot) x (largest number of contributions), every packed
// vector records how many contributions it has absorbed, and a sum that could pass the bound is refused.
//
// Signed values use an offset: v in [-B, B] is stored as v + B in [0, 2B], and k contributions are decoded
// by subtracting k B.

import CGMP

/// Slot width and count for packing, derived from a declared per-slot bound.
public struct PackedLayout: Sendable, Equatable, Hashable {
    /// Bit length of the key modulus the layout is for.
    public let modulusBits: Int
    /// Largest stored value one contribution may put in a slot (after the offset for signed layouts).
    public let maxValuePerContribution: UInt64
    /// Largest number of contributions a packed vector may absorb.
    public let maxContributions: Int
    /// Offset B added to every signed value (0 for unsigned layouts).
    public let offset: UInt64
    /// maxValuePerContribution x maxContributions: the largest value a slot may reach.
    public let slotBound: UInt64
    /// Bits per slot: the bit length of `slotBound`.
    public let slotBits: Int
    /// floor((|n| - 1) / slotBits).
    public let slotsPerCiphertext: Int

    /// An unsigned layout: each contribution puts 0...maxValuePerContribution in a slot, and at most
    /// `maxContributions` contributions are summed. The product must fit in 64 bits.
    public init(modulusBits: Int, maxValuePerContribution: UInt64, maxContributions: Int) throws {
        try self.init(modulusBits: modulusBits, maxValuePerContribution: maxValuePerContribution,
            maxContributions: maxContributions, offset: 0)
    }

    /// An unsigned layout for `publicKey`.
    public init(publicKey: PaillierPublicKey, maxValuePerContribution: UInt64, maxContributions: Int) throws {
        try self.init(modulusBits: publicKey.bits, maxValuePerContribution: maxValuePerContribution,
            maxContributions: maxContributions)
    }

    /// A signed layout for values in [-maxMagnitude, maxMagnitude], stored with offset maxMagnitude.
    public static func signed(modulusBits: Int, maxMagnitude: UInt64, maxContributions: Int) throws -> PackedLayout {
        let (span, overflow) = maxMagnitude.multipliedReportingOverflow(by: 2)
        guard !overflow else {
            throw PaillierError.invalidPackedLayout("2 x maxMagnitude \(maxMagnitude) does not fit in 64 bits")
        }
        return try PackedLayout(modulusBits: modulusBits, maxValuePerContribution: span,
            maxContributions: maxContributions, offset: maxMagnitude)
    }

    public static func signed(publicKey: PaillierPublicKey, maxMagnitude: UInt64, maxContributions: Int) throws
        -> PackedLayout
    {
        try signed(modulusBits: publicKey.bits, maxMagnitude: maxMagnitude, maxContributions: maxContributions)
    }

    private init(modulusBits: Int, maxValuePerContribution: UInt64, maxContributions: Int, offset: UInt64) throws {
        try PaillierKeySize.check(modulusBits)
        guard maxValuePerContribution > 0 else {
            throw PaillierError.invalidPackedLayout("maxValuePerContribution must be at least 1")
        }
        guard maxContributions > 0 else {
            throw PaillierError.invalidPackedLayout("maxContributions must be at least 1, got \(maxContributions)")
        }
        let (bound, overflow) = maxValuePerContribution.multipliedReportingOverflow(by: UInt64(maxContributions))
        guard !overflow else {
            throw PaillierError.invalidPackedLayout(
                "slot bound \(maxValuePerContribution) x \(maxContributions) does not fit in 64 bits")
        }
        self.modulusBits = modulusBits
        self.maxValuePerContribution = maxValuePerContribution
        self.maxContributions = maxContributions
        self.offset = offset
        slotBound = bound
        slotBits = 64 - bound.leadingZeroBitCount
        slotsPerCiphertext = (modulusBits - 1) / slotBits
    }

    public var isSigned: Bool { offset > 0 }

    /// Number of ciphertexts needed for `valueCount` values.
    public func ciphertextCount(forValues valueCount: Int) -> Int {
        (valueCount + slotsPerCiphertext - 1) / slotsPerCiphertext
    }

    /// 64-bit words of one packed plaintext.
    var wordsPerPlaintext: Int { (slotsPerCiphertext * slotBits + 63) / 64 }

    /// Packs `values[start..<end]` (each already below 2^slotBits) into one plaintext.
    func pack(_ values: UnsafeBufferPointer<UInt64>, start: Int, end: Int) -> BigInt {
        var words = [UInt64](repeating: 0, count: wordsPerPlaintext)
        let w = slotBits
        words.withUnsafeMutableBufferPointer { out in
            for i in start..<end {
                let position = (i - start) &* w
                let word = position >> 6
                let shift = position & 63
                let v = values[i]
                out[word] |= v &<< UInt64(shift)
                if shift &+ w > 64 {
                    out[word &+ 1] |= v &>> UInt64(64 &- shift)
                }
            }
        }
        return BigInt(littleEndianWords: words)
    }

    /// Splits one plaintext into `count` slots, checking that every slot is at most `limit` and that no bit
    /// above the used slots is set.
    func unpack(_ plaintext: BigInt, count: Int, limit: UInt64, into out: inout [UInt64]) throws {
        guard plaintext.bitWidth <= slotsPerCiphertext * slotBits else {
            throw PaillierError.packedDecodeFailed("plaintext has \(plaintext.bitWidth) bits, more than the \(slotsPerCiphertext * slotBits) the layout uses (wrong key or corrupted ciphertext)")
        }
        let words = plaintext.littleEndianWords(count: wordsPerPlaintext + 1)!
        let w = slotBits
        let mask: UInt64 = w == 64 ? .max : (1 &<< UInt64(w)) &- 1
        for j in 0..<slotsPerCiphertext {
            let position = j * w
            let word = position >> 6
            let shift = position & 63
            var v = words[word] &>> UInt64(shift)
            if shift + w > 64 {
                v |= words[word + 1] &<< UInt64(64 - shift)
            }
            v &= mask
            if j < count {
                guard v <= limit else {
                    throw PaillierError.packedDecodeFailed("slot value \(v) exceeds the bound \(limit) for the absorbed contributions (wrong key or corrupted ciphertext)")
                }
                out.append(v)
            } else if v != 0 {
                throw PaillierError.packedDecodeFailed("unused slot \(j) is not zero (wrong key or corrupted ciphertext)")
            }
        }
    }
}

/// A vector of values packed into ciphertexts, with the number of contributions it has absorbed.
public struct PackedCiphertexts: Sendable, Equatable {
    public let layout: PackedLayout
    /// Fingerprint of the public key the ciphertexts are under.
    public let keyFingerprint: [UInt8]
    /// Number of packed values (the last ciphertext may have unused slots, which hold zero).
    public let count: Int
    /// Number of contributions summed into this vector (1 for a fresh encryption).
    public let contributions: Int
    public let ciphertexts: [PaillierCiphertext]

    /// Reassembles a packed vector (for example from a file): checks the ciphertext count against the layout
    /// and the contributions against its bound.
    public init(layout: PackedLayout, keyFingerprint: [UInt8], count: Int, contributions: Int,
        ciphertexts: [PaillierCiphertext]) throws
    {
        guard count >= 0 else { throw PaillierError.packedShapeMismatch("negative value count \(count)") }
        guard ciphertexts.count == layout.ciphertextCount(forValues: count) else {
            throw PaillierError.packedShapeMismatch(
                "\(count) values need \(layout.ciphertextCount(forValues: count)) ciphertexts, got \(ciphertexts.count)")
        }
        guard contributions >= 1 else {
            throw PaillierError.packedShapeMismatch("contributions must be at least 1, got \(contributions)")
        }
        guard contributions <= layout.maxContributions else {
            throw PaillierError.packedSlotOverflow(contributions: contributions, maxContributions: layout.maxContributions)
        }
        self.layout = layout
        self.keyFingerprint = keyFingerprint
        self.count = count
        self.contributions = contributions
        self.ciphertexts = ciphertexts
    }

    init(unchecked layout: PackedLayout, keyFingerprint: [UInt8], count: Int, contributions: Int,
        ciphertexts: [PaillierCiphertext])
    {
        self.layout = layout
        self.keyFingerprint = keyFingerprint
        self.count = count
        self.contributions = contributions
        self.ciphertexts = ciphertexts
    }
}

/// Encrypts vectors into packed ciphertexts and sums packed vectors under one public key.
public struct PackedEncoder: Sendable {
    public let layout: PackedLayout
    public let encryptor: PaillierEncryptor

    public init(layout: PackedLayout, encryptor: PaillierEncryptor) throws {
        guard layout.modulusBits == encryptor.publicKey.bits else {
            throw PaillierError.invalidPackedLayout(
                "layout is for \(layout.modulusBits)-bit keys, the key has \(encryptor.publicKey.bits) bits")
        }
        self.layout = layout
        self.encryptor = encryptor
    }

    /// Encrypts one contribution of non-negative values, each at most `layout.maxValuePerContribution`
    /// (unsigned layouts only). Ciphertexts are computed on all cores unless `parallel` is false; the
    /// decrypted result is the same either way.
    public func encrypt(_ values: [UInt64], parallel: Bool = true) throws -> PackedCiphertexts {
        guard !layout.isSigned else {
            throw PaillierError.invalidPackedLayout("signed layout: use encryptSigned")
        }
        for (i, v) in values.enumerated() where v > layout.maxValuePerContribution {
            throw PaillierError.packedValueOutOfRange(index: i, value: "\(v)", allowed: "0...\(layout.maxValuePerContribution)")
        }
        return encryptStored(values, parallel: parallel)
    }

    /// Encrypts one contribution of signed values in [-B, B] with B = `layout.offset` (signed layouts only).
    public func encryptSigned(_ values: [Int64], parallel: Bool = true) throws -> PackedCiphertexts {
        guard layout.isSigned else {
            throw PaillierError.invalidPackedLayout("unsigned layout: use encrypt")
        }
        let b = layout.offset
        var stored = [UInt64]()
        stored.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            guard v.magnitude <= b else {
                throw PaillierError.packedValueOutOfRange(index: i, value: "\(v)", allowed: "-\(b)...\(b)")
            }
            stored.append(v >= 0 ? b + v.magnitude : b - v.magnitude)
        }
        return encryptStored(stored, parallel: parallel)
    }

    private func encryptStored(_ stored: [UInt64], parallel: Bool) -> PackedCiphertexts {
        let layout = self.layout
        let encryptor = self.encryptor
        let perCiphertext = layout.slotsPerCiphertext
        let total = stored.count
        let ciphertexts = stored.withUnsafeBufferPointer { buffer in
            let values = UncheckedSendable(buffer)
            return parallelMap(count: layout.ciphertextCount(forValues: total), parallel: parallel) { k in
                let start = k * perCiphertext
                let plaintext = layout.pack(values.value, start: start, end: min(start + perCiphertext, total))
                return PaillierCiphertext(unchecked: encryptor.encryptResidue(plaintext, rho: encryptor.randomiserValue()))
            }
        }
        return PackedCiphertexts(unchecked: layout, keyFingerprint: encryptor.publicKey.fingerprint, count: total,
            contributions: 1, ciphertexts: ciphertexts)
    }

    /// Slot-wise sum of two packed vectors. Refused with ``PaillierError/packedSlotOverflow(contributions:maxContributions:)``
    /// when the combined contributions exceed the layout's bound (a slot could then overflow).
    public func add(_ a: PackedCiphertexts, _ b: PackedCiphertexts) throws -> PackedCiphertexts {
        try sum([a, b])
    }

    /// Slot-wise sum of many packed vectors of the same layout, key and length.
    public func sum(_ vectors: [PackedCiphertexts]) throws -> PackedCiphertexts {
        guard let first = vectors.first else {
            throw PaillierError.packedShapeMismatch("nothing to sum")
        }
        var contributions = 0
        for (i, v) in vectors.enumerated() {
            try checkCompatible(v, index: i, count: first.count)
            let (total, overflow) = contributions.addingReportingOverflow(v.contributions)
            guard !overflow, total <= layout.maxContributions else {
                throw PaillierError.packedSlotOverflow(contributions: overflow ? Int.max : total,
                    maxContributions: layout.maxContributions)
            }
            contributions = total
        }
        let encryptor = self.encryptor
        let summed = parallelMap(count: first.ciphertexts.count) { k in
            encryptor.sum(vectors.map { $0.ciphertexts[k] })
        }
        return PackedCiphertexts(unchecked: layout, keyFingerprint: first.keyFingerprint, count: first.count,
            contributions: contributions, ciphertexts: summed)
    }

    private func checkCompatible(_ v: PackedCiphertexts, index: Int, count: Int) throws {
        guard v.layout == layout else {
            throw PaillierError.packedShapeMismatch("vector \(index) has a different layout")
        }
        guard v.keyFingerprint == encryptor.publicKey.fingerprint else {
            throw PaillierError.keyMismatch
        }
        guard v.count == count else {
            throw PaillierError.packedShapeMismatch("vector \(index) has \(v.count) values, expected \(count)")
        }
    }
}

extension PaillierDecryptor {
    /// Decrypts and unpacks an unsigned packed vector (on all cores). Each slot is checked against the bound
    /// for the absorbed contributions, so a wrong key or corrupted ciphertext is reported, not decoded.
    public func decrypt(_ packed: PackedCiphertexts) throws -> [UInt64] {
        guard !packed.layout.isSigned else {
            throw PaillierError.invalidPackedLayout("signed layout: use decryptSigned")
        }
        return try decryptStored(packed)
    }

    /// Decrypts and unpacks a signed packed vector: the sum of the contributions' values per slot.
    public func decryptSigned(_ packed: PackedCiphertexts) throws -> [Int64] {
        guard packed.layout.isSigned else {
            throw PaillierError.invalidPackedLayout("unsigned layout: use decrypt")
        }
        let shift = packed.layout.offset * UInt64(packed.contributions)
        return try decryptStored(packed).map { s in
            s >= shift ? Int64(s - shift) : -Int64(shift - s)
        }
    }

    private func decryptStored(_ packed: PackedCiphertexts) throws -> [UInt64] {
        guard packed.keyFingerprint == publicKey.fingerprint else { throw PaillierError.keyMismatch }
        guard packed.contributions >= 1, packed.contributions <= packed.layout.maxContributions else {
            throw PaillierError.packedSlotOverflow(contributions: packed.contributions,
                maxContributions: packed.layout.maxContributions)
        }
        let layout = packed.layout
        let plaintexts = try decrypt(packed.ciphertexts)
        let limit = layout.maxValuePerContribution * UInt64(packed.contributions)
        var out: [UInt64] = []
        out.reserveCapacity(packed.count)
        for (k, plaintext) in plaintexts.enumerated() {
            let inThis = min(layout.slotsPerCiphertext, packed.count - k * layout.slotsPerCiphertext)
            try layout.unpack(plaintext, count: inThis, limit: limit, into: &out)
        }
        return out
    }
}
