// The published RFC 6962 / RFC 9162 reference vectors that certificate-transparency-go and transparency-dev/merkle
// test against (Resources/rfc6962-vectors.json names the repositories, files and commits).

import Crypto
import Testing
import Governance

@Suite("Merkle reference vectors (RFC 6962 / RFC 9162)")
struct ReferenceVectorTests {
    let vectors: ReferenceVectors

    init() throws { vectors = try ReferenceVectors.load() }

    @Test("leaf and node hashing with the 0x00 / 0x01 prefixes")
    func hashing() throws {
        let h = vectors.hasher
        #expect(MerkleHash.emptyTree == (try hash(h.emptyRoot)))
        #expect(MerkleHash.leaf([UInt8]()) == (try hash(h.emptyLeafHash)))
        #expect(MerkleHash.leaf(hexBytes(h.leafData)) == (try hash(h.leafHash)))
        // The RFC 6962 test hashes two 4-byte strings as children; MerkleHash.node takes 32-byte hashes, so the
        // same preimage 0x01 || left || right is checked through the leaf hasher's SHA-256 instead.
        let preimage = [0x01] + hexBytes(h.nodeLeft) + hexBytes(h.nodeRight)
        #expect(Hex.encode(SHA256.hash(data: preimage)) == h.nodeHash)
    }

    @Test("roots of the first 1 ... 8 leaves, by the frontier and by the full tree")
    func roots() throws {
        var frontier = MerkleFrontier()
        var tree = MerkleTree()
        #expect(frontier.root == .emptyTree)
        for (i, leaf) in vectors.leafBytes.enumerated() {
            frontier.append(entry: leaf)
            tree.append(leafHash: .leaf(leaf))
            let expected = try hash(vectors.roots[i])
            #expect(frontier.root == expected, "size \(i + 1)")
            #expect(try tree.root() == expected, "size \(i + 1)")
        }
        for size in 1 ... 8 {
            #expect(try tree.root(size: UInt64(size)) == (try hash(vectors.roots[size - 1])))
        }
    }

    @Test("inclusion proofs: generated equal to the published ones, which verify")
    func inclusion() throws {
        let tree = MerkleTree(entries: vectors.leafBytes)
        for vector in vectors.inclusion {
            let path = try vector.path.map(hash)
            #expect(try tree.inclusionPath(leafIndex: vector.leafIndex, size: vector.treeSize) == path)
            let root = try hash(vectors.roots[Int(vector.treeSize) - 1])
            let leafHash = MerkleHash.leaf(vectors.leafBytes[Int(vector.leafIndex)])
            #expect(MerkleProof.verifyInclusion(leafIndex: vector.leafIndex, treeSize: vector.treeSize,
                                                leafHash: leafHash, path: path, root: root))
            for probe in InclusionProbe.corruptions(of: vector.leafIndex, vector.treeSize, path, root, leafHash) {
                #expect(!MerkleProof.verifyInclusion(leafIndex: probe.leafIndex, treeSize: probe.treeSize,
                                                     leafHash: probe.leafHash, path: probe.path, root: probe.root),
                        "accepted: \(probe.name) for leaf \(vector.leafIndex) of \(vector.treeSize)")
            }
        }
    }

    @Test("consistency proofs: generated equal to the published ones, which verify")
    func consistency() throws {
        let tree = MerkleTree(entries: vectors.leafBytes)
        for vector in vectors.consistency {
            let proof = try vector.proof.map(hash)
            #expect(try tree.consistencyProof(oldSize: vector.oldSize, newSize: vector.newSize) == proof)
            let oldRoot = try hash(vectors.roots[Int(vector.oldSize) - 1])
            let newRoot = try hash(vectors.roots[Int(vector.newSize) - 1])
            #expect(MerkleProof.verifyConsistency(oldSize: vector.oldSize, newSize: vector.newSize, oldRoot: oldRoot,
                                                  newRoot: newRoot, proof: proof))
            guard !proof.isEmpty else { continue }
            for probe in ConsistencyProbe.corruptions(of: vector.oldSize, vector.newSize, oldRoot, newRoot, proof) {
                #expect(!MerkleProof.verifyConsistency(oldSize: probe.oldSize, newSize: probe.newSize,
                                                       oldRoot: probe.oldRoot, newRoot: probe.newRoot,
                                                       proof: probe.proof),
                        "accepted: \(probe.name) for \(vector.oldSize) -> \(vector.newSize)")
            }
        }
    }

    @Test("the sizes every pair of trees is trivially consistent at, and those it never is")
    func trivialConsistency() throws {
        let a = try hash(vectors.roots[0])
        let b = try hash(vectors.roots[1])
        #expect(MerkleProof.verifyConsistency(oldSize: 0, newSize: 0, oldRoot: a, newRoot: a, proof: []))
        #expect(MerkleProof.verifyConsistency(oldSize: 0, newSize: 1, oldRoot: a, newRoot: b, proof: []))
        #expect(MerkleProof.verifyConsistency(oldSize: 1, newSize: 1, oldRoot: b, newRoot: b, proof: []))
        #expect(!MerkleProof.verifyConsistency(oldSize: 1, newSize: 1, oldRoot: a, newRoot: b, proof: []))
        #expect(!MerkleProof.verifyConsistency(oldSize: 1, newSize: 0, oldRoot: a, newRoot: b, proof: []))
        #expect(!MerkleProof.verifyConsistency(oldSize: 2, newSize: 1, oldRoot: a, newRoot: b, proof: []))
        #expect(!MerkleProof.verifyConsistency(oldSize: 1, newSize: 2, oldRoot: a, newRoot: b, proof: []))
        #expect(!MerkleProof.verifyConsistency(oldSize: 1, newSize: 1, oldRoot: b, newRoot: b, proof: [.emptyTree]))
        #expect(!MerkleProof.verifyConsistency(oldSize: 0, newSize: 1, oldRoot: a, newRoot: b, proof: [.emptyTree]))
        for (index, size) in [(0, 0), (1, 0), (2, 1), (1, 1)] as [(UInt64, UInt64)] {
            #expect(!MerkleProof.verifyInclusion(leafIndex: index, treeSize: size, leafHash: a, path: [], root: a))
        }
    }
}
