import Crypto

/// What `AppendOnlyLog.verify` found.
public struct LogVerificationReport: Sendable {
    /// Every problem, in file order, then those found against the saved tree head.
    public var problems: [LogProblem]
    /// An interrupted append after the last tree head: reported, not a problem (nothing in it was logged).
    public var tornTail: TornTail?
    /// The number of logged entries (covered by the last complete tree head).
    public var entryCount: UInt64
    /// The number of tree heads.
    public var treeHeadCount: Int
    /// The last tree head.
    public var latestHead: SignedTreeHead?

    /// True when nothing is wrong (an interrupted append is not a fault of the log).
    public var isValid: Bool { problems.isEmpty }
}

extension AppendOnlyLog {
    /// Verifies the whole file as it is, under `publicKey`: recomputes every record checksum, entry index, tree
    /// head size and Merkle root, checks every signature, that timestamps never decrease, that each tree head is
    /// consistent with the previous one (an RFC 9162 consistency proof from the log, checked against both heads),
    /// and, given `savedHead` (a signed tree head kept from an earlier verification or published), that the log
    /// still extends it. Every problem is named with its record and byte offset; reading stops only where the
    /// records can no longer be framed. Throws only when the file cannot be read.
    public func verify(publicKey: Curve25519.Signing.PublicKey,
                       savedHead: SignedTreeHead? = nil) throws(GovernanceError) -> LogVerificationReport {
        guard POSIXFile.exists(path) else { throw .logNotFound(path: path) }
        return Self.verify(bytes: try POSIXFile.readAll(path), publicKey: publicKey, savedHead: savedHead)
    }

    /// `verify` on the bytes of a log file.
    package static func verify(bytes: [UInt8], publicKey: Curve25519.Signing.PublicKey,
                       savedHead: SignedTreeHead?) -> LogVerificationReport {
        let parser = LogParser(bytes: bytes)
        var problems = parser.problems
        var replay = LogReplay(publicKey: publicKey, keepTree: true)
        for record in parser.records where record.end <= parser.committedEnd {
            replay.apply(record, problems: &problems)
        }
        // Problems are reported in file order (the parser's and the replay's interleave by record), those of one
        // record in the order they were found.
        problems = problems.enumerated().sorted { a, b in
            (a.element.record ?? -1, a.offset) < (b.element.record ?? -1, b.offset)
        }.map(\.element)
        let entryCount = replay.lastHead.map { _ in replay.entryCount } ?? 0
        if let savedHead, let tree = replay.tree {
            problems += check(savedHead, against: tree, logSize: entryCount, lastHead: replay.lastHead?.head,
                                   publicKey: publicKey)
        }
        return LogVerificationReport(problems: problems, tornTail: parser.tornTail, entryCount: entryCount,
                                     treeHeadCount: replay.headCount, latestHead: replay.lastHead)
    }

    /// What is wrong with the log against a tree head saved earlier.
    private static func check(_ saved: SignedTreeHead, against tree: MerkleTree, logSize: UInt64,
                              lastHead: TreeHead?, publicKey: Curve25519.Signing.PublicKey) -> [LogProblem] {
        var problems: [LogProblem] = []
        if !saved.isValid(for: publicKey) { problems.append(.savedHeadSignatureInvalid(treeSize: saved.head.size)) }
        guard saved.head.size <= logSize else {
            problems.append(.shorterThanSavedHead(savedSize: saved.head.size, logSize: logSize))
            return problems
        }
        // The log's consistency proof from the saved size to its latest head, checked as a third party would:
        // against the saved root and the latest head's root (the root recomputed from the entries when the
        // latest head is itself wrong).
        var newRoot = (try? tree.root(size: logSize)) ?? .emptyTree
        if let lastHead, lastHead.size == logSize { newRoot = lastHead.root }
        let proof = (try? tree.consistencyProof(oldSize: saved.head.size, newSize: logSize)) ?? []
        if !MerkleProof.verifyConsistency(oldSize: saved.head.size, newSize: logSize, oldRoot: saved.head.root,
                                          newRoot: newRoot, proof: proof) {
            problems.append(.inconsistentWithSavedHead(savedSize: saved.head.size, logSize: logSize))
        }
        return problems
    }
}
