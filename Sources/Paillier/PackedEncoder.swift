// Packed encryption of many small integers per ciphertext.
//
// A plaintext holds `slotsPerCiphertext` slots of `slotBits` bits each, slot j at bits [j*w, (j+1)*w) of
// the integer (least significant slot first), all below 2^(|n|-1) < n. Adding ciphertexts adds the packed
// integers, i.e. every slot at once; nothing carries between slots as long as every slot stays below 2^w.
//
// The layout is sized from its slot capacity C, the largest |sum| a slot may reach. Every contribution
// declares a bound b on the absolute value of its slots; a packed vector records the sum of the declared
// bounds of what it holds, and a sum whose bounds would pass C is refused before any ciphertext is touched.
// Unsigned layouts store v in [0, b] as is (w = bitlen(C)); signed layouts store v in [-b, b] as v + b in
// [0, 2b] (w = bitlen(2C)), so a sum with total bound B is decoded by subtracting B from every slot. Slots
// after the last value of the last ciphertext hold 0 in both cases.

import CGMP

/// Slot width and count for packing, derived from a slot capacity.
public struct PackedLayout: Sendable, Equatable, Hashable {
    /// Bit length of the key modulus the layout is for.
    public let modulusBits: Int
    /// Whether slots hold signed values (stored with an offset of the contribution's declared bound).
    public let isSigned: Bool
    /// The largest |sum| a slot may reach: the declared bounds of everything summed may add up to at most this.
    public let slotCapacity: UInt64
    /// Bits per slot: the bit length of the largest stored slot value (C unsigned, 2C signed).
    public let slotBits: Int
    /// floor((|n| - 1) / slotBits).
    public let slotsPerCiphertext: Int

    /// A layout whose slots may reach |sum| <= `slotCapacity` (at most 2^63 - 1, so that every sum is an
    /// `Int64`).
    public init(modulusBits: Int, slotCapacity: UInt64, signed: Bool = false) throws {
        try PaillierKeySize.check(modulusBits)
        guard slotCapacity > 0, slotCapacity <= UInt64(Int64.max) else {
            throw PaillierError.invalidPackedLayout("the slot capacity \(slotCapacity) is outside 1...\(Int64.max)")
        }
        let largestStored = signed ? 2 * slotCapacity : slotCapacity
        self.modulusBits = modulusBits
        self.isSigned = signed
        self.slotCapacity = slotCapacity
        slotBits = 64 - largestStored.leadingZeroBitCount
        slotsPerCiphertext = (modulusBits - 1) / slotBits
    }

    /// The layout for at most `maxContributions` contributions of at most `maxValuePerContribution` each
    /// (in absolute value for signed layouts): slot capacity = their product, at most 2^63 - 1.
    public init(modulusBits: Int, maxValuePerContribution: UInt64, maxContributions: Int, signed: Bool = false) throws {
        guard maxValuePerContribution > 0 else {
            throw PaillierError.invalidPackedLayout("maxValuePerContribution must be at least 1")
        }
        guard maxContributions > 0 else {
            throw PaillierError.invalidPackedLayout("maxContributions must be at least 1, got \(maxContributions)")
        }
        let (capacity, overflow) = maxValuePerContribution.multipliedReportingOverflow(by: UInt64(maxContributions))
        guard !overflow else {
            throw PaillierError.invalidPackedLayout(
                "slot capacity \(maxValuePerContribution) x \(maxContributions) does not fit in 64 bits")
        }
        guard capacity <= UInt64(Int64.max) else {
            throw PaillierError.invalidPackedLayout(
                "slot capacity \(maxValuePerContribution) x \(maxContributions) exceeds \(Int64.max)")
        }
        try self.init(modulusBits: modulusBits, slotCapacity: capacity, signed: signed)
    }

    /// A layout for `publicKey` with slot capacity `slotCapacity`.
    public init(publicKey: PaillierPublicKey, slotCapacity: UInt64, signed: Bool = false) throws {
        try self.init(modulusBits: publicKey.bits, slotCapacity: slotCapacity, signed: signed)
    }

    /// A layout for `publicKey` for `maxContributions` contributions of at most `maxValuePerContribution`.
    public init(publicKey: PaillierPublicKey, maxValuePerContribution: UInt64, maxContributions: Int,
        signed: Bool = false) throws
    {
        try self.init(modulusBits: publicKey.bits, maxValuePerContribution: maxValuePerContribution,
            maxContributions: maxContributions, signed: signed)
    }

