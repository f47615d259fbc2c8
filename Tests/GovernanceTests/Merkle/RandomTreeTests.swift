// Random trees up to a few hundred leaves: every proof the tree generates verifies, and no proof, root or leaf
// with one bit changed does. Roots are checked against MTH computed straight from its RFC 9162 definition.

import Testing
import Governance

/// MTH(D[n]) by the recursive definition of RFC 9162 section 2.1.1, with no shared code beyond the two hashes.
func definitionRoot(_ leaves: ArraySlice<[UInt8]>) -> MerkleHash {
    switch leaves.count {
    case 0: return .emptyTree
    case 1: return .leaf(leaves[leaves.startIndex])
    default:
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        let split = leaves.startIndex + k
        return .node(definitionRoot(leaves[..<split]), definitionRoot(leaves[split...]))
    }
}

@Suite("Merkle trees of random leaves")
struct RandomTreeTests {
    static let maxSize = 300
    let leaves: [[UInt8]]
    let tree: MerkleTree

    init() {
        var random = TestBytes(state: 0x6C6F_6700)
        leaves = (0 ..< Self.maxSize).map { _ in random.bytes(Int(random.next() % 48)) }
        tree = MerkleTree(entries: leaves)
    }

    @Test("frontier, subtree store and the definition give the same root at every size")
    func roots() throws {
        var frontier = MerkleFrontier()
        for size in 0 ... Self.maxSize {
            if size > 0 { frontier.append(entry: leaves[size - 1]) }
            let expected = definitionRoot(leaves[..<size])
            #expect(frontier.root == expected, "size \(size)")
            #expect(try tree.root(size: UInt64(size)) == expected, "size \(size)")
        }
    }

    @Test("every inclusion proof of every leaf at every size up to 300 verifies, and not for another leaf")
    func everyInclusionProof() throws {
        for size in 1 ... UInt64(Self.maxSize) {
            let root = try tree.root(size: size)
            for index in 0 ..< size {
                let path = try tree.inclusionPath(leafIndex: index, size: size)
                let leafHash = tree.leafHash(at: index)
                #expect(MerkleProof.verifyInclusion(leafIndex: index, treeSize: size, leafHash: leafHash, path: path,
                                                    root: root), "leaf \(index) of \(size)")
                let neighbour = (index + 1) % size
                if neighbour != index, tree.leafHash(at: neighbour) != leafHash {
                    #expect(!MerkleProof.verifyInclusion(leafIndex: neighbour, treeSize: size, leafHash: leafHash,
                                                         path: path, root: root))
                }
            }
        }
    }

    @Test("every consistency proof between sizes up to 64, and sampled sizes up to 300, verifies")
    func everyConsistencyProof() throws {
        var pairs: [(UInt64, UInt64)] = []
        for n in 1 ... UInt64(64) { for m in 0 ... n { pairs.append((m, n)) } }
        var random = TestBytes(state: 7)
        for _ in 0 ..< 2000 {
            let n = 1 + random.next() % UInt64(Self.maxSize)
            pairs.append((random.next() % (n + 1), n))
        }
        for (m, n) in pairs {
            let proof = try tree.consistencyProof(oldSize: m, newSize: n)
            #expect(MerkleProof.verifyConsistency(oldSize: m, newSize: n, oldRoot: try tree.root(size: m),
                                                  newRoot: try tree.root(size: n), proof: proof), "\(m) -> \(n)")
        }
    }

    /// Sizes that exercise perfect, one-off and ragged trees.
    static let tamperSizes: [UInt64] = [1, 2, 3, 5, 7, 8, 9, 16, 31, 33, 64, 127, 200, 256, 257, 300]

    @Test("one changed bit anywhere in an inclusion proof, its root or its leaf hash fails", arguments: tamperSizes)
    func inclusionTampering(size: UInt64) throws {
        let root = try tree.root(size: size)
        for index in Set([0, size / 3, size / 2, size - 1]) {
            let path = try tree.inclusionPath(leafIndex: index, size: size)
            let leafHash = tree.leafHash(at: index)
            for bit in 0 ..< 256 {
                #expect(!MerkleProof.verifyInclusion(leafIndex: index, treeSize: size, leafHash: leafHash, path: path,
                                                     root: flipped(root, bit: bit)))
                #expect(!MerkleProof.verifyInclusion(leafIndex: index, treeSize: size,
                                                     leafHash: flipped(leafHash, bit: bit), path: path, root: root))
                for i in path.indices {
                    var changed = path
                    changed[i] = flipped(path[i], bit: bit)
                    #expect(!MerkleProof.verifyInclusion(leafIndex: index, treeSize: size, leafHash: leafHash,
                                                         path: changed, root: root), "path[\(i)] bit \(bit)")
                }
            }
        }
    }

    @Test("one changed bit anywhere in a consistency proof or either root fails", arguments: tamperSizes.dropFirst())
    func consistencyTampering(size n: UInt64) throws {
        let newRoot = try tree.root(size: n)
        for m in Set([1, n / 3, n / 2, n - 1]) where m > 0 && m < n {
            let oldRoot = try tree.root(size: m)
            let proof = try tree.consistencyProof(oldSize: m, newSize: n)
            for bit in 0 ..< 256 {
                #expect(!MerkleProof.verifyConsistency(oldSize: m, newSize: n, oldRoot: flipped(oldRoot, bit: bit),
                                                       newRoot: newRoot, proof: proof))
                #expect(!MerkleProof.verifyConsistency(oldSize: m, newSize: n, oldRoot: oldRoot,
                                                       newRoot: flipped(newRoot, bit: bit), proof: proof))
                for i in proof.indices {
                    var changed = proof
                    changed[i] = flipped(proof[i], bit: bit)
                    #expect(!MerkleProof.verifyConsistency(oldSize: m, newSize: n, oldRoot: oldRoot, newRoot: newRoot,
                                                           proof: changed), "\(m) -> \(n) proof[\(i)] bit \(bit)")
                }
            }
        }
    }

    @Test("proofs are refused for sizes beyond the tree and indices beyond the size")
    func outOfRange() {
        #expect(throws: GovernanceError.treeSizeOutOfRange(size: 301, available: 300)) {
            try tree.root(size: 301)
        }
        #expect(throws: GovernanceError.leafIndexOutOfRange(index: 5, treeSize: 5)) {
            try tree.inclusionPath(leafIndex: 5, size: 5)
        }
        #expect(throws: GovernanceError.treeSizeOutOfRange(size: 6, available: 5)) {
            try tree.consistencyProof(oldSize: 6, newSize: 5)
        }
    }
}
