/// Bytes of the multi-party shares, in the layout of BFV/Serialization.swift: the 38-byte header (magic "HERL",
/// version 1, kind, parameter fingerprint), then (integers little-endian, digests 32 bytes, polynomials packed
/// limb by limb at bitWidth(q_i) bits):
/// - public-key share (kind 7): party u32, CRS digest, p_0,i over the data primes (evaluation form);
/// - decryption share (kind 8): party u32, key fingerprint, ciphertext digest, active-set digest, ciphertext count
///   u32, prime count u8, h_i (coefficient form);
/// - key-switch share (kind 9): party u32, key fingerprint, analyst-key fingerprint, ciphertext digest, active-set
///   digest, ciphertext count u32, prime count u8, h_0,i, h_1,i;
/// - Shamir share (kind 10, secret): sender u32, recipient u32, sharing digest, f(id) over the data primes.
/// Reading refuses what ``Ciphertext/init(serialized:parameters:)`` refuses, and a party ID of 0.
extension ByteWriter {
    mutating func party(_ p: PartyID) { u32(Int(p.value)) }
}

extension ByteReader {
    mutating func party() throws(RlweError) -> PartyID { try PartyID(UInt32(try u32())) }

    mutating func primeCount(_ parameters: BfvParameters) throws(RlweError) -> PolyContext {
        let l = try u8()
        guard l >= 1, l <= parameters.maxLimbCount else {
            throw .invalidField(name: "prime count", value: l, expected: "1...\(parameters.maxLimbCount)")
        }
        return parameters.context(limbCount: l)
    }

    mutating func count() throws(RlweError) -> Int {
        let c = try u32()
        guard c >= 1 else { throw .invalidField(name: "ciphertext count", value: c, expected: ">= 1") }
        return c
    }
}

extension PublicKeyShare {
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.header(.publicKeyShare, parameters)
        w.party(party)
        w.bytes += crsDigest
        w.pack(p0)
        return w.bytes
    }

    public init(serialized bytes: [UInt8], parameters: BfvParameters) throws(RlweError) {
        var r = ByteReader(bytes)
        try r.header(.publicKeyShare, parameters)
        let top = parameters.context(limbCount: parameters.maxLimbCount)
        let total = headerSize + 4 + 32 + packedLimbBytes(top)
        try r.need(total - r.offset, total: total)
        let party = try r.party()
        let crs = try r.raw(32)
        let p0: RnsPoly<Eval> = try r.poly(top)
        try r.finish()
        self.init(parameters: parameters, party: party, crsDigest: crs, p0: p0)
    }
}

extension DecryptionShare {
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.header(.decryptionShare, parameters)
        w.party(party)
        w.bytes += keyFingerprint + ciphertextDigest + activeDigest
        w.u32(ciphertexts)
        w.u8(h.limbCount)
        w.pack(h)
        return w.bytes
    }

    public init(serialized bytes: [UInt8], parameters: BfvParameters) throws(RlweError) {
        var r = ByteReader(bytes)
        try r.header(.decryptionShare, parameters)
        let party = try r.party()
        let key = try r.raw(32)
        let ct = try r.raw(32)
        let active = try r.raw(32)
        let count = try r.count()
        let context = try r.primeCount(parameters)
        let total = r.offset + packedLimbBytes(context)
        try r.need(total - r.offset, total: total)
        let h: RnsPoly<Coeff> = try r.poly(context)
        try r.finish()
        self.init(
            parameters: parameters, party: party, keyFingerprint: key, ciphertextDigest: ct, activeDigest: active,
            ciphertexts: count, h: h)
    }
}

extension PublicKeySwitchShare {
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.header(.publicKeySwitchShare, parameters)
        w.party(party)
        w.bytes += keyFingerprint + targetFingerprint + ciphertextDigest + activeDigest
        w.u32(ciphertexts)
        w.u8(h0.limbCount)
        w.pack(h0)
        w.pack(h1)
        return w.bytes
    }

    public init(serialized bytes: [UInt8], parameters: BfvParameters) throws(RlweError) {
        var r = ByteReader(bytes)
        try r.header(.publicKeySwitchShare, parameters)
        let party = try r.party()
        let key = try r.raw(32)
        let target = try r.raw(32)
        let ct = try r.raw(32)
        let active = try r.raw(32)
        let count = try r.count()
        let context = try r.primeCount(parameters)
        let total = r.offset + 2 * packedLimbBytes(context)
        try r.need(total - r.offset, total: total)
        let h0: RnsPoly<Coeff> = try r.poly(context)
        let h1: RnsPoly<Coeff> = try r.poly(context)
        try r.finish()
        self.init(
            parameters: parameters, party: party, keyFingerprint: key, targetFingerprint: target, ciphertextDigest: ct,
            activeDigest: active, ciphertexts: count, h0: h0, h1: h1)
    }
}

extension ShamirShare {
    /// Secret bytes: encrypt them to the recipient before they leave the sender.
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.header(.shamirShare, parameters)
        w.party(from)
        w.party(to)
        w.bytes += sharingDigest
        w.pack(value)
        return w.bytes
    }

    public init(serialized bytes: [UInt8], parameters: BfvParameters) throws(RlweError) {
        var r = ByteReader(bytes)
        try r.header(.shamirShare, parameters)
        let top = parameters.context(limbCount: parameters.maxLimbCount)
        let total = headerSize + 8 + 32 + packedLimbBytes(top)
        try r.need(total - r.offset, total: total)
        let from = try r.party()
        let to = try r.party()
        let digest = try r.raw(32)
        let value: RnsPoly<Eval> = try r.poly(top)
        try r.finish()
        self.init(parameters: parameters, from: from, to: to, sharingDigest: digest, value: value)
    }
}