    /// Number of ciphertexts needed for `valueCount` values.
    public func ciphertextCount(forValues valueCount: Int) -> Int {
        (valueCount + slotsPerCiphertext - 1) / slotsPerCiphertext
    }

    /// 64-bit words of one packed plaintext.
    var wordsPerPlaintext: Int { (slotsPerCiphertext * slotBits + 63) / 64 }

    /// Largest stored slot value for a total declared bound `bound` (bound unsigned, 2 x bound signed).
    func storedLimit(bound: UInt64) -> UInt64 { isSigned ? 2 * bound : bound }

    /// Checks that one contribution may declare `bound`.
    func checkContributionBound(_ bound: UInt64) throws {
        guard bound >= 1, bound <= slotCapacity else {
            throw PaillierError.invalidPackedLayout("the declared bound \(bound) is outside 1...\(slotCapacity) (the slot capacity)")
        }
    }

    /// The packed plaintext of one contribution's values (at most `slotsPerCiphertext` of them, each with
    /// |v| <= `bound`, non-negative for unsigned layouts): slot j holds v_j (unsigned) or v_j + bound
    /// (signed); slots after the last value hold 0. `firstIndex` numbers the values in errors.
    public func plaintext(packing values: ArraySlice<Int64>, bound: UInt64, firstIndex: Int = 0) throws -> BigInt {
        try checkContributionBound(bound)
        guard values.count <= slotsPerCiphertext else {
            throw PaillierError.packedShapeMismatch("\(values.count) values exceed the \(slotsPerCiphertext) slots of a ciphertext")
        }
        var words = [UInt64](repeating: 0, count: wordsPerPlaintext)
        let w = slotBits
        let offset = isSigned ? bound : 0
        try words.withUnsafeMutableBufferPointer { out in
            for (j, v) in values.enumerated() {
                guard v.magnitude <= bound, isSigned || v >= 0 else {
                    throw PaillierError.packedValueOutOfRange(index: firstIndex + j, value: "\(v)",
                        allowed: isSigned ? "-\(bound)...\(bound)" : "0...\(bound)")
                }
                let stored = v >= 0 ? offset + v.magnitude : offset - v.magnitude
                let position = j &* w
                let word = position >> 6
                let shift = position & 63
                out[word] |= stored &<< UInt64(shift)
                if shift &+ w > 64 {
                    out[word &+ 1] |= stored &>> UInt64(64 &- shift)
                }
            }
        }
        return BigInt(littleEndianWords: words)
    }

    /// What can make a packed plaintext fail to decode. Values encrypted by this module always fit their slots;
    /// single ciphertexts packed under encryption (python-paillier imports) cannot be checked before decryption.
    static let decodeFailureCauses = "wrong key, corrupted ciphertext, or a cell outside the declared bound in a table packed from python-paillier ciphertexts"

    /// The first `count` values of a packed plaintext whose contributions declared bounds adding up to `bound`.
    /// Every used slot must lie within the bound (0...bound unsigned, 0...2 bound stored signed), every unused
    /// slot and every bit above the last slot must be zero: anything else means a wrong key, damaged data or a
    /// packed python-paillier cell outside its declared bound, and is reported, never decoded into plausible numbers.
    public func values(unpacking plaintext: BigInt, count: Int, bound: UInt64) throws -> [Int64] {
        guard count >= 0, count <= slotsPerCiphertext else {
            throw PaillierError.packedShapeMismatch("\(count) values asked from a ciphertext of \(slotsPerCiphertext) slots")
        }
        guard bound <= slotCapacity else {
            throw PaillierError.packedSlotOverflow(bound: bound, capacity: slotCapacity)
        }
        guard plaintext.signum >= 0, plaintext.bitWidth <= slotsPerCiphertext * slotBits else {
            throw PaillierError.packedDecodeFailed("plaintext has \(plaintext.bitWidth) bits, more than the \(slotsPerCiphertext * slotBits) the layout uses (\(Self.decodeFailureCauses))")
        }
        let words = plaintext.littleEndianWords(count: wordsPerPlaintext + 1)!
        let w = slotBits
        let mask: UInt64 = w == 64 ? .max : (1 &<< UInt64(w)) &- 1
        let limit = storedLimit(bound: bound)
        let offset = isSigned ? bound : 0
        var out: [Int64] = []
        out.reserveCapacity(count)
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
                    throw PaillierError.packedDecodeFailed("slot \(j) holds \(v), above \(limit), the most the declared bounds allow (\(Self.decodeFailureCauses))")
                }
                out.append(v >= offset ? Int64(v - offset) : -Int64(offset - v))
            } else if v != 0 {
                throw PaillierError.packedDecodeFailed("unused slot \(j) is not zero (\(Self.decodeFailureCauses))")
            }
        }
        return out
    }
}

