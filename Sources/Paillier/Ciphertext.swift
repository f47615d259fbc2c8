// Paillier ciphertexts and their fixed-length binary encoding.

import CGMP

/// A Paillier ciphertext: an element of Z*_{n^2} for the public key it was made under.
///
/// The ciphertext does not carry its key; containers that hold ciphertexts record the key's fingerprint.
public struct PaillierCiphertext: Sendable, Equatable, Hashable {
    /// The residue c with 0 < c < n^2.
    public let value: BigInt

    package init(unchecked value: BigInt) {
        self.value = value
    }

    /// A ciphertext from its residue, checked to be in Z*_{n^2}: 0 < c < n^2 and gcd(c, n) = 1.
    public init(value: BigInt, publicKey: PaillierPublicKey) throws {
        try Self.validate(value, publicKey: publicKey)
        self.value = value
    }

    /// Number of bytes of one serialised ciphertext under `publicKey`: 2|n|/8.
    public static func serializedByteCount(for publicKey: PaillierPublicKey) -> Int {
        2 * publicKey.bits / 8
    }

    /// The residue as a fixed-length big-endian magnitude of 2|n|/8 bytes.
    public func serialized(for publicKey: PaillierPublicKey) -> [UInt8] {
        guard let bytes = value.bigEndianBytes(count: Self.serializedByteCount(for: publicKey)) else {
            preconditionFailure("ciphertext does not fit the key's ciphertext size")
        }
        return bytes
    }

    /// Decodes exactly one serialised ciphertext and checks it is in Z*_{n^2}.
    public init(serialized bytes: some Collection<UInt8>, publicKey: PaillierPublicKey) throws {
        let expected = Self.serializedByteCount(for: publicKey)
        guard bytes.count >= expected else {
            throw PaillierError.truncated(what: "Paillier ciphertext", expected: expected, actual: bytes.count)
        }
        guard bytes.count == expected else {
            throw PaillierError.trailingBytes(what: "Paillier ciphertext", count: bytes.count - expected)
        }
        try self.init(value: BigInt(bigEndianBytes: bytes), publicKey: publicKey)
    }

    /// Serialises a sequence of ciphertexts back to back (each 2|n|/8 bytes).
    public static func serialize(_ ciphertexts: [PaillierCiphertext], for publicKey: PaillierPublicKey) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ciphertexts.count * serializedByteCount(for: publicKey))
        for c in ciphertexts { out += c.serialized(for: publicKey) }
        return out
    }

    /// Decodes `count` ciphertexts written by ``serialize(_:for:)``; each is checked, and an error names the
    /// index of the first bad one.
    public static func deserialize(_ bytes: some Collection<UInt8>, count: Int, publicKey: PaillierPublicKey) throws
        -> [PaillierCiphertext]
    {
        let size = serializedByteCount(for: publicKey)
        let data = Array(bytes)
        guard data.count >= count * size else {
            throw PaillierError.truncated(what: "\(count) Paillier ciphertexts", expected: count * size, actual: data.count)
        }
        guard data.count == count * size else {
            throw PaillierError.trailingBytes(what: "\(count) Paillier ciphertexts", count: data.count - count * size)
        }
        var out: [PaillierCiphertext] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            do {
                out.append(try PaillierCiphertext(serialized: data[(i * size)..<((i + 1) * size)], publicKey: publicKey))
            } catch let PaillierError.invalidCiphertext(detail) {
                throw PaillierError.invalidCiphertext("ciphertext \(i): \(detail)")
            }
        }
        return out
    }

    static func validate(_ c: BigInt, publicKey: PaillierPublicKey) throws {
        guard c.signum > 0 else { throw PaillierError.invalidCiphertext("value is zero or negative (expected 0 < c < n^2)") }
        guard c < publicKey.nSquared else { throw PaillierError.invalidCiphertext("value is not below n^2") }
        guard BigInt.gcd(c, publicKey.n) == BigInt(1) else {
            throw PaillierError.invalidCiphertext("value shares a factor with n (not in Z*_{n^2})")
        }
    }
}
