import Crypto

/// Proof that the log of `oldSize` entries is a prefix of the log of `newSize` entries: what a third party that saved
/// an earlier signed tree head needs, beside a later one, to check that nothing logged before was changed or
/// removed since.
///
/// Serialised form (integers unsigned little-endian):
///
///     offset  size  field
///     0       4     magic           "HLCP" (48 4C 43 50)
///     4       1     version         1
///     5       1     path length c   at most 128
///     6       2     reserved        0
///     8       8     old size        u64
///     16      8     new size        u64, at least the old size
///     24      32 c  path            the RFC 9162 consistency proof
public struct ConsistencyProof: Hashable, Sendable {
    static let magic: [UInt8] = Array("HLCP".utf8)
    static let version: UInt8 = 1

    public var oldSize: UInt64
    public var newSize: UInt64
    public var path: [MerkleHash]

    public init(oldSize: UInt64, newSize: UInt64, path: [MerkleHash]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.path = path
    }

    /// Checks that both heads are signed by `publicKey`, that the proof is for their sizes, and that it shows the
    /// older head's tree to be a prefix of the newer one's. Throws the first thing that does not hold.
    public func verify(from older: SignedTreeHead, to newer: SignedTreeHead,
                       publicKey: Curve25519.Signing.PublicKey) throws(GovernanceError) {
        let keyID = LogKeyID(publicKey: publicKey)
        for signed in [older, newer] {
            guard signed.head.keyID == keyID else {
                throw .signingKeyMismatch(logKeyID: signed.head.keyID, givenKeyID: keyID)
            }
            guard signed.hasValidSignature(publicKey) else {
                throw .treeHeadSignatureInvalid(treeSize: signed.head.size)
            }
        }
        guard oldSize == older.head.size else { throw .proofTreeSizeMismatch(proofSize: oldSize, headSize: older.head.size) }
        guard newSize == newer.head.size else { throw .proofTreeSizeMismatch(proofSize: newSize, headSize: newer.head.size) }
        guard MerkleProof.verifyConsistency(oldSize: oldSize, newSize: newSize, oldRoot: older.head.root,
                                            newRoot: newer.head.root, proof: path) else {
            throw .consistencyProofInvalid(oldSize: oldSize, newSize: newSize)
        }
    }

    public var serialized: [UInt8] {
        var bytes = Self.magic + [Self.version, UInt8(path.count), 0, 0]
        ByteWriter.appendU64(oldSize, to: &bytes)
        ByteWriter.appendU64(newSize, to: &bytes)
        for hash in path { bytes += hash.bytes }
        return bytes
    }

    public init(serialized bytes: [UInt8]) throws(GovernanceError) {
        func invalid(_ offset: Int, _ expected: String) -> GovernanceError {
            .invalidEncoding(what: "consistency proof", offset: offset, expected: expected)
        }
        guard bytes.count >= 24 else { throw invalid(bytes.count, "at least 24 bytes, found \(bytes.count)") }
        guard Array(bytes[0 ..< 4]) == Self.magic else { throw invalid(0, "magic \"HLCP\"") }
        guard bytes[4] == Self.version else { throw invalid(4, "version 1, found \(bytes[4])") }
        let count = Int(bytes[5])
        guard count <= 128 else { throw invalid(5, "a path of at most 128 hashes, found \(count)") }
        guard bytes[6] == 0, bytes[7] == 0 else { throw invalid(6, "reserved bytes 0") }
        guard bytes.count == 24 + 32 * count else {
            throw invalid(min(bytes.count, 24 + 32 * count), "\(24 + 32 * count) bytes, found \(bytes.count)")
        }
        oldSize = ByteReader.u64(bytes, at: 8)
        newSize = ByteReader.u64(bytes, at: 16)
        guard oldSize <= newSize else { throw invalid(8, "an old size at most the new size \(newSize)") }
        var path: [MerkleHash] = []
        for i in 0 ..< count {
            path.append(try MerkleHash(bytes: Array(bytes[24 + 32 * i ..< 56 + 32 * i])))
        }
        self.path = path
    }
}
