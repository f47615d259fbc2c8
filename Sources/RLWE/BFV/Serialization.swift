/// Compact binary serialisation.
///
/// Every object starts with a 38-byte header: magic "HERL", format version 1, a kind byte, and the
/// 32-byte SHA-256 parameter fingerprint. Coefficients modulo q_i are packed little-endian at
/// bitWidth(q_i) = ceil(log2 q_i) bits each, every limb padded to a whole byte. Layouts (after the header):
/// - ciphertext (kind 1): limbCount u8, size u8, then size x limbCount packed limbs (c_0 first);
/// - seeded ciphertext (kind 2): limbCount u8, 32-byte seed of c_1, packed c_0;
/// - secret key (kind 3): N coefficients at 2 bits, two's complement (0 -> 0, 1 -> 1, 3 -> -1);
/// - public key (kind 4): 32-byte seed of p_1, packed p_0 (evaluation form);
/// - relinearisation key (kind 5): digit count u8 (= k), 32-byte seed of the a_i, packed b_i (evaluation form,
///   over the data primes and then the special prime P if the parameters have one);
/// - Galois keys (kind 6): key count u16, then per key: element u32, seed, digit count u8, packed b_i;
/// - multi-party shares (kinds 7 to 10): Multiparty/ShareSerialization.swift.
public enum SerializationKind: UInt8, Sendable {
    case ciphertext = 1, seededCiphertext, secretKey, publicKey, relinearizationKey, galoisKeys
    case publicKeyShare, decryptionShare, publicKeySwitchShare, shamirShare
}

let serializationMagic: [UInt8] = Array("HERL".utf8)
let serializationVersion: UInt8 = 1
let headerSize = 38

struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func header(_ kind: SerializationKind, _ parameters: BfvParameters) {
        bytes += serializationMagic
        bytes.append(serializationVersion)
        bytes.append(kind.rawValue)
        bytes += parameters.fingerprint
    }

    mutating func u8(_ v: Int) { bytes.append(UInt8(v)) }
    mutating func u16(_ v: Int) { bytes += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    mutating func u32(_ v: Int) { for i in 0..<4 { bytes.append(UInt8((v >> (8 * i)) & 0xFF)) } }

    /// Packs `values` (all < 2^bits) at `bits` bits each.
    mutating func pack<C: Collection>(_ values: C, bits: Int) where C.Element == UInt64 {
        var acc: UInt64 = 0
        var filled = 0
        for v in values {
            acc |= v << UInt64(filled)
            let take = 64 - filled
            if bits >= take {
                // acc is full: emit 8 bytes, keep the remaining high bits of v.
                for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: acc >> (8 * UInt64(i)))) }
                acc = take == 64 ? 0 : v >> UInt64(take)
                filled = bits - take
            } else {
                filled += bits
            }
        }
        var i = 0
        while filled > 0 {
            bytes.append(UInt8(truncatingIfNeeded: acc >> (8 * UInt64(i))))
            i += 1
            filled -= 8
        }
    }

    mutating func pack(_ poly: RnsPoly<some PolyFormat>) {
        for (i, q) in poly.context.moduli.enumerated() { pack(poly.limb(i), bits: q.bitWidth) }
    }
}

struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func need(_ count: Int, total: Int? = nil) throws(RlweError) {
        if offset + count > bytes.count { throw .truncated(expectedBytes: total ?? offset + count, actualBytes: bytes.count) }
    }

    mutating func header(_ kind: SerializationKind, _ parameters: BfvParameters) throws(RlweError) {
        try need(headerSize)
        guard Array(bytes[0..<4]) == serializationMagic else {
            throw .invalidHeader(expected: "magic HERL", found: bytes[0..<4].map { String($0, radix: 16) }.joined(separator: " "))
        }
        guard bytes[4] == serializationVersion else {
            throw .invalidHeader(expected: "version \(serializationVersion)", found: "version \(bytes[4])")
        }
        guard bytes[5] == kind.rawValue else {
            let found = SerializationKind(rawValue: bytes[5]).map { "\($0)" } ?? "unknown kind \(bytes[5])"
            throw .invalidHeader(expected: "\(kind)", found: found)
        }
        let fp = Array(bytes[6..<38])
        guard fp == parameters.fingerprint else {
            throw .fingerprintMismatch(
                expected: parameters.fingerprintHex, found: fp.prefix(8).map { String($0, radix: 16).leftPadded(2) }.joined())
        }
        offset = headerSize
    }

    mutating func u8() throws(RlweError) -> Int {
        try need(1)
        defer { offset += 1 }
        return Int(bytes[offset])
    }

    mutating func u16() throws(RlweError) -> Int {
        try need(2)
        defer { offset += 2 }
        return Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
    }

    mutating func u32() throws(RlweError) -> Int {
        try need(4)
        defer { offset += 4 }
        return (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
    }

    mutating func raw(_ count: Int) throws(RlweError) -> [UInt8] {
        try need(count)
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// Unpacks `count` values of `bits` bits; each must be below `modulus` (limb index for errors).
    mutating func unpack(count: Int, bits: Int, modulus: UInt64, limb: Int, into out: inout [UInt64], at start: Int)
        throws(RlweError)
    {
        let byteCount = (count * bits + 7) / 8
        try need(byteCount)
        let mask: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
        var bitPos = offset * 8
        for j in 0..<count {
            var byte = bitPos >> 3
            let shift = bitPos & 7
            var v: UInt64 = 0
            var got = -shift
            while got < bits {
                let b = UInt64(bytes[byte])
                v |= got >= 0 ? b << UInt64(got) : b >> UInt64(-got)
                got += 8
                byte += 1
            }
            v &= mask
            guard v < modulus else { throw .coefficientOutOfRange(limb: limb, index: j, value: v, modulus: modulus) }
            out[start + j] = v
            bitPos += bits
        }
        offset += byteCount
    }

    mutating func poly<F: PolyFormat>(_ context: PolyContext) throws(RlweError) -> RnsPoly<F> {
        var data = [UInt64](repeating: 0, count: context.degree * context.limbCount)
        for (i, q) in context.moduli.enumerated() {
            try unpack(
                count: context.degree, bits: q.bitWidth, modulus: q.value, limb: i, into: &data, at: i * context.degree)
        }
        return RnsPoly(context: context, data: data)
    }

    func finish() throws(RlweError) {
        if offset < bytes.count { throw .trailingBytes(expectedBytes: offset, actualBytes: bytes.count) }
    }
}

func packedLimbBytes(_ context: PolyContext) -> Int {
    context.moduli.reduce(0) { $0 + (context.degree * $1.bitWidth + 7) / 8 }
}

extension Ciphertext {
    /// Compact bytes: seed + c_0 for a fresh symmetric encryption, else all polynomials.
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        if let seed, size == 2 {
            w.header(.seededCiphertext, parameters)
            w.u8(limbCount)
            w.bytes += seed
            w.pack(polys[0])
        } else {
            w.header(.ciphertext, parameters)
            w.u8(limbCount)
            w.u8(size)
            for p in polys { w.pack(p) }
        }
        return w.bytes
    }

    /// Reads a ciphertext of `parameters`; refuses other parameter sets, truncated, trailing or
    /// out-of-range data with a specific error.
    public init(serialized bytes: [UInt8], parameters: BfvParameters) throws(RlweError) {
        var r = ByteReader(bytes)
        try r.need(headerSize)
        let seeded = bytes[5] == SerializationKind.seededCiphertext.rawValue
        try r.header(seeded ? .seededCiphertext : .ciphertext, parameters)
        let l = try r.u8()
        guard l >= 1, l <= parameters.maxLimbCount else {
            throw .invalidField(name: "prime count", value: l, expected: "1...\(parameters.maxLimbCount)")
        }
        let context = parameters.context(limbCount: l)
        if seeded {
            let seed = try r.raw(32)
            let total = headerSize + 1 + 32 + packedLimbBytes(context)
            try r.need(total - r.offset, total: total)
            let c0: RnsPoly<Coeff> = try r.poly(context)
            try r.finish()
            var prg = try ChaCha20Prg(seed: seed)
            let c1: RnsPoly<Coeff> = Samplers.uniform(context: parameters.context(limbCount: parameters.maxLimbCount), prg: &prg)
            self.init(parameters: parameters, polys: [c0, c1.prefix(l)], seed: l == parameters.maxLimbCount ? seed : nil)
        } else {
            let size = try r.u8()
            guard size == 2 || size == 3 else { throw .invalidField(name: "ciphertext size", value: size, expected: "2 or 3") }
            let total = headerSize + 2 + size * packedLimbBytes(context)
            try r.need(total - r.offset, total: total)
            var polys: [RnsPoly<Coeff>] = []
            for _ in 0..<size { polys.append(try r.poly(context)) }
            try r.finish()
            self.init(parameters: parameters, polys: polys)
        }
    }
}

