import Governance

/// The corruptions of an inclusion proof that transparency-dev/merkle's verifier tests try (proof/verify_test.go,
/// corruptInclusionProof): wrong index or size, wrong leaf or root, garbage before or after, a changed bit in
/// each hash, a hash removed or inserted. None may verify.
struct InclusionProbe {
    var name: String
    var leafIndex: UInt64
    var treeSize: UInt64
    var leafHash: MerkleHash
    var path: [MerkleHash]
    var root: MerkleHash

    static func corruptions(of index: UInt64, _ size: UInt64, _ path: [MerkleHash], _ root: MerkleHash,
                            _ leafHash: MerkleHash) -> [InclusionProbe] {
        let other = MerkleHash.leaf(Array("WrongLeaf".utf8))
        var probes: [InclusionProbe] = [
            .init(name: "index + 1", leafIndex: index + 1, treeSize: size, leafHash: leafHash, path: path, root: root),
            .init(name: "index ^ 2", leafIndex: index ^ 2, treeSize: size, leafHash: leafHash, path: path, root: root),
            .init(name: "size * 2", leafIndex: index, treeSize: size * 2, leafHash: leafHash, path: path, root: root),
            .init(name: "size / 2", leafIndex: index, treeSize: size / 2, leafHash: leafHash, path: path, root: root),
            .init(name: "wrong leaf", leafIndex: index, treeSize: size, leafHash: other, path: path, root: root),
            .init(name: "empty root", leafIndex: index, treeSize: size, leafHash: leafHash, path: path,
                  root: .emptyTree),
            .init(name: "trailing root", leafIndex: index, treeSize: size, leafHash: leafHash, path: path + [root],
                  root: root),
            .init(name: "preceding root", leafIndex: index, treeSize: size, leafHash: leafHash, path: [root] + path,
                  root: root),
        ]
        if index > 0 {
            probes.append(.init(name: "index - 1", leafIndex: index - 1, treeSize: size, leafHash: leafHash,
                                path: path, root: root))
        }
        for i in path.indices {
            var wrong = path
            wrong[i] = flipped(wrong[i], bit: 3)
            probes.append(.init(name: "path[\(i)] bit 3", leafIndex: index, treeSize: size, leafHash: leafHash,
                                path: wrong, root: root))
        }
        if !path.isEmpty {
            probes.append(.init(name: "removed hash", leafIndex: index, treeSize: size, leafHash: leafHash,
                                path: Array(path.dropLast()), root: root))
        }
        if path.count > 1 {
            probes.append(.init(name: "inserted hash", leafIndex: index, treeSize: size, leafHash: leafHash,
                                path: [path[0], other] + path.dropFirst(), root: root))
        }
        return probes
    }
}

/// The corruptions of a consistency proof that transparency-dev/merkle's verifier tests try
/// (corruptConsistencyProof). None may verify.
struct ConsistencyProbe {
    var name: String
    var oldSize: UInt64
    var newSize: UInt64
    var oldRoot: MerkleHash
    var newRoot: MerkleHash
    var proof: [MerkleHash]

    static func corruptions(of m: UInt64, _ n: UInt64, _ a: MerkleHash, _ b: MerkleHash,
                            _ proof: [MerkleHash]) -> [ConsistencyProbe] {
        let wrong = MerkleHash.leaf(Array("WrongRoot".utf8))
        var probes: [ConsistencyProbe] = [
            .init(name: "old size - 1", oldSize: m - 1, newSize: n, oldRoot: a, newRoot: b, proof: proof),
            .init(name: "old size + 1", oldSize: m + 1, newSize: n, oldRoot: a, newRoot: b, proof: proof),
            .init(name: "old size ^ 2", oldSize: m ^ 2, newSize: n, oldRoot: a, newRoot: b, proof: proof),
            .init(name: "new size * 2", oldSize: m, newSize: n * 2, oldRoot: a, newRoot: b, proof: proof),
            .init(name: "new size / 2", oldSize: m, newSize: n / 2, oldRoot: a, newRoot: b, proof: proof),
            .init(name: "wrong old root", oldSize: m, newSize: n, oldRoot: wrong, newRoot: b, proof: proof),
            .init(name: "wrong new root", oldSize: m, newSize: n, oldRoot: a, newRoot: wrong, proof: proof),
            .init(name: "swapped roots", oldSize: m, newSize: n, oldRoot: b, newRoot: a, proof: proof),
            .init(name: "empty proof", oldSize: m, newSize: n, oldRoot: a, newRoot: b, proof: []),
            .init(name: "trailing old root", oldSize: m, newSize: n, oldRoot: a, newRoot: b, proof: proof + [a]),
            .init(name: "trailing new root", oldSize: m, newSize: n, oldRoot: a, newRoot: b, proof: proof + [b]),
            .init(name: "preceding old root", oldSize: m, newSize: n, oldRoot: a, newRoot: b, proof: [a] + proof),
            .init(name: "preceding new root", oldSize: m, newSize: n, oldRoot: a, newRoot: b, proof: [b] + proof),
            .init(name: "preceding proof[0]", oldSize: m, newSize: n, oldRoot: a, newRoot: b,
                  proof: [proof[0]] + proof),
            .init(name: "truncated", oldSize: m, newSize: n, oldRoot: a, newRoot: b, proof: Array(proof.dropLast())),
        ]
        for i in proof.indices {
            var changed = proof
            changed[i] = flipped(changed[i], bit: 4)
            probes.append(.init(name: "proof[\(i)] bit 4", oldSize: m, newSize: n, oldRoot: a, newRoot: b,
                                proof: changed))
        }
        return probes
    }
}
