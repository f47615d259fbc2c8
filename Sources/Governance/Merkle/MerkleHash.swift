import Crypto

/// A node of a Merkle tree in the hashing of RFC 9162 section 2.1.1: SHA-256 with one domain-separation byte,
/// 0x00 before a leaf's data and 0x01 before the two children of an interior node, so that no leaf can be read
/// as an interior node or the other way round.
public struct MerkleHash: Hashable, Sendable, CustomStringConvertible {
    /// The number of bytes of a hash (SHA-256).
    public static let byteCount = 32

    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// Wraps 32 digest bytes; any other length is refused.
    public init(bytes: [UInt8]) throws(GovernanceError) {
        guard bytes.count == Self.byteCount else {
            throw .invalidHashLength(length: bytes.count, expected: Self.byteCount)
        }
        self.bytes = bytes
    }

    private init(digest: SHA256.Digest) {
        bytes = Array(digest)
    }

    /// MTH({}) = SHA-256 of the empty string: the root of a tree without leaves.
    public static let emptyTree = MerkleHash(digest: SHA256.hash(data: [UInt8]()))

    /// MTH({d}) = SHA-256(0x00 || d): the hash of a leaf holding the entry `data`.
    public static func leaf<Bytes: Collection<UInt8>>(_ data: Bytes) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: Array(data))
        return MerkleHash(digest: hasher.finalize())
    }

    /// SHA-256(0x01 || left || right): the hash of an interior node.
    public static func node(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left.bytes)
        hasher.update(data: right.bytes)
        return MerkleHash(digest: hasher.finalize())
    }

    /// Lower-case hexadecimal.
    public var hex: String { Hex.encode(bytes) }

    public var description: String { hex }
}

/// Hexadecimal text for hashes and key identifiers in reports.
package enum Hex {
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of an even number of hex digits (either case), or nil.
    package static func decode(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ d: UInt8) -> UInt8? {
            switch d {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): d - UInt8(ascii: "0")
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): d - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): d - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let hi = value(digits[i]), let lo = value(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        return out
    }
}
