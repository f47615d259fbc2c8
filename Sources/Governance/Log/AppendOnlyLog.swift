import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file-backed append-only Merkle log of opaque entries, each followed by a tree head signed with the log's
/// Ed25519 key (format and rules: docs/AUDIT-LOG.md).
///
/// **When an entry is logged.** An entry is logged once a complete tree-head record that covers it follows it in
/// the file and `append` has fsynced the file: `append` returns only then, and a caller must not act on the entry
/// (for example write a decrypted result) before it returns. Anything after the last complete tree-head record
/// is an interrupted append (`TornTail`): readers report it and do not count it, and the next `append` removes it.
///
/// **Concurrency.** `append` holds an exclusive `flock` on the lock file `<path>.lock` from before it reads the
/// log until after it has fsynced, so a second appender (another process, or another value in another thread
/// with its own open) waits. A value remembers how far it has read and, under the lock, reads only what others
/// appended since, so an append costs O(log n) hashes after the first, which reads the whole log once.
public struct AppendOnlyLog: Sendable {
    /// What `append` returns: where the entry went and the signed tree head that logged it.
    public struct Receipt: Hashable, Sendable {
        public var leafIndex: UInt64
        public var signedHead: SignedTreeHead
    }

    /// What this value has read of the file: the end of its last complete tree head and the state there.
    private struct State: Sendable {
        var identity: FileIdentity
        var end: UInt64
        var nextRecord: Int
        var frontier: MerkleFrontier
        var lastHead: SignedTreeHead?
    }

    public let path: String
    public var lockPath: String { path + ".lock" }
    private var state: State?

    /// A log at `path`. Nothing is read or created until `append`; `read` and `verify` read the file as it is.
    public init(path: String) {
        self.path = path
    }

    /// Appends `entry` and a tree head signed with `signingKey` at `time`, fsyncs, and returns once the entry is
    /// logged. The head's timestamp is `time` in milliseconds, raised to the previous head's when the clock
    /// went back, so timestamps never decrease. Throws, having logged nothing, when the log is damaged (anything
    /// but an interrupted append), was signed with another key, or a file operation fails.
    @discardableResult
    public mutating func append(_ entry: [UInt8], signingKey: Curve25519.Signing.PrivateKey,
                                time: Date = Date()) throws(GovernanceError) -> Receipt {
        guard entry.count <= LogFormat.maxEntryBytes else {
            throw .entryTooLarge(size: entry.count, limit: LogFormat.maxEntryBytes)
        }
        return try append(signingKey: signingKey, time: time) { (_) throws(GovernanceError) in entry }
    }

    /// As ``append(_:signingKey:time:)``, with the entry made by `makeEntry` from the entries already logged,
    /// under the log's lock: a rule over the whole history (such as the differencing rule) is checked against
    /// exactly the entries the new one follows, and a second appender waits until this entry is logged. An error
    /// thrown by `makeEntry` logs nothing.
    @discardableResult
    public mutating func append(signingKey: Curve25519.Signing.PrivateKey, time: Date = Date(),
                                makeEntry: ([[UInt8]]) throws(GovernanceError) -> [UInt8]) throws(GovernanceError) -> Receipt {
        let lock = try POSIXFile(path: lockPath, flags: O_RDWR | O_CREAT)
        try lock.lockExclusive()
        let earlier = POSIXFile.exists(path) ? try read().entries : []
        let entry = try makeEntry(earlier)
        guard entry.count <= LogFormat.maxEntryBytes else {
            throw .entryTooLarge(size: entry.count, limit: LogFormat.maxEntryBytes)
        }
        if !POSIXFile.exists(path) { try createFile() }
        let file = try POSIXFile(path: path, flags: O_RDWR)
        let keyID = LogKeyID(publicKey: signingKey.publicKey)
        var current = try synchronize(file, publicKey: signingKey.publicKey)
        if let last = current.lastHead, last.head.keyID != keyID {
            throw .signingKeyMismatch(logKeyID: last.head.keyID, givenKeyID: keyID)
        }
        let index = current.frontier.size
        current.frontier.append(entry: entry)
        let milliseconds = max(Self.milliseconds(time), current.lastHead?.head.timestampMilliseconds ?? 0)
        let head = TreeHead(size: current.frontier.size, root: current.frontier.root,
                            timestampMilliseconds: milliseconds, keyID: keyID)
        let signed = try SignedTreeHead.sign(head, with: signingKey)
        // One write, so that a process killed during it leaves a byte prefix of the append.
        let bytes = LogFormat.entryRecord(index: index, entry: entry) + LogFormat.treeHeadRecord(signed)
        try file.write(bytes, at: current.end)
        try file.sync()
        current.end += UInt64(bytes.count)
        current.nextRecord += 2
        current.lastHead = signed
        state = current
        file.release()
        lock.release()
        return Receipt(leafIndex: index, signedHead: signed)
    }

