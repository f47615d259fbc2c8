// Paillier keys: generation, validation, canonical binary encoding and the public-key fingerprint.
//
// Binary layouts (all integers big-endian, magnitudes fixed-length):
//   public key  "HEPK" | version 0x01 | bits (UInt16) | n (bits/8 bytes)
//   secret key  "HESK" | version 0x01 | bits (UInt16) | p (bits/16 bytes) | q (bits/16 bytes)
// The fingerprint is SHA-256 of the public-key encoding. The DJN randomiser base h_s is not stored: it is
// derived deterministically from n (see `PaillierPublicKey.deriveDJNBase`), so a key imported from another
// implementation, which only carries n, gets the same h_s and the same fingerprint everywhere.

import CGMP
import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Modulus sizes and their security levels (NIST SP 800-57 Part 1, Table 2).
public enum PaillierKeySize {
    /// Supported modulus sizes in bits.
    public static let supportedBits = [2048, 3072, 4096]
    /// The default: 3072 bits, 128-bit security.
    public static let defaultBits = 3072

    /// Estimated security in bits: 2048 -> 112, 3072 -> 128, 4096 -> 128 (NIST lists no level between
    /// 3072 and 7680 bits, so 4096 is credited with the lower one).
    public static func securityBits(forModulusBits bits: Int) -> Int? {
        switch bits {
        case 2048: return 112
        case 3072, 4096: return 128
        default: return nil
        }
    }

    /// The warning to show for a modulus below 128-bit security, or nil.
    public static func warning(forModulusBits bits: Int) -> String? {
        bits == 2048
            ? "warning: a 2048-bit Paillier modulus gives 112-bit security (NIST SP 800-57); use 3072 bits for 128-bit security"
            : nil
    }

    static func check(_ bits: Int) throws {
        guard supportedBits.contains(bits) else {
            throw PaillierError.unsupportedKeySize(bits: bits, supported: supportedBits)
        }
    }
}

/// A Paillier public key with g = n + 1.
public struct PaillierPublicKey: Sendable, Equatable, CustomStringConvertible {
    /// The modulus n = p q.
    public let n: BigInt
    /// n^2, the ciphertext modulus.
    public let nSquared: BigInt
    /// Exact bit length of n (2048, 3072 or 4096).
    public let bits: Int
    /// DJN randomiser base h_s = (-x^2)^n mod n^2, derived from n.
    public let djnBase: BigInt
    /// SHA-256 of ``serialized()``.
    public let fingerprint: [UInt8]

    static let magic: [UInt8] = Array("HEPK".utf8)
    static let version: UInt8 = 1

    /// A public key from its modulus. Checks that n has a supported exact size, is odd, is not a perfect
    /// square and is not prime (a modulus that fails any of these cannot be a product of two distinct primes).
    public init(n: BigInt) throws {
        guard n.signum > 0 else { throw PaillierError.invalidKey("modulus n must be positive") }
        let bits = n.bitWidth
        try PaillierKeySize.check(bits)
        guard n.isOdd else { throw PaillierError.invalidKey("modulus n is even") }
        guard n.withMPZ({ __gmpz_perfect_square_p($0) }) == 0 else {
            throw PaillierError.invalidKey("modulus n is a perfect square")
        }
        guard !n.isProbablePrime(rounds: 25) else { throw PaillierError.invalidKey("modulus n is prime") }
        self.n = n
        self.nSquared = n * n
        self.bits = bits
        self.djnBase = Self.deriveDJNBase(n: n, nSquared: nSquared)
        self.fingerprint = Array(SHA256.hash(data: Self.encode(n: n, bits: bits)))
    }

    /// The canonical binary encoding (see the file header).
    public func serialized() -> [UInt8] {
        Self.encode(n: n, bits: bits)
    }

    /// Decodes ``serialized()``: specific errors for a wrong header, truncation, trailing bytes and an
    /// invalid modulus.
    public init(serialized bytes: some Collection<UInt8>) throws {
        let data = Array(bytes)
        let bits = try decodeHeader(data, magic: Self.magic, version: Self.version, what: "Paillier public key")
        let length = 7 + bits / 8
        guard data.count >= length else {
            throw PaillierError.truncated(what: "Paillier public key", expected: length, actual: data.count)
        }
        guard data.count == length else {
            throw PaillierError.trailingBytes(what: "Paillier public key", count: data.count - length)
        }
        let n = BigInt(bigEndianBytes: data[7..<length])
        guard n.bitWidth == bits else {
            throw PaillierError.invalidKey("modulus has \(n.bitWidth) bits, header says \(bits)")
        }
        try self.init(n: n)
    }

