/// A Merkle tree that keeps every complete subtree root, for proofs over any earlier size.
///
/// `levels[h][i]` is the root of the perfect subtree of height h over leaves [i 2^h, (i + 1) 2^h); appending a
/// leaf adds O(log n) of them (2n hashes in total). The hash of any range that the RFC 9162 recursion asks for,
/// [a, b) with a a multiple of the next power of two at or above b - a, is then found in O(log n) hashes, so
/// proofs cost O(log n) to build, not O(n).
public struct MerkleTree: Sendable {
    private var levels: [[MerkleHash]] = [[]]

    public init() {}

    /// A tree over the leaves holding `entries`, in order.
    public init<Entries: Sequence>(entries: Entries) where Entries.Element: Collection<UInt8> {
        for entry in entries { append(leafHash: .leaf(entry)) }
    }

    /// The number of leaves.
    public var size: UInt64 { UInt64(levels[0].count) }

    /// The hash of leaf `index`.
    public func leafHash(at index: UInt64) -> MerkleHash { levels[0][Int(index)] }

    /// Appends the leaf whose hash is `leafHash`.
    public mutating func append(leafHash: MerkleHash) {
        levels[0].append(leafHash)
        var height = 0
        // A new perfect subtree of height h + 1 is complete whenever level h gets an even count.
        while levels[height].count % 2 == 0 {
            let count = levels[height].count
            let parent = MerkleHash.node(levels[height][count - 2], levels[height][count - 1])
            if levels.count == height + 1 { levels.append([]) }
            levels[height + 1].append(parent)
            height += 1
        }
    }

    /// MTH(D[0:n]): the root of the tree of the first `size` leaves (the whole tree when nil).
    public func root(size: UInt64? = nil) throws(GovernanceError) -> MerkleHash {
        let n = size ?? self.size
        guard n <= self.size else { throw .treeSizeOutOfRange(size: n, available: self.size) }
        return n == 0 ? .emptyTree : hash(0, n)
    }

    /// MTH(D[start:end]), for a range of the shape the RFC 9162 recursion produces.
    private func hash(_ start: UInt64, _ end: UInt64) -> MerkleHash {
        let count = end - start
        if MerkleMath.isPowerOfTwo(count) && start % count == 0 {
            let height = count.trailingZeroBitCount
            return levels[height][Int(start >> height)]
        }
        let k = MerkleMath.splitPoint(count)
        return .node(hash(start, start + k), hash(start + k, end))
    }

    /// PATH(m, D[0:n]) of RFC 9162 section 2.1.3.1: the inclusion proof of leaf `index` in the tree of the first
    /// `size` leaves, the leaf's sibling first.
    public func inclusionPath(leafIndex index: UInt64, size n: UInt64) throws(GovernanceError) -> [MerkleHash] {
        guard n <= self.size else { throw .treeSizeOutOfRange(size: n, available: self.size) }
        guard index < n else { throw .leafIndexOutOfRange(index: index, treeSize: n) }
        var path: [MerkleHash] = []
        // The recursion PATH(m, D[a:b]) walks down from the root; the hashes it appends after the recursive call
        // are collected top-down here and reversed at the end.
        var (start, end, m) = (UInt64(0), n, index)
        while end - start > 1 {
            let k = MerkleMath.splitPoint(end - start)
            if m < k {
                path.append(hash(start + k, end))
                end = start + k
            } else {
                path.append(hash(start, start + k))
                start += k
                m -= k
            }
        }
        return path.reversed()
    }

    /// PROOF(m, D[0:n]) of RFC 9162 section 2.1.4.1: the consistency proof between the trees of the first
    /// `oldSize` and the first `newSize` leaves. Empty when oldSize is 0 or equals newSize.
    public func consistencyProof(oldSize m: UInt64, newSize n: UInt64) throws(GovernanceError) -> [MerkleHash] {
        guard n <= self.size else { throw .treeSizeOutOfRange(size: n, available: self.size) }
        guard m <= n else { throw .treeSizeOutOfRange(size: m, available: n) }
        if m == 0 || m == n { return [] }
        // SUBPROOF(m, D[a:b], b_flag), unrolled: top-down hashes, reversed at the end.
        var proof: [MerkleHash] = []
        var (start, end, m) = (UInt64(0), n, m)
        var complete = true
        while m != end - start {
            let k = MerkleMath.splitPoint(end - start)
            if m <= k {
                proof.append(hash(start + k, end))
                end = start + k
            } else {
                proof.append(hash(start, start + k))
                start += k
                m -= k
                complete = false
            }
        }
        // SUBPROOF(m, D[m], true) = {} (the old root is known to the verifier); with false it is {MTH(D[m])}.
        if !complete { proof.append(hash(start, end)) }
        return proof.reversed()
    }
}
