import Crypto
import Foundation

/// The identifier of a log's Ed25519 key: SHA-256 of the 32-byte raw public key.
public struct LogKeyID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(publicKey: Curve25519.Signing.PublicKey) {
        bytes = Array(SHA256.hash(data: publicKey.rawRepresentation))
    }

    init(rawBytes: [UInt8]) {
        precondition(rawBytes.count == 32)
        bytes = rawBytes
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}

/// What a log commits to at one moment: its size, its Merkle root, when, and under which key.
///
/// Canonical encoding (80 bytes, the "body"; integers unsigned little-endian):
///
///     offset  size  field
///     0       8     tree size            u64
///     8       32    root hash            MTH of the first `tree size` entries (RFC 9162 section 2.1.1)
///     40      8     timestamp            u64, milliseconds since 1970-01-01T00:00:00Z (UTC)
///     48      32    log key id           SHA-256 of the log's raw Ed25519 public key
///
/// The signed message is `TreeHead.signingContext` (the 34 ASCII bytes "he-toolkit/merkle-log/tree-head/v1",
/// no terminator) followed by the body, so that no signature by the same key over anything else can pass for a
/// tree head.
public struct TreeHead: Hashable, Sendable {
    public static let signingContext = Array("he-toolkit/merkle-log/tree-head/v1".utf8)
    public static let encodedByteCount = 80

    public var size: UInt64
    public var root: MerkleHash
    public var timestampMilliseconds: UInt64
    public var keyID: LogKeyID

    public init(size: UInt64, root: MerkleHash, timestampMilliseconds: UInt64, keyID: LogKeyID) {
        self.size = size
        self.root = root
        self.timestampMilliseconds = timestampMilliseconds
        self.keyID = keyID
    }

    /// The timestamp as a date.
    public var timestamp: Date { Date(timeIntervalSince1970: Double(timestampMilliseconds) / 1000) }

    /// The 80-byte canonical body.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.encodedByteCount)
        ByteWriter.appendU64(size, to: &bytes)
        bytes += root.bytes
        ByteWriter.appendU64(timestampMilliseconds, to: &bytes)
        bytes += keyID.bytes
        return bytes
    }

    /// Decodes an 80-byte body.
    public init(encoded bytes: [UInt8]) throws(GovernanceError) {
        guard bytes.count == Self.encodedByteCount else {
            throw .invalidEncoding(what: "tree head", offset: 0,
                                   expected: "\(Self.encodedByteCount) bytes, found \(bytes.count)")
        }
        size = ByteReader.u64(bytes, at: 0)
        root = try MerkleHash(bytes: Array(bytes[8 ..< 40]))
        timestampMilliseconds = ByteReader.u64(bytes, at: 40)
        keyID = LogKeyID(rawBytes: Array(bytes[48 ..< 80]))
    }

    /// The message an Ed25519 signature of this head covers: context, then body.
    public var signedMessage: [UInt8] { Self.signingContext + encoded }
}

/// A tree head with the log key's Ed25519 signature over `TreeHead.signedMessage`.
///
/// Serialised form (144 bytes): the 80-byte tree-head body, then the 64-byte signature.
public struct SignedTreeHead: Hashable, Sendable {
    public static let signatureByteCount = 64
    public static let encodedByteCount = TreeHead.encodedByteCount + signatureByteCount

    public var head: TreeHead
    public var signature: [UInt8]

    public init(head: TreeHead, signature: [UInt8]) {
        self.head = head
        self.signature = signature
    }

    /// Signs `head` with `key`; the head's key id must be the key's.
    public static func sign(_ head: TreeHead, with key: Curve25519.Signing.PrivateKey) throws(GovernanceError)
        -> SignedTreeHead
    {
        let keyID = LogKeyID(publicKey: key.publicKey)
        guard head.keyID == keyID else { throw .signingKeyMismatch(logKeyID: head.keyID, givenKeyID: keyID) }
        let signature: Data
        do {
            signature = try key.signature(for: head.signedMessage)
        } catch {
            throw .signingFailed
        }
        return SignedTreeHead(head: head, signature: Array(signature))
    }

    /// Whether the head names `publicKey` and the signature is `publicKey`'s over the head.
    public func isValid(for publicKey: Curve25519.Signing.PublicKey) -> Bool {
        head.keyID == LogKeyID(publicKey: publicKey) && hasValidSignature(publicKey)
    }

    /// Whether the signature verifies under `publicKey` (whatever key id the head names).
    func hasValidSignature(_ publicKey: Curve25519.Signing.PublicKey) -> Bool {
        signature.count == Self.signatureByteCount
            && publicKey.isValidSignature(signature, for: head.signedMessage)
    }

    /// The 144-byte serialised form.
    public var serialized: [UInt8] { head.encoded + signature }

    /// Reads the 144-byte serialised form.
    public init(serialized bytes: [UInt8]) throws(GovernanceError) {
        guard bytes.count == Self.encodedByteCount else {
            throw .invalidEncoding(what: "signed tree head", offset: 0,
                                   expected: "\(Self.encodedByteCount) bytes, found \(bytes.count)")
        }
        head = try TreeHead(encoded: Array(bytes[0 ..< TreeHead.encodedByteCount]))
        signature = Array(bytes[TreeHead.encodedByteCount...])
    }
}

/// Little-endian integer writing.
enum ByteWriter {
    static func appendU64(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    static func appendU32(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    static func appendU16(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }
}

/// Little-endian integer reading; the caller has checked the bounds.
package enum ByteReader {
    package static func u64<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at offset: Int) -> UInt64
        where Bytes.Index == Int
    {
        var value: UInt64 = 0
        for i in 0 ..< 8 { value |= UInt64(bytes[bytes.startIndex + offset + i]) << UInt64(8 * i) }
        return value
    }

    package static func u32<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at offset: Int) -> UInt32
        where Bytes.Index == Int
    {
        var value: UInt32 = 0
        for i in 0 ..< 4 { value |= UInt32(bytes[bytes.startIndex + offset + i]) << UInt32(8 * i) }
        return value
    }

    package static func u16<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at offset: Int) -> UInt16
        where Bytes.Index == Int
    {
        UInt16(bytes[bytes.startIndex + offset]) | UInt16(bytes[bytes.startIndex + offset + 1]) << 8
    }
}
