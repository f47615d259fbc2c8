/// The right frontier (compact range [0, n)) of a Merkle tree: the roots of the perfect subtrees that the binary
/// digits of the size n cut the leaves into, largest first. Appending a leaf costs O(log n) hashes and the frontier
/// holds at most 64 hashes, so a log can be extended without keeping its leaves.
public struct MerkleFrontier: Hashable, Sendable {
    /// The number of leaves.
    public private(set) var size: UInt64 = 0
    /// Roots of the perfect subtrees, largest (leftmost) first; subtree i covers 2^(height i) leaves.
    private var roots: [MerkleHash] = []

    public init() {}

    /// Appends the leaf whose hash is `leafHash`.
    public mutating func append(leafHash: MerkleHash) {
        var carry = leafHash
        // Each trailing 1 bit of the old size is a subtree of the same height as the carried one: merge them.
        var bits = size
        while bits & 1 == 1 {
            carry = .node(roots.removeLast(), carry)
            bits >>= 1
        }
        roots.append(carry)
        size += 1
    }

    /// Appends a leaf holding `entry`.
    public mutating func append<Bytes: Collection<UInt8>>(entry: Bytes) {
        append(leafHash: .leaf(entry))
    }

    /// MTH of the leaves so far: the subtree roots folded from the right (RFC 9162 section 2.1.1, where the
    /// left part of every split is the largest perfect subtree).
    public var root: MerkleHash {
        guard var accumulated = roots.last else { return .emptyTree }
        for subtree in roots.dropLast().reversed() {
            accumulated = .node(subtree, accumulated)
        }
        return accumulated
    }
}
