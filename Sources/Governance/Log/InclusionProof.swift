import Crypto

/// Proof that an entry is leaf `leafIndex` of a log of `treeSize` entries: what a third party needs, beside the
/// entry's bytes and a signed tree head of that size, to check that the entry was logged.
///
/// Serialised form (integers unsigned little-endian):
///
///     offset  size  field
///     0       4     magic           "HLIP" (48 4C 49 50)
///     4       1     version         1
///     5       1     path length c   at most 64
///     6       2     reserved        0
///     8       8     leaf index      u64, < tree size
///     16      8     tree size       u64
///     24      32 c  path            the RFC 9162 inclusion path, the leaf's sibling first
public struct InclusionProof: Hashable, Sendable {
    static let magic: [UInt8] = Array("HLIP".utf8)
    static let version: UInt8 = 1

    public var leafIndex: UInt64
    public var treeSize: UInt64
    public var path: [MerkleHash]

    public init(leafIndex: UInt64, treeSize: UInt64, path: [MerkleHash]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.path = path
    }

    /// Checks that `entry` is leaf `leafIndex` of the tree that `signedHead` commits to, and that `signedHead` is
    /// signed by `publicKey`. Throws the first thing that does not hold.
    public func verify(entry: [UInt8], against signedHead: SignedTreeHead,
                       publicKey: Curve25519.Signing.PublicKey) throws(GovernanceError) {
        let keyID = LogKeyID(publicKey: publicKey)
        guard signedHead.head.keyID == keyID else {
            throw .signingKeyMismatch(logKeyID: signedHead.head.keyID, givenKeyID: keyID)
        }
        guard signedHead.hasValidSignature(publicKey) else {
            throw .treeHeadSignatureInvalid(treeSize: signedHead.head.size)
        }
        guard treeSize == signedHead.head.size else {
            throw .proofTreeSizeMismatch(proofSize: treeSize, headSize: signedHead.head.size)
        }
        guard MerkleProof.verifyInclusion(leafIndex: leafIndex, treeSize: treeSize, leafHash: .leaf(entry),
                                          path: path, root: signedHead.head.root) else {
            throw .inclusionProofInvalid(leafIndex: leafIndex, treeSize: treeSize)
        }
    }

    public var serialized: [UInt8] {
        var bytes = Self.magic + [Self.version, UInt8(path.count), 0, 0]
        ByteWriter.appendU64(leafIndex, to: &bytes)
        ByteWriter.appendU64(treeSize, to: &bytes)
        for hash in path { bytes += hash.bytes }
        return bytes
    }

    public init(serialized bytes: [UInt8]) throws(GovernanceError) {
        func invalid(_ offset: Int, _ expected: String) -> GovernanceError {
            .invalidEncoding(what: "inclusion proof", offset: offset, expected: expected)
        }
        guard bytes.count >= 24 else { throw invalid(bytes.count, "at least 24 bytes, found \(bytes.count)") }
        guard Array(bytes[0 ..< 4]) == Self.magic else { throw invalid(0, "magic \"HLIP\"") }
        guard bytes[4] == Self.version else { throw invalid(4, "version 1, found \(bytes[4])") }
        let count = Int(bytes[5])
        guard count <= 64 else { throw invalid(5, "a path of at most 64 hashes, found \(count)") }
        guard bytes[6] == 0, bytes[7] == 0 else { throw invalid(6, "reserved bytes 0") }
        guard bytes.count == 24 + 32 * count else {
            throw invalid(min(bytes.count, 24 + 32 * count), "\(24 + 32 * count) bytes, found \(bytes.count)")
        }
        leafIndex = ByteReader.u64(bytes, at: 8)
        treeSize = ByteReader.u64(bytes, at: 16)
        guard leafIndex < treeSize else { throw invalid(8, "leaf index below tree size \(treeSize)") }
        var path: [MerkleHash] = []
        for i in 0 ..< count {
            path.append(try MerkleHash(bytes: Array(bytes[24 + 32 * i ..< 56 + 32 * i])))
        }
        self.path = path
    }
}