    /// Creates the file with its header: written to `<path>.creating`, fsynced, renamed into place, and the
    /// directory fsynced, so that the log file either does not exist or has its whole header.
    private func createFile() throws(GovernanceError) {
        let temporary = path + ".creating"
        do {
            let file = try POSIXFile(path: temporary, flags: O_WRONLY | O_CREAT | O_TRUNC)
            try file.write(LogFormat.fileHeader, at: 0)
            try file.sync()
        }
        try POSIXFile.rename(temporary, to: path)
        try POSIXFile.syncDirectory(of: path)
    }

    /// Brings this value's state up to the file (under the lock): reads what was appended since it last read (all
    /// of it the first time or when the path names a new file), checks it, and cuts off an interrupted append.
    private mutating func synchronize(_ file: borrowing POSIXFile, publicKey: Curve25519.Signing.PublicKey)
        throws(GovernanceError) -> State
    {
        let keyID = LogKeyID(publicKey: publicKey)
        let identity = try file.identity()
        let size = try file.size()
        if let known = state, known.identity == identity {
            guard size >= known.end else {
                throw .logShrank(path: path, knownSize: known.end, size: size)
            }
            if size == known.end { return known }
        } else {
            state = nil
        }
        let start = state?.end ?? 0
        let parser = LogParser(bytes: try file.read(at: start, count: Int(size - start)), base: start,
                               firstRecord: state?.nextRecord ?? 0)
        if let problem = parser.problems.first { throw .logDamaged(path: path, problem: problem) }
        var replay = LogReplay(publicKey: nil, keepTree: false)
        replay.resume(frontier: state?.frontier ?? MerkleFrontier(), lastHead: state?.lastHead)
        var nextRecord = state?.nextRecord ?? 0
        var problems: [LogProblem] = []
        for record in parser.records where record.end <= parser.committedEnd {
            replay.apply(record, problems: &problems)
            nextRecord = record.index + 1
        }
        if let problem = problems.first { throw .logDamaged(path: path, problem: problem) }
        // The head the next one builds on must be the key holder's: its signature is checked here (every head's
        // root was checked against the entries above; `verify` checks every signature).
        if let last = replay.lastHead, let record = replay.lastHeadRecord, last.head.keyID == keyID,
           !last.hasValidSignature(publicKey) {
            throw .logDamaged(path: path, problem: .signatureInvalid(record: record.index, offset: record.offset,
                                                                     treeSize: last.head.size))
        }
        if let tornTail = parser.tornTail {
            try file.truncate(to: tornTail.offset)
            try file.sync()
        }
        let current = State(identity: identity, end: parser.committedEnd, nextRecord: nextRecord,
                            frontier: replay.frontier, lastHead: replay.lastHead)
        state = current
        return current
    }

    /// Milliseconds since 1970 (UTC), 0 before it, UInt64.max beyond what it holds.
    package static func milliseconds(_ time: Date) -> UInt64 {
        let value = (time.timeIntervalSince1970 * 1000).rounded(.down)
        if !(value > 0) { return 0 }
        return value < 0x1p64 ? UInt64(value) : .max
    }
}
