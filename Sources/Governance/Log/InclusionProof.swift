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

    public var serialized: [UInt8] { ProofFraming.encode(magic: Self.magic, leafIndex, treeSize, path: path) }

    public init(serialized bytes: [UInt8]) throws(GovernanceError) {
        (leafIndex, treeSize, path) = try ProofFraming.decode(bytes, what: "inclusion proof", magic: Self.magic, maxPath: 64)
        guard leafIndex < treeSize else {
            throw .invalidEncoding(what: "inclusion proof", offset: 8, expected: "leaf index below tree size \(treeSize)")
        }
    }
}