    /// Hex of the first 8 fingerprint bytes, for display.
    public var shortFingerprint: String {
        fingerprint.prefix(8).map { hex2($0) }.joined()
    }

    public var description: String {
        "PaillierPublicKey(\(bits) bits, fingerprint \(shortFingerprint))"
    }

    public static func == (a: PaillierPublicKey, b: PaillierPublicKey) -> Bool {
        a.n == b.n
    }

    static func encode(n: BigInt, bits: Int) -> [UInt8] {
        encodeHeader(magic: magic, version: version, bits: bits) + n.bigEndianBytes(count: bits / 8)!
    }

    /// h_s = (-x^2)^n mod n^2 with x derived from n by SHA-256 in counter mode (domain-separated, reduced
    /// mod n; the next counter block is used in the negligible case gcd(x, n) != 1). x is public: the
    /// security of the DJN randomiser rests on the exponent a being secret, not on x (see docs/PAILLIER.md).
    static func deriveDJNBase(n: BigInt, nSquared: BigInt) -> BigInt {
        let nBytes = n.minimalBigEndianBytes
        var counter: UInt32 = 0
        while true {
            var stream: [UInt8] = []
            let blocks = (nBytes.count + 16) / 32 + 1
            for block in 0..<blocks {
                var hasher = SHA256()
                hasher.update(data: Array("he-toolkit paillier djn base v1".utf8))
                hasher.update(data: [UInt8(counter >> 24), UInt8((counter >> 16) & 0xFF), UInt8((counter >> 8) & 0xFF), UInt8(counter & 0xFF)])
                hasher.update(data: [UInt8(block >> 8), UInt8(block & 0xFF)])
                hasher.update(data: nBytes)
                stream += Array(hasher.finalize())
            }
            let x = BigInt(bigEndianBytes: stream).modulo(n)
            counter += 1
            guard !x.isZero, BigInt.gcd(x, n) == BigInt(1) else { continue }
            let h = n - (x * x).modulo(n)
            return h.powMod(n, nSquared)
        }
    }
}

