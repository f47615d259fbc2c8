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

    public var serialized: [UInt8] { ProofFraming.encode(magic: Self.magic, oldSize, newSize, path: path) }

    public init(serialized bytes: [UInt8]) throws(GovernanceError) {
        (oldSize, newSize, path) = try ProofFraming.decode(bytes, what: "consistency proof", magic: Self.magic, maxPath: 128)
        guard oldSize <= newSize else {
            throw .invalidEncoding(what: "consistency proof", offset: 8, expected: "an old size at most the new size \(newSize)")
        }
    }
}