extension SecretKey {
    /// N coefficients at 2 bits each, two's complement (0 -> 0, 1 -> 1, 3 -> -1). Secret: store it protected.
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.header(.secretKey, parameters)
        // Branch-free: the low two bits of the two's-complement value.
        var low = coefficients.map { UInt64(bitPattern: $0) & 3 }
        w.pack(low, bits: 2)
        low.secureZero()
        return w.bytes
    }

    public init(serialized bytes: [UInt8], parameters: BfvParameters) throws(RlweError) {
        var r = ByteReader(bytes)
        try r.header(.secretKey, parameters)
        let n = parameters.degree
        try r.need(n / 4, total: headerSize + n / 4)
        var raw = [UInt64](repeating: 0, count: n)
        defer { raw.secureZero() }
        try r.unpack(count: n, bits: 2, modulus: 4, limb: 0, into: &raw, at: 0)
        try r.finish()
        // The pattern 2 is not a ternary value; detect it without branching on the secret values.
        var invalid: UInt64 = 0
        for v in raw { invalid |= (v >> 1) & ~v & 1 }
        guard invalid == 0 else {
            throw .invalidField(name: "secret key coefficient pattern", value: 2, expected: "0, 1 or 3 (-1)")
        }
        self.init(parameters: parameters, coefficients: raw.map { Int64(bitPattern: $0) - Int64(bitPattern: ($0 >> 1) << 2) })
    }
}

extension PublicKey {
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.header(.publicKey, parameters)
        w.bytes += seed
        w.pack(p0)
        return w.bytes
    }

    public init(serialized bytes: [UInt8], parameters: BfvParameters) throws(RlweError) {
        var r = ByteReader(bytes)
        try r.header(.publicKey, parameters)
        let top = parameters.context(limbCount: parameters.maxLimbCount)
        let total = headerSize + 32 + packedLimbBytes(top)
        try r.need(total - r.offset, total: total)
        let seed = try r.raw(32)
        let p0: RnsPoly<Eval> = try r.poly(top)
        try r.finish()
        var prg = try ChaCha20Prg(seed: seed)
        self.init(parameters: parameters, p0: p0, p1: Samplers.uniform(context: top, prg: &prg), seed: seed)
    }
}

extension KeySwitchKey {
    func write(to w: inout ByteWriter) {
        w.u8(b.count)
        w.bytes += seed
        for p in b { w.pack(p) }
    }

    static func read(from r: inout ByteReader, parameters: BfvParameters) throws(RlweError) -> KeySwitchKey {
        let keys = parameters.keyContext
        let digits = try r.u8()
        guard digits == parameters.maxLimbCount else {
            throw .invalidField(name: "key digit count", value: digits, expected: "\(parameters.maxLimbCount)")
        }
        let seed = try r.raw(32)
        try r.need(digits * packedLimbBytes(keys))
        var b: [RnsPoly<Eval>] = []
        for _ in 0..<digits { b.append(try r.poly(keys)) }
        return KeySwitchKey(b: b, a: KeyGenerator.expandKeySwitchA(seed: seed, parameters: parameters), seed: seed)
    }
}

extension RelinearizationKey {
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.header(.relinearizationKey, parameters)
        key.write(to: &w)
        return w.bytes
    }

    public init(serialized bytes: [UInt8], parameters: BfvParameters) throws(RlweError) {
        var r = ByteReader(bytes)
        try r.header(.relinearizationKey, parameters)
        let key = try KeySwitchKey.read(from: &r, parameters: parameters)
        try r.finish()
        self.init(parameters: parameters, key: key)
    }
}

extension GaloisKeys {
    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.header(.galoisKeys, parameters)
        w.u16(keys.count)
        for g in elements {
            w.u32(g)
            keys[g]!.write(to: &w)
        }
        return w.bytes
    }

    public init(serialized bytes: [UInt8], parameters: BfvParameters) throws(RlweError) {
        var r = ByteReader(bytes)
        try r.header(.galoisKeys, parameters)
        let count = try r.u16()
        var keys: [Int: KeySwitchKey] = [:]
        let twoN = 2 * parameters.degree
        for _ in 0..<count {
            let g = try r.u32()
            guard g > 1, g < twoN, g & 1 == 1, keys[g] == nil else {
                throw .invalidField(name: "Galois element", value: g, expected: "odd, in 3..<\(twoN), not repeated")
            }
            keys[g] = try KeySwitchKey.read(from: &r, parameters: parameters)
        }
        try r.finish()
        self.init(parameters: parameters, keys: keys)
    }
}