/// A Paillier secret key (the primes p and q with CRT constants). Its description never shows secrets.
public struct PaillierSecretKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public let publicKey: PaillierPublicKey
    let p: BigInt
    let q: BigInt
    let pSquared: BigInt
    let qSquared: BigInt
    let pMinusOne: BigInt
    let qMinusOne: BigInt
    /// hp = L_p(g^(p-1) mod p^2)^-1 mod p, which for g = n + 1 is (-q)^-1 mod p; likewise hq.
    let hp: BigInt
    let hq: BigInt
    /// p^-1 mod q for the CRT recombination.
    let pInverseModQ: BigInt
    /// The number of 64-bit limbs of p and of q (equal: both have the same bit length).
    let primeLimbs: Int

    static let magic: [UInt8] = Array("HESK".utf8)
    static let version: UInt8 = 1

    /// A secret key from its primes. Checks that both are probable primes of the same size, distinct, that
    /// n = p q has a supported exact size and that gcd(n, (p-1)(q-1)) = 1.
    public init(p: BigInt, q: BigInt) throws {
        guard p.signum > 0, q.signum > 0 else { throw PaillierError.invalidKey("p and q must be positive") }
        guard p.bitWidth == q.bitWidth else {
            throw PaillierError.invalidKey("primes differ in size (\(p.bitWidth) and \(q.bitWidth) bits)")
        }
        guard p != q else { throw PaillierError.invalidKey("p equals q") }
        let n = p * q
        try PaillierKeySize.check(n.bitWidth)
        guard p.isProbablePrime(), q.isProbablePrime() else {
            throw PaillierError.invalidKey("p or q is not prime")
        }
        let pMinusOne = p - 1
        let qMinusOne = q - 1
        guard BigInt.gcd(n, pMinusOne * qMinusOne) == BigInt(1) else {
            throw PaillierError.invalidKey("gcd(n, (p-1)(q-1)) != 1")
        }
        publicKey = try PaillierPublicKey(n: n)
        self.p = p
        self.q = q
        pSquared = p * p
        qSquared = q * q
        self.pMinusOne = pMinusOne
        self.qMinusOne = qMinusOne
        guard let hp = (p - q.modulo(p)).inverse(modulo: p), let hq = (q - p.modulo(q)).inverse(modulo: q),
            let pInverse = p.inverse(modulo: q)
        else {
            throw PaillierError.invalidKey("p and q are not coprime")
        }
        self.hp = hp
        self.hq = hq
        pInverseModQ = pInverse
        primeLimbs = (p.bitWidth + 63) / 64
    }

    /// The canonical binary encoding (see the file header). Contains the secret primes.
    public func serialized() -> [UInt8] {
        let bits = publicKey.bits
        var out = encodeHeader(magic: Self.magic, version: Self.version, bits: bits)
        out += p.bigEndianBytes(count: bits / 16)!
        out += q.bigEndianBytes(count: bits / 16)!
        return out
    }

    /// Decodes ``serialized()`` with specific errors for a wrong header, truncation, trailing bytes and
    /// invalid primes.
    public init(serialized bytes: some Collection<UInt8>) throws {
        let data = Array(bytes)
        let bits = try decodeHeader(data, magic: Self.magic, version: Self.version, what: "Paillier secret key")
        let half = bits / 16
        let length = 7 + 2 * half
        guard data.count >= length else {
            throw PaillierError.truncated(what: "Paillier secret key", expected: length, actual: data.count)
        }
        guard data.count == length else {
            throw PaillierError.trailingBytes(what: "Paillier secret key", count: data.count - length)
        }
        let p = BigInt(bigEndianBytes: data[7..<(7 + half)])
        let q = BigInt(bigEndianBytes: data[(7 + half)..<length])
        try self.init(p: p, q: q)
        guard publicKey.bits == bits else {
            throw PaillierError.invalidKey("modulus has \(publicKey.bits) bits, header says \(bits)")
        }
    }

    public var description: String {
        "PaillierSecretKey(\(publicKey.bits) bits, public key fingerprint \(publicKey.shortFingerprint))"
    }

    public var debugDescription: String { description }

    /// No children: `dump` and reflection show nothing secret.
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    /// The primes, for serialisation formats defined elsewhere in the package (python-paillier JSON).
    package var primes: (p: BigInt, q: BigInt) { (p, q) }
}

/// Key generation.
public enum PaillierKeyPair {
    /// Generates a key pair with |n| = `bits` (2048, 3072 or 4096): p and q random probable primes of
    /// `bits / 2` bits with their top two bits set (so |n| is exact), p != q, gcd(n, (p-1)(q-1)) = 1, and
    /// |p - q| > 2^(bits/2 - 100). All candidates come from the OS CSPRNG. A caller that lets people choose
    /// 2048 bits shows them ``PaillierKeySize/warning(forModulusBits:)`` (112-bit security).
    public static func generate(bits: Int = PaillierKeySize.defaultBits) throws -> (
        publicKey: PaillierPublicKey, secretKey: PaillierSecretKey
    ) {
        try PaillierKeySize.check(bits)
        let half = bits / 2
        let minimumGap = BigInt(1) << (half - 100)
        while true {
            let p = BigInt.randomPrime(bits: half)
            let q = BigInt.randomPrime(bits: half)
            let gap = p > q ? p - q : q - p
            guard gap > minimumGap else { continue }
            let secretKey = try PaillierSecretKey(p: p, q: q)
            return (secretKey.publicKey, secretKey)
        }
    }
}

/// magic (4 bytes) | version | modulus bits as UInt16.
func encodeHeader(magic: [UInt8], version: UInt8, bits: Int) -> [UInt8] {
    magic + [version, UInt8(bits >> 8), UInt8(bits & 0xFF)]
}

func decodeHeader(_ data: [UInt8], magic: [UInt8], version: UInt8, what: String) throws -> Int {
    guard data.count >= 7 else {
        throw PaillierError.truncated(what: what + " header", expected: 7, actual: data.count)
    }
    guard Array(data[0..<4]) == magic else {
        throw PaillierError.badHeader(what: what, detail: "magic bytes are not \"\(String(decoding: magic, as: UTF8.self))\"")
    }
    guard data[4] == version else {
        throw PaillierError.badHeader(what: what, detail: "format version \(data[4]), expected \(version)")
    }
    let bits = Int(data[5]) << 8 | Int(data[6])
    try PaillierKeySize.check(bits)
    return bits
}

func hex2(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
}