/// A vector of values packed into ciphertexts, with the sum of the bounds its contributions declared.
public struct PackedCiphertexts: Sendable, Equatable {
    public let layout: PackedLayout
    /// Fingerprint of the public key the ciphertexts are under.
    public let keyFingerprint: [UInt8]
    /// Number of packed values (the last ciphertext may have unused slots, which hold zero).
    public let count: Int
    /// Sum of the declared bounds of the contributions summed into this vector: |every slot| <= bound.
    public let bound: UInt64
    /// Number of contributions summed into this vector (1 for a fresh encryption).
    public let contributions: Int
    public let ciphertexts: [PaillierCiphertext]

    /// Reassembles a packed vector (for example from a file): checks the ciphertext count against the layout
    /// and the bound against the slot capacity.
    public init(layout: PackedLayout, keyFingerprint: [UInt8], count: Int, bound: UInt64, contributions: Int,
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
        guard bound >= 1 else {
            throw PaillierError.packedShapeMismatch("the declared bound must be at least 1")
        }
        guard bound <= layout.slotCapacity else {
            throw PaillierError.packedSlotOverflow(bound: bound, capacity: layout.slotCapacity)
        }
        self.init(unchecked: layout, keyFingerprint: keyFingerprint, count: count, bound: bound,
            contributions: contributions, ciphertexts: ciphertexts)
    }

    init(unchecked layout: PackedLayout, keyFingerprint: [UInt8], count: Int, bound: UInt64, contributions: Int,
        ciphertexts: [PaillierCiphertext])
    {
        self.layout = layout
        self.keyFingerprint = keyFingerprint
        self.count = count
        self.bound = bound
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

    /// Encrypts one contribution of non-negative values, each at most `bound` (unsigned layouts only).
    /// Ciphertexts are computed on all cores unless `parallel` is false; the decrypted result is the same
    /// either way.
    public func encrypt(_ values: [UInt64], bound: UInt64, parallel: Bool = true) throws -> PackedCiphertexts {
        guard !layout.isSigned else {
            throw PaillierError.invalidPackedLayout("signed layout: use encryptSigned")
        }
        try layout.checkContributionBound(bound)
        var signed = [Int64]()
        signed.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            guard v <= bound else {
                throw PaillierError.packedValueOutOfRange(index: i, value: "\(v)", allowed: "0...\(bound)")
            }
            signed.append(Int64(v))
        }
        return try encryptContribution(signed, bound: bound, parallel: parallel)
    }

    /// Encrypts one contribution of signed values in [-bound, bound] (signed layouts only).
    public func encryptSigned(_ values: [Int64], bound: UInt64, parallel: Bool = true) throws -> PackedCiphertexts {
        guard layout.isSigned else {
            throw PaillierError.invalidPackedLayout("unsigned layout: use encrypt")
        }
        return try encryptContribution(values, bound: bound, parallel: parallel)
    }

    private func encryptContribution(_ values: [Int64], bound: UInt64, parallel: Bool) throws -> PackedCiphertexts {
        try layout.checkContributionBound(bound)
        let ciphertexts = try encryptCiphertexts(values[...], bound: bound, parallel: parallel)
        return PackedCiphertexts(unchecked: layout, keyFingerprint: encryptor.publicKey.fingerprint,
            count: values.count, bound: bound, contributions: 1, ciphertexts: ciphertexts)
    }

