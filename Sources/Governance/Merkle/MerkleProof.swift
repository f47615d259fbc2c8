/// Verification of inclusion and consistency proofs, in the algorithms of RFC 9162 sections 2.1.3.2 and 2.1.4.2.
/// Each check needs only hashes, sizes and the proof: not the tree.
public enum MerkleProof {
    /// The root that `path` leads to from the leaf `leafIndex` (whose hash is `leafHash`) of a tree of `treeSize`
    /// leaves, or nil when the path has the wrong length for that position (RFC 9162 section 2.1.3.2, steps 1-4).
    public static func rootFromInclusionPath(leafIndex: UInt64, treeSize: UInt64, leafHash: MerkleHash,
                                             path: [MerkleHash]) -> MerkleHash? {
        guard leafIndex < treeSize else { return nil }
        var fn = leafIndex
        var sn = treeSize - 1
        var r = leafHash
        for p in path {
            if sn == 0 { return nil }
            if fn & 1 == 1 || fn == sn {
                r = .node(p, r)
                if fn & 1 == 0 {
                    // fn is the last node of its level and has no right sibling: climb until it is a right child.
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = .node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        // Step 5: every level was used.
        return sn == 0 ? r : nil
    }

    /// Whether `path` proves that the leaf with hash `leafHash` is leaf `leafIndex` of the tree of `treeSize`
    /// leaves whose root is `root`.
    public static func verifyInclusion(leafIndex: UInt64, treeSize: UInt64, leafHash: MerkleHash,
                                       path: [MerkleHash], root: MerkleHash) -> Bool {
        rootFromInclusionPath(leafIndex: leafIndex, treeSize: treeSize, leafHash: leafHash, path: path) == root
    }

    /// Whether `proof` shows that the tree of `oldSize` leaves with root `oldRoot` is a prefix of the tree of
    /// `newSize` leaves with root `newRoot` (RFC 9162 section 2.1.4.2).
    ///
    /// The cases the RFC leaves to the caller: equal sizes are consistent exactly when the roots are equal and the
    /// proof is empty; the empty tree is a prefix of every tree, with an empty proof; a larger old size never is.
    public static func verifyConsistency(oldSize: UInt64, newSize: UInt64, oldRoot: MerkleHash,
                                         newRoot: MerkleHash, proof: [MerkleHash]) -> Bool {
        if oldSize > newSize { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return proof.isEmpty }
        // Step 1: a proof between different non-empty sizes is never empty.
        guard !proof.isEmpty else { return false }
        // Step 2: when the old tree is a perfect subtree, its root is the first node of the path.
        let path = MerkleMath.isPowerOfTwo(oldSize) ? [oldRoot] + proof : proof
        // Steps 3-4.
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // Step 5.
        var fr = path[0]
        var sr = path[0]
        // Step 6.
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = .node(c, fr)
                sr = .node(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = .node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        // Step 7.
        return fr == oldRoot && sr == newRoot && sn == 0
    }
}
