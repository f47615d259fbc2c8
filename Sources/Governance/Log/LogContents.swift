import Crypto

/// A log file as read: its logged entries, its tree heads, and proofs over them.
public struct LogContents: Sendable {
    public let path: String
    /// The logged entries (those covered by a complete tree head), in order: entry i is leaf i.
    public let entries: [[UInt8]]
    /// Every tree head of the file, in order.
    public let treeHeads: [SignedTreeHead]
    /// An interrupted append after the last tree head, if there is one (not counted in `entries`).
    public let tornTail: TornTail?
    let tree: MerkleTree

    /// The last tree head: the one that covers every logged entry.
    public var latestHead: SignedTreeHead? { treeHeads.last }

    /// The number of logged entries.
    public var size: UInt64 { UInt64(entries.count) }

    init(path: String, entries: [[UInt8]], treeHeads: [SignedTreeHead], tornTail: TornTail?, tree: MerkleTree) {
        self.path = path
        self.entries = entries
        self.treeHeads = treeHeads
        self.tornTail = tornTail
        self.tree = tree
    }

    /// The proof that entry `leafIndex` is in the tree of the first `treeSize` entries (all of them when nil),
    /// for a third party holding a signed tree head of that size.
    public func inclusionProof(leafIndex: UInt64, treeSize: UInt64? = nil) throws(GovernanceError) -> InclusionProof {
        let size = treeSize ?? self.size
        return InclusionProof(leafIndex: leafIndex, treeSize: size,
                              path: try tree.inclusionPath(leafIndex: leafIndex, size: size))
    }

    /// The RFC 9162 consistency proof from the tree of `oldSize` entries to that of `newSize` (all when nil), for a
    /// third party holding signed tree heads of both sizes.
    public func consistencyProof(oldSize: UInt64, newSize: UInt64? = nil) throws(GovernanceError) -> ConsistencyProof {
        let size = newSize ?? self.size
        return ConsistencyProof(oldSize: oldSize, newSize: size,
                                path: try tree.consistencyProof(oldSize: oldSize, newSize: size))
    }

    /// The Merkle root of the first `treeSize` entries (all when nil).
    public func root(treeSize: UInt64? = nil) throws(GovernanceError) -> MerkleHash {
        try tree.root(size: treeSize)
    }
}

extension AppendOnlyLog {
    /// Reads the log file as it is, without its lock and without a key: throws `GovernanceError.logDamaged` with
    /// the first problem (framing, checksum, entry index, tree-head size or root, a change of key) and reports an
    /// interrupted append in `tornTail`. Signatures are not checked here: `verify` checks them.
    public func read() throws(GovernanceError) -> LogContents {
        guard POSIXFile.exists(path) else { throw .logNotFound(path: path) }
        return try Self.read(bytes: try POSIXFile.readAll(path), path: path)
    }

    /// `read` on the bytes of a log file; `path` names it in errors.
    package static func read(bytes: [UInt8], path: String) throws(GovernanceError) -> LogContents {
        let parser = LogParser(bytes: bytes)
        if let problem = parser.problems.first { throw .logDamaged(path: path, problem: problem) }
        var replay = LogReplay(publicKey: nil, keepTree: true)
        var problems: [LogProblem] = []
        var entries: [[UInt8]] = []
        var heads: [SignedTreeHead] = []
        for record in parser.records where record.end <= parser.committedEnd {
            replay.apply(record, problems: &problems)
            switch record.content {
            case let .entry(_, entry): entries.append(entry)
            case let .treeHead(head): heads.append(head)
            }
        }
        if let problem = problems.first { throw .logDamaged(path: path, problem: problem) }
        return LogContents(path: path, entries: entries, treeHeads: heads, tornTail: parser.tornTail,
                           tree: replay.tree ?? MerkleTree())
    }
}