    /// The ciphertexts of one contribution's values (ceil(count / slotsPerCiphertext) of them, in order),
    /// computed on all cores unless `parallel` is false. Values are checked against `bound` first, so nothing
    /// is encrypted when one is out of range; errors number the values from `values.startIndex`.
    public func encryptCiphertexts(_ values: ArraySlice<Int64>, bound: UInt64, parallel: Bool = true) throws
        -> [PaillierCiphertext]
    {
        try layout.checkContributionBound(bound)
        for (i, v) in zip(values.indices, values) where v.magnitude > bound || (!layout.isSigned && v < 0) {
            throw PaillierError.packedValueOutOfRange(index: i, value: "\(v)",
                allowed: layout.isSigned ? "-\(bound)...\(bound)" : "0...\(bound)")
        }
        let layout = self.layout
        let encryptor = self.encryptor
        let perCiphertext = layout.slotsPerCiphertext
        let start = values.startIndex
        let end = values.endIndex
        return try values.withUnsafeBufferPointer { buffer throws(PaillierError) in
            let shared = UncheckedSendable(buffer)
            let count = layout.ciphertextCount(forValues: end - start)
            return try encryptor.encryptResidues(count: count, parallel: parallel) { k throws(PaillierError) in
                let first = k * perCiphertext
                let slice = shared.value[first..<min(first + perCiphertext, end - start)]
                do {
                    return try layout.plaintext(packing: ArraySlice(slice), bound: bound, firstIndex: start + first)
                } catch let error as PaillierError {
                    throw error
                } catch {
                    throw .packedShapeMismatch("\(error)")
                }
            }.map { PaillierCiphertext(unchecked: $0) }
        }
    }

    /// Slot-wise sum of two packed vectors. Refused with ``PaillierError/packedSlotOverflow(bound:capacity:)``
    /// when the combined declared bounds exceed the layout's slot capacity (a slot could then overflow).
    public func add(_ a: PackedCiphertexts, _ b: PackedCiphertexts) throws -> PackedCiphertexts {
        try sum([a, b])
    }

    /// Slot-wise sum of many packed vectors of the same layout, key and length.
    public func sum(_ vectors: [PackedCiphertexts]) throws -> PackedCiphertexts {
        guard let first = vectors.first else {
            throw PaillierError.packedShapeMismatch("nothing to sum")
        }
        var bound: UInt64 = 0
        var contributions = 0
        for (i, v) in vectors.enumerated() {
            try checkCompatible(v, index: i, count: first.count)
            let (total, overflow) = bound.addingReportingOverflow(v.bound)
            guard !overflow, total <= layout.slotCapacity else {
                throw PaillierError.packedSlotOverflow(bound: overflow ? .max : total, capacity: layout.slotCapacity)
            }
            bound = total
            contributions += v.contributions
        }
        let encryptor = self.encryptor
        let summed = parallelMap(count: first.ciphertexts.count) { k in
            encryptor.sum(vectors.map { $0.ciphertexts[k] })
        }
        return PackedCiphertexts(unchecked: layout, keyFingerprint: first.keyFingerprint, count: first.count,
            bound: bound, contributions: contributions, ciphertexts: summed)
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
    /// Decrypts and unpacks an unsigned packed vector (on all cores). Each slot is checked against the
    /// vector's declared bound, so a wrong key or corrupted ciphertext is reported, not decoded.
    public func decrypt(_ packed: PackedCiphertexts) throws -> [UInt64] {
        guard !packed.layout.isSigned else {
            throw PaillierError.invalidPackedLayout("signed layout: use decryptSigned")
        }
        return try decryptValues(packed).map { UInt64($0) }
    }

    /// Decrypts and unpacks a signed packed vector: the sum of the contributions' values per slot.
    public func decryptSigned(_ packed: PackedCiphertexts) throws -> [Int64] {
        guard packed.layout.isSigned else {
            throw PaillierError.invalidPackedLayout("unsigned layout: use decrypt")
        }
        return try decryptValues(packed)
    }

    private func decryptValues(_ packed: PackedCiphertexts) throws -> [Int64] {
        guard packed.keyFingerprint == publicKey.fingerprint else { throw PaillierError.keyMismatch }
        let layout = packed.layout
        let plaintexts = try decrypt(packed.ciphertexts)
        var out: [Int64] = []
        out.reserveCapacity(packed.count)
        for (k, plaintext) in plaintexts.enumerated() {
            let inThis = min(layout.slotsPerCiphertext, packed.count - k * layout.slotsPerCiphertext)
            out += try layout.values(unpacking: plaintext, count: inThis, bound: packed.bound)
        }
        return out
    }
}
