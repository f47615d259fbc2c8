import Crypto

/// Replays framed records in order and checks what they mean together: every entry's index, every tree head's
/// size, root, key, timestamp and (when asked) signature and consistency with the head before it.
struct LogReplay {
    private(set) var frontier = MerkleFrontier()
    /// Every subtree root, kept only when consistency between successive heads is checked.
    private(set) var tree: MerkleTree?
    private(set) var lastHead: SignedTreeHead?
    private(set) var lastHeadRecord: ParsedRecord?
    private(set) var headCount = 0
    private var keyID: LogKeyID?
    private let publicKey: Curve25519.Signing.PublicKey?
    private let checkSignatures: Bool

    /// `publicKey` pins the log key and has every head's signature checked (else the first head's key id is
    /// taken and no signature is checked); `keepTree` keeps the subtree roots needed for consistency proofs.
    init(publicKey: Curve25519.Signing.PublicKey?, keepTree: Bool) {
        self.publicKey = publicKey
        checkSignatures = publicKey != nil
        keyID = publicKey.map(LogKeyID.init(publicKey:))
        tree = keepTree ? MerkleTree() : nil
    }

    /// Continues from a state read before: the frontier after its entries and its last tree head.
    mutating func resume(frontier: MerkleFrontier, lastHead: SignedTreeHead?) {
        precondition(tree == nil, "a resumed replay has no subtree roots")
        self.frontier = frontier
        self.lastHead = lastHead
        if keyID == nil { keyID = lastHead?.head.keyID }
    }

    /// The number of entries replayed.
    var entryCount: UInt64 { frontier.size }

    /// Replays `record`, adding what is wrong with it to `problems`.
    mutating func apply(_ record: ParsedRecord, problems: inout [LogProblem]) {
        switch record.content {
        case let .entry(leafIndex, bytes):
            if leafIndex != frontier.size {
                problems.append(.entryIndexMismatch(record: record.index, offset: record.offset,
                                                    expected: frontier.size, found: leafIndex))
            }
            let leafHash = MerkleHash.leaf(bytes)
            frontier.append(leafHash: leafHash)
            tree?.append(leafHash: leafHash)
        case let .treeHead(signed):
            check(signed, record: record, problems: &problems)
            lastHead = signed
            lastHeadRecord = record
            headCount += 1
        }
    }

    private mutating func check(_ signed: SignedTreeHead, record: ParsedRecord, problems: inout [LogProblem]) {
        let head = signed.head
        let (index, offset) = (record.index, record.offset)
        if head.size != frontier.size {
            problems.append(.treeHeadSizeMismatch(record: index, offset: offset, entriesBefore: frontier.size,
                                                  claimed: head.size))
        } else {
            let root = frontier.root
            if root != head.root {
                problems.append(.rootMismatch(record: index, offset: offset, treeSize: head.size, computed: root,
                                              claimed: head.root))
            }
        }
        if let expected = keyID, expected != head.keyID {
            problems.append(.keyMismatch(record: index, offset: offset, expected: expected, found: head.keyID))
        } else {
            keyID = head.keyID
            if checkSignatures, let publicKey, !signed.hasValidSignature(publicKey) {
                problems.append(.signatureInvalid(record: index, offset: offset, treeSize: head.size))
            }
        }
        if let previous = lastHead?.head {
            if head.timestampMilliseconds < previous.timestampMilliseconds {
                problems.append(.timestampDecreased(record: index, offset: offset,
                                                    previous: previous.timestampMilliseconds,
                                                    found: head.timestampMilliseconds))
            }
            if let tree, !Self.consistent(previous, head, in: tree) {
                problems.append(.inconsistentWithPreviousHead(record: index, offset: offset,
                                                              previousSize: previous.size, size: head.size))
            }
        }
    }

    /// Whether the log's own consistency proof joins `old` to `new`, checked as a third party would check it.
    static func consistent(_ old: TreeHead, _ new: TreeHead, in tree: MerkleTree) -> Bool {
        guard old.size <= new.size, new.size <= tree.size,
              let proof = try? tree.consistencyProof(oldSize: old.size, newSize: new.size) else { return false }
        return MerkleProof.verifyConsistency(oldSize: old.size, newSize: new.size, oldRoot: old.root,
                                             newRoot: new.root, proof: proof)
    }
}
